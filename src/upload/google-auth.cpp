#include "upload/google-auth.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <utility>

#include "client/http-transport.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"

namespace eqb {

namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* service_account_type = "service_account";
constexpr const char* jwt_bearer_grant_type = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr const char* redaction_mark = "[redacted]";
constexpr std::size_t error_summary_max_code_points = 300;
constexpr double token_connect_timeout_s = 15.0;

struct bio_deleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct evp_pkey_deleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct evp_md_ctx_deleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// An encrypted PEM must fail, never prompt on the terminal for a passphrase.
int passphrase_refuse(char*, int, int, void*) {
    return 0;
}

// Dumps with invalid UTF-8 replaced rather than thrown on.
std::string json_dump(const ojson& value) {
    return value.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

result<std::string> string_field(const ojson& doc, const char* field, const std::string& file, bool required) {
    const auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) {
        if (required) {
            return error{fmt::format("{}: field \"{}\" is missing", file, field)};
        }
        return std::string();
    }
    if (!it->is_string()) {
        return error{fmt::format("{}: field \"{}\" is not a string", file, field)};
    }
    if (required && it->get_ref<const std::string&>().empty()) {
        return error{fmt::format("{}: field \"{}\" is empty", file, field)};
    }
    return it->get<std::string>();
}

result<std::unique_ptr<EVP_PKEY, evp_pkey_deleter>> rsa_key_load(const std::string& pem) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX)) {
        return error{"is too long"};
    }
    std::unique_ptr<BIO, bio_deleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) {
        return error{"could not be read (out of memory)"};
    }
    std::unique_ptr<EVP_PKEY, evp_pkey_deleter> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_refuse, nullptr));
    // OpenSSL's queued reasons are not needed: they would only repeat "bad PEM".
    ERR_clear_error();
    if (!key) {
        return error{"is not a PEM private key (an unencrypted \"-----BEGIN PRIVATE KEY-----\" block)"};
    }
    if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
        return error{"is not an RSA key (RS256 needs one)"};
    }
    return key;
}

result<std::string> rs256_sign(EVP_PKEY* key, std::string_view input) {
    std::unique_ptr<EVP_MD_CTX, evp_md_ctx_deleter> ctx(EVP_MD_CTX_new());
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1) {
        ERR_clear_error();
        return error{"signing the JWT failed"};
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data, input.size()) !=
        1) {
        ERR_clear_error();
        return error{"signing the JWT failed"};
    }
    signature.resize(length);
    return signature;
}

std::string one_line(std::string text) {
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = ' ';
        }
    }
    return text;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    if (bytes.empty()) {
        return "";
    }
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (char& c : out) {
        if (c == '+') {
            c = '-';
        } else if (c == '/') {
            c = '_';
        }
    }
    return out;
}

std::string url_component_encode(std::string_view text) {
    constexpr const char* hex_digits = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex_digits[c >> 4];
            out += hex_digits[c & 0x0f];
        }
    }
    return out;
}

std::string secrets_redact(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (!secret.empty()) {
            text = text_replace_all(std::move(text), secret, redaction_mark);
        }
    }
    return text;
}

std::string google_error_summary(int http_status, const std::string& body) {
    std::string summary = fmt::format("HTTP {}", http_status);
    const ojson doc = ojson::parse(body, nullptr, false);
    if (!doc.is_object()) {
        return summary;
    }
    std::string code;
    std::string detail;
    const auto err = doc.find("error");
    if (err != doc.end() && err->is_object()) {
        code = err->value("status", std::string());
        detail = err->value("message", std::string());
    } else if (err != doc.end() && err->is_string()) {
        code = err->get<std::string>();
        detail = doc.value("error_description", std::string());
    }
    if (!code.empty()) {
        summary += " " + code;
    }
    if (!detail.empty()) {
        summary += ": " + detail;
    }
    return python_prefix(one_line(summary), error_summary_max_code_points);
}

