// The replay of a reference request log: every logged request's own body finds
// its own answer, and a changed body is a miss.

#include <gtest/gtest.h>

#include "tests/support/request-replay.hpp"
#include "tests/support/test-support.hpp"

namespace {

TEST(request_replay_test, every_logged_request_finds_its_answer_by_key) {
    for (const char* folder : {"eqbench3", "creative-writing-v3"}) {
        SCOPED_TRACE(folder);
        const auto log = eqb::test::shared_dir() / "conformance" / folder / "requests.jsonl.gz";
        if (!std::filesystem::exists(log)) {
            GTEST_SKIP() << "needs " << log;
        }
        eqb::test::request_replay replay(log);
        ASSERT_GT(replay.lines().size(), 1000U);
        std::size_t matched = 0;
        for (const auto& line : replay.lines()) {
            nlohmann::json body;
            body["model"] = line["model"];
            body["messages"] = line["messages"];
            for (const char* field : {"temperature", "max_tokens", "min_p"}) {
                if (line.contains(field) && !line[field].is_null()) {
                    body[field] = line[field];
                }
            }
            const std::string key =
                line.contains("key") ? line["key"].get<std::string>() : line["sha256"].get<std::string>();
            EXPECT_EQ(eqb::test::request_replay::key_of(body), key) << "request " << line["n"];
            matched += eqb::test::request_replay::key_of(body) == key ? 1U : 0U;
        }
        EXPECT_EQ(matched, replay.lines().size());
        nlohmann::json changed;
        changed["model"] = replay.lines()[0]["model"];
        changed["messages"] = replay.lines()[0]["messages"];
        changed["messages"][0]["content"] = changed["messages"][0]["content"].get<std::string>() + " ";
        EXPECT_FALSE(replay.answer(changed.dump()).has_value());
        EXPECT_EQ(replay.misses().size(), 1U);
    }
}

}  // namespace
