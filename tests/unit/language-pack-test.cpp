// The language-pack loader: built-in packs, the parse fields they must carry,
// error messages that name the file and the field, and a user's pack file.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/prompt.hpp"
#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

const std::vector<std::string> shipped_codes = {"de", "en", "ja", "jahalf"};

eqb::language_pack builtin(const std::string& code) {
    auto loaded = eqb::language_pack_builtin(code);
    if (!loaded) {
        throw std::runtime_error(loaded.err().message);
    }
    return std::move(*loaded);
}

// A per-test temporary directory, removed afterwards.
class language_pack_files : public ::testing::Test {
  protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        dir_ = std::filesystem::temp_directory_path() /
               ("eqb-language-pack-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path write(const std::string& name, const std::string& text) {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    // A valid minimal pack as JSON, for tests to break one field of.
    static json minimal_pack() {
        return json::parse(R"json({
            "code": "xx",
            "name": "Test language",
            "question_file": "questions_xx.json",
            "version_suffix": "_xx",
            "reference_pair_pattern": "(\\w+):\\s+(\\d+)",
            "reference_first_pass_heading": "One:",
            "reference_revised_heading": "Two:",
            "first_pass_headings": ["One"],
            "revised_headings": ["Two"],
            "prompt_variants": [{"name": "plain", "rules": [
                {"kind": "delete", "text": " Think twice."},
                {"kind": "delete", "pattern": "(?m)^One\\s*:[ \\t]*\\n"},
                {"kind": "cut_between", "text": "Notes: <notes>", "until": "[Done]", "replacement": "\n"},
                {"kind": "append", "replacement": "\nGo:\n"}
            ]}]
        })json");
    }

    // The loader's error for `doc` written to a file; fails the test if it loads.
    std::string load_error(const json& doc) {
        const auto path = write("broken.json", doc.dump());
        const auto loaded = eqb::language_pack_load_file(path);
        EXPECT_FALSE(loaded.ok());
        if (loaded.ok()) {
            return "";
        }
        const auto& message = loaded.err().message;
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
        return message;
    }

    std::filesystem::path dir_;
};

TEST(language_pack_builtin, shipped_codes_load) {
    const auto codes = eqb::language_pack_builtin_codes();
    EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
    std::vector<std::filesystem::path> question_files;
    for (const auto& code : shipped_codes) {
        EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
        const auto pack = eqb::language_pack_builtin(code);
        ASSERT_TRUE(pack.ok()) << pack.err().message;
        EXPECT_EQ(pack->code, code);
        EXPECT_FALSE(pack->name.empty());
        EXPECT_FALSE(pack->prompt_variants.empty());
        question_files.push_back(pack->question_file);
    }
    EQB_SKIP_UNLESS_DATA(question_files);
    for (const auto& file : question_files) {
        EXPECT_TRUE(std::filesystem::is_regular_file(eqb::test::data_dir() / file)) << file;
    }
}

TEST(language_pack_builtin, unknown_code_lists_the_known_ones) {
    const auto pack = eqb::language_pack_builtin("klingon");
    ASSERT_FALSE(pack.ok());
    EXPECT_NE(pack.err().message.find("'klingon'"), std::string::npos) << pack.err().message;
    EXPECT_NE(pack.err().message.find("de, en, ja, jahalf"), std::string::npos) << pack.err().message;
}

