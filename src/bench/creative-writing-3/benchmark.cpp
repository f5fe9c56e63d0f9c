#include "bench/creative-writing-3/benchmark.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "bench/creative-writing-3/elo-items.hpp"
#include "bench/creative-writing-3/elo-pool.hpp"
#include "bench/creative-writing-3/pairwise.hpp"
#include "bench/creative-writing-3/rubric.hpp"
#include "bench/creative-writing-3/writing.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "report/files.hpp"
#include "report/progress.hpp"
#include "run/answer-loop.hpp"
#include "scoring/cw3-bootstrap.hpp"
#include "scoring/elo-run.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* write_step = "write";
constexpr const char* rubric_step = "rubric";
constexpr const char* pool_step = "pool";
constexpr const char* pairwise_step = "pairwise";
constexpr const char* pool_item = "elo-pool";
constexpr const char* pairwise_prefix = "pairwise|";
constexpr int elo_iteration_slot = 1;  // the Elo's tasks are no iteration of the run: one slot for all
constexpr int max_elo_rounds = 10000;  // a guard: the schedule ends long before
constexpr double percent_scale = 5.0;  // 0-20 -> 0-100
constexpr const char* benchmark_name = "creative-writing-v3";

constexpr const char* openai_api_base = "https://api.openai.com/v1";
constexpr const char* min_p_refused_model = "o3";  // the reference never sends it min_p

chat_request request_of(const std::string& message, const cw3_sampling& sampling, bool min_p) {
    chat_request request;
    request.messages.push_back({"user", message});
    request.temperature = sampling.temperature;
    request.max_tokens = sampling.max_tokens;
    if (min_p) {
        request.min_p = sampling.min_p;
    }
    return request;
}

std::string direction_tag(pairwise_direction d) {
    return d == pairwise_direction::FORWARD ? "F" : "R";
}

// The store id of a judge request, without its occurrence number.
std::string request_id(const elo_request& r) {
    return std::string(pairwise_prefix) + r.neighbor_model + "|" + r.item_id + "|" + r.test_iteration + "|" +
           r.neighbor_iteration + "|" + direction_tag(r.direction);
}

ojson request_json(const elo_request& r) {
    return {{"neighbor_model", r.neighbor_model},
            {"item_id", r.item_id},
            {"test_iteration", r.test_iteration},
            {"neighbor_iteration", r.neighbor_iteration},
            {"direction", direction_tag(r.direction)}};
}

std::optional<elo_request> request_from_json(const std::string& text) {
    const ojson j = ojson::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::nullopt;
    }
    elo_request r;
    r.neighbor_model = j.value("neighbor_model", "");
    r.item_id = j.value("item_id", "");
    r.test_iteration = j.value("test_iteration", "");
    r.neighbor_iteration = j.value("neighbor_iteration", "");
    r.direction = j.value("direction", "F") == "R" ? pairwise_direction::REVERSED : pairwise_direction::FORWARD;
    return r;
}

// The judge's verdict members as the tally reads them.
std::vector<judge_member> members_of(const std::vector<cw3_verdict_member>& verdict) {
    std::vector<judge_member> out;
    for (const auto& m : verdict) {
        out.push_back({m.key, m.kind == cw3_json_kind::STRING ? std::optional<std::string>(m.text) : std::nullopt});
    }
    return out;
}

// The verdict object as json.loads gives it, for the stored comparison.
ojson verdict_json(const std::string& content) {
    const auto start = content.find('{');
    const auto end = content.rfind('}');
    if (start == std::string::npos || end == std::string::npos || end <= start) {
        return ojson::object();
    }
    ojson j = ojson::parse(content.substr(start, end - start + 1), nullptr, false);
    return j.is_discarded() ? ojson::object() : j;
}

std::string fixed2(double x) {
    return fmt::format("{:.2f}", x);
}

// One prepared pairwise request of the current round.
struct pairwise_job {
    elo_request request;
    std::string message;
    cw3_comparison_context context;
};

