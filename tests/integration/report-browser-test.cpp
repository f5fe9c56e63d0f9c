// The HTML report in headless Chromium (DevTools protocol over a pipe): the
// rows are read back from the DOM, hostile answers show as text and run
// nothing, there is no console error and no request beyond the file itself,
// filters live in the URL hash, and the compare view computes the same
// statistics as `eqbench compare`. Skipped with the reason when no browser
// starts. With EQB_REPORT_SCREENSHOT=FILE the replayed-runs case writes a PNG
// of the report there (docs/report-screenshot.png for the README).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "tests/fake-server/fake-server.hpp"
#include "tests/support/chromium.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"
#include "tests/support/report-fixture.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string key_a = "1--v2--en--model-a--------openai----";
const std::string key_b = "1--v2--en--model-b--------openai----";
const std::string key_cw = "1--creative-writing--writer--------openai----";

class report_browser : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto binary = eqb::test::headless_chromium::find_binary();
        if (!binary) {
            GTEST_SKIP()
                << "no chromium on PATH (scripts/install-deps installs Debian's chromium; or set EQB_CHROMIUM)";
        }
        const std::string why = browser_.start(*binary, dir_.path() / "profile", 1280, 900);
        if (!why.empty()) {
            GTEST_SKIP() << "chromium (" << *binary << ") did not start: " << why;
        }
    }

    // Loads `url` afresh (through about:blank, so that a URL differing only in its hash loads too).
    void open(const std::string& url) {
        browser_.navigate("about:blank");
        browser_.navigate(url);
    }
    // Sets the page's hash (the page renders on hashchange) and waits a moment.
    void show(const std::string& hash) {
        browser_.evaluate("location.hash = " + json(hash).dump() + "; new Promise((r) => setTimeout(r, 30))");
    }
    json eval(const std::string& js) { return browser_.evaluate(js); }
    void expect_clean() {
        EXPECT_TRUE(browser_.console_errors().empty()) << json(browser_.console_errors()).dump(1);
        for (const auto& url : browser_.requests()) {
            EXPECT_TRUE(url.rfind("file://", 0) == 0 || url == "about:blank") << "request to " << url;
        }
    }
    std::vector<std::string> column(const std::string& table, int index) {
        return eval("Array.from(document.querySelectorAll('#" + table + " tbody tr.row')).map((tr) => tr.children[" +
                    std::to_string(index) + "].textContent)")
            .get<std::vector<std::string>>();
    }

    eqb::test::temp_dir dir_;
    eqb::test::headless_chromium browser_;
};

