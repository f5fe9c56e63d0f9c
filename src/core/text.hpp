#pragma once
// Small text helpers shared by the modules (ASCII whitespace, as config files
// and command lines use it).

#include <string>
#include <utility>
#include <vector>

namespace eqb {

// Whether `c` is ASCII whitespace (space, \t, \r, \n, \f, \v).
bool text_is_space(char c);

// `text` with every occurrence of `from` (non-empty) replaced by `to`, left to right.
std::string text_replace_all(std::string text, const std::string& from, const std::string& to);

// `text` with each of the `values` keys replaced by its value in one pass: the
// first key (in the order given) that matches at a position wins, and text a
// value brings in is never scanned again (a piece quoting a placeholder stays).
std::string text_substitute(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values);

// `text` without leading and trailing ASCII whitespace (space, \t, \r, \n, \f, \v).
std::string text_strip(const std::string& text);

// `text` without trailing ASCII whitespace.
std::string text_rstrip(const std::string& text);

// `text` made safe as part of a file name: every byte other than ASCII letters,
// digits, '-', '.' and '_' becomes '_' (e.g. "org/model" -> "org_model").
std::string text_file_name_part(const std::string& text);

// `word` quoted for /bin/sh when it needs it (single quotes; braces of
// command templates stay bare).
std::string shell_quote(const std::string& word);

// The candidate closest to `word` by edit distance (insertions, deletions,
// substitutions and swaps of neighbours), when it is at most `max_distance`
// away; "" otherwise. For "did you mean" hints.
std::string text_closest(const std::string& word, const std::vector<std::string>& candidates,
                         std::size_t max_distance = 2);

// The local time now as "YYYY-MM-DD HH:MM:SS", as the reference prints it.
std::string local_timestamp();

}  // namespace eqb
