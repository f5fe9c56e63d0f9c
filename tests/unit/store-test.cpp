#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards (permissions restored first).
class store_test : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("eqb-store-test-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        for (const auto& entry : fs::recursive_directory_iterator(dir_, ec)) {
            if (entry.is_directory(ec)) {
                fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, ec);
            }
        }
        fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(dir_, ec);
    }

    std::unique_ptr<eqb::store> open_store() {
        auto opened = eqb::store::open(dir_);
        if (!opened) {
            ADD_FAILURE() << opened.err().message;
            return nullptr;
        }
        return std::move(*opened);
    }

    eqb::run_record begin_run(eqb::store& db, const std::string& key) {
        eqb::run_record fresh;
        fresh.key = key;
        fresh.benchmark = "eq-bench";
        fresh.metadata_json = R"({"model":"m","iterations":2})";
        fresh.started_at = 1700000000.5;
        auto run = db.run_begin(fresh);
        if (!run) {
            ADD_FAILURE() << run.err().message;
            return {};
        }
        return *run;
    }

    fs::path dir_;
};

eqb::exchange_record make_exchange(std::int64_t run_id, const std::string& item_id, long input, long output) {
    eqb::exchange_record ex;
    ex.run_row = run_id;
    ex.item_id = item_id;
    ex.role = "test";
    ex.endpoint = "http://127.0.0.1:8080/v1";
    ex.request_json = R"({"messages":[]})";
    ex.status = "OK";
    ex.http_status = 200;
    ex.content = "answer";
    ex.input_tokens = input;
    ex.output_tokens = output;
    return ex;
}

eqb::item_record make_item(std::int64_t run_id, int iteration, const std::string& item_id, const std::string& answer) {
    eqb::item_record item;
    item.run_row = run_id;
    item.iteration = iteration;
    item.item_id = item_id;
    item.state = "done";
    item.answer = answer;
    item.tries = 1;
    return item;
}

std::vector<std::string> item_keys(const std::vector<eqb::item_record>& items) {
    std::vector<std::string> keys;
    for (const auto& item : items) {
        keys.push_back(std::to_string(item.iteration) + ":" + item.item_id);
    }
    return keys;
}

// One SQL query's first column of every row, through a separate raw connection.
std::vector<std::string> query_column(const fs::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    std::vector<std::string> rows;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << file;
        sqlite3_close(db);
        return rows;
    }
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    } else {
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(stmt, 0);
            rows.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
        }
        EXPECT_EQ(rc, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
}