TEST_F(report_browser, rows_render_and_hostile_answers_run_nothing) {
    const fs::path results = dir_.path() / "results";
    const fs::path data = dir_.path() / "data";
    eqb::test::fixture_store_write(results);
    eqb::test::fixture_data_dir_write(data);
    const auto out =
        eqb::test::eqbench_run({"report", "--results-dir", results.string(), "--data-dir", data.string()}, dir_.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    const fs::path page = results / "eqbench-report.html";
    const std::string html = eqb::test::read_file(page);
    EXPECT_EQ(html.find(eqb::test::fixture_secret()), std::string::npos);

    browser_.navigate("file://" + page.string());
    EXPECT_EQ(eval("document.body.dataset.ready"), "1");
    // Leaderboard: one row per run (the judge run folded in), best score first.
    const auto models = column("leaderboard", 2);
    ASSERT_EQ(models.size(), 5u) << json(models).dump();
    EXPECT_EQ(models[0], "model-a");  // 88.75
    EXPECT_EQ(models[1], "model-b");  // 42.5
    const auto scores = column("leaderboard", 4);
    EXPECT_EQ(scores[0].rfind("88.75", 0), 0u) << scores[0];
    EXPECT_EQ(scores[1].rfind("42.50", 0), 0u) << scores[1];
    EXPECT_NE(column("leaderboard", 6)[0].find("below gate"), std::string::npos);

    // Sorting by a header click, and search in the hash.
    eval("document.querySelectorAll('#leaderboard th')[2].click()");
    EXPECT_EQ(column("leaderboard", 2).front(), "writer");  // model, descending
    eval(
        "const s = document.querySelector('input[type=search]'); s.value = 'model-b';"
        "s.dispatchEvent(new Event('input'))");
    EXPECT_EQ(column("leaderboard", 2), std::vector<std::string>{"model-b"});
    EXPECT_NE(eval("location.hash").get<std::string>().find("q=model-b"), std::string::npos);

    // A link opens the same view: a fresh load of the URL with its hash.
    open("file://" + page.string() + "#view=run&run=" + key_a + "&open=1:2");
    EXPECT_EQ(column("questions", 0), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(column("questions", 2), (std::vector<std::string>{"Ada", "Cy", "Ada"}));
    const std::string details = eval("document.querySelector('#questions tr.details').textContent").get<std::string>();
    for (const auto& h : eqb::test::hostile_texts()) {
        EXPECT_NE(details.find(h), std::string::npos) << h;  // shown as text
    }
    EXPECT_NE(details.find("refusal-looking text"), std::string::npos);
    EXPECT_NE(details.find("Relief"), std::string::npos);  // the prompt sent
    EXPECT_EQ(details.find(eqb::test::fixture_secret()), std::string::npos);

    show("#view=run&run=" + key_cw + "&open=1:1");
    EXPECT_EQ(column("pieces", 0).size(), 4u);
    EXPECT_NE(eval("document.querySelector('#pieces tr.details').textContent")
                  .get<std::string>()
                  .find(eqb::test::hostile_texts()[0]),
              std::string::npos);
    show("#view=run&run=1--future-bench--model-a");
    EXPECT_EQ(column("items", 0), std::vector<std::string>{"x1"});
    show("#view=run&run=1--judgemark--judge-y");
    EXPECT_EQ(column("judged", 0).size(), 2u);

    show("#view=problems");
    EXPECT_EQ(eval("document.querySelectorAll('.problem').length"), 5);
    EXPECT_NE(eval("document.querySelector('.problem').textContent").get<std::string>().find("refusal-looking text"),
              std::string::npos);

    // Nothing of the hostile answers became markup or ran.
    EXPECT_TRUE(eval("window.__pwned === undefined").get<bool>());
    EXPECT_EQ(eval("document.querySelectorAll('img, iframe, object, embed, link[rel=stylesheet], textarea').length"),
              0);
    EXPECT_EQ(eval("document.querySelectorAll('[onerror], [onload], a[href^=\"javascript:\"]').length"), 0);
    EXPECT_EQ(eval("document.scripts.length"), 2);
    expect_clean();
}

TEST_F(report_browser, compare_view_matches_eqbench_compare) {
    const fs::path results = dir_.path() / "results";
    eqb::test::fixture_store_write(results);
    const auto out = eqb::test::eqbench_run({"report", "--results-dir", results.string()}, dir_.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    const auto cli =
        eqb::test::eqbench_run({"compare", key_a, key_b, "--results-dir", results.string(), "--json"}, dir_.path());
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const json c = json::parse(cli.out);
    const auto text = eqb::test::eqbench_run({"compare", key_a, key_b, "--results-dir", results.string()}, dir_.path());
    const std::string sentence = text.out.substr(text.out.rfind("A is"));

    browser_.navigate("file://" + (results / "eqbench-report.html").string() + "#view=compare&a=" + key_a +
                      "&b=" + key_b);
    const json stats = eval("Object.assign({}, document.getElementById('compare-stats').dataset)");
    EXPECT_EQ(std::stoi(stats["n"].get<std::string>()), c["n"].get<int>());
    EXPECT_EQ(std::stod(stats["meanDiff"].get<std::string>()), c["mean_diff"].get<double>());
    EXPECT_EQ(std::stod(stats["ciLow"].get<std::string>()), c["ci_low"].get<double>());
    EXPECT_EQ(std::stod(stats["ciHigh"].get<std::string>()), c["ci_high"].get<double>());
    EXPECT_EQ(std::stod(stats["pValue"].get<std::string>()), c["p_value"].get<double>());
    EXPECT_EQ(std::stoi(stats["winsA"].get<std::string>()), c["wins_a"].get<int>());
    EXPECT_EQ(eval("document.getElementById('compare-sentence').textContent").get<std::string>() + "\n", sentence);
    EXPECT_EQ(column("differences", 0), (std::vector<std::string>{"1", "3"}));  // largest difference first
    const std::string warnings = eval(
                                     "Array.from(document.querySelectorAll('.warning')).map((w) => w.textContent)"
                                     ".join('\\n')")
                                     .get<std::string>();
    for (const auto& w : c["warnings"]) {
        EXPECT_NE(warnings.find(w.get<std::string>()), std::string::npos) << w;
    }
    expect_clean();
}

// Replays of recorded models: 171-question tables, the compare view on 171 items
// (random sign flips), and the README's screenshot.
TEST_F(report_browser, replayed_runs_render_and_compare_like_the_cli) {
    const char* files[] = {"Qwen__Qwen-14B-Chat_eqbench_v2_results.json", "lxuechen__phi-2-dpo_eqbench_v2_results.json",
                           "teknium__OpenHermes-2.5-Mistral-7B_eqbench_v2_results.json"};
    const char* models[] = {"Qwen-14B-Chat", "phi-2-dpo", "OpenHermes-2.5-Mistral-7B"};
    const fs::path questions = eqb::test::data_dir() / "eq_bench_v2_questions_171.json";
    for (const char* f : files) {
        if (!fs::exists(eqb::test::shared_dir() / "conformance" / "eq-bench" / f)) {
            GTEST_SKIP() << "needs " << eqb::test::shared_dir() / "conformance" / "eq-bench" / f;
        }
    }
    if (!fs::exists(questions)) {
        GTEST_SKIP() << "needs " << questions;
    }
    const fs::path results = dir_.path() / "results";
    for (std::size_t i = 0; i < 3; ++i) {
        const eqb::test::conformance_replay replay(eqb::test::shared_dir() / "conformance" / "eq-bench" / files[i],
                                                   questions);
        eqb::test::fake_server_config config;
        config.responder = [&replay](const eqb::test::fake_request& r) { return replay.answer(r.prompt); };
        config.latency_min_ms = 1;
        config.latency_max_ms = 30;
        eqb::test::fake_server server(std::move(config));
        ASSERT_TRUE(server.start());
        const auto run = eqb::test::eqbench_run(
            {"run", "--model", models[i], "--base-url", server.base_url() + "/v1", "--iterations", i == 0 ? "2" : "1",
             "--concurrency", "16", "--results-dir", results.string(), "--data-dir", eqb::test::data_dir().string()},
            dir_.path(), {{"OPENAI_API_KEY", ""}});
        ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    }
    const auto report = eqb::test::eqbench_run(
        {"report", "--results-dir", results.string(), "--data-dir", eqb::test::data_dir().string()}, dir_.path());
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const std::string key_q = "1--v2--en--Qwen-14B-Chat--------openai----";
    const std::string key_o = "1--v2--en--OpenHermes-2.5-Mistral-7B--------openai----";
    const std::string url = "file://" + (results / "eqbench-report.html").string();

    browser_.navigate(url);
    EXPECT_EQ(column("leaderboard", 2),
              (std::vector<std::string>{"OpenHermes-2.5-Mistral-7B", "Qwen-14B-Chat", "phi-2-dpo"}));
    show("#view=run&run=" + key_q);
    EXPECT_EQ(column("questions", 0).size(), 100u);  // one page
    EXPECT_NE(eval("document.body.textContent").get<std::string>().find("342 of 342 rows"), std::string::npos);
    eval(
        "const s = document.querySelector('input[type=search]'); s.value = 'Robert';"
        "s.dispatchEvent(new Event('input'))");
    for (const auto& c : column("questions", 2)) {
        EXPECT_EQ(c, "Robert");
    }

    const auto cli =
        eqb::test::eqbench_run({"compare", key_o, key_q, "--results-dir", results.string(), "--json"}, dir_.path());
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const json c = json::parse(cli.out);
    show("#view=compare&a=" + key_o + "&b=" + key_q);
    const json stats = eval("Object.assign({}, document.getElementById('compare-stats').dataset)");
    EXPECT_EQ(std::stoi(stats["n"].get<std::string>()), c["n"].get<int>());
    EXPECT_EQ(std::stod(stats["meanDiff"].get<std::string>()), c["mean_diff"].get<double>());
    EXPECT_EQ(std::stod(stats["ciLow"].get<std::string>()), c["ci_low"].get<double>());
    EXPECT_EQ(std::stod(stats["ciHigh"].get<std::string>()), c["ci_high"].get<double>());
    EXPECT_EQ(std::stod(stats["pValue"].get<std::string>()), c["p_value"].get<double>());
    expect_clean();

    if (const char* shot = std::getenv("EQB_REPORT_SCREENSHOT"); shot != nullptr && *shot != '\0') {
        open(url + "#view=run&run=" + key_q + "&open=1:1");
        const std::string png = browser_.screenshot(false);
        ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
        std::ofstream(shot, std::ios::binary) << png;
    }
}

// A judge that gives every answer the same scores: the model scores are equal but
// for rounding (72 and 72.00000000000001), which once made the charts' ticks loop forever.
TEST_F(report_browser, judgemark_view_draws_when_every_score_is_equal) {
    for (const char* f : {"judgemark_test_set.json", "judgemark_reference.json"}) {
        if (!fs::exists(eqb::test::data_dir() / f)) {
            GTEST_SKIP() << "needs " << eqb::test::data_dir() / f;
        }
    }
    eqb::test::fake_server_config config;
    config.responder = [](const eqb::test::fake_request&) {
        // (7 + 6 + (10 - 3) + (10 - 2) + 8) / 5 = 7.2, which sums to different last bits in different orders.
        return std::string(
            "[Scores]\nOverall Impression: 7\nCoherent: 6\nTrite: 3\nAmateurish: 2\nEmotionally Engaging: 8\n");
    };
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const fs::path results = dir_.path() / "results";
    const auto run = eqb::test::eqbench_run(
        {"run", "--benchmarks", "judgemark", "--judge-model", "claude-3-opus-20240229", "--judge-engine", "openai",
         "--judge-base-url", server.base_url() + "/v1", "--concurrency", "16", "--results-dir", results.string(),
         "--data-dir", eqb::test::data_dir().string()},
        dir_.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const auto report = eqb::test::eqbench_run(
        {"report", "--results-dir", results.string(), "--data-dir", eqb::test::data_dir().string()}, dir_.path());
    ASSERT_EQ(report.exit_code, 0) << report.err;
    browser_.navigate("file://" + (results / "eqbench-report.html").string() +
                      "#view=run&run=1--judgemark--claude-3-opus-20240229");
    EXPECT_EQ(eval("document.querySelectorAll('#metrics tr').length"), 18);
    EXPECT_EQ(eval("document.querySelectorAll('main svg').length"), 2);
    EXPECT_EQ(column("judged", 0).size(), 100u);  // the first page of 360
    expect_clean();
}

}  // namespace
