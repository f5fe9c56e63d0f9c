// eqbench score FILE...: re-scores recorded EQ-Bench runs offline.

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <memory>

#include "bench/eq-bench/rescore.hpp"
#include "cli/commands.hpp"
#include "core/python-float.hpp"
#include "data/data-dir.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"

namespace eqb {
namespace {

struct score_options {
    std::vector<std::string> files;
    std::string parser = "reference";
    bool legacy_scorer = false;
    bool json = false;
};

int parseable_count(const rescored_run& r) {
    int n = 0;
    for (const auto& it : r.iterations) {
        n += it.totals.final_parseable;
    }
    return n;
}

// Question sets and parsers, loaded once per language for all files.
class score_context {
  public:
    score_context(std::filesystem::path data_dir, parser_kind kind) : data_dir_(std::move(data_dir)), kind_(kind) {}

    result<const question_set*> questions(const recorded_run& run, const language_pack& pack) {
        std::string file = run.questions_file;
        if (file.empty()) {
            file = run.version == eq_bench_version::V1 ? "eq_bench_v1_questions_60.json" : pack.question_file;
        }
        auto& slot = questions_[file];
        if (!slot) {
            auto loaded = questions_load(data_dir_ / file);
            if (!loaded) {
                return loaded.err();
            }
            slot = std::make_unique<question_set>(std::move(*loaded));
        }
        return slot.get();
    }

    result<const language_pack*> pack(const std::string& code) {
        auto& slot = packs_[code];
        if (!slot) {
            auto loaded = language_pack_builtin(code);
            if (!loaded) {
                return loaded.err();
            }
            slot = std::make_unique<language_pack>(std::move(*loaded));
        }
        return slot.get();
    }

    result<const eq_bench_parser*> parser(const language_pack& pack, parser_kind kind) {
        auto& slot = parsers_[{pack.code, kind}];
        if (!slot) {
            auto created = eq_bench_parser::create(pack, kind);
            if (!created) {
                return created.err();
            }
            slot = std::move(*created);
        }
        return slot.get();
    }

    parser_kind kind() const { return kind_; }

  private:
    std::filesystem::path data_dir_;
    parser_kind kind_;
    std::map<std::string, std::unique_ptr<question_set>> questions_;
    std::map<std::string, std::unique_ptr<language_pack>> packs_;
    std::map<std::pair<std::string, parser_kind>, std::unique_ptr<const eq_bench_parser>> parsers_;
};

// Scores one run and prints it; false if it could not be scored.
bool score_run(const std::string& file, const recorded_run& run, score_context& ctx, v2_scorer scorer, bool json) {
    const auto fail = [&](const std::string& message) {
        fmt::print(stderr, "eqbench: error: {}: run \"{}\": {}\n", file, run.key, message);
        return false;
    };
    auto pack = ctx.pack(run.language);
    if (!pack) {
        return fail(pack.err().message);
    }
    auto questions = ctx.questions(run, **pack);
    if (!questions) {
        return fail(questions.err().message);
    }
    auto reference_parser = ctx.parser(**pack, parser_kind::REFERENCE);
    if (!reference_parser) {
        return fail(reference_parser.err().message);
    }
    const rescored_run reference = eq_bench_rescore(run, **questions, **reference_parser, scorer);
    std::optional<rescored_run> extended;
    if (ctx.kind() == parser_kind::EXTENDED) {
        auto extended_parser = ctx.parser(**pack, parser_kind::EXTENDED);
        if (!extended_parser) {
            return fail(extended_parser.err().message);
        }
        extended = eq_bench_rescore(run, **questions, **extended_parser, scorer);
    }
    const rescored_run& shown = extended ? *extended : reference;
    const std::string version = run.version == eq_bench_version::V1 ? "v1" : "v2";
    const std::string label = run.language == "en" ? version : version + "_" + run.language;
    const int extra = extended ? parseable_count(*extended) - parseable_count(reference) : 0;
    if (json) {
        nlohmann::ordered_json line;
        line["file"] = file;
        line["run"] = run.key;
        line["score"] = shown.run.score;
        line["parseable"] = shown.run.parseable;
        line["scorer"] = std::string(v2_scorer_name(scorer));
        line["parser"] = std::string(parser_kind_name(ctx.kind()));
        line["version"] = version;
        line["language"] = run.language;
        line["revise"] = run.revise;
        line["iterations"] = run.n_iterations;
        line["questions"] = (*questions)->questions.size();
        line["failed"] = shown.run.failed;
        if (shown.run.failed) {
            line["error"] = shown.run.error;
        }
        if (extended) {
            line["reference_score"] = reference.run.score;
            line["reference_parseable"] = reference.run.parseable;
            line["extra_answers_read"] = extra;
        }
        if (!shown.unknown_questions.empty()) {
            line["unknown_questions"] = shown.unknown_questions;
        }
        fmt::print("{}\n", line.dump());
        return true;
    }
    fmt::print("{}: {}\n", file, run.key);
    fmt::print("  Score ({}): {}\n", label, python_float_repr(reference.run.score));
    fmt::print("  Parseable: {}\n", python_float_repr(reference.run.parseable));
    fmt::print("  Scorer: {}, parser: reference, revise: {}, iterations: {}\n", v2_scorer_name(scorer),
               run.revise ? "on" : "off", run.n_iterations);
    if (reference.run.failed) {
        fmt::print("  FAILED: {}\n", reference.run.error);
    }
    if (extended) {
        fmt::print("  Extended parser: {} more answer{} read; score {}, parseable {}\n", extra, extra == 1 ? "" : "s",
                   python_float_repr(extended->run.score), python_float_repr(extended->run.parseable));
    }
    if (!shown.unknown_questions.empty()) {
        fmt::print("  Warning: {} answers name questions absent from the question set\n",
                   shown.unknown_questions.size());
    }
    return true;
}

void score_main(const score_options& opts, cli_context& ctx) {
    const auto kind = parser_kind_from_string(opts.parser);
    score_context scoring(data_dir_resolve(ctx.data_dir).path, kind.value_or(parser_kind::REFERENCE));
    const v2_scorer scorer = opts.legacy_scorer ? v2_scorer::LEGACY : v2_scorer::V2_4;
    int failures = 0;
    for (const auto& file : opts.files) {
        auto runs = recorded_runs_load(file);
        if (!runs) {
            fmt::print(stderr, "eqbench: error: {}\n", runs.err().message);
            ++failures;
            continue;
        }
        for (const auto& run : *runs) {
            if (!score_run(file, run, scoring, scorer, opts.json)) {
                ++failures;
            }
        }
    }
    std::fflush(stdout);
    ctx.exit_code = failures > 0 ? 1 : 0;
}

}  // namespace

void cmd_score_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<score_options>();
    auto* cmd = app.add_subcommand("score", "Re-score recorded EQ-Bench runs (raw_results.json or conformance files)");
    cmd->add_option("files", opts->files, "Recorded run files")->required();
    cmd->add_option("--parser", opts->parser, "Answer parser: reference (default) or extended")
        ->check(CLI::IsMember({"reference", "extended"}));
    cmd->add_flag("--legacy-scorer", opts->legacy_scorer,
                  "Score d = 5 as 5.0 (d < 5), as the 2024 leaderboard did; default is pipeline v2.4 (d <= 5)");
    cmd->add_flag("--json", opts->json, "One JSON object per line per run");
    cmd->callback([opts, &ctx] { score_main(*opts, ctx); });
}

}  // namespace eqb
