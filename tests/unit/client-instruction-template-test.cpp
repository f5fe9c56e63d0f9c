// Instruction templates rendered as the reference's generate_prompt_from_template
// does; expected strings are derived by hand from the shipped YAML files.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/instruction-template.hpp"
#include "tests/support/test-support.hpp"

namespace {

std::filesystem::path template_path(const std::string& name) {
    return eqb::test::data_dir() / "instruction-templates" / (name + ".yaml");
}

std::vector<eqb::chat_message> user_only(const std::string& text) {
    return {{"user", text}};
}

struct render_case {
    const char* template_name;
    const char* expected;
};

TEST(instruction_template, renders_shipped_templates_for_one_user_message) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/Alpaca.yaml", "instruction-templates/ChatML.yaml",
                         "instruction-templates/Llama-v2.yaml", "instruction-templates/Vicuna-v1.1.yaml",
                         "instruction-templates/Mistral.yaml");
    const render_case cases[] = {
        {"Alpaca",
         "Below is an instruction that describes a task. Write a response that appropriately completes the "
         "request.\n\n### Instruction:\nHow do they feel?\n\n### Response:\n"},
        // Unquoted turn_template: the literal \n are turned into newlines; no
        // system_message, so the reference's default, empty since v2.4, is used.
        {"ChatML",
         "<|im_start|>system\n<|im_end|>\n<|im_start|>user\nHow do they "
         "feel?<|im_end|>\n<|im_start|>assistant\n"},
        {"Llama-v2", "[INST] <<SYS>>\nAnswer the questions.\n<</SYS>>\n\nHow do they feel? [/INST] "},
        {"Vicuna-v1.1",
         "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, "
         "detailed, and polite answers to the user's questions.\n\nUSER: How do they feel?\nASSISTANT: "},
        // Empty context and system message.
        {"Mistral", "[INST] How do they feel? [/INST]"},
    };
    for (const auto& c : cases) {
        auto tmpl = eqb::instruction_template_load(template_path(c.template_name));
        ASSERT_TRUE(tmpl.ok()) << c.template_name << ": " << tmpl.err().message;
        EXPECT_EQ(tmpl->name, c.template_name);
        EXPECT_EQ(eqb::instruction_template_render(*tmpl, user_only("How do they feel?")), c.expected)
            << c.template_name;
    }
}

TEST(instruction_template, request_system_message_replaces_the_templates) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/Llama-v2.yaml");
    auto tmpl = eqb::instruction_template_load(template_path("Llama-v2"));
    ASSERT_TRUE(tmpl.ok()) << tmpl.err().message;
    const std::vector<eqb::chat_message> messages = {{"system", "Be brief."}, {"user", "Hi"}};
    EXPECT_EQ(eqb::instruction_template_render(*tmpl, messages), "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] ");
}

TEST(instruction_template, renders_history_and_a_final_assistant_prefix) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/Vicuna-v1.1.yaml");
    auto tmpl = eqb::instruction_template_load(template_path("Vicuna-v1.1"));
    ASSERT_TRUE(tmpl.ok()) << tmpl.err().message;
    const std::string system = tmpl->system_message;
    const std::vector<eqb::chat_message> history = {{"user", "A"}, {"assistant", "B"}, {"user", "C"}};
    EXPECT_EQ(eqb::instruction_template_render(*tmpl, history),
              system + "\n\nUSER: A\nASSISTANT: B</s>\nUSER: C\nASSISTANT: ");
    const std::vector<eqb::chat_message> prefill = {{"user", "A"}, {"assistant", "Sure"}};
    EXPECT_EQ(eqb::instruction_template_render(*tmpl, prefill), system + "\n\nUSER: A\nASSISTANT: Sure");
}

TEST(instruction_template, user_text_is_inserted_verbatim) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/Alpaca.yaml");
    auto tmpl = eqb::instruction_template_load(template_path("Alpaca"));
    ASSERT_TRUE(tmpl.ok()) << tmpl.err().message;
    const std::string rendered = eqb::instruction_template_render(*tmpl, user_only("quote <|bot-message|> \\n here"));
    EXPECT_NE(rendered.find("quote <|bot-message|> \\n here\n\n### Response:\n"), std::string::npos) << rendered;
}

