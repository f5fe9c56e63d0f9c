// The report's data for a small store built through the store API
// (tests/support/report-fixture.hpp): the whole JSON document against a golden
// file, and its numbers against values worked out by hand from the fixture.
// Set EQB_UPDATE_GOLDEN=1 to rewrite the golden file after a deliberate change.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "report/report-compare.hpp"
#include "report/report-document.hpp"
#include "report/report-html.hpp"
#include "report/report-model.hpp"
#include "tests/support/process.hpp"
#include "tests/support/report-fixture.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path golden_file = fs::path(EQB_SOURCE_DIR) / "tests" / "golden" / "report" / "small-store.json";

struct fixture {
    eqb::test::temp_dir dir;
    eqb::report_model model;

    explicit fixture(bool with_data = true) {
        eqb::test::fixture_store_write(dir.path() / "results");
        eqb::report_sources sources;
        if (with_data) {
            eqb::test::fixture_data_dir_write(dir.path() / "data");
            sources.data_dir = dir.path() / "data";
        }
        auto store = eqb::report_store_load(dir.path() / "results");
        if (!store) {
            throw std::runtime_error(store.err().message);
        }
        store->results_dir = "results";  // the document never names the temp folder
        for (auto& run : store->runs) {
            run.finished_at = run.started_at + 60.0;  // the store stamps finishing with the clock
        }
        model = eqb::report_model_build(std::move(*store), sources);
    }

    std::string document(int indent = 2) {
        eqb::report_document_options options;
        options.generator = "eqbench test";
        return eqb::report_document_json(model, options, indent);
    }
};

const json* run_of(const json& doc, const std::string& key) {
    for (const auto& r : doc["runs"]) {
        if (r["key"] == key) {
            return &r;
        }
    }
    return nullptr;
}

const json* by_key(const json& list, const std::string& key) {
    for (const auto& r : list) {
        if (r["key"] == key) {
            return &r;
        }
    }
    return nullptr;
}

const std::string key_a = "1--v2--en--model-a--------openai----";
const std::string key_b = "1--v2--en--model-b--------openai----";
const std::string key_cw = "1--creative-writing--writer--------openai----";

TEST(report_document, matches_the_golden_document) {
    fixture f;
    const std::string doc = f.document() + "\n";
    if (std::getenv("EQB_UPDATE_GOLDEN") != nullptr) {
        fs::create_directories(golden_file.parent_path());
        std::ofstream(golden_file, std::ios::binary) << doc;
    }
    ASSERT_TRUE(fs::exists(golden_file)) << golden_file;
    EXPECT_EQ(doc, eqb::test::read_file(golden_file));
}

TEST(report_document, rows_hold_the_scores_worked_out_by_hand) {
    fixture f;
    const json doc = json::parse(f.document());
    EXPECT_EQ(doc["schema"], 1);
    // The judge run is folded into its Creative Writing run: 5 rows for 6 stored runs.
    ASSERT_EQ(doc["runs"].size(), 5u);
    EXPECT_EQ(run_of(doc, key_cw + "--judge--judge-x"), nullptr);

    const json& a = *run_of(doc, key_a);
    EXPECT_EQ(a["score"], 88.75);  // stored
    EXPECT_EQ(a["parseable"], 2.0);
    EXPECT_EQ(a["parseable_of"], 3);
    EXPECT_DOUBLE_EQ(a["parseable_gate"].get<double>(), 0.8333 * 3);
    EXPECT_EQ(a["gate_failed"], true);  // 2 of 3 is below 83.33%
    EXPECT_EQ(a["ci_method"], "bootstrap");
    EXPECT_GE(a["ci_low"].get<double>(), 85.0);
    EXPECT_LE(a["ci_high"].get<double>(), 92.5);
    EXPECT_EQ(a["points"], json::parse(R"([["1", 85.0], ["3", 92.5]])"));
    EXPECT_EQ(a["requests"], 6);
    EXPECT_EQ(a["input_tokens"], 500);  // 5 answered exchanges x 100
    EXPECT_TRUE(a["cost"].is_null());   // model-a has no price
    EXPECT_NE(a["cost_note"].get<std::string>().find("price unknown for model-a"), std::string::npos);
    EXPECT_EQ(a["date"], "2023-11-14 22:14");  // finished a minute after 22:13:20 UTC

    const json& b = *run_of(doc, key_b);
    EXPECT_EQ(b["score"], 42.5);  // 100 x (4 + 3.5 + 5.25) / 3 / 10, aggregated from the items
    EXPECT_EQ(b["parseable"], 3.0);
    EXPECT_EQ(b["points"], json::parse(R"([["1", 40.0], ["2", 35.0], ["3", 52.5]])"));

    const json& cw = *run_of(doc, key_cw);
    EXPECT_EQ(cw["judge"], "judge-x");
    EXPECT_EQ(cw["iterations"], 2);
    EXPECT_EQ(cw["iteration_scores"], json::parse("[null, null]"));  // 10 prompts or fewer
    EXPECT_EQ(cw["requests"], 8);
    EXPECT_EQ(cw["judge_requests"], 4);
    EXPECT_EQ(cw["status"], "failed");
    EXPECT_NEAR(cw["points"][0][1].get<double>(), 220.0 / 3.0, 1e-12);

    const json& jm = *run_of(doc, "1--judgemark--judge-y");
    EXPECT_EQ(jm["model"], "judge-y");
    EXPECT_EQ(jm["parseable"], 1.0);
    EXPECT_TRUE(jm["score"].is_null());  // no reference table in the data directory
    ASSERT_EQ(jm["notes"].size(), 1u);

    const json& other = *run_of(doc, "1--future-bench--model-a");
    EXPECT_EQ(other["title"], "future-bench");
    EXPECT_EQ(other["points"], json::parse(R"([["x1", 0.5]])"));
}

