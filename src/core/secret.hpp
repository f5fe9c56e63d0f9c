#pragma once
// Keeping API keys out of what eqbench writes. A key is redacted only where it
// can leak (errors, request headers and URLs in logs, response bodies a server
// may echo it in), as a whole token, and only when it is long enough to be a
// secret: a placeholder such as `e` or `none` cannot be told apart from text,
// and model answers are data that is never rewritten.

#include <string>
#include <string_view>

namespace eqb {

// Keys shorter than this are not redacted (they would match ordinary text).
constexpr std::size_t secret_min_redacted_chars = 8;

// The marker that replaces a redacted key.
constexpr std::string_view secret_redacted_marker = "[REDACTED]";

// True when `secret` is long enough to be redacted.
bool secret_redactable(std::string_view secret);

// `text` with every whole-token occurrence of `secret` replaced by the marker:
// an occurrence counts only when the characters around it are not key
// characters (ASCII letters, digits, '-', '_', '.'). Unchanged when `secret`
// is not redactable.
std::string secret_redact(std::string_view text, std::string_view secret);

// The one-line note for a key too short to be redacted, naming where it came
// from (`source`, e.g. "OPENAI_API_KEY"), never the key; "" for a key that is
// empty or redactable.
std::string secret_short_key_note(std::string_view secret, std::string_view source);

}  // namespace eqb
