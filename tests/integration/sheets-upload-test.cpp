// The Google Sheets upload of result rows against a fake Google on 127.0.0.1
// (cpp-httplib): the token endpoint checks the JWT's RS256 signature with the
// public half of a key pair made at test time and its claims, then issues a
// token; the Sheets endpoints check that token and record the rows appended.
// No private key is committed: every key is generated here.

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "data/questions.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"
#include "tests/support/test-support.hpp"
#include "upload/sheets-upload.hpp"

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using eqb::sheets_upload_status;

constexpr const char* spreadsheet_id = "1AbC-dEf_123xyz";
constexpr const char* client_email = "uploader@eqbench-test.iam.gserviceaccount.com";
constexpr const char* key_id = "kid-0123456789abcdef";
// Google's token endpoint as the JWT audience (google-auth's constant), and
// the one scope the upload needs.
constexpr const char* expected_audience = "https://oauth2.googleapis.com/token";
constexpr const char* expected_scope = "https://www.googleapis.com/auth/spreadsheets";
constexpr const char* token_prefix = "ya29.fake-access-";

struct pkey_free {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct bio_free {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// A fresh RSA key: its PKCS#8 PEM (what a Google key file holds) and a
// separate object holding only the public half (what the fake server knows).
struct test_key {
    std::string private_pem;
    pkey_ptr public_only;
};

test_key test_key_generate() {
    pkey_ptr pair(EVP_RSA_gen(2048));
    if (!pair) {
        throw std::runtime_error("RSA key generation failed");
    }
    std::unique_ptr<BIO, bio_free> priv(BIO_new(BIO_s_mem()));
    std::unique_ptr<BIO, bio_free> pub(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(priv.get(), pair.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_PUBKEY(pub.get(), pair.get()) != 1) {
        throw std::runtime_error("PEM writing failed");
    }
    test_key key;
    key.private_pem = bio_text(priv.get());
    key.public_only.reset(PEM_read_bio_PUBKEY(pub.get(), nullptr, nullptr, nullptr));
    if (!key.public_only) {
        throw std::runtime_error("public key reading failed");
    }
    return key;
}

// Generated on first use (from a test body), once per process.
const test_key& google_key() {
    static const test_key key = test_key_generate();
    return key;
}
const test_key& stranger_key() {
    static const test_key key = test_key_generate();
    return key;
}

std::optional<std::string> base64url_decode(std::string text) {
    for (char& c : text) {
        if (c == '-') {
            c = '+';
        } else if (c == '_') {
            c = '/';
        } else if (c == '=' || c == '+' || c == '/') {
            return std::nullopt;  // base64url without padding has none of these
        }
    }
    std::size_t pad = 0;
    while (text.size() % 4 != 0) {
        text += '=';
        ++pad;
    }
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string percent_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (text[i] == '+') {
            out += ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

std::map<std::string, std::string> form_parse(const std::string& body) {
    std::map<std::string, std::string> fields;
    std::size_t start = 0;
    while (start <= body.size()) {
        const std::size_t end = std::min(body.find('&', start), body.size());
        const std::string pair = body.substr(start, end - start);
        const std::size_t eq = pair.find('=');
        if (eq != std::string::npos) {
            fields[percent_decode(pair.substr(0, eq))] = percent_decode(pair.substr(eq + 1));
        }
        start = end + 1;
    }
    return fields;
}

bool rs256_verify(EVP_PKEY* public_key, const std::string& input, const std::string& signature) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

struct fake_google_config {
    std::string sheet_title = "Sheet1";
    bool refuse_token = false;
    int append_forbidden = 0;   // this many appends answer 403 first
    bool echo_secrets = false;  // errors quote the assertion / bearer token back
};

class fake_google {
  public:
    explicit fake_google(fake_google_config config) : config_(std::move(config)) {
        server_.Post("/token", [this](const httplib::Request& req, httplib::Response& res) { token(req, res); });
        server_.Get(R"(/v4/spreadsheets/([^/]+))",
                    [this](const httplib::Request& req, httplib::Response& res) { metadata(req, res); });
        server_.Post(R"(/v4/spreadsheets/([^/]+)/values/(.+):append)",
                     [this](const httplib::Request& req, httplib::Response& res) { append(req, res); });
        // One request per connection: stop() would otherwise wait out the
        // keep-alive connection the client's handle cache holds open.
        server_.set_keep_alive_max_count(1);
        port_ = server_.bind_to_any_port("127.0.0.1");
        if (port_ <= 0) {
            throw std::runtime_error("cannot bind the fake Google server");
        }
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    ~fake_google() {
        server_.stop();
        thread_.join();
    }
    fake_google(const fake_google&) = delete;
    fake_google& operator=(const fake_google&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    std::vector<json> appended() const { return locked(appended_); }
    std::vector<std::string> problems() const { return locked(problems_); }
    std::vector<std::string> secrets_seen() const { return locked(secrets_); }
    std::vector<std::string> append_targets() const { return locked(append_targets_); }
    int token_requests() const { return token_requests_.load(); }
    int bad_signatures() const { return bad_signatures_.load(); }
    int append_requests() const { return append_requests_.load(); }

  private:
    template <class T>
    T locked(const T& value) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return value;
    }
    void problem(const std::string& text) {
        std::lock_guard<std::mutex> lock(mutex_);
        problems_.push_back(text);
    }
    void check(bool ok, const std::string& what) {
        if (!ok) {
            problem(what);
        }
    }

    void token(const httplib::Request& req, httplib::Response& res) {
        ++token_requests_;
        check(req.get_header_value("Content-Type") == "application/x-www-form-urlencoded", "token: content type");
        auto form = form_parse(req.body);
        check(form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", "token: grant_type");
        const std::string assertion = form["assertion"];
        {
            std::lock_guard<std::mutex> lock(mutex_);
            secrets_.push_back(assertion);
        }
        const auto first_dot = assertion.find('.');
        const auto second_dot = assertion.find('.', first_dot + 1);
        if (first_dot == std::string::npos || second_dot == std::string::npos ||
            assertion.find('.', second_dot + 1) != std::string::npos) {
            problem("token: the assertion is not three segments");
            res.status = 400;
            return;
        }
        const auto header = base64url_decode(assertion.substr(0, first_dot));
        const auto claims = base64url_decode(assertion.substr(first_dot + 1, second_dot - first_dot - 1));
        const auto signature = base64url_decode(assertion.substr(second_dot + 1));
        if (!header || !claims || !signature) {
            problem("token: a segment is not unpadded base64url");
            res.status = 400;
            return;
        }
        const std::string description = config_.echo_secrets ? "Invalid grant " + assertion : "Invalid JWT Signature.";
        if (!rs256_verify(google_key().public_only.get(), assertion.substr(0, second_dot), *signature)) {
            ++bad_signatures_;
            res.status = 400;
            res.set_content(json{{"error", "invalid_grant"}, {"error_description", description}}.dump(),
                            "application/json");
            return;
        }
        const json h = json::parse(*header, nullptr, false);
        const json c = json::parse(*claims, nullptr, false);
        check(h.is_object() && h.value("alg", "") == "RS256" && h.value("typ", "") == "JWT" &&
                  h.value("kid", "") == key_id && h.size() == 3,
              "token: JWT header " + *header);
        const auto now = static_cast<long long>(std::time(nullptr));
        check(c.is_object() && c.value("iss", "") == client_email && c.value("scope", "") == expected_scope &&
                  c.value("aud", "") == expected_audience && c.size() == 5,
              "token: JWT claims " + *claims);
        if (c.is_object() && c.contains("iat") && c.contains("exp") && c["iat"].is_number_integer() &&
            c["exp"].is_number_integer()) {
            const auto iat = c["iat"].get<long long>();
            check(c["exp"].get<long long>() - iat == 3600, "token: exp is not iat + 3600");
            check(iat <= now + 5 && iat >= now - 60, "token: iat is not now");
        } else {
            problem("token: iat/exp missing or not integers");
        }
        if (config_.refuse_token) {
            res.status = 400;
            res.set_content(json{{"error", "invalid_grant"}, {"error_description", description}}.dump(),
                            "application/json");
            return;
        }
        const std::string issued =
            token_prefix + std::to_string(token_requests_.load()) + "-" + std::to_string(std::random_device{}());
        {
            std::lock_guard<std::mutex> lock(mutex_);
            secrets_.push_back(issued);
            tokens_.push_back(issued);
        }
        res.set_content(json{{"access_token", issued}, {"expires_in", 3599}, {"token_type", "Bearer"}}.dump(),
                        "application/json");
    }

    bool authorised(const httplib::Request& req, httplib::Response& res) {
        const std::string header = req.get_header_value("Authorization");
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& t : tokens_) {
            if (header == "Bearer " + t) {
                return true;
            }
        }
        problems_.push_back("sheets: no valid bearer token");
        res.status = 401;
        return false;
    }

    void metadata(const httplib::Request& req, httplib::Response& res) {
        if (!authorised(req, res)) {
            return;
        }
        check(req.matches[1] == spreadsheet_id, "get: spreadsheet id " + std::string(req.matches[1]));
        check(req.get_param_value("fields").find("title") != std::string::npos, "get: fields names no title");
        const json doc = {{"sheets",
                           {{{"properties", {{"title", config_.sheet_title}, {"index", 0}}}},
                            {{"properties", {{"title", "Second sheet"}, {"index", 1}}}}}}};
        res.set_content(doc.dump(), "application/json");
    }

    void append(const httplib::Request& req, httplib::Response& res) {
        ++append_requests_;
        if (!authorised(req, res)) {
            return;
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            append_targets_.push_back(req.target);
        }
        check(req.matches[1] == spreadsheet_id, "append: spreadsheet id");
        // The title quoted by hand: ' around it and each ' inside doubled.
        std::string expected_range = "'";
        for (const char ch : config_.sheet_title) {
            expected_range += ch == '\'' ? std::string("''") : std::string(1, ch);
        }
        expected_range += "'";
        check(req.matches[2] == expected_range, "append: range " + std::string(req.matches[2]));
        check(req.get_param_value("valueInputOption") == "RAW", "append: valueInputOption");
        check(req.get_param_value("includeValuesInResponse") == "false", "append: includeValuesInResponse");
        check(!req.has_param("insertDataOption"), "append: insertDataOption sent");
        check(req.get_header_value("Content-Type") == "application/json", "append: content type");
        const json body = json::parse(req.body, nullptr, false);
        const bool shaped = body.is_object() && body.size() == 1 && body.contains("values") &&
                            body["values"].is_array() && body["values"].size() == 1 && body["values"][0].is_array();
        check(shaped, "append: body " + req.body);
        if (config_.append_forbidden > 0) {
            --config_.append_forbidden;
            std::string message = "The caller does not have permission";
            if (config_.echo_secrets) {
                message += " (" + req.get_header_value("Authorization") + ")";
            }
            res.status = 403;
            res.set_content(
                json{{"error", {{"code", 403}, {"message", message}, {"status", "PERMISSION_DENIED"}}}}.dump(),
                "application/json");
            return;
        }
        if (shaped) {
            std::lock_guard<std::mutex> lock(mutex_);
            appended_.push_back(body["values"][0]);
        }
        res.set_content(json{{"spreadsheetId", spreadsheet_id}, {"updates", {{"updatedRows", 1}}}}.dump(),
                        "application/json");
    }

    fake_google_config config_;
    httplib::Server server_;
    mutable std::mutex mutex_;
    std::vector<json> appended_;
    std::vector<std::string> problems_;
    std::vector<std::string> secrets_;
    std::vector<std::string> tokens_;
    std::vector<std::string> append_targets_;
    std::atomic<int> token_requests_{0};
    std::atomic<int> bad_signatures_{0};
    std::atomic<int> append_requests_{0};
    int port_ = 0;
    std::thread thread_;
};

json key_file_json(const std::string& pem, const std::string& token_uri) {
    return {{"type", "service_account"}, {"project_id", "eqbench-test"}, {"private_key_id", key_id},
            {"private_key", pem},        {"client_email", client_email}, {"client_id", "100000000000000000001"},
            {"token_uri", token_uri}};
}

void file_write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// The lines of the pending file; none when it does not exist.
std::vector<json> pending_rows(const fs::path& results_dir) {
    std::vector<json> rows;
    std::ifstream in(results_dir / "sheets-pending.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        rows.push_back(json::parse(line));
    }
    return rows;
}

// A benchmark_results.csv row as the EQ-Bench runner writes it, and the JSON
// array the reference's Python list becomes (json.dumps of str, float, int).
const std::vector<std::string> eq_bench_csv_row = {"run1",   "2025-01-02 03:04:05",
                                                   "ChatML", "org/model-7b",
                                                   "",       "none",
                                                   "71.43",  "eq-bench_v2",
                                                   "171.0",  "1",
                                                   "openai", "",
                                                   "",       ""};
const json eq_bench_expected = json::parse(
    R"(["run1","2025-01-02 03:04:05","ChatML","org/model-7b","","none",71.43,"eq-bench_v2",171.0,1,"openai","","",""])");
const std::vector<std::string> failed_csv_row = {"run2",   "2025-01-02 04:05:06",
                                                 "ChatML", "org/model-7b",
                                                 "",       "none",
                                                 "FAILED", "eq-bench_de",
                                                 "FAILED", "3",
                                                 "openai", "",
                                                 "",       "Connection refused, \"twice\""};
const json failed_expected = json::parse(
    R"(["run2","2025-01-02 04:05:06","ChatML","org/model-7b","","none","FAILED","eq-bench_de","FAILED",3,"openai","","","Connection refused, \"twice\""])");

class SheetsUpload : public ::testing::Test {
  protected:
    void SetUp() override {
        ::unsetenv(eqb::sheets_api_base_env);
        results_dir_ = tmp_.path() / "results";
        keys_dir_ = tmp_.path() / "keys";
        fs::create_directories(keys_dir_);
    }

    // Settings for `server` with a key file signed by `key` (the server's by default).
    eqb::sheets_settings settings_for(const fake_google& server, const test_key* key = nullptr) {
        const fs::path key_file = keys_dir_ / "google_creds.json";
        file_write(key_file,
                   key_file_json((key != nullptr ? *key : google_key()).private_pem, server.url() + "/token").dump(2));
        eqb::sheets_settings settings;
        settings.spreadsheet_url =
            std::string("https://docs.google.com/spreadsheets/d/") + spreadsheet_id + "/edit#gid=0";
        settings.key_file = key_file;
        settings.api_base = server.url();
        settings.results_dir = results_dir_;
        settings.timeout_s = 10.0;
        return settings;
    }

    eqb::test::temp_dir tmp_;
    fs::path results_dir_;
    fs::path keys_dir_;
};

TEST_F(SheetsUpload, RowIsAppendedExactlyToTheFirstWorksheet) {
    fake_google server({});
    const auto outcome =
        eqb::sheets_upload_row(settings_for(server), eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::SENT) << outcome.message;
    EXPECT_EQ(outcome.rows_sent, 1u);
    EXPECT_EQ(outcome.rows_pending, 0u);
    EXPECT_EQ(outcome.message, "Google Sheets: appended 1 row to 'Sheet1'");
    ASSERT_EQ(server.appended().size(), 1u);
    EXPECT_EQ(server.appended()[0], eq_bench_expected);
    // Numbers went as JSON numbers, not strings (valueInputOption=RAW keeps strings as text).
    EXPECT_TRUE(server.appended()[0][6].is_number_float());
    EXPECT_TRUE(server.appended()[0][9].is_number_integer());
    EXPECT_EQ(server.problems(), std::vector<std::string>{});
    EXPECT_EQ(server.token_requests(), 1);
    EXPECT_FALSE(fs::exists(results_dir_ / "sheets-pending.jsonl"));
}

TEST_F(SheetsUpload, ForbiddenAppendKeepsTheRowAndTheNextUploadSendsItFirst) {
    fake_google_config config;
    config.append_forbidden = 1;
    fake_google server(config);
    const auto settings = settings_for(server);

    const auto first = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(failed_csv_row));
    EXPECT_EQ(first.status, sheets_upload_status::PENDING);
    EXPECT_EQ(first.rows_sent, 0u);
    EXPECT_EQ(first.rows_pending, 1u);
    EXPECT_EQ(first.message.find('\n'), std::string::npos);
    EXPECT_NE(first.message.find("HTTP 403 PERMISSION_DENIED: The caller does not have permission"), std::string::npos)
        << first.message;
    EXPECT_NE(first.message.find((results_dir_ / "sheets-pending.jsonl").string()), std::string::npos) << first.message;
    EXPECT_EQ(server.appended().size(), 0u);
    EXPECT_EQ(pending_rows(results_dir_), std::vector<json>{failed_expected});

    const auto second = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(second.status, sheets_upload_status::SENT) << second.message;
    EXPECT_EQ(second.rows_sent, 2u);
    EXPECT_EQ(second.rows_pending, 0u);
    EXPECT_EQ(server.appended(), (std::vector<json>{failed_expected, eq_bench_expected}));
    EXPECT_FALSE(fs::exists(results_dir_ / "sheets-pending.jsonl"));
    EXPECT_EQ(server.problems(), std::vector<std::string>{});
}

TEST_F(SheetsUpload, PendingRowsAloneAreSentByUploadPending) {
    fake_google_config config;
    config.append_forbidden = 2;
    fake_google server(config);
    const auto settings = settings_for(server);
    EXPECT_EQ(eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(failed_csv_row)).status,
              sheets_upload_status::PENDING);
    EXPECT_EQ(eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row)).status,
              sheets_upload_status::PENDING);
    EXPECT_EQ(pending_rows(results_dir_), (std::vector<json>{failed_expected, eq_bench_expected}));

