#include "upload/sheets-upload.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <system_error>

#include "client/http-transport.hpp"
#include "report/files.hpp"
#include "upload/google-auth.hpp"

namespace eqb {

namespace {

using json = nlohmann::json;

constexpr std::string_view spreadsheet_path_marker = "/spreadsheets/d/";
// The reference's benchmark_results.csv row: which columns it fills with
// Python numbers (round(score, 2), parseable, n_iterations).
constexpr std::size_t csv_score_column = 6;
constexpr std::size_t csv_parseable_column = 8;
constexpr std::size_t csv_iterations_column = 9;
// gspread's append_row: valueInputOption=RAW, includeValuesInResponse=False,
// no insertDataOption (the API's default).
constexpr const char* append_query = "valueInputOption=RAW&includeValuesInResponse=false";
constexpr const char* first_sheet_title_fields = "sheets.properties.title";

bool spreadsheet_id_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

bool digits_skip(std::string_view text, std::size_t& i) {
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
        ++i;
    }
    return i > start;
}

// RFC 8259 number grammar: what may go into the body verbatim.
bool json_number_valid(std::string_view text) {
    std::size_t i = 0;
    if (i < text.size() && text[i] == '-') {
        ++i;
    }
    if (i < text.size() && text[i] == '0') {
        ++i;
    } else if (!digits_skip(text, i)) {
        return false;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        if (!digits_skip(text, i)) {
            return false;
        }
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            ++i;
        }
        if (!digits_skip(text, i)) {
            return false;
        }
    }
    return i == text.size();
}

// A pending line we can send: a JSON array of strings and numbers.
bool pending_line_sendable(const std::string& line) {
    const json doc = json::parse(line, nullptr, false);
    if (!doc.is_array()) {
        return false;
    }
    for (const auto& cell : doc) {
        if (!cell.is_string() && !cell.is_number()) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> pending_read(const std::filesystem::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

// The whole file replaced at once, so a crash leaves the old or the new list.
result<bool> pending_write(const std::filesystem::path& path, const std::vector<std::string>& lines) {
    if (lines.empty()) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        if (ec) {
            return error{fmt::format("{}: cannot remove: {}", path.string(), ec.message())};
        }
        return true;
    }
    std::string bytes;
    for (const auto& line : lines) {
        bytes += line;
        bytes += '\n';
    }
    return file_write_atomic(path, bytes);
}

// Serialises uploads sharing a results directory, across threads and
// processes, so no two read-modify-write the pending file at once. Without the
// lock (a file system without flock) uploads still work, unserialised.
class results_dir_lock {
  public:
    explicit results_dir_lock(const std::filesystem::path& dir)
        : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ >= 0) {
            while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
            }
        }
    }
    ~results_dir_lock() {
        if (fd_ >= 0) {
            ::flock(fd_, LOCK_UN);
            ::close(fd_);
        }
    }
    results_dir_lock(const results_dir_lock&) = delete;
    results_dir_lock& operator=(const results_dir_lock&) = delete;

  private:
    int fd_;
};

std::string rows_text(std::size_t n) {
    return n == 1 ? "1 row" : fmt::format("{} rows", n);
}

std::string api_base_resolve(const sheets_settings& settings) {
    std::string base = settings.api_base;
    if (base.empty()) {
        const char* env = std::getenv(sheets_api_base_env);
        base = (env != nullptr && *env != '\0') ? env : sheets_api_base_default;
    }
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

http_post_request sheets_request(const std::string& url, const std::string& token, double timeout_s) {
    http_post_request request;
    request.url = url;
    request.headers = {"Authorization: Bearer " + token, "Accept: application/json"};
    request.timeout_s = timeout_s;
    request.connect_timeout_s = std::min(timeout_s, request.connect_timeout_s);
    return request;
}

// The token is redacted from the body before the summary shortens it, so no
// cut-off piece of it survives the redaction of the whole message.
std::string reply_failure(const http_post_reply& reply, const std::string& token) {
    if (reply.status != transport_status::OK) {
        return "failed: " + reply.error;
    }
    return "refused (" + google_error_summary(reply.http_status, secrets_redact(reply.body, {token})) + ")";
}

bool reply_ok(const http_post_reply& reply) {
    return reply.status == transport_status::OK && reply.http_status >= 200 && reply.http_status < 300;
}

// gspread's get_worksheet(0): the first entry of the spreadsheet's sheets.
result<std::string> first_sheet_title(const std::string& base, const std::string& id, const std::string& token,
                                      double timeout_s) {
    const std::string url =
        fmt::format("{}/v4/spreadsheets/{}?fields={}", base, id, url_component_encode(first_sheet_title_fields));
    const cancel_flag never_cancelled{false};
    const http_post_reply reply = http_get(sheets_request(url, token, timeout_s), never_cancelled);
    if (!reply_ok(reply)) {
        return error{fmt::format("reading spreadsheet {} {}", id, reply_failure(reply, token))};
    }
    const json doc = json::parse(reply.body, nullptr, false);
    if (doc.is_object()) {
        const auto sheets = doc.find("sheets");
        if (sheets != doc.end() && sheets->is_array() && !sheets->empty()) {
            const json& first = (*sheets)[0];
            if (first.is_object() && first.contains("properties") && first["properties"].is_object()) {
                const json& properties = first["properties"];
                if (const auto title = properties.find("title"); title != properties.end() && title->is_string()) {
                    return title->get<std::string>();
                }
            }
        }
    }
    return error{fmt::format("spreadsheet {}: the answer names no first worksheet", id)};
}

result<bool> row_append(const std::string& base, const std::string& id, const std::string& title,
                        const std::string& row_json, const std::string& token, double timeout_s) {
    const std::string range = sheets_range_quote(title);
    http_post_request request = sheets_request(
        fmt::format("{}/v4/spreadsheets/{}/values/{}:append?{}", base, id, url_component_encode(range), append_query),
        token, timeout_s);
    request.headers.emplace_back("Content-Type: application/json");
    request.body = R"({"values":[)" + row_json + "]}";
    const cancel_flag never_cancelled{false};
    const http_post_reply reply = http_post(request, never_cancelled);
    if (!reply_ok(reply)) {
        return error{fmt::format("appending to {} {}", range, reply_failure(reply, token))};
    }
    return true;
}

std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text;
}

