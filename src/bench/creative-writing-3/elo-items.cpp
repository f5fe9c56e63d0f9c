#include "bench/creative-writing-3/elo-items.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

#include "core/python-float.hpp"
#include "core/python-str.hpp"

namespace eqb {
namespace {

constexpr int score_digits = 2;

bool ascii_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The reference sorts ids by int(id) when id.isdigit(), else by the string;
// here digit ids come first when both kinds are mixed (Python would raise).
bool id_less(std::string_view a, std::string_view b) {
    const bool a_number = ascii_digits(a);
    const bool b_number = ascii_digits(b);
    if (a_number != b_number) {
        return a_number;
    }
    if (!a_number) {
        return a < b;
    }
    const auto significant = [](std::string_view s) {
        const std::size_t first = s.find_first_not_of('0');
        return first == std::string_view::npos ? std::string_view() : s.substr(first);
    };
    const std::string_view x = significant(a);
    const std::string_view y = significant(b);
    if (x.size() != y.size()) {
        return x.size() < y.size();
    }
    return x < y;
}

std::vector<std::string> ids_sorted(std::vector<std::string> ids) {
    std::stable_sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) { return id_less(a, b); });
    return ids;
}

cw3_elo_iteration& iteration_entry(cw3_elo_model& model, const std::string& id) {
    for (auto& iteration : model.iterations) {
        if (iteration.iteration_id == id) {
            return iteration;
        }
    }
    model.iterations.push_back({});
    model.iterations.back().iteration_id = id;
    return model.iterations.back();
}

}  // namespace

bool cw3_elo_prompt_ignored(std::string_view item_id) {
    const std::string_view base = item_id.substr(0, item_id.find('_'));
    return std::any_of(std::begin(cw3_elo_ignored_prompts), std::end(cw3_elo_ignored_prompts),
                       [&](const char* ignored) { return base == ignored; });
}

cw3_elo_model cw3_elo_model_build(const std::vector<cw3_piece>& pieces, const std::vector<cw3_prompt>& prompts,
                                  const std::vector<std::string>& negative_criteria) {
    cw3_elo_model model;
    for (const cw3_piece* piece : cw3_pieces_in_run_order(pieces, prompts)) {
        // Only a completed task counts, and the reference completes a task only
        // once its judge gave at least one score.
        if (cw3_elo_prompt_ignored(piece->prompt_id) || piece->scores.empty()) {
            continue;
        }
        const std::string text = piece->text ? python_strip(*piece->text) : std::string();
        double block_sum = 0.0;
        std::size_t block_count = 0;
        for (const auto& pair : piece->scores.items()) {
            const bool negative =
                std::find(negative_criteria.begin(), negative_criteria.end(), pair.name) != negative_criteria.end();
            block_sum += negative ? cw3_score_max - pair.value : pair.value;
            ++block_count;
        }
        if (text.empty() && block_count == 0) {
            continue;
        }
        cw3_elo_iteration& iteration = iteration_entry(model, std::to_string(piece->iteration));
        cw3_elo_item item;
        item.item_id = piece->prompt_id;
        item.text = text;
        if (block_count > 0) {
            iteration.scores_sum += block_sum;
            iteration.scores_count += block_count;
            item.item_score = python_round(block_sum / static_cast<double>(block_count), score_digits);
        }
        iteration.items.push_back(std::move(item));
    }
    double total_sum = 0.0;
    std::size_t total_count = 0;
    double best = -std::numeric_limits<double>::infinity();
    for (auto& iteration : model.iterations) {
        if (iteration.scores_count > 0) {
            iteration.rubric_score =
                python_round(iteration.scores_sum / static_cast<double>(iteration.scores_count), score_digits);
        }
        total_sum += iteration.scores_sum;
        total_count += iteration.scores_count;
        if (iteration.rubric_score > best) {
            best = iteration.rubric_score;
            model.best_iteration = iteration.iteration_id;
        }
    }
    if (total_count > 0) {
        model.rubric_score_agg = python_round(total_sum / static_cast<double>(total_count), score_digits);
    }
    return model;
}

