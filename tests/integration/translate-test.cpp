// eqbench translate against the fake server: 20 questions where one item's
// first answer is cut-off JSON and one names the wrong character: the run
// completes, both items are asked again with the reason, and the output passes
// `eqbench data check`; a killed translation resumes without asking for a
// stored item again.

#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include "store/store.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::fake_request;

// The first 20 questions of the English set.
fs::path write_source(const fs::path& dir) {
    const auto all =
        nlohmann::ordered_json::parse(eqb::test::read_file(eqb::test::data_dir() / "eq_bench_v2_questions_171.json"));
    nlohmann::ordered_json some = nlohmann::ordered_json::object();
    for (const auto& [id, item] : all.items()) {
        if (some.size() < 20) {
            some[id] = item;
        }
    }
    const fs::path path = dir / "source.json";
    std::ofstream(path) << some.dump(2);
    return path;
}

std::string question_id(const fake_request& r) {
    std::smatch m;
    return std::regex_search(r.prompt, m, std::regex(R"(question (\d+) below)")) ? std::string(m[1]) : "";
}

std::string item_json(const fake_request& r) {
    const auto open = r.prompt.find('{');
    const auto close = r.prompt.rfind('}');
    return r.prompt.substr(open, close - open + 1);
}

// Answers every item with itself (a perfect "translation" into English), except
// the first answers to questions 3 (cut short) and 7 (a character who is not there).
eqb::test::fake_responder translator() {
    auto seen = std::make_shared<std::pair<std::mutex, std::set<std::string>>>();
    return [seen](const fake_request& r) {
        const std::string id = question_id(r);
        std::string answer = item_json(r);
        bool first = false;
        {
            std::lock_guard lock(seen->first);
            first = seen->second.insert(id).second;
        }
        if (first && id == "3") {
            return "```json\n" + answer.substr(0, answer.size() / 2);
        }
        if (first && id == "7") {
            return std::regex_replace(answer, std::regex("At the end of this dialogue, [^,.]+? would feel"),
                                      "At the end of this dialogue, Zebediah would feel");
        }
        return "Here is the translation:\n" + answer;
    };
}

std::vector<std::string> translate_args(const eqb::test::fake_server& server, const fs::path& dir,
                                        const fs::path& source) {
    return {"translate",
            "--source",
            source.string(),
            "--to",
            "en",
            "--model",
            "translator",
            "--base-url",
            server.base_url() + "/v1",
            "--out",
            (dir / "out.json").string(),
            "--results-dir",
            (dir / "results").string(),
            "--concurrency",
            "4"};
}

TEST(translate, bad_answers_are_asked_again_with_the_reason_and_the_output_passes_data_check) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    const fs::path source = write_source(dir.path());
    eqb::test::fake_server_config config;
    config.responder = translator();
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const auto out =
        eqb::test::eqbench_run(translate_args(server, dir.path(), source), dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("translate: 20 of 20 questions accepted (0 from the store), 0 failed, 2 answers rejected "
                           "and asked again; written to "),
              std::string::npos)
        << out.out;
    EXPECT_NE(out.out.find("rejections 2"), std::string::npos) << out.out;  // the progress line's word
    EXPECT_EQ(server.request_count(), 22u);
    std::map<std::string, std::vector<std::string>> by_id;
    for (const auto& r : server.requests()) {
        by_id[question_id(r)].push_back(r.prompt);
    }
    ASSERT_EQ(by_id["3"].size(), 2u);
    EXPECT_NE(by_id["3"][1].find("rejected: the answer is not valid JSON"), std::string::npos);
    ASSERT_EQ(by_id["7"].size(), 2u);
    EXPECT_NE(by_id["7"][1].find("'Zebediah', who does not appear in the dialogue"), std::string::npos)
        << by_id["7"][1].substr(0, 900);
    const auto translated = nlohmann::ordered_json::parse(eqb::test::read_file(dir.path() / "out.json"));
    EXPECT_EQ(translated.size(), 20u);
    EXPECT_EQ(translated.begin().key(), "1");  // the source's order
    const auto check = eqb::test::eqbench_run({"data", "check", (dir.path() / "out.json").string(), "--language", "en",
                                               "--data-dir", eqb::test::data_dir().string()},
                                              dir.path());
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("20 questions checked, 0 findings"), std::string::npos) << check.out;
}

TEST(translate, nothing_accepted_leaves_the_output_file_as_it_was) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    const fs::path source = write_source(dir.path());
    std::ofstream(dir.path() / "out.json") << "{\"kept\": true}\n";
    eqb::test::fake_server_config config;
    config.responder = [](const fake_request&) { return std::string("not JSON at all"); };
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const auto out =
        eqb::test::eqbench_run(translate_args(server, dir.path(), source), dir.path(), {{"OPENAI_API_KEY", ""}});
    EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
    EXPECT_NE(out.out.find("nothing accepted: "), std::string::npos) << out.out;
    EXPECT_EQ(eqb::test::read_file(dir.path() / "out.json"), "{\"kept\": true}\n");
}

