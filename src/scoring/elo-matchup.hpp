#pragma once
// Opponent selection of EQ-Bench 3 (core/matchup_selection.py and the sampler in
// core/pairwise_judging.py) and Creative Writing v3 (core/matchup_selection_cw.py):
// the stage schedules, _pick_matchups, the evenly spaced samplers and the
// per-opponent caps. Ranks index a ladder sorted by rating, lowest first.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scoring/elo-solver.hpp"
#include "scoring/python-random.hpp"

namespace eqb {

// One stage of SAMPLING_SCHEDULE: stage 1 spreads anchors over the whole ladder
// ((None,) in the references); later stages look at rank +- each radius.
struct elo_stage {
    bool anchors = false;
    std::vector<std::size_t> radius_tiers;  // (1, 2, 3) for stages 2+
    std::size_t samples = 0;
};

constexpr std::size_t elo_max_stage_loops = 4;  // MAX_STAGE_LOOPS: loops of a stage until the rank is stable

// EQ-Bench 3: [(None,), 10], [(1,2,3), 4], [.., 8], [.., 16], [.., 24], [.., 9999].
// Creative Writing v3: [(None,), 10], [(1,2,3), 4], [.., 8], [.., 16], [.., 48].
const std::vector<elo_stage>& elo_schedule(elo_benchmark benchmark);

// _evenly_spaced(pool, k): pool[0], pool[round(i * step)] for 0 < i < k - 1, pool[-1],
// deduplicated and sorted; the whole pool when k >= its size; [pool[0]] for k 1.
std::vector<std::size_t> eqbench3_evenly_spaced(std::span<const std::size_t> pool, std::size_t k);

// evenly_sample(range(len), k) of _judge_scenario_pairs_in_parallel: the
// positions round(i * (len - 1) / (k - 1)) for i < k (duplicates kept).
std::vector<std::size_t> eqbench3_evenly_sample(std::size_t len, std::size_t k);

// EQ-Bench 3's stage-1 jitter range: step = max(1, ceil(ladder_len / samples)),
// lo = -step // 2, hi = step // 2 (Python floor division).
struct eqbench3_jitter_range {
    std::size_t step = 1;
    std::int64_t lo = 0;
    std::int64_t hi = 0;
};
eqbench3_jitter_range eqbench3_stage1_jitter_range(std::size_t ladder_len, std::size_t samples);

// EQ-Bench 3's _pick_matchups: the opponent ranks (sorted) and, in stage 1, the
// jitter drawn with rng.randint (no draw for a ladder of one or fewer).
struct eqbench3_picks {
    std::vector<std::size_t> ranks;
    std::optional<std::int64_t> jitter;
};
eqbench3_picks eqbench3_pick_matchups(std::size_t rank, std::size_t ladder_len, const elo_stage& stage,
                                      python_random& rng);

// Creative Writing v3's _pick_matchups with its random.sample calls drawn from a
// fresh python_random(seed) made for this call (after the ladder_len <= 1 check).
// Stage 1: everyone else in rank order up to `samples`, else a sample of
// `samples` in draw order; later stages: rank +- each radius, the radius-3 quota
// sampled when it is smaller than its candidates; sorted.
std::vector<std::size_t> cw3_pick_matchups(std::size_t rank, std::size_t ladder_len, const elo_stage& stage,
                                           std::uint64_t seed);

// The logical pairs one opponent may get in a loop (both references): 1 in
// stage 1, else samples, max(1, samples / 2), max(1, samples / 4) at ladder
// distance 1, 2, >= 3.
std::size_t elo_opponent_cap(const elo_stage& stage, std::size_t depth);

// One (scenario, iteration) item two EQ-Bench 3 models can be compared on.
struct eqbench3_item {
    std::string scenario_id;
    std::string iteration;
};

// _judge_scenario_pairs_in_parallel's choice for one opponent: `candidates` are
// the items not judged yet for the pair, in submission order (scenario id, then
// iteration, as strings). The effective cap is cap - existing_for_pair (nothing
// when that is 0); above it, evenly_sample keeps that many of the candidates
// sorted with scenario "404" first, then by scenario id and int(iteration).
// Returns the kept candidates' indices in submission order.
std::vector<std::size_t> eqbench3_pairs_to_judge(std::span<const eqbench3_item> candidates,
                                                 std::size_t existing_for_pair, std::size_t cap);

}  // namespace eqb
