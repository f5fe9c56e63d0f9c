#include "store/store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace eqb {

namespace {

constexpr const char* store_file_name = "eqbench.db";
// Writers wait this long for another connection's lock before giving up.
constexpr int busy_timeout_ms = 5000;
// Shortest run of key characters after an "sk-" prefix that counts as a key.
constexpr std::size_t key_body_min_length = 20;

// Schema migrations: migrations[i] takes PRAGMA user_version from i to i + 1.
// Append new steps; never edit a released one.
constexpr std::array<const char*, 3> migrations = {
    R"sql(
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    benchmark TEXT NOT NULL,
    metadata_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    results_json TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    started_at REAL NOT NULL,
    finished_at REAL NOT NULL DEFAULT 0
);
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    role TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    request_json TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    content TEXT NOT NULL,
    latency_s REAL NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX exchanges_by_run ON exchanges(run_id, id);
CREATE INDEX exchanges_by_item ON exchanges(run_id, iteration, item_id);
CREATE TABLE items (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    state TEXT NOT NULL,
    answer TEXT NOT NULL,
    tries INTEGER NOT NULL,
    parsed_json TEXT NOT NULL,
    scores_json TEXT NOT NULL,
    updated_at REAL NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (run_id, iteration, item_id)
);
CREATE INDEX items_by_seq ON items(run_id, seq);
)sql",
    // 2: a step names where in its item a record belongs (EQ-Bench 3 turns,
    // judge steps); exchanges keep a reasoning model's thought apart. Records of
    // earlier versions get their benchmark's one step.
    R"sql(
CREATE TABLE items_v2 (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    step TEXT NOT NULL,
    state TEXT NOT NULL,
    answer TEXT NOT NULL,
    tries INTEGER NOT NULL,
    parsed_json TEXT NOT NULL,
    scores_json TEXT NOT NULL,
    updated_at REAL NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (run_id, iteration, item_id, step)
);
INSERT INTO items_v2 (run_id, iteration, item_id, step, state, answer, tries, parsed_json, scores_json, updated_at, seq)
    SELECT i.run_id, i.iteration, i.item_id,
           CASE (SELECT r.benchmark FROM runs r WHERE r.id = i.run_id)
               WHEN 'eq-bench' THEN 'answer' WHEN 'creative-writing' THEN 'generate' WHEN 'translate' THEN 'translate'
               ELSE 'judge' END,
           i.state, i.answer, i.tries, i.parsed_json, i.scores_json, i.updated_at, i.seq
    FROM items i;
DROP TABLE items;
ALTER TABLE items_v2 RENAME TO items;
CREATE INDEX items_by_seq ON items(run_id, seq);
ALTER TABLE exchanges ADD COLUMN step TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN thought TEXT NOT NULL DEFAULT '';
UPDATE exchanges SET step = CASE (SELECT r.benchmark FROM runs r WHERE r.id = exchanges.run_id)
    WHEN 'eq-bench' THEN 'answer' WHEN 'creative-writing' THEN 'generate' WHEN 'translate' THEN 'translate'
    ELSE 'judge' END;
)sql",
    // 3: the thought tokens a server reported for an exchange.
    R"sql(
ALTER TABLE exchanges ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
)sql",
};

constexpr const char* sql_begin = "BEGIN IMMEDIATE";
constexpr const char* sql_commit = "COMMIT";
constexpr const char* sql_rollback = "ROLLBACK";
constexpr const char* sql_run_by_key =
    "SELECT id, key, benchmark, metadata_json, status, results_json, error, started_at, finished_at FROM runs "
    "WHERE key = ?1";
constexpr const char* sql_runs_all =
    "SELECT id, key, benchmark, metadata_json, status, results_json, error, started_at, finished_at FROM runs "
    "ORDER BY id";
constexpr const char* sql_run_insert =
    "INSERT INTO runs (key, benchmark, metadata_json, status, results_json, error, started_at, finished_at) "
    "VALUES (?1, ?2, ?3, 'running', '', '', ?4, 0)";