std::size_t cw3_elo_text_count(const cw3_elo_iteration& iteration) {
    return static_cast<std::size_t>(std::count_if(iteration.items.begin(), iteration.items.end(),
                                                  [](const cw3_elo_item& item) { return !item.text.empty(); }));
}

const cw3_elo_iteration* cw3_elo_iteration_find(const cw3_elo_model& model, std::string_view iteration_id) {
    for (const auto& iteration : model.iterations) {
        if (iteration.iteration_id == iteration_id) {
            return &iteration;
        }
    }
    return nullptr;
}

const cw3_elo_item* cw3_elo_item_find(const cw3_elo_iteration& iteration, std::string_view item_id) {
    for (const auto& item : iteration.items) {
        if (item.item_id == item_id) {
            return &item;
        }
    }
    return nullptr;
}

std::vector<std::string> cw3_top_iterations(const cw3_elo_model& model, std::size_t n) {
    std::vector<const cw3_elo_iteration*> ranked;
    for (const auto& iteration : model.iterations) {
        ranked.push_back(&iteration);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const cw3_elo_iteration* a, const cw3_elo_iteration* b) {
        return a->rubric_score > b->rubric_score;
    });
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < ranked.size() && i < n; ++i) {
        ids.push_back(ranked[i]->iteration_id);
    }
    return ids_sorted(std::move(ids));
}

std::string cw3_matchup_signature(std::string_view test_model, std::string_view neighbor_model,
                                  std::string_view item_id, std::string_view test_iteration,
                                  std::string_view neighbor_iteration) {
    auto first = std::make_pair(test_model, test_iteration);
    auto second = std::make_pair(neighbor_model, neighbor_iteration);
    if (second < first) {
        std::swap(first, second);
    }
    std::string sig;
    sig.append(first.first).append("|").append(first.second).append("|");
    sig.append(second.first).append("|").append(second.second).append("|").append(item_id);
    return sig;
}

std::vector<cw3_matchup> cw3_matchups_for_opponent(std::string_view test_model, const cw3_elo_model& test,
                                                   std::string_view opponent_model, const cw3_elo_model& opponent,
                                                   std::size_t budget, const std::unordered_set<std::string>& judged) {
    std::vector<cw3_matchup> matchups;
    const auto test_iterations = cw3_top_iterations(test, cw3_pairing_iterations);
    const auto opponent_iterations = cw3_top_iterations(opponent, cw3_pairing_iterations);
    if (test_iterations.empty() || opponent_iterations.empty()) {
        return matchups;
    }
    for (const auto& test_iteration_id : test_iterations) {
        if (matchups.size() >= budget) {
            break;
        }
        const cw3_elo_iteration* test_iteration = cw3_elo_iteration_find(test, test_iteration_id);
        std::vector<std::string> item_ids;
        for (const auto& item : test_iteration->items) {
            if (!item.text.empty()) {
                item_ids.push_back(item.item_id);
            }
        }
        for (const auto& item_id : ids_sorted(std::move(item_ids))) {
            if (matchups.size() >= budget) {
                break;
            }
            if (cw3_elo_prompt_ignored(item_id)) {
                continue;
            }
            const std::string* opponent_iteration_id = nullptr;
            for (const auto& id : opponent_iterations) {
                const cw3_elo_iteration* candidate = cw3_elo_iteration_find(opponent, id);
                const cw3_elo_item* held = cw3_elo_item_find(*candidate, item_id);
                if (held != nullptr && !held->text.empty()) {
                    opponent_iteration_id = &id;
                    break;
                }
            }
            if (opponent_iteration_id == nullptr) {
                continue;
            }
            if (judged.count(cw3_matchup_signature(test_model, opponent_model, item_id, test_iteration_id,
                                                   *opponent_iteration_id)) > 0) {
                continue;
            }
            matchups.push_back({item_id, test_iteration_id, *opponent_iteration_id});
        }
    }
    return matchups;
}

}  // namespace eqb