TEST_F(store_test, open_creates_directory_and_schema) {
    const fs::path nested = dir_ / "results" / "deeper";
    auto db = eqb::store::open(nested);
    ASSERT_TRUE(db) << db.err().message;
    const fs::path file = nested / "eqbench.db";
    ASSERT_TRUE(fs::exists(file));
    EXPECT_EQ(query_column(file, "PRAGMA user_version"), std::vector<std::string>{"3"});
    EXPECT_EQ(query_column(file, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
    EXPECT_EQ(query_column(file, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
              (std::vector<std::string>{"exchanges", "items", "runs"}));
    EXPECT_EQ(query_column(file,
                           "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           "ORDER BY name"),
              (std::vector<std::string>{"exchanges_by_item", "exchanges_by_run", "items_by_seq"}));
    auto runs = (*db)->runs_list();
    ASSERT_TRUE(runs) << runs.err().message;
    EXPECT_TRUE(runs->empty());
}

TEST_F(store_test, reopen_keeps_data_and_does_not_migrate_again) {
    std::int64_t run_id = 0;
    {
        auto db = open_store();
        ASSERT_NE(db, nullptr);
        run_id = begin_run(*db, "run-1").id;
        ASSERT_TRUE(db->exchange_add(make_exchange(run_id, "q1", 1, 2)));
    }
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    auto found = db->run_find("run-1");
    ASSERT_TRUE(found) << found.err().message;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, run_id);
    auto exchanges = db->exchanges_list(run_id);
    ASSERT_TRUE(exchanges) << exchanges.err().message;
    EXPECT_EQ(exchanges->size(), 1U);
    EXPECT_EQ(query_column(dir_ / "eqbench.db", "PRAGMA user_version"), std::vector<std::string>{"3"});
}

TEST_F(store_test, newer_schema_is_refused) {
    ASSERT_NE(open_store(), nullptr);
    query_column(dir_ / "eqbench.db", "PRAGMA user_version = 99");
    auto db = eqb::store::open(dir_);
    ASSERT_FALSE(db);
    EXPECT_NE(db.err().message.find((dir_ / "eqbench.db").string()), std::string::npos) << db.err().message;
    EXPECT_NE(db.err().message.find("schema version 99"), std::string::npos) << db.err().message;
}

TEST_F(store_test, run_begin_is_idempotent_by_key) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto first = begin_run(*db, "key-a");
    EXPECT_GT(first.id, 0);
    EXPECT_EQ(first.status, "running");
    EXPECT_EQ(first.started_at, 1700000000.5);
    ASSERT_TRUE(db->run_finish(first.id, "interrupted", "", "stopped by user"));

    eqb::run_record again;
    again.key = "key-a";
    again.benchmark = "eq-bench";
    again.metadata_json = R"({"model":"other"})";
    auto second = db->run_begin(again);
    ASSERT_TRUE(second) << second.err().message;
    EXPECT_EQ(second->id, first.id);
    EXPECT_EQ(second->status, "running");
    EXPECT_EQ(second->error, "");
    EXPECT_EQ(second->finished_at, 0.0);
    EXPECT_EQ(second->metadata_json, first.metadata_json);  // the run keeps its settings
    EXPECT_EQ(second->started_at, first.started_at);

    const auto other = begin_run(*db, "key-b");
    EXPECT_NE(other.id, first.id);
    auto runs = db->runs_list();
    ASSERT_TRUE(runs) << runs.err().message;
    ASSERT_EQ(runs->size(), 2U);
    EXPECT_EQ((*runs)[0].key, "key-a");
    EXPECT_EQ((*runs)[1].key, "key-b");

    auto found = db->run_find("key-a");
    ASSERT_TRUE(found) << found.err().message;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->status, "running");
    auto missing = db->run_find("no-such-key");
    ASSERT_TRUE(missing) << missing.err().message;
    EXPECT_FALSE(missing->has_value());
}

TEST_F(store_test, run_begin_refuses_a_key_of_another_benchmark) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    begin_run(*db, "shared-key");
    eqb::run_record fresh;
    fresh.key = "shared-key";
    fresh.benchmark = "judgemark";
    auto run = db->run_begin(fresh);
    ASSERT_FALSE(run);
    EXPECT_NE(run.err().message.find("run_begin"), std::string::npos) << run.err().message;
    EXPECT_NE(run.err().message.find("eq-bench"), std::string::npos) << run.err().message;
}

TEST_F(store_test, run_begin_refuses_metadata_that_is_not_an_object) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    for (const std::string metadata : {"[1,2]", "not json", "\"text\""}) {
        eqb::run_record fresh;
        fresh.key = "k";
        fresh.benchmark = "eq-bench";
        fresh.metadata_json = metadata;
        auto run = db->run_begin(fresh);
        EXPECT_FALSE(run) << metadata;
    }
    eqb::run_record empty_metadata;
    empty_metadata.key = "k";
    empty_metadata.benchmark = "eq-bench";
    auto run = db->run_begin(empty_metadata);
    ASSERT_TRUE(run) << run.err().message;
    EXPECT_EQ(run->metadata_json, "{}");
}

