// The question loaders on the five real question files, and their errors on
// malformed input: each message names the file, the question and the field.

#include <gtest/gtest.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/questions.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ordered_json = nlohmann::ordered_json;

struct question_file_case {
    std::string language;
    eqb::eq_bench_version version;
    std::size_t count;
};

const std::vector<question_file_case> question_files = {
    {"en", eqb::eq_bench_version::V1, 60},      {"en", eqb::eq_bench_version::V2, 171},
    {"de", eqb::eq_bench_version::V2, 171},     {"ja", eqb::eq_bench_version::V2, 171},
    {"jahalf", eqb::eq_bench_version::V2, 171},
};

// A score as the file holds it: a number, or a string of one.
double raw_score(const ordered_json& value) {
    if (value.is_number()) {
        return value.get<double>();
    }
    const auto& text = value.get_ref<const std::string&>();
    double parsed = 0.0;
    std::from_chars(text.data(), text.data() + text.size(), parsed);
    return parsed;
}

TEST(data_questions_test, file_names_per_language_and_version) {
    EXPECT_EQ(eqb::questions_file_name("en", eqb::eq_bench_version::V1), "eq_bench_v1_questions_60.json");
    EXPECT_EQ(eqb::questions_file_name("en", eqb::eq_bench_version::V2), "eq_bench_v2_questions_171.json");
    EXPECT_EQ(eqb::questions_file_name("de", eqb::eq_bench_version::V2), "eq_bench_v2_questions_171_de.json");
    EXPECT_EQ(eqb::questions_file_name("ja", eqb::eq_bench_version::V2), "eq_bench_v2_questions_171_ja.json");
    EXPECT_EQ(eqb::questions_file_name("jahalf", eqb::eq_bench_version::V2), "eq_bench_v2_questions_171_jahalf.json");
    EXPECT_EQ(eqb::questions_file_name("de", eqb::eq_bench_version::V1), std::nullopt);
    EXPECT_EQ(eqb::questions_file_name("pl", eqb::eq_bench_version::V2), std::nullopt);
    EXPECT_EQ(eqb::questions_file_name("", eqb::eq_bench_version::V2), std::nullopt);
}

TEST(data_questions_test, the_real_files_load_whole_and_in_order) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v1_questions_60.json", "eq_bench_v2_questions_171.json",
                         "eq_bench_v2_questions_171_de.json", "eq_bench_v2_questions_171_ja.json",
                         "eq_bench_v2_questions_171_jahalf.json");
    for (const auto& c : question_files) {
        const auto name = eqb::questions_file_name(c.language, c.version);
        ASSERT_TRUE(name.has_value());
        SCOPED_TRACE(*name);
        const auto path = eqb::test::data_dir() / *name;
        const auto loaded = eqb::questions_load(path);
        ASSERT_TRUE(loaded.ok()) << loaded.err().message;
        const auto& set = *loaded;
        EXPECT_EQ(set.path, path.string());
        EXPECT_EQ(set.version, c.version);
        ASSERT_EQ(set.questions.size(), c.count);

        // Compare every field with the file read independently, in file order.
        const auto raw = ordered_json::parse(eqb::test::read_file(path));
        std::size_t i = 0;
        int string_scores = 0;
        for (const auto& [id, q] : raw.items()) {
            const auto& loaded_q = set.questions[i++];
            ASSERT_EQ(loaded_q.id, id);
            EXPECT_EQ(loaded_q.prompt, q["prompt"].get<std::string>());
            ASSERT_TRUE(loaded_q.reference_fullscale.has_value()) << id;
            for (std::size_t e = 0; e < 4; ++e) {
                const std::string key = "emotion" + std::to_string(e + 1);
                EXPECT_EQ(loaded_q.reference.names[e], q["reference_answer"][key].get<std::string>());
                EXPECT_EQ(loaded_q.reference.scores[e], raw_score(q["reference_answer"][key + "_score"]));
                const auto& full = q["reference_answer_fullscale"];
                EXPECT_EQ(loaded_q.reference_fullscale->names[e], full[key].get<std::string>());
                EXPECT_EQ(loaded_q.reference_fullscale->scores[e], raw_score(full[key + "_score"]));
                string_scores += full[key + "_score"].is_string() ? 1 : 0;
            }
        }
        EXPECT_GT(string_scores, 0) << "the file should exercise numeric-string scores";
        // Insertion order, not sorted order: "10" follows "9".
        EXPECT_EQ(set.questions[0].id, "1");
        EXPECT_EQ(set.questions[9].id, "10");
        EXPECT_NE(set.find("17"), nullptr);
    }
}

