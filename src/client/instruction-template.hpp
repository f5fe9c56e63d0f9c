#pragma once
// Instruction templates in the text-generation-webui YAML format (keys `user`,
// `bot`, `turn_template`, `context`, `system_message`), rendered into a raw
// prompt the way the reference's generate_prompt_from_template does.

#include <filesystem>
#include <string>
#include <vector>

#include "client/chat-client.hpp"
#include "core/result.hpp"

namespace eqb {

// The reference's system message for a template whose own is missing or blank:
// empty since v2.4 (generate_prompt_from_template; the older "You are an expert
// in emotional analysis." was removed in June 2024).
constexpr const char* instruction_template_default_system_message = "";

// One template, with every literal backslash-n already turned into a newline
// (as the reference's parse_yaml does for all string values).
struct instruction_template {
    std::string name;            // the file stem, e.g. "ChatML"; used in messages
    std::string user;            // replaces <|user|>
    std::string bot;             // replaces <|bot|>
    std::string turn_template;   // holds <|user|>, <|user-message|>, <|bot|>, <|bot-message|>
    std::string context;         // the prompt's start; may hold <|system-message|>; "" when absent
    std::string system_message;  // replaces <|system-message|>; may be empty
};

// Parses template YAML; errors (naming `name`) on bad YAML, a missing
// turn_template, or a Jinja-only `instruction_template`.
result<instruction_template> instruction_template_parse(const std::string& yaml_text, const std::string& name);

// Reads and parses a template file; the name is the file stem.
result<instruction_template> instruction_template_load(const std::filesystem::path& path);

// Renders a conversation into the prompt the model continues: context (with
// <|system-message|> replaced by the request's system messages, else the
// template's system_message, else the reference default), one full turn per
// user/assistant pair, then the last user turn cut off at <|bot-message|>
// (followed by the assistant text when the conversation ends with one).
std::string instruction_template_render(const instruction_template& tmpl, const std::vector<chat_message>& messages);

}  // namespace eqb
