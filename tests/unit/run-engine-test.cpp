// The engine in process, against a scripted chat_client (no server, no
// binary): steps in order with the answers of earlier steps at hand, resume
// after a stop at every step, the transport-end rules, rounds built from the
// store, --rejudge resetting only the judge's run, and Ctrl-C.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "run/answer-loop.hpp"
#include "run/engine.hpp"
#include "tests/support/process.hpp"

namespace {

using eqb::ask_status;
using eqb::chat_request;
using eqb::chat_response;
using eqb::role;
using eqb::transport_status;

// A chat_client whose answers come from a function of the request; counts what it was sent.
class scripted_client final : public eqb::chat_client {
  public:
    using script = std::function<chat_response(const chat_request&)>;
    explicit scripted_client(script s) : script_(std::move(s)) { config_.base_url = "http://scripted"; }
    chat_response send(const chat_request& request, const eqb::cancel_flag& cancel) const override {
        if (cancel.load()) {
            chat_response r;
            r.status = transport_status::CANCELLED;
            return r;
        }
        {
            std::lock_guard lock(mutex_);
            sent_.push_back(request.messages.back().content);
        }
        chat_response r = script_(request);
        r.request_body = "{\"last\":\"" + request.messages.back().content + "\"}";
        return r;
    }
    const eqb::endpoint_config& endpoint() const override { return config_; }
    std::vector<std::string> sent() const {
        std::lock_guard lock(mutex_);
        return sent_;
    }

  private:
    script script_;
    eqb::endpoint_config config_;
    mutable std::mutex mutex_;
    mutable std::vector<std::string> sent_;
};

chat_response answer(const std::string& text) {
    chat_response r;
    r.content = text;
    r.raw_body = "{}";
    r.http_status = 200;
    return r;
}

chat_response failure(transport_status status, int http) {
    chat_response r;
    r.status = status;
    r.http_status = http;
    r.error = std::string("scripted ") + eqb::transport_status_name(status);
    return r;
}

// The model echoes "A(<last message>)"; the judge scores "J(<last message>)".
struct pools {
    explicit pools(scripted_client::script test_script = {}, scripted_client::script judge_script = {}) {
        auto t = std::make_unique<scripted_client>(test_script ? test_script : [](const chat_request& r) {
            return answer("A(" + r.messages.back().content + ")");
        });
        auto j = std::make_unique<scripted_client>(judge_script ? judge_script : [](const chat_request& r) {
            return answer("J(" + r.messages.back().content + ")");
        });
        test_client = t.get();
        judge_client = j.get();
        std::vector<std::unique_ptr<eqb::chat_client>> tc;
        tc.push_back(std::move(t));
        std::vector<std::unique_ptr<eqb::chat_client>> jc;
        jc.push_back(std::move(j));
        test = std::make_unique<eqb::endpoint_pool>(std::move(tc), 4);
        judge = std::make_unique<eqb::endpoint_pool>(std::move(jc), 4);
    }
    eqb::engine_pools get() const { return {test.get(), judge.get()}; }
    scripted_client* test_client = nullptr;
    scripted_client* judge_client = nullptr;
    std::unique_ptr<eqb::endpoint_pool> test;
    std::unique_ptr<eqb::endpoint_pool> judge;
};

// A toy benchmark: each item has two test turns (the second sees the first
// answer) and a judge step that sees both; a second round compares every
// pair of items from what the first stored.
class toy_benchmark final : public eqb::benchmark {
  public:
    explicit toy_benchmark(int items, bool with_round = false) : items_(items), with_round_(with_round) {}

