#pragma once
// Translating an EQ-Bench question set with any configured engine: items are
// asked concurrently, each answer is validated before it is accepted (valid
// JSON, the same keys, 4 emotions listed in the prompt, scores unchanged,
// markers consistent, the name line's character in the dialogue) and stored at
// once, so a killed run resumes where it stopped; a rejected answer is asked
// again with the reason; an item that never passes is reported, never fatal.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <memory>

#include "core/language.hpp"
#include "run/benchmark.hpp"

namespace eqb {

struct translate_settings {
    std::filesystem::path source;     // the question set to translate
    std::filesystem::path out;        // the translated set (written atomically, source order)
    std::string to;                   // the target language as the model is told (e.g. "Japanese" or "ja")
    bool half = false;                // translate the dialogue and the name only
    std::string model;                // for the run key and metadata
    int tries = 3;                    // answers per item before it is reported as failed
    bool check_markers = true;        // false: the check pack knows nothing of the target's fixed sentences
    bool translate_criteria = false;  // Creative Writing files: translate the judging criteria too
};

struct translate_outcome {
    std::string key;
    bool writing = false;  // a Creative Writing prompt file (its items are prompts, not questions)
    bool written = false;  // the output file was written (nothing is written when nothing was accepted)
    int total = 0;
    int accepted = 0;                                           // including those found in the store
    int reused = 0;                                             // found in the store (resume)
    std::vector<std::pair<std::string, std::string>> failures;  // question id, last reason
    bool interrupted = false;
    std::string error;
};

// Translating settings.source into settings.out on the engine, one task per
// item: an EQ-Bench question set, or a Creative Writing prompt file (items with
// "writing_prompt": the prompt and its seed modifiers are translated; criteria
// stay as they are unless asked, and the judge's reference output stays as it
// is). `check_pack` validates the answers (markers, name line): the target's
// pack, or for half mode the source's. The output is written by write_exports.
class translate_benchmark : public benchmark {
  public:
    // What the last summarize found.
    virtual const translate_outcome& outcome() const = 0;
};

// Errors: unreadable or malformed input.
result<std::unique_ptr<translate_benchmark>> translate_create(const translate_settings& settings,
                                                              const language_pack& check_pack);

// The request for one item (exposed for tests): the instructions, the reason
// the previous answer was rejected (if any), and the item's JSON.
std::string translate_request_text(const translate_settings& settings, const std::string& id,
                                   const std::string& item_json, const std::string& rejection, bool writing);

// Validates one answer for item `id` against the source item; "" when accepted,
// else the reasons. `accepted_json` receives the item's JSON (compact).
std::string translate_validate(const std::string& answer, const std::string& id, const std::string& source_item_json,
                               const language_pack& check_pack, bool check_markers, std::string& accepted_json);

// The same for a Creative Writing prompt item: same keys, the <SEED> marker kept,
// as many seed modifiers, criteria (and the reference output) unchanged unless
// `criteria_translated`.
std::string translate_validate_writing(const std::string& answer, const std::string& source_item_json,
                                       bool criteria_translated, std::string& accepted_json);

}  // namespace eqb