    const auto flushed = eqb::sheets_upload_pending(settings);
    EXPECT_EQ(flushed.status, sheets_upload_status::SENT) << flushed.message;
    EXPECT_EQ(flushed.rows_sent, 2u);
    EXPECT_EQ(server.appended(), (std::vector<json>{failed_expected, eq_bench_expected}));
    EXPECT_FALSE(fs::exists(results_dir_ / "sheets-pending.jsonl"));

    const int tokens_before = server.token_requests();
    const auto nothing = eqb::sheets_upload_pending(settings);
    EXPECT_EQ(nothing.status, sheets_upload_status::SENT);
    EXPECT_EQ(nothing.rows_sent, 0u);
    EXPECT_EQ(server.token_requests(), tokens_before);  // nothing pending: no request at all
}

TEST_F(SheetsUpload, MissingKeyFileIsAClearErrorAndKeepsTheRow) {
    fake_google server({});
    auto settings = settings_for(server);
    settings.key_file = keys_dir_ / "absent-creds.json";
    EXPECT_FALSE(eqb::sheets_upload_configured(settings));
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::PENDING);
    EXPECT_NE(outcome.message.find(settings.key_file.string() + ": service-account key file not found"),
              std::string::npos)
        << outcome.message;
    EXPECT_EQ(pending_rows(results_dir_), std::vector<json>{eq_bench_expected});
    EXPECT_EQ(server.token_requests(), 0);