    std::vector<eqb::run_binding> runs() const override {
        return {{role::TEST, "toy", "toy", "{}"}, {role::JUDGE, "toy--judge", "toy-judge", "{}"}};
    }
    std::vector<eqb::task_spec> tasks() const override {
        std::vector<eqb::task_spec> out;
        for (int i = 1; i <= items_; ++i) {
            out.push_back({1,
                           "item" + std::to_string(i),
                           {{"turn1", role::TEST}, {"turn2", role::TEST}, {"judge", role::JUDGE}}});
        }
        return out;
    }
    eqb::step_outcome run_step(const eqb::task_spec& task, const eqb::step_spec& step,
                               eqb::step_context& context) const override {
        eqb::step_outcome out;
        std::string message;
        if (step.name == "turn1") {
            message = task.item_id;
        } else if (step.name == "turn2") {
            message = "after " + context.earlier("turn1")->answer;
        } else if (step.name == "judge") {
            message = context.earlier("turn1")->answer + " + " + context.earlier("turn2")->answer;
        } else {
            message = "compare " + task.item_id;  // a round's step
        }
        chat_request request;
        request.messages.push_back({"user", message});
        const auto asked = context.ask(step.who, request);
        if (asked.status != ask_status::ANSWER) {
            out.ended_by = asked.status;
            out.error = asked.error;
            return out;
        }
        out.record.state = "done";
        out.record.answer = asked.answer;
        return out;
    }
    eqb::result<std::vector<eqb::task_spec>> next_round(eqb::store_view& view) override {
        if (!with_round_ || round_made_) {
            return std::vector<eqb::task_spec>{};
        }
        round_made_ = true;
        std::vector<std::string> judged;
        for (const auto& item : view.items(role::JUDGE)) {
            if (item.step == "judge") {
                judged.push_back(item.item_id);
            }
        }
        std::sort(judged.begin(), judged.end());  // stored in completion order
        std::vector<eqb::task_spec> out;
        for (std::size_t a = 0; a < judged.size(); ++a) {
            for (std::size_t b = a + 1; b < judged.size(); ++b) {
                out.push_back({1, judged[a] + "|" + judged[b], {{"pair", role::JUDGE}}});
            }
        }
        return out;
    }
    eqb::result<eqb::run_summary> summarize(eqb::store_view& view, const eqb::run_totals& totals,
                                            const eqb::run_usage&) override {
        eqb::run_summary s;
        s.status = totals.interrupted ? "interrupted" : totals.unanswered > 0 ? "failed" : "completed";
        last_test_items = view.items(role::TEST).size();
        last_judge_items = view.items(role::JUDGE).size();
        return s;
    }
    eqb::result<bool> write_exports(eqb::store_view&, eqb::run_summary&) override { return true; }

    std::size_t last_test_items = 0;
    std::size_t last_judge_items = 0;

