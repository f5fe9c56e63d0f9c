#include "bench/creative-writing/benchmark.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <map>

#include "bench/creative-writing/judging.hpp"
#include "bench/run-metadata.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "report/files.hpp"
#include "report/progress.hpp"
#include "run/answer-loop.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* generate_step = "generate";
constexpr const char* judge_step = "judge";

// Sent with every retry of a generation that came back empty or short (the
// reference builds such a variant but never sends it).
constexpr const char* content_retry_suffix =
    "\n\nKeep it PG-13: leave out language or themes that a content filter would block.";

// The rejection of a piece in another script: the next request carries the pack's reminder.
constexpr const char* wrong_language_rejection = "the piece is not written in ";
constexpr const char* wrong_language_cause = "wrong language";
constexpr double percent = 100.0;

ojson pairs_object(const emotion_pairs& pairs) {
    ojson out = ojson::object();
    for (const auto& p : pairs.items()) {
        out[p.name] = p.value;
    }
    return out;
}

// One piece as the summary and the exports see it.
struct piece_view {
    int iteration = 1;
    std::string prompt_id;
    bool generated = false;
    std::string response;
    judgement judged;
    bool judged_stored = false;
};

class creative_writing_benchmark final : public benchmark {
  public:
    creative_writing_benchmark(const creative_writing_settings& settings, const writing_prompt_set& prompts,
                               const creative_writing_templates& templates)
        : settings_(settings), prompts_(prompts), templates_(templates) {
        key_ = creative_writing_run_key(settings_.run, in_language() ? settings_.language_code : "");
        judge_key_ = key_ + "--judge--" + settings_.judge.model;
        if (in_language()) {
            templates_.test = settings_.language.test_template;
            templates_.test_source = "language pack " + settings_.language_code;
        }
        for (const auto& p : prompts_.prompts) {
            by_id_[p.id] = &p;
        }
    }

    std::vector<run_binding> runs() const override {
        const std::string meta = metadata().dump();
        return {{role::TEST, key_, "creative-writing", meta},
                {role::JUDGE, judge_key_, "creative-writing-judge", meta}};
    }

    // The prompts at about 4 characters a token; a piece and a judgement at
    // the sizes the leaderboard's runs show.
    request_estimate estimate() const override {
        constexpr long chars_per_token = 4;
        constexpr long piece_tokens = 1200;
        constexpr long judgement_tokens = 700;
        request_estimate out;
        for (int iteration = 1; iteration <= settings_.run.iterations; ++iteration) {
            for (const auto& p : prompts_.prompts) {
                const std::string seeded = writing_prompt_for_iteration(p, iteration);
                const long prompt = static_cast<long>(creative_writing_test_prompt(templates_, seeded).size());
                const long judge = static_cast<long>(
                    creative_writing_judge_prompt(templates_, seeded, p.reference_output, "", p.criteria, judge_note())
                        .size());
                ++out.test.requests;
                out.test.input_tokens += prompt / chars_per_token;
                out.test.output_tokens += piece_tokens;
                ++out.judge.requests;
                out.judge.input_tokens += judge / chars_per_token + piece_tokens;
                out.judge.output_tokens += judgement_tokens;
            }
        }
        out.note = "prompts at 4 characters a token, pieces of about 1200 tokens, judgements of about 700, no retries";
        return out;
    }

    std::vector<task_spec> tasks() const override {
        std::vector<task_spec> out;
        for (int iteration = 1; iteration <= settings_.run.iterations; ++iteration) {
            for (const auto& p : prompts_.prompts) {
                out.push_back({iteration, p.id, {{generate_step, role::TEST}, {judge_step, role::JUDGE}}});
            }
        }
        return out;
    }

    // A generation that never reached 300 characters is asked again on resume.
    bool reusable(const step_spec& step, const item_record& record) const override {
        return step.name == judge_step || record.state == "done";
    }