constexpr const char* sql_run_resume = "UPDATE runs SET status = 'running', error = '', finished_at = 0 WHERE id = ?1";
constexpr const char* sql_run_exists = "SELECT 1 FROM runs WHERE id = ?1";
constexpr const char* sql_run_clear = "UPDATE runs SET results_json = '', error = '', finished_at = 0 WHERE id = ?1";
constexpr const char* sql_items_delete = "DELETE FROM items WHERE run_id = ?1";
constexpr const char* sql_exchanges_delete = "DELETE FROM exchanges WHERE run_id = ?1";
constexpr const char* sql_run_finish =
    "UPDATE runs SET status = ?2, results_json = ?3, error = ?4, finished_at = ?5 WHERE id = ?1";
constexpr const char* sql_exchange_insert =
    "INSERT INTO exchanges (run_id, iteration, item_id, attempt, role, endpoint, request_json, status, http_status, "
    "response_body, content, latency_s, input_tokens, output_tokens, created_at, step, thought, "
    "reasoning_tokens) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
// A new item goes after every item of its run; a replaced one keeps its seq,
// so items_list keeps the reference's dict order (first insertion wins).
constexpr const char* sql_item_upsert =
    "INSERT INTO items (run_id, iteration, item_id, state, answer, tries, parsed_json, scores_json, updated_at, seq, "
    "step) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, (SELECT COALESCE(MAX(seq), 0) + 1 FROM items WHERE run_id = ?1), "
    "?10) "
    "ON CONFLICT (run_id, iteration, item_id, step) DO UPDATE SET state = excluded.state, answer = excluded.answer, "
    "tries = excluded.tries, parsed_json = excluded.parsed_json, scores_json = excluded.scores_json, "
    "updated_at = excluded.updated_at";
constexpr const char* sql_items_of_run =
    "SELECT run_id, iteration, item_id, state, answer, tries, parsed_json, scores_json, updated_at, step FROM items "
    "WHERE run_id = ?1 ORDER BY iteration, seq";
constexpr const char* sql_exchanges_of_run =
    "SELECT run_id, iteration, item_id, attempt, role, endpoint, request_json, status, http_status, response_body, "
    "content, latency_s, input_tokens, output_tokens, created_at, step, thought, reasoning_tokens FROM exchanges "
    "WHERE run_id = ?1 "
    "ORDER BY id";
constexpr const char* sql_usage_of_run =
    "SELECT COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), "
    "COALESCE(SUM(reasoning_tokens), 0), COALESCE(SUM(LENGTH(CAST(thought AS BLOB))), 0), "
    "COALESCE(SUM(thought != ''), 0), COALESCE(SUM(status = 'THOUGHT_TRUNCATED'), 0) FROM exchanges "
    "WHERE run_id = ?1";

double now_s() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Length of the run of key characters starting at `from`; `dashes` admits '-' and '_'.
std::size_t key_body_length(std::string_view text, std::size_t from, bool dashes) {
    std::size_t n = 0;
    while (from + n < text.size()) {
        const char c = text[from + n];
        if (!is_alnum(c) && !(dashes && (c == '-' || c == '_'))) {
            break;
        }
        ++n;
    }
    return n;
}

// True if `text` holds something shaped like an OpenAI or Anthropic secret key:
// sk-[A-Za-z0-9]{20,}, or sk-ant-/sk-proj- followed by 20+ key characters.
// "sk" must start a word so that e.g. "task-specific-finetune..." is not a key.
bool contains_key_like(std::string_view text) {
    for (std::size_t at = text.find("sk-"); at != std::string_view::npos; at = text.find("sk-", at + 1)) {
        if (at > 0 && is_alnum(text[at - 1])) {
            continue;
        }
        const std::size_t body = at + 3;
        if (key_body_length(text, body, false) >= key_body_min_length) {
            return true;
        }
        for (const std::string_view prefix : {std::string_view("ant-"), std::string_view("proj-")}) {
            if (text.substr(body, prefix.size()) == prefix &&
                key_body_length(text, body + prefix.size(), true) >= key_body_min_length) {
                return true;
            }
        }
    }
    return false;
}

