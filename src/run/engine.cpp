#include "run/engine.hpp"

#include <fmt/core.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "core/secret.hpp"
#include "run/workers.hpp"

namespace eqb {

const char* role_name(role r) {
    return r == role::TEST ? "test" : "judge";
}

bool benchmark::reusable(const step_spec&, const item_record& record) const {
    return record.state == "done" || record.state == "failed";
}

request_estimate benchmark::estimate() const {
    request_estimate out;
    for (const auto& task : tasks()) {
        for (const auto& step : task.steps) {
            ++(step.who == role::TEST ? out.test : out.judge).requests;
        }
    }
    out.note = "one request per step; tokens not estimated";
    return out;
}

bool benchmark::ends_task(const step_spec&, const item_record&) const {
    return false;
}

result<std::vector<task_spec>> benchmark::next_round(store_view&) {
    return std::vector<task_spec>{};
}

namespace {

constexpr std::size_t role_count = 2;
// The first answers that decide whether a thinking model has room to answer.
constexpr int early_stop_window = 20;

std::size_t index_of(role who) {
    return who == role::TEST ? 0 : 1;
}

using record_key = std::tuple<int, std::string, std::string>;  // iteration, item, step

// The store between rounds: runs by role, their records loaded on demand.
class engine_view final : public store_view {
  public:
    explicit engine_view(store& db) : db_(db) {}
    store& db() override { return db_; }
    std::int64_t run_of(role who) const override { return runs_[index_of(who)]; }
    const std::vector<item_record>& items(role who) override {
        const std::size_t i = index_of(who);
        if (!loaded_[i]) {
            items_[i].clear();
            if (runs_[i] != 0) {
                auto listed = db_.items_list(runs_[i]);
                if (!listed) {
                    error_ = listed.err();
                } else {
                    items_[i] = std::move(*listed);
                }
            }
            loaded_[i] = true;
        }
        return items_[i];
    }
    void set_run(role who, std::int64_t id) { runs_[index_of(who)] = id; }
    // Forgets what was loaded (after a round wrote more).
    void invalidate() { loaded_ = {false, false}; }
    // A read that failed since the last call, if any.
    std::optional<error> take_error() { return std::exchange(error_, std::nullopt); }

  private:
    store& db_;
    std::array<std::int64_t, role_count> runs_{0, 0};
    std::array<bool, role_count> loaded_{false, false};
    std::array<std::vector<item_record>, role_count> items_;
    std::optional<error> error_;
};

// What the workers of one round share.
struct engine_state {
    engine_state(benchmark& b, const engine_pools& p, const engine_settings& s, run_counters& c, const cancel_flag& f)
        : bench(b), pools(p), settings(s), counters(c), stop(f) {}

    benchmark& bench;
    const engine_pools& pools;
    const engine_settings& settings;
    run_counters& counters;
    const cancel_flag& stop;
    cancel_flag abort{false};
    std::unique_ptr<store_writer> writer;
    std::array<std::int64_t, role_count> run_rows{0, 0};
    // What is stored, by role; read-only while workers run.
    std::array<std::map<record_key, item_record>, role_count> stored;

    std::mutex mutex;  // guards queue, unanswered_error, refused_error
    std::deque<const task_spec*> queue;
    first_error fatal;
    std::atomic<bool> refused{false};
    std::atomic<int> unanswered{0};
    std::string unanswered_error;
    std::string refused_error;

    bool halted() const { return stop.load() || fatal.has() || refused.load(); }

    const item_record* stored_record(role who, int iteration, const std::string& item, const std::string& step) const {
        const auto& map = stored[index_of(who)];
        const auto found = map.find(record_key{iteration, item, step});
        return found == map.end() ? nullptr : &found->second;
    }

    void say(const std::string& line) const {
        if (settings.verbose) {
            settings.verbose(line);
        }
    }

