#include "bench/eq-bench/runner.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "bench/runner-support.hpp"
#include "core/prompt.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "report/files.hpp"
#include "scoring/eq-bench.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

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

struct item_task {
    int iteration = 1;
    const question* q = nullptr;
    const std::string* prompt = nullptr;
};

enum class item_outcome { STORED, INTERRUPTED, UNANSWERED, FATAL };

// State shared by the workers of one run. The store is serialised by a mutex:
// one connection, one writer at a time, each exchange its own transaction.
struct run_context {
    run_context(const eq_bench_run_settings& s, const language_pack& l, const eq_bench_parser& p, endpoint_pool& e,
                store_writer& w, run_progress& r, const cancel_flag& c)
        : settings(s), pack(l), parser(p), pool(e), writer(w), progress(r), stop(c) {}

    const eq_bench_run_settings& settings;
    const language_pack& pack;
    const eq_bench_parser& parser;
    endpoint_pool& pool;
    store_writer& writer;
    run_progress& progress;
    const cancel_flag& stop;
    cancel_flag abort{false};
    std::int64_t run_id = 0;

    std::mutex queue_mutex;
    std::deque<item_task> queue;
    first_error fatal;
    std::atomic<int> unanswered{0};

    void fail(error e) { fatal.set(std::move(e)); }
    bool failed() const { return fatal.has(); }
};

ojson request_json(const eq_bench_run_settings& settings, const chat_request& request) {
    ojson body;
    body["model"] = settings.model;
    body["messages"] = ojson::array();
    for (const auto& m : request.messages) {
        body["messages"].push_back({{"role", m.role}, {"content", m.content}});
    }
    body["temperature"] = request.temperature;
    body["max_tokens"] = request.max_tokens;
    if (request.min_p) {
        body["min_p"] = *request.min_p;
    }
    return body;
}

item_outcome process_item(run_context& ctx, const item_task& task, std::mt19937_64& rng) {
    const auto& settings = ctx.settings;
    const question& q = *task.q;
    const emotion_reference* v2 = !settings.v1 && q.reference_fullscale ? &*q.reference_fullscale : nullptr;
    const emotion_reference& expected = v2 != nullptr ? *v2 : q.reference;

    std::optional<std::string> success;
    std::optional<std::string> partial;
    std::string last;
    int failures = 0;
    int attempt_number = 0;
    double temperature = eq_bench_first_temperature;
    while (failures < eq_bench_answer_tries && !success) {
        chat_request request;
        request.messages.push_back({"user", *task.prompt});
        request.temperature = temperature;
        request.max_tokens = settings.revise ? eq_bench_max_tokens_revise : eq_bench_max_tokens;
        if (settings.local_engine) {
            request.min_p = eq_bench_local_min_p;
        }
        const std::string body = request_json(settings, request).dump();
        const auto record = [&](const attempt_report& report) {
            ++attempt_number;
            ctx.progress.requests.fetch_add(1);
            if (report.attempt > 1) {
                ctx.progress.transport_retries.fetch_add(1);
            }
            const chat_response& r = *report.response;
            const exchange_record ex =
                exchange_from_attempt(report, ctx.run_id, task.iteration, q.id, attempt_number, "test", body);
            if (settings.verbose && r.status != transport_status::OK) {
                std::fprintf(stderr, "iteration %d question %s: attempt %d: %s %s\n", task.iteration, q.id.c_str(),
                             report.attempt, transport_status_name(r.status), r.error.c_str());
            }
            const auto failed = ctx.writer.write([&ex](store& db) { return error_of(db.exchange_add(ex)); });
            if (failed) {
                ctx.fail(*failed);
            }
        };
        const chat_response response =
            send_with_retries(ctx.pool, request, settings.retries, ctx.stop, ctx.abort, rng, record);
        if (ctx.failed()) {
            return item_outcome::FATAL;
        }
        const bool empty_answer = response.status == transport_status::EMPTY_CONTENT;
        if (response.status != transport_status::OK && !empty_answer) {
            if (ctx.stop.load() || response.status == transport_status::CANCELLED) {
                return item_outcome::INTERRUPTED;
            }
            if (response.status == transport_status::CLIENT_ERROR) {
                // A refused request (bad key, unknown model) will not get better: stop the run.
                ctx.fail(error{"the server refused the request (HTTP " + std::to_string(response.http_status) +
                               "): " + response.error});
                return item_outcome::FATAL;
            }
            return item_outcome::UNANSWERED;
        }
        // The response is committed (record ran before send_with_retries returned); now score it.
        // The reference strips every answer and counts an empty one as a failed try.
        const std::string answer = python_strip(response.content);
        const parsed_answer parsed = ctx.parser.parse(answer, settings.revise, &expected);
        if (eq_bench_answer_scores(parsed, settings.revise, q.reference)) {
            success = answer;
            break;
        }
        ctx.progress.parse_failures.fetch_add(1);
        if (settings.verbose) {
            std::fprintf(stderr, "iteration %d question %s: answer did not parse (try %d of %d)\n", task.iteration,
                         q.id.c_str(), failures + 1, eq_bench_answer_tries);
        }
        const question_score stored =
            score_eq_bench_question(parsed, settings.revise, q.reference, v2, settings.scorer);
        if (!partial && (stored.first_pass || stored.revised)) {
            partial = answer;
        }
        last = answer;
        ++failures;
        temperature += eq_bench_temperature_step;
    }

    item_record item;
    item.run_id = ctx.run_id;
    item.iteration = task.iteration;
    item.item_id = q.id;
    item.answer = success ? *success : partial ? *partial : last;
    item.state = success || partial ? "done" : "failed";
    item.tries = failures + (success ? 1 : 0);
    const parsed_answer parsed = ctx.parser.parse(item.answer, settings.revise, &expected);
    const question_score score = score_eq_bench_question(parsed, settings.revise, q.reference, v2, settings.scorer);
    item.parsed_json =
        ojson{{"first_pass", pairs_json(parsed.first_pass)}, {"revised", pairs_json(parsed.revised)}}.dump();
    item.scores_json =
        ojson{{"first_pass_score", optional_json(score.first_pass)}, {"revised_score", optional_json(score.revised)}}
            .dump();
    item.updated_at = now_s();
    const auto failed = ctx.writer.write([&item](store& db) { return error_of(db.item_put(item)); });
    if (failed) {
        ctx.fail(*failed);
        return item_outcome::FATAL;
    }
    return item_outcome::STORED;
}