// True if any object in `value` has an "api_key" member with a non-empty value.
bool contains_api_key_field(const nlohmann::json& value) {
    if (value.is_object()) {
        for (const auto& [name, member] : value.items()) {
            if (name == "api_key" && !member.is_null() &&
                !(member.is_string() && member.get_ref<const std::string&>().empty())) {
                return true;
            }
            if (contains_api_key_field(member)) {
                return true;
            }
        }
    } else if (value.is_array()) {
        for (const auto& element : value) {
            if (contains_api_key_field(element)) {
                return true;
            }
        }
    }
    return false;
}

struct statement_finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

struct connection_closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using connection_ptr = std::unique_ptr<sqlite3, connection_closer>;

// One use of a cached prepared statement: binds, steps, and on destruction
// resets it so that no read transaction stays open between calls.
class statement_use {
  public:
    explicit statement_use(sqlite3_stmt* stmt) : stmt_(stmt) {}
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;
    ~statement_use() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    // Binds by 1-based index; the bound text must outlive the statement's steps.
    int bind(int index, std::string_view text) {
        return sqlite3_bind_text64(stmt_, index, text.data(), static_cast<sqlite3_uint64>(text.size()), SQLITE_STATIC,
                                   SQLITE_UTF8);
    }
    int bind(int index, std::int64_t number) { return sqlite3_bind_int64(stmt_, index, number); }
    int bind(int index, int number) { return sqlite3_bind_int(stmt_, index, number); }
    int bind(int index, double number) { return sqlite3_bind_double(stmt_, index, number); }

    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(stmt_); }

    std::string text(int column) const {
        const auto* data = sqlite3_column_text(stmt_, column);
        if (data == nullptr) {
            return {};
        }
        return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
    }
    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    int int32(int column) const { return sqlite3_column_int(stmt_, column); }
    double real(int column) const { return sqlite3_column_double(stmt_, column); }

  private:
    sqlite3_stmt* stmt_;
};

run_record run_from_row(const statement_use& row) {
    run_record run;
    run.id = row.int64(0);
    run.key = row.text(1);
    run.benchmark = row.text(2);
    run.metadata_json = row.text(3);
    run.status = row.text(4);
    run.results_json = row.text(5);
    run.error = row.text(6);
    run.started_at = row.real(7);
    run.finished_at = row.real(8);
    return run;
}

class sqlite_store final : public store {
  public:
    sqlite_store(connection_ptr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;
    ~sqlite_store() override {
        // Statements must be finalized before the connection closes.
        statements_.clear();
    }

    // Connection settings and migrations; called once by store::open.
    result<bool> setup();

    result<run_record> run_begin(const run_record& fresh) override;
    result<bool> run_reset(std::int64_t run_id) override;
    result<bool> run_finish(std::int64_t run_id, const std::string& status, const std::string& results_json,
                            const std::string& error) override;
    result<std::optional<run_record>> run_find(const std::string& key) override;
    result<std::vector<run_record>> runs_list() override;
    result<bool> batch_begin() override {
        if (!begin()) {
            return failure("batch_begin");
        }
        return true;
    }
    result<bool> batch_commit() override {
        if (!commit()) {
            error e = failure("batch_commit");
            rollback();
            return e;
        }
        return true;
    }
    result<std::int64_t> exchange_add(const exchange_record& exchange) override;
    result<bool> item_put(const item_record& item) override;
    result<std::vector<item_record>> items_list(std::int64_t run_id) override;
    result<std::vector<exchange_record>> exchanges_list(std::int64_t run_id) override;
    result<usage_totals> usage_for_run(std::int64_t run_id) override;

  private:
    // "DIR/eqbench.db: OPERATION: sqlite's message (system error)".
    error failure(std::string_view operation) const {
        std::string message = sqlite3_errmsg(db_.get());
        const int system_errno = sqlite3_system_errno(db_.get());
        const int primary_code = sqlite3_errcode(db_.get()) & 0xff;
        // The OS error says why a file could not be opened or written (permissions, disk full).
        if (system_errno != 0 &&
            (primary_code == SQLITE_CANTOPEN || primary_code == SQLITE_IOERR || primary_code == SQLITE_READONLY)) {
            message += fmt::format(" ({})", std::strerror(system_errno));
        }
        return error{fmt::format("{}: {}: {}", path_, operation, message)};
    }
    error failure(std::string_view operation, std::string_view message) const {
        return error{fmt::format("{}: {}: {}", path_, operation, message)};
    }

    // The cached prepared statement for `sql` (a string constant above), or null.
    sqlite3_stmt* prepared(const char* sql) {
        if (auto found = statements_.find(sql); found != statements_.end()) {
            return found->second.get();
        }
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
            sqlite3_finalize(raw);
            return nullptr;
        }
        statements_.emplace(sql, statement_ptr(raw));
        return raw;
    }

