#include "scoring/elo-matchup.hpp"

#include <algorithm>
#include <set>

#include "core/python-float.hpp"
#include "scoring/elo-pairwise.hpp"

namespace eqb {

namespace {

constexpr std::size_t stage1_samples = 10;
constexpr std::size_t comprehensive_samples = 9999;  // EQ-Bench 3's last stage: every item
constexpr std::size_t cw3_last_samples = 48;
constexpr std::size_t tier_half = 2;                    // radius tier 2 takes samples / 2
constexpr std::size_t tier_quarter = 4;                 // radius tier 3 takes samples / 4
constexpr std::string_view preferred_scenario = "404";  // sorted first so stage 1's single pair is this one

std::vector<elo_stage> make_schedule(std::initializer_list<std::size_t> later_samples) {
    std::vector<elo_stage> out;
    out.push_back({true, {}, stage1_samples});
    for (const auto s : later_samples) {
        out.push_back({false, {1, 2, 3}, s});
    }
    return out;
}

// int(round(i * step)) for the samplers' float step.
std::size_t rounded_position(std::size_t i, double step) {
    return static_cast<std::size_t>(python_round(static_cast<double>(i) * step, 0));
}

double sampler_step(std::size_t len, std::size_t k) {
    return static_cast<double>(len - 1) / static_cast<double>(k - 1);
}

// Python floor division of a signed value by 2.
std::int64_t floor_half(std::int64_t x) {
    return x >= 0 ? x / 2 : -((-x + 1) / 2);
}

}  // namespace

const std::vector<elo_stage>& elo_schedule(elo_benchmark benchmark) {
    static const std::vector<elo_stage> eqbench3 = make_schedule({4, 8, 16, 24, comprehensive_samples});
    static const std::vector<elo_stage> cw3 = make_schedule({4, 8, 16, cw3_last_samples});
    return benchmark == elo_benchmark::EQBENCH3 ? eqbench3 : cw3;
}

std::vector<std::size_t> eqbench3_evenly_spaced(std::span<const std::size_t> pool, std::size_t k) {
    if (k == 0 || pool.empty()) {
        return {};
    }
    if (k == 1) {
        return {pool[0]};
    }
    if (k >= pool.size()) {
        return {pool.begin(), pool.end()};
    }
    const double step = sampler_step(pool.size(), k);
    std::set<std::size_t> out = {pool[0], pool.back()};
    for (std::size_t i = 1; i + 1 < k; ++i) {
        out.insert(pool[rounded_position(i, step)]);
    }
    return {out.begin(), out.end()};
}

std::vector<std::size_t> eqbench3_evenly_sample(std::size_t len, std::size_t k) {
    if (k == 0 || len == 0) {
        return {};
    }
    std::vector<std::size_t> out;
    if (k >= len) {
        for (std::size_t i = 0; i < len; ++i) {
            out.push_back(i);
        }
        return out;
    }
    if (k == 1) {
        return {0};
    }
    const double step = sampler_step(len, k);
    for (std::size_t i = 0; i < k; ++i) {
        out.push_back(rounded_position(i, step));
    }
    return out;
}

eqbench3_jitter_range eqbench3_stage1_jitter_range(std::size_t ladder_len, std::size_t samples) {
    eqbench3_jitter_range r;
    r.step = std::max<std::size_t>(1, (ladder_len + samples - 1) / samples);
    const auto step = static_cast<std::int64_t>(r.step);
    r.lo = floor_half(-step);
    r.hi = floor_half(step);
    return r;
}

eqbench3_picks eqbench3_pick_matchups(std::size_t rank, std::size_t ladder_len, const elo_stage& stage,
                                      python_random& rng) {
    eqbench3_picks out;
    if (ladder_len <= 1 || stage.samples == 0) {
        return out;
    }
    std::set<std::size_t> picks;
    if (stage.anchors) {
        const auto range = eqbench3_stage1_jitter_range(ladder_len, stage.samples);
        const auto median = static_cast<std::int64_t>((ladder_len - 1) / 2);
        const std::int64_t jitter = rng.randint(range.lo, range.hi);
        out.jitter = jitter;
        const auto last = static_cast<std::int64_t>(ladder_len - 1);
        const std::int64_t anchor = std::min(std::max<std::int64_t>(0, median + jitter), last);
        const auto step = static_cast<std::int64_t>(range.step);
        std::vector<std::int64_t> anchors = {anchor};
        for (std::int64_t offset = step;
             anchors.size() < stage.samples && (anchor - offset >= 0 || anchor + offset <= last); offset += step) {
            if (anchor - offset >= 0) {
                anchors.push_back(anchor - offset);
            }
            if (anchors.size() < stage.samples && anchor + offset <= last) {
                anchors.push_back(anchor + offset);
            }
        }
        for (const auto a : anchors) {
            if (static_cast<std::size_t>(a) != rank) {
                picks.insert(static_cast<std::size_t>(a));
            }
        }
        for (const auto p : picks) {
            if (out.ranks.size() == stage.samples) {
                break;
            }
            out.ranks.push_back(p);
        }
        return out;
    }
    std::size_t divisor = 1;
    for (const auto radius : stage.radius_tiers) {
        const std::size_t want = stage.samples / divisor;
        divisor *= 2;
        const std::size_t lo = rank >= radius ? rank - radius : 0;
        const std::size_t hi = std::min(ladder_len - 1, rank + radius);
        std::vector<std::size_t> pool;
        for (std::size_t i = lo; i <= hi; ++i) {
            if (i != rank) {
                pool.push_back(i);
            }
        }
        for (const auto p : eqbench3_evenly_spaced(pool, want)) {
            picks.insert(p);
        }
    }
    out.ranks.assign(picks.begin(), picks.end());
    return out;
}

std::vector<std::size_t> cw3_pick_matchups(std::size_t rank, std::size_t ladder_len, const elo_stage& stage,
                                           std::uint64_t seed) {
    if (ladder_len <= 1) {
        return {};
    }
    python_random rng(seed);
    if (stage.anchors) {
        std::vector<std::size_t> others;
        for (std::size_t i = 0; i < ladder_len; ++i) {
            if (i != rank) {
                others.push_back(i);
            }
        }
        if (ladder_len <= stage.samples || others.size() <= stage.samples) {
            return others;
        }
        std::vector<std::size_t> out;
        for (const auto j : rng.sample(others.size(), stage.samples)) {
            out.push_back(others[j]);
        }
        return out;
    }
    std::set<std::size_t> selected;
    for (std::size_t tier = 0; tier < stage.radius_tiers.size(); ++tier) {
        const std::size_t radius = stage.radius_tiers[tier];
        std::size_t quota = stage.samples;
        if (tier == 1) {
            quota = std::max<std::size_t>(1, stage.samples / tier_half);
        } else if (tier >= 2) {
            quota = std::max<std::size_t>(1, stage.samples / tier_quarter);
        }
        std::vector<std::size_t> candidates;
        if (rank + radius < ladder_len) {
            candidates.push_back(rank + radius);
        }
        if (rank >= radius) {
            candidates.push_back(rank - radius);
        }
        std::erase_if(candidates, [&](std::size_t i) { return i == rank || selected.count(i) != 0; });
        if (candidates.empty()) {
            continue;
        }
        if (candidates.size() <= quota) {
            selected.insert(candidates.begin(), candidates.end());
        } else {
            for (const auto j : rng.sample(candidates.size(), quota)) {
                selected.insert(candidates[j]);
            }
        }
    }
    return {selected.begin(), selected.end()};
}

std::size_t elo_opponent_cap(const elo_stage& stage, std::size_t depth) {
    if (stage.anchors) {
        return 1;
    }
    if (depth == 1) {
        return stage.samples;
    }
    if (depth == 2) {
        return std::max<std::size_t>(1, stage.samples / tier_half);
    }
    return std::max<std::size_t>(1, stage.samples / tier_quarter);
}

std::vector<std::size_t> eqbench3_pairs_to_judge(std::span<const eqbench3_item> candidates,
                                                 std::size_t existing_for_pair, std::size_t cap) {
    if (existing_for_pair >= cap) {
        return {};
    }
    const std::size_t effective_cap = cap - existing_for_pair;
    std::vector<std::size_t> order(candidates.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    if (candidates.size() <= effective_cap) {
        return order;
    }
    // The reference's key: (0, int(iter)) for "404", else (1, scenario, int(iter));
    // an iteration int() cannot read (the reference would raise) sorts as 0.
    const auto key_less = [&](std::size_t a, std::size_t b) {
        const auto& x = candidates[a];
        const auto& y = candidates[b];
        const bool x404 = x.scenario_id == preferred_scenario;
        const bool y404 = y.scenario_id == preferred_scenario;
        if (x404 != y404) {
            return x404;
        }
        if (!x404 && x.scenario_id != y.scenario_id) {
            return x.scenario_id < y.scenario_id;
        }
        return python_int(x.iteration).value_or(0) < python_int(y.iteration).value_or(0);
    };
    std::vector<std::size_t> sorted = order;
    std::stable_sort(sorted.begin(), sorted.end(), key_less);
    std::vector<bool> keep(candidates.size(), false);
    for (const auto position : eqbench3_evenly_sample(sorted.size(), effective_cap)) {
        keep[sorted[position]] = true;
    }
    std::vector<std::size_t> out;
    for (const auto i : order) {
        if (keep[i]) {
            out.push_back(i);
        }
    }
    return out;
}

}  // namespace eqb
