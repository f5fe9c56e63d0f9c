#pragma once
// Google service-account authentication for the Sheets upload: the key file,
// the RS256-signed JWT grant (RFC 7523) and its exchange for an access token,
// as google-auth does it for gspread. OpenSSL stays in the .cpp.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// The JWT's audience: google-auth puts Google's token endpoint here whatever
// the key file's token_uri says (only the POST goes to token_uri).
constexpr const char* google_token_audience = "https://oauth2.googleapis.com/token";
// token_uri when the key file has none (oauth2client's GOOGLE_TOKEN_URI).
constexpr const char* google_token_uri_default = "https://oauth2.googleapis.com/token";
// Enough for spreadsheets.get and spreadsheets.values.append; nothing wider.
constexpr const char* google_sheets_scope = "https://www.googleapis.com/auth/spreadsheets";
// google-auth's _DEFAULT_TOKEN_LIFETIME_SECS: exp = iat + one hour.
constexpr std::int64_t google_jwt_lifetime_s = 3600;

// A service-account key as read from its JSON file. private_key_pem is the
// secret: never print, log or store it.
struct google_service_account {
    std::string client_email;
    std::string private_key_pem;
    std::string private_key_id;  // the JWT header's "kid"; empty when the file has none
    std::string token_uri;       // google_token_uri_default when the file has none
};

// Reads a key file (type "service_account", client_email, private_key,
// optional private_key_id and token_uri). Errors name the file and the field
// and never quote the key.
result<google_service_account> google_service_account_read(const std::filesystem::path& key_file);

// The signed grant assertion header.claims.signature (base64url, unpadded),
// issued at `now_s` (Unix seconds) for `scope`. The error names no key text.
result<std::string> google_jwt_assertion_make(const google_service_account& account, const std::string& scope,
                                              std::int64_t now_s);

// Exchanges a fresh assertion at account.token_uri for an access token;
// blocks up to timeout_s. The error is one line naming the endpoint and the
// reason, with the assertion and any token redacted.
result<std::string> google_access_token_fetch(const google_service_account& account, const std::string& scope,
                                              double timeout_s);

// RFC 4648 section 5 base64url without '=' padding.
std::string base64url_encode(std::string_view bytes);

// Percent-encodes everything but the RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~), as Python's urllib quote(safe="") does.
std::string url_component_encode(std::string_view text);

// `text` with every occurrence of each non-empty secret replaced by "[redacted]".
std::string secrets_redact(std::string text, const std::vector<std::string>& secrets);

// "HTTP 403 PERMISSION_DENIED: message" from a Google error body (the Sheets
// {"error":{...}} form or OAuth's {"error","error_description"}), on one line
// and at most a few hundred characters; "HTTP 403" when the body says nothing.
std::string google_error_summary(int http_status, const std::string& body);

}  // namespace eqb