    // Runs a statement that returns no rows; false on failure (see failure()).
    bool execute(const char* sql, std::int64_t run_id) {
        sqlite3_stmt* stmt = prepared(sql);
        if (stmt == nullptr) {
            return false;
        }
        statement_use use(stmt);
        use.bind(1, run_id);
        return use.step() == SQLITE_DONE;
    }

    bool begin() { return execute_plain(sql_begin); }
    bool commit() { return execute_plain(sql_commit); }
    void rollback() {
        if (sqlite3_get_autocommit(db_.get()) == 0) {
            execute_plain(sql_rollback);
        }
    }
    bool execute_plain(const char* sql) {
        sqlite3_stmt* stmt = prepared(sql);
        if (stmt == nullptr) {
            return false;
        }
        statement_use use(stmt);
        return use.step() == SQLITE_DONE;
    }

    // Whether the run exists; an error if the lookup itself fails.
    result<bool> run_exists(std::int64_t run_id, std::string_view operation) {
        sqlite3_stmt* stmt = prepared(sql_run_exists);
        if (stmt == nullptr) {
            return failure(operation);
        }
        statement_use use(stmt);
        use.bind(1, run_id);
        const int rc = use.step();
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc == SQLITE_DONE) {
            return false;
        }
        return failure(operation);
    }

    connection_ptr db_;
    std::string path_;
    // Keyed by the address of the SQL string constant: each constant is one statement.
    std::unordered_map<const char*, statement_ptr> statements_;
};

result<bool> sqlite_store::setup() {
    constexpr std::string_view operation = "store_open";
    if (sqlite3_busy_timeout(db_.get(), busy_timeout_ms) != SQLITE_OK) {
        return failure(operation);
    }
    if (sqlite3_exec(db_.get(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return failure(operation);
    }
    // The first statement that reads the file: a file that is not a database fails here.
    std::string journal_mode;
    {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), "PRAGMA journal_mode = WAL", -1, &raw, nullptr) != SQLITE_OK) {
            sqlite3_finalize(raw);
            return failure(operation);
        }
        statement_ptr stmt(raw);
        statement_use use(raw);
        if (use.step() != SQLITE_ROW) {
            return failure(operation);
        }
        journal_mode = use.text(0);
    }
    if (journal_mode != "wal") {
        return failure(operation, fmt::format("cannot switch to WAL mode (journal mode is '{}')", journal_mode));
    }
    // WAL with synchronous=NORMAL: a commit is in the WAL file (the OS's page
    // cache) when exchange_add returns, so it survives the process being killed
    // (SIGKILL, OOM, crash); only a power loss or OS crash can lose the last
    // commits before a checkpoint. That is the durability a paid request needs
    // without an fsync per exchange.
    if (sqlite3_exec(db_.get(), "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return failure(operation);
    }

    if (!begin()) {
        return failure(operation);
    }
    // Read the version inside the write transaction so that two processes
    // opening a new file at once do not both migrate it.
    int version = 0;
    {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), "PRAGMA user_version", -1, &raw, nullptr) != SQLITE_OK) {
            sqlite3_finalize(raw);
            auto err = failure(operation);
            rollback();
            return err;
        }
        statement_ptr stmt(raw);
        statement_use use(raw);
        if (use.step() != SQLITE_ROW) {
            auto err = failure(operation);
            rollback();
            return err;
        }
        version = use.int32(0);
    }
    const auto latest = static_cast<int>(migrations.size());
    if (version > latest) {
        rollback();
        return failure(operation,
                       fmt::format("schema version {} is newer than this eqbench supports ({})", version, latest));
    }
    for (; version < latest; ++version) {
        const std::string sql =
            fmt::format("{}\nPRAGMA user_version = {};", migrations[static_cast<std::size_t>(version)], version + 1);
        if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
            auto err = failure(fmt::format("{} (migration to schema version {})", operation, version + 1));
            rollback();
            return err;
        }
    }
    if (!commit()) {
        auto err = failure(operation);
        rollback();
        return err;
    }
    return true;
}

