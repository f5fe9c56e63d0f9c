// eqbench data fetch|verify|path: the datasets in the data directory.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "data/check.hpp"
#include "data/data-dir.hpp"
#include "data/fetch.hpp"
#include "data/registry.hpp"
#include "data/verify.hpp"
#include "lang/language-pack.hpp"

namespace eqb {
namespace {

struct data_options {
    std::vector<std::string> fetch_names;
    std::string mirror;
    std::vector<std::string> verify_names;
    bool allow_missing = false;
    std::string check_file;
    std::string check_language;
    std::string check_pack;
    std::string check_source;
    bool check_json = false;
};

// Reports names that matched no registry file; returns how many.
int unknown_report(const dataset_selection& selection) {
    for (const auto& name : selection.unknown) {
        fmt::print(stderr,
                   "eqbench: error: {}: not a dataset file or prefix of one (`eqbench data verify` lists them)\n",
                   name);
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

void fetch_main(const data_options& opts, cli_context& ctx) {
    const auto location = data_dir_resolve(ctx.data_dir);
    const auto selection = dataset_select(opts.fetch_names);
    int failed = unknown_report(selection);
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
                fmt::print("{}: downloaded ({}{})\n", file->name, size_describe(outcome.bytes),
                           outcome.replaced ? ", replaced a file with the wrong hash" : "");
                break;
            case fetch_status::CACHED:
                ++cached;
                fmt::print("{}: ok (cached)\n", file->name);
                break;
            case fetch_status::FAILED:
                ++failed;
                std::fflush(stdout);
                fmt::print(stderr, "eqbench: error: {}\n", outcome.message);
                break;
        }
        std::fflush(stdout);
    }
    fmt::print("data fetch: {} downloaded, {} cached, {} failed; data directory {}\n", downloaded, cached, failed,
               location.path.string());
    for (const auto repo : unlicensed_repos) {
        fmt::print("note: {} states no licence for its files; they are fetched for your own evaluation only\n", repo);
    }
    std::fflush(stdout);
    ctx.exit_code = failed > 0 ? 1 : 0;
}

void verify_main(const data_options& opts, cli_context& ctx) {
    const auto location = data_dir_resolve(ctx.data_dir);
    const auto selection = dataset_select(opts.verify_names);
    const int unknown = unknown_report(selection);
    int ok = 0;
    int missing = 0;
    int bad = 0;
    for (const auto* file : selection.files) {
        const verify_outcome outcome = dataset_verify(*file, location.path);
        switch (outcome.status) {
            case verify_status::OK:
                ++ok;
                fmt::print("{}: ok\n", file->name);
                break;
            case verify_status::MISSING:
                ++missing;
                fmt::print("{}: missing\n", file->name);
                break;
            case verify_status::MISMATCH:
                ++bad;
                fmt::print("{}: hash mismatch: expected {}, got {}\n", file->name,
                           file->git_blob_sha1.empty() ? file->sha256 : file->git_blob_sha1, outcome.actual_sha256);
                break;
            case verify_status::UNREADABLE:
                ++bad;
                fmt::print("{}: unreadable: {}\n", file->name, outcome.message);
                break;
        }
    }
    fmt::print("data verify: {} ok, {} missing, {} bad; data directory {}\n", ok, missing, bad, location.path.string());
    if (missing > 0 && !opts.allow_missing) {
        fmt::print("`eqbench data fetch` downloads missing files; --allow-missing accepts their absence\n");
    }
    std::fflush(stdout);
    const bool failed = bad > 0 || unknown > 0 || (missing > 0 && !opts.allow_missing);
    ctx.exit_code = failed ? 1 : 0;
}

std::string read_all(const std::filesystem::path& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    return ok ? std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()) : std::string();
}

// The pack for a question file: --language-pack, --language, else the file
// name's suffix (_de, _ja, _jahalf), else English.
result<language_pack> check_pack_for(const data_options& opts) {
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

void check_main(const data_options& opts, cli_context& ctx) {
    bool ok = false;
    const std::string bytes = read_all(opts.check_file, ok);
    if (!ok) {
        throw fatal_error(opts.check_file + ": cannot read the question file");
    }
    auto pack = check_pack_for(opts);
    if (!pack) {
        throw fatal_error(pack.err().message);
    }
    std::filesystem::path source = opts.check_source;
    if (source.empty() && pack->code != "en") {
        source = data_dir_resolve(ctx.data_dir).path / "eq_bench_v2_questions_171.json";
    }
    std::string source_bytes;
    if (!source.empty()) {
        source_bytes = read_all(source, ok);
        if (!ok) {
            if (!opts.check_source.empty()) {
                throw fatal_error(source.string() + ": cannot read the English source");
            }
            fmt::print(stderr, "eqbench: note: {} not found; reference scores are not compared\n", source.string());
        }
    }
    const auto findings = dataset_check(bytes, opts.check_file, *pack, source_bytes);
    std::map<std::string, int> by_kind;
    std::map<std::string, int> questions;
    for (const auto& f : findings) {
        ++by_kind[f.kind];
        ++questions[f.id];
        if (opts.check_json) {
            fmt::print("{}\n", nlohmann::json{{"id", f.id}, {"kind", f.kind}, {"detail", f.detail}}.dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace));
        } else {
            fmt::print("{}{}: {}\n", f.id.empty() ? "" : "question " + f.id + ": ", f.kind, f.detail);
        }
    }
    std::string summary = fmt::format("data check {} ({} pack): {} findings in {} questions", opts.check_file,
                                      pack->code, findings.size(), questions.size());
    for (const auto& [kind, n] : by_kind) {
        summary += fmt::format("; {} {}", kind, n);
    }
    fmt::print(opts.check_json ? stderr : stdout, "{}\n", summary);
    std::fflush(stdout);
    ctx.exit_code = findings.empty() ? 0 : 1;
}

}  // namespace

