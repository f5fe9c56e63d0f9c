#include "bench/creative-writing/runner.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "bench/runner-support.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"
#include "parse/judge-answer.hpp"
#include "report/files.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

// Sent with every retry of a generation that came back empty or short (the
// reference builds such a variant but never sends it).
constexpr const char* content_retry_suffix =
    "\n\nKeep it PG-13: leave out language or themes that a content filter would block.";

enum class step_end { DONE, INTERRUPTED, UNANSWERED, FATAL };

struct task {
    judged_piece* piece = nullptr;
    const writing_prompt* prompt = nullptr;
    std::string seeded;  // the writing prompt with its seed modifier
    bool generate = false;
    bool judge = false;
};

struct shared_state {
    shared_state(store_writer& w, run_progress& p, const cancel_flag& s) : writer(w), progress(p), stop(s) {}
    store_writer& writer;
    run_progress& progress;
    const cancel_flag& stop;
    cancel_flag abort{false};
    std::mutex mutex;
    std::deque<task> queue;
    first_error fatal;
    std::atomic<int> unanswered{0};
    bool verbose = false;

    void fail(error e) { fatal.set(std::move(e)); }
    bool failed() const { return fatal.has(); }
};

// Sends `request` with transport retries; every attempt is committed as an
// exchange of (run_id, iteration, item_id) before this returns.
chat_response send_recorded(shared_state& st, endpoint_pool& pool, const chat_request& request,
                            const retry_policy& policy, std::int64_t run_id, int iteration, const std::string& item_id,
                            const char* role, int& attempt_number, std::mt19937_64& rng) {
    ojson body;
    body["model"] = pool.client(0).endpoint().model;
    body["messages"] = ojson::array();
    for (const auto& m : request.messages) {
        body["messages"].push_back({{"role", m.role}, {"content", m.content}});
    }
    body["temperature"] = request.temperature;
    body["max_tokens"] = request.max_tokens;
    if (request.min_p) {
        body["min_p"] = *request.min_p;
    }
    const std::string request_text = body.dump();
    const auto record = [&](const attempt_report& report) {
        ++attempt_number;
        st.progress.requests.fetch_add(1);
        if (report.attempt > 1) {
            st.progress.transport_retries.fetch_add(1);
        }
        const chat_response& r = *report.response;
        const exchange_record ex =
            exchange_from_attempt(report, run_id, iteration, item_id, attempt_number, role, request_text);
        if (st.verbose && r.status != transport_status::OK) {
            std::fprintf(stderr, "%s %s (iteration %d): attempt %d: %s %s\n", role, item_id.c_str(), iteration,
                         report.attempt, transport_status_name(r.status), r.error.c_str());
        }
        if (auto failed = st.writer.write([&ex](store& db) { return error_of(db.exchange_add(ex)); })) {
            st.fail(*failed);
        }
    };
    return send_with_retries(pool, request, policy, st.stop, st.abort, rng, record);
}

// How a request that did not come back OK ends the step.
step_end transport_end(shared_state& st, const chat_response& response) {
    if (st.stop.load() || response.status == transport_status::CANCELLED) {
        return step_end::INTERRUPTED;
    }
    if (response.status == transport_status::CLIENT_ERROR) {
        st.fail(error{"the server refused the request (HTTP " + std::to_string(response.http_status) +
                      "): " + response.error});
        return step_end::FATAL;
    }
    return step_end::UNANSWERED;
}

ojson pairs_object(const emotion_pairs& pairs) {
    ojson out = ojson::object();
    for (const auto& p : pairs.items()) {
        out[p.name] = p.value;
    }
    return out;
}