result<run_record> sqlite_store::run_begin(const run_record& fresh) {
    constexpr std::string_view operation = "run_begin";
    if (fresh.key.empty()) {
        return failure(operation, "the run key is empty");
    }
    const std::string metadata = fresh.metadata_json.empty() ? std::string("{}") : fresh.metadata_json;
    const auto parsed = nlohmann::json::parse(metadata, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        return failure(operation, fmt::format("run {}: metadata is not a JSON object", fresh.key));
    }
    if (contains_api_key_field(parsed) || contains_key_like(metadata)) {
        return failure(operation,
                       fmt::format("run {}: metadata contains an API key; keys must never be stored", fresh.key));
    }

    if (!begin()) {
        return failure(operation);
    }
    auto fail = [&]() -> error {
        auto err = failure(operation);
        rollback();
        return err;
    };
    std::optional<run_record> existing;
    {
        sqlite3_stmt* stmt = prepared(sql_run_by_key);
        if (stmt == nullptr) {
            return fail();
        }
        statement_use use(stmt);
        use.bind(1, fresh.key);
        const int rc = use.step();
        if (rc == SQLITE_ROW) {
            existing = run_from_row(use);
        } else if (rc != SQLITE_DONE) {
            return fail();
        }
    }
    run_record run;
    if (existing) {
        if (existing->benchmark != fresh.benchmark) {
            rollback();
            return failure(operation, fmt::format("run {} belongs to benchmark '{}', not '{}'", fresh.key,
                                                  existing->benchmark, fresh.benchmark));
        }
        if (!execute(sql_run_resume, existing->id)) {
            return fail();
        }
        run = std::move(*existing);
        run.status = "running";
        run.error.clear();
        run.finished_at = 0.0;
    } else {
        sqlite3_stmt* stmt = prepared(sql_run_insert);
        if (stmt == nullptr) {
            return fail();
        }
        run.key = fresh.key;
        run.benchmark = fresh.benchmark;
        run.metadata_json = metadata;
        run.status = "running";
        run.started_at = fresh.started_at != 0.0 ? fresh.started_at : now_s();
        statement_use use(stmt);
        use.bind(1, run.key);
        use.bind(2, run.benchmark);
        use.bind(3, run.metadata_json);
        use.bind(4, run.started_at);
        if (use.step() != SQLITE_DONE) {
            return fail();
        }
        run.id = sqlite3_last_insert_rowid(db_.get());
    }
    if (!commit()) {
        return fail();
    }
    return run;
}

result<bool> sqlite_store::run_reset(std::int64_t run_id) {
    constexpr std::string_view operation = "run_reset";
    if (!begin()) {
        return failure(operation);
    }
    auto exists = run_exists(run_id, operation);
    if (!exists || !*exists) {
        rollback();
        return exists ? failure(operation, fmt::format("no run with id {}", run_id)) : exists.err();
    }
    if (!execute(sql_items_delete, run_id) || !execute(sql_exchanges_delete, run_id) ||
        !execute(sql_run_clear, run_id) || !commit()) {
        auto err = failure(operation);
        rollback();
        return err;
    }
    return true;
}

result<bool> sqlite_store::run_finish(std::int64_t run_id, const std::string& status, const std::string& results_json,
                                      const std::string& error) {
    constexpr std::string_view operation = "run_finish";
    sqlite3_stmt* stmt = prepared(sql_run_finish);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    use.bind(1, run_id);
    use.bind(2, status);
    use.bind(3, results_json);
    use.bind(4, error);
    use.bind(5, now_s());
    if (use.step() != SQLITE_DONE) {
        return failure(operation);
    }
    if (sqlite3_changes(db_.get()) == 0) {
        return failure(operation, fmt::format("no run with id {}", run_id));
    }
    return true;
}