void cmd_data_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<data_options>();
    const std::string mirror_help = "Fetch from URL/OWNER/REPO/COMMIT/PATH (default: $EQBENCH_DATA_MIRROR, else " +
                                    std::string(data_default_mirror) + ")";
    // Accepted before the command too (`eqbench --mirror URL data fetch`).
    app.add_option("--mirror", opts->mirror, mirror_help)->group("data fetch");

    auto* data = app.add_subcommand("data", "Datasets in the data directory: fetch, verify, check, path");
    data->require_subcommand(1);
    data->fallthrough();

    auto* fetch = data->add_subcommand("fetch", "Download the pinned dataset files and check their SHA-256");
    fetch->add_option("names", opts->fetch_names, "Files or name prefixes (e.g. instruction-templates/); default: all");
    fetch->add_option("--mirror", opts->mirror, mirror_help);
    fetch->fallthrough();
    fetch->callback([opts, &ctx] { fetch_main(*opts, ctx); });

    auto* verify = data->add_subcommand("verify", "Check the dataset files present against their SHA-256");
    verify->add_option("names", opts->verify_names, "Files or name prefixes; default: all");
    verify->add_flag("--allow-missing", opts->allow_missing, "Missing files are not an error");
    verify->fallthrough();
    verify->callback([opts, &ctx] { verify_main(*opts, ctx); });

    auto* check = data->add_subcommand("check", "Check a question set: structure, emotions, scores, markers, names");
    check->add_option("file", opts->check_file, "The question file (JSON)")->required();
    check->add_option("--language", opts->check_language,
                      "Language pack: en, de, ja, jahalf (default: from the file name)");
    check->add_option("--language-pack", opts->check_pack, "A language pack file");
    check->add_option("--source", opts->check_source,
                      "The English question set to compare reference scores with (default: the data directory's)");
    check->add_flag("--json", opts->check_json, "One finding per line: {\"id\", \"kind\", \"detail\"}");
    check->fallthrough();
    check->callback([opts, &ctx] { check_main(*opts, ctx); });

    auto* path = data->add_subcommand("path", "Print the data directory");
    path->fallthrough();
    path->callback([&ctx] {
        fmt::print("{}\n", data_dir_resolve(ctx.data_dir).path.string());
        ctx.exit_code = 0;
    });
}

}  // namespace eqb
