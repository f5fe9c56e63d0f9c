// Parse + score throughput on the whole public conformance corpus (52 runs,
// ~8,900 answers). Goal: re-scoring the corpus takes under 50 ms on one core.
// Run: build/bench/eq-bench-rescore-bench [--benchmark_min_time=2]

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench/eq-bench/rescore.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"

namespace {

struct corpus {
    eqb::question_set questions;
    std::vector<eqb::recorded_run> runs;
    std::size_t answers = 0;

    static const corpus& get() {
        static const corpus c = [] {
            corpus x;
            const char* env = std::getenv("EQBENCH_SHARED_DIR");
            const std::filesystem::path shared = env != nullptr ? env : EQB_SHARED_DIR;
            auto qs = eqb::questions_load(shared / "data" / "eq_bench_v2_questions_171.json");
            if (!qs) {
                std::fprintf(stderr, "%s\n", qs.err().message.c_str());
                std::exit(1);
            }
            x.questions = std::move(*qs);
            for (const auto& e : std::filesystem::directory_iterator(shared / "conformance" / "eq-bench")) {
                auto runs = eqb::recorded_runs_load(e.path());
                if (!runs) {
                    std::fprintf(stderr, "%s\n", runs.err().message.c_str());
                    std::exit(1);
                }
                for (auto& r : *runs) {
                    for (const auto& it : r.iterations) {
                        x.answers += it.answers.size();
                    }
                    x.runs.push_back(std::move(r));
                }
            }
            return x;
        }();
        return c;
    }
};

void rescore_corpus(benchmark::State& state, eqb::parser_kind kind) {
    const auto& c = corpus::get();
    auto pack = eqb::language_pack_builtin("en");
    auto parser = eqb::eq_bench_parser::create(*pack, kind);
    for (auto _ : state) {
        double total = 0.0;
        for (const auto& run : c.runs) {
            total += eqb::eq_bench_rescore(run, c.questions, **parser, eqb::v2_scorer::V2_4).run.score;
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.answers));
    state.counters["runs"] = static_cast<double>(c.runs.size());
    state.counters["answers"] = static_cast<double>(c.answers);
}

void BM_rescore_corpus_reference(benchmark::State& state) {
    rescore_corpus(state, eqb::parser_kind::REFERENCE);
}
void BM_rescore_corpus_extended(benchmark::State& state) {
    rescore_corpus(state, eqb::parser_kind::EXTENDED);
}

// Reading the corpus files (JSON) too: what `eqbench score` does per file.
void BM_load_and_rescore_corpus(benchmark::State& state) {
    const auto& c = corpus::get();
    const char* env = std::getenv("EQBENCH_SHARED_DIR");
    const std::filesystem::path shared = env != nullptr ? env : EQB_SHARED_DIR;
    auto pack = eqb::language_pack_builtin("en");
    auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE);
    for (auto _ : state) {
        double total = 0.0;
        for (const auto& e : std::filesystem::directory_iterator(shared / "conformance" / "eq-bench")) {
            auto runs = eqb::recorded_runs_load(e.path());
            for (const auto& run : *runs) {
                total += eqb::eq_bench_rescore(run, c.questions, **parser, eqb::v2_scorer::V2_4).run.score;
            }
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.answers));
}

}  // namespace

BENCHMARK(BM_rescore_corpus_reference)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_rescore_corpus_extended)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_load_and_rescore_corpus)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
