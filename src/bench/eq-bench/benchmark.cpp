#include "bench/eq-bench/benchmark.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

#include "bench/eq-bench/rescore.hpp"
#include "bench/run-metadata.hpp"
#include "core/prompt.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "report/files.hpp"
#include "report/progress.hpp"
#include "run/answer-loop.hpp"
#include "scoring/stats.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* answer_step = "answer";

ojson pairs_json(const emotion_pairs& pairs) {
    ojson out = ojson::object();
    for (const auto& p : pairs.items()) {
        out[p.name] = p.text;
    }
    return out;
}

ojson optional_json(const std::optional<double>& v) {
    return v ? ojson(*v) : ojson(nullptr);
}

// One benchmark_results.csv row (SPEC section 9); a failed run shows FAILED.
std::vector<std::string> csv_row(const eq_bench_settings& settings, const std::string& language, bool failed,
                                 double score, double parseable, const std::string& error_text) {
    const reference_run& r = settings.run;
    std::string version = "eq-bench_" + eq_bench_version_label(settings);
    if (failed && settings.compat == eq_bench_compat::JP_FORK) {
        version = "eq-bench";  // the fork's failed row: f"{benchmark_type}{lang_suffix}"
    }
    if (language != "en") {
        version += "_" + language;
    }
    return {
        r.run_id,
        local_timestamp(),
        r.instruction_template,
        r.model,
        r.lora,
        r.quantization,
        failed ? "FAILED" : python_float_repr(score),
        version,
        failed ? "FAILED" : python_float_repr(parseable),
        std::to_string(r.iterations),
        r.engine_name,
        r.ooba_params,
        r.download_filters,
        error_text,
    };
}

class eq_bench_benchmark final : public benchmark {
  public:
    eq_bench_benchmark(const eq_bench_settings& settings, const question_set& questions, const language_pack& pack,
                       std::unique_ptr<const eq_bench_parser> parser)
        : settings_(settings), questions_(questions), pack_(pack), parser_(std::move(parser)) {
        key_ = eq_bench_run_key(settings_, pack_.code);
        // Prompts are rewritten once per question; all iterations share them.
        // The fork rewrites only en and de prompts (remove_revision_instructions)
        // and sends the others whole, still with the 60-token budget.
        const bool fork_whole =
            settings_.compat == eq_bench_compat::JP_FORK && pack_.code != "en" && pack_.code != "de";
        for (const auto& q : questions_.questions) {
            if (settings_.revise || fork_whole) {
                prompts_[q.id] = q.prompt;
            } else {
                auto rewritten = prompt_remove_revision(q.prompt, pack_);
                prompts_sent_whole_ += rewritten.complete ? 0 : 1;
                prompts_[q.id] = std::move(rewritten.text);
            }
            if (settings_.scale == eq_bench_scale::ANCHORED) {
                auto anchored = prompt_add_scale_anchors(prompts_[q.id], pack_);
                prompts_without_anchors_ += anchored.complete ? 0 : 1;
                prompts_[q.id] = std::move(anchored.text);
            }
        }
    }

    std::vector<run_binding> runs() const override { return {{role::TEST, key_, "eq-bench", metadata().dump()}}; }

    // Prompts at about 4 characters a token, answers at their limit.
    request_estimate estimate() const override {
        constexpr long chars_per_token = 4;
        request_estimate out;
        long prompt_chars = 0;
        for (const auto& [id, prompt] : prompts_) {
            prompt_chars += static_cast<long>(prompt.size());
        }
        const long iterations = settings_.run.iterations;
        out.test.requests = iterations * static_cast<long>(prompts_.size());
        out.test.input_tokens = iterations * prompt_chars / chars_per_token;
        out.test.output_tokens =
            out.test.requests * (settings_.revise ? eq_bench_max_tokens_revise : eq_bench_max_tokens);
        out.note = "prompts at 4 characters a token, answers at their token limit, no retries";
        return out;
    }