TEST(data_questions_test, numeric_string_scores_are_read_as_numbers) {
    // Question 1 of the v2 file: fullscale emotion2_score is the string "6".
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    const auto loaded = eqb::questions_load(eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    ASSERT_TRUE(loaded.ok()) << loaded.err().message;
    const auto* q = loaded->find("1");
    ASSERT_NE(q, nullptr);
    ASSERT_TRUE(q->reference_fullscale.has_value());
    EXPECT_EQ(q->reference_fullscale->scores[1], 6.0);
    EXPECT_EQ(q->reference_fullscale->scores[3], 7.0);
}

// One well-formed question with `body` spliced into its reference answer.
std::string one_question(const std::string& score1 = "2", const std::string& extra = "") {
    return R"({"17": {"prompt": "P", "reference_answer": {"emotion1": "A", "emotion1_score": )" + score1 +
           R"(, "emotion2": "B", "emotion2_score": 3, "emotion3": "C", "emotion3_score": "0",
               "emotion4": "D", "emotion4_score": 5)" +
           extra +
           R"(}, "reference_answer_fullscale": {"emotion1": "A", "emotion1_score": 1, "emotion2": "B",
               "emotion2_score": "6", "emotion3": "C", "emotion3_score": 0, "emotion4": "D", "emotion4_score": 7}}})";
}

std::string error_of(const std::string& text, const std::string& name = "eq_bench_v2_questions_171.json") {
    const auto parsed = eqb::questions_parse(text, name);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.ok() ? std::string() : parsed.err().message;
}

TEST(data_questions_test, a_minimal_file_parses) {
    const auto parsed = eqb::questions_parse(one_question(R"(" +2.5 ")"), "mem.json");
    ASSERT_TRUE(parsed.ok()) << parsed.err().message;
    ASSERT_EQ(parsed->questions.size(), 1U);
    EXPECT_EQ(parsed->version, eqb::eq_bench_version::V2);
    EXPECT_EQ(parsed->path, "mem.json");
    EXPECT_EQ(parsed->questions[0].reference.scores[0], 2.5);
    EXPECT_EQ(parsed->questions[0].reference.scores[2], 0.0);
    EXPECT_EQ(parsed->questions[0].reference_fullscale->scores[1], 6.0);
}

TEST(data_questions_test, a_bad_score_names_file_question_and_field) {
    EXPECT_EQ(error_of(one_question(R"("abc")")),
              R"(eq_bench_v2_questions_171.json: question "17": reference_answer.emotion1_score: )"
              R"(expected a number or numeric string, got "abc")");
    for (const std::string bad : {R"("")", R"("6x")", R"("nan")", R"("inf")", R"("+-1")", "true", "null", "[1]"}) {
        const auto message = error_of(one_question(bad));
        EXPECT_NE(message.find(R"(question "17": reference_answer.emotion1_score: expected a number)"),
                  std::string::npos)
            << bad << " -> " << message;
    }
}