    settings.key_file.clear();
    const auto none = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(failed_csv_row));
    EXPECT_EQ(none.status, sheets_upload_status::PENDING);
    EXPECT_NE(
        none.message.find("no service-account key file (./google_creds.json, or $GOOGLE_APPLICATION_CREDENTIALS)"),
        std::string::npos)
        << none.message;
    EXPECT_EQ(none.rows_pending, 2u);
    EXPECT_EQ(pending_rows(results_dir_), (std::vector<json>{eq_bench_expected, failed_expected}));
}

struct malformed_key_case {
    const char* name;
    const char* expected;  // after "<file>: "
};

class SheetsMalformedKey : public SheetsUpload, public ::testing::WithParamInterface<malformed_key_case> {};

TEST_P(SheetsMalformedKey, IsAClearErrorNamingFileAndField) {
    fake_google server({});
    auto settings = settings_for(server);
    json doc = key_file_json(google_key().private_pem, server.url() + "/token");
    const std::string name = GetParam().name;
    std::string text;
    if (name == "not-json") {
        text = "{\"type\": \"service_account\", ";
    } else if (name == "no-private-key") {
        doc.erase("private_key");
    } else if (name == "private-key-not-pem") {
        doc["private_key"] = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
    } else if (name == "private-key-number") {
        doc["private_key"] = 42;
    } else if (name == "no-client-email") {
        doc.erase("client_email");
    } else if (name == "wrong-type") {
        doc["type"] = "authorized_user";
    }
    if (text.empty()) {
        text = doc.dump();
    }
    file_write(settings.key_file, text);
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::PENDING);
    EXPECT_NE(outcome.message.find(settings.key_file.string() + ": " + GetParam().expected), std::string::npos)
        << outcome.message;
    EXPECT_EQ(outcome.message.find('\n'), std::string::npos);
    EXPECT_EQ(pending_rows(results_dir_), std::vector<json>{eq_bench_expected});
    EXPECT_EQ(server.token_requests(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SheetsMalformedKey,
    ::testing::Values(malformed_key_case{"not-json", "not a JSON object"},
                      malformed_key_case{"no-private-key", "field \"private_key\" is missing"},
                      malformed_key_case{"private-key-not-pem", "field \"private_key\" is not a PEM private key"},
                      malformed_key_case{"private-key-number", "field \"private_key\" is not a string"},
                      malformed_key_case{"no-client-email", "field \"client_email\" is missing"},
                      malformed_key_case{"wrong-type",
                                         "field \"type\" is \"authorized_user\", expected \"service_account\""}),
    [](const ::testing::TestParamInfo<malformed_key_case>& param_info) {
        std::string n = param_info.param.name;
        for (char& c : n) {
            if (c == '-') {
                c = '_';
            }
        }
        return n;
    });

TEST_F(SheetsUpload, RefusedTokenIsAClearErrorAndKeepsTheRow) {
    fake_google_config config;
    config.refuse_token = true;
    fake_google server(config);
    const auto settings = settings_for(server);
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::PENDING);
    EXPECT_NE(outcome.message.find("token request to " + server.url() +
                                   "/token refused (HTTP 400 invalid_grant: Invalid JWT Signature.)"),
              std::string::npos)
        << outcome.message;
    EXPECT_EQ(pending_rows(results_dir_), std::vector<json>{eq_bench_expected});
    EXPECT_EQ(server.append_requests(), 0);
    // The JWT itself was valid: refusing it was the server's choice.
    EXPECT_EQ(server.bad_signatures(), 0);
    EXPECT_EQ(server.problems(), std::vector<std::string>{});
}

