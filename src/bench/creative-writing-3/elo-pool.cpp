#include "bench/creative-writing-3/elo-pool.hpp"

#include <algorithm>

#include "bench/creative-writing-3/pairwise.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* metadata_key = "__metadata__";
constexpr const char* order_forward = "A0493:test / A0488:other";
constexpr const char* order_reversed = "A0493:other / A0488:test";

double number_or(const ojson& object, const char* key, double fallback) {
    if (object.is_object() && object.contains(key) && object[key].is_number()) {
        return object[key].get<double>();
    }
    return fallback;
}

std::optional<double> number_of(const ojson& object, const char* key) {
    if (object.is_object() && object.contains(key) && object[key].is_number()) {
        return object[key].get<double>();
    }
    return std::nullopt;
}

std::string string_of(const ojson& object, const char* key) {
    if (object.is_object() && object.contains(key) && object[key].is_string()) {
        return object[key].get<std::string>();
    }
    return {};
}

ojson comparison_compact(const elo_comparison& c) {
    return ojson::array({c.test_model, c.neighbor_model, c.item_id, c.test_iteration, c.neighbor_iteration,
                         c.direction == pairwise_direction::FORWARD ? 0 : 1, c.error, c.outcome_for_test,
                         c.plus_for_test, c.plus_for_other, c.fraction_for_test});
}

elo_comparison comparison_from_compact(const ojson& a) {
    elo_comparison c;
    c.test_model = a.at(0).get<std::string>();
    c.neighbor_model = a.at(1).get<std::string>();
    c.item_id = a.at(2).get<std::string>();
    c.test_iteration = a.at(3).get<std::string>();
    c.neighbor_iteration = a.at(4).get<std::string>();
    c.direction = a.at(5).get<int>() == 0 ? pairwise_direction::FORWARD : pairwise_direction::REVERSED;
    c.error = a.at(6).get<bool>();
    c.outcome_for_test = a.at(7).get<double>();
    c.plus_for_test = a.at(8).get<int>();
    c.plus_for_other = a.at(9).get<int>();
    c.fraction_for_test = a.at(10).get<double>();
    return c;
}

