#include "serve/hf-cache.hpp"

#include "core/text.hpp"

#include <cstdio>

#include <cstdlib>

namespace eqb {

std::filesystem::path hf_hub_cache(const std::string& configured) {
    if (!configured.empty()) {
        return configured;
    }
    if (const char* v = std::getenv("HF_HUB_CACHE"); v != nullptr && *v != '\0') {
        return v;
    }
    if (const char* v = std::getenv("HF_HOME"); v != nullptr && *v != '\0') {
        return std::filesystem::path(v) / "hub";
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / ".cache" / "huggingface" / "hub";
}

std::optional<std::filesystem::path> hf_model_cache_dir(const std::filesystem::path& hub, const std::string& model) {
    if (model.empty() || model.front() == '/' || model.front() == '~' || model.front() == '.' ||
        model.find("..") != std::string::npos || model.find('\\') != std::string::npos) {
        return std::nullopt;
    }
    std::error_code ec;
    if (std::filesystem::exists(model, ec)) {
        return std::nullopt;
    }
    const auto slash = model.find('/');
    if (slash != std::string::npos && model.find('/', slash + 1) != std::string::npos) {
        return std::nullopt;  // a Hugging Face id has at most one '/'
    }
    std::string name = "models--";
    for (const char c : model) {
        name += c == '/' ? std::string("--") : std::string(1, c);
    }
    return hub / name;
}

result<std::string> hf_download(const hf_download_spec& spec) {
    constexpr std::size_t output_tail_chars = 400;
    std::string cmd = "huggingface-cli download " + shell_quote(spec.model);
    for (const auto& p : spec.include_patterns) {
        cmd += " --include " + shell_quote(p);
    }
    for (const auto& p : spec.exclude_patterns) {
        cmd += " --exclude " + shell_quote(p);
    }
    if (!spec.cache_dir.empty()) {
        cmd += " --cache-dir " + shell_quote(spec.cache_dir);
    }
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) {
        return error{"cannot run huggingface-cli (pip install huggingface_hub) to download " + spec.model};
    }
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
        out += buf;
    }
    const int status = ::pclose(pipe);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
        out.pop_back();
    }
    // The tool prints the snapshot folder on its last line.
    const std::string path = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
    std::error_code ec;
    if (status != 0 || path.empty() || !std::filesystem::is_directory(path, ec)) {
        return error{"downloading " + spec.model +
                     " failed (huggingface-cli download, from the huggingface_hub package, must be installed and "
                     "the model id must exist): " +
                     out.substr(out.size() > output_tail_chars ? out.size() - output_tail_chars : 0)};
    }
    return path;
}

}  // namespace eqb