    // Counts a response's thought, and says once what an endpoint made the client change.
    void count_reasoning(const chat_response& r) {
        counters.reasoning_tokens.fetch_add(r.usage.reasoning_tokens);
        if (!r.thought.empty()) {
            counters.thought_answers.fetch_add(1);
            counters.thought_chars.fetch_add(static_cast<long>(r.thought.size()));
            if (r.usage.reasoning_tokens == 0) {
                counters.thought_chars_unreported.fetch_add(static_cast<long>(r.thought.size()));
            }
        }
        if (r.status == transport_status::THOUGHT_TRUNCATED) {
            counters.truncated_in_reasoning.fetch_add(1);
        }
        for (const auto& notice : r.notices) {
            if (counters.note(notice) && settings.notice) {
                settings.notice(notice);
            }
        }
    }

    // Stops the run when most of the model's first answers ended inside its
    // thought: the rest would fail the same way (and the parse gate with them).
    void early_stop_check(const endpoint_pool& pool, const chat_request& request, bool truncated) {
        const int answered = counters.test_answers.fetch_add(1) + 1;
        if (truncated && answered <= early_stop_window) {
            counters.test_truncated_in_reasoning.fetch_add(1);
        }
        const int cut = counters.test_truncated_in_reasoning.load();
        if (answered < early_stop_window || cut * 2 <= early_stop_window || refused.exchange(true)) {
            return;
        }
        const endpoint_config& endpoint = pool.client(0).endpoint();
        const reasoning_settings r = reasoning_settings_resolved(endpoint.reasoning);
        const int budget = r.mode == reasoning_mode::ON ? r.budget : 0;
        std::lock_guard lock(mutex);
        refused_error = fmt::format(
            "{} of the first {} answers of {} ended inside the model's thought at the output limit of {} tokens "
            "(reasoning budget {}): give it room with --reasoning-budget N (e.g. --reasoning-budget 1024), or "
            "turn thinking off with --reasoning off",
            cut, early_stop_window, endpoint.model, request.max_tokens + budget, budget);
    }

    // `text` with every endpoint's key redacted (an answer may echo one).
    std::string redacted(std::string text) const {
        for (const auto* pool : {pools.test, pools.judge}) {
            for (std::size_t i = 0; pool != nullptr && i < pool->size(); ++i) {
                text = secret_redact(text, pool->client(i).endpoint().api_key);
            }
        }
        return text;
    }
};

// A short name of a failed attempt for the closing block's summary.
std::string failure_cause(const chat_response& r) {
    switch (r.status) {
        case transport_status::HTTP_ERROR:
            return r.http_status > 0 ? "HTTP " + std::to_string(r.http_status) : "server errors";
        case transport_status::RATE_LIMITED:
            return "HTTP 429";
        case transport_status::CLIENT_ERROR:
            return "HTTP " + std::to_string(r.http_status);
        case transport_status::TIMEOUT:
            return "timeouts";
        case transport_status::CONNECT_ERROR:
            return "connection errors";
        case transport_status::MALFORMED:
            return "malformed responses";
        default:
            return transport_status_name(r.status);
    }
}

std::string step_label(const task_spec& task, const step_spec& step) {
    return fmt::format("{} {} (iteration {})", step.name, task.item_id, task.iteration);
}

class engine_step_context final : public step_context {
  public:
    engine_step_context(engine_state& state, const task_spec& task, const step_spec& step,
                        const std::map<std::string, item_record>& history, const std::set<std::string>& resumed,
                        std::mt19937_64& rng)
        : st_(state), task_(task), step_(step), history_(history), resumed_(resumed), rng_(rng) {}

