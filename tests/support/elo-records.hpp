#pragma once
// Reading EQ-Bench 3 / Creative Writing v3 comparison records (the references'
// JSON) into eqb::elo_comparison, for the Elo tests and benchmarks. EQ-Bench 3
// records are recomputed from their judge_response, as the reference does
// before every solve (_recompute_comparison_stats).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "scoring/elo-pairwise.hpp"
#include "scoring/elo-solver.hpp"

namespace eqb::test {

// The judge's top-level members, strings kept, other values marked.
template <class Json>
std::vector<eqb::judge_member> judge_members(const Json& object) {
    std::vector<eqb::judge_member> out;
    if (!object.is_object()) {
        return out;
    }
    for (const auto& [key, value] : object.items()) {
        out.push_back(
            {key, value.is_string() ? std::optional<std::string>(value.template get<std::string>()) : std::nullopt});
    }
    return out;
}

// One record of __metadata__.global_pairwise_comparisons of an EQ-Bench 3 Elo file.
template <class Json>
eqb::elo_comparison eqbench3_record(const Json& rec) {
    eqb::elo_comparison c;
    const auto& pair = rec["pair"];
    c.test_model = pair.value("test_model", std::string());
    c.neighbor_model = pair.value("neighbor_model", std::string());
    c.test_iteration = pair.value("iteration_index", std::string());
    c.item_id = rec.value("scenario_id", std::string());
    const auto order = rec.value("order", std::string());
    c.error = rec.contains("error");
    c.direction = order.rfind("A0493:test", 0) == 0 || order == "forward" ? eqb::pairwise_direction::FORWARD
                                                                          : eqb::pairwise_direction::REVERSED;
    if (!c.error && rec.contains("judge_response")) {
        const auto members = judge_members(rec["judge_response"]);
        const auto out = eqb::eqbench3_comparison_outcome(members, c.direction, c.item_id);
        c.outcome_for_test = out.outcome_for_test;
        c.plus_for_test = out.plus_for_test;
        c.plus_for_other = out.plus_for_other;
        c.fraction_for_test = out.fraction_for_test;
    }
    return c;
}

}  // namespace eqb::test
