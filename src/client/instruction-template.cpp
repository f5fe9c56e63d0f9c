#include "client/instruction-template.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>
#include <utility>

#include "core/text.hpp"

namespace eqb {

namespace {

constexpr const char* placeholder_user = "<|user|>";
constexpr const char* placeholder_bot = "<|bot|>";
constexpr const char* placeholder_user_message = "<|user-message|>";
constexpr const char* placeholder_bot_message = "<|bot-message|>";
constexpr const char* placeholder_system_message = "<|system-message|>";

bool is_blank(const std::string& text) {
    return text.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

result<std::string> string_field(const YAML::Node& root, const char* key, const std::string& name) {
    const YAML::Node node = root[key];
    if (!node.IsDefined() || node.IsNull()) {
        return std::string();
    }
    if (!node.IsScalar()) {
        return error{"instruction template " + name + ": `" + key + "` is not a string"};
    }
    // The reference turns every literal backslash-n into a newline after YAML
    // parsing; unquoted scalars such as ChatML's turn_template rely on it.
    return text_replace_all(node.Scalar(), "\\n", "\n");
}

}  // namespace

result<instruction_template> instruction_template_parse(const std::string& yaml_text, const std::string& name) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        return error{"instruction template " + name + " is not valid YAML: " + e.what()};
    }
    if (!root.IsMap()) {
        return error{"instruction template " + name + " is not a YAML mapping"};
    }
    if (!root["turn_template"].IsDefined() && root["instruction_template"].IsDefined()) {
        return error{"template " + name +
                     " uses a Jinja instruction_template, which eqbench cannot render; use the openai engine against a "
                     "server that applies the model's chat template"};
    }
    if (!root["turn_template"].IsDefined()) {
        return error{"instruction template " + name + " has no turn_template"};
    }
    instruction_template tmpl;
    tmpl.name = name;
    const std::pair<const char*, std::string*> fields[] = {
        {"user", &tmpl.user},
        {"bot", &tmpl.bot},
        {"turn_template", &tmpl.turn_template},
        {"context", &tmpl.context},
        {"system_message", &tmpl.system_message},
    };
    for (const auto& [key, target] : fields) {
        auto value = string_field(root, key, name);
        if (!value) {
            return value.err();
        }
        *target = std::move(*value);
    }
    if (tmpl.turn_template.find(placeholder_user_message) == std::string::npos) {
        return error{"instruction template " + name + ": turn_template has no <|user-message|>"};
    }
    return tmpl;
}

result<instruction_template> instruction_template_load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{"cannot read instruction template " + path.string()};
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return error{"cannot read instruction template " + path.string()};
    }
    return instruction_template_parse(text, path.stem().string());
}

std::string instruction_template_render(const instruction_template& tmpl, const std::vector<chat_message>& messages) {
    std::string system_text;
    for (const auto& message : messages) {
        if (message.role == "system" && !is_blank(message.content)) {
            system_text += system_text.empty() ? message.content : "\n\n" + message.content;
        }
    }
    if (system_text.empty()) {
        system_text = is_blank(tmpl.system_message) ? instruction_template_default_system_message : tmpl.system_message;
    }
    std::string prompt = text_substitute(tmpl.context, {{placeholder_system_message, system_text}});

    // The reference names the speakers first, then cuts at <|bot-message|>,
    // then inserts the user message.
    const std::string named_turn =
        text_substitute(tmpl.turn_template, {{placeholder_user, tmpl.user}, {placeholder_bot, tmpl.bot}});
    const std::string open_turn = named_turn.substr(0, named_turn.find(placeholder_bot_message));

    std::string pending_user;
    bool has_pending_user = false;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& message = messages[i];
        if (message.role == "user") {
            if (has_pending_user) {
                prompt += text_substitute(named_turn,
                                          {{placeholder_user_message, pending_user}, {placeholder_bot_message, ""}});
            }
            pending_user = message.content;
            has_pending_user = true;
        } else if (message.role == "assistant") {
            if (i + 1 == messages.size()) {
                // A final assistant message is a prefix the model continues.
                prompt += text_substitute(open_turn, {{placeholder_user_message, pending_user}}) + message.content;
                return prompt;
            }
            prompt += text_substitute(
                named_turn, {{placeholder_user_message, pending_user}, {placeholder_bot_message, message.content}});
            pending_user.clear();
            has_pending_user = false;
        }
    }
    prompt += text_substitute(open_turn, {{placeholder_user_message, pending_user}});
    return prompt;
}

}  // namespace eqb