TEST(report_document, sections_show_ratings_causes_and_criteria) {
    fixture f;
    const json doc = json::parse(f.document());
    const json& sa = *by_key(doc["sections"], key_a);
    EXPECT_EQ(sa["kind"], "eq-bench");
    EXPECT_EQ(sa["references"], true);
    ASSERT_EQ(sa["questions"].size(), 3u);
    const json& q1 = sa["questions"][0];
    EXPECT_EQ(q1["id"], "1");
    EXPECT_EQ(q1["character"], "Ada");
    EXPECT_EQ(q1["emotions"][0], json::parse(R"({"name": "Joy", "answer": 5.0, "reference": 6.0})"));
    EXPECT_EQ(q1["points"], 85.0);
    ASSERT_EQ(q1["attempts"].size(), 2u);
    EXPECT_EQ(q1["attempts"][0]["status"], "HTTP_ERROR");
    EXPECT_EQ(q1["attempts"][1]["accepted"], true);
    const json& q2 = sa["questions"][1];
    EXPECT_EQ(q2["character"], "Cy");
    EXPECT_EQ(q2["status"], "unparseable");
    EXPECT_EQ(q2["cause"], "refusal-looking text");
    EXPECT_EQ(q2["attempts"].size(), 3u);
    EXPECT_EQ(sa["histogram"], json::parse("[0, 0, 0, 0, 0, 0, 0, 0, 1, 1]"));
    // Prompts are kept once: both EQ-Bench runs point at the same three texts.
    const json& sb = *by_key(doc["sections"], key_b);
    EXPECT_EQ(sb["questions"][0]["prompt"], q1["prompt"]);
    EXPECT_NE(doc["texts"][q1["prompt"].get<std::size_t>()].get<std::string>().find("At the end of this dialogue, Ada"),
              std::string::npos);
    EXPECT_EQ(sb["questions"][2]["attempts"][0]["reason"], "wrong names");

    const json& scw = *by_key(doc["sections"], key_cw);
    EXPECT_EQ(scw["kind"], "creative-writing");
    ASSERT_EQ(scw["criteria"].size(), 3u);
    EXPECT_EQ(scw["criteria"][0],
              json::parse(R"({"name": "Overall Impression", "mean": 7.0, "count": 4, "negative": false})"));
    EXPECT_EQ(scw["criteria"][1]["mean"], 6.5);
    EXPECT_EQ(scw["criteria"][2], json::parse(R"({"name": "Trite", "mean": 3.0, "count": 4, "negative": true})"));
    EXPECT_EQ(scw["pieces"].size(), 4u);
    EXPECT_EQ(scw["pieces"][0]["attempts"].size(), 2u);  // the generation and the judgement

    const json& pa = *by_key(doc["problems"], key_a);
    EXPECT_EQ(pa["unparseable"], json::parse(R"([{"cause": "refusal-looking text", "count": 1,
                                                  "items": [{"id": "2", "iteration": 1}]}])"));
    EXPECT_EQ(pa["rejected"], json::parse(R"([{"cause": "refusal-looking text", "count": 3}])"));
    EXPECT_EQ(pa["transport"], json::parse(R"([{"kind": "HTTP_ERROR 500", "count": 1}])"));
    EXPECT_EQ(pa["requests"], 6);
    const json& pj = *by_key(doc["problems"], "1--judgemark--judge-y");
    EXPECT_EQ(pj["unparseable"][0]["cause"], "no score in the judge's answer");
}

