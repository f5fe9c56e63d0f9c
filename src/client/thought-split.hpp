#pragma once
// A reasoning model's thought and its answer, told apart in the answer text.
// The delimiters are data (src/client/thought-formats.json, embedded at build
// time): a new model's markers need no C++.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// A thought between `open` and `close` (e.g. <think> ... </think>).
struct thought_block_format {
    std::string name;
    std::string open;
    std::string close;
};

// A text of named channels (gpt-oss harmony: `<|channel|>NAME<|message|>BODY<|end|>`);
// only `answer_channel` is the answer, every other channel is thought.
struct thought_channel_format {
    std::string name;
    std::string channel;            // starts a channel's header
    std::string message;            // ends the header, starts the body
    std::vector<std::string> ends;  // any of these ends a body
    std::string answer_channel;
};

struct thought_formats {
    std::vector<thought_block_format> blocks;
    std::vector<thought_channel_format> channels;
};

// Reads a formats file ({"blocks": [...], "channels": [...]}); the error names
// `label` and the field.
result<thought_formats> thought_formats_parse(const std::string& json_text, const std::string& label);

// The shipped formats (thought-formats.json).
const thought_formats& thought_formats_builtin();

struct thought_split_result {
    std::string answer;         // the whole text when no thought was found
    std::string thought;        // "" when none
    bool unterminated = false;  // a thought that never ended (the output limit cut it): `answer` is empty
    std::string format;         // the name of the format that matched; "" when none
};

// Splits `text`: leading thought blocks (nested ones counted), a thought the
// chat template opened (a close with no open before it), or channels. The
// answer after a block loses its leading whitespace; nothing else changes.
thought_split_result thought_split(std::string_view text, const thought_formats& formats = thought_formats_builtin());

}  // namespace eqb
