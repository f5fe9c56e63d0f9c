#pragma once
// Checking an EQ-Bench question set (`eqbench data check`): structure, emotions
// listed in the prompt, reference scores against the English source, the
// pack's fixed sentences, untranslated fragments, and the name line's
// character in the dialogue.

#include <string>
#include <string_view>
#include <vector>

#include "core/language.hpp"

namespace eqb {

// One finding. `kind`: structure, emotion_not_in_prompt, emotion_mismatch,
// score_differs_from_source, missing_in_source, marker_missing, untranslated,
// name_line_missing, name_not_in_dialogue.
struct dataset_finding {
    std::string id;  // question id ("" for the whole file)
    std::string kind;
    std::string detail;
};

// Checks `bytes` (a question file named `display_name`) with `pack`; `source`
// (the English set's bytes, may be empty) is the reference for the scores.
// Never throws for any input.
std::vector<dataset_finding> dataset_check(std::string_view bytes, std::string_view display_name,
                                           const language_pack& pack, std::string_view source);

}  // namespace eqb