TEST(translate, half_mode_asks_for_the_dialogue_and_the_name_and_checks_the_name_agrees) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    const fs::path source = write_source(dir.path());
    eqb::test::fake_server_config config;
    config.responder = translator();  // question 7's first answer names someone not in the dialogue
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    auto args = translate_args(server, dir.path(), source);
    args.insert(args.end(), {"--mode", "half"});
    const auto out = eqb::test::eqbench_run(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("20 of 20 questions accepted"), std::string::npos) << out.out;
    bool rejected_name = false;
    for (const auto& r : server.requests()) {
        EXPECT_NE(r.prompt.find("Translate only the dialogue"), std::string::npos);
        rejected_name = rejected_name || r.prompt.find("'Zebediah', who does not appear") != std::string::npos;
    }
    EXPECT_TRUE(rejected_name);
}

TEST(translate, an_item_that_never_passes_is_reported_and_the_rest_is_kept) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    const fs::path source = write_source(dir.path());
    eqb::test::fake_server_config config;
    config.responder = [](const fake_request& r) {
        return question_id(r) == "5" ? std::string("{\"prompt\": \"no\"}") : item_json(r);
    };
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const auto out =
        eqb::test::eqbench_run(translate_args(server, dir.path(), source), dir.path(), {{"OPENAI_API_KEY", ""}});
    EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
    EXPECT_NE(out.out.find("19 of 20 questions accepted"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("question 5: the answer must have exactly the keys"), std::string::npos) << out.out;
    EXPECT_EQ(nlohmann::json::parse(eqb::test::read_file(dir.path() / "out.json")).size(), 19u);
}

TEST(translate, creative_writing_prompt_files_keep_their_seed_marker_and_criteria) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json");
    eqb::test::temp_dir dir;
    const fs::path source = eqb::test::data_dir() / "creative_writing_prompts_v2.2.json";
    auto seen = std::make_shared<std::pair<std::mutex, std::set<std::string>>>();
    eqb::test::fake_server_config config;
    config.responder = [seen](const fake_request& r) {
        std::smatch m;
        std::regex_search(r.prompt, m, std::regex(R"(Creative Writing question (\d+) below)"));
        const std::string id = m[1];
        auto item = nlohmann::ordered_json::parse(item_json(r));
        std::lock_guard lock(seen->first);
        if (seen->second.insert(id).second && id == "2") {
            auto text = item["writing_prompt"].get<std::string>();
            text.replace(text.find("<SEED>"), 6, "");
            item["writing_prompt"] = text;  // the first answer loses the marker
        }
        return item.dump();
    };
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const auto out =
        eqb::test::eqbench_run(translate_args(server, dir.path(), source), dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("24 of 24 prompts accepted"), std::string::npos) << out.out;
    EXPECT_EQ(server.request_count(), 25u);
    bool retried = false;
    for (const auto& r : server.requests()) {
        retried = retried || r.prompt.find("lost its <SEED> marker") != std::string::npos;
        EXPECT_NE(r.prompt.find("Keep \"judging_criteria\" unchanged"), std::string::npos);
    }
    EXPECT_TRUE(retried);
    const auto translated = eqb::test::read_file(dir.path() / "out.json");
    EXPECT_EQ(nlohmann::json::parse(translated).size(), 24u);
}

TEST(translate, a_killed_translation_resumes_without_asking_for_a_stored_item_again) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    const fs::path source = write_source(dir.path());
    eqb::test::fake_server_config config;
    config.responder = [](const fake_request& r) { return item_json(r); };
    config.latency_min_ms = 60;
    config.latency_max_ms = 60;
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    auto args = translate_args(server, dir.path(), source);
    args.back() = "2";  // concurrency
    {
        eqb::test::child_process child(eqb::test::eqbench_command(args), {}, dir.path());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (server.request_count() < 8) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        child.signal(SIGKILL);
        child.wait(30.0);
    }
    std::set<std::string> stored;
    {
        auto db = eqb::store::open(dir.path() / "results");
        ASSERT_TRUE(db);
        const auto runs = (*db)->runs_list();
        ASSERT_TRUE(runs && !runs->empty());
        const auto items = (*db)->items_list(runs->front().id);
        ASSERT_TRUE(items);
        for (const auto& item : *items) {
            stored.insert(item.item_id);
        }
    }
    ASSERT_GE(stored.size(), 3u);
    const std::size_t before = server.request_count();
    const auto out = eqb::test::eqbench_run(args, dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto requests = server.requests();
    std::set<std::string> asked;
    for (std::size_t i = before; i < requests.size(); ++i) {
        const std::string id = question_id(requests[i]);
        EXPECT_EQ(stored.count(id), 0u) << "asked again: " << id;
        EXPECT_TRUE(asked.insert(id).second) << "asked twice: " << id;
    }
    EXPECT_EQ(asked.size() + stored.size(), 20u);
    EXPECT_EQ(nlohmann::json::parse(eqb::test::read_file(dir.path() / "out.json")).size(), 20u);
}

}  // namespace