// deduplicate_comparisons_cw over stored dicts, keeping those of `test_model`.
std::vector<ojson> dedup_for_model(const ojson& comparisons, const std::string& test_model) {
    cw3_comparison_dedup seen;
    std::vector<ojson> out;
    for (const auto& c : comparisons) {
        const ojson& pair = c.contains("pair") ? c["pair"] : ojson::object();
        if (string_of(pair, "test_model") != test_model) {
            continue;
        }
        cw3_comparison_key key{string_of(c, "item_id"), string_of(pair, "test_model"),
                               string_of(pair, "neighbor_model"), string_of(pair, "test_model_iteration_id"),
                               string_of(pair, "neighbor_model_iteration_id")};
        if (key.item_id.empty() || key.neighbor_model.empty()) {
            // The reference signs such a record by its whole JSON: kept unless identical.
            bool duplicate = std::find(out.begin(), out.end(), c) != out.end();
            if (!duplicate) {
                out.push_back(c);
            }
            continue;
        }
        if (pair.is_object() && !pair.contains("test_model_iteration_id")) {
            key.test_iteration = "N/A";
        }
        if (pair.is_object() && !pair.contains("neighbor_model_iteration_id")) {
            key.neighbor_iteration = "N/A";
        }
        if (seen.insert(key, number_or(c, "fraction_for_test", -1.0))) {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

elo_comparison cw3_comparison_from_json(const ojson& entry) {
    elo_comparison c;
    const ojson& pair = entry.contains("pair") ? entry["pair"] : ojson::object();
    c.item_id = string_of(entry, "item_id");
    c.test_model = string_of(pair, "test_model");
    c.neighbor_model = string_of(pair, "neighbor_model");
    c.test_iteration = string_of(pair, "test_model_iteration_id");
    c.neighbor_iteration = string_of(pair, "neighbor_model_iteration_id");
    c.direction =
        string_of(entry, "order") == order_reversed ? pairwise_direction::REVERSED : pairwise_direction::FORWARD;
    c.error = entry.contains("error");
    c.outcome_for_test = number_or(entry, "outcome_for_test_model", 0.5);
    c.plus_for_test = static_cast<int>(number_or(entry, "plus_for_test", 0.0));
    c.plus_for_other = static_cast<int>(number_or(entry, "plus_for_other", 0.0));
    c.fraction_for_test = number_or(entry, "fraction_for_test", 0.5);
    return c;
}

ojson cw3_comparison_to_json(const elo_comparison& c, const cw3_comparison_context& context,
                             const std::string& error_text) {
    ojson out;
    out["item_id"] = c.item_id;
    out["pair"] = {{"test_model", c.test_model},
                   {"neighbor_model", c.neighbor_model},
                   {"test_model_iteration_id", c.test_iteration},
                   {"neighbor_model_iteration_id", c.neighbor_iteration}};
    out["judge_response"] = context.judge_response;
    out["item_length"] = {{"test_model", context.lengths.test_model},
                          {"neighbor_model", context.lengths.neighbor_model}};
    out["creative_writing_rubric_scores"] = ojson::object();
    out["creative_writing_rubric_scores"][c.test_model] = context.test_item_score;
    out["creative_writing_rubric_scores"][c.neighbor_model] = context.neighbor_item_score;
    if (c.error) {
        out["error"] = error_text;
        out["outcome_for_test_model"] = 0.5;
        out["plus_for_test"] = 0;
        out["plus_for_other"] = 0;
        out["fraction_for_test"] = 0.5;
        return out;
    }
    out["order"] = c.direction == pairwise_direction::FORWARD ? order_forward : order_reversed;
    out["outcome_for_test_model"] = c.outcome_for_test;
    out["plus_for_test"] = c.plus_for_test;
    out["plus_for_other"] = c.plus_for_other;
    const pairwise_fraction f = cw3_fraction_for_test(c.outcome_for_test, c.plus_for_test, c.plus_for_other);
    out["plus_diff"] = f.diff;
    out["plus_diff_normalized"] = f.diff_norm;
    out["plus_diff_blended"] = f.diff_blend;
    out["fraction_for_test"] = c.fraction_for_test;
    return out;
}

result<cw3_pool> cw3_pool_from_elo_results(std::string_view json_text, const std::string& source) {
    const ojson doc = ojson::parse(json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return error{source + ": not a JSON object"};
    }
    cw3_pool pool;
    for (const auto& [name, entry] : doc.items()) {
        if (name == metadata_key || !entry.is_object()) {
            continue;
        }
        cw3_pool_model m;
        m.name = name;
        m.elo = number_of(entry, "elo");
        m.rubric_score_agg = number_of(entry, "creative_writing_rubric_score_agg");
        if (entry.contains("iterations") && entry["iterations"].is_object()) {
            for (const auto& [id, it] : entry["iterations"].items()) {
                cw3_pool_iteration iteration;
                iteration.id = id;
                iteration.rubric_score = number_or(it, "creative_writing_rubric_score_iter", 0.0);
                if (it.is_object() && it.contains("items") && it["items"].is_object()) {
                    for (const auto& [item_id, text] : it["items"].items()) {
                        if (text.is_string()) {
                            iteration.items.emplace_back(item_id, cw3_pairwise_text(text.get<std::string>()));
                        }
                    }
                }
                if (it.is_object() && it.contains("item_scores") && it["item_scores"].is_object()) {
                    for (const auto& [item_id, score] : it["item_scores"].items()) {
                        if (score.is_number()) {
                            iteration.item_scores.emplace_back(item_id, score.get<double>());
                        }
                    }
                }
                m.iterations.push_back(std::move(iteration));
            }
        }
        const ojson& analysis = entry.contains("elo_analysis") ? entry["elo_analysis"] : ojson::object();
        if (analysis.is_object() && analysis.contains("pairwise_comparisons") &&
            analysis["pairwise_comparisons"].is_array()) {
            for (const auto& c : analysis["pairwise_comparisons"]) {
                if (c.is_object()) {
                    pool.comparisons.push_back(cw3_comparison_from_json(c));
                }
            }
        }
        pool.models.push_back(std::move(m));
    }
    return pool;
}

std::string cw3_pool_to_json(const cw3_pool& pool) {
    ojson models = ojson::array();
    for (const auto& m : pool.models) {
        ojson iterations = ojson::array();
        for (const auto& it : m.iterations) {
            ojson items = ojson::array();
            for (const auto& [id, text] : it.items) {
                items.push_back(ojson::array({id, text}));
            }
            ojson scores = ojson::array();
            for (const auto& [id, score] : it.item_scores) {
                scores.push_back(ojson::array({id, score}));
            }
            iterations.push_back({{"id", it.id},
                                  {"score", it.rubric_score},
                                  {"items", std::move(items)},
                                  {"scores", std::move(scores)}});
        }
        models.push_back({{"name", m.name},
                          {"elo", m.elo ? ojson(*m.elo) : ojson(nullptr)},
                          {"rubric", m.rubric_score_agg ? ojson(*m.rubric_score_agg) : ojson(nullptr)},
                          {"iterations", std::move(iterations)}});
    }
    ojson comparisons = ojson::array();
    for (const auto& c : pool.comparisons) {
        comparisons.push_back(comparison_compact(c));
    }
    return ojson{{"models", std::move(models)}, {"comparisons", std::move(comparisons)}}.dump();
}

result<cw3_pool> cw3_pool_from_json(std::string_view json_text) {
    const ojson doc = ojson::parse(json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("models") || !doc.contains("comparisons")) {
        return error{"the stored Elo pool is not readable"};
    }
    try {
        cw3_pool pool;
        for (const auto& m : doc["models"]) {
            cw3_pool_model model;
            model.name = m.at("name").get<std::string>();
            if (!m.at("elo").is_null()) {
                model.elo = m["elo"].get<double>();
            }
            if (!m.at("rubric").is_null()) {
                model.rubric_score_agg = m["rubric"].get<double>();
            }
            for (const auto& it : m.at("iterations")) {
                cw3_pool_iteration iteration;
                iteration.id = it.at("id").get<std::string>();
                iteration.rubric_score = it.at("score").get<double>();
                for (const auto& item : it.at("items")) {
                    iteration.items.emplace_back(item.at(0).get<std::string>(), item.at(1).get<std::string>());
                }
                for (const auto& score : it.at("scores")) {
                    iteration.item_scores.emplace_back(score.at(0).get<std::string>(), score.at(1).get<double>());
                }
                model.iterations.push_back(std::move(iteration));
            }
            pool.models.push_back(std::move(model));
        }
        for (const auto& c : doc["comparisons"]) {
            pool.comparisons.push_back(comparison_from_compact(c));
        }
        return pool;
    } catch (const nlohmann::json::exception& e) {
        return error{std::string("the stored Elo pool is not readable: ") + e.what()};
    }
}

elo_run_input cw3_elo_input(const cw3_pool& pool, const std::string& test_model, const cw3_elo_model& test,
                            std::vector<elo_comparison> judged, std::uint64_t seed) {
    elo_run_input input;
    input.benchmark = elo_benchmark::CREATIVE_WRITING3;
    input.test_model = test_model;
    input.seed = seed;
    input.existing = pool.comparisons;
    input.judged = std::move(judged);
    const auto iteration_of = [](const cw3_elo_iteration& it) {
        elo_iteration out;
        out.id = it.iteration_id;
        out.rubric_score = it.rubric_score;
        for (const auto& item : it.items) {
            if (!item.text.empty()) {
                out.items.push_back(item.item_id);
            }
        }
        return out;
    };
    bool found = false;
    for (const auto& m : pool.models) {
        elo_pool_model entry;
        entry.name = m.name;
        entry.elo = m.elo;
        entry.rubric_score = m.rubric_score_agg;
        for (const auto& it : m.iterations) {
            elo_iteration out;
            out.id = it.id;
            out.rubric_score = it.rubric_score;
            for (const auto& item : it.items) {
                out.items.push_back(item.first);
            }
            entry.iterations.push_back(std::move(out));
        }
        if (m.name == test_model) {
            found = true;
            // model_entry["iterations"][iter_id] = ...: replaced in place, new ones appended.
            for (const auto& it : test.iterations) {
                auto same = std::find_if(entry.iterations.begin(), entry.iterations.end(),
                                         [&](const elo_iteration& e) { return e.id == it.iteration_id; });
                if (same != entry.iterations.end()) {
                    *same = iteration_of(it);
                } else {
                    entry.iterations.push_back(iteration_of(it));
                }
            }
            if (test.rubric_score_agg) {
                entry.rubric_score = test.rubric_score_agg;
            }
        }
        input.models.push_back(std::move(entry));
    }
    if (!found) {
        elo_pool_model entry;
        entry.name = test_model;
        entry.rubric_score = test.rubric_score_agg;
        for (const auto& it : test.iterations) {
            entry.iterations.push_back(iteration_of(it));
        }
        input.models.push_back(std::move(entry));
    }
    return input;
}

const std::string* cw3_pool_text(const cw3_pool& pool, const std::string& model, const std::string& iteration,
                                 const std::string& item_id) {
    for (const auto& m : pool.models) {
        if (m.name != model) {
            continue;
        }
        for (const auto& it : m.iterations) {
            if (it.id != iteration) {
                continue;
            }
            for (const auto& [id, text] : it.items) {
                if (id == item_id) {
                    return &text;
                }
            }
        }
    }
    return nullptr;
}

double cw3_pool_item_score(const cw3_pool& pool, const std::string& model, const std::string& iteration,
                           const std::string& item_id) {
    for (const auto& m : pool.models) {
        for (const auto& it : m.iterations) {
            if (m.name != model || it.id != iteration) {
                continue;
            }
            for (const auto& [id, score] : it.item_scores) {
                if (id == item_id) {
                    return score;
                }
            }
        }
    }
    return 0.0;
}

ojson cw3_elo_results_update(ojson existing, const std::string& test_model, const cw3_elo_model& test, double start_elo,
                             const std::vector<ojson>& new_comparisons, const std::vector<elo_rating>& ratings,
                             const std::string& timestamp) {
    ojson doc = existing.is_object() ? std::move(existing) : ojson::object();
    if (!doc.contains(metadata_key)) {
        doc[metadata_key] = ojson::object();
    }
    ojson& entry = doc[test_model];
    if (!entry.is_object()) {
        entry = ojson::object();
    }
    if (!entry.contains("iterations") || !entry["iterations"].is_object()) {
        entry["iterations"] = ojson::object();
    }
    for (const auto& it : test.iterations) {
        ojson items = ojson::object();
        ojson scores = ojson::object();
        for (const auto& item : it.items) {
            if (!item.text.empty()) {
                items[item.item_id] = item.text;
            }
            if (item.item_score) {
                scores[item.item_id] = *item.item_score;
            }
        }
        entry["iterations"][it.iteration_id] = {
            {"creative_writing_rubric_score_iter", it.rubric_score}, {"items", items}, {"item_scores", scores}};
    }
    if (test.rubric_score_agg) {
        entry["creative_writing_rubric_score_agg"] = *test.rubric_score_agg;
        if (!entry.contains("elo")) {
            entry["elo"] = start_elo;
        }
    } else if (!entry.contains("creative_writing_rubric_score_agg")) {
        entry["creative_writing_rubric_score_agg"] = 0.0;
        if (!entry.contains("elo")) {
            entry["elo"] = start_elo;
        }
    }
    if (!test.best_iteration.empty()) {
        entry["best_iteration"] = test.best_iteration;
    }
    if (!entry.contains("elo_analysis") || !entry["elo_analysis"].is_object()) {
        entry["elo_analysis"] = {{"pairwise_comparisons", ojson::array()}, {"final_elo_ratings", ojson::object()}};
    }
    if (!new_comparisons.empty()) {
        ojson& analysis = entry["elo_analysis"];
        ojson all = analysis.contains("pairwise_comparisons") && analysis["pairwise_comparisons"].is_array()
                        ? analysis["pairwise_comparisons"]
                        : ojson::array();
        for (const auto& c : new_comparisons) {
            all.push_back(c);
        }
        ojson kept = ojson::array();
        for (auto& c : dedup_for_model(all, test_model)) {
            kept.push_back(std::move(c));
        }
        analysis["pairwise_comparisons"] = std::move(kept);
    }
    for (const auto& r : ratings) {
        ojson& m = doc[r.model];
        if (!m.is_object()) {
            m = ojson::object();
        }
        m["elo"] = r.elo;
        m["elo_norm"] = r.elo_norm;
        const std::pair<const char*, const std::optional<double>*> fields[] = {{"sigma", &r.sigma},
                                                                               {"ci_low", &r.ci_low},
                                                                               {"ci_high", &r.ci_high},
                                                                               {"ci_low_norm", &r.ci_low_norm},
                                                                               {"ci_high_norm", &r.ci_high_norm}};
        for (const auto& [key, value] : fields) {
            if (value->has_value()) {
                m[key] = **value;
            }
        }
        if (!m.contains("elo_analysis") || !m["elo_analysis"].is_object()) {
            m["elo_analysis"] = ojson::object();
        }
        if (!m["elo_analysis"].contains("final_elo_ratings") || !m["elo_analysis"]["final_elo_ratings"].is_object()) {
            m["elo_analysis"]["final_elo_ratings"] = ojson::object();
        }
        m["elo_analysis"]["final_elo_ratings"][r.model] = r.elo;
    }
    doc[metadata_key]["last_updated_elo_cw"] = timestamp;
    return doc;
}

}  // namespace eqb