TEST(data_questions_test, a_missing_field_is_named) {
    const std::string no_prompt = R"({"5": {"reference_answer": {}, "reference_answer_fullscale": {}}})";
    EXPECT_EQ(error_of(no_prompt, "q.json"), R"(q.json: question "5": prompt: missing)");

    std::string no_emotion3 = one_question();
    no_emotion3.replace(no_emotion3.find(R"("emotion3": "C", )"), 17, "");
    EXPECT_EQ(error_of(no_emotion3, "q.json"), R"(q.json: question "17": reference_answer.emotion3: missing)");

    const std::string no_fullscale =
        R"({"8": {"prompt": "P", "reference_answer": {"emotion1": "A", "emotion1_score": 1, "emotion2": "B",
            "emotion2_score": 1, "emotion3": "C", "emotion3_score": 1, "emotion4": "D", "emotion4_score": 7}}})";
    EXPECT_EQ(error_of(no_fullscale, "q.json"), R"(q.json: question "8": reference_answer_fullscale: missing)");
}

TEST(data_questions_test, wrong_types_are_named) {
    EXPECT_EQ(error_of(R"({"3": [1, 2]})", "q.json"), R"(q.json: question "3": expected an object, got an array)");
    EXPECT_EQ(error_of(R"({"3": {"prompt": 42}})", "q.json"),
              R"(q.json: question "3": prompt: expected a string, got 42)");
    EXPECT_EQ(error_of(R"({"3": {"prompt": "P", "reference_answer": "x"}})", "q.json"),
              R"(q.json: question "3": reference_answer: expected an object, got "x")");
    std::string numeric_name = one_question();
    numeric_name.replace(numeric_name.find(R"("emotion2": "B")"), 15, R"("emotion2": 7)");
    EXPECT_EQ(error_of(numeric_name, "q.json"),
              R"(q.json: question "17": reference_answer.emotion2: expected an emotion name, got 7)");
}

TEST(data_questions_test, a_file_that_is_not_an_object_of_questions) {
    EXPECT_NE(error_of("[1, 2, 3]", "q.json").find("q.json: expected an object"), std::string::npos);
    EXPECT_NE(error_of(R"("text")", "q.json").find("q.json: expected an object"), std::string::npos);
    EXPECT_EQ(error_of("{}", "q.json"), "q.json: no questions");
}

TEST(data_questions_test, invalid_json_names_the_file_and_position) {
    const std::string message = error_of("{\n  \"1\": {\"prompt\": \"P\",,}\n}", "broken.json");
    EXPECT_EQ(message.rfind("broken.json: invalid JSON at line 2, column ", 0), 0U) << message;
    EXPECT_NE(message.find("(byte "), std::string::npos) << message;
    EXPECT_NE(error_of("", "empty.json").find("empty.json: invalid JSON at line 1"), std::string::npos);
    EXPECT_NE(error_of("{\"1\": \"\xff\"}", "utf8.json").find("utf8.json: invalid JSON"), std::string::npos);
    EXPECT_NE(error_of("{\"1\": 1e999}", "big.json").find("big.json: invalid JSON"), std::string::npos);
}

TEST(data_questions_test, an_unreadable_file_is_an_error_naming_its_path) {
    const eqb::test::temp_dir dir;
    const auto path = dir.path() / "no-such-questions.json";
    const auto loaded = eqb::questions_load(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.err().message.find(path.string()), std::string::npos) << loaded.err().message;
    const auto directory = eqb::questions_load(dir.path());
    ASSERT_FALSE(directory.ok());
    EXPECT_NE(directory.err().message.find("is a directory"), std::string::npos) << directory.err().message;
}

TEST(data_questions_test, arbitrary_bytes_never_throw) {
    const std::string seeds[] = {one_question(),         "{\"1\":{\"prompt\":\"\\u0000\"}}",
                                 std::string(3, '\0'),   std::string(5000, '['),
                                 std::string(5000, '{'), "{\"1\":{\"prompt\":\"\\ud800\"}}"};
    for (const auto& seed : seeds) {
        for (std::size_t cut = 0; cut <= seed.size(); cut += 7) {
            EXPECT_NO_THROW((void)eqb::questions_parse(std::string_view(seed).substr(0, cut), "fuzz.json"));
        }
    }
}

}  // namespace