TEST_F(store_test, run_begin_rejects_api_keys_in_metadata) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    struct key_case {
        std::string metadata;
        std::string secret;  // must not be echoed in the error; empty when accepted
    };
    const std::vector<key_case> rejected = {
        {R"({"api_key":"abc123"})", "abc123"},
        {R"({"endpoints":[{"url":"http://x","api_key":"secret-value"}]})", "secret-value"},
        // Key-shaped test strings are split into adjacent literals, so that no
        // key-looking text sits in the repository.
        {R"({"note":"sk-)"
         "abcdefghijklmnopqrstuvwxyz0123"
         R"("})",
         "sk-"
         "abcdefghijklmnopqrstuvwxyz0123"},
        {R"({"headers":"Bearer sk-ant-)"
         "api03-AbCdEfGhIjKlMnOpQrStUv_wx-yz"
         R"("})",
         "sk-ant-"
         "api03-AbCdEfGhIjKlMnOpQrStUv_wx-yz"},
        {R"({"k":"sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz"})", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz"},
    };
    for (const auto& c : rejected) {
        eqb::run_record fresh;
        fresh.key = "run-with-key";
        fresh.benchmark = "eq-bench";
        fresh.metadata_json = c.metadata;
        auto run = db->run_begin(fresh);
        ASSERT_FALSE(run) << c.metadata;
        EXPECT_NE(run.err().message.find("API key"), std::string::npos) << run.err().message;
        EXPECT_EQ(run.err().message.find(c.secret), std::string::npos) << run.err().message;
    }
    auto found = db->run_find("run-with-key");
    ASSERT_TRUE(found) << found.err().message;
    EXPECT_FALSE(found->has_value());

    const std::vector<std::string> accepted = {
        R"({"api_key":""})",
        R"({"api_key":null,"model":"task-specific-finetune-abcdefghijklmnopqrstuvwxyz"})",
        R"({"model":"desk-)"
        "0123456789abcdefghijklmnopqrstuvwxyz"
        R"("})",
        R"({"note":"sk-short"})",
        R"({"api_key_env":"OPENAI_API_KEY"})",
    };
    int n = 0;
    for (const auto& metadata : accepted) {
        eqb::run_record fresh;
        fresh.key = "accepted-" + std::to_string(n++);
        fresh.benchmark = "eq-bench";
        fresh.metadata_json = metadata;
        auto run = db->run_begin(fresh);
        EXPECT_TRUE(run) << metadata << ": " << run.err().message;
    }
}

TEST_F(store_test, exchange_round_trips_every_field) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-x");
    eqb::exchange_record ex;
    ex.run_row = run.id;
    ex.iteration = 3;
    ex.item_id = "q-17";
    ex.sequence = 4;
    ex.role = "judge";
    ex.endpoint = "https://api.example.com/v1";
    ex.request_json = R"({"model":"m","messages":[{"role":"user","content":"Ünïcode ✓"}]})";
    ex.status = "HTTP_ERROR";
    ex.http_status = 429;
    ex.response_body = std::string("raw\0body with nul", 17);
    ex.content = "Emotion1: 5\nÉmotion2: 7";
    ex.latency_s = 12.25;
    ex.input_tokens = 1234567890123L;
    ex.output_tokens = 42;
    ex.created_at = 1700000123.75;
    auto id = db->exchange_add(ex);
    ASSERT_TRUE(id) << id.err().message;
    EXPECT_GT(*id, 0);
    auto second = db->exchange_add(make_exchange(run.id, "q-18", 1, 1));
    ASSERT_TRUE(second) << second.err().message;
    EXPECT_GT(*second, *id);

    auto listed = db->exchanges_list(run.id);
    ASSERT_TRUE(listed) << listed.err().message;
    ASSERT_EQ(listed->size(), 2U);
    const auto& got = (*listed)[0];
    EXPECT_EQ(got.run_row, ex.run_row);
    EXPECT_EQ(got.iteration, ex.iteration);
    EXPECT_EQ(got.item_id, ex.item_id);
    EXPECT_EQ(got.sequence, ex.sequence);
    EXPECT_EQ(got.role, ex.role);
    EXPECT_EQ(got.endpoint, ex.endpoint);
    EXPECT_EQ(got.request_json, ex.request_json);
    EXPECT_EQ(got.status, ex.status);
    EXPECT_EQ(got.http_status, ex.http_status);
    EXPECT_EQ(got.response_body, ex.response_body);
    EXPECT_EQ(got.content, ex.content);
    EXPECT_EQ(got.latency_s, ex.latency_s);
    EXPECT_EQ(got.input_tokens, ex.input_tokens);
    EXPECT_EQ(got.output_tokens, ex.output_tokens);
    EXPECT_EQ(got.created_at, ex.created_at);
    EXPECT_EQ((*listed)[1].item_id, "q-18");
    EXPECT_GT((*listed)[1].created_at, 0.0);  // 0 means now
}

