#pragma once
// Reading an LLM judge's Creative Writing answer into criterion -> score pairs
// (SPEC section 7), exactly as the reference reads it: '*', '[' and ']' are
// removed, then every match of (.*?):\s*(?:Score\s+)?(-?\d+(?:\.\d+)?) gives
// name.strip() -> float(score), a later name overwriting the earlier value
// (Python's re.findall on str: Unicode \s and \d, '.' stops at a newline).
// A criterion the judge did not score is absent, never zero.

#include <string_view>

#include "core/answer.hpp"

namespace eqb {

// The judge's criterion scores in first-occurrence order (dict semantics).
emotion_pairs creative_writing_judge_parse(std::string_view answer);

}  // namespace eqb
