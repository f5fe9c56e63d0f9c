// The EQ-Bench 3 TrueSkill solve of the whole canonical Elo file (27 models,
// 6,452 stored comparisons): the two final solves (bin 20 for mu, bin 5 for
// sigma) and the reference's full recalculation (rank window against the stored
// ratings, both solves, stored rounding). Goal: one full recalculation in under
// 50 ms on one core (Release build).
// Run: build-release/bench/elo-solver-bench [--benchmark_min_time=2]

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "data/gzip.hpp"
#include "scoring/elo-solver.hpp"
#include "tests/support/elo-records.hpp"

namespace {

struct canonical_file {
    std::vector<std::string> models;
    std::vector<eqb::elo_snapshot_entry> stored;
    std::vector<eqb::elo_comparison> records;

    static const canonical_file& get() {
        static const canonical_file f = [] {
            canonical_file x;
            const char* env = std::getenv("EQBENCH_SHARED_DIR");
            const std::filesystem::path shared = env != nullptr ? env : EQB_SHARED_DIR;
            const auto path = shared / "data" / "eqbench3" / "canonical_leaderboard_elo_results.json.gz";
            auto text = eqb::gzip_file_read(path);
            if (!text) {
                std::fprintf(stderr, "%s\n", text.err().message.c_str());
                std::exit(1);
            }
            const auto doc = nlohmann::json::parse(*text);
            for (const auto& [name, entry] : doc.items()) {
                if (name != "__metadata__") {
                    x.models.push_back(name);
                    x.stored.push_back({name, entry["elo"].get<double>()});
                }
            }
            for (const auto& rec : doc["__metadata__"]["global_pairwise_comparisons"]) {
                x.records.push_back(eqb::test::eqbench3_record(rec));
            }
            return x;
        }();
        return f;
    }
};

void eqbench3_final_solves(benchmark::State& state) {
    const auto& f = canonical_file::get();
    const auto& config = eqb::elo_config_eqbench3();
    const auto valid = eqb::elo_solver_comparisons(config, f.records);
    for (auto _ : state) {
        auto solved = eqb::elo_solve_final(config, f.models, valid);
        benchmark::DoNotOptimize(solved.mu.data());
    }
    state.counters["comparisons"] = static_cast<double>(valid.size());
}

void eqbench3_recalculate(benchmark::State& state) {
    const auto& f = canonical_file::get();
    for (auto _ : state) {
        auto ratings = eqb::eqbench3_recalculate_elo_ratings(f.stored, f.records);
        benchmark::DoNotOptimize(ratings.data());
    }
    state.counters["models"] = static_cast<double>(f.models.size());
}

void trueskill_rate_1vs1_win(benchmark::State& state) {
    const auto& config = eqb::elo_config_eqbench3();
    auto a = eqb::trueskill_rating::make_default(config.game.env);
    auto b = eqb::trueskill_rating::make_default(config.game.env);
    for (auto _ : state) {
        const auto r = eqb::trueskill_rate_1vs1(config.game, a, b, false);
        benchmark::DoNotOptimize(r.first.pi());
    }
}

}  // namespace

BENCHMARK(eqbench3_final_solves)->Unit(benchmark::kMillisecond);
BENCHMARK(eqbench3_recalculate)->Unit(benchmark::kMillisecond);
BENCHMARK(trueskill_rate_1vs1_win)->Unit(benchmark::kNanosecond);
BENCHMARK_MAIN();