TEST_F(store_test, item_round_trips_every_field) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-i");
    eqb::item_record item;
    item.run_row = run.id;
    item.iteration = 2;
    item.item_id = "7";
    item.state = "failed";
    item.answer = "First pass:\nAngry: 3\n";
    item.tries = 5;
    item.parsed_json = R"({"Angry":3})";
    item.scores_json = R"({"first_pass":7.5})";
    item.updated_at = 1700000999.125;
    ASSERT_TRUE(db->item_put(item));
    auto listed = db->items_list(run.id);
    ASSERT_TRUE(listed) << listed.err().message;
    ASSERT_EQ(listed->size(), 1U);
    const auto& got = (*listed)[0];
    EXPECT_EQ(got.run_row, item.run_row);
    EXPECT_EQ(got.iteration, item.iteration);
    EXPECT_EQ(got.item_id, item.item_id);
    EXPECT_EQ(got.state, item.state);
    EXPECT_EQ(got.answer, item.answer);
    EXPECT_EQ(got.tries, item.tries);
    EXPECT_EQ(got.parsed_json, item.parsed_json);
    EXPECT_EQ(got.scores_json, item.scores_json);
    EXPECT_EQ(got.updated_at, item.updated_at);
}

TEST_F(store_test, items_list_orders_by_iteration_then_insertion_and_replace_keeps_place) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-order");
    const auto other = begin_run(*db, "run-other");
    for (const auto& [iteration, id] :
         std::vector<std::pair<int, std::string>>{{2, "b"}, {1, "z"}, {1, "a"}, {2, "a"}, {1, "m"}}) {
        ASSERT_TRUE(db->item_put(make_item(run.id, iteration, id, "first")));
    }
    ASSERT_TRUE(db->item_put(make_item(other.id, 1, "other", "x")));
    auto replacement = make_item(run.id, 1, "z", "second");
    replacement.state = "failed";
    replacement.tries = 3;
    ASSERT_TRUE(db->item_put(replacement));

    auto listed = db->items_list(run.id);
    ASSERT_TRUE(listed) << listed.err().message;
    EXPECT_EQ(item_keys(*listed), (std::vector<std::string>{"1:z", "1:a", "1:m", "2:b", "2:a"}));
    ASSERT_EQ(listed->size(), 5U);
    EXPECT_EQ((*listed)[0].answer, "second");
    EXPECT_EQ((*listed)[0].state, "failed");
    EXPECT_EQ((*listed)[0].tries, 3);
    EXPECT_EQ((*listed)[1].answer, "first");

    auto others = db->items_list(other.id);
    ASSERT_TRUE(others) << others.err().message;
    EXPECT_EQ(item_keys(*others), std::vector<std::string>{"1:other"});
}

TEST_F(store_test, writes_for_an_unknown_run_fail_naming_file_and_operation) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const std::string file = (dir_ / "eqbench.db").string();
    auto added = db->exchange_add(make_exchange(999, "q", 1, 1));
    ASSERT_FALSE(added);
    EXPECT_EQ(added.err().message.rfind(file + ": exchange_add: ", 0), 0U) << added.err().message;
    auto put = db->item_put(make_item(999, 1, "q", "a"));
    ASSERT_FALSE(put);
    EXPECT_EQ(put.err().message.rfind(file + ": item_put: ", 0), 0U) << put.err().message;
    auto finished = db->run_finish(999, "completed", "{}", "");
    ASSERT_FALSE(finished);
    EXPECT_NE(finished.err().message.find("run_finish"), std::string::npos) << finished.err().message;
    auto reset = db->run_reset(999);
    ASSERT_FALSE(reset);
    EXPECT_NE(reset.err().message.find("run_reset"), std::string::npos) << reset.err().message;
}