    std::vector<task_spec> tasks() const override {
        std::vector<task_spec> out;
        for (int iteration = 1; iteration <= settings_.run.iterations; ++iteration) {
            for (const auto& q : questions_.questions) {
                out.push_back({iteration, q.id, {{answer_step, role::TEST}}});
            }
        }
        return out;
    }

    step_outcome run_step(const task_spec& task, const step_spec&, step_context& context) const override {
        const question& q = *questions_.find(task.item_id);
        const emotion_reference* v2 = !settings_.v1 && q.reference_fullscale ? &*q.reference_fullscale : nullptr;
        const emotion_reference& expected = v2 != nullptr ? *v2 : q.reference;
        const std::string& prompt = prompts_.at(q.id);
        answer_policy policy;
        policy.tries = eq_bench_answer_tries;
        policy.temperature = eq_bench_first_temperature;
        policy.temperature_step = eq_bench_temperature_step;
        const auto loop = answer_loop(
            context, role::TEST, policy,
            [&](const answer_try& t) {
                chat_request request;
                request.messages.push_back({"user", prompt});
                request.temperature = t.temperature;
                request.max_tokens = settings_.revise ? eq_bench_max_tokens_revise : eq_bench_max_tokens;
                if (settings_.run.min_p_engine) {
                    request.min_p = reference_min_p;
                }
                return request;
            },
            [&](const std::string& received) {
                // The reference strips every answer; an empty one fails like any unparseable one.
                answer_verdict verdict;
                verdict.text = python_strip(received);
                const parsed_answer parsed = parser_->parse(verdict.text, settings_.revise, &expected);
                verdict.accepted = eq_bench_answer_scores(parsed, settings_.revise, q.reference);
                if (!verdict.accepted) {
                    const question_score stored =
                        score_eq_bench_question(parsed, settings_.revise, q.reference, v2, settings_.scorer);
                    verdict.keep = stored.first_pass.has_value() || stored.revised.has_value();
                    verdict.rejection = "answer did not parse";
                    verdict.cause = "unparseable";
                }
                return verdict;
            });
        step_outcome out;
        if (loop.ended_by) {
            out.ended_by = loop.ended_by;
            out.error = loop.error;
            return out;
        }
        item_record& item = out.record;
        item.answer = loop.text;
        item.state = loop.accepted || loop.kept ? "done" : "failed";
        item.tries = loop.tries;
        const parsed_answer parsed = parser_->parse(item.answer, settings_.revise, &expected);
        const question_score score =
            score_eq_bench_question(parsed, settings_.revise, q.reference, v2, settings_.scorer);
        item.parsed_json =
            ojson{{"first_pass", pairs_json(parsed.first_pass)}, {"revised", pairs_json(parsed.revised)}}.dump();
        item.scores_json = ojson{{"first_pass_score", optional_json(score.first_pass)},
                                 {"revised_score", optional_json(score.revised)}}
                               .dump();
        return out;
    }