TEST_F(SheetsUpload, KeyTheServerDoesNotKnowFailsItsSignatureCheck) {
    fake_google server({});
    const auto settings = settings_for(server, &stranger_key());
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::PENDING);
    EXPECT_EQ(server.bad_signatures(), 1);
    EXPECT_NE(outcome.message.find("invalid_grant"), std::string::npos) << outcome.message;
    EXPECT_EQ(pending_rows(results_dir_), std::vector<json>{eq_bench_expected});
}

TEST_F(SheetsUpload, NetworkFailureKeepsTheRow) {
    std::string closed_url;
    {
        fake_google gone({});
        closed_url = gone.url();
    }
    fake_google server({});
    auto settings = settings_for(server);
    settings.api_base = closed_url;  // the token works, the Sheets API is unreachable
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::PENDING);
    EXPECT_NE(outcome.message.find(std::string("reading spreadsheet ") + spreadsheet_id + " failed: "),
              std::string::npos)
        << outcome.message;
    EXPECT_EQ(pending_rows(results_dir_), std::vector<json>{eq_bench_expected});
}

// Everything a user could see or that stays on disk, scanned for every
// secret: the private key (whole and line by line), each JWT and each token.
TEST_F(SheetsUpload, NoKeyJwtOrTokenTextInOutputOrFiles) {
    fake_google_config config;
    config.append_forbidden = 1;
    config.echo_secrets = true;
    fake_google server(config);
    fake_google_config refusing_config;
    refusing_config.refuse_token = true;
    refusing_config.echo_secrets = true;
    fake_google refusing(refusing_config);

    std::vector<std::string> messages;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    messages.push_back(
        eqb::sheets_upload_row(settings_for(refusing), eqb::sheets_row_from_results_csv(eq_bench_csv_row)).message);
    const auto settings = settings_for(server);
    messages.push_back(eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(failed_csv_row)).message);
    messages.push_back(eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row)).message);
    messages.push_back(eqb::sheets_upload_pending(settings).message);
    const std::string out = ::testing::internal::GetCapturedStdout();
    const std::string err = ::testing::internal::GetCapturedStderr();

    // The echoing servers did quote the secrets back: the redaction was needed.
    EXPECT_NE(messages[0].find("[redacted]"), std::string::npos) << messages[0];
    EXPECT_NE(messages[1].find("(Bearer [redacted])"), std::string::npos) << messages[1];

    std::vector<std::string> secrets = server.secrets_seen();
    for (const auto& s : refusing.secrets_seen()) {
        secrets.push_back(s);
    }
    ASSERT_GE(secrets.size(), 3u);  // two assertions and a token at least
    const std::string& pem = google_key().private_pem;
    secrets.push_back(pem);
    std::size_t start = 0;
    while (start < pem.size()) {
        const std::size_t end = std::min(pem.find('\n', start), pem.size());
        const std::string line = pem.substr(start, end - start);
        if (line.size() >= 16 && line.find("-----") == std::string::npos) {
            secrets.push_back(line);
        }
        start = end + 1;
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(results_dir_)) {
        if (entry.is_regular_file()) {
            files.push_back(eqb::test::read_file(entry.path()));
        }
    }
    std::vector<std::string> seen = messages;
    seen.push_back(out);
    seen.push_back(err);
    seen.insert(seen.end(), files.begin(), files.end());
    for (const auto& text : seen) {
        EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos) << text;
        EXPECT_EQ(text.find(token_prefix), std::string::npos) << text;
        for (const auto& secret : secrets) {
            ASSERT_FALSE(secret.empty());
            EXPECT_EQ(text.find(secret), std::string::npos) << text;
            // A JWT's signature alone is secret enough to check too.
            if (const auto dot = secret.rfind('.'); dot != std::string::npos && secret.size() - dot > 40) {
                EXPECT_EQ(text.find(secret.substr(dot + 1)), std::string::npos) << text;
            }
        }
    }
    EXPECT_EQ(server.appended(), (std::vector<json>{eq_bench_expected, failed_expected, eq_bench_expected}));
}