result<std::optional<run_record>> sqlite_store::run_find(const std::string& key) {
    constexpr std::string_view operation = "run_find";
    sqlite3_stmt* stmt = prepared(sql_run_by_key);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    use.bind(1, key);
    const int rc = use.step();
    if (rc == SQLITE_ROW) {
        return std::optional<run_record>(run_from_row(use));
    }
    if (rc == SQLITE_DONE) {
        return std::optional<run_record>();
    }
    return failure(operation);
}

result<std::vector<run_record>> sqlite_store::runs_list() {
    constexpr std::string_view operation = "runs_list";
    sqlite3_stmt* stmt = prepared(sql_runs_all);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    std::vector<run_record> runs;
    int rc = SQLITE_ROW;
    while ((rc = use.step()) == SQLITE_ROW) {
        runs.push_back(run_from_row(use));
    }
    if (rc != SQLITE_DONE) {
        return failure(operation);
    }
    return runs;
}

result<std::int64_t> sqlite_store::exchange_add(const exchange_record& exchange) {
    constexpr std::string_view operation = "exchange_add";
    sqlite3_stmt* stmt = prepared(sql_exchange_insert);
    if (stmt == nullptr) {
        return failure(operation);
    }
    // Autocommit: the insert is its own transaction, committed when step returns.
    statement_use use(stmt);
    use.bind(1, exchange.run_row);
    use.bind(2, exchange.iteration);
    use.bind(3, exchange.item_id);
    use.bind(4, exchange.sequence);
    use.bind(5, exchange.role);
    use.bind(6, exchange.endpoint);
    use.bind(7, exchange.request_json);
    use.bind(8, exchange.status);
    use.bind(9, exchange.http_status);
    use.bind(10, exchange.response_body);
    use.bind(11, exchange.content);
    use.bind(12, exchange.latency_s);
    use.bind(13, static_cast<std::int64_t>(exchange.input_tokens));
    use.bind(14, static_cast<std::int64_t>(exchange.output_tokens));
    use.bind(15, exchange.created_at != 0.0 ? exchange.created_at : now_s());
    use.bind(16, exchange.step);
    use.bind(17, exchange.thought);
    use.bind(18, static_cast<std::int64_t>(exchange.reasoning_tokens));
    if (use.step() != SQLITE_DONE) {
        return failure(operation);
    }
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_.get()));
}

result<bool> sqlite_store::item_put(const item_record& item) {
    constexpr std::string_view operation = "item_put";
    sqlite3_stmt* stmt = prepared(sql_item_upsert);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    use.bind(1, item.run_row);
    use.bind(2, item.iteration);
    use.bind(3, item.item_id);
    use.bind(4, item.state);
    use.bind(5, item.answer);
    use.bind(6, item.tries);
    use.bind(7, item.parsed_json);
    use.bind(8, item.scores_json);
    use.bind(9, item.updated_at != 0.0 ? item.updated_at : now_s());
    use.bind(10, item.step);
    if (use.step() != SQLITE_DONE) {
        return failure(operation);
    }
    return true;
}

result<std::vector<item_record>> sqlite_store::items_list(std::int64_t run_id) {
    constexpr std::string_view operation = "items_list";
    sqlite3_stmt* stmt = prepared(sql_items_of_run);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    use.bind(1, run_id);
    std::vector<item_record> items;
    int rc = SQLITE_ROW;
    while ((rc = use.step()) == SQLITE_ROW) {
        item_record item;
        item.run_row = use.int64(0);
        item.iteration = use.int32(1);
        item.item_id = use.text(2);
        item.state = use.text(3);
        item.answer = use.text(4);
        item.tries = use.int32(5);
        item.parsed_json = use.text(6);
        item.scores_json = use.text(7);
        item.updated_at = use.real(8);
        item.step = use.text(9);
        items.push_back(std::move(item));
    }
    if (rc != SQLITE_DONE) {
        return failure(operation);
    }
    return items;
}