    step_outcome run_step(const task_spec& task, const step_spec& step, step_context& context) const override {
        const writing_prompt& prompt = *by_id_.at(task.item_id);
        const std::string seeded = writing_prompt_for_iteration(prompt, task.iteration);
        step_outcome out;
        if (step.name == generate_step) {
            const generation g = generate(context, seeded);
            if (g.loop.ended_by) {
                out.ended_by = g.loop.ended_by;
                out.error = g.loop.error;
                return out;
            }
            out.record = g.record;
            // No piece: the prompt is not scored, as in the reference.
            out.stop_task = out.record.state != "done";
            return out;
        }
        const item_record* written = context.earlier(generate_step);
        // A piece written in this pass is written again before every judging try
        // after the first, as the reference does; a stored one is judged again as it is.
        const bool fresh = written != nullptr && !context.stored_at_start(generate_step);
        item_record rewritten;
        bool was_rewritten = false;
        const auto rewrite = [&](judgement& j) -> std::optional<std::string> {
            const generation g = generate(context, seeded);
            if (g.loop.ended_by) {
                j.ended_by = g.loop.ended_by;
                j.error = g.loop.error;
                return std::nullopt;
            }
            rewritten = g.record;
            was_rewritten = true;
            if (g.record.state != "done") {
                j.dropped = true;
                return std::nullopt;
            }
            return g.record.answer;
        };
        const judgement j = judge_piece(
            context, written != nullptr ? written->answer : std::string(),
            [&](const std::string& piece) {
                return creative_writing_judge_prompt(templates_, seeded, prompt.reference_output, piece,
                                                     prompt.criteria, judge_note());
            },
            fresh ? std::function<std::optional<std::string>(judgement&)>(rewrite) : nullptr);
        if (j.ended_by) {
            out.ended_by = j.ended_by;
            out.error = j.error;
            return out;
        }
        out.record = judgement_record(j);
        if (was_rewritten) {
            rewritten.step = generate_step;
            out.replaced.push_back(rewritten);
        }
        return out;
    }

    result<run_summary> summarize(store_view& view, const run_totals& totals, const run_usage&) override {
        pieces_ = pieces(view);
        iteration_scores_.clear();
        for (int iteration = 1; iteration <= settings_.run.iterations; ++iteration) {
            std::vector<double> scores;
            for (const auto& piece : pieces_) {
                if (piece.iteration == iteration && piece.judged.result) {
                    scores.push_back(piece.judged.result->score);
                }
            }
            iteration_scores_.push_back(creative_writing_iteration_score(scores));
        }
        std::vector<double> counted;
        std::vector<double> scaled;
        for (const auto& s : iteration_scores_) {
            if (s) {
                counted.push_back(*s);
                scaled.push_back(10.0 * *s);
            }
        }
        score_ = creative_writing_run_score(counted);
        interval_ = creative_writing_interval(scaled);
        run_summary summary;
        summary.score = score_;
        if (totals.interrupted) {
            summary.status = "interrupted";
            summary.error =
                fmt::format("{} of {} pieces not finished yet (interrupted)", totals.tasks - totals.done, totals.tasks);
        } else if (totals.unanswered > 0) {
            summary.status = "failed";
            summary.error = fmt::format(
                "{} pieces got no answer from a server after every retry; run the same command again to retry them",
                totals.unanswered);
        } else if (counted.empty()) {
            summary.status = "failed";
            summary.error = "no iteration had more than 10 scored prompts";
            summary.permanent = true;  // every piece is in and judged
        }
        summary.results_json = ojson{{"score", score_}}.dump();

        int scored = 0;
        int criteria = 0;
        for (const auto& piece : pieces_) {
            if (piece.judged.result) {
                ++scored;
                criteria += piece.judged.result->parsed;
            }
        }
        auto& lines = summary.report;
        if (in_language()) {
            lines.push_back(fmt::format("Language: {} ({}); {} pieces in another script asked again",
                                        settings_.language_code, settings_.language.script_name,
                                        language_retries(view)));
        }
        for (std::size_t i = 0; i < iteration_scores_.size(); ++i) {
            lines.push_back(iteration_scores_[i]
                                ? fmt::format("Iteration {}: {:.2f}", i + 1, 10.0 * *iteration_scores_[i])
                                : fmt::format("Iteration {}: not scored (10 prompts or fewer)", i + 1));
        }
        lines.push_back(fmt::format("Average: {:.2f} ({:.2f}, {:.2f})", interval_.mean, interval_.low, interval_.high));
        lines.push_back(fmt::format("Judged: {} of {} pieces scored, {:.1f} criteria parsed per piece", scored,
                                    pieces_.size(), scored > 0 ? static_cast<double>(criteria) / scored : 0.0));
        lines.push_back("----creative-writing Benchmark Complete----");
        lines.push_back(local_timestamp());
        lines.push_back(time_taken_line(totals.seconds));
        lines.push_back(time_taken_seconds_line(totals.seconds));
        lines.push_back("Prompt Format: " + settings_.run.instruction_template);
        lines.push_back("Model: " + settings_.run.model);
        if (summary.status == "failed") {
            lines.push_back("Benchmark Failed: " + summary.error);
        }
        lines.push_back(in_language() ? fmt::format("Creative Writing Score ({}): {}", settings_.language_code,
                                                    python_float_repr(score_))
                                      : "Creative Writing Score: " + python_float_repr(score_));
        lines.push_back("Judge: " + settings_.judge.model);
        return summary;
    }