TEST_F(store_test, run_reset_deletes_only_that_runs_items_and_exchanges) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-reset");
    const auto kept = begin_run(*db, "run-kept");
    for (const auto id : {run.id, kept.id}) {
        ASSERT_TRUE(db->exchange_add(make_exchange(id, "q1", 10, 20)));
        ASSERT_TRUE(db->exchange_add(make_exchange(id, "q2", 10, 20)));
        ASSERT_TRUE(db->item_put(make_item(id, 1, "q1", "a")));
    }
    ASSERT_TRUE(db->run_finish(run.id, "failed", R"({"score":1})", "boom"));

    auto reset = db->run_reset(run.id);
    ASSERT_TRUE(reset) << reset.err().message;
    auto items = db->items_list(run.id);
    ASSERT_TRUE(items) << items.err().message;
    EXPECT_TRUE(items->empty());
    auto exchanges = db->exchanges_list(run.id);
    ASSERT_TRUE(exchanges) << exchanges.err().message;
    EXPECT_TRUE(exchanges->empty());
    auto found = db->run_find("run-reset");
    ASSERT_TRUE(found) << found.err().message;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, run.id);
    EXPECT_EQ((*found)->results_json, "");
    EXPECT_EQ((*found)->error, "");

    auto kept_items = db->items_list(kept.id);
    ASSERT_TRUE(kept_items) << kept_items.err().message;
    EXPECT_EQ(kept_items->size(), 1U);
    auto kept_exchanges = db->exchanges_list(kept.id);
    ASSERT_TRUE(kept_exchanges) << kept_exchanges.err().message;
    EXPECT_EQ(kept_exchanges->size(), 2U);

    // Items added after a reset start the order afresh.
    ASSERT_TRUE(db->item_put(make_item(run.id, 1, "q9", "b")));
    items = db->items_list(run.id);
    ASSERT_TRUE(items) << items.err().message;
    EXPECT_EQ(item_keys(*items), std::vector<std::string>{"1:q9"});
}

TEST_F(store_test, deleting_a_run_cascades_to_its_rows) {
    std::int64_t run_id = 0;
    {
        auto db = open_store();
        ASSERT_NE(db, nullptr);
        run_id = begin_run(*db, "run-del").id;
        ASSERT_TRUE(db->exchange_add(make_exchange(run_id, "q1", 1, 1)));
        ASSERT_TRUE(db->item_put(make_item(run_id, 1, "q1", "a")));
    }
    const fs::path file = dir_ / "eqbench.db";
    query_column(file, "DELETE FROM runs WHERE id = " + std::to_string(run_id));
    EXPECT_EQ(query_column(file, "SELECT COUNT(*) FROM exchanges"), std::vector<std::string>{"0"});
    EXPECT_EQ(query_column(file, "SELECT COUNT(*) FROM items"), std::vector<std::string>{"0"});
}

TEST_F(store_test, run_finish_records_status_results_and_time) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-f");
    auto finished = db->run_finish(run.id, "completed", R"({"score":71.25})", "");
    ASSERT_TRUE(finished) << finished.err().message;
    auto found = db->run_find("run-f");
    ASSERT_TRUE(found) << found.err().message;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->status, "completed");
    EXPECT_EQ((*found)->results_json, R"({"score":71.25})");
    EXPECT_EQ((*found)->error, "");
    EXPECT_GT((*found)->finished_at, (*found)->started_at);
    EXPECT_EQ((*found)->benchmark, "eq-bench");
}

TEST_F(store_test, usage_for_run_sums_requests_and_tokens) {
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-u");
    const auto other = begin_run(*db, "run-v");
    auto empty = db->usage_for_run(run.id);
    ASSERT_TRUE(empty) << empty.err().message;
    EXPECT_EQ(empty->requests, 0);
    EXPECT_EQ(empty->input_tokens, 0);
    EXPECT_EQ(empty->output_tokens, 0);
    ASSERT_TRUE(db->exchange_add(make_exchange(run.id, "q1", 100, 7)));
    ASSERT_TRUE(db->exchange_add(make_exchange(run.id, "q1", 250, 0)));
    ASSERT_TRUE(db->exchange_add(make_exchange(run.id, "q2", 3000000000L, 13)));
    ASSERT_TRUE(db->exchange_add(make_exchange(other.id, "q1", 5, 5)));
    auto usage = db->usage_for_run(run.id);
    ASSERT_TRUE(usage) << usage.err().message;
    EXPECT_EQ(usage->requests, 3);
    EXPECT_EQ(usage->input_tokens, 3000000350L);
    EXPECT_EQ(usage->output_tokens, 20);
}

