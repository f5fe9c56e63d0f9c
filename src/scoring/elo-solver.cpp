#include "scoring/elo-solver.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "core/python-float.hpp"

namespace eqb {

namespace {

constexpr double default_elo = 1200.0;  // DEFAULT_ELO of both references
constexpr double anchor_top_target = 1500.0;
constexpr double anchor_bottom_target = 200.0;
constexpr double anchor_min_gap = 1e-6;  // nearly equal anchors: scale 1.0
constexpr int stored_digits = 2;         // round(x, 2) of every stored number
constexpr std::size_t rank_window = 16;  // RANK_WINDOW
constexpr char key_separator = '\x1f';

elo_config make_eqbench3() {
    elo_config c;
    c.benchmark = elo_benchmark::EQBENCH3;
    c.game = trueskill_game_make(trueskill_env_eqbench3());
    c.bin_size = eqbench3_bin_size;
    c.bin_size_for_ci = eqbench3_bin_size_for_ci;
    c.default_elo = default_elo;
    c.top_anchor = "o3";
    c.top_target = anchor_top_target;
    c.bottom_anchor = "meta-llama/llama-3.2-1b-instruct";
    c.bottom_target = anchor_bottom_target;
    c.rank_window = rank_window;
    return c;
}

elo_config make_cw3() {
    elo_config c;
    c.benchmark = elo_benchmark::CREATIVE_WRITING3;
    c.game = trueskill_game_make(trueskill_env_cw3());
    c.bin_size = cw3_bin_size;
    c.bin_size_for_ci = cw3_bin_size_for_ci;
    c.default_elo = default_elo;
    c.top_anchor = "deepseek/deepseek-r1";
    c.top_target = anchor_top_target;
    c.bottom_anchor = "meta-llama/llama-3.2-1b-instruct";
    c.bottom_target = anchor_bottom_target;
    c.rank_window = rank_window;
    c.ignored_items = {"5", "16", "20", "21", "26", "28", "30"};
    return c;
}

double stored(double x) {
    return python_round(x, stored_digits);
}

void append_key_part(std::string& key, std::string_view part) {
    key.append(part);
    key.push_back(key_separator);
}

std::optional<double> find_value(std::span<const std::string> models, std::span<const double> values,
                                 const std::string& name) {
    for (std::size_t i = 0; i < models.size(); ++i) {
        if (models[i] == name) {
            return values[i];
        }
    }
    return std::nullopt;
}

std::vector<double> mus_of(const std::vector<trueskill_rating>& ratings) {
    std::vector<double> out;
    out.reserve(ratings.size());
    for (const auto& r : ratings) {
        out.push_back(r.mu());
    }
    return out;
}

std::vector<double> sigmas_of(const std::vector<trueskill_rating>& ratings) {
    std::vector<double> out;
    out.reserve(ratings.size());
    for (const auto& r : ratings) {
        out.push_back(r.sigma());
    }
    return out;
}

}  // namespace

const elo_config& elo_config_eqbench3() {
    static const elo_config config = make_eqbench3();
    return config;
}

const elo_config& elo_config_cw3() {
    static const elo_config config = make_cw3();
    return config;
}

const elo_config& elo_config_of(elo_benchmark benchmark) {
    return benchmark == elo_benchmark::EQBENCH3 ? elo_config_eqbench3() : elo_config_cw3();
}

bool elo_item_ignored(const elo_config& config, const std::string& item_id) {
    if (config.ignored_items.empty()) {
        return false;
    }
    std::string_view base = item_id;
    if (config.benchmark == elo_benchmark::CREATIVE_WRITING3) {
        base = base.substr(0, base.find('_'));
    } else if (const auto at = base.find("_iter"); at != std::string_view::npos) {
        base = base.substr(0, at);
    }
    return std::find(config.ignored_items.begin(), config.ignored_items.end(), base) != config.ignored_items.end();
}

std::vector<const elo_comparison*> elo_solver_comparisons(const elo_config& config,
                                                          std::span<const elo_comparison> comparisons) {
    std::vector<const elo_comparison*> out;
    out.reserve(comparisons.size());
    for (const auto& c : comparisons) {
        if (c.error || c.test_model.empty() || c.neighbor_model.empty() || elo_item_ignored(config, c.item_id)) {
            continue;
        }
        out.push_back(&c);
    }
    return out;
}

std::vector<std::string> elo_ladder(std::span<const elo_snapshot_entry> snapshot) {
    std::vector<std::size_t> order(snapshot.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return snapshot[a].rating < snapshot[b].rating; });
    std::vector<std::string> ladder;
    ladder.reserve(order.size());
    for (const auto i : order) {
        ladder.push_back(snapshot[i].model);
    }
    return ladder;
}