    result<run_summary> summarize(store_view& view, const run_totals& totals, const run_usage& usage) override {
        const auto& items = view.items(role::TEST);
        std::map<std::pair<int, std::string>, const item_record*> by_key;
        for (const auto& item : items) {
            by_key[{item.iteration, item.item_id}] = &item;
        }
        // Score from the store, in the question file's order, exactly as a re-score of the export.
        recorded_.key = key_;
        recorded_.language = pack_.code;
        recorded_.version = settings_.v1 ? eq_bench_version::V1 : eq_bench_version::V2;
        recorded_.revise = settings_.revise;
        recorded_.n_iterations = settings_.run.iterations;
        recorded_.iterations.clear();
        for (int iteration = 1; iteration <= settings_.run.iterations; ++iteration) {
            recorded_iteration it;
            it.id = std::to_string(iteration);
            for (const auto& q : questions_.questions) {
                // A question no try could score is not kept, as in the reference's raw_results.
                const auto found = by_key.find({iteration, q.id});
                if (found != by_key.end() && found->second->state != "failed") {
                    it.answers.emplace_back(q.id, found->second->answer);
                }
            }
            recorded_.iterations.push_back(std::move(it));
        }
        scores_ = eq_bench_rescore(recorded_, questions_, *parser_, settings_.scorer);

        run_summary summary;
        const int total = settings_.run.iterations * static_cast<int>(questions_.questions.size());
        const int missing = total - static_cast<int>(by_key.size());
        if (totals.interrupted && missing > 0) {
            summary.status = "interrupted";
            summary.error = fmt::format("{} of {} items not answered yet (interrupted)", missing, total);
        } else if (missing > 0) {
            summary.status = "failed";
            summary.error = fmt::format(
                "{} items got no answer from the server after {} attempts each; run the same command again to "
                "retry them",
                missing, settings_.transport_attempts);
        } else if (scores_.run.failed) {
            // Every answer is in: running again would score the same answers.
            summary.status = "failed";
            summary.error = scores_.run.error;
            summary.permanent = true;
        }
        summary.score = scores_.run.score;
        const double cost = static_cast<double>(usage.test.input_tokens) * settings_.price_input_per_million / 1e6 +
                            static_cast<double>(usage.test.output_tokens) * settings_.price_output_per_million / 1e6;
        ojson results;
        results["score"] = scores_.run.score;
        results["parseable"] = scores_.run.parseable;
        results["usage"] = {{"requests", usage.test.requests},
                            {"input_tokens", usage.test.input_tokens},
                            {"output_tokens", usage.test.output_tokens}};
        results["cost"] = cost;
        results["reasoning"] = reasoning_metadata(settings_.run.reasoning);
        results["reasoning"]["reasoning_tokens"] = usage.test.reasoning_tokens;
        results["reasoning"]["thought_answers"] = usage.test.thought_answers;
        results["reasoning"]["truncated_in_reasoning"] = usage.test.truncated_in_reasoning;
        sampling_changes_ = totals.notes;
        if (!sampling_changes_.empty()) {
            results["sampling_changes"] = sampling_changes_;
        }
        summary.results_json = results.dump();

        const reference_run& r = settings_.run;
        const std::string version = eq_bench_version_label(settings_);
        const std::string label = pack_.code == "en" ? version : version + "_" + pack_.code;
        auto& lines = summary.report;
        if (prompts_sent_whole_ > 0) {
            lines.push_back(fmt::format("Note: {} prompts were sent whole (their revision markers were not found)",
                                        prompts_sent_whole_));
        }
        if (prompts_without_anchors_ > 0) {
            lines.push_back(
                fmt::format("Note: {} prompts were sent without scale anchors (their 0-10 instruction "
                            "was not found)",
                            prompts_without_anchors_));
        }
        lines.push_back("----eq-bench Benchmark Complete----");
        lines.push_back(local_timestamp());
        lines.push_back(time_taken_line(totals.seconds));
        lines.push_back(time_taken_seconds_line(totals.seconds));
        lines.push_back("Prompt Format: " + r.instruction_template);
        lines.push_back("Model: " + r.model);
        if (settings_.compat != eq_bench_compat::NONE) {
            lines.push_back("compat: " + std::string(eq_bench_compat_name(settings_.compat)));
        }
        if (summary.status == "failed") {
            lines.push_back("Benchmark Failed: " + summary.error);
        }
        lines.push_back(version);
        lines.push_back(fmt::format("Score ({}): {}", label, python_float_repr(scores_.run.score)));
        lines.push_back("Parseable: " + python_float_repr(scores_.run.parseable));
        // Every iteration's score and their spread, when there are several.
        if (scores_.iterations.size() > 1) {
            std::vector<double> finals;
            for (const auto& it : scores_.iterations) {
                finals.push_back(it.totals.final_score);
                lines.push_back(fmt::format("Iteration {}: {:.2f} (parseable {})", it.id, it.totals.final_score,
                                            python_float_repr(it.totals.final_parseable)));
            }
            const auto [low, high] = std::minmax_element(finals.begin(), finals.end());
            lines.push_back(fmt::format("Iterations: standard deviation {:.2f}, range {:.2f} to {:.2f}",
                                        stats::sample_sd(finals).value_or(0.0), *low, *high));
        }
        return summary;
    }