TEST_F(SheetsUpload, SheetTitleWithAQuoteAndASpace) {
    fake_google_config config;
    config.sheet_title = "Bob's results";
    fake_google server(config);
    const auto outcome =
        eqb::sheets_upload_row(settings_for(server), eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::SENT) << outcome.message;
    EXPECT_EQ(outcome.message, "Google Sheets: appended 1 row to 'Bob''s results'");
    EXPECT_EQ(server.appended(), std::vector<json>{eq_bench_expected});
    ASSERT_EQ(server.append_targets().size(), 1u);
    EXPECT_EQ(server.append_targets()[0],
              std::string("/v4/spreadsheets/") + spreadsheet_id +
                  "/values/%27Bob%27%27s%20results%27:append?valueInputOption=RAW&includeValuesInResponse=false");
    EXPECT_EQ(server.problems(), std::vector<std::string>{});
}

TEST_F(SheetsUpload, UnreadablePendingLineIsKeptAndNotSent) {
    fake_google server({});
    const auto settings = settings_for(server);
    fs::create_directories(results_dir_);
    file_write(results_dir_ / "sheets-pending.jsonl", "[\"half a row\", 1\n" + failed_expected.dump() + "\n");
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::PENDING) << outcome.message;
    EXPECT_EQ(outcome.rows_sent, 2u);
    EXPECT_EQ(outcome.rows_pending, 1u);
    EXPECT_NE(outcome.message.find("1 row in " + (results_dir_ / "sheets-pending.jsonl").string() +
                                   " cannot be read as rows"),
              std::string::npos)
        << outcome.message;
    EXPECT_EQ(server.appended(), (std::vector<json>{failed_expected, eq_bench_expected}));
    EXPECT_EQ(eqb::test::read_file(results_dir_ / "sheets-pending.jsonl"), "[\"half a row\", 1\n");
}