class creative_writing_3_benchmark final : public benchmark {
  public:
    creative_writing_3_benchmark(const creative_writing_3_settings& settings, const cw3_data& data)
        : settings_(settings), data_(data) {
        key_ = creative_writing_3_run_key(settings_.run);
        judge_key_ = key_ + "--judge--" + settings_.judge.model;
        for (const auto& p : data_.prompts) {
            by_id_[p.id] = &p;
        }
        test_min_p_ = creative_writing_3_sends_min_p(settings_.run.endpoints, settings_.run.model);
        judge_min_p_ = creative_writing_3_sends_min_p(settings_.judge.endpoints, settings_.judge.model);
    }

    // One request per step; the pairwise rounds depend on the pool and are not counted.
    request_estimate estimate() const override {
        request_estimate out = benchmark::estimate();
        out.note =
            "one request per piece and per judgement, no retries; the pairwise comparisons (about 250 "
            "judge requests against a pool of eight models) are not counted";
        return out;
    }

    std::vector<run_binding> runs() const override {
        const std::string meta = metadata().dump();
        return {{role::TEST, key_, benchmark_name, meta},
                {role::JUDGE, judge_key_, std::string(benchmark_name) + "-judge", meta}};
    }

    std::vector<task_spec> tasks() const override {
        std::vector<task_spec> out;
        for (const auto& t : cw3_writing_tasks(data_.prompts, settings_.run.iterations)) {
            out.push_back({t.iteration, t.prompt_id, {{write_step, role::TEST}, {rubric_step, role::JUDGE}}});
        }
        return out;
    }

    // A judgement without a score is asked again on the next invocation (the
    // reference leaves such a task "generated"); --redo-judging asks every one again.
    bool reusable(const step_spec& step, const item_record& record) const override {
        if (step.name == rubric_step) {
            return !settings_.pairwise.redo_judging && record.state == "done" &&
                   !cw3_rubric_parse(cw3_answer_content(record.answer)).empty();
        }
        return record.state == "done" || record.state == "failed";
    }

    // A piece dropped after three short answers is never judged.
    bool ends_task(const step_spec& step, const item_record& record) const override {
        return step.name == write_step && record.state != "done";
    }

    step_outcome run_step(const task_spec& task, const step_spec& step, step_context& context) const override {
        step_outcome out;
        if (step.name == write_step) {
            return write(task, context);
        }
        if (step.name == rubric_step) {
            return judge(task, context);
        }
        if (step.name == pool_step) {
            out.record.state = "done";
            out.record.answer = pending_pool_;
            return out;
        }
        return compare(task, context);
    }

    result<std::vector<task_spec>> next_round(store_view& view) override {
        if (settings_.pairwise.no_elo) {
            return std::vector<task_spec>{};
        }
        if (++elo_rounds_ > max_elo_rounds) {
            return error{"the Elo stage did not finish (a comparison keeps being asked again)"};
        }
        pieces_ = pieces(view);
        test_model_ = cw3_elo_model_build(pieces_, data_.prompts, data_.negative_criteria);
        const item_record* stored_pool = nullptr;
        std::vector<const item_record*> judged_records;
        for (const auto& item : view.items(role::JUDGE)) {
            if (item.step == pool_step && item.item_id == pool_item) {
                stored_pool = &item;
            } else if (item.step == pairwise_step && item.state == "done") {
                judged_records.push_back(&item);
            }
        }
        if (stored_pool == nullptr) {
            auto pool = pool_read();
            if (!pool) {
                return pool.err();
            }
            pending_pool_ = cw3_pool_to_json(*pool);
            return std::vector<task_spec>{{elo_iteration_slot, pool_item, {{pool_step, role::JUDGE}}}};
        }
        auto pool = cw3_pool_from_json(stored_pool->answer);
        if (!pool) {
            return pool.err();
        }
        pool_ = std::move(*pool);
        std::vector<elo_comparison> judged;
        std::map<std::string, int> stored_count;
        for (const auto* item : judged_records) {
            const auto request = request_from_json(item->parsed_json);
            const ojson entry = ojson::parse(item->scores_json, nullptr, false);
            if (!request || entry.is_discarded()) {
                continue;
            }
            elo_comparison c = cw3_comparison_from_json(entry);
            c.test_model = settings_.run.model;
            c.neighbor_model = request->neighbor_model;
            c.item_id = request->item_id;
            c.test_iteration = request->test_iteration;
            c.neighbor_iteration = request->neighbor_iteration;
            c.direction = request->direction;
            judged.push_back(std::move(c));
            ++stored_count[request_id(*request)];
        }
        const elo_run_input input =
            cw3_elo_input(pool_, settings_.run.model, test_model_, std::move(judged), settings_.pairwise.elo_seed);
        elo_run_step next = elo_run_next(input);
        if (next.done) {
            elo_ = std::move(next.result);
            return std::vector<task_spec>{};
        }
        jobs_.clear();
        std::vector<task_spec> out;
        std::map<std::string, int> in_batch;
        for (const auto& r : next.batch) {
            const std::string id = request_id(r);
            const int occurrence = stored_count[id] + in_batch[id]++;
            const std::string item_id = id + "#" + std::to_string(occurrence);
            auto job = prepare(r);
            if (!job) {
                return job.err();
            }
            jobs_[item_id] = std::move(*job);
            out.push_back({elo_iteration_slot, item_id, {{pairwise_step, role::JUDGE}}});
        }
        return out;
    }

