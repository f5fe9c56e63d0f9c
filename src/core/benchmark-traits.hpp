#pragma once
// What a run plan needs to know of a benchmark: its name and whom it needs.
// The registry (src/bench/registry.hpp) lists every benchmark's.

#include <cstdint>
#include <string>

namespace eqb {

struct benchmark_traits {
    std::string name;
    bool needs_judge = false;
    bool needs_test_model = true;  // false: only the judge answers (Judgemark)
};

// The options of the benchmarks with a rubric judge and pairwise Elo (EQ-Bench 3,
// Creative Writing v3), as their references name them.
struct pairwise_options {
    bool no_elo = false;            // --no-elo: rubric only
    bool no_rubric = false;         // --no-rubric: Elo only (EQ-Bench 3)
    bool ignore_canonical = false;  // --ignore-canonical: opponents from the results directory only
    bool redo_judging = false;      // --redo-rubric (EQ-Bench 3) / --redo-judging (Creative Writing v3)
    std::uint64_t elo_seed = 42;    // --elo-seed: Creative Writing v3's matchup sampling
};

}  // namespace eqb