    result<bool> write_exports(store_view&, run_summary& summary) override {
        const reference_run& r = settings_.run;
        ojson entry;
        entry["run_metadata"] = {{"run_id", r.run_id},
                                 {"benchmark", "creative-writing"},
                                 {"model_path", r.model},
                                 {"lora_path", r.lora},
                                 {"instruction_template", r.instruction_template},
                                 {"bitsandbytes_quant", r.quantization},
                                 {"total_iterations", r.iterations},
                                 {"inference_engine", r.engine_name},
                                 {"ooba_params", r.ooba_params},
                                 {"download_filters", r.download_filters},
                                 {"judge_model", settings_.judge.model},
                                 {"reasoning", reasoning_metadata(r.reasoning)},
                                 {"judge_reasoning", reasoning_metadata(settings_.judge.reasoning)}};
        if (in_language()) {
            entry["run_metadata"]["language"] = settings_.language_code;
        }
        entry["iterations"] = ojson::object();
        for (int iteration = 1; iteration <= r.iterations; ++iteration) {
            ojson it;
            it["individual_scores"] = ojson::object();
            it["test_model_response"] = ojson::object();
            it["judge_model_response"] = ojson::object();
            for (const auto& piece : pieces_) {
                if (piece.iteration != iteration || !piece.generated) {
                    continue;
                }
                it["test_model_response"][piece.prompt_id] = piece.response;
                if (!piece.judged.answer.empty()) {
                    it["individual_scores"][piece.prompt_id] = pairs_object(piece.judged.scores);
                    it["judge_model_response"][piece.prompt_id] = ojson::array({piece.judged.answer});
                }
            }
            const auto& s = iteration_scores_[static_cast<std::size_t>(iteration - 1)];
            it["creative_writing_score"] = s ? ojson(*s) : ojson(nullptr);
            entry["iterations"][std::to_string(iteration)] = std::move(it);
        }
        entry["creative_writing_results"] = {
            {"score", score_}, {"mean", interval_.mean}, {"ci_low", interval_.low}, {"ci_high", interval_.high}};
        if (auto merged = raw_results_merge(r.results_dir / "raw_results.json", key_, entry.dump()); !merged) {
            return merged;
        }
        int scored = 0;
        for (const auto& piece : pieces_) {
            scored += piece.judged.result ? 1 : 0;
        }
        const bool failed = summary.status != "completed";
        const std::vector<std::string> row = {r.run_id,
                                              local_timestamp(),
                                              r.instruction_template,
                                              r.model,
                                              r.lora,
                                              r.quantization,
                                              failed ? "FAILED" : python_float_repr(score_),
                                              creative_writing_label(in_language() ? settings_.language_code : ""),
                                              failed ? "FAILED" : std::to_string(scored),
                                              std::to_string(r.iterations),
                                              r.engine_name,
                                              r.ooba_params,
                                              r.download_filters,
                                              summary.error};
        if (auto appended = benchmark_csv_append(r.results_dir / "benchmark_results.csv", row); !appended) {
            return appended;
        }
        const std::string label = creative_writing_label(in_language() ? settings_.language_code : "");
        return file_write_atomic(
            r.results_dir / (label + "-" + text_file_name_part(r.run_id) + "-" + text_file_name_part(r.model) + ".txt"),
            sample_text());
    }

  private:
    struct generation {
        answer_loop_result loop;
        item_record record;
    };