TEST_F(store_test, commits_survive_the_process_being_killed) {
    constexpr int count = 200;
    {
        auto db = open_store();
        ASSERT_NE(db, nullptr);
        begin_run(*db, "run-kill");
    }
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child never returns into gtest: any failure is an exit code.
        auto db = eqb::store::open(dir_);
        if (!db) {
            ::_exit(2);
        }
        auto run = (*db)->run_find("run-kill");
        if (!run || !run->has_value()) {
            ::_exit(3);
        }
        const auto run_id = (*run)->id;
        for (int i = 0; i < count; ++i) {
            if (!(*db)->exchange_add(make_exchange(run_id, "q" + std::to_string(i), i, 1)) ||
                !(*db)->item_put(make_item(run_id, 1, "q" + std::to_string(i), "a"))) {
                ::_exit(4);
            }
        }
        std::raise(SIGKILL);
        ::_exit(5);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), SIGKILL);

    auto db = open_store();
    ASSERT_NE(db, nullptr);
    auto run = db->run_find("run-kill");
    ASSERT_TRUE(run) << run.err().message;
    ASSERT_TRUE(run->has_value());
    auto exchanges = db->exchanges_list((*run)->id);
    ASSERT_TRUE(exchanges) << exchanges.err().message;
    ASSERT_EQ(exchanges->size(), static_cast<std::size_t>(count));
    EXPECT_EQ(exchanges->back().item_id, "q" + std::to_string(count - 1));
    auto items = db->items_list((*run)->id);
    ASSERT_TRUE(items) << items.err().message;
    ASSERT_EQ(items->size(), static_cast<std::size_t>(count));
    EXPECT_EQ(items->front().item_id, "q0");
    EXPECT_EQ(items->back().item_id, "q" + std::to_string(count - 1));
}

TEST_F(store_test, a_file_that_is_not_a_database_is_an_error_naming_it) {
    const fs::path file = dir_ / "eqbench.db";
    {
        std::ofstream out(file, std::ios::binary);
        for (int i = 0; i < 512; ++i) {
            out << "this is not an SQLite database ";
        }
    }
    auto db = eqb::store::open(dir_);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.err().message.rfind(file.string() + ": store_open: ", 0), 0U) << db.err().message;
    EXPECT_NE(db.err().message.find("not a database"), std::string::npos) << db.err().message;
}

TEST_F(store_test, a_results_path_that_is_a_file_is_an_error) {
    const fs::path blocker = dir_ / "results";
    std::ofstream(blocker) << "x";
    auto db = eqb::store::open(blocker);
    ASSERT_FALSE(db);
    EXPECT_NE(db.err().message.find((blocker / "eqbench.db").string()), std::string::npos) << db.err().message;
    EXPECT_NE(db.err().message.find("cannot create directory"), std::string::npos) << db.err().message;
}

TEST_F(store_test, a_read_only_directory_is_an_error_naming_the_file) {
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root ignores directory permissions";
    }
    const fs::path read_only = dir_ / "read-only";
    fs::create_directories(read_only);
    ASSERT_EQ(::chmod(read_only.c_str(), 0500), 0);

    auto db = eqb::store::open(read_only);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.err().message.rfind((read_only / "eqbench.db").string() + ": store_open: ", 0), 0U)
        << db.err().message;
    EXPECT_NE(db.err().message.find("not writable"), std::string::npos) << db.err().message;

    auto nested = eqb::store::open(read_only / "sub");
    ASSERT_FALSE(nested);
    EXPECT_NE(nested.err().message.find("cannot create directory"), std::string::npos) << nested.err().message;

    // A store file without write permission in a writable directory.
    const fs::path with_file = dir_ / "read-only-file";
    {
        auto created = eqb::store::open(with_file);
        ASSERT_TRUE(created) << created.err().message;
    }
    ASSERT_EQ(::chmod((with_file / "eqbench.db").c_str(), 0400), 0);
    auto read_only_file = eqb::store::open(with_file);
    ASSERT_FALSE(read_only_file);
    EXPECT_NE(read_only_file.err().message.find((with_file / "eqbench.db").string()), std::string::npos)
        << read_only_file.err().message;
    EXPECT_NE(read_only_file.err().message.find("read-only"), std::string::npos) << read_only_file.err().message;
}