    result<run_summary> summarize(store_view& view, const run_totals& totals, const run_usage&) override {
        pieces_ = pieces(view);
        test_model_ = cw3_elo_model_build(pieces_, data_.prompts, data_.negative_criteria);
        scored_ = cw3_scored_tasks(pieces_, data_.prompts, data_.negative_criteria);
        rubric_ = cw3_rubric_summarise(scored_);
        std::vector<std::vector<double>> boot_tasks;
        for (const auto& t : scored_) {
            boot_tasks.push_back(t.piece_score ? std::vector<double>{*t.piece_score} : std::vector<double>{});
        }
        bootstrap_ = cw3_bootstrap_interval(boot_tasks);
        comparison_records_.clear();
        for (const auto& item : view.items(role::JUDGE)) {
            if (item.step == pairwise_step && item.state == "done") {
                comparison_records_[item.item_id] = item.scores_json;
            }
        }

        run_summary summary;
        summary.score = rubric_.eqbench_creative_score;
        const bool elo_wanted = !settings_.pairwise.no_elo;
        if (totals.interrupted) {
            summary.status = "interrupted";
            summary.error =
                fmt::format("{} of {} tasks not finished yet (interrupted)", totals.tasks - totals.done, totals.tasks);
        } else if (totals.unanswered > 0) {
            summary.status = "failed";
            summary.error = fmt::format(
                "{} requests got no answer from a server after every retry; run the same command again to retry them",
                totals.unanswered);
        } else if (rubric_.pieces == 0) {
            summary.status = "failed";
            summary.error = "no piece was scored by the judge";
            summary.permanent = true;
        } else if (elo_wanted && !elo_) {
            summary.status = "failed";
            summary.error = "the Elo stage did not finish";
        }
        const elo_rating* mine = own_rating();
        ojson results = {{"creative_score_0_20", rubric_.creative_score_0_20},
                         {"eqbench_creative_score", rubric_.eqbench_creative_score}};
        if (mine != nullptr) {
            results["elo"] = mine->elo;
            results["elo_norm"] = mine->elo_norm;
        }
        summary.results_json = results.dump();

        auto& lines = summary.report;
        lines.push_back(rubric_line());
        lines.push_back("Rubric score (0-20): " + fixed2(rubric_.creative_score_0_20));
        if (!elo_wanted) {
            lines.push_back("Elo (normalised): skipped (--no-elo)");
        } else if (mine != nullptr) {
            lines.push_back(elo_line(*mine));
            lines.push_back("Elo (raw): " + fixed2(mine->elo));
        }
        std::size_t dropped = 0;
        for (const auto& p : pieces_) {
            dropped += p.text ? 0U : 1U;
        }
        lines.push_back(fmt::format("Judged: {} of {} pieces scored, {} dropped after three short answers",
                                    rubric_.pieces, pieces_.size(), dropped));
        if (elo_) {
            lines.push_back(fmt::format("Pairwise: {} comparisons this run, {} models in the Elo pool",
                                        elo_->new_comparisons.size(), elo_->ratings.size()));
        }
        lines.push_back(std::string("----") + benchmark_name + " Benchmark Complete----");
        lines.push_back(local_timestamp());
        lines.push_back(time_taken_line(totals.seconds));
        lines.push_back(time_taken_seconds_line(totals.seconds));
        lines.push_back("Model: " + settings_.run.model);
        lines.push_back("Judge: " + settings_.judge.model);
        if (summary.status == "failed") {
            lines.push_back("Benchmark Failed: " + summary.error);
        }
        return summary;
    }

