#pragma once
// Python str operations the reference pipelines apply to prompts and answers,
// with Python's semantics (Unicode whitespace, str.format's braces).

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace eqb {

// Python's str.strip(), lstrip() and rstrip() without arguments: removes the
// code points str.isspace() accepts (Unicode whitespace, not only ASCII).
std::string python_strip(std::string_view text);
std::string python_lstrip(std::string_view text);
std::string python_rstrip(std::string_view text);

// Python's template.format(**fields) for templates with named fields only:
// `{name}` becomes fields[name] (one pass: substituted text is never scanned
// again), `{{` and `}}` are literal braces. The errors are Python's:
// a field not in `fields` (KeyError), a single `}` or an unclosed `{`
// (ValueError), and fields with a conversion, format spec, index or attribute
// (not used by the reference's templates).
result<std::string> python_format(std::string_view format_template, const std::map<std::string, std::string>& fields);

// The number of code points in UTF-8 text (Python's len() of a str).
std::size_t python_len(std::string_view text);

// Python's text[:n] on a str: the first `n` code points of UTF-8 text.
std::string python_prefix(std::string_view text, std::size_t n);

}  // namespace eqb
