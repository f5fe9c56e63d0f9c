// EQ-Bench run throughput against the fake server: 171 questions x 3
// iterations at 50 ms latency. Goal: at concurrency 32, wall time within 1.25x
// of the ideal (items x latency / concurrency). Reports wall time, the ratio to
// the ideal and peak RSS; compare with concurrency 1.
// Run: build/bench/eq-bench-run-bench --benchmark_filter=concurrency:32

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "bench/eq-bench/benchmark.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "run/engine.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/replay.hpp"

namespace {

namespace fs = std::filesystem;

// The fake server's latency; EQB_BENCH_LATENCY_MS overrides it (0 measures
// eqbench's own overhead per item).
int latency_ms() {
    const char* env = std::getenv("EQB_BENCH_LATENCY_MS");
    return env != nullptr ? std::atoi(env) : 50;
}
constexpr int iterations = 3;

fs::path shared() {
    const char* env = std::getenv("EQBENCH_SHARED_DIR");
    return env != nullptr ? fs::path(env) : fs::path(EQB_SHARED_DIR);
}

void BM_eq_bench_run(benchmark::State& state) {
    const int concurrency = static_cast<int>(state.range(0));
    static const eqb::test::conformance_replay replay(
        shared() / "conformance" / "eq-bench" / "gpt-4-0125-preview_eqbench_v2_results.json",
        shared() / "data" / "eq_bench_v2_questions_171.json");
    auto questions = eqb::questions_load(shared() / "data" / "eq_bench_v2_questions_171.json");
    auto pack = eqb::language_pack_builtin("en");
    if (!questions || !pack) {
        state.SkipWithError("cannot load the question set or the en pack");
        return;
    }
    eqb::test::fake_server_config config;
    config.latency_min_ms = latency_ms();
    config.responder = [](const eqb::test::fake_request& r) { return replay.answer(r.prompt); };
    eqb::test::fake_server server(config);
    if (!server.start()) {
        state.SkipWithError("fake server did not start");
        return;
    }
    double wall = 0.0;
    double cpu = 0.0;
    const auto process_cpu_s = [] {
        rusage u{};
        ::getrusage(RUSAGE_SELF, &u);
        return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
               static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    for (auto _ : state) {
        const fs::path dir = fs::temp_directory_path() / ("eqbench-bench-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        eqb::endpoint_config endpoint;
        endpoint.base_url = server.base_url() + "/v1";
        endpoint.model = "fake-model";
        std::vector<std::unique_ptr<eqb::chat_client>> clients;
        clients.push_back(std::move(*eqb::chat_client_create(endpoint)));
        eqb::endpoint_pool pool(std::move(clients), concurrency);
        auto db = eqb::store::open(dir);
        eqb::eq_bench_settings settings;
        settings.run.model = "fake-model";
        settings.run.iterations = iterations;
        settings.run.results_dir = dir;
        auto bench = eqb::eq_bench_create(settings, *questions, *pack);
        eqb::run_counters counters;
        eqb::cancel_flag stop{false};
        const auto start = std::chrono::steady_clock::now();
        const double cpu_start = process_cpu_s();
        auto outcome = eqb::engine_run(**bench, {&pool, nullptr}, **db, {}, counters, stop);
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        cpu = process_cpu_s() - cpu_start;
        state.SetIterationTime(wall);
        if (!outcome || outcome->summary.status != "completed") {
            state.SkipWithError("run failed");
        }
        fs::remove_all(dir);
    }
    const double items = 171.0 * iterations;
    const double ideal = items * latency_ms() / 1000.0 / concurrency;
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    state.counters["wall_s"] = wall;
    // CPU of the whole process (eqbench and the in-process fake server) during the run.
    state.counters["process_cpu_s"] = cpu;
    state.counters["ideal_s"] = ideal;
    state.counters["ratio_to_ideal"] = wall / ideal;
    state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

BENCHMARK(BM_eq_bench_run)
    ->ArgName("concurrency")
    ->Arg(32)
    ->Arg(1)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_MAIN();
