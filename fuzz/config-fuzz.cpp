// Fuzzes config.cfg reading and run planning: any bytes must give a config
// (with problems listed) and a plan whose JSON serialises, never a crash.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "bench/registry.hpp"
#include "config/config.hpp"
#include "config/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<eqb::config_problem> problems;
    const auto config = eqb::config_parse_lenient(text, "fuzz.cfg", "/nonexistent-fuzz-dir", problems);
    eqb::plan_options options;
    options.known_benchmarks = eqb::benchmark_registry_traits();
    options.env = [](const std::string&) -> std::optional<std::string> { return std::string("fuzz-key"); };
    options.on_path = [](const std::string&) { return false; };
    const auto plan = eqb::plan_build(config, options, problems);
    (void)eqb::plan_to_json(plan);
    (void)eqb::config_problems_message("fuzz.cfg", problems);
    return 0;
}