    ask_result ask(role who, const chat_request& request) override {
        ask_result out;
        endpoint_pool* pool = who == role::TEST ? st_.pools.test : st_.pools.judge;
        if (pool == nullptr) {
            out.status = ask_status::REFUSED;
            out.error = std::string("no endpoint for the ") + role_name(who) + " role";
            return out;
        }
        const std::int64_t run_row = st_.run_rows[index_of(who)];
        const auto record = [&](const attempt_report& report) {
            st_.counters.requests.fetch_add(1);
            if (report.attempt > 1) {
                st_.counters.transport_retries.fetch_add(1);
            }
            const chat_response& r = *report.response;
            st_.counters.input_tokens.fetch_add(r.usage.input_tokens);
            st_.counters.output_tokens.fetch_add(r.usage.output_tokens);
            if (who == role::JUDGE) {
                st_.counters.judge_requests.fetch_add(1);
                st_.counters.judge_input_tokens.fetch_add(r.usage.input_tokens);
                st_.counters.judge_output_tokens.fetch_add(r.usage.output_tokens);
            }
            if (r.status != transport_status::OK && r.status != transport_status::EMPTY_CONTENT &&
                r.status != transport_status::THOUGHT_TRUNCATED && r.status != transport_status::CANCELLED) {
                st_.counters.failure(failure_cause(r));
            }
            st_.count_reasoning(r);
            exchange_record ex;
            ex.run_row = run_row;
            ex.iteration = task_.iteration;
            ex.item_id = task_.item_id;
            ex.step = step_.name;
            ex.sequence = ++sequence_;
            ex.role = role_name(who);
            ex.endpoint = report.client->endpoint().base_url;
            ex.request_json = r.request_body;
            ex.status = transport_status_name(r.status);
            ex.http_status = r.http_status;
            ex.response_body = r.raw_body;
            ex.content = r.status == transport_status::OK ? r.content : std::string();
            ex.thought = r.thought;
            ex.reasoning_tokens = r.usage.reasoning_tokens;
            ex.latency_s = r.latency_s;
            ex.input_tokens = r.usage.input_tokens;
            ex.output_tokens = r.usage.output_tokens;
            ex.created_at = now_s();
            if (r.status != transport_status::OK && r.status != transport_status::EMPTY_CONTENT &&
                r.status != transport_status::THOUGHT_TRUNCATED) {
                st_.say(fmt::format("{}: attempt {}: {} {}", step_label(task_, step_), report.attempt,
                                    transport_status_name(r.status), r.error));
            }
            if (auto failed = st_.writer->write([&ex](store& db) { return error_of(db.exchange_add(ex)); })) {
                st_.fatal.set(*failed);
            }
        };
        const std::uint64_t in_flight = st_.counters.request_started();
        const chat_response response =
            send_with_retries(*pool, request, st_.settings.retries, st_.stop, st_.abort, rng_, record);
        st_.counters.request_ended(in_flight);
        out.http_status = response.http_status;
        out.error = response.error;
        switch (response.status) {
            case transport_status::OK:
            case transport_status::EMPTY_CONTENT:
            case transport_status::THOUGHT_TRUNCATED:
                out.status = ask_status::ANSWER;
                out.answer = response.status == transport_status::OK ? response.content : std::string();
                out.truncated_in_reasoning = response.status == transport_status::THOUGHT_TRUNCATED;
                out.error.clear();
                if (who == role::TEST) {
                    st_.early_stop_check(*pool, request, out.truncated_in_reasoning);
                }
                break;
            case transport_status::CLIENT_ERROR:
                out.status = ask_status::REFUSED;
                break;
            case transport_status::CANCELLED:
                out.status = ask_status::INTERRUPTED;
                break;
            default:
                out.status = st_.stop.load() ? ask_status::INTERRUPTED : ask_status::UNANSWERED;
                break;
        }
        if (st_.fatal.has()) {
            out.status = ask_status::INTERRUPTED;  // the store failed: nothing more is kept
        }
        return out;
    }

    const item_record* earlier(const std::string& step) const override {
        const auto found = history_.find(step);
        return found == history_.end() ? nullptr : &found->second;
    }

    bool stored_at_start(const std::string& step) const override { return resumed_.count(step) != 0; }

    void retried(const std::string& cause, const std::string& detail) override {
        st_.counters.answer_retries.fetch_add(1);
        st_.counters.failure(cause);
        st_.say(fmt::format("{}: {}", step_label(task_, step_), st_.redacted(detail)));
    }