// Uploads sharing a results directory take turns on the pending file: each
// row reaches the sheet exactly once.
TEST_F(SheetsUpload, ConcurrentUploadsSendEachRowOnce) {
    fake_google server({});
    const auto settings = settings_for(server);
    constexpr int uploaders = 4;
    std::vector<std::thread> threads;
    std::vector<sheets_upload_status> statuses(uploaders, sheets_upload_status::DISABLED);
    for (int i = 0; i < uploaders; ++i) {
        threads.emplace_back([&, i] {
            std::vector<std::string> csv = eq_bench_csv_row;
            csv[0] = "run-" + std::to_string(i);
            statuses[static_cast<std::size_t>(i)] =
                eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(csv)).status;
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    std::vector<std::string> run_ids;
    for (const auto& row : server.appended()) {
        run_ids.push_back(row[0].get<std::string>());
    }
    std::sort(run_ids.begin(), run_ids.end());
    EXPECT_EQ(run_ids, (std::vector<std::string>{"run-0", "run-1", "run-2", "run-3"}));
    EXPECT_EQ(statuses, std::vector<sheets_upload_status>(uploaders, sheets_upload_status::SENT));
    EXPECT_FALSE(fs::exists(results_dir_ / "sheets-pending.jsonl"));
}

TEST_F(SheetsUpload, ApiBaseFromTheEnvironment) {
    fake_google server({});
    auto settings = settings_for(server);
    settings.api_base.clear();
    ::setenv(eqb::sheets_api_base_env, (server.url() + "/").c_str(), 1);
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    ::unsetenv(eqb::sheets_api_base_env);
    EXPECT_EQ(outcome.status, sheets_upload_status::SENT) << outcome.message;
    EXPECT_EQ(server.appended(), std::vector<json>{eq_bench_expected});
}

TEST_F(SheetsUpload, NoUrlMeansDisabledAndNothingWritten) {
    eqb::sheets_settings settings;
    settings.results_dir = results_dir_;
    settings.key_file = keys_dir_ / "google_creds.json";
    file_write(settings.key_file, "{}");
    EXPECT_FALSE(eqb::sheets_upload_configured(settings));
    const auto outcome = eqb::sheets_upload_row(settings, eqb::sheets_row_from_results_csv(eq_bench_csv_row));
    EXPECT_EQ(outcome.status, sheets_upload_status::DISABLED);
    EXPECT_FALSE(fs::exists(results_dir_));
    settings.spreadsheet_url = spreadsheet_id;
    EXPECT_TRUE(eqb::sheets_upload_configured(settings));
}

TEST(SheetsSpreadsheetId, FromUrlsAndBareIds) {
    EXPECT_EQ(eqb::sheets_spreadsheet_id("https://docs.google.com/spreadsheets/d/1AbC-dEf_123xyz/edit#gid=0").value(),
              "1AbC-dEf_123xyz");
    EXPECT_EQ(eqb::sheets_spreadsheet_id("https://docs.google.com/spreadsheets/d/1AbC-dEf_123xyz").value(),
              "1AbC-dEf_123xyz");
    EXPECT_EQ(eqb::sheets_spreadsheet_id("https://docs.google.com/spreadsheets/u/0/d/xyz?usp=sharing").ok(), false);
    EXPECT_EQ(eqb::sheets_spreadsheet_id("1AbC-dEf_123xyz").value(), "1AbC-dEf_123xyz");
    EXPECT_FALSE(eqb::sheets_spreadsheet_id("https://docs.google.com/document/d/abc/edit").ok());
    EXPECT_FALSE(eqb::sheets_spreadsheet_id("").ok());
    const auto bad = eqb::sheets_spreadsheet_id("https://docs.google.com/spreadsheets/d//edit");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("holds no spreadsheet ID"), std::string::npos);
}

TEST(SheetsRange, QuotesTheTitleAsGspreadDoes) {
    EXPECT_EQ(eqb::sheets_range_quote("Sheet1"), "'Sheet1'");
    EXPECT_EQ(eqb::sheets_range_quote("Sheet'1"), "'Sheet''1'");
    EXPECT_EQ(eqb::sheets_range_quote("''sheet12''"), "'''''sheet12'''''");
}

TEST(SheetsRow, TypesTheCsvColumnsAsTheReferenceList) {
    const eqb::sheets_row judgemark = eqb::sheets_row_from_results_csv(
        {"r", "t", "N/A", "N/A", "N/A", "N/A", "N/A", "judgemark", "N/A", "1", "openai", "", "", ""});
    EXPECT_EQ(json::parse(eqb::sheets_row_json(judgemark)),
              json::parse(R"(["r","t","N/A","N/A","N/A","N/A","N/A","judgemark","N/A",1,"openai","","",""])"));
    // Only the score, parseable and iterations columns may become numbers.
    const eqb::sheets_row digits = eqb::sheets_row_from_results_csv({"123", "2025", "1", "2", "3", "4", "5e-05", "x"});
    EXPECT_EQ(eqb::sheets_row_json(digits), R"(["123","2025","1","2","3","4",5e-05,"x"])");
    const eqb::sheets_row odd = {{"nan", true}, {"01", true}, {"-0.5", true}, {"a\"b\n", false}};
    EXPECT_EQ(eqb::sheets_row_json(odd), R"(["nan","01",-0.5,"a\"b\n"])");
}