// Judges `piece` (SPEC section 7): empty answers asked again (3 tries), an
// answer without any score judged again 0.2 warmer (4 tries); the judgement is
// stored as an item of `judge_run`.
step_end judge_piece(shared_state& st, endpoint_pool& pool, const judged_run_common& settings,
                     const creative_writing_templates& templates, std::int64_t judge_run, const std::string& item_id,
                     const task& t, std::mt19937_64& rng) {
    judged_piece& piece = *t.piece;
    const std::string prompt = creative_writing_judge_prompt(templates, t.seeded, t.prompt->reference_output,
                                                             piece.response, t.prompt->criteria);
    double temperature = judge_temperature;
    int empty = 0;
    int unparsed = 0;
    int attempt_number = 0;
    std::string answer;
    emotion_pairs pairs;
    while (true) {
        chat_request request;
        request.messages.push_back({"user", prompt});
        request.temperature = temperature;
        request.max_tokens = judge_max_tokens;
        const chat_response response = send_recorded(st, pool, request, settings.retries, judge_run, piece.iteration,
                                                     item_id, "judge", attempt_number, rng);
        if (st.failed()) {
            return step_end::FATAL;
        }
        const bool empty_answer = response.status == transport_status::EMPTY_CONTENT;
        if (response.status != transport_status::OK && !empty_answer) {
            return transport_end(st, response);
        }
        // The reference strips the judge's answer and asks again after an empty one.
        const std::string stripped = python_strip(response.content);
        if (stripped.empty()) {
            if (++empty >= judge_empty_tries) {
                break;
            }
            continue;
        }
        answer = stripped;
        pairs = creative_writing_judge_parse(answer);
        if (!pairs.empty()) {
            break;
        }
        st.progress.parse_failures.fetch_add(1);
        if (settings.verbose) {
            std::fprintf(stderr, "judge %s (iteration %d): no score in the judge's answer (try %d of %d)\n",
                         item_id.c_str(), piece.iteration, unparsed + 1, judge_tries);
        }
        if (++unparsed >= judge_tries) {
            break;
        }
        temperature += judge_temperature_step;
    }
    piece.judge_answer = answer;
    piece.scores = pairs;
    piece.result = creative_writing_prompt_score(pairs);
    item_record item;
    item.run_id = judge_run;
    item.iteration = piece.iteration;
    item.item_id = item_id;
    item.state = piece.result ? "done" : "failed";
    item.answer = answer;
    item.tries = empty + unparsed + 1;
    item.parsed_json = pairs_object(pairs).dump();
    item.scores_json = piece.result ? ojson{{"score", piece.result->score},
                                            {"parsed", piece.result->parsed},
                                            {"inverted", piece.result->inverted}}
                                          .dump()
                                    : std::string("null");
    item.updated_at = now_s();
    if (auto failed = st.writer.write([&item](store& db) { return error_of(db.item_put(item)); })) {
        st.fail(*failed);
        return step_end::FATAL;
    }
    return step_end::DONE;
}

// Runs `work` on `workers` threads until the queue is empty, a fatal error, or
// `stop` (then in-flight requests get `grace_s` before they are aborted).
void run_workers(shared_state& st, int workers, double grace_s, const std::vector<endpoint_pool*>& pools,
                 const std::function<void(const task&, std::mt19937_64&)>& work) {
    workers_run(workers, st.stop, st.abort, grace_s, pools, [&st, &work](std::mt19937_64& rng) {
        while (!st.stop.load() && !st.failed()) {
            task t;
            {
                std::lock_guard lock(st.mutex);
                if (st.queue.empty()) {
                    return;
                }
                t = st.queue.front();
                st.queue.pop_front();
            }
            work(t, rng);
        }
    });
}

// Loads (iteration, item id) -> item of a run.
result<std::map<std::pair<int, std::string>, item_record>> stored_items(store& db, std::int64_t run_id) {
    auto items = db.items_list(run_id);
    if (!items) {
        return items.err();
    }
    std::map<std::pair<int, std::string>, item_record> out;
    for (auto& item : *items) {
        out[{item.iteration, item.item_id}] = std::move(item);
    }
    return out;
}