TEST(language_pack_builtin, parse_fields_are_the_references) {
    const std::string english_pair = R"((\w+):\s+(\d+))";
    const std::map<std::string, std::vector<std::string>> expected = {
        // code: question_file, version_suffix, pair pattern, first-pass heading, revised heading
        {"en", {"eq_bench_v2_questions_171.json", "", english_pair, "First pass scores:", "Revised scores:"}},
        // BUG kept: the reference reads German answers with the English parser.
        {"de", {"eq_bench_v2_questions_171_de.json", "_de", english_pair, "First pass scores:", "Revised scores:"}},
        {"ja", {"eq_bench_v2_questions_171_ja.json", "_ja", R"(([^:\s]+):\s*(\d+))", "初回評価:", "再評価:"}},
        {"jahalf",
         {"eq_bench_v2_questions_171_jahalf.json", "_jahalf", english_pair, "First pass scores:", "Revised scores:"}},
    };
    for (const auto& [code, fields] : expected) {
        SCOPED_TRACE(code);
        const auto pack = builtin(code);
        EXPECT_EQ(pack.question_file, fields[0]);
        EXPECT_EQ(pack.version_suffix, fields[1]);
        EXPECT_EQ(pack.reference_pair_pattern, fields[2]);
        EXPECT_EQ(pack.reference_first_pass_heading, fields[3]);
        EXPECT_EQ(pack.reference_revised_heading, fields[4]);
    }
    const std::vector<std::string> en_first = {"First pass scores"};
    const std::vector<std::string> en_revised = {"Revised scores"};
    EXPECT_EQ(builtin("en").first_pass_headings, en_first);
    EXPECT_EQ(builtin("en").revised_headings, en_revised);
    EXPECT_EQ(builtin("jahalf").first_pass_headings, en_first);
    EXPECT_EQ(builtin("jahalf").revised_headings, en_revised);
    const auto de = builtin("de");
    EXPECT_EQ(de.first_pass_headings, (std::vector<std::string>{"Erste Bewertung", "First pass scores"}));
    EXPECT_EQ(de.revised_headings, (std::vector<std::string>{"Überarbeitete Bewertung", "Revised scores"}));
}

// A heading line as the dataset writes it: trimmed, without the colon.
std::string heading_text(std::string line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        line.pop_back();
    }
    for (const std::string colon : {":", "\xef\xbc\x9a"}) {
        if (line.size() >= colon.size() && line.compare(line.size() - colon.size(), colon.size(), colon) == 0) {
            line.resize(line.size() - colon.size());
            break;
        }
    }
    while (!line.empty() && line.back() == ' ') {
        line.pop_back();
    }
    return line;
}

TEST(language_pack_builtin, ja_headings_cover_every_wording_in_the_dataset) {
    const auto pack = builtin("ja");
    EQB_SKIP_UNLESS_DATA(pack.question_file);
    const auto doc = json::parse(eqb::test::read_file(eqb::test::data_dir() / pack.question_file));
    std::set<std::string> first_seen;
    std::set<std::string> revised_seen;
    for (const auto& [id, q] : doc.items()) {
        // The heading is the line above each "emotion1: <...>" template line:
        // the first template is the first pass, the second the revision.
        const auto prompt = q.at("prompt").get<std::string>();
        const auto emotion = q.at("reference_answer_fullscale").at("emotion1").get<std::string>();
        std::vector<std::string> above;
        std::string previous;
        std::size_t pos = 0;
        while (pos < prompt.size()) {
            auto end = prompt.find('\n', pos);
            end = end == std::string::npos ? prompt.size() : end;
            const auto line = prompt.substr(pos, end - pos);
            if (line.rfind(emotion + ":", 0) == 0 && line.find('<') != std::string::npos) {
                above.push_back(heading_text(previous));
            }
            previous = line;
            pos = end + 1;
        }
        ASSERT_EQ(above.size(), 2u) << "question " << id;
        first_seen.insert(above[0]);
        revised_seen.insert(above[1]);
    }
    EXPECT_GE(first_seen.size(), 3u);
    EXPECT_GE(revised_seen.size(), 3u);
    const auto has = [](const std::vector<std::string>& list, const std::string& heading) {
        return std::find(list.begin(), list.end(), heading) != list.end();
    };
    for (const auto& h : first_seen) {
        EXPECT_TRUE(has(pack.first_pass_headings, h)) << "first-pass heading missing: " << h;
    }
    for (const auto& h : revised_seen) {
        EXPECT_TRUE(has(pack.revised_headings, h)) << "revised heading missing: " << h;
    }
    for (const auto& h : {"初回評価", "First pass scores"}) {
        EXPECT_TRUE(has(pack.first_pass_headings, h)) << h;
    }
    for (const auto& h : {"再評価", "Revised scores"}) {
        EXPECT_TRUE(has(pack.revised_headings, h)) << h;
    }
}