TEST(SheetsKeyFile, LocalFileFirstThenTheEnvironment) {
    eqb::test::temp_dir tmp;
    ::setenv(eqb::sheets_credentials_env, "/elsewhere/creds.json", 1);
    EXPECT_EQ(eqb::sheets_key_file_resolve(tmp.path()), fs::path("/elsewhere/creds.json"));
    file_write(tmp.path() / "google_creds.json", "{}");
    EXPECT_EQ(eqb::sheets_key_file_resolve(tmp.path()), tmp.path() / "google_creds.json");
    ::unsetenv(eqb::sheets_credentials_env);
    fs::remove(tmp.path() / "google_creds.json");
    EXPECT_EQ(eqb::sheets_key_file_resolve(tmp.path()), fs::path());
}

}  // namespace

// ---- the batch: `eqbench run` with [Results upload] google_spreadsheet_url ----

namespace {

// A fake model server answering each EQ-Bench question with its reference
// scores, one off on the first emotion (so the score is not 100).
std::unique_ptr<eqb::test::fake_server> model_server(const eqb::question_set& set) {
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& q : set.questions) {
        const auto& ref = q.reference_fullscale.value_or(q.reference);
        std::string answer;
        for (std::size_t i = 0; i < 4; ++i) {
            const long value = static_cast<long>(ref.scores[i]) + (i == 0 && ref.scores[i] < 10 ? 1 : 0);
            answer += ref.names[i] + ": " + std::to_string(value) + "\n";
        }
        table.emplace_back(q.prompt, answer);
    }
    eqb::test::fake_server_config config;
    config.responder = [table](const eqb::test::fake_request& r) {
        return eqb::test::answer_by_longest_prefix(table, r.prompt);
    };
    auto server = std::make_unique<eqb::test::fake_server>(std::move(config));
    if (!server->start()) {
        throw std::runtime_error("the fake model server did not start");
    }
    return server;
}

// The data rows of benchmark_results.csv (fields without quotes or commas here).
std::vector<std::vector<std::string>> csv_rows(const fs::path& results_dir) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(results_dir / "benchmark_results.csv");
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::size_t start = 0;
        while (true) {
            const auto comma = line.find(',', start);
            fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
        rows.push_back(std::move(fields));
    }
    return rows;
}

// The list the reference hands to append_row for a CSV row: the score and
// the parseable count as floats (or "FAILED"), the iterations as an int.
json reference_list(const std::vector<std::string>& row) {
    json out = json::array();
    for (std::size_t i = 0; i < row.size(); ++i) {
        const bool number = (i == 6 || i == 8) && row[i] != "FAILED";
        if (number) {
            out.push_back(std::stod(row[i]));
        } else if (i == 9) {
            out.push_back(std::stoi(row[i]));
        } else {
            out.push_back(row[i]);
        }
    }
    return out;
}

class SheetsBatch : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto questions = eqb::test::data_dir() / "eq_bench_v2_questions_171.json";
        if (!fs::exists(questions)) {
            GTEST_SKIP() << "needs " << questions;
        }
        auto set = eqb::questions_load(questions);
        ASSERT_TRUE(set) << set.err().message;
        model_ = model_server(*set);
        results_ = tmp_.path() / "results";
    }

    // One batch of one run (`run_id`), uploading to `google`; the key file is
    // found through GOOGLE_APPLICATION_CREDENTIALS (nothing in the working directory).
    eqb::test::process_output run_batch(const fake_google& google, const std::string& run_id) {
        const fs::path key_file = tmp_.path() / "service-account.json";
        file_write(key_file, key_file_json(google_key().private_pem, google.url() + "/token").dump(2));
        const fs::path cfg = tmp_.path() / "config.cfg";
        file_write(cfg, "[OpenAI]\napi_key =\nopenai_compatible_url = " + model_->base_url() +
                            "/v1\n[Results upload]\ngoogle_spreadsheet_url = https://docs.google.com/spreadsheets/d/" +
                            spreadsheet_id + "/edit#gid=0\n[Benchmarks to run]\n" + run_id +
                            ", , fake-model, , , 1, openai, ,\n");
        return eqb::test::eqbench_run({"--config", cfg.string(), "--results-dir", results_.string(), "--data-dir",
                                       eqb::test::data_dir().string()},
                                      tmp_.path(),
                                      {{"GOOGLE_APPLICATION_CREDENTIALS", key_file.string()},
                                       {eqb::sheets_api_base_env, google.url()},
                                       {"OPENAI_API_KEY", ""}});
    }

    eqb::test::temp_dir tmp_;
    std::unique_ptr<eqb::test::fake_server> model_;
    fs::path results_;
};