void worker_main(run_context& ctx, std::mt19937_64& rng) {
    while (!ctx.stop.load() && !ctx.failed()) {
        item_task task;
        {
            std::lock_guard lock(ctx.queue_mutex);
            if (ctx.queue.empty()) {
                return;
            }
            task = ctx.queue.front();
            ctx.queue.pop_front();
        }
        const item_outcome outcome = process_item(ctx, task, rng);
        if (outcome == item_outcome::STORED) {
            ctx.progress.done.fetch_add(1);
        } else if (outcome == item_outcome::UNANSWERED) {
            ctx.unanswered.fetch_add(1);
        }
    }
}

ojson run_metadata(const eq_bench_run_settings& s, const language_pack& pack) {
    ojson meta;
    meta["run_id"] = s.run_id;
    meta["eq_bench_version"] = s.v1 ? "v1" : "v2";
    meta["language"] = pack.code;
    meta["instruction_template"] = s.instruction_template;
    meta["model_path"] = s.model;
    meta["lora_path"] = s.lora;
    meta["bitsandbytes_quant"] = s.quantization;
    meta["total_iterations"] = s.iterations;
    meta["inference_engine"] = s.engine_name;
    meta["ooba_params"] = s.ooba_params;
    meta["download_filters"] = s.download_filters;
    meta["revise"] = s.revise;
    meta["parser"] = std::string(parser_kind_name(s.parser));
    meta["scorer"] = std::string(v2_scorer_name(s.scorer));
    meta["endpoints"] = s.endpoints;
    return meta;
}