std::vector<const elo_comparison*> elo_within_rank_window(const std::vector<const elo_comparison*>& comparisons,
                                                          std::span<const elo_snapshot_entry> snapshot,
                                                          std::size_t window) {
    const auto ladder = elo_ladder(snapshot);
    std::unordered_map<std::string_view, std::size_t> position;
    for (std::size_t i = 0; i < ladder.size(); ++i) {
        position[ladder[i]] = i;  // a repeated name keeps its last place, as the dict does
    }
    std::vector<const elo_comparison*> out;
    out.reserve(comparisons.size());
    for (const auto* c : comparisons) {
        const auto a = position.find(c->test_model);
        const auto b = position.find(c->neighbor_model);
        if (a == position.end() || b == position.end()) {
            continue;
        }
        const std::size_t gap = a->second > b->second ? a->second - b->second : b->second - a->second;
        if (gap <= window) {
            out.push_back(c);
        }
    }
    return out;
}

std::vector<elo_matchup> elo_matchups(const elo_config& config, std::span<const std::string> models,
                                      const std::vector<const elo_comparison*>& comparisons) {
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t i = 0; i < models.size(); ++i) {
        index.emplace(models[i], i);
    }
    const bool cw3 = config.benchmark == elo_benchmark::CREATIVE_WRITING3;
    struct group {
        elo_matchup matchup;
        std::string first_name;
        bool usable = true;
        long long plus_first = 0;
        long long plus_second = 0;
    };
    std::vector<group> groups;
    std::unordered_map<std::string, std::size_t> by_key;
    std::string key;
    for (const auto* c : comparisons) {
        if (c->error || c->test_model.empty() || c->neighbor_model.empty() || c->item_id.empty()) {
            continue;
        }
        // EQ-Bench 3 groups by (sorted names, scenario, iteration); CW3 by the
        // sorted (name, iteration) pairs and the item.
        const std::string& test_iteration = c->test_iteration;
        const std::string& other_iteration = cw3 ? c->neighbor_iteration : c->test_iteration;
        if (cw3 && c->test_model == c->neighbor_model && test_iteration == other_iteration) {
            continue;
        }
        bool test_first = c->test_model < c->neighbor_model;
        if (cw3 && c->test_model == c->neighbor_model) {
            test_first = test_iteration < other_iteration;
        }
        if (!cw3 && c->test_model == c->neighbor_model) {
            test_first = true;
        }
        const std::string& first_name = test_first ? c->test_model : c->neighbor_model;
        const std::string& second_name = test_first ? c->neighbor_model : c->test_model;
        const std::string& first_iteration = test_first ? test_iteration : other_iteration;
        const std::string& second_iteration = test_first ? other_iteration : test_iteration;
        key.clear();
        append_key_part(key, first_name);
        append_key_part(key, second_name);
        append_key_part(key, c->item_id);
        append_key_part(key, first_iteration);
        if (cw3) {
            append_key_part(key, second_iteration);
        }
        auto [it, inserted] = by_key.try_emplace(key, groups.size());
        if (inserted) {
            group g;
            const auto a = index.find(first_name);
            const auto b = index.find(second_name);
            g.usable = a != index.end() && b != index.end() && first_name != second_name;
            g.matchup.first = g.usable ? a->second : 0;
            g.matchup.second = g.usable ? b->second : 0;
            g.matchup.item_id = c->item_id;
            g.matchup.first_iteration = first_iteration;
            g.matchup.second_iteration = second_iteration;
            g.first_name = first_name;
            groups.push_back(std::move(g));
        }
        group& g = groups[it->second];
        ++g.matchup.records;
        // _fraction_from_plus: the record's own test model decides the side.
        if (c->test_model == g.first_name) {
            g.plus_first += c->plus_for_test;
            g.plus_second += c->plus_for_other;
        } else {
            g.plus_second += c->plus_for_test;
            g.plus_first += c->plus_for_other;
        }
    }
    std::vector<elo_matchup> out;
    out.reserve(groups.size());
    for (auto& g : groups) {
        if (!g.usable) {
            continue;
        }
        const auto first = static_cast<int>(g.plus_first);
        const auto second = static_cast<int>(g.plus_second);
        const double outcome = first > second ? 1.0 : (first < second ? 0.0 : 0.5);
        g.matchup.fraction = cw3 ? cw3_fraction_for_test(outcome, first, second).fraction
                                 : eqbench3_fraction_for_test(outcome, first, second).fraction;
        out.push_back(std::move(g.matchup));
    }
    return out;
}