    result<bool> write_exports(store_view&, run_summary& summary) override {
        const reference_run& r = settings_.run;
        if (elo_) {
            if (auto written = elo_results_write(); !written) {
                return written;
            }
        }
        if (auto written = runs_file_write(summary); !written) {
            return written;
        }
        const bool failed = summary.status != "completed";
        const std::vector<std::string> row = {r.run_id,
                                              local_timestamp(),
                                              r.instruction_template,
                                              r.model,
                                              r.lora,
                                              r.quantization,
                                              failed ? "FAILED" : python_float_repr(rubric_.eqbench_creative_score),
                                              benchmark_name,
                                              failed ? "FAILED" : std::to_string(rubric_.pieces),
                                              std::to_string(r.iterations),
                                              r.engine_name,
                                              r.ooba_params,
                                              r.download_filters,
                                              summary.error};
        return benchmark_csv_append(r.results_dir / "benchmark_results.csv", row);
    }

  private:
    step_outcome write(const task_spec& task, step_context& context) const {
        const std::string message = cw3_writing_prompt(*by_id_.at(task.item_id), task.iteration);
        answer_policy policy;
        policy.tries = cw3_writer_max_tries;
        policy.temperature = cw3_writer_temperature;
        const answer_loop_result loop = answer_loop(
            context, role::TEST, policy,
            [&](const answer_try&) { return request_of(message, cw3_writer_sampling, test_min_p_); },
            [](const std::string& received) {
                answer_verdict verdict;
                const auto piece = cw3_piece_from_answer(received);
                verdict.accepted = piece.has_value();
                verdict.text = piece ? *piece : python_strip(cw3_answer_content(received));
                verdict.rejection = "the piece is shorter than 500 characters";
                verdict.cause = "too short";
                return verdict;
            });
        step_outcome out;
        if (loop.ended_by) {
            out.ended_by = loop.ended_by;
            out.error = loop.error;
            return out;
        }
        out.record.state = loop.accepted ? "done" : "failed";
        out.record.answer = loop.accepted ? loop.text : std::string();
        out.record.tries = loop.tries;
        out.stop_task = !loop.accepted;
        return out;
    }

    step_outcome judge(const task_spec& task, step_context& context) const {
        step_outcome out;
        const item_record* written = context.earlier(write_step);
        if (written == nullptr || written->state != "done") {
            out.record.state = "failed";
            return out;
        }
        const cw3_prompt& prompt = *by_id_.at(task.item_id);
        auto message = cw3_judge_prompt(data_.judging_prompt, prompt.writing_prompt, written->answer, data_.criteria,
                                        data_.negative_criteria);
        if (!message) {
            out.record.state = "failed";
            out.record.answer = message.err().message;
            return out;
        }
        const ask_result asked = context.ask(role::JUDGE, request_of(*message, cw3_rubric_sampling, judge_min_p_));
        if (asked.status != ask_status::ANSWER) {
            out.ended_by = asked.status;
            out.error = asked.error;
            return out;
        }
        out.record.state = "done";
        out.record.answer = asked.answer;
        out.record.tries = 1;
        ojson scores = ojson::object();
        const emotion_pairs parsed = cw3_rubric_parse(cw3_answer_content(asked.answer));
        for (const auto& p : parsed.items()) {
            scores[p.name] = p.value;
        }
        out.record.parsed_json = scores.dump();
        return out;
    }

    step_outcome compare(const task_spec& task, step_context& context) const {
        step_outcome out;
        const auto found = jobs_.find(task.item_id);
        if (found == jobs_.end()) {
            out.record.state = "failed";
            return out;
        }
        const pairwise_job& job = found->second;
        const ask_result asked = context.ask(role::JUDGE, request_of(job.message, cw3_pairwise_sampling, judge_min_p_));
        if (asked.status != ask_status::ANSWER) {
            out.ended_by = asked.status;
            out.error = asked.error;
            return out;
        }
        const std::string content = cw3_answer_content(asked.answer);
        cw3_comparison_context stored = job.context;
        std::string error_text;
        std::optional<comparison_outcome> outcome;
        const auto verdict = cw3_verdict_read(content);
        if (!verdict) {
            error_text = verdict.err().message;
            stored.judge_response = {{"error", error_text}};
        } else {
            stored.judge_response = verdict_json(content);
            outcome = cw3_comparison_outcome(members_of(*verdict), job.request.direction);
            if (!outcome) {
                error_text = "Failed to process judging result: a verdict value is not a string";
            }
        }
        const elo_comparison c = outcome ? elo_comparison_judged(settings_.run.model, job.request, *outcome)
                                         : elo_comparison_failed(settings_.run.model, job.request);
        out.record.state = "done";
        out.record.answer = asked.answer;
        out.record.tries = 1;
        out.record.parsed_json = request_json(job.request).dump();
        out.record.scores_json = cw3_comparison_to_json(c, stored, error_text).dump();
        return out;
    }

