#pragma once
// What a run plan needs to know of a benchmark: its name and whom it needs.
// The registry (src/bench/registry.hpp) lists every benchmark's.

#include <string>

namespace eqb {

struct benchmark_traits {
    std::string name;
    bool needs_judge = false;
    bool needs_test_model = true;  // false: only the judge answers (Judgemark)
};

}  // namespace eqb