void expect_same_rules(const eqb::language_pack& a, const eqb::language_pack& b) {
    ASSERT_EQ(a.prompt_variants.size(), b.prompt_variants.size());
    for (std::size_t v = 0; v < a.prompt_variants.size(); ++v) {
        const auto& ra = a.prompt_variants[v].rules;
        const auto& rb = b.prompt_variants[v].rules;
        EXPECT_EQ(a.prompt_variants[v].name, b.prompt_variants[v].name);
        ASSERT_EQ(ra.size(), rb.size());
        for (std::size_t r = 0; r < ra.size(); ++r) {
            EXPECT_EQ(ra[r].type, rb[r].type);
            EXPECT_EQ(ra[r].replacement, rb[r].replacement);
            EXPECT_EQ(ra[r].required, rb[r].required);
            ASSERT_EQ(ra[r].markers.size(), rb[r].markers.size());
            for (std::size_t m = 0; m < ra[r].markers.size(); ++m) {
                EXPECT_EQ(ra[r].markers[m].value, rb[r].markers[m].value);
            }
        }
    }
}

TEST(language_pack_builtin, embedded_bytes_match_the_source_files) {
    for (const auto& code : shipped_codes) {
        SCOPED_TRACE(code);
        const auto from_file =
            eqb::language_pack_load_file(eqb::test::source_dir() / "src" / "lang" / "packs" / (code + ".json"));
        ASSERT_TRUE(from_file.ok()) << from_file.err().message;
        const auto embedded = builtin(code);
        EXPECT_EQ(from_file->first_pass_headings, embedded.first_pass_headings);
        EXPECT_EQ(from_file->revised_headings, embedded.revised_headings);
        EXPECT_EQ(from_file->reference_pair_pattern, embedded.reference_pair_pattern);
        expect_same_rules(*from_file, embedded);
    }
}

TEST_F(language_pack_files, user_pack_loads_and_rewrites) {
    const auto path = write("xx.json", minimal_pack().dump(2));
    const auto pack = eqb::language_pack_load_file(path);
    ASSERT_TRUE(pack.ok()) << pack.err().message;
    EXPECT_EQ(pack->code, "xx");
    EXPECT_EQ(pack->version_suffix, "_xx");
    ASSERT_EQ(pack->prompt_variants.size(), 1u);
    ASSERT_EQ(pack->prompt_variants[0].rules.size(), 4u);
    EXPECT_EQ(pack->prompt_variants[0].rules[1].markers[0].type, eqb::prompt_marker::syntax::PATTERN);

    const std::string prompt =
        "Kim: Hello.\n[Over]\nKim feels...\nGlad\nSad\n\nRate them. Think twice.\n\n"
        "One :  \nGlad: <n>\nSad: <n>\n\nNotes: <notes>\n\nTwo:\nGlad: <m>\nSad: <m>\n\n[Done]\n";
    const auto out = eqb::prompt_remove_revision(prompt, *pack);
    EXPECT_TRUE(out.complete);
    EXPECT_EQ(out.variant, "plain");
    EXPECT_EQ(out.text,
              "Kim: Hello.\n[Over]\nKim feels...\nGlad\nSad\n\nRate them.\n\n"
              "Glad: <n>\nSad: <n>\n\n\n[Done]\n\nGo:\n");
}

TEST_F(language_pack_files, missing_field_names_file_and_field) {
    auto doc = minimal_pack();
    doc.erase("question_file");
    const auto message = load_error(doc);
    EXPECT_NE(message.find("field 'question_file'"), std::string::npos) << message;
    EXPECT_NE(message.find("missing"), std::string::npos) << message;

    doc = minimal_pack();
    doc["prompt_variants"][0]["rules"][2].erase("until");
    const auto rule_message = load_error(doc);
    EXPECT_NE(rule_message.find("prompt_variants[0].rules[2]"), std::string::npos) << rule_message;
    EXPECT_NE(rule_message.find("until"), std::string::npos) << rule_message;
}

TEST_F(language_pack_files, wrong_type_names_file_and_field) {
    auto doc = minimal_pack();
    doc["code"] = 7;
    auto message = load_error(doc);
    EXPECT_NE(message.find("field 'code'"), std::string::npos) << message;
    EXPECT_NE(message.find("expected a string, got number"), std::string::npos) << message;

    doc = minimal_pack();
    doc["first_pass_headings"] = json::array({"One", 2});
    message = load_error(doc);
    EXPECT_NE(message.find("field 'first_pass_headings[1]'"), std::string::npos) << message;

    doc = minimal_pack();
    doc["prompt_variants"][0]["rules"][0]["required"] = "yes";
    message = load_error(doc);
    EXPECT_NE(message.find("field 'prompt_variants[0].rules[0].required'"), std::string::npos) << message;

    doc = minimal_pack();
    doc["prompt_variants"] = json::object();
    message = load_error(doc);
    EXPECT_NE(message.find("field 'prompt_variants'"), std::string::npos) << message;
}