TEST(instruction_template, literal_backslash_n_becomes_a_newline_in_every_field) {
    auto tmpl = eqb::instruction_template_parse(
        "user: 'U\\n'\nbot: \"B\\\\n\"\nturn_template: '<|user|><|user-message|>\\n<|bot|><|bot-message|>'\n"
        "context: '<|system-message|>\\n'\nsystem_message: 'S\\nT'\n",
        "inline");
    ASSERT_TRUE(tmpl.ok()) << tmpl.err().message;
    EXPECT_EQ(tmpl->user, "U\n");
    EXPECT_EQ(tmpl->bot, "B\n");
    EXPECT_EQ(eqb::instruction_template_render(*tmpl, user_only("q")), "S\nT\nU\nq\nB\n");
}

TEST(instruction_template, missing_context_renders_without_one) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/Open Assistant.yaml");
    auto tmpl = eqb::instruction_template_load(template_path("Open Assistant"));
    ASSERT_TRUE(tmpl.ok()) << tmpl.err().message;
    EXPECT_EQ(tmpl->context, "");
    EXPECT_EQ(eqb::instruction_template_render(*tmpl, user_only("q")), "<|prompter|>q<|endoftext|><|assistant|>");
}

TEST(instruction_template, jinja_template_is_refused_with_a_clear_message) {
    auto tmpl = eqb::instruction_template_parse(
        "instruction_template: |-\n  {%- for message in messages %}{{ message['content'] }}{%- endfor -%}\n",
        "Jinja-One");
    ASSERT_FALSE(tmpl.ok());
    EXPECT_EQ(
        tmpl.err().message,
        "template Jinja-One uses a Jinja instruction_template, which eqbench cannot render; use the openai engine "
        "against a server that applies the model's chat template");
}

TEST(instruction_template, bad_inputs_are_errors_naming_the_template) {
    const std::pair<const char*, const char*> cases[] = {
        {"user: [unclosed", "not valid YAML"},
        {"- a\n- b\n", "not a YAML mapping"},
        {"user: u\nbot: b\n", "has no turn_template"},
        {"turn_template: '<|user|><|bot|>'\n", "has no <|user-message|>"},
        {"turn_template: '<|user-message|>'\nuser: [a, b]\n", "`user` is not a string"},
    };
    for (const auto& [yaml, expected] : cases) {
        auto tmpl = eqb::instruction_template_parse(yaml, "Broken");
        ASSERT_FALSE(tmpl.ok()) << yaml;
        EXPECT_NE(tmpl.err().message.find("Broken"), std::string::npos) << tmpl.err().message;
        EXPECT_NE(tmpl.err().message.find(expected), std::string::npos) << tmpl.err().message;
    }
    auto missing = eqb::instruction_template_load(template_path("No-Such-Template"));
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("No-Such-Template.yaml"), std::string::npos) << missing.err().message;
}

TEST(instruction_template, every_shipped_template_loads_and_renders_the_message) {
    EQB_SKIP_UNLESS_DATA("instruction-templates");
    const auto files = eqb::test::files_in(eqb::test::data_dir() / "instruction-templates", ".yaml");
    ASSERT_GE(files.size(), 50u);
    for (const auto& file : files) {
        auto tmpl = eqb::instruction_template_load(file);
        ASSERT_TRUE(tmpl.ok()) << file << ": " << tmpl.err().message;
        const std::string rendered = eqb::instruction_template_render(*tmpl, user_only("MESSAGE-42"));
        EXPECT_NE(rendered.find("MESSAGE-42"), std::string::npos) << file;
        // Some names are themselves "<|user|>" (Tulu); the message slots must all be filled.
        for (const char* placeholder : {"<|user-message|>", "<|bot-message|>", "<|system-message|>"}) {
            EXPECT_EQ(rendered.find(placeholder), std::string::npos) << file << " left " << placeholder;
        }
    }
}

}  // namespace