  private:
    int items_;
    bool with_round_;
    bool round_made_ = false;
};

struct engine_fixture : ::testing::Test {
    eqb::test::temp_dir dir;
    std::unique_ptr<eqb::store> db;
    void SetUp() override {
        auto opened = eqb::store::open(dir.path());
        ASSERT_TRUE(opened) << opened.err().message;
        db = std::move(*opened);
    }
    eqb::result<eqb::engine_outcome> run(eqb::benchmark& bench, const pools& p, eqb::engine_settings settings = {},
                                         const eqb::cancel_flag* stop = nullptr) {
        settings.retries.max_attempts = 2;
        settings.retries.base_delay_s = 0.001;
        settings.retries.max_delay_s = 0.002;
        eqb::run_counters counters;
        static const eqb::cancel_flag never{false};
        return eqb::engine_run(bench, p.get(), *db, settings, counters, stop != nullptr ? *stop : never);
    }
    std::vector<eqb::item_record> items(const std::string& key) {
        auto run = db->run_find(key);
        EXPECT_TRUE(run && *run);
        return *db->items_list((*run)->id);
    }
};

TEST_F(engine_fixture, a_task_runs_its_steps_in_order_with_the_history) {
    toy_benchmark bench(2);
    pools p;
    auto out = run(bench, p);
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_EQ(out->summary.status, "completed");
    EXPECT_EQ(out->totals.tasks, 2);
    EXPECT_EQ(out->totals.done, 2);
    std::map<std::string, std::string> stored;
    for (const auto& item : items("toy")) {
        stored[item.item_id + "/" + item.step] = item.answer;
    }
    EXPECT_EQ(stored["item1/turn1"], "A(item1)");
    EXPECT_EQ(stored["item1/turn2"], "A(after A(item1))");
    const auto judged = items("toy--judge");
    ASSERT_EQ(judged.size(), 2U);
    for (const auto& j : judged) {
        EXPECT_EQ(j.step, "judge");
        EXPECT_EQ(j.answer, "J(A(" + j.item_id + ") + A(after A(" + j.item_id + ")))");
    }
    // Every attempt is stored with the body the client sent, under its step and role.
    auto run_row = (*db->run_find("toy--judge"))->id;
    const auto exchanges = *db->exchanges_list(run_row);
    ASSERT_EQ(exchanges.size(), 2U);
    EXPECT_EQ(exchanges[0].role, "judge");
    EXPECT_EQ(exchanges[0].step, "judge");
    EXPECT_NE(exchanges[0].request_json.find("A(after A("), std::string::npos);
    EXPECT_EQ(out->usage.sent, 6);
}

// A stop after any number of requests: the next run asks exactly the rest.
TEST_F(engine_fixture, resume_after_a_stop_at_every_step_asks_nothing_twice) {
    for (int stop_after = 1; stop_after <= 6; ++stop_after) {
        SCOPED_TRACE("stop after " + std::to_string(stop_after));
        eqb::test::temp_dir fresh;
        auto opened = eqb::store::open(fresh.path());
        ASSERT_TRUE(opened);
        db = std::move(*opened);
        eqb::cancel_flag stop{false};
        std::atomic<int> answered{0};
        const auto counting = [&](const std::string& prefix) {
            return [&, prefix](const chat_request& r) {
                if (answered.fetch_add(1) + 1 >= stop_after) {
                    stop = true;
                }
                return answer(prefix + "(" + r.messages.back().content + ")");
            };
        };
        toy_benchmark first(2);
        pools p1(counting("A"), counting("J"));
        auto out1 = run(first, p1, {}, &stop);
        ASSERT_TRUE(out1) << out1.err().message;
        const auto sent_first = p1.test_client->sent().size() + p1.judge_client->sent().size();
        toy_benchmark second(2);
        pools p2;
        auto out2 = run(second, p2);
        ASSERT_TRUE(out2) << out2.err().message;
        EXPECT_EQ(out2->summary.status, "completed");
        const auto sent_second = p2.test_client->sent().size() + p2.judge_client->sent().size();
        // 2 items x 3 steps, each asked once over both runs.
        EXPECT_EQ(sent_first + sent_second, 6U);
        std::set<std::string> all;
        for (const auto* c : {p1.test_client, p1.judge_client, p2.test_client, p2.judge_client}) {
            for (const auto& s : c->sent()) {
                EXPECT_TRUE(all.insert(s).second) << "asked twice: " << s;
            }
        }
        EXPECT_EQ(second.last_test_items, 4U);
        EXPECT_EQ(second.last_judge_items, 2U);
    }
}

TEST_F(engine_fixture, a_refused_request_stops_the_run_and_is_permanent) {
    toy_benchmark bench(3);
    pools p([](const chat_request&) { return failure(transport_status::CLIENT_ERROR, 401); });
    auto out = run(bench, p);
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_TRUE(out->permanent);
    EXPECT_EQ(out->summary.status, "failed");
    EXPECT_NE(out->summary.error.find("scripted CLIENT_ERROR"), std::string::npos) << out->summary.error;
    // Refused: never retried by the transport; at most one request per worker.
    EXPECT_LE(p.test_client->sent().size(), 3U);
}

TEST_F(engine_fixture, an_unanswered_step_ends_its_task_and_fails_the_run_while_others_finish) {
    toy_benchmark bench(2);
    pools p([](const chat_request& r) {
        return r.messages.back().content == "item2" ? failure(transport_status::HTTP_ERROR, 500)
                                                    : answer("A(" + r.messages.back().content + ")");
    });
    auto out = run(bench, p);
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_FALSE(out->permanent);
    EXPECT_EQ(out->totals.unanswered, 1);
    EXPECT_EQ(out->summary.status, "failed");
    // item2's first step was retried by the transport (2 attempts), never stored; item1 finished.
    const auto sent = p.test_client->sent();
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "item2"), 2);
    EXPECT_EQ(items("toy").size(), 2U);
    EXPECT_EQ(items("toy--judge").size(), 1U);
    auto row = (*db->run_find("toy"))->id;
    int failed_exchanges = 0;
    const auto exchanges = db->exchanges_list(row);  // kept alive: the loop reads into it
    ASSERT_TRUE(exchanges);
    for (const auto& ex : *exchanges) {
        failed_exchanges += ex.status == "HTTP_ERROR" ? 1 : 0;
    }
    EXPECT_EQ(failed_exchanges, 2);
}

TEST_F(engine_fixture, an_empty_answer_is_an_answer_for_the_benchmark) {
    toy_benchmark bench(1);
    pools p([](const chat_request&) {
        chat_response r = failure(transport_status::EMPTY_CONTENT, 200);
        return r;
    });
    auto out = run(bench, p);
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_EQ(out->summary.status, "completed");
    EXPECT_EQ(p.test_client->sent().size(), 2U);  // one per turn: not retried as a transport failure
    EXPECT_EQ(items("toy")[0].answer, "");
}

TEST_F(engine_fixture, a_round_is_built_from_what_the_first_stored_and_resumes_too) {
    toy_benchmark bench(3, true);
    pools p;
    auto out = run(bench, p);
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_EQ(out->totals.tasks, 3 + 3);
    std::set<std::string> pairs;
    for (const auto& item : items("toy--judge")) {
        if (item.step == "pair") {
            pairs.insert(item.item_id);
            EXPECT_EQ(item.answer, "J(compare " + item.item_id + ")");
        }
    }
    EXPECT_EQ(pairs, (std::set<std::string>{"item1|item2", "item1|item3", "item2|item3"}));
    toy_benchmark again(3, true);
    pools p2;
    auto out2 = run(again, p2);
    ASSERT_TRUE(out2);
    EXPECT_EQ(out2->totals.resumed, 6);
    EXPECT_TRUE(p2.test_client->sent().empty());
    EXPECT_TRUE(p2.judge_client->sent().empty());
}

