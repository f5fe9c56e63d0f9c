#include "bench/creative-writing-3/rubric.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>

#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/unicode.hpp"

namespace eqb {
namespace {

// The reference's two patterns (core/scoring.py), in the order it applies them.
constexpr const char* score_pattern = R"((.*?):\s*(?:Score\s+)?(-?\d+(?:\.\d+)?))";
constexpr const char* bracket_pattern = R"((.*?):\s*\[(-?\d+(?:\.\d+)?)\])";
constexpr double eqbench_scale = 5.0;
constexpr int score_digits = 2;

std::unique_ptr<const RE2> pattern_compile(const char* pattern) {
    auto translated = python_regex_to_re2(pattern);
    if (!translated) {
        throw fatal_error(std::string("creative writing v3 rubric pattern: ") + translated.err().message);
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<const RE2>(*translated, options);
    if (!re->ok()) {
        throw fatal_error("creative writing v3 rubric pattern: " + re->error());
    }
    return re;
}

const RE2& score_re() {
    static const auto re = pattern_compile(score_pattern);
    return *re;
}

const RE2& bracket_re() {
    static const auto re = pattern_compile(bracket_pattern);
    return *re;
}

void scores_find_all(const RE2& re, std::string_view answer, emotion_pairs& scores) {
    re2::StringPiece input(answer.data(), answer.size());
    re2::StringPiece name;
    re2::StringPiece number;
    // Every match holds ':' and a digit, so each one consumes text and the loop ends.
    while (RE2::FindAndConsume(&input, re, &name, &number)) {
        const std::string_view number_text(number.data(), number.size());
        const auto value = python_float(number_text);
        if (!value || *value > cw3_score_max) {
            continue;
        }
        score_pair pair;
        pair.name = python_strip(std::string_view(name.data(), name.size()));
        pair.text = std::string(number_text);
        pair.value = *value;
        scores.set(std::move(pair));
    }
}

bool negative_has(const std::vector<std::string>& negative_criteria, const std::string& name) {
    return std::find(negative_criteria.begin(), negative_criteria.end(), name) != negative_criteria.end();
}

}  // namespace

result<std::string> cw3_judge_prompt(std::string_view judging_template, const std::string& writing_prompt,
                                     const std::string& piece, const std::vector<std::string>& criteria,
                                     const std::vector<std::string>& negative_criteria) {
    std::string criteria_lines;
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        criteria_lines += (i == 0 ? "- " : "\n- ") + criteria[i];
    }
    std::string negative_list;
    for (std::size_t i = 0; i < negative_criteria.size(); ++i) {
        negative_list += (i == 0 ? "" : ", ") + negative_criteria[i];
    }
    const std::map<std::string, std::string> fields{{"writing_prompt", writing_prompt},
                                                    {"test_model_response", piece},
                                                    {"creative_writing_criteria", criteria_lines},
                                                    {"lower_is_better_criteria", negative_list}};
    auto filled = python_format(judging_template, fields);
    if (!filled) {
        return error{"creative writing v3 judging prompt: " + filled.err().message};
    }
    return filled;
}

emotion_pairs cw3_rubric_parse(std::string_view answer) {
    emotion_pairs scores;
    scores_find_all(score_re(), answer, scores);
    scores_find_all(bracket_re(), answer, scores);
    return scores;
}

std::optional<double> cw3_piece_score(const emotion_pairs& scores, const std::vector<std::string>& negative_criteria) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto& pair : scores.items()) {
        const double value = negative_has(negative_criteria, pair.name) ? cw3_score_max - pair.value : pair.value;
        if (value <= cw3_score_max) {
            sum += value;
            ++count;
        }
    }
    if (count == 0) {
        return std::nullopt;
    }
    return sum / static_cast<double>(count);
}

std::vector<const cw3_piece*> cw3_pieces_in_run_order(const std::vector<cw3_piece>& pieces,
                                                      const std::vector<cw3_prompt>& prompts) {
    std::map<std::string, std::size_t, std::less<>> position;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        position.emplace(prompts[i].id, i);
    }
    const auto place = [&](const cw3_piece* p) {
        const auto it = position.find(p->prompt_id);
        return it == position.end() ? prompts.size() : it->second;
    };
    std::vector<const cw3_piece*> ordered;
    ordered.reserve(pieces.size());
    for (const auto& piece : pieces) {
        ordered.push_back(&piece);
    }
    std::stable_sort(ordered.begin(), ordered.end(), [&](const cw3_piece* a, const cw3_piece* b) {
        if (a->iteration != b->iteration) {
            return a->iteration < b->iteration;
        }
        return place(a) < place(b);
    });
    return ordered;
}

std::vector<cw3_scored_task> cw3_scored_tasks(const std::vector<cw3_piece>& pieces,
                                              const std::vector<cw3_prompt>& prompts,
                                              const std::vector<std::string>& negative_criteria) {
    std::vector<cw3_scored_task> tasks;
    for (const cw3_piece* piece : cw3_pieces_in_run_order(pieces, prompts)) {
        if (!piece->scores.empty()) {
            tasks.push_back({piece->prompt_id, piece->iteration, cw3_piece_score(piece->scores, negative_criteria)});
        }
    }
    return tasks;
}

cw3_rubric_summary cw3_rubric_summarise(const std::vector<cw3_scored_task>& tasks) {
    cw3_rubric_summary summary;
    double sum = 0.0;
    for (const auto& task : tasks) {
        if (task.piece_score) {
            sum += *task.piece_score;
            ++summary.pieces;
        }
    }
    if (summary.pieces > 0) {
        summary.mean = sum / static_cast<double>(summary.pieces);
    }
    summary.creative_score_0_20 = python_round(summary.mean, score_digits);
    summary.eqbench_creative_score = python_round(summary.mean * eqbench_scale, score_digits);
    return summary;
}

}  // namespace eqb