elo_solve_output elo_solve(const elo_config& config, std::size_t model_count, std::span<const elo_matchup> matchups,
                           std::span<const double> initial_mu, int bin_size, std::size_t matchup_limit) {
    std::vector<bool> active(model_count, false);
    for (const auto& m : matchups) {
        active[m.first] = true;
        active[m.second] = true;
    }
    const double sigma = config.game.env.sigma;
    elo_solve_output out;
    out.ratings.reserve(model_count);
    for (std::size_t i = 0; i < model_count; ++i) {
        const double mu = active[i] || i >= initial_mu.size() ? config.default_elo : initial_mu[i];
        out.ratings.push_back(trueskill_rating::make(mu, sigma).value_or(trueskill_rating{}));
    }
    auto& ratings = out.ratings;
    const std::size_t n = std::min(matchups.size(), matchup_limit);
    for (std::size_t k = 0; k < n; ++k) {
        const auto& m = matchups[k];
        const auto wins = elo_bin_fraction(m.fraction, bin_size);
        auto& a = ratings[m.first];
        auto& b = ratings[m.second];
        if (wins.draw()) {
            const auto r = trueskill_rate_1vs1(config.game, a, b, true);
            if (!r.ok()) {
                out.failed_matchups.push_back(k);
                continue;
            }
            a = r.first;
            b = r.second;
            continue;
        }
        bool failed = false;
        for (int i = 0; i < wins.wins_test && !failed; ++i) {
            const auto r = trueskill_rate_1vs1(config.game, a, b, false);
            failed = !r.ok();
            if (!failed) {
                a = r.first;
                b = r.second;
            }
        }
        for (int i = 0; i < wins.wins_other && !failed; ++i) {
            const auto r = trueskill_rate_1vs1(config.game, b, a, false);
            failed = !r.ok();
            if (!failed) {
                b = r.first;
                a = r.second;
            }
        }
        if (failed) {
            out.failed_matchups.push_back(k);
        }
    }
    return out;
}

elo_normalization elo_normalization_make(const elo_config& config, std::optional<double> top_raw,
                                         std::optional<double> bottom_raw) {
    elo_normalization n;
    if (!top_raw || !bottom_raw) {
        return n;
    }
    n.applied = true;
    n.scale = std::fabs(*top_raw - *bottom_raw) < anchor_min_gap
                  ? 1.0
                  : (config.top_target - config.bottom_target) / (*top_raw - *bottom_raw);
    n.shift = config.top_target - n.scale * *top_raw;
    return n;
}

std::vector<elo_rating> elo_ratings_stored(const elo_config& config, std::span<const std::string> models,
                                           std::span<const double> mu, std::span<const double> sigma) {
    const auto norm = elo_normalization_make(config, find_value(models, mu, config.top_anchor),
                                             find_value(models, mu, config.bottom_anchor));
    std::vector<elo_rating> out;
    out.reserve(models.size());
    std::vector<double> rounded_elo;
    rounded_elo.reserve(models.size());
    for (std::size_t i = 0; i < models.size(); ++i) {
        elo_rating r;
        r.model = models[i];
        r.elo = stored(mu[i]);
        r.elo_norm = stored(norm.apply(mu[i]));
        r.sigma = stored(sigma[i]);
        r.ci_low = stored(mu[i] - config.ci_z * sigma[i]);
        r.ci_high = stored(mu[i] + config.ci_z * sigma[i]);
        rounded_elo.push_back(r.elo);
        out.push_back(std::move(r));
    }
    // The bounds are normalised from the stored (rounded) numbers.
    const auto norm_rounded = elo_normalization_make(config, find_value(models, rounded_elo, config.top_anchor),
                                                     find_value(models, rounded_elo, config.bottom_anchor));
    for (auto& r : out) {
        r.ci_low_norm = stored(norm_rounded.apply(*r.ci_low));
        r.ci_high_norm = stored(norm_rounded.apply(*r.ci_high));
    }
    return out;
}