// A functional check that a long run of single-exchange commits works; its
// speed is measured in bench/store-bench.cpp, not here.
TEST_F(store_test, ten_thousand_exchanges_are_all_committed) {
    constexpr int count = 10000;
    auto db = open_store();
    ASSERT_NE(db, nullptr);
    const auto run = begin_run(*db, "run-many");
    for (int i = 0; i < count; ++i) {
        auto added = db->exchange_add(make_exchange(run.id, "q" + std::to_string(i % 171), 2, 3));
        ASSERT_TRUE(added) << added.err().message;
    }
    auto usage = db->usage_for_run(run.id);
    ASSERT_TRUE(usage) << usage.err().message;
    EXPECT_EQ(usage->requests, count);
    EXPECT_EQ(usage->input_tokens, 2L * count);
    EXPECT_EQ(usage->output_tokens, 3L * count);
}

}  // namespace

namespace {

// A store made by eqbench 0.1 (schema 1) opens: every record gets its
// benchmark's one step, exchanges a step and an empty thought, and records of
// several steps of one item can then live side by side.
TEST(store_migration_test, a_version_1_store_migrates_and_keeps_every_record) {
    eqb::test::temp_dir dir;
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open((dir.path() / "eqbench.db").c_str(), &raw), SQLITE_OK);
        const std::string sql =
            eqb::test::read_file(eqb::test::source_dir() / "tests" / "golden" / "store" / "schema-v1-database.sql");
        char* message = nullptr;
        ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
            << (message != nullptr ? message : "");
        sqlite3_close(raw);
    }
    auto db = eqb::store::open(dir.path());
    ASSERT_TRUE(db) << db.err().message;
    EXPECT_EQ(query_column(dir.path() / "eqbench.db", "PRAGMA user_version"), std::vector<std::string>{"3"});
    const std::vector<std::pair<std::int64_t, std::string>> steps = {
        {1, "answer"}, {2, "generate"}, {3, "judge"}, {4, "judge"}, {5, "translate"}};
    for (const auto& [run, step] : steps) {
        auto items = (*db)->items_list(run);
        ASSERT_TRUE(items) << items.err().message;
        ASSERT_FALSE(items->empty()) << "run " << run;
        for (const auto& item : *items) {
            EXPECT_EQ(item.step, step) << "run " << run << " item " << item.item_id;
            EXPECT_EQ(item.run_row, run);
        }
    }
    // The EQ-Bench run keeps both items, in their order, with their answers.
    auto eq = (*db)->items_list(1);
    ASSERT_TRUE(eq);
    ASSERT_EQ(eq->size(), 2U);
    EXPECT_EQ((*eq)[0].answer, "Anger: 5");
    EXPECT_EQ((*eq)[1].state, "failed");
    auto exchanges = (*db)->exchanges_list(3);
    ASSERT_TRUE(exchanges);
    ASSERT_EQ(exchanges->size(), 1U);
    EXPECT_EQ((*exchanges)[0].step, "judge");
    EXPECT_EQ((*exchanges)[0].thought, "");
    EXPECT_EQ((*exchanges)[0].content, "Purple Prose: 3");

    // Two steps of one item now coexist.
    eqb::item_record second = (*eq)[0];
    second.step = "debrief";
    second.answer = "Another step.";
    ASSERT_TRUE((*db)->item_put(second));
    auto both = (*db)->items_list(1);
    ASSERT_TRUE(both);
    ASSERT_EQ(both->size(), 3U);
    EXPECT_EQ((*both)[0].step, "answer");
    EXPECT_EQ((*both)[0].answer, "Anger: 5");
    EXPECT_EQ((*both)[2].step, "debrief");
}

}  // namespace
