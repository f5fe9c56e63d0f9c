#include "data/commands.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>

#include "data/check.hpp"
#include "data/data-dir.hpp"
#include "data/fetch.hpp"
#include "data/registry.hpp"
#include "data/verify.hpp"
#include "lang/language-pack.hpp"

namespace eqb {
namespace {

// Reports names that matched no registry file; returns how many.
int unknown_report(const dataset_selection& selection, const data_output& out) {
    for (const auto& name : selection.unknown) {
        out.problem(fmt::format(
            "eqbench: error: {}: not a dataset file or prefix of one (`eqbench data verify` lists them)", name));
    }
    return static_cast<int>(selection.unknown.size());
}

std::string size_describe(std::uint64_t bytes) {
    constexpr double kib = 1024.0;
    if (bytes < 1024) {
        return fmt::format("{} bytes", bytes);
    }
    if (static_cast<double>(bytes) < kib * kib) {
        return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / kib);
    }
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (kib * kib));
}

}  // namespace

int data_fetch_run(const data_request& opts, const data_output& out) {
    const auto location = data_dir_resolve(opts.data_dir);
    const auto selection = dataset_select(opts.fetch_names);
    int failed = unknown_report(selection, out);
    fetch_settings settings;
    settings.data_dir = location.path;
    settings.mirror = data_mirror_resolve(opts.mirror);
    dataset_fetcher fetcher(settings);
    int downloaded = 0;
    int cached = 0;
    std::vector<std::string_view> unlicensed_repos;
    for (const auto* file : selection.files) {
        if (file->upstream.licence.empty() && std::find(unlicensed_repos.begin(), unlicensed_repos.end(),
                                                        file->upstream.repo) == unlicensed_repos.end()) {
            unlicensed_repos.push_back(file->upstream.repo);
        }
        const fetch_outcome outcome = fetcher.fetch(*file);
        switch (outcome.status) {
            case fetch_status::DOWNLOADED:
                ++downloaded;
                out.line(fmt::format("{}: downloaded ({}{})", file->name, size_describe(outcome.bytes),
                                     outcome.replaced ? ", replaced a file with the wrong hash" : ""));
                break;
            case fetch_status::CACHED:
                ++cached;
                out.line(fmt::format("{}: ok (cached)", file->name));
                break;
            case fetch_status::FAILED:
                ++failed;
                out.problem(fmt::format("eqbench: error: {}", outcome.message));
                break;
        }
    }
    out.line(fmt::format("data fetch: {} downloaded, {} cached, {} failed; data directory {}", downloaded, cached,
                         failed, location.path.string()));
    for (const auto repo : unlicensed_repos) {
        out.line(fmt::format("note: {} states no licence for its files; they are fetched for your own evaluation only",
                             repo));
    }
    return failed > 0 ? 1 : 0;
}

int data_verify_run(const data_request& opts, const data_output& out) {
    const auto location = data_dir_resolve(opts.data_dir);
    const auto selection = dataset_select(opts.verify_names);
    const int unknown = unknown_report(selection, out);
    int ok = 0;
    int missing = 0;
    int bad = 0;
    for (const auto* file : selection.files) {
        const verify_outcome outcome = dataset_verify(*file, location.path);
        switch (outcome.status) {
            case verify_status::OK:
                ++ok;
                out.line(fmt::format("{}: ok", file->name));
                break;
            case verify_status::MISSING:
                ++missing;
                out.line(fmt::format("{}: missing", file->name));
                break;
            case verify_status::MISMATCH:
                ++bad;
                out.line(fmt::format("{}: hash mismatch: expected {}, got {}", file->name,
                                     file->git_blob_sha1.empty() ? file->sha256 : file->git_blob_sha1,
                                     outcome.actual_sha256));
                break;
            case verify_status::UNREADABLE:
                ++bad;
                out.line(fmt::format("{}: unreadable: {}", file->name, outcome.message));
                break;
        }
    }
    out.line(fmt::format("data verify: {} ok, {} missing, {} bad; data directory {}", ok, missing, bad,
                         location.path.string()));
    if (missing > 0 && !opts.allow_missing) {
        out.line(fmt::format("`eqbench data fetch` downloads missing files; --allow-missing accepts their absence"));
    }
    const bool failed = bad > 0 || unknown > 0 || (missing > 0 && !opts.allow_missing);
    return failed ? 1 : 0;
}

namespace {

std::string read_all(const std::filesystem::path& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    return ok ? std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()) : std::string();
}

// The pack for a question file: --language-pack, --language, else the file
// name's suffix (_de, _ja, _jahalf), else English.
result<language_pack> check_pack_for(const data_request& opts) {
    if (!opts.check_pack.empty()) {
        return language_pack_load_file(opts.check_pack);
    }
    if (!opts.check_language.empty()) {
        return language_pack_builtin(opts.check_language);
    }
    const std::string stem = std::filesystem::path(opts.check_file).stem().string();
    for (const char* code : {"jahalf", "ja", "de"}) {
        const std::string suffix = std::string("_") + code;
        if (stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return language_pack_builtin(code);
        }
    }
    return language_pack_builtin("en");
}

}  // namespace

int data_check_run(const data_request& opts, const data_output& out) {
    bool ok = false;
    const std::string bytes = read_all(opts.check_file, ok);
    if (!ok) {
        return out.fail(opts.check_file + ": cannot read the question file");
    }
    auto pack = check_pack_for(opts);
    if (!pack) {
        return out.fail(pack.err().message);
    }
    std::filesystem::path source = opts.check_source;
    if (source.empty() && pack->code != "en") {
        source = data_dir_resolve(opts.data_dir).path / "eq_bench_v2_questions_171.json";
    }
    std::string source_bytes;
    if (!source.empty()) {
        source_bytes = read_all(source, ok);
        if (!ok) {
            if (!opts.check_source.empty()) {
                return out.fail(source.string() + ": cannot read the English source");
            }
            out.problem(fmt::format("eqbench: note: {} not found; reference scores are not compared", source.string()));
        }
    }
    const auto findings = dataset_check(bytes, opts.check_file, *pack, source_bytes);
    std::map<std::string, int> by_kind;
    std::map<std::string, int> questions;
    for (const auto& f : findings) {
        ++by_kind[f.kind];
        ++questions[f.id];
        if (opts.check_json) {
            out.line(fmt::format("{}", nlohmann::json{{"id", f.id}, {"kind", f.kind}, {"detail", f.detail}}.dump(
                                           -1, ' ', false, nlohmann::json::error_handler_t::replace)));
        } else {
            out.line(fmt::format("{}{}: {}", f.id.empty() ? "" : "question " + f.id + ": ", f.kind, f.detail));
        }
    }
    const auto doc = nlohmann::json::parse(bytes, nullptr, false);
    const std::size_t checked = doc.is_object() ? doc.size() : 0;
    std::string summary = fmt::format("data check {} ({} pack): {} questions checked, {} findings in {} of them",
                                      opts.check_file, pack->code, checked, findings.size(), questions.size());
    for (const auto& [kind, n] : by_kind) {
        summary += fmt::format("; {} {}", kind, n);
    }
    (opts.check_json ? out.problem : out.line)(summary);
    return findings.empty() ? 0 : 1;
}

}  // namespace eqb