TEST_F(SheetsBatch, AFinishedRunAppendsItsCsvRowSignedWithTheServiceAccountKey) {
    fake_google google({});
    const auto out = run_batch(google, "sheet1");
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto rows = csv_rows(results_);
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_EQ(rows[0].size(), 14u);
    EXPECT_EQ(rows[0][7], "eq-bench_v2");
    // The JWT's signature was checked with the public half, the bearer token with the one issued.
    EXPECT_EQ(google.bad_signatures(), 0);
    EXPECT_GE(google.token_requests(), 1);
    EXPECT_EQ(google.problems(), std::vector<std::string>{});
    ASSERT_EQ(google.appended().size(), 1u);
    EXPECT_EQ(google.appended()[0], reference_list(rows[0]));
    EXPECT_NE(out.out.find("Google Sheets: appended 1 row to 'Sheet1'"), std::string::npos) << out.out;
    EXPECT_FALSE(fs::exists(results_ / "sheets-pending.jsonl"));
    // Neither the key nor the JWT nor the token shows anywhere.
    std::vector<std::string> secrets = google.secrets_seen();
    secrets.push_back(google_key().private_pem.substr(100, 64));
    for (const auto& entry : fs::recursive_directory_iterator(tmp_.path())) {
        if (entry.is_regular_file() && entry.path().filename() != "service-account.json") {
            const std::string text = eqb::test::read_file(entry.path());
            for (const auto& s : secrets) {
                EXPECT_EQ(text.find(s), std::string::npos) << entry.path();
            }
        }
    }
    for (const auto& s : secrets) {
        EXPECT_EQ(out.out.find(s), std::string::npos);
        EXPECT_EQ(out.err.find(s), std::string::npos);
    }
}

TEST_F(SheetsBatch, A403KeepsTheRowPendingAndTheNextRunSendsItFirst) {
    fake_google_config config;
    config.append_forbidden = 1;
    fake_google google(config);

    const auto first = run_batch(google, "first");
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;  // the run itself succeeded
    EXPECT_NE(first.err.find("Google Sheets upload failed: appending to 'Sheet1' refused (HTTP 403 PERMISSION_DENIED"),
              std::string::npos)
        << first.err;
    EXPECT_EQ(google.appended().size(), 0u);
    auto rows = csv_rows(results_);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(pending_rows(results_), std::vector<json>{reference_list(rows[0])});

    const auto second = run_batch(google, "second");
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    rows = csv_rows(results_);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(google.appended(), (std::vector<json>{reference_list(rows[0]), reference_list(rows[1])}));
    EXPECT_NE(second.out.find("Google Sheets: appended 2 rows to 'Sheet1'"), std::string::npos) << second.out;
    EXPECT_FALSE(fs::exists(results_ / "sheets-pending.jsonl"));
    EXPECT_EQ(google.problems(), std::vector<std::string>{});
}

TEST_F(SheetsBatch, AFailedRunAppendsItsFailedRowAsTheReferenceDoes) {
    fake_google google({});
    const fs::path key_file = tmp_.path() / "service-account.json";
    file_write(key_file, key_file_json(google_key().private_pem, google.url() + "/token").dump(2));
    const fs::path cfg = tmp_.path() / "config.cfg";
    // Nothing listens on port 1: the run fails before its first question.
    file_write(cfg, std::string("[OpenAI]\napi_key =\nopenai_compatible_url = http://127.0.0.1:1/v1\n") +
                        "[Results upload]\ngoogle_spreadsheet_url = " + spreadsheet_id +
                        "\n[Benchmarks to run]\nbroken, , fake-model, , , 1, openai, ,\n");
    const auto out = eqb::test::eqbench_run({"--config", cfg.string(), "--results-dir", results_.string(), "--data-dir",
                                             eqb::test::data_dir().string(), "-r", "0"},
                                            tmp_.path(),
                                            {{"GOOGLE_APPLICATION_CREDENTIALS", key_file.string()},
                                             {eqb::sheets_api_base_env, google.url()},
                                             {"OPENAI_API_KEY", ""}});
    EXPECT_NE(out.exit_code, 0) << out.out << out.err;
    const std::string csv = eqb::test::read_file(results_ / "benchmark_results.csv");
    ASSERT_EQ(google.appended().size(), 1u) << out.err;
    const json row = google.appended()[0];
    ASSERT_EQ(row.size(), 14u);
    EXPECT_EQ(row[0], "broken");
    EXPECT_EQ(row[6], "FAILED");
    EXPECT_EQ(row[8], "FAILED");
    EXPECT_EQ(row[9], 1);
    ASSERT_TRUE(row[13].is_string());
    EXPECT_FALSE(row[13].get<std::string>().empty());
    EXPECT_NE(csv.find(row[13].get<std::string>().substr(0, 20)), std::string::npos) << csv;
    EXPECT_NE(csv.find("broken," + row[1].get<std::string>()), std::string::npos) << csv;
}

TEST_F(SheetsBatch, NoKeyFileIsOneLineAndNeverFailsTheRun) {
    fake_google google({});
    const fs::path cfg = tmp_.path() / "config.cfg";
    file_write(cfg, "[OpenAI]\napi_key =\nopenai_compatible_url = " + model_->base_url() +
                        "/v1\n[Results upload]\ngoogle_spreadsheet_url = " + spreadsheet_id +
                        "\n[Benchmarks to run]\nnokey, , fake-model, , , 1, openai, ,\n");
    const auto out = eqb::test::eqbench_run(
        {"--config", cfg.string(), "--results-dir", results_.string(), "--data-dir", eqb::test::data_dir().string()},
        tmp_.path(),
        {{"GOOGLE_APPLICATION_CREDENTIALS", ""}, {eqb::sheets_api_base_env, google.url()}, {"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.err.find("Google Sheets upload failed: no service-account key file"), std::string::npos) << out.err;
    EXPECT_EQ(google.token_requests(), 0);
    ASSERT_EQ(csv_rows(results_).size(), 1u);
    EXPECT_EQ(pending_rows(results_).size(), 1u);
}

}  // namespace