// Restores a stored judgement into `piece`.
void restore_judgement(judged_piece& piece, const item_record& item) {
    piece.judge_answer = item.answer;
    piece.scores = creative_writing_judge_parse(item.answer);
    piece.result = creative_writing_prompt_score(piece.scores);
}

usage_totals add_usage(const usage_totals& a, const usage_totals& b) {
    return {a.requests + b.requests, a.input_tokens + b.input_tokens, a.output_tokens + b.output_tokens};
}

}  // namespace

std::string creative_writing_run_key(const creative_writing_run_settings& s) {
    return s.common.run_id + "--creative-writing--" + s.model + "--" + s.lora + "--" + s.instruction_template + "--" +
           s.quantization + "--" + s.engine_name + "--" + s.ooba_params + "--" + s.download_filters;
}

std::string judgemark_run_key(const judged_run_common& s) {
    return s.run_id + "--judgemark--" + s.judge_model;
}

result<creative_writing_run_outcome> creative_writing_run(const creative_writing_run_settings& settings,
                                                          const writing_prompt_set& prompts,
                                                          const creative_writing_templates& templates,
                                                          endpoint_pool& test_pool, endpoint_pool& judge_pool,
                                                          store& db, run_progress& progress, const cancel_flag& stop) {
    const auto started = std::chrono::steady_clock::now();
    const auto& common = settings.common;
    creative_writing_run_outcome outcome;
    outcome.key = creative_writing_run_key(settings);
    outcome.judge_key = outcome.key + "--judge--" + common.judge_model;
    ojson meta;
    meta["run_id"] = common.run_id;
    meta["benchmark"] = "creative-writing";
    meta["model_path"] = settings.model;
    meta["lora_path"] = settings.lora;
    meta["instruction_template"] = settings.instruction_template;
    meta["bitsandbytes_quant"] = settings.quantization;
    meta["total_iterations"] = settings.iterations;
    meta["inference_engine"] = settings.engine_name;
    meta["ooba_params"] = settings.ooba_params;
    meta["download_filters"] = settings.download_filters;
    meta["judge_model"] = common.judge_model;
    meta["judge_engine"] = common.judge_engine_name;
    meta["prompts_file"] = prompts.source;
    meta["test_template"] = templates.test_source;
    meta["judge_template"] = templates.judge_source;
    meta["endpoints"] = settings.endpoints;
    meta["judge_endpoints"] = common.judge_endpoints;
    auto gen_run = run_open(db, outcome.key, "creative-writing", meta.dump(), common.overwrite);
    if (!gen_run) {
        return gen_run.err();
    }
    auto judge_run =
        run_open(db, outcome.judge_key, "creative-writing-judge", meta.dump(), common.overwrite || common.rejudge);
    if (!judge_run) {
        return judge_run.err();
    }
    auto generations = stored_items(db, gen_run->id);
    auto judgements = stored_items(db, judge_run->id);
    if (!generations) {
        return generations.err();
    }
    if (!judgements) {
        return judgements.err();
    }

    for (int iteration = 1; iteration <= settings.iterations; ++iteration) {
        for (const auto& p : prompts.prompts) {
            judged_piece piece;
            piece.iteration = iteration;
            piece.prompt_id = p.id;
            outcome.pieces.push_back(std::move(piece));
        }
    }
    auto writer = std::make_unique<store_writer>(db);
    shared_state st(*writer, progress, stop);
    st.verbose = common.verbose;
    std::size_t index = 0;
    for (int iteration = 1; iteration <= settings.iterations; ++iteration) {
        for (const auto& p : prompts.prompts) {
            judged_piece& piece = outcome.pieces[index++];
            task t;
            t.piece = &piece;
            t.prompt = &p;
            t.seeded = writing_prompt_for_iteration(p, iteration);
            const auto gen = generations->find({iteration, p.id});
            if (gen != generations->end() && gen->second.state == "done") {
                piece.response = gen->second.answer;
                piece.generated = true;
            } else {
                t.generate = true;
            }
            const auto judged = judgements->find({iteration, p.id});
            if (judged != judgements->end() && piece.generated) {
                restore_judgement(piece, judged->second);
            } else {
                t.judge = true;
            }
            if (t.generate || t.judge) {
                st.queue.push_back(std::move(t));
            } else {
                progress.already_done.fetch_add(1);
            }
        }
    }
    progress.total = static_cast<int>(outcome.pieces.size());
    progress.done = progress.already_done.load();

    const std::int64_t gen_id = gen_run->id;
    const std::int64_t judge_id = judge_run->id;
    const bool local = settings.local_engine;
    const auto work = [&](const task& t, std::mt19937_64& rng) {
        judged_piece& piece = *t.piece;
        if (t.generate) {
            const std::string base = creative_writing_test_prompt(templates, t.seeded);
            double temperature = local ? creative_writing_local_temperature : creative_writing_api_temperature;
            const double cap = local ? creative_writing_local_temperature_cap : creative_writing_api_temperature_cap;
            int attempt_number = 0;
            std::string last;
            bool ok = false;
            int tries = 0;
            for (; tries < creative_writing_generation_tries && !ok; ++tries) {
                chat_request request;
                request.messages.push_back({"user", tries == 0 ? base : base + content_retry_suffix});
                request.temperature = temperature;
                request.max_tokens = creative_writing_max_tokens;
                if (local) {
                    request.min_p = eq_bench_local_min_p;
                }
                const chat_response response =
                    send_recorded(st, test_pool, request, common.retries, gen_id, piece.iteration, piece.prompt_id,
                                  "test", attempt_number, rng);
                if (st.failed()) {
                    return;
                }
                if (response.status != transport_status::OK && response.status != transport_status::EMPTY_CONTENT) {
                    if (transport_end(st, response) == step_end::UNANSWERED) {
                        st.unanswered.fetch_add(1);
                    }
                    return;
                }
                // The reference strips the piece; an empty or short one is asked again.
                last = python_strip(response.content);
                ok = python_len(last) >= creative_writing_min_chars;
                if (!ok) {
                    st.progress.parse_failures.fetch_add(1);
                    temperature = std::min(temperature + creative_writing_temperature_step, cap);
                }
            }
            item_record item;
            item.run_id = gen_id;
            item.iteration = piece.iteration;
            item.item_id = piece.prompt_id;
            item.state = ok ? "done" : "failed";
            item.answer = last;
            item.tries = tries;
            item.updated_at = now_s();
            if (auto failed = st.writer.write([&item](store& db_) { return error_of(db_.item_put(item)); })) {
                st.fail(*failed);
                return;
            }
            if (!ok) {
                st.progress.done.fetch_add(1);  // no output: the prompt is not scored, as in the reference
                return;
            }
            piece.response = last;
            piece.generated = true;
        }
        const step_end end = judge_piece(st, judge_pool, common, templates, judge_id, piece.prompt_id, t, rng);
        if (end == step_end::DONE) {
            st.progress.done.fetch_add(1);
        } else if (end == step_end::UNANSWERED) {
            st.unanswered.fetch_add(1);
        }
    };
    const int workers = std::max(
        1, std::min<int>(test_pool.total_slots() + judge_pool.total_slots(), static_cast<int>(st.queue.size())));
    if (!st.queue.empty()) {
        run_workers(st, workers, common.grace_s, {&test_pool, &judge_pool}, work);
    }
    writer.reset();
    if (auto fatal = st.fatal.get()) {
        return *fatal;
    }

    // Scores in the prompt file's order, iteration by iteration.
    for (int iteration = 1; iteration <= settings.iterations; ++iteration) {
        std::vector<double> scores;
        for (const auto& piece : outcome.pieces) {
            if (piece.iteration == iteration && piece.result) {
                scores.push_back(piece.result->score);
            }
        }
        outcome.iteration_scores.push_back(creative_writing_iteration_score(scores));
    }
    std::vector<double> counted;
    std::vector<double> scaled;
    for (const auto& s : outcome.iteration_scores) {
        if (s) {
            counted.push_back(*s);
            scaled.push_back(10.0 * *s);
        }
    }
    outcome.score = creative_writing_run_score(counted);
    outcome.interval = creative_writing_interval(scaled);
    auto gen_usage = db.usage_for_run(gen_id);
    auto judge_usage = db.usage_for_run(judge_id);
    if (gen_usage && judge_usage) {
        outcome.usage = add_usage(*gen_usage, *judge_usage);
    }
    const int unanswered = st.unanswered.load();
    if (stop.load() && (unanswered > 0 || progress.done.load() < progress.total.load())) {
        outcome.interrupted = true;
        outcome.error = std::to_string(progress.total.load() - progress.done.load()) + " of " +
                        std::to_string(progress.total.load()) + " pieces not finished yet (interrupted)";
    } else if (unanswered > 0) {
        outcome.failed = true;
        outcome.error = std::to_string(unanswered) +
                        " pieces got no answer from a server after every retry; run the same command again to retry "
                        "them";
    } else if (counted.empty()) {
        outcome.failed = true;
        outcome.error = "no iteration had more than 10 scored prompts";
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::string status = outcome.interrupted ? "interrupted" : outcome.failed ? "failed" : "completed";
    const std::string results = ojson{{"score", outcome.score}}.dump();
    if (auto fin = db.run_finish(gen_id, status, results, outcome.error); !fin) {
        return fin.err();
    }
    if (auto fin = db.run_finish(judge_id, status, results, outcome.error); !fin) {
        return fin.err();
    }
    return outcome;
}

result<bool> creative_writing_export(const creative_writing_run_settings& settings,
                                     const creative_writing_run_outcome& outcome) {
    const auto& common = settings.common;
    ojson entry;
    entry["run_metadata"] = {{"run_id", common.run_id},
                             {"benchmark", "creative-writing"},
                             {"model_path", settings.model},
                             {"lora_path", settings.lora},
                             {"instruction_template", settings.instruction_template},
                             {"bitsandbytes_quant", settings.quantization},
                             {"total_iterations", settings.iterations},
                             {"inference_engine", settings.engine_name},
                             {"ooba_params", settings.ooba_params},
                             {"download_filters", settings.download_filters},
                             {"judge_model", common.judge_model}};
    entry["iterations"] = ojson::object();
    for (int iteration = 1; iteration <= settings.iterations; ++iteration) {
        ojson it;
        it["individual_scores"] = ojson::object();
        it["test_model_response"] = ojson::object();
        it["judge_model_response"] = ojson::object();
        for (const auto& piece : outcome.pieces) {
            if (piece.iteration != iteration || !piece.generated) {
                continue;
            }
            it["test_model_response"][piece.prompt_id] = piece.response;
            if (!piece.judge_answer.empty()) {
                it["individual_scores"][piece.prompt_id] = pairs_object(piece.scores);
                it["judge_model_response"][piece.prompt_id] = ojson::array({piece.judge_answer});
            }
        }
        const auto& s = outcome.iteration_scores[static_cast<std::size_t>(iteration - 1)];
        it["creative_writing_score"] = s ? ojson(*s) : ojson(nullptr);
        entry["iterations"][std::to_string(iteration)] = std::move(it);
    }
    entry["creative_writing_results"] = {{"score", outcome.score},
                                         {"mean", outcome.interval.mean},
                                         {"ci_low", outcome.interval.low},
                                         {"ci_high", outcome.interval.high}};
    if (auto merged = raw_results_merge(common.results_dir / "raw_results.json", outcome.key, entry.dump()); !merged) {
        return merged;
    }
    int scored = 0;
    for (const auto& piece : outcome.pieces) {
        scored += piece.result ? 1 : 0;
    }
    const bool failed = outcome.failed || outcome.interrupted;
    const std::vector<std::string> row = {common.run_id,
                                          local_timestamp(),
                                          settings.instruction_template,
                                          settings.model,
                                          settings.lora,
                                          settings.quantization,
                                          failed ? "FAILED" : python_float_repr(outcome.score),
                                          "creative-writing",
                                          failed ? "FAILED" : std::to_string(scored),
                                          std::to_string(settings.iterations),
                                          settings.engine_name,
                                          settings.ooba_params,
                                          settings.download_filters,
                                          outcome.error};
    if (auto appended = benchmark_csv_append(common.results_dir / "benchmark_results.csv", row); !appended) {
        return appended;
    }

    // The per-run text file, like the leaderboard's sample files.
    std::string text = "Creative Writing v2\nRun: " + common.run_id + "\nModel: " + settings.model +
                       "\nJudge: " + common.judge_model + "\n\n";
    for (std::size_t i = 0; i < outcome.iteration_scores.size(); ++i) {
        const auto& s = outcome.iteration_scores[i];
        char line[96];
        if (s) {
            std::snprintf(line, sizeof line, "Iteration %zu: %.2f\n", i + 1, 10.0 * *s);
        } else {
            std::snprintf(line, sizeof line, "Iteration %zu: not scored (10 prompts or fewer)\n", i + 1);
        }
        text += line;
    }
    char summary[160];
    std::snprintf(summary, sizeof summary, "Average: %.2f (%.2f, %.2f) 95%% interval, mean +- 1.96 x SEM\n",
                  outcome.interval.mean, outcome.interval.low, outcome.interval.high);
    text += summary;
    text += "Creative Writing Score: " + python_float_repr(outcome.score) + "\n";
    for (const auto& piece : outcome.pieces) {
        text += "\n==========\nIteration " + std::to_string(piece.iteration) + ", prompt " + piece.prompt_id + "\n";
        if (piece.result) {
            char line[96];
            std::snprintf(line, sizeof line, "Score: %.2f (%d criteria parsed)\n", 10.0 * piece.result->score,
                          piece.result->parsed);
            text += line;
        } else {
            text += "Score: none\n";
        }
        text += "\n[Output]\n" + piece.response + "\n\n[Judge scores]\n";
        for (const auto& p : piece.scores.items()) {
            text += p.name + ": " + p.text + "\n";
        }
    }
    const auto file = common.results_dir / ("creative-writing-" + text_file_name_part(common.run_id) + "-" +
                                            text_file_name_part(settings.model) + ".txt");
    return file_write_atomic(file, text);
}

result<judgemark_test_set> judgemark_test_set_load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the Judgemark test set"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto doc = ojson::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return error{path.string() + ": not a JSON object of test models"};
    }
    judgemark_test_set set;
    for (const auto& [model, answers] : doc.items()) {
        if (!answers.is_object()) {
            return error{path.string() + ": " + model + ": expected an object of prompt id -> answer"};
        }
        std::vector<std::pair<std::string, std::string>> items;
        for (const auto& [pid, answer] : answers.items()) {
            if (!answer.is_string()) {
                return error{path.string() + ": " + model + ": prompt " + pid + ": expected the answer text"};
            }
            items.emplace_back(pid, answer.get<std::string>());
        }
        set.models.emplace_back(model, std::move(items));
    }
    return set;
}