// One benchmark_results.csv row (SPEC section 9); a failed run shows FAILED.
std::vector<std::string> csv_row(const eq_bench_run_settings& settings, const std::string& language, bool failed,
                                 double score, double parseable, const std::string& error_text) {
    std::string version = settings.v1 ? "eq-bench_v1" : "eq-bench_v2";
    if (language != "en") {
        version += "_" + language;
    }
    return {
        settings.run_id,
        local_timestamp(),
        settings.instruction_template,
        settings.model,
        settings.lora,
        settings.quantization,
        failed ? "FAILED" : python_float_repr(score),
        version,
        failed ? "FAILED" : python_float_repr(parseable),
        std::to_string(settings.iterations),
        settings.engine_name,
        settings.ooba_params,
        settings.download_filters,
        error_text,
    };
}

}  // namespace

result<bool> eq_bench_export(const eq_bench_run_settings& settings, const question_set& questions,
                             const eq_bench_run_outcome& outcome) {
    const bool revise = settings.revise;
    ojson entry;
    entry["run_metadata"] = ojson::parse(outcome.metadata_json);
    entry["iterations"] = ojson::object();
    for (std::size_t i = 0; i < outcome.scores.iterations.size(); ++i) {
        const auto& scored = outcome.scores.iterations[i];
        const auto& raw = outcome.recorded.iterations[i];
        ojson it;
        ojson answers = ojson::object();
        ojson v1_scores = ojson::object();
        ojson v2_scores = ojson::object();
        ojson inference = ojson::object();
        for (std::size_t k = 0; k < scored.parsed.size(); ++k) {
            const auto& [qid, parsed] = scored.parsed[k];
            const question* q = questions.find(qid);
            answers[qid] = {{"first_pass", pairs_json(parsed.first_pass)}, {"revised", pairs_json(parsed.revised)}};
            const question_score v1 = score_eq_bench_question(parsed, revise, q->reference, nullptr, settings.scorer);
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
    if (auto merged = raw_results_merge(settings.results_dir / "raw_results.json", outcome.key, entry.dump());
        !merged) {
        return merged;
    }
    const std::string language = entry["run_metadata"].value("language", std::string("en"));
    const bool failed = outcome.failed || outcome.interrupted;
    return benchmark_csv_append(
        settings.results_dir / "benchmark_results.csv",
        csv_row(settings, language, failed, outcome.scores.run.score, outcome.scores.run.parseable, outcome.error));
}

result<bool> eq_bench_export_failure(const eq_bench_run_settings& settings, const std::string& language,
                                     const std::string& error_text) {
    return benchmark_csv_append(settings.results_dir / "benchmark_results.csv",
                                csv_row(settings, language, true, 0.0, 0.0, error_text));
}

std::string eq_bench_run_key(const eq_bench_run_settings& s, const std::string& language) {
    return s.run_id + "--" + (s.v1 ? "v1" : "v2") + "--" + language + "--" + s.model + "--" + s.lora + "--" +
           s.instruction_template + "--" + s.quantization + "--" + s.engine_name + "--" + s.ooba_params + "--" +
           s.download_filters;
}

result<eq_bench_run_outcome> eq_bench_run(const eq_bench_run_settings& settings, const question_set& questions,
                                          const language_pack& pack, endpoint_pool& pool, store& db,
                                          run_progress& progress, const cancel_flag& stop) {
    const auto started = std::chrono::steady_clock::now();
    eq_bench_run_outcome outcome;
    outcome.key = eq_bench_run_key(settings, pack.code);

    auto parser = eq_bench_parser::create(pack, settings.parser);
    if (!parser) {
        return parser.err();
    }
    const std::string metadata_json = run_metadata(settings, pack).dump();
    auto run = run_open(db, outcome.key, "eq-bench", metadata_json, settings.overwrite);
    if (!run) {
        return run.err();
    }
    auto existing = db.items_list(run->id);
    if (!existing) {
        return existing.err();
    }
    std::map<std::pair<int, std::string>, const item_record*> stored;
    for (const auto& item : *existing) {
        stored[{item.iteration, item.item_id}] = &item;
    }

    // Prompts are rewritten once per question; all iterations share them.
    std::vector<std::string> prompts;
    prompts.reserve(questions.questions.size());
    for (const auto& q : questions.questions) {
        if (settings.revise) {
            prompts.push_back(q.prompt);
        } else {
            auto rewritten = prompt_remove_revision(q.prompt, pack);
            if (!rewritten.complete) {
                ++outcome.prompts_sent_whole;
            }
            prompts.push_back(std::move(rewritten.text));
        }
    }

    auto writer = std::make_unique<store_writer>(db);
    run_context ctx(settings, pack, **parser, pool, *writer, progress, stop);
    ctx.run_id = run->id;
    for (int iteration = 1; iteration <= settings.iterations; ++iteration) {
        for (std::size_t i = 0; i < questions.questions.size(); ++i) {
            const auto& q = questions.questions[i];
            if (stored.count({iteration, q.id}) != 0) {
                progress.already_done.fetch_add(1);
                continue;
            }
            ctx.queue.push_back(item_task{iteration, &q, &prompts[i]});
        }
    }
    progress.total = settings.iterations * static_cast<int>(questions.questions.size());
    progress.done = progress.already_done.load();

    const int workers = std::max(1, std::min<int>(pool.total_slots(), static_cast<int>(ctx.queue.size())));
    if (!ctx.queue.empty()) {
        workers_run(workers, stop, ctx.abort, settings.grace_s, {&pool},
                    [&ctx](std::mt19937_64& rng) { worker_main(ctx, rng); });
    }
    writer.reset();  // every write is committed; the store is ours again
    if (auto fatal = ctx.fatal.get()) {
        return *fatal;
    }

    auto usage = db.usage_for_run(run->id);
    if (!usage) {
        return usage.err();
    }
    outcome.usage = *usage;
    outcome.cost = static_cast<double>(usage->input_tokens) * settings.price_input_per_million / 1e6 +
                   static_cast<double>(usage->output_tokens) * settings.price_output_per_million / 1e6;
    outcome.unanswered = ctx.unanswered.load();
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    auto items = db.items_list(run->id);
    if (!items) {
        return items.err();
    }
    std::map<std::pair<int, std::string>, const item_record*> final_items;
    for (const auto& item : *items) {
        final_items[{item.iteration, item.item_id}] = &item;
    }
    // Score from the store, in the question file's order, exactly as a re-score of the export.
    recorded_run recorded;
    recorded.key = outcome.key;
    recorded.language = pack.code;
    recorded.version = settings.v1 ? eq_bench_version::V1 : eq_bench_version::V2;
    recorded.revise = settings.revise;
    recorded.n_iterations = settings.iterations;
    for (int iteration = 1; iteration <= settings.iterations; ++iteration) {
        recorded_iteration it;
        it.id = std::to_string(iteration);
        for (const auto& q : questions.questions) {
            // A question no try could score is not kept, as in the reference's raw_results.
            auto found = final_items.find({iteration, q.id});
            if (found != final_items.end() && found->second->state != "failed") {
                it.answers.emplace_back(q.id, found->second->answer);
            }
        }
        recorded.iterations.push_back(std::move(it));
    }
    outcome.scores = eq_bench_rescore(recorded, questions, **parser, settings.scorer);
    outcome.recorded = std::move(recorded);
    outcome.metadata_json = metadata_json;

    const int missing = progress.total.load() - static_cast<int>(items->size());
    if (stop.load() && missing > 0) {
        outcome.interrupted = true;
        outcome.error = std::to_string(missing) + " of " + std::to_string(progress.total.load()) +
                        " items not answered yet (interrupted)";
    } else if (missing > 0) {
        outcome.failed = true;
        outcome.error = std::to_string(missing) + " items got no answer from the server after " +
                        std::to_string(settings.retries.max_attempts) +
                        " attempts each; run the same command again to retry them";
    } else if (outcome.scores.run.failed) {
        outcome.failed = true;
        outcome.error = outcome.scores.run.error;
    }
    ojson results;
    results["score"] = outcome.scores.run.score;
    results["parseable"] = outcome.scores.run.parseable;
    results["usage"] = {{"requests", outcome.usage.requests},
                        {"input_tokens", outcome.usage.input_tokens},
                        {"output_tokens", outcome.usage.output_tokens}};
    results["cost"] = outcome.cost;
    const std::string status = outcome.interrupted ? "interrupted" : outcome.failed ? "failed" : "completed";
    if (auto fin = db.run_finish(run->id, status, results.dump(), outcome.error); !fin) {
        return fin.err();
    }
    return outcome;
}

}  // namespace eqb
