// Store write throughput: one exchange_add per iteration, each its own WAL
// commit, with a realistic request and response size. Goal: well above the
// rate any set of model servers can answer (thousands per second).
// Run: build/bench/store-bench [--benchmark_min_time=2]

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/store.hpp"

namespace {

void bm_exchange_add(benchmark::State& state) {
    const auto dir = std::filesystem::temp_directory_path() / ("eqb-store-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    {
        auto db = eqb::store::open(dir);
        if (!db) {
            state.SkipWithError(db.err().message.c_str());
            return;
        }
        eqb::run_record fresh;
        fresh.key = "bench";
        fresh.benchmark = "eq-bench";
        auto run = (*db)->run_begin(fresh);
        if (!run) {
            state.SkipWithError(run.err().message.c_str());
            return;
        }
        eqb::exchange_record ex;
        ex.run_row = run->id;
        ex.item_id = "1";
        ex.role = "test";
        ex.endpoint = "http://127.0.0.1:8080/v1";
        ex.request_json = std::string(static_cast<std::size_t>(state.range(0)), 'q');
        ex.status = "OK";
        ex.http_status = 200;
        ex.response_body = std::string(static_cast<std::size_t>(state.range(0)), 'r');
        ex.content = std::string(static_cast<std::size_t>(state.range(0)) / 2, 'c');
        for (auto _ : state) {
            auto added = (*db)->exchange_add(ex);
            if (!added) {
                state.SkipWithError(added.err().message.c_str());
                break;
            }
            benchmark::DoNotOptimize(*added);
        }
        state.SetItemsProcessed(state.iterations());
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(bm_exchange_add)->Arg(256)->Arg(4096);

}  // namespace

BENCHMARK_MAIN();