TEST_F(language_pack_files, bad_values_name_file_and_field) {
    auto doc = minimal_pack();
    doc["prompt_variants"][0]["rules"][0]["kind"] = "erase";
    auto message = load_error(doc);
    EXPECT_NE(message.find("field 'prompt_variants[0].rules[0].kind'"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown kind 'erase'"), std::string::npos) << message;

    doc = minimal_pack();
    doc["prompt_variants"][0]["rules"][1]["pattern"] = "(unclosed";
    message = load_error(doc);
    EXPECT_NE(message.find("prompt_variants[0].rules[1]"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid pattern '(unclosed'"), std::string::npos) << message;

    doc = minimal_pack();
    doc["reference_pair_pattern"] = "(\\w+):\\s+\\d+";
    message = load_error(doc);
    EXPECT_NE(message.find("field 'reference_pair_pattern'"), std::string::npos) << message;
    EXPECT_NE(message.find("two groups"), std::string::npos) << message;

    doc = minimal_pack();
    doc["prompt_variants"][0]["rules"][0]["colour"] = "red";
    message = load_error(doc);
    EXPECT_NE(message.find("field 'prompt_variants[0].rules[0].colour': unknown field"), std::string::npos) << message;

    doc = minimal_pack();
    doc["name"] = "";
    message = load_error(doc);
    EXPECT_NE(message.find("field 'name': must not be empty"), std::string::npos) << message;
}

TEST_F(language_pack_files, unreadable_and_invalid_files_are_errors) {
    const auto absent = dir_ / "absent.json";
    const auto missing = eqb::language_pack_load_file(absent);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find(absent.string()), std::string::npos) << missing.err().message;

    const auto path = write("not-json.json", "{\"code\": \"xx\",");
    const auto broken = eqb::language_pack_load_file(path);
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.err().message.find(path.string()), std::string::npos) << broken.err().message;
    EXPECT_NE(broken.err().message.find("not valid JSON"), std::string::npos) << broken.err().message;

    const auto array_path = write("array.json", "[1, 2]");
    const auto array = eqb::language_pack_load_file(array_path);
    ASSERT_FALSE(array.ok());
    EXPECT_NE(array.err().message.find("expected a JSON object"), std::string::npos) << array.err().message;
}

}  // namespace

namespace {

// A language that writes pairs as "name => score" parses with the extended
// parser once its pack says so; no C++ involved.
TEST(language_pack_lenient, a_pack_can_say_how_pairs_are_written) {
    auto doc =
        nlohmann::json::parse(eqb::test::read_file(eqb::test::source_dir() / "src" / "lang" / "packs" / "en.json"));
    doc["code"] = "arrow";
    doc["lenient_pair_pattern"] = R"((\w+)\s*=>\s*(\d+))";
    const auto pack = eqb::language_pack_parse(doc.dump(), "arrow.json");
    ASSERT_TRUE(pack) << pack.err().message;
    const auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::EXTENDED);
    ASSERT_TRUE(parser) << parser.err().message;
    eqb::emotion_reference ref;
    ref.names = {"Angry", "Sad", "Calm", "Glad"};
    const auto parsed = (*parser)->parse("Angry => 5\nSad => 1\nCalm => 0\nGlad => 2\n", false, &ref);
    ASSERT_EQ(parsed.first_pass.size(), 4u);
    EXPECT_EQ(parsed.first_pass.items()[0].name, "Angry");
    EXPECT_EQ(parsed.first_pass.items()[0].value, 5.0);
    doc["lenient_pair_pattern"] = R"((\w+)=>)";
    const auto bad = eqb::language_pack_parse(doc.dump(), "arrow.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.err().message.find("lenient_pair_pattern"), std::string::npos) << bad.err().message;
}

}  // namespace
