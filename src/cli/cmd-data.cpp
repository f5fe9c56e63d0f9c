// eqbench data fetch|verify|path: the datasets in the data directory.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "data/data-dir.hpp"
#include "data/fetch.hpp"
#include "data/registry.hpp"
#include "data/verify.hpp"

namespace eqb {
namespace {

struct data_options {
    std::vector<std::string> fetch_names;
    std::string mirror;
    std::vector<std::string> verify_names;
    bool allow_missing = false;
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
    for (const auto* file : selection.files) {
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
                fmt::print("{}: hash mismatch: expected {}, got {}\n", file->name, file->sha256, outcome.actual_sha256);
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

}  // namespace

void cmd_data_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<data_options>();
    const std::string mirror_help = "Fetch from URL/OWNER/REPO/COMMIT/PATH (default: $EQBENCH_DATA_MIRROR, else " +
                                    std::string(data_default_mirror) + ")";
    // Accepted before the command too (`eqbench --mirror URL data fetch`).
    app.add_option("--mirror", opts->mirror, mirror_help)->group("data fetch");

    auto* data = app.add_subcommand("data", "Datasets in the data directory: fetch, verify, path");
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

    auto* path = data->add_subcommand("path", "Print the data directory");
    path->fallthrough();
    path->callback([&ctx] {
        fmt::print("{}\n", data_dir_resolve(ctx.data_dir).path.string());
        ctx.exit_code = 0;
    });
}

}  // namespace eqb
