// The HTML report of a large store: 20 EQ-Bench runs x 171 questions x 3
// iterations (10,260 items, each with its request and answer; the answers are
// the conformance corpus's recorded ones, scored as the runner scores them).
// Goal: the page opens in headless Chromium in under 3 s. Also times building
// the summaries and the document.
// Run: build/bench/report-bench [--benchmark_filter=open]

#include <benchmark/benchmark.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/prompt.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "report/report-document.hpp"
#include "report/report-html.hpp"
#include "report/report-model.hpp"
#include "scoring/eq-bench.hpp"
#include "store/store.hpp"
#include "tests/support/chromium.hpp"

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

constexpr int bench_runs = 20;
constexpr int bench_iterations = 3;

const fs::path shared = EQB_SHARED_DIR;

// Writes the store once; returns its folder ("" with the reason in `why`).
fs::path bench_store(std::string& why) {
    static fs::path dir;
    static std::string failure;
    if (!dir.empty() || !failure.empty()) {
        why = failure;
        return dir;
    }
    const auto questions = eqb::questions_load(shared / "data" / "eq_bench_v2_questions_171.json");
    auto pack = eqb::language_pack_builtin("en");
    std::vector<fs::path> recordings;
    if (fs::is_directory(shared / "conformance" / "eq-bench")) {
        for (const auto& e : fs::directory_iterator(shared / "conformance" / "eq-bench")) {
            if (e.path().extension() == ".json") {
                recordings.push_back(e.path());
            }
        }
    }
    std::sort(recordings.begin(), recordings.end());
    if (!questions || !pack || recordings.size() < static_cast<std::size_t>(bench_runs)) {
        failure = "needs the shared data and 20 conformance recordings under " + shared.string();
        why = failure;
        return {};
    }
    auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE);
    dir = fs::temp_directory_path() / ("eqb-report-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto db = eqb::store::open(dir);
    for (int r = 0; r < bench_runs; ++r) {
        std::ifstream in(recordings[static_cast<std::size_t>(r)]);
        const auto recorded = ojson::parse(in);
        const std::string model = recordings[static_cast<std::size_t>(r)].stem().string();
        eqb::run_record fresh;
        fresh.key = "1--v2--en--" + model + "--------openai----";
        fresh.benchmark = "eq-bench";
        fresh.metadata_json = ojson{{"eq_bench_version", "v2"}, {"language", "en"},
                                    {"model_path", model},      {"total_iterations", 3},
                                    {"revise", false},          {"parser", "reference"},
                                    {"scorer", "v2.4"},         {"inference_engine", "openai"}}
                                  .dump();
        fresh.status = "running";
        auto run = (*db)->run_begin(fresh);
        (*db)->batch_begin();
        for (int it = 1; it <= bench_iterations; ++it) {
            for (const auto& q : questions->questions) {
                const auto& answers = recorded["iterations"]["1"];
                const std::string answer =
                    answers.contains(q.id) && answers[q.id].is_string() ? answers[q.id].get<std::string>() : "";
                const std::string prompt = eqb::prompt_remove_revision(q.prompt, *pack).text;
                eqb::exchange_record ex;
                ex.run_row = run->id;
                ex.iteration = it;
                ex.item_id = q.id;
                ex.role = "test";
                ex.endpoint = "http://127.0.0.1:8080/v1";
                ex.request_json =
                    ojson{{"model", model}, {"messages", {{{"role", "user"}, {"content", prompt}}}}}.dump();
                ex.status = "OK";
                ex.http_status = 200;
                ex.response_body = ojson{{"choices", {{{"message", {{"content", answer}}}}}}}.dump();
                ex.content = answer;
                ex.latency_s = 1.0;
                ex.input_tokens = 400;
                ex.output_tokens = 40;
                (*db)->exchange_add(ex);
                const auto parsed = (*parser)->parse(answer, false, nullptr);
                const auto score = eqb::score_eq_bench_question(parsed, false, q.reference, &*q.reference_fullscale,
                                                                eqb::v2_scorer::V2_4);
                eqb::item_record item;
                item.run_row = run->id;
                item.iteration = it;
                item.item_id = q.id;
                item.state = score.first_pass ? "done" : "failed";
                item.answer = answer;
                item.tries = 1;
                item.parsed_json = "{}";
                item.scores_json = ojson{
                    {"first_pass_score", score.first_pass ? ojson(*score.first_pass) : nullptr},
                    {"revised_score",
                     nullptr}}.dump();
                (*db)->item_put(item);
            }
        }
        (*db)->batch_commit();
        (*db)->run_finish(run->id, "completed", "", "");
    }
    return dir;
}

eqb::report_sources bench_sources() {
    eqb::report_sources s;
    s.data_dir = shared / "data";
    return s;
}

void bm_report_model(benchmark::State& state) {
    std::string why;
    const fs::path dir = bench_store(why);
    if (dir.empty()) {
        state.SkipWithError(why.c_str());
        return;
    }
    for (auto _ : state) {
        auto store = eqb::report_store_load(dir);
        auto model = eqb::report_model_build(std::move(*store), bench_sources());
        benchmark::DoNotOptimize(model.runs.size());
    }
}

void bm_report_document(benchmark::State& state) {
    std::string why;
    const fs::path dir = bench_store(why);
    if (dir.empty()) {
        state.SkipWithError(why.c_str());
        return;
    }
    auto store = eqb::report_store_load(dir);
    auto model = eqb::report_model_build(std::move(*store), bench_sources());
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::string page = eqb::report_html(eqb::report_document_json(model, {}));
        bytes = page.size();
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["page_MB"] = static_cast<double>(bytes) / 1e6;
}

// From navigation to the first view drawn (the page sets data-ready), in headless Chromium.
void bm_report_open(benchmark::State& state) {
    std::string why;
    const fs::path dir = bench_store(why);
    if (dir.empty()) {
        state.SkipWithError(why.c_str());
        return;
    }
    const auto binary = eqb::test::headless_chromium::find_binary();
    if (!binary) {
        state.SkipWithError("no chromium on PATH");
        return;
    }
    {
        auto store = eqb::report_store_load(dir);
        auto model = eqb::report_model_build(std::move(*store), bench_sources());
        std::ofstream(dir / "eqbench-report.html") << eqb::report_html(eqb::report_document_json(model, {}));
    }
    eqb::test::headless_chromium browser;
    const std::string started = browser.start(*binary, dir / "profile", 1280, 900);
    if (!started.empty()) {
        state.SkipWithError(started.c_str());
        return;
    }
    const std::string url = "file://" + (dir / "eqbench-report.html").string();
    const std::string hash = state.range(0) == 0 ? "" : "#view=run";
    for (auto _ : state) {
        browser.navigate("about:blank");
        const auto t0 = std::chrono::steady_clock::now();
        browser.navigate(url + hash);
        browser.evaluate(
            "new Promise((r) => { const f = () => document.body.dataset.ready ? r(1) : setTimeout(f, 5); f(); })");
        state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    state.counters["render_ms"] = std::stod(browser.evaluate("document.body.dataset.renderMs").get<std::string>());
}

}  // namespace

BENCHMARK(bm_report_model)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(bm_report_document)->Unit(benchmark::kMillisecond)->Iterations(3);
// 0: the leaderboard; 1: a run's view (a 513-row question table, its charts).
BENCHMARK(bm_report_open)->Arg(0)->Arg(1)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    std::string why;
    const fs::path dir = bench_store(why);
    if (!dir.empty()) {
        fs::remove_all(dir);
    }
    return 0;
}