TEST_F(engine_fixture, rejudge_asks_every_judge_step_again_and_no_test_step) {
    toy_benchmark bench(2);
    pools p;
    ASSERT_TRUE(run(bench, p));
    toy_benchmark again(2);
    pools p2(nullptr, [](const chat_request& r) { return answer("K(" + r.messages.back().content + ")"); });
    eqb::engine_settings settings;
    settings.rejudge = true;
    auto out = run(again, p2, settings);
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_TRUE(p2.test_client->sent().empty());
    EXPECT_EQ(p2.judge_client->sent().size(), 2U);
    for (const auto& j : items("toy--judge")) {
        EXPECT_EQ(j.answer.rfind("K(", 0), 0U) << j.answer;
    }
    EXPECT_EQ(items("toy").size(), 4U);
}

TEST_F(engine_fixture, ctrl_c_stops_in_flight_work_within_the_grace_period_and_keeps_what_was_answered) {
    std::atomic<int> answered{0};
    eqb::cancel_flag stop{false};
    toy_benchmark bench(40);
    pools p([&](const chat_request& r) {
        if (answered.fetch_add(1) == 5) {
            stop = true;  // Ctrl-C arrives
        }
        return answer("A(" + r.messages.back().content + ")");
    });
    eqb::engine_settings settings;
    settings.grace_s = 0.1;
    const auto t0 = std::chrono::steady_clock::now();
    auto out = run(bench, p, settings, &stop);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(out) << out.err().message;
    EXPECT_TRUE(out->totals.interrupted);
    EXPECT_EQ(out->summary.status, "interrupted");
    EXPECT_LT(out->totals.done, 40);
    // Everything answered is stored.
    EXPECT_EQ(items("toy").size(), p.test_client->sent().size());
    EXPECT_LT(took, 30.0);
    auto run_row = (*db->run_find("toy"))->id;
    EXPECT_EQ((*db->run_find("toy"))->status, "interrupted");
    EXPECT_EQ(db->exchanges_list(run_row)->size(), p.test_client->sent().size());
}

TEST_F(engine_fixture, the_answer_loop_warms_up_feeds_back_the_reason_and_keeps_the_first_kept) {
    struct loop_benchmark final : eqb::benchmark {
        std::vector<eqb::run_binding> runs() const override { return {{role::TEST, "loop", "loop", "{}"}}; }
        std::vector<eqb::task_spec> tasks() const override { return {{1, "q", {{"answer", role::TEST}}}}; }
        eqb::step_outcome run_step(const eqb::task_spec&, const eqb::step_spec&,
                                   eqb::step_context& context) const override {
            eqb::answer_policy policy;
            policy.tries = 3;
            policy.temperature = 0.01;
            policy.temperature_step = 0.15;
            const auto loop = eqb::answer_loop(
                context, role::TEST, policy,
                [](const eqb::answer_try& t) {
                    chat_request r;
                    r.temperature = t.temperature;
                    r.messages.push_back({"user", "try " + std::to_string(t.index) + " after [" + t.rejection + "]"});
                    return r;
                },
                [](const std::string& text) {
                    eqb::answer_verdict v;
                    v.text = text;
                    v.keep = text == "partial";
                    v.rejection = "not " + text;
                    return v;
                });
            eqb::step_outcome out;
            out.record.state = loop.kept ? "done" : "failed";
            out.record.answer = loop.text;
            out.record.tries = loop.tries;
            return out;
        }
        eqb::result<eqb::run_summary> summarize(eqb::store_view&, const eqb::run_totals&,
                                                const eqb::run_usage&) override {
            return eqb::run_summary{};
        }
        eqb::result<bool> write_exports(eqb::store_view&, eqb::run_summary&) override { return true; }
    } bench;
    std::vector<double> temperatures;
    std::mutex m;
    pools p([&](const chat_request& r) {
        std::lock_guard lock(m);
        temperatures.push_back(r.temperature);
        return answer(temperatures.size() == 2 ? "partial" : "junk");
    });
    ASSERT_TRUE(run(bench, p));
    ASSERT_EQ(temperatures.size(), 3U);
    EXPECT_DOUBLE_EQ(temperatures[0], 0.01);
    EXPECT_DOUBLE_EQ(temperatures[1], 0.16);
    EXPECT_DOUBLE_EQ(temperatures[2], 0.31);
    const auto sent = p.test_client->sent();
    EXPECT_EQ(sent[0], "try 0 after []");
    EXPECT_EQ(sent[1], "try 1 after [not junk]");
    EXPECT_EQ(sent[2], "try 2 after [not partial]");
    const auto stored = items("loop");
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].answer, "partial");
    EXPECT_EQ(stored[0].state, "done");
    EXPECT_EQ(stored[0].tries, 3);
}

}  // namespace