    result<pairwise_job> prepare(const elo_request& r) const {
        const cw3_elo_iteration* mine = cw3_elo_iteration_find(test_model_, r.test_iteration);
        const cw3_elo_item* item = mine != nullptr ? cw3_elo_item_find(*mine, r.item_id) : nullptr;
        const std::string* theirs = cw3_pool_text(pool_, r.neighbor_model, r.neighbor_iteration, r.item_id);
        const std::string base_id = r.item_id.substr(0, r.item_id.find('_'));
        const auto prompt = by_id_.find(base_id);
        if (item == nullptr || theirs == nullptr || prompt == by_id_.end()) {
            return error{"the Elo stage asked for a piece that is not there: " + r.neighbor_model + " prompt " +
                         r.item_id};
        }
        const auto messages =
            cw3_pairwise_prompts(data_.pairwise_prompt, prompt->second->writing_prompt, item->text, *theirs);
        pairwise_job job;
        job.request = r;
        const bool reversed = r.direction == pairwise_direction::REVERSED;
        job.message = reversed ? messages.reversed : messages.forward;
        job.context.lengths = cw3_comparison_item_lengths(item->text, *theirs, reversed);
        job.context.test_item_score = item->item_score.value_or(0.0);
        job.context.neighbor_item_score = cw3_pool_item_score(pool_, r.neighbor_model, r.neighbor_iteration, r.item_id);
        return job;
    }