TEST(report_document, missing_data_leaves_columns_empty_not_an_error) {
    fixture f(false);
    const json doc = json::parse(f.document());
    const json& sa = *by_key(doc["sections"], key_a);
    EXPECT_EQ(sa["references"], false);
    // Without references the model's pairs are still shown.
    EXPECT_EQ(sa["questions"][0]["emotions"][0], json::parse(R"({"name": "Joy", "answer": 5.0, "reference": null})"));
    EXPECT_EQ((*run_of(doc, key_a))["score"], 88.75);
    EXPECT_FALSE((*run_of(doc, key_a))["notes"].empty());
}

TEST(report_document, secrets_never_appear) {
    fixture f;
    eqb::report_document_options options;
    options.secrets = {"model-b-secret-value"};
    const std::string doc = eqb::report_document_json(f.model, options);
    EXPECT_EQ(doc.find(eqb::test::fixture_secret()), std::string::npos);
    EXPECT_NE(doc.find("[redacted]"), std::string::npos);
    EXPECT_EQ(eqb::report_redact("a model-b-secret-value b", options.secrets), "a [redacted] b");
    EXPECT_EQ(eqb::report_redact("risk-assessment-framework-rules", {}), "risk-assessment-framework-rules");
    EXPECT_EQ(eqb::report_redact("short", {"short"}), "short");  // under 8 characters: not a secret
    const std::string samples = eqb::report_samples_jsonl(f.model, {});
    EXPECT_EQ(samples.find(eqb::test::fixture_secret()), std::string::npos);
}

TEST(report_document, html_carries_the_document_as_inert_data) {
    fixture f;
    const std::string doc = f.document(-1);
    const std::string page = eqb::report_html(doc);
    // Only the page's own two script elements: every '<' of the data is escaped.
    std::size_t scripts = 0;
    for (auto at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) {
        ++scripts;
    }
    EXPECT_EQ(scripts, 2u);
    for (const auto& h : eqb::test::hostile_texts()) {
        EXPECT_EQ(page.find(h), std::string::npos) << h;
    }
    EXPECT_NE(page.find("script-src 'sha256-"), std::string::npos);
    EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
    // The escaped data reads back as the same document.
    const auto start = page.find("id=\"eqb-data\">") + std::string("id=\"eqb-data\">").size();
    const auto end = page.find("</script>", start);
    EXPECT_EQ(json::parse(page.substr(start, end - start)), json::parse(doc));
}

TEST(report_document, samples_are_one_object_per_stored_item) {
    fixture f;
    const std::string samples = eqb::report_samples_jsonl(f.model, {});
    std::istringstream in(samples);
    std::string line;
    int lines = 0;
    std::set<std::string> keys;
    while (std::getline(in, line)) {
        const json j = json::parse(line);
        ++lines;
        if (keys.empty()) {
            for (const auto& [k, v] : j.items()) {
                keys.insert(k);
            }
        }
        std::set<std::string> these;
        for (const auto& [k, v] : j.items()) {
            these.insert(k);
        }
        EXPECT_EQ(these, keys);  // the same columns on every line
    }
    EXPECT_EQ(lines, 3 + 3 + 4 + 4 + 2 + 1);
    for (const char* k : {"run", "iteration", "item", "prompt", "answer", "parsed", "score", "input_tokens",
                          "output_tokens", "latency_s"}) {
        EXPECT_EQ(keys.count(k), 1u) << k;
    }
    const json first = json::parse(samples.substr(0, samples.find('\n')));
    EXPECT_EQ(first["run"], key_a);
    EXPECT_EQ(first["score"], 8.5);
    EXPECT_EQ(first["requests"], 2);
    EXPECT_EQ(first["latency_s"], 1.0);
}

TEST(report_document, runs_listing_and_lookup) {
    fixture f;
    const std::string text = eqb::report_runs_text(f.model);
    EXPECT_NE(text.find("DATE"), std::string::npos);
    EXPECT_NE(text.find(key_a), std::string::npos);
    EXPECT_NE(text.find("88.75"), std::string::npos);
    EXPECT_EQ(text.find("--judge--"), std::string::npos);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6);  // header + 5 runs
    EXPECT_EQ(*eqb::report_model_find(f.model, key_b), 1u);
    EXPECT_EQ(*eqb::report_model_find(f.model, "1--v2--en--model-b"), 1u);
    const auto ambiguous = eqb::report_model_find(f.model, "1--v2");
    ASSERT_FALSE(ambiguous);
    EXPECT_NE(ambiguous.err().message.find(key_a), std::string::npos);
    EXPECT_FALSE(eqb::report_model_find(f.model, "nope"));
}

