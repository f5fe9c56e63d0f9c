#include "bench/creative-writing-3/writing.hpp"

#include "core/python-str.hpp"
#include "core/text.hpp"

namespace eqb {
namespace {

constexpr std::string_view seed_marker = "<SEED>";

// Python: if open in s and close in s: s = s[s.find(close) + len(close):]
std::string cut_after(std::string text, std::string_view open, std::string_view close) {
    if (text.find(open) == std::string::npos) {
        return text;
    }
    const std::size_t at = text.find(close);
    if (at == std::string::npos) {
        return text;
    }
    return text.substr(at + close.size());
}

}  // namespace

std::string cw3_writing_prompt(const cw3_prompt& prompt, int iteration) {
    const auto count = static_cast<long>(prompt.seed_modifiers.size());
    // Python's % is never negative for a positive count, unlike C++'s.
    const long index = ((static_cast<long>(iteration) - 1) % count + count) % count;
    return text_replace_all(prompt.writing_prompt, std::string(seed_marker),
                            prompt.seed_modifiers[static_cast<std::size_t>(index)]);
}

std::vector<cw3_writing_task> cw3_writing_tasks(const std::vector<cw3_prompt>& prompts, int iterations) {
    std::vector<cw3_writing_task> tasks;
    for (const auto& prompt : prompts) {
        if (prompt.seed_modifiers.empty()) {
            continue;
        }
        for (int i = 1; i <= iterations; ++i) {
            cw3_writing_task task;
            task.prompt_id = prompt.id;
            task.iteration = i;
            task.seed_modifier = prompt.seed_modifiers[static_cast<std::size_t>(i - 1) % prompt.seed_modifiers.size()];
            task.prompt = cw3_writing_prompt(prompt, i);
            tasks.push_back(std::move(task));
        }
    }
    return tasks;
}

std::string cw3_answer_content(std::string_view content) {
    std::string text = cut_after(std::string(content), "<think>", "</think>");
    return cut_after(std::move(text), "<reasoning>", "</reasoning>");
}

std::optional<std::string> cw3_piece_from_answer(std::string_view content) {
    std::string piece = python_strip(cw3_answer_content(content));
    if (python_len(piece) < cw3_piece_min_chars) {
        return std::nullopt;
    }
    return piece;
}

}  // namespace eqb