result<std::vector<exchange_record>> sqlite_store::exchanges_list(std::int64_t run_id) {
    constexpr std::string_view operation = "exchanges_list";
    sqlite3_stmt* stmt = prepared(sql_exchanges_of_run);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    use.bind(1, run_id);
    std::vector<exchange_record> exchanges;
    int rc = SQLITE_ROW;
    while ((rc = use.step()) == SQLITE_ROW) {
        exchange_record ex;
        ex.run_row = use.int64(0);
        ex.iteration = use.int32(1);
        ex.item_id = use.text(2);
        ex.sequence = use.int32(3);
        ex.role = use.text(4);
        ex.endpoint = use.text(5);
        ex.request_json = use.text(6);
        ex.status = use.text(7);
        ex.http_status = use.int32(8);
        ex.response_body = use.text(9);
        ex.content = use.text(10);
        ex.latency_s = use.real(11);
        ex.input_tokens = static_cast<long>(use.int64(12));
        ex.output_tokens = static_cast<long>(use.int64(13));
        ex.created_at = use.real(14);
        ex.step = use.text(15);
        ex.thought = use.text(16);
        ex.reasoning_tokens = static_cast<long>(use.int64(17));
        exchanges.push_back(std::move(ex));
    }
    if (rc != SQLITE_DONE) {
        return failure(operation);
    }
    return exchanges;
}

result<usage_totals> sqlite_store::usage_for_run(std::int64_t run_id) {
    constexpr std::string_view operation = "usage_for_run";
    sqlite3_stmt* stmt = prepared(sql_usage_of_run);
    if (stmt == nullptr) {
        return failure(operation);
    }
    statement_use use(stmt);
    use.bind(1, run_id);
    if (use.step() != SQLITE_ROW) {
        return failure(operation);
    }
    usage_totals totals;
    totals.requests = static_cast<long>(use.int64(0));
    totals.input_tokens = static_cast<long>(use.int64(1));
    totals.output_tokens = static_cast<long>(use.int64(2));
    totals.reasoning_tokens = static_cast<long>(use.int64(3));
    totals.thought_bytes = static_cast<long>(use.int64(4));
    totals.thought_answers = static_cast<long>(use.int64(5));
    totals.truncated_in_reasoning = static_cast<long>(use.int64(6));
    return totals;
}

}  // namespace

result<std::unique_ptr<store>> store::open(const std::filesystem::path& results_dir) {
    const std::filesystem::path file = results_dir / store_file_name;
    std::error_code ec;
    std::filesystem::create_directories(results_dir, ec);
    if (ec) {
        return error{fmt::format("{}: store_open: cannot create directory {}: {}", file.string(), results_dir.string(),
                                 ec.message())};
    }
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    connection_ptr db(raw);
    if (rc != SQLITE_OK) {
        if (!db) {
            return error{fmt::format("{}: store_open: out of memory", file.string())};
        }
        std::string message = sqlite3_errmsg(db.get());
        // SQLite retries a failed open read-only, so its saved errno is often the
        // retry's ENOENT; the directory's permissions are the likely cause.
        if (::access(results_dir.c_str(), W_OK | X_OK) != 0) {
            message += fmt::format(" (directory {} is not writable: {})", results_dir.string(), std::strerror(errno));
        } else if (const int system_errno = sqlite3_system_errno(db.get()); system_errno != 0) {
            message += fmt::format(" ({})", std::strerror(system_errno));
        }
        return error{fmt::format("{}: store_open: {}", file.string(), message)};
    }
    // SQLITE_OPEN_READWRITE silently falls back to read-only for a file without write permission.
    if (sqlite3_db_readonly(db.get(), "main") == 1) {
        return error{fmt::format("{}: store_open: the file is read-only", file.string())};
    }
    sqlite3_extended_result_codes(db.get(), 1);
    auto opened = std::make_unique<sqlite_store>(std::move(db), file.string());
    if (auto ready = opened->setup(); !ready) {
        return ready.err();
    }
    return std::unique_ptr<store>(std::move(opened));
}

}  // namespace eqb