TEST(report_document, compare_pairs_the_items_both_runs_scored) {
    fixture f;
    const auto c = eqb::report_compare_runs(f.model, 0, f.model, 1, {});
    ASSERT_TRUE(c) << c.err().message;
    // Items 1 and 3: 85 - 40 = 45 and 92.5 - 52.5 = 40.
    EXPECT_EQ(c->stats.n, 2u);
    EXPECT_EQ(c->stats.mean_diff, 42.5);
    EXPECT_EQ(c->stats.p_value, 0.5);  // exact: 2 of the 4 sign patterns reach |42.5|
    EXPECT_EQ(c->stats.wins_a, 2);
    EXPECT_EQ(c->only_b, 1);
    ASSERT_FALSE(c->warnings.empty());
    EXPECT_NE(c->warnings.back().find("different item sets"), std::string::npos);
    EXPECT_EQ(eqb::report_compare_sentence(*c, 0.95).rfind("A is higher than B by 42.50 points (95% CI ", 0), 0u);
    EXPECT_NE(eqb::report_compare_sentence(*c, 0.95).find("the difference is within noise (p = 0.500)"),
              std::string::npos);
    const json j = json::parse(eqb::report_compare_json(*c));
    for (const char* k : {"a", "b", "benchmark", "n", "score_a", "score_b", "mean_diff", "ci_low", "ci_high", "p_value",
                          "method", "wins_a", "wins_b", "ties", "warnings"}) {
        EXPECT_TRUE(j.contains(k)) << k;
    }
    EXPECT_EQ(j["method"], "exact sign-flip test");
    // Different benchmarks do not compare.
    EXPECT_FALSE(eqb::report_compare_runs(f.model, 0, f.model, 2, {}));
}

TEST(report_document, unparseable_answers_are_grouped_by_cause) {
    eqb::test::temp_dir dir;
    {
        eqb::test::fixture_writer w(dir.path() / "results");
        const auto run = w.run("1--v2--en--causes--------openai----", "eq-bench",
                               {{"eq_bench_version", "v2"}, {"language", "en"}, {"model_path", "causes"}}, 0);
        const std::vector<std::pair<std::string, std::string>> answers{
            {"1", "Joy: 0\nFear: 0\nAnger: 0\nHope: 0\n"},          // all zero
            {"2", "<think>Relief first, then guilt; maybe pride"},  // cut off in a thought
            {"3", "Calm: 4\n"},                                     // one pair
            {"4", "Joy: 5\nFear: 2\nAnger: 1\nHope: 7\n"},          // not a question of the set
        };
        for (const auto& [id, answer] : answers) {
            w.exchange(run, 1, id, 1, "test", "prompt " + id, "OK", 200, answer, 1);
            w.item(run, 1, id, "failed", answer, 3, "{}", eqb::test::scores_json(std::nullopt), 1);
        }
        w.finish(run, "failed", "", "");
    }
    eqb::test::fixture_data_dir_write(dir.path() / "data");
    eqb::report_sources sources;
    sources.data_dir = dir.path() / "data";
    auto store = eqb::report_store_load(dir.path() / "results");
    ASSERT_TRUE(store);
    auto model = eqb::report_model_build(std::move(*store), sources);
    const json doc = json::parse(eqb::report_document_json(model, {}));
    std::map<std::string, std::string> cause_of;
    for (const auto& group : doc["problems"][0]["unparseable"]) {
        for (const auto& item : group["items"]) {
            cause_of[item["id"].get<std::string>()] = group["cause"].get<std::string>();
        }
    }
    EXPECT_EQ(cause_of["1"], "all zero");
    EXPECT_EQ(cause_of["2"], "cut off in a thought");
    EXPECT_EQ(cause_of["3"], "no four pairs");
    EXPECT_EQ(cause_of["4"], "wrong names or format");     // no reference to tell which
    EXPECT_EQ(doc["problems"][0]["rejected"].size(), 4u);  // one rejected answer per cause
    EXPECT_EQ(doc["problems"][0]["answer_retries"], 4);
}

TEST(report_document, p_values_print_as_the_sentence_says) {
    EXPECT_EQ(eqb::report_p_text(1.0), "1");
    EXPECT_EQ(eqb::report_p_text(0.0021), "0.002");
    EXPECT_EQ(eqb::report_p_text(0.0009), "< 0.001");
}

}  // namespace