    result<bool> write_exports(store_view&, run_summary& summary) override {
        const bool revise = settings_.revise;
        ojson entry;
        entry["run_metadata"] = metadata();
        entry["iterations"] = ojson::object();
        for (std::size_t i = 0; i < scores_.iterations.size(); ++i) {
            const auto& scored = scores_.iterations[i];
            const auto& raw = recorded_.iterations[i];
            ojson it;
            ojson answers = ojson::object();
            ojson v1_scores = ojson::object();
            ojson v2_scores = ojson::object();
            ojson inference = ojson::object();
            for (std::size_t k = 0; k < scored.parsed.size(); ++k) {
                const auto& [qid, parsed] = scored.parsed[k];
                const question* q = questions_.find(qid);
                answers[qid] = {{"first_pass", pairs_json(parsed.first_pass)}, {"revised", pairs_json(parsed.revised)}};
                const question_score v1 =
                    score_eq_bench_question(parsed, revise, q->reference, nullptr, settings_.scorer);
                v1_scores[qid] = {{"first_pass_score", optional_json(v1.first_pass)},
                                  {"revised_score", optional_json(v1.revised)}};
                const question_score& v2 = scored.questions[k].second;
                v2_scores[qid] = {{"first_pass_score", optional_json(v2.first_pass)},
                                  {"revised_score", optional_json(v2.revised)}};
            }
            for (const auto& [qid, text] : raw.answers) {
                inference[qid] = text;
            }
            it["respondent_answers"] = std::move(answers);
            it["individual_scores"] = std::move(v1_scores);
            it["individual_scores_fullscale"] = std::move(v2_scores);
            it["raw_inference"] = std::move(inference);
            const auto& t = scored.totals;
            it["benchmark_results_fullscale"] = {
                {"first_pass_score", t.first_pass_score}, {"first_pass_parseable", t.first_pass_parseable},
                {"revised_score", t.revised_score},       {"revised_parseable", t.revised_parseable},
                {"final_score", t.final_score},           {"final_parseable", t.final_parseable}};
            entry["iterations"][scored.id] = std::move(it);
        }
        if (auto merged = raw_results_merge(settings_.run.results_dir / "raw_results.json", key_, entry.dump());
            !merged) {
            return merged;
        }
        const bool failed = summary.status != "completed";
        return benchmark_csv_append(
            settings_.run.results_dir / "benchmark_results.csv",
            csv_row(settings_, pack_.code, failed, scores_.run.score, scores_.run.parseable, summary.error));
    }

  private:
    ojson metadata() const {
        const reference_run& r = settings_.run;
        ojson meta;
        meta["run_id"] = r.run_id;
        meta["eq_bench_version"] = settings_.v1 ? "v1" : "v2";
        meta["language"] = pack_.code;
        meta["instruction_template"] = r.instruction_template;
        meta["model_path"] = r.model;
        meta["lora_path"] = r.lora;
        meta["bitsandbytes_quant"] = r.quantization;
        meta["total_iterations"] = r.iterations;
        meta["inference_engine"] = r.engine_name;
        meta["ooba_params"] = r.ooba_params;
        meta["download_filters"] = r.download_filters;
        meta["revise"] = settings_.revise;
        meta["parser"] = std::string(parser_kind_name(settings_.parser));
        meta["scorer"] = std::string(v2_scorer_name(settings_.scorer));
        if (settings_.scale == eq_bench_scale::ANCHORED) {
            meta["scale"] = "anchored";
        }
        if (settings_.compat != eq_bench_compat::NONE) {
            meta["compat"] = std::string(eq_bench_compat_name(settings_.compat));
        }
        meta["endpoints"] = r.endpoints;
        meta["reasoning"] = reasoning_metadata(r.reasoning);
        meta.update(provenance_);
        if (!sampling_changes_.empty()) {
            meta["sampling_changes"] = sampling_changes_;
        }
        return meta;
    }