elo_final_solve elo_solve_final(const elo_config& config, std::span<const std::string> models,
                                const std::vector<const elo_comparison*>& comparisons) {
    const auto matchups = elo_matchups(config, models, comparisons);
    const std::vector<double> start(models.size(), config.default_elo);
    const auto mu_solve = elo_solve(config, models.size(), matchups, start, config.bin_size);
    elo_final_solve out;
    out.mu = mus_of(mu_solve.ratings);
    out.sigma_mu_solve = sigmas_of(mu_solve.ratings);
    const bool cw3 = config.benchmark == elo_benchmark::CREATIVE_WRITING3;
    const auto ci_solve = elo_solve(config, models.size(), matchups, cw3 ? std::span<const double>(out.mu) : start,
                                    config.bin_size_for_ci);
    out.sigma = sigmas_of(ci_solve.ratings);
    out.mu_ci_solve = mus_of(ci_solve.ratings);
    out.matchups = matchups.size();
    out.failed_mu = mu_solve.failed_matchups;
    out.failed_ci = ci_solve.failed_matchups;
    return out;
}

std::vector<elo_rating> eqbench3_recalculate_elo_ratings(std::span<const elo_snapshot_entry> stored_ratings,
                                                         std::span<const elo_comparison> comparisons) {
    const auto& config = elo_config_eqbench3();
    std::vector<std::string> models;
    models.reserve(stored_ratings.size());
    for (const auto& s : stored_ratings) {
        models.push_back(s.model);
    }
    const auto kept =
        elo_within_rank_window(elo_solver_comparisons(config, comparisons), stored_ratings, config.rank_window);
    if (kept.empty()) {
        // The reference's defaults, unrounded.
        const double sigma = config.game.env.sigma;
        std::vector<elo_rating> out;
        for (const auto& m : models) {
            const double low = config.default_elo - config.ci_z * sigma;
            const double high = config.default_elo + config.ci_z * sigma;
            out.push_back({m, config.default_elo, config.default_elo, sigma, low, high, low, high});
        }
        return out;
    }
    const auto solved = elo_solve_final(config, models, kept);
    return elo_ratings_stored(config, models, solved.mu, solved.sigma);
}

std::vector<elo_rating> eqbench3_action_recalc(std::span<const std::string> file_models,
                                               std::span<const elo_comparison> comparisons) {
    const auto& config = elo_config_eqbench3();
    std::vector<std::string> models(file_models.begin(), file_models.end());
    for (const auto& c : comparisons) {
        for (const auto* name : {&c.test_model, &c.neighbor_model}) {
            if (!name->empty()) {
                models.push_back(*name);
            }
        }
    }
    std::sort(models.begin(), models.end());
    models.erase(std::unique(models.begin(), models.end()), models.end());

    const auto valid = elo_solver_comparisons(config, comparisons);
    const auto rough_matchups = elo_matchups(config, models, valid);
    const std::vector<double> start(models.size(), config.default_elo);
    const auto rough = elo_solve(config, models.size(), rough_matchups, start, config.bin_size);
    std::vector<elo_snapshot_entry> ladder;
    for (std::size_t i = 0; i < models.size(); ++i) {
        ladder.push_back({models[i], rough.ratings[i].mu()});
    }
    const auto kept = elo_within_rank_window(valid, ladder, config.rank_window);
    if (kept.empty()) {
        return {};
    }
    const auto solved = elo_solve_final(config, models, kept);
    const auto norm = elo_normalization_make(config, find_value(models, solved.mu, config.top_anchor),
                                             find_value(models, solved.mu, config.bottom_anchor));
    std::vector<elo_rating> out;
    for (std::size_t i = 0; i < models.size(); ++i) {
        const double low = solved.mu[i] - config.ci_z * solved.sigma[i];
        const double high = solved.mu[i] + config.ci_z * solved.sigma[i];
        out.push_back({models[i], stored(solved.mu[i]), stored(norm.apply(solved.mu[i])), stored(solved.sigma[i]),
                       stored(low), stored(high), stored(low), stored(high)});
    }
    return out;
}

}  // namespace eqb
