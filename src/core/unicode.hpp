#pragma once
// Unicode helpers that reproduce Python 3's str semantics where the reference
// pipeline relies on them: the Unicode-aware \w \d \s of `re`, and float() of a
// string of (any script's) decimal digits.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace eqb {

// Rewrites a regex written in Python syntax so that RE2 reads \w, \d, \s (and
// \D, \S, \W outside classes) as Python 3 does on str: \w = [\p{L}\p{N}_],
// \d = \p{Nd}, \s = Python's whitespace set. Errors on constructs RE2 cannot
// express (\W, \D or \S inside a character class).
result<std::string> python_regex_to_re2(std::string_view pattern);

// Decodes one UTF-8 code point at `pos`, advancing it. Invalid or truncated
// sequences yield U+FFFD and advance by one byte, so any input terminates.
char32_t utf8_decode(std::string_view text, std::size_t& pos);

// True when `text` is well-formed UTF-8 (what any JSON string decodes to).
bool utf8_valid(std::string_view text);

// Appends `cp` encoded as UTF-8.
void utf8_append(std::string& out, char32_t cp);

// Python's \w, \s and \d on str for one code point.
bool python_is_word(char32_t cp);
bool python_is_space(char32_t cp);
bool python_is_digit(char32_t cp);

// The value 0-9 of a Unicode decimal digit (category Nd), or -1.
int unicode_digit_value(char32_t cp);

// Python's float() of `text`: decimal digits of any script, optional sign,
// optional fraction with '.', surrounding whitespace. nullopt if not a number.
std::optional<double> python_float(std::string_view text);

// Folds full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space to
// their ASCII counterparts, and half-width katakana (with their voiced sound
// marks) to full-width katakana, as NFKC does for them; other text is unchanged.
std::string fold_fullwidth(std::string_view text);

// Python's str.lower() (full Unicode table, generated); invalid UTF-8 bytes are
// copied through unchanged.
std::string unicode_lower(std::string_view text);

// a.lower() == b.lower() in Python; allocation-free when both are ASCII.
bool unicode_equal_lower(std::string_view a, std::string_view b);

}  // namespace eqb