    // The pool the run is rated against: the results directory's elo_results.json.
    result<cw3_pool> pool_read() const {
        const auto path = settings_.run.results_dir / cw3_elo_results_file;
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            return cw3_pool{};
        }
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) {
            return error{"cannot read " + path.string()};
        }
        return cw3_pool_from_elo_results(text.str(), path.string());
    }

    std::vector<cw3_piece> pieces(store_view& view) const {
        std::map<std::pair<int, std::string>, const item_record*> written;
        std::map<std::pair<int, std::string>, const item_record*> judged;
        for (const auto& item : view.items(role::TEST)) {
            if (item.step == write_step) {
                written[{item.iteration, item.item_id}] = &item;
            }
        }
        for (const auto& item : view.items(role::JUDGE)) {
            if (item.step == rubric_step) {
                judged[{item.iteration, item.item_id}] = &item;
            }
        }
        std::vector<cw3_piece> out;
        for (const auto& t : cw3_writing_tasks(data_.prompts, settings_.run.iterations)) {
            const auto w = written.find({t.iteration, t.prompt_id});
            if (w == written.end()) {
                continue;
            }
            cw3_piece piece;
            piece.prompt_id = t.prompt_id;
            piece.iteration = t.iteration;
            if (w->second->state == "done") {
                piece.text = w->second->answer;
                const auto j = judged.find({t.iteration, t.prompt_id});
                if (j != judged.end() && j->second->state == "done") {
                    piece.scores = cw3_rubric_parse(cw3_answer_content(j->second->answer));
                }
            }
            out.push_back(std::move(piece));
        }
        return out;
    }

    const elo_rating* own_rating() const {
        if (!elo_) {
            return nullptr;
        }
        for (const auto& r : elo_->ratings) {
            if (r.model == settings_.run.model) {
                return &r;
            }
        }
        return nullptr;
    }

    std::string rubric_line() const {
        std::string line = "Rubric score: " + fixed2(rubric_.eqbench_creative_score);
        if (bootstrap_) {
            line += " (95% CI " + fixed2(bootstrap_->ci_lower * percent_scale) + " - " +
                    fixed2(bootstrap_->ci_upper * percent_scale) + ")";
        }
        return line;
    }

    static std::string elo_line(const elo_rating& r) {
        std::string line = "Elo (normalised): " + fixed2(r.elo_norm);
        if (r.ci_low_norm && r.ci_high_norm) {
            line += " (95% CI " + fixed2(*r.ci_low_norm) + " - " + fixed2(*r.ci_high_norm) + ")";
        } else if (r.ci_low && r.ci_high) {
            line += " (95% CI " + fixed2(*r.ci_low) + " - " + fixed2(*r.ci_high) + ", not normalised)";
        }
        return line;
    }

    // elo_results.json, as run_elo_analysis_creative saves it.
    result<bool> elo_results_write() const {
        const auto path = settings_.run.results_dir / cw3_elo_results_file;
        ojson existing = nullptr;
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) {
            std::ifstream in(path, std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            existing = ojson::parse(text.str(), nullptr, false);
            if (existing.is_discarded()) {
                existing = nullptr;
            }
        }
        // This run's comparisons in the reference's stored order, each request's
        // results in the order they were asked.
        std::map<std::string, int> taken;
        std::vector<ojson> fresh;
        for (const auto& c : elo_->new_comparisons) {
            const std::string id =
                request_id({c.neighbor_model, c.item_id, c.test_iteration, c.neighbor_iteration, c.direction});
            const std::string item_id = id + "#" + std::to_string(taken[id]++);
            const auto found = comparison_records_.find(item_id);
            if (found != comparison_records_.end()) {
                fresh.push_back(ojson::parse(found->second, nullptr, false));
            }
        }
        const ojson updated = cw3_elo_results_update(std::move(existing), settings_.run.model, test_model_,
                                                     elo_->start_elo, fresh, elo_->ratings, local_timestamp());
        return file_write_atomic(path, updated.dump(2));
    }

    // The runs file (creative_bench_runs.json), the reference's record of the run.
    result<bool> runs_file_write(const run_summary& summary) const {
        const reference_run& r = settings_.run;
        ojson run;
        run["test_model"] = r.model;
        run["judge_model"] = settings_.judge.model;
        run["status"] = summary.status == "completed" ? "completed" : "running";
        run["creative_prompts_file"] = cw3_prompts_file;
        ojson tasks = ojson::object();
        std::map<std::pair<int, std::string>, const cw3_piece*> by_key;
        for (const auto& p : pieces_) {
            by_key[{p.iteration, p.prompt_id}] = &p;
        }
        for (int iteration = 1; iteration <= r.iterations; ++iteration) {
            ojson per = ojson::object();
            for (const auto& t : cw3_writing_tasks(data_.prompts, r.iterations)) {
                const auto found = by_key.find({t.iteration, t.prompt_id});
                if (t.iteration != iteration || found == by_key.end()) {
                    continue;
                }
                const cw3_piece& piece = *found->second;
                ojson block;
                if (piece.text) {
                    block["model_response"] = *piece.text;
                    block["generation_failed"] = false;
                    ojson scores = ojson::object();
                    for (const auto& p : piece.scores.items()) {
                        scores[p.name] = p.value;
                    }
                    block["judge_scores"] = std::move(scores);
                } else {
                    block["generation_failed"] = true;
                    block["error_message"] = "Text too short after 3 attempts";
                    block["judge_scores"] = ojson::object();
                }
                const bool done = !piece.text || !piece.scores.empty();
                per[t.prompt_id] = {{"prompt_id", t.prompt_id},
                                    {"base_prompt", by_id_.at(t.prompt_id)->writing_prompt},
                                    {"seed_modifiers", ojson::array({t.seed_modifier})},
                                    {"iteration_index", t.iteration},
                                    {"test_model", r.model},
                                    {"judge_model", settings_.judge.model},
                                    {"status", done ? "completed" : "generated"},
                                    {"start_time", nullptr},
                                    {"end_time", nullptr},
                                    {"error", nullptr},
                                    {"results_by_modifier", {{t.seed_modifier, std::move(block)}}}};
            }
            tasks[std::to_string(iteration)] = std::move(per);
        }
        run["creative_tasks"] = std::move(tasks);
        ojson bench = {{"creative_score_0_20", rubric_.creative_score_0_20},
                       {"eqbench_creative_score", rubric_.eqbench_creative_score}};
        if (bootstrap_) {
            bench["bootstrap_analysis"] = {{"original", bootstrap_->original},
                                           {"bootstrap_mean", bootstrap_->bootstrap_mean},
                                           {"bootstrap_std", bootstrap_->bootstrap_std},
                                           {"standard_error", bootstrap_->bootstrap_std},
                                           {"ci_lower", bootstrap_->ci_lower},
                                           {"ci_upper", bootstrap_->ci_upper},
                                           {"confidence_level", bootstrap_->confidence_level},
                                           {"n_bootstrap", bootstrap_->n_bootstrap}};
        } else {
            bench["bootstrap_analysis"] = {{"error", "No completed tasks with scores"}};
        }
        if (settings_.pairwise.no_elo) {
            bench["elo_raw"] = "Skipped";
            bench["elo_normalized"] = "Skipped";
        } else if (const elo_rating* mine = own_rating()) {
            bench["elo_raw"] = mine->elo;
            bench["elo_normalized"] = mine->elo_norm;
        } else {
            bench["elo_raw"] = "Error";
            bench["elo_normalized"] = "Error";
        }
        run["results"] = {{"benchmark_results", std::move(bench)}};
        run["end_time"] = local_timestamp();
        return raw_results_merge(r.results_dir / cw3_runs_file, key_, run.dump());
    }

    ojson metadata() const {
        const reference_run& r = settings_.run;
        return {{"run_id", r.run_id},
                {"benchmark", benchmark_name},
                {"test_model", r.model},
                {"judge_model", settings_.judge.model},
                {"judge_engine", settings_.judge.engine_name},
                {"iterations", r.iterations},
                {"inference_engine", r.engine_name},
                {"elo", !settings_.pairwise.no_elo},
                {"elo_seed", settings_.pairwise.elo_seed},
                {"data", settings_.data_source},
                {"endpoints", r.endpoints},
                {"judge_endpoints", settings_.judge.endpoints}};
    }

    creative_writing_3_settings settings_;
    cw3_data data_;
    std::map<std::string, const cw3_prompt*> by_id_;
    std::string key_;
    std::string judge_key_;
    bool test_min_p_ = true;
    bool judge_min_p_ = true;
    int elo_rounds_ = 0;
    std::string pending_pool_;  // the pool's snapshot the "pool" step stores
    cw3_pool pool_;
    std::map<std::string, pairwise_job> jobs_;  // the current round's requests, by item id
    std::vector<cw3_piece> pieces_;
    cw3_elo_model test_model_;
    std::vector<cw3_scored_task> scored_;
    cw3_rubric_summary rubric_;
    std::optional<cw3_bootstrap> bootstrap_;
    std::optional<elo_run_result> elo_;
    std::map<std::string, std::string> comparison_records_;  // item id -> stored comparison
};

}  // namespace