// The shared path of sheets_upload_row and sheets_upload_pending; `row` may be null.
sheets_upload_outcome upload_run(const sheets_settings& settings, const sheets_row* row) {
    sheets_upload_outcome outcome;
    if (settings.spreadsheet_url.empty()) {
        outcome.message = "Google Sheets upload is off (no google_spreadsheet_url)";
        return outcome;
    }
    const std::filesystem::path dir = settings.results_dir.empty() ? std::filesystem::path(".") : settings.results_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const results_dir_lock lock(dir);
    const std::filesystem::path path = dir / sheets_pending_file_name;

    std::vector<std::string> lines = pending_read(path);
    std::string keep_problem;
    if (row != nullptr) {
        lines.push_back(sheets_row_json(*row));
        if (auto kept = pending_write(path, lines); !kept) {
            keep_problem = kept.err().message;
        }
    }
    std::vector<std::string> secrets;
    const auto finish = [&](sheets_upload_outcome done) {
        done.message = secrets_redact(one_line(std::move(done.message)), secrets);
        return done;
    };
    const auto unsent_note = [&]() -> std::string {
        std::string note;
        if (!keep_problem.empty()) {
            note += fmt::format("; the new row could not be kept ({})", keep_problem);
        }
        return note;
    };
    const auto fail = [&](const std::string& reason) {
        outcome.status = sheets_upload_status::PENDING;
        outcome.rows_pending = lines.size();
        outcome.message = fmt::format("Google Sheets upload failed: {}; {} kept in {} for the next upload{}", reason,
                                      rows_text(lines.size()), path.string(), unsent_note());
        return finish(outcome);
    };

    std::size_t sendable = 0;
    for (const auto& line : lines) {
        if (pending_line_sendable(line)) {
            ++sendable;
        }
    }
    if (sendable == 0) {
        outcome.rows_pending = lines.size();
        if (lines.empty()) {
            outcome.status = sheets_upload_status::SENT;
            outcome.message = "Google Sheets: nothing pending";
        } else {
            outcome.status = sheets_upload_status::PENDING;
            outcome.message = fmt::format("Google Sheets: {} in {} cannot be read as rows; left there, not sent",
                                          rows_text(lines.size()), path.string());
        }
        return finish(outcome);
    }

    auto id = sheets_spreadsheet_id(settings.spreadsheet_url);
    if (!id) {
        return fail(id.err().message);
    }
    if (settings.key_file.empty()) {
        return fail(
            fmt::format("no service-account key file (./{}, or ${})", sheets_key_file_name, sheets_credentials_env));
    }
    auto account = google_service_account_read(settings.key_file);
    if (!account) {
        return fail(account.err().message);
    }
    secrets.push_back(account->private_key_pem);
    auto token = google_access_token_fetch(*account, google_sheets_scope, settings.timeout_s);
    if (!token) {
        return fail(token.err().message);
    }
    secrets.push_back(*token);
    const std::string base = api_base_resolve(settings);
    auto title = first_sheet_title(base, *id, *token, settings.timeout_s);
    if (!title) {
        return fail(title.err().message);
    }

    std::string update_problem;
    std::string send_problem;
    std::size_t unreadable = 0;
    std::size_t i = 0;
    while (i < lines.size()) {
        if (!pending_line_sendable(lines[i])) {
            ++unreadable;
            ++i;
            continue;
        }
        auto appended = row_append(base, *id, *title, lines[i], *token, settings.timeout_s);
        if (!appended) {
            send_problem = appended.err().message;
            break;
        }
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
        ++outcome.rows_sent;
        if (auto updated = pending_write(path, lines); !updated) {
            update_problem = updated.err().message;
        }
    }
    outcome.rows_pending = lines.size();
    if (!send_problem.empty()) {
        std::string sent_note =
            outcome.rows_sent > 0 ? fmt::format(" after appending {}", rows_text(outcome.rows_sent)) : "";
        return fail(send_problem + sent_note);
    }
    outcome.status = lines.empty() ? sheets_upload_status::SENT : sheets_upload_status::PENDING;
    outcome.message =
        fmt::format("Google Sheets: appended {} to {}", rows_text(outcome.rows_sent), sheets_range_quote(*title));
    if (unreadable > 0) {
        outcome.message +=
            fmt::format("; {} in {} cannot be read as rows, left there", rows_text(unreadable), path.string());
    }
    if (!update_problem.empty()) {
        outcome.message +=
            fmt::format("; the pending file could not be updated ({}), so sent rows may be sent again", update_problem);
    }
    return finish(outcome);
}

}  // namespace

