#pragma once
// Reading the JSON in a judge's answer exactly as the reference does
// (utils/utils.py robust_json_loads over Python's json.loads), into values
// that keep what Python keeps: member order, ints apart from floats, NaN and
// Infinity, lone surrogates.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace eqb::eq3 {

struct py_member;

// A value as Python's json.loads returns it.
struct py_value {
    enum class kind { NONE, BOOL, INT, FLOAT, STRING, LIST, DICT };
    kind type = kind::NONE;
    bool boolean = false;         // BOOL
    double number = 0.0;          // FLOAT: the value; INT: float(value), correctly rounded
    bool int_overflow = false;    // INT too large for a float: Python's float(value) raises OverflowError
    std::string text;             // STRING: the text as UTF-8 (a lone surrogate as its 3-byte form); INT: repr()
    std::vector<py_value> items;  // LIST
    std::vector<py_member>
        members;  // DICT: first-insertion order; a repeated key keeps its place, takes the last value

    // The member named `key`, or nullptr (DICT only).
    const py_value* find(std::string_view key) const;
};

struct py_member {
    std::string key;
    py_value value;
};

// Why a json.loads failed: a JSONDecodeError (the reference's reader then tries
// its repairs), or another exception Python raises while decoding (an int of
// more than 4300 digits: ValueError; nesting too deep: RecursionError), which
// the reference does not catch there.
enum class json_failure { DECODE, OTHER };

struct json_error {
    json_failure failure = json_failure::DECODE;
    std::string message;  // where and why, e.g. "Expecting ',' delimiter at offset 42"
};

// Python's json.loads(text) with its defaults (strict strings, NaN/Infinity
// accepted, whitespace " \t\n\r", nothing after the value).
struct json_loads_result {
    bool ok = false;
    py_value value;
    json_error err;
};
json_loads_result python_json_loads(std::string_view text);

// The reference's robust_json_loads: when the text holds "```json" more than
// once, only what follows the last one; lines (Python's str.splitlines) whose
// lstrip starts with "```" dropped, the rest joined with \n and stripped; the
// first balanced {...} outside strings; json.loads of it, and on a decode
// error again after escaping raw newlines inside strings and then every quote
// inside a string not followed (after whitespace) by , } ] or :.
// The error says why no object could be read.
result<py_value> judge_json_read(std::string_view judge_answer);

// Python's str(value): a string as it is, None/True/False, int digits, float
// repr, and repr() of lists and dicts (non-printable characters in nested
// strings escaped as repr does for the common ones).
std::string python_str(const py_value& value);

}  // namespace eqb::eq3