bool creative_writing_3_sends_min_p(const std::vector<std::string>& endpoints, const std::string& model) {
    if (model == min_p_refused_model) {
        return false;
    }
    for (const auto& url : endpoints) {
        if (python_rstrip(url).rfind(openai_api_base, 0) == 0) {
            return false;
        }
    }
    return true;
}

std::string creative_writing_3_run_key(const reference_run& run) {
    std::string sanitized;
    bool in_run = false;
    for (const char c : run.model) {
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (keep) {
            sanitized.push_back(c);
            in_run = false;
        } else if (!in_run) {
            sanitized.push_back('_');
            in_run = true;
        }
    }
    return run.run_id + "__" + sanitized;
}

result<std::unique_ptr<benchmark>> creative_writing_3_create(const creative_writing_3_settings& settings,
                                                             const cw3_data& data) {
    return std::unique_ptr<benchmark>(std::make_unique<creative_writing_3_benchmark>(settings, data));
}

result<bool> creative_writing_3_export_failure(const creative_writing_3_settings& settings, const std::string& why) {
    const reference_run& r = settings.run;
    return benchmark_csv_append(
        r.results_dir / "benchmark_results.csv",
        {r.run_id, local_timestamp(), r.instruction_template, r.model, r.lora, r.quantization, "FAILED", benchmark_name,
         "FAILED", std::to_string(r.iterations), r.engine_name, r.ooba_params, r.download_filters, why});
}

}  // namespace eqb