    // Writes the piece: 0.7 (1.0 with min_p for transformers and ooba) and 0.1
    // warmer after an empty or short answer, 4 tries.
    generation generate(step_context& context, const std::string& seeded) const {
        const bool local = settings_.run.min_p_engine;
        const std::string base = creative_writing_test_prompt(templates_, seeded);
        answer_policy policy;
        policy.tries = creative_writing_generation_tries;
        policy.temperature = local ? creative_writing_local_temperature : creative_writing_api_temperature;
        policy.temperature_step = creative_writing_temperature_step;
        policy.temperature_cap = local ? creative_writing_local_temperature_cap : creative_writing_api_temperature_cap;
        const creative_writing_language& language = settings_.language;
        const bool check_script = in_language();
        const std::size_t min_chars = check_script ? language.min_chars : creative_writing_min_chars;
        int wrong_script = 0;
        generation g;
        g.loop = answer_loop(
            context, role::TEST, policy,
            [&](const answer_try& t) {
                chat_request request;
                const bool wrong_language = t.rejection.rfind(wrong_language_rejection, 0) == 0;
                const std::string retry = wrong_language ? language.language_reminder : content_retry_suffix;
                request.messages.push_back({"user", t.index == 0 ? base : base + retry});
                request.temperature = t.temperature;
                request.max_tokens = creative_writing_max_tokens;
                if (local) {
                    request.min_p = reference_min_p;
                }
                return request;
            },
            [&](const std::string& received) {
                // The reference strips the piece; an empty or short one is asked again.
                answer_verdict verdict;
                verdict.text = python_strip(received);
                verdict.accepted = python_len(verdict.text) >= min_chars;
                verdict.rejection = fmt::format("the piece is shorter than {} characters", min_chars);
                verdict.cause = "too short";
                if (verdict.accepted && check_script) {
                    // A piece mostly in another script failed the language: asked again with the reminder.
                    const double share = creative_writing_script_share(verdict.text, language);
                    if (share < language.script_share_min) {
                        verdict.accepted = false;
                        verdict.rejection =
                            fmt::format("{}{} ({:.0f}% of its letters, {:.0f}% needed)", wrong_language_rejection,
                                        language.script_name, percent * share, percent * language.script_share_min);
                        verdict.cause = wrong_language_cause;
                        ++wrong_script;
                    }
                }
                return verdict;
            });
        g.record.state = g.loop.accepted ? "done" : "failed";
        g.record.answer = g.loop.text;
        g.record.tries = g.loop.tries;
        if (check_script) {
            g.record.parsed_json = ojson{{"language_retries", wrong_script}}.dump();
        }
        return g;
    }

    bool in_language() const { return !settings_.language.test_template.empty(); }

    std::string judge_note() const { return in_language() ? settings_.language.judge_note : std::string(); }

    // Pieces in another script that were asked again, over every stored generation.
    static long language_retries(store_view& view) {
        long total = 0;
        for (const auto& item : view.items(role::TEST)) {
            if (item.step != generate_step || item.parsed_json.empty()) {
                continue;
            }
            const auto doc = ojson::parse(item.parsed_json, nullptr, false);
            if (doc.is_object() && doc.contains("language_retries") && doc["language_retries"].is_number_integer()) {
                total += doc["language_retries"].get<long>();
            }
        }
        return total;
    }

    std::vector<piece_view> pieces(store_view& view) const {
        std::map<std::pair<int, std::string>, const item_record*> generated;
        std::map<std::pair<int, std::string>, const item_record*> judged;
        for (const auto& item : view.items(role::TEST)) {
            if (item.step == generate_step) {
                generated[{item.iteration, item.item_id}] = &item;
            }
        }
        for (const auto& item : view.items(role::JUDGE)) {
            if (item.step == judge_step) {
                judged[{item.iteration, item.item_id}] = &item;
            }
        }
        std::vector<piece_view> out;
        for (int iteration = 1; iteration <= settings_.run.iterations; ++iteration) {
            for (const auto& p : prompts_.prompts) {
                piece_view piece;
                piece.iteration = iteration;
                piece.prompt_id = p.id;
                const auto gen = generated.find({iteration, p.id});
                if (gen != generated.end() && gen->second->state == "done") {
                    piece.generated = true;
                    piece.response = gen->second->answer;
                    const auto j = judged.find({iteration, p.id});
                    if (j != judged.end()) {
                        piece.judged = judgement_from_record(*j->second);
                        piece.judged_stored = true;
                    }
                }
                out.push_back(std::move(piece));
            }
        }
        return out;
    }

