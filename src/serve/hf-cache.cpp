#include "serve/hf-cache.hpp"

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

}  // namespace eqb
