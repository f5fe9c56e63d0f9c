// Fuzzes the recorded-run reader (raw_results.json and conformance files).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bench/eq-bench/recorded-run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto runs = eqb::recorded_runs_parse(bytes, "fuzz-input.json");
    if (runs.ok() && runs->empty()) {
        __builtin_trap();  // success always carries at least one run
    }
    return 0;
}