std::filesystem::path sheets_key_file_resolve(const std::filesystem::path& working_dir) {
    const std::filesystem::path local = working_dir / sheets_key_file_name;
    std::error_code ec;
    if (std::filesystem::exists(local, ec)) {
        return local;
    }
    if (const char* env = std::getenv(sheets_credentials_env); env != nullptr && *env != '\0') {
        return env;
    }
    return {};
}

sheets_settings sheets_settings_make(const std::string& spreadsheet_url, const std::filesystem::path& results_dir) {
    sheets_settings settings;
    settings.spreadsheet_url = spreadsheet_url;
    settings.key_file = sheets_key_file_resolve(".");
    settings.results_dir = results_dir;
    return settings;
}

bool sheets_upload_configured(const sheets_settings& settings) {
    std::error_code ec;
    return !settings.spreadsheet_url.empty() && !settings.key_file.empty() &&
           std::filesystem::is_regular_file(settings.key_file, ec);
}

result<std::string> sheets_spreadsheet_id(const std::string& url_or_id) {
    const std::string_view text = url_or_id;
    const auto marker = text.find(spreadsheet_path_marker);
    std::string_view id;
    if (marker != std::string_view::npos) {
        const std::size_t start = marker + spreadsheet_path_marker.size();
        std::size_t end = start;
        while (end < text.size() && spreadsheet_id_char(text[end])) {
            ++end;
        }
        id = text.substr(start, end - start);
    } else {
        bool bare = !text.empty();
        for (const char c : text) {
            bare = bare && spreadsheet_id_char(c);
        }
        if (bare) {
            id = text;
        }
    }
    if (id.empty()) {
        return error{
            fmt::format("google_spreadsheet_url \"{}\" holds no spreadsheet ID (expected "
                        "https://docs.google.com/spreadsheets/d/ID/edit or the bare ID)",
                        one_line(url_or_id))};
    }
    return std::string(id);
}

std::string sheets_range_quote(const std::string& title) {
    std::string quoted = "'";
    for (const char c : title) {
        quoted += c;
        if (c == '\'') {
            quoted += '\'';
        }
    }
    quoted += '\'';
    return quoted;
}

std::string sheets_row_json(const sheets_row& row) {
    std::string out = "[";
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        if (row[i].number && json_number_valid(row[i].text)) {
            out += row[i].text;
        } else {
            out += json(row[i].text).dump(-1, ' ', false, json::error_handler_t::replace);
        }
    }
    out += ']';
    return out;
}

sheets_row sheets_row_from_results_csv(const std::vector<std::string>& csv_row) {
    sheets_row row;
    row.reserve(csv_row.size());
    for (std::size_t i = 0; i < csv_row.size(); ++i) {
        const bool numeric_column = i == csv_score_column || i == csv_parseable_column || i == csv_iterations_column;
        row.push_back({csv_row[i], numeric_column && json_number_valid(csv_row[i])});
    }
    return row;
}

std::filesystem::path sheets_pending_path(const sheets_settings& settings) {
    const std::filesystem::path dir = settings.results_dir.empty() ? std::filesystem::path(".") : settings.results_dir;
    return dir / sheets_pending_file_name;
}

sheets_upload_outcome sheets_upload_row(const sheets_settings& settings, const sheets_row& row) {
    return upload_run(settings, &row);
}

sheets_upload_outcome sheets_upload_pending(const sheets_settings& settings) {
    return upload_run(settings, nullptr);
}

}  // namespace eqb