    // The per-run text file, like the leaderboard's sample files.
    std::string sample_text() const {
        const reference_run& r = settings_.run;
        std::string text = "Creative Writing v2\nRun: " + r.run_id + "\nModel: " + r.model +
                           "\nJudge: " + settings_.judge.model + "\n\n";
        for (std::size_t i = 0; i < iteration_scores_.size(); ++i) {
            const auto& s = iteration_scores_[i];
            text += s ? fmt::format("Iteration {}: {:.2f}\n", i + 1, 10.0 * *s)
                      : fmt::format("Iteration {}: not scored (10 prompts or fewer)\n", i + 1);
        }
        text += fmt::format("Average: {:.2f} ({:.2f}, {:.2f}) 95% interval, mean +- 1.96 x SEM\n", interval_.mean,
                            interval_.low, interval_.high);
        text += "Creative Writing Score: " + python_float_repr(score_) + "\n";
        for (const auto& piece : pieces_) {
            text += "\n==========\nIteration " + std::to_string(piece.iteration) + ", prompt " + piece.prompt_id + "\n";
            text += piece.judged.result ? fmt::format("Score: {:.2f} ({} criteria parsed)\n",
                                                      10.0 * piece.judged.result->score, piece.judged.result->parsed)
                                        : std::string("Score: none\n");
            text += "\n[Output]\n" + piece.response + "\n\n[Judge scores]\n";
            for (const auto& p : piece.judged.scores.items()) {
                text += p.name + ": " + p.text + "\n";
            }
        }
        return text;
    }

    ojson metadata() const {
        const reference_run& r = settings_.run;
        ojson meta;
        meta["run_id"] = r.run_id;
        meta["benchmark"] = "creative-writing";
        meta["model_path"] = r.model;
        meta["lora_path"] = r.lora;
        meta["instruction_template"] = r.instruction_template;
        meta["bitsandbytes_quant"] = r.quantization;
        meta["total_iterations"] = r.iterations;
        meta["inference_engine"] = r.engine_name;
        meta["ooba_params"] = r.ooba_params;
        meta["download_filters"] = r.download_filters;
        meta["judge_model"] = settings_.judge.model;
        meta["judge_engine"] = settings_.judge.engine_name;
        meta["prompts_file"] = prompts_.source;
        meta["test_template"] = templates_.test_source;
        meta["judge_template"] = templates_.judge_source;
        if (in_language()) {
            meta["language"] = settings_.language_code;
        }
        meta["endpoints"] = r.endpoints;
        meta["judge_endpoints"] = settings_.judge.endpoints;
        meta["reasoning"] = reasoning_metadata(r.reasoning);
        meta["judge_reasoning"] = reasoning_metadata(settings_.judge.reasoning);
        meta.update(provenance_metadata({prompts_.source, templates_.test_source, templates_.judge_source}));
        return meta;
    }

    creative_writing_settings settings_;
    writing_prompt_set prompts_;
    creative_writing_templates templates_;
    std::map<std::string, const writing_prompt*> by_id_;
    std::string key_;
    std::string judge_key_;
    std::vector<piece_view> pieces_;
    std::vector<std::optional<double>> iteration_scores_;
    double score_ = 0.0;
    mean_interval interval_;
};

}  // namespace

std::string creative_writing_label(const std::string& language_code) {
    return language_code.empty() ? "creative-writing" : "creative-writing_" + language_code;
}

std::string creative_writing_run_key(const reference_run& r, const std::string& language_code) {
    return r.run_id + "--" + creative_writing_label(language_code) + "--" + r.model + "--" + r.lora + "--" +
           r.instruction_template + "--" + r.quantization + "--" + r.engine_name + "--" + r.ooba_params + "--" +
           r.download_filters;
}

result<std::unique_ptr<benchmark>> creative_writing_create(const creative_writing_settings& settings,
                                                           const writing_prompt_set& prompts,
                                                           const creative_writing_templates& templates) {
    return std::unique_ptr<benchmark>(std::make_unique<creative_writing_benchmark>(settings, prompts, templates));
}

}  // namespace eqb