result<judgemark_run_outcome> judgemark_run(const judged_run_common& settings, const writing_prompt_set& prompts,
                                            const judgemark_test_set& test_set,
                                            const creative_writing_templates& templates, endpoint_pool& judge_pool,
                                            store& db, run_progress& progress, const cancel_flag& stop) {
    const auto started = std::chrono::steady_clock::now();
    judgemark_run_outcome outcome;
    outcome.key = judgemark_run_key(settings);
    ojson meta{{"run_id", settings.run_id},
               {"benchmark", "judgemark"},
               {"judge_model", settings.judge_model},
               {"judge_engine", settings.judge_engine_name},
               {"prompts_file", prompts.source},
               {"judge_template", templates.judge_source},
               {"judge_endpoints", settings.judge_endpoints}};
    auto run = run_open(db, outcome.key, "judgemark", meta.dump(), settings.overwrite || settings.rejudge);
    if (!run) {
        return run.err();
    }
    auto judged = stored_items(db, run->id);
    if (!judged) {
        return judged.err();
    }
    std::map<std::string, const writing_prompt*> by_id;
    for (const auto& p : prompts.prompts) {
        by_id[p.id] = &p;
    }
    for (const auto& [model, answers] : test_set.models) {
        for (const auto& [pid, answer] : answers) {
            if (by_id.count(pid) == 0) {
                return error{"Judgemark: prompt " + pid + " of " + model + " is not in " + prompts.source};
            }
            judged_piece piece;
            piece.owner = model;
            piece.prompt_id = pid;
            piece.response = answer;
            piece.generated = true;
            outcome.pieces.push_back(std::move(piece));
        }
    }
    auto writer = std::make_unique<store_writer>(db);
    shared_state st(*writer, progress, stop);
    st.verbose = settings.verbose;
    for (auto& piece : outcome.pieces) {
        const std::string item_id = piece.owner + "|" + piece.prompt_id;
        if (const auto found = judged->find({1, item_id}); found != judged->end()) {
            restore_judgement(piece, found->second);
            progress.already_done.fetch_add(1);
            continue;
        }
        task t;
        t.piece = &piece;
        t.prompt = by_id[piece.prompt_id];
        t.seeded = writing_prompt_for_iteration(*t.prompt, 1);
        t.judge = true;
        st.queue.push_back(std::move(t));
    }
    progress.total = static_cast<int>(outcome.pieces.size());
    progress.done = progress.already_done.load();
    const std::int64_t run_id = run->id;
    const auto work = [&](const task& t, std::mt19937_64& rng) {
        const std::string item_id = t.piece->owner + "|" + t.piece->prompt_id;
        const step_end end = judge_piece(st, judge_pool, settings, templates, run_id, item_id, t, rng);
        if (end == step_end::DONE) {
            st.progress.done.fetch_add(1);
        } else if (end == step_end::UNANSWERED) {
            st.unanswered.fetch_add(1);
        }
    };
    if (!st.queue.empty()) {
        const int workers = std::max(1, std::min<int>(judge_pool.total_slots(), static_cast<int>(st.queue.size())));
        run_workers(st, workers, settings.grace_s, {&judge_pool}, work);
    }
    writer.reset();
    if (auto fatal = st.fatal.get()) {
        return *fatal;
    }
    for (const auto& [model, answers] : test_set.models) {
        std::vector<double> scores;
        for (const auto& piece : outcome.pieces) {
            if (piece.owner == model && piece.result) {
                scores.push_back(piece.result->score);
            }
        }
        outcome.prompt_scores.emplace_back(model, std::move(scores));
    }
    if (auto usage = db.usage_for_run(run_id); usage) {
        outcome.usage = *usage;
    }
    const int unanswered = st.unanswered.load();
    if (stop.load() && progress.done.load() < progress.total.load()) {
        outcome.interrupted = true;
        outcome.error = std::to_string(progress.total.load() - progress.done.load()) + " of " +
                        std::to_string(progress.total.load()) + " answers not judged yet (interrupted)";
    } else if (unanswered > 0) {
        outcome.failed = true;
        outcome.error = std::to_string(unanswered) +
                        " answers got no judgement after every retry; run the same command again to retry them";
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::string status = outcome.interrupted ? "interrupted" : outcome.failed ? "failed" : "completed";
    if (auto fin = db.run_finish(run_id, status, "{}", outcome.error); !fin) {
        return fin.err();
    }
    return outcome;
}

}  // namespace eqb