result<google_service_account> google_service_account_read(const std::filesystem::path& key_file) {
    const std::string file = key_file.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(key_file, ec)) {
        return error{fmt::format("{}: service-account key file not found", file)};
    }
    std::ifstream in(key_file, std::ios::binary);
    if (!in) {
        return error{fmt::format("{}: cannot read the service-account key file", file)};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const ojson doc = ojson::parse(bytes, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return error{fmt::format("{}: not a JSON object (expected a Google service-account key file)", file)};
    }
    auto type = string_field(doc, "type", file, true);
    if (!type) {
        return type.err();
    }
    if (*type != service_account_type) {
        return error{
            fmt::format("{}: field \"type\" is \"{}\", expected \"{}\"", file, one_line(*type), service_account_type)};
    }
    google_service_account account;
    const std::pair<const char*, std::string*> required[] = {{"client_email", &account.client_email},
                                                             {"private_key", &account.private_key_pem}};
    for (const auto& [field, target] : required) {
        auto value = string_field(doc, field, file, true);
        if (!value) {
            return value.err();
        }
        *target = std::move(*value);
    }
    auto key_id = string_field(doc, "private_key_id", file, false);
    auto token_uri = string_field(doc, "token_uri", file, false);
    if (!key_id) {
        return key_id.err();
    }
    if (!token_uri) {
        return token_uri.err();
    }
    account.private_key_id = std::move(*key_id);
    account.token_uri = token_uri->empty() ? std::string(google_token_uri_default) : std::move(*token_uri);
    // Checked now, so a bad key is reported as the key file's fault before any request.
    if (auto key = rsa_key_load(account.private_key_pem); !key) {
        return error{fmt::format("{}: field \"private_key\" {}", file, key.err().message)};
    }
    return account;
}

result<std::string> google_jwt_assertion_make(const google_service_account& account, const std::string& scope,
                                              std::int64_t now_s) {
    auto key = rsa_key_load(account.private_key_pem);
    if (!key) {
        return error{"the service-account field \"private_key\" " + key.err().message};
    }
    ojson header = {{"alg", "RS256"}, {"typ", "JWT"}};
    if (!account.private_key_id.empty()) {
        header["kid"] = account.private_key_id;
    }
    const ojson claims = {{"iss", account.client_email},
                          {"scope", scope},
                          {"aud", google_token_audience},
                          {"iat", now_s},
                          {"exp", now_s + google_jwt_lifetime_s}};
    const std::string signing_input = base64url_encode(json_dump(header)) + "." + base64url_encode(json_dump(claims));
    auto signature = rs256_sign(key->get(), signing_input);
    if (!signature) {
        return signature.err();
    }
    return signing_input + "." + base64url_encode(*signature);
}

result<std::string> google_access_token_fetch(const google_service_account& account, const std::string& scope,
                                              double timeout_s) {
    auto assertion = google_jwt_assertion_make(account, scope, static_cast<std::int64_t>(std::time(nullptr)));
    if (!assertion) {
        return assertion.err();
    }
    http_post_request request;
    request.url = account.token_uri;
    request.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
    request.body =
        "grant_type=" + url_component_encode(jwt_bearer_grant_type) + "&assertion=" + url_component_encode(*assertion);
    request.timeout_s = timeout_s;
    request.connect_timeout_s = std::min(timeout_s, token_connect_timeout_s);
    const cancel_flag never_cancelled{false};
    const http_post_reply reply = http_post(request, never_cancelled);

    std::vector<std::string> secrets = {*assertion};
    const ojson doc = ojson::parse(reply.body, nullptr, false);
    if (doc.is_object()) {
        if (const auto token = doc.find("access_token"); token != doc.end() && token->is_string()) {
            secrets.push_back(token->get<std::string>());
        }
    }
    const auto fail = [&](const std::string& reason) {
        return error{
            secrets_redact(one_line(fmt::format("token request to {} {}", account.token_uri, reason)), secrets)};
    };
    if (reply.status != transport_status::OK) {
        return fail("failed: " + reply.error);
    }
    if (reply.http_status < 200 || reply.http_status >= 300) {
        // Redacted before the summary shortens it, so no cut-off secret survives.
        return fail("refused (" + google_error_summary(reply.http_status, secrets_redact(reply.body, secrets)) + ")");
    }
    if (secrets.size() < 2 || secrets[1].empty()) {
        return fail(fmt::format("answered HTTP {} without an access_token", reply.http_status));
    }
    return secrets[1];
}

}  // namespace eqb
