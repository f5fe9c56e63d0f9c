#pragma once
// Creative Writing v3's writing step: which pieces a run writes, the prompt of
// each, the sampling, and what the reference keeps of an answer.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/creative-writing-3/data.hpp"

namespace eqb {

// The sampling of one request: every Creative Writing v3 request is one user
// message with these three settings (min_p is sent to the judge too).
struct cw3_sampling {
    double temperature = 0.0;
    int max_tokens = 0;
    double min_p = 0.0;
};

constexpr double cw3_min_p = 0.1;
constexpr double cw3_writer_temperature = 0.7;
constexpr int cw3_writer_max_tokens = 4000;
constexpr cw3_sampling cw3_writer_sampling{cw3_writer_temperature, cw3_writer_max_tokens, cw3_min_p};

// An answer shorter than this many code points (after the reasoning cut and
// strip) is asked for again, with the same request, up to cw3_writer_max_tries
// requests in all; after that the piece is dropped (generation failed).
constexpr std::size_t cw3_piece_min_chars = 500;
constexpr int cw3_writer_max_tries = 3;

// The reference's CLI default for --iterations (its README recommends 3).
constexpr int cw3_default_iterations = 1;

struct cw3_writing_task {
    std::string prompt_id;
    int iteration = 0;          // 1-based
    std::string seed_modifier;  // seed_modifiers[(iteration - 1) % count]
    std::string prompt;         // the one user message sent to the writer
};

// The writer's message for `iteration` (1-based): every <SEED> replaced by
// seed_modifiers[(iteration - 1) % count]. Requires a prompt with modifiers.
std::string cw3_writing_prompt(const cw3_prompt& prompt, int iteration);

// The pieces of a run in the reference's submission order: prompt by prompt in
// file order, iterations 1..`iterations` within each; prompts without seed
// modifiers are skipped, as the reference skips them.
std::vector<cw3_writing_task> cw3_writing_tasks(const std::vector<cw3_prompt>& prompts, int iterations);

// What the reference's API client returns of a message's content (for every
// request, writer or judge): when both "<think>" and "</think>" occur, the text
// after the first "</think>"; then the same for "<reasoning>"/"</reasoning>".
std::string cw3_answer_content(std::string_view content);

// The piece the reference stores for a writer's content (raw, as the server sent
// it): the reasoning cut (cw3_answer_content), then Python's strip(); nullopt
// when that is shorter than cw3_piece_min_chars code points (ask again).
std::optional<std::string> cw3_piece_from_answer(std::string_view content);

}  // namespace eqb