  private:
    engine_state& st_;
    const task_spec& task_;
    const step_spec& step_;
    const std::map<std::string, item_record>& history_;
    const std::set<std::string>& resumed_;
    std::mt19937_64& rng_;
    int sequence_ = 0;
};

// Which role a step of `task` belongs to (records a step replaces are its task's).
role role_of(const task_spec& task, const std::string& step) {
    for (const auto& s : task.steps) {
        if (s.name == step) {
            return s.who;
        }
    }
    return role::TEST;
}

// True when every step of `task` is stored (or a stored step ends it).
bool task_complete(const engine_state& st, const task_spec& task) {
    for (const auto& step : task.steps) {
        const item_record* found = st.stored_record(step.who, task.iteration, task.item_id, step.name);
        if (found == nullptr || !st.bench.reusable(step, *found)) {
            return false;
        }
        if (st.bench.ends_task(step, *found)) {
            return true;
        }
    }
    return true;
}

// Runs the steps of one task that are not stored yet.
void task_process(engine_state& st, const task_spec& task, std::mt19937_64& rng) {
    std::map<std::string, item_record> history;
    std::set<std::string> resumed;  // steps found in the store
    for (const auto& step : task.steps) {
        if (const item_record* found = st.stored_record(step.who, task.iteration, task.item_id, step.name);
            found != nullptr && st.bench.reusable(step, *found)) {
            history[step.name] = *found;
            resumed.insert(step.name);
            if (st.bench.ends_task(step, *found)) {
                break;
            }
            continue;
        }
        engine_step_context context(st, task, step, history, resumed, rng);
        step_outcome outcome = st.bench.run_step(task, step, context);
        if (st.fatal.has()) {
            return;
        }
        if (outcome.ended_by) {
            std::lock_guard lock(st.mutex);
            if (*outcome.ended_by == ask_status::UNANSWERED) {
                st.unanswered.fetch_add(1);
                st.unanswered_error = outcome.error;
            } else if (*outcome.ended_by == ask_status::REFUSED) {
                st.refused = true;
                st.refused_error = outcome.error;
            }
            return;
        }
        std::vector<item_record> writes;
        outcome.record.run_row = st.run_rows[index_of(step.who)];
        outcome.record.iteration = task.iteration;
        outcome.record.item_id = task.item_id;
        outcome.record.step = step.name;
        outcome.record.updated_at = now_s();
        writes.push_back(outcome.record);
        for (auto& replaced : outcome.replaced) {
            replaced.run_row = st.run_rows[index_of(role_of(task, replaced.step))];
            replaced.iteration = task.iteration;
            replaced.item_id = task.item_id;
            replaced.updated_at = now_s();
            writes.push_back(replaced);
        }
        const auto failed = st.writer->write([&writes](store& db) -> std::optional<error> {
            for (const auto& w : writes) {
                if (auto put = db.item_put(w); !put) {
                    return put.err();
                }
            }
            return std::nullopt;
        });
        if (failed) {
            st.fatal.set(*failed);
            return;
        }
        for (const auto& w : writes) {
            history[w.step] = w;
            resumed.erase(w.step);
        }
        if (outcome.stop_task) {
            break;
        }
    }
    st.counters.done.fetch_add(1);
}

result<bool> stored_load(engine_state& st, store& db) {
    for (std::size_t i = 0; i < role_count; ++i) {
        st.stored[i].clear();
        if (st.run_rows[i] == 0) {
            continue;
        }
        auto items = db.items_list(st.run_rows[i]);
        if (!items) {
            return items.err();
        }
        for (auto& item : *items) {
            record_key key{item.iteration, item.item_id, item.step};
            st.stored[i].insert_or_assign(std::move(key), std::move(item));
        }
    }
    return true;
}

int pool_slots(const engine_pools& pools) {
    int slots = 0;
    for (const auto* pool : {pools.test, pools.judge}) {
        slots += pool != nullptr ? pool->total_slots() : 0;
    }
    return slots;
}

}  // namespace

result<engine_outcome> engine_run(benchmark& bench, const engine_pools& pools, store& db,
                                  const engine_settings& settings, run_counters& counters, const cancel_flag& stop) {
    const auto started = std::chrono::steady_clock::now();
    engine_state st(bench, pools, settings, counters, stop);
    engine_view view(db);
    const std::vector<run_binding> bindings = bench.runs();
    for (const auto& binding : bindings) {
        run_record fresh;
        fresh.key = binding.key;
        fresh.benchmark = binding.benchmark;
        fresh.metadata_json = binding.metadata_json;
        fresh.status = "running";
        fresh.started_at = now_s();
        auto run = db.run_begin(fresh);
        if (!run) {
            return run.err();
        }
        if (settings.overwrite || (settings.rejudge && binding.who == role::JUDGE)) {
            if (auto cleared = db.run_reset(run->id); !cleared) {
                return cleared.err();
            }
        }
        st.run_rows[index_of(binding.who)] = run->id;
        view.set_run(binding.who, run->id);
    }
    if (auto loaded = stored_load(st, db); !loaded) {
        return loaded.err();
    }

    engine_outcome outcome;
    std::vector<task_spec> tasks = bench.tasks();
    std::vector<std::vector<task_spec>> rounds;  // kept alive: the queue points into them
    while (true) {
        rounds.push_back(std::move(tasks));
        const auto& round = rounds.back();
        outcome.totals.tasks += static_cast<int>(round.size());
        counters.total.fetch_add(static_cast<int>(round.size()));
        for (const auto& task : round) {
            if (task_complete(st, task)) {
                counters.already_done.fetch_add(1);
                counters.done.fetch_add(1);
                ++outcome.totals.resumed;
            } else {
                st.queue.push_back(&task);
            }
        }
        if (!st.queue.empty()) {
            std::vector<endpoint_pool*> active;
            for (auto* pool : {pools.test, pools.judge}) {
                if (pool != nullptr) {
                    active.push_back(pool);
                }
            }
            const int workers = std::max(1, std::min<int>(pool_slots(pools), static_cast<int>(st.queue.size())));
            st.writer = std::make_unique<store_writer>(db);
            workers_run(
                workers, stop, st.abort, settings.grace_s, active,
                [&st](std::mt19937_64& rng) {
                    while (!st.halted()) {
                        const task_spec* task = nullptr;
                        {
                            std::lock_guard lock(st.mutex);
                            if (st.queue.empty()) {
                                return;
                            }
                            task = st.queue.front();
                            st.queue.pop_front();
                        }
                        task_process(st, *task, rng);
                    }
                },
                settings.tick);
            st.writer.reset();  // every write is committed; the store is ours again
            st.queue.clear();
        }
        if (auto fatal = st.fatal.get()) {
            return *fatal;
        }
        if (auto loaded = stored_load(st, db); !loaded) {
            return loaded.err();
        }
        view.invalidate();
        if (stop.load() || st.refused.load() || st.unanswered.load() > 0) {
            break;
        }
        auto next = bench.next_round(view);
        if (auto failed = view.take_error()) {
            return *failed;
        }
        if (!next) {
            return next.err();
        }
        if (next->empty()) {
            break;
        }
        tasks = std::move(*next);
    }

    outcome.totals.done = counters.done.load();
    outcome.totals.unanswered = st.unanswered.load();
    outcome.totals.unanswered_error = st.unanswered_error;
    outcome.totals.refused_error = st.refused_error;
    outcome.totals.interrupted = stop.load() && outcome.totals.done < outcome.totals.tasks;
    outcome.permanent = st.refused.load();
    for (const auto& binding : bindings) {
        auto usage = db.usage_for_run(st.run_rows[index_of(binding.who)]);
        if (!usage) {
            return usage.err();
        }
        (binding.who == role::TEST ? outcome.usage.test : outcome.usage.judge) = *usage;
    }
    outcome.usage.sent = counters.requests.load();
    outcome.totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    outcome.totals.notes = counters.notes();
    auto summary = bench.summarize(view, outcome.totals, outcome.usage);
    if (auto failed = view.take_error()) {
        return *failed;
    }
    if (!summary) {
        return summary.err();
    }
    outcome.summary = std::move(*summary);
    if (outcome.permanent) {
        outcome.summary.status = "failed";
        outcome.summary.error = outcome.totals.refused_error;
    }
    for (const auto& binding : bindings) {
        if (auto fin = db.run_finish(st.run_rows[index_of(binding.who)], outcome.summary.status,
                                     outcome.summary.results_json, outcome.summary.error);
            !fin) {
            return fin.err();
        }
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

result<bool> engine_write_exports(benchmark& bench, store& db, run_summary& summary) {
    engine_view view(db);
    for (const auto& binding : bench.runs()) {
        auto run = db.run_find(binding.key);
        if (!run) {
            return run.err();
        }
        if (*run) {
            view.set_run(binding.who, (*run)->id);
        }
    }
    auto written = bench.write_exports(view, summary);
    if (auto failed = view.take_error()) {
        return *failed;
    }
    return written;
}

}  // namespace eqb
