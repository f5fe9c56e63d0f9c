// The dataset registry: well-formed entries, agreement with the shared
// SHA256SUMS, name selection, download addresses and verification.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "data/fetch.hpp"
#include "data/registry.hpp"
#include "data/sha256.hpp"
#include "data/verify.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

bool lower_hex(std::string_view text, std::size_t size) {
    return text.size() == size && std::all_of(text.begin(), text.end(),
                                              [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// name -> hash, from the shared data folder's SHA256SUMS.
std::map<std::string, std::string> shared_sums() {
    std::map<std::string, std::string> sums;
    std::istringstream in(eqb::test::read_file(eqb::test::data_dir() / "SHA256SUMS"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > 66) {
            sums[line.substr(66)] = line.substr(0, 64);
        }
    }
    return sums;
}

TEST(data_registry_test, every_entry_is_well_formed) {
    const auto files = eqb::dataset_registry();
    ASSERT_FALSE(files.empty());
    std::set<std::string_view> names;
    for (const auto& file : files) {
        SCOPED_TRACE(std::string(file.name));
        EXPECT_TRUE(lower_hex(file.sha256, 64));
        EXPECT_TRUE(lower_hex(file.upstream.commit, 40));
        EXPECT_FALSE(file.upstream.owner.empty());
        EXPECT_FALSE(file.upstream.repo.empty());
        EXPECT_FALSE(file.path.empty());
        EXPECT_FALSE(file.name.empty());
        EXPECT_NE(file.name.front(), '/');
        EXPECT_EQ(file.name.find(".."), std::string_view::npos);
        EXPECT_TRUE(names.insert(file.name).second) << "duplicate name";
        EXPECT_EQ(eqb::dataset_find(file.name), &file);
    }
    EXPECT_EQ(eqb::dataset_find("prompts/creative_writing_judge_v2.txt"), nullptr);
}

TEST(data_registry_test, it_matches_sha256sums_except_the_files_without_an_upstream) {
    EQB_SKIP_UNLESS_DATA("SHA256SUMS");
    const auto sums = shared_sums();
    ASSERT_GT(sums.size(), 80U);
    for (const auto& file : eqb::dataset_registry()) {
        const auto it = sums.find(std::string(file.name));
        ASSERT_NE(it, sums.end()) << file.name << " is not in SHA256SUMS";
        EXPECT_EQ(it->second, file.sha256) << file.name;
    }
    // prompts/ exist upstream only inside code; judgemark_reference.json has no listed source.
    std::set<std::string> unfetchable;
    for (const auto& [name, hash] : sums) {
        if (eqb::dataset_find(name) == nullptr) {
            unfetchable.insert(name);
        }
    }
    for (const auto& name : unfetchable) {
        EXPECT_TRUE(name.starts_with("prompts/") || name == "judgemark_reference.json") << name;
    }
}

TEST(data_registry_test, the_sources_are_the_pinned_commits) {
    const auto* v2 = eqb::dataset_find("eq_bench_v2_questions_171.json");
    ASSERT_NE(v2, nullptr);
    EXPECT_EQ(v2->upstream.owner, "EQ-bench");
    EXPECT_EQ(v2->upstream.repo, "EQ-Bench");
    EXPECT_EQ(v2->upstream.commit, "337df8abdb8f71dfd3bdcc2cc361d40e3cbb245a");
    EXPECT_EQ(v2->path, "data/eq_bench_v2_questions_171.json");
    const auto* ja = eqb::dataset_find("eq_bench_v2_questions_171_ja.json");
    ASSERT_NE(ja, nullptr);
    EXPECT_EQ(ja->upstream.repo, "EQ-Bench-jp");
    EXPECT_EQ(ja->upstream.commit, "499103c6cf3450ed8871172235f6c6cc87bfba52");
    const auto* llama3 = eqb::dataset_find("instruction-templates/llama3.yaml");
    ASSERT_NE(llama3, nullptr);
    EXPECT_EQ(llama3->upstream.owner, "kuroganegames");
    EXPECT_EQ(llama3->path, "instruction-templates/llama3.yaml");
    const auto* chatml = eqb::dataset_find("instruction-templates/ChatML.yaml");
    ASSERT_NE(chatml, nullptr);
    EXPECT_EQ(chatml->upstream.repo, "EQ-Bench");
    const auto* rubric = eqb::dataset_find("eqbench3/rubric_scoring_prompt.txt");
    ASSERT_NE(rubric, nullptr);
    EXPECT_EQ(rubric->upstream.repo, "eqbench3");
    EXPECT_EQ(rubric->path, "data/rubric_scoring_prompt.txt");
    EXPECT_EQ(rubric->upstream.licence, "MIT");
    // The first published Elo file, pinned at its own commit.
    const auto* elo = eqb::dataset_find("eqbench3/canonical_leaderboard_elo_results.json.gz");
    ASSERT_NE(elo, nullptr);
    EXPECT_EQ(elo->upstream.commit, "8c3a1255591c55246e8e667e1e62b0eb639f42c3");
    EXPECT_EQ(elo->path, "data/canonical_leaderboard_elo_results.json.gz");
    const auto cw3 = eqb::dataset_select({"creative-writing-v3/"}).files;
    ASSERT_EQ(cw3.size(), 5U);
    for (const auto* file : cw3) {
        EXPECT_EQ(file->upstream.repo, "creative-writing-bench") << file->name;
        EXPECT_EQ(file->upstream.commit, "e7ab00917c96aeae577e3eeea15eba882be9d5e0") << file->name;
        EXPECT_TRUE(file->upstream.licence.empty()) << file->name << ": the repository states no licence";
    }
}

TEST(data_registry_test, the_shared_data_folder_verifies_against_the_registry) {
    std::vector<std::filesystem::path> names;
    for (const auto& file : eqb::dataset_registry()) {
        names.emplace_back(std::string(file.name));
    }
    EQB_SKIP_UNLESS_DATA(names);
    for (const auto& file : eqb::dataset_registry()) {
        const auto outcome = eqb::dataset_verify(file, eqb::test::data_dir());
        EXPECT_EQ(outcome.status, eqb::verify_status::OK) << file.name << ": " << outcome.actual_sha256;
    }
}

TEST(data_registry_test, selection_by_name_and_prefix) {
    const auto all = eqb::dataset_select({});
    EXPECT_EQ(all.files.size(), eqb::dataset_registry().size());
    EXPECT_TRUE(all.unknown.empty());

    const auto templates = eqb::dataset_select({"instruction-templates/"});
    EXPECT_EQ(templates.files.size(), 60U);
    for (const auto* file : templates.files) {
        EXPECT_TRUE(file->name.starts_with("instruction-templates/")) << file->name;
    }

    // Exact names win over prefixes: this name is also a prefix of nothing else.
    const auto one = eqb::dataset_select({"eq_bench_v2_questions_171.json", "eq_bench_v2_questions_171.json"});
    ASSERT_EQ(one.files.size(), 1U);
    EXPECT_EQ(one.files[0]->name, "eq_bench_v2_questions_171.json");

    const auto v2 = eqb::dataset_select({"eq_bench_v2_questions_171"});
    EXPECT_EQ(v2.files.size(), 4U);  // en, de, ja, jahalf

    const auto mixed = eqb::dataset_select({"judgemark_test_set.json", "nope", "eqbench3/", ""});
    EXPECT_EQ(mixed.files.size(), 15U);
    EXPECT_EQ(mixed.unknown, (std::vector<std::string>{"nope", ""}));
    // Registry order, whatever order the names came in.
    for (std::size_t i = 1; i < mixed.files.size(); ++i) {
        EXPECT_LT(mixed.files[i - 1], mixed.files[i]);
    }
}

TEST(data_registry_test, download_addresses_encode_the_path) {
    const auto* file = eqb::dataset_find("instruction-templates/Baichuan Chat.yaml");
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(eqb::dataset_url(*file, eqb::data_default_mirror),
              "https://raw.githubusercontent.com/EQ-bench/EQ-Bench/337df8abdb8f71dfd3bdcc2cc361d40e3cbb245a/"
              "instruction-templates/Baichuan%20Chat.yaml");
    const auto* ja = eqb::dataset_find("eq_bench_v2_questions_171_ja.json");
    ASSERT_NE(ja, nullptr);
    EXPECT_EQ(eqb::dataset_url(*ja, "http://127.0.0.1:8080/mirror/"),
              "http://127.0.0.1:8080/mirror/kuroganegames/EQ-Bench-jp/499103c6cf3450ed8871172235f6c6cc87bfba52/"
              "data/eq_bench_v2_questions_171_ja.json");
}

TEST(data_registry_test, the_mirror_comes_from_the_flag_then_the_environment) {
    const char* saved = std::getenv("EQBENCH_DATA_MIRROR");
    const std::optional<std::string> restore = saved != nullptr ? std::optional<std::string>(saved) : std::nullopt;
    ::unsetenv("EQBENCH_DATA_MIRROR");
    EXPECT_EQ(eqb::data_mirror_resolve(""), eqb::data_default_mirror);
    ::setenv("EQBENCH_DATA_MIRROR", "http://env.example/base//", 1);
    EXPECT_EQ(eqb::data_mirror_resolve(""), "http://env.example/base");
    EXPECT_EQ(eqb::data_mirror_resolve("http://flag.example/"), "http://flag.example");
    if (restore) {
        ::setenv("EQBENCH_DATA_MIRROR", restore->c_str(), 1);
    } else {
        ::unsetenv("EQBENCH_DATA_MIRROR");
    }
}

class data_verify_test : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("eqb-data-verify-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_ / "instruction-templates");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(data_verify_test, missing_mismatched_and_unreadable_files) {
    const auto* chatml = eqb::dataset_find("instruction-templates/ChatML.yaml");
    const auto* v1 = eqb::dataset_find("eq_bench_v1_questions_60.json");
    ASSERT_NE(chatml, nullptr);
    ASSERT_NE(v1, nullptr);
    EXPECT_EQ(eqb::dataset_verify(*chatml, dir_).status, eqb::verify_status::MISSING);

    std::ofstream(dir_ / "instruction-templates" / "ChatML.yaml", std::ios::binary) << "abc";
    const auto mismatch = eqb::dataset_verify(*chatml, dir_);
    EXPECT_EQ(mismatch.status, eqb::verify_status::MISMATCH);
    EXPECT_EQ(mismatch.actual_sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    std::filesystem::create_directories(dir_ / "eq_bench_v1_questions_60.json");
    const auto unreadable = eqb::dataset_verify(*v1, dir_);
    EXPECT_EQ(unreadable.status, eqb::verify_status::UNREADABLE);
    EXPECT_NE(unreadable.message.find("eq_bench_v1_questions_60.json"), std::string::npos) << unreadable.message;
}

}  // namespace

namespace {

// The leaderboard archives: fetched only by their bundle's name, checked by git blob SHA-1.
TEST(data_archives_test, bundles_select_archives_and_a_blob_sha1_checks_them) {
    for (const auto& a : eqb::dataset_archives()) {
        SCOPED_TRACE(std::string(a.name));
        EXPECT_TRUE(a.sha256.empty());
        EXPECT_EQ(a.git_blob_sha1.size(), 40U);
        EXPECT_EQ(eqb::dataset_find(a.name), nullptr) << "an archive is not a registry file";
    }
    const auto all = eqb::dataset_select({});
    for (const auto* f : all.files) {
        EXPECT_FALSE(f->git_blob_sha1.size() == 40U) << f->name << ": a plain fetch takes no archive";
    }
    const auto eq3 = eqb::dataset_select({"eqbench3-leaderboard"});
    ASSERT_EQ(eq3.files.size(), 2U);
    EXPECT_TRUE(eq3.unknown.empty());
    EXPECT_EQ(eq3.files[0]->upstream.commit, "3c21bcc514bd43f93a00a5cf9c630aa3eb73a380");
    const auto cw3 = eqb::dataset_select({"creative-writing-v3-leaderboard", "judgemark_test_set.json"});
    ASSERT_EQ(cw3.files.size(), 3U);
    EXPECT_EQ(cw3.files[0]->name, "judgemark_test_set.json");
    EXPECT_EQ(cw3.files[1]->path, "creative_bench_runs.zip");

    // What `git hash-object` prints for a file holding "hello\n".
    eqb::test::temp_dir dir;
    std::ofstream(dir.path() / "hello.txt", std::ios::binary) << "hello\n";
    const auto blob = eqb::git_blob_sha1_file(dir.path() / "hello.txt");
    ASSERT_TRUE(blob);
    EXPECT_EQ(*blob, "ce013625030ba8dba906f756967f9e9ca394464a");
}

}  // namespace