    eq_bench_settings settings_;
    question_set questions_;
    language_pack pack_;
    std::unique_ptr<const eq_bench_parser> parser_;
    std::string key_;
    std::map<std::string, std::string> prompts_;
    int prompts_sent_whole_ = 0;
    ojson provenance_ = provenance_metadata({questions_.path});
    std::vector<std::string> sampling_changes_;  // what endpoints made the client send otherwise
    int prompts_without_anchors_ = 0;
    recorded_run recorded_;
    rescored_run scores_;
};

}  // namespace

std::optional<eq_bench_scale> eq_bench_scale_from_string(std::string_view name) {
    if (name == "reference") {
        return eq_bench_scale::REFERENCE;
    }
    if (name == "anchored") {
        return eq_bench_scale::ANCHORED;
    }
    return std::nullopt;
}

std::optional<eq_bench_compat> eq_bench_compat_from_string(std::string_view name) {
    if (name.empty() || name == "none") {
        return eq_bench_compat::NONE;
    }
    if (name == "jp-fork") {
        return eq_bench_compat::JP_FORK;
    }
    return std::nullopt;
}

std::string_view eq_bench_compat_name(eq_bench_compat compat) {
    return compat == eq_bench_compat::JP_FORK ? "jp-fork" : "";
}

std::string eq_bench_version_label(const eq_bench_settings& settings) {
    const std::string version = settings.v1 ? "v1" : "v2";
    return settings.scale == eq_bench_scale::ANCHORED ? version + "_anchored" : version;
}

std::string eq_bench_run_key(const eq_bench_settings& settings, const std::string& language) {
    const reference_run& r = settings.run;
    return r.run_id + "--" + eq_bench_version_label(settings) + "--" + language + "--" + r.model + "--" + r.lora +
           "--" + r.instruction_template + "--" + r.quantization + "--" + r.engine_name + "--" + r.ooba_params + "--" +
           r.download_filters;
}

result<std::unique_ptr<benchmark>> eq_bench_create(const eq_bench_settings& settings, const question_set& questions,
                                                   const language_pack& pack) {
    constexpr std::array<std::string_view, 4> fork_languages = {"en", "de", "ja", "jahalf"};
    if (settings.compat == eq_bench_compat::JP_FORK &&
        std::find(fork_languages.begin(), fork_languages.end(), pack.code) == fork_languages.end()) {
        return error{"--compat jp-fork: the fork knows en, de, ja and jahalf, not '" + pack.code + "'"};
    }
    if (settings.compat == eq_bench_compat::JP_FORK && settings.parser != parser_kind::REFERENCE) {
        return error{"--compat jp-fork reads answers with the fork's parsers: --parser extended does not apply"};
    }
    auto parser = eq_bench_parser::create(pack, settings.parser);
    if (!parser) {
        return parser.err();
    }
    return std::unique_ptr<benchmark>(
        std::make_unique<eq_bench_benchmark>(settings, questions, pack, std::move(*parser)));
}

result<bool> eq_bench_export_failure(const eq_bench_settings& settings, const std::string& language,
                                     const std::string& error_text) {
    return benchmark_csv_append(settings.run.results_dir / "benchmark_results.csv",
                                csv_row(settings, language, true, 0.0, 0.0, error_text));
}

}  // namespace eqb
