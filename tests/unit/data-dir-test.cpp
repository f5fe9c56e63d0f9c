// Data directory resolution: --data-dir, then EQBENCH_DATA_DIR, then
// $XDG_CACHE_HOME/eqbench, then ~/.cache/eqbench.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "data/data-dir.hpp"

namespace {

const char* const resolution_vars[] = {"EQBENCH_DATA_DIR", "XDG_CACHE_HOME", "HOME"};

// Saves the variables resolution reads and restores them afterwards.
class data_dir_test : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const char* name : resolution_vars) {
            const char* value = std::getenv(name);
            saved_[name] = value != nullptr ? std::optional<std::string>(value) : std::nullopt;
        }
        set("EQBENCH_DATA_DIR", "/env/data");
        set("XDG_CACHE_HOME", "/xdg/cache");
        set("HOME", "/home/tester");
    }
    void TearDown() override {
        for (const auto& [name, value] : saved_) {
            if (value) {
                set(name.c_str(), value->c_str());
            } else {
                ::unsetenv(name.c_str());
            }
        }
    }
    static void set(const char* name, const char* value) { ASSERT_EQ(::setenv(name, value, 1), 0); }

  private:
    std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(data_dir_test, the_flag_wins_over_every_variable) {
    const auto location = eqb::data_dir_resolve("/flag/dir");
    EXPECT_EQ(location.path, std::filesystem::path("/flag/dir"));
    EXPECT_EQ(location.source, eqb::data_dir_source::FLAG);
    EXPECT_EQ(eqb::data_dir_source_name(location.source), "--data-dir");
}

TEST_F(data_dir_test, a_relative_flag_is_kept_as_given) {
    EXPECT_EQ(eqb::data_dir_resolve("rel/dir").path, std::filesystem::path("rel/dir"));
}

TEST_F(data_dir_test, without_the_flag_the_environment_variable_is_used) {
    const auto location = eqb::data_dir_resolve("");
    EXPECT_EQ(location.path, std::filesystem::path("/env/data"));
    EXPECT_EQ(location.source, eqb::data_dir_source::ENV);
}

TEST_F(data_dir_test, then_the_xdg_cache) {
    ::unsetenv("EQBENCH_DATA_DIR");
    const auto location = eqb::data_dir_resolve("");
    EXPECT_EQ(location.path, std::filesystem::path("/xdg/cache/eqbench"));
    EXPECT_EQ(location.source, eqb::data_dir_source::XDG_CACHE);
}

TEST_F(data_dir_test, then_the_home_cache) {
    ::unsetenv("EQBENCH_DATA_DIR");
    ::unsetenv("XDG_CACHE_HOME");
    const auto location = eqb::data_dir_resolve("");
    EXPECT_EQ(location.path, std::filesystem::path("/home/tester/.cache/eqbench"));
    EXPECT_EQ(location.source, eqb::data_dir_source::HOME);
}

TEST_F(data_dir_test, empty_variables_count_as_unset) {
    set("EQBENCH_DATA_DIR", "");
    set("XDG_CACHE_HOME", "");
    const auto location = eqb::data_dir_resolve("");
    EXPECT_EQ(location.path, std::filesystem::path("/home/tester/.cache/eqbench"));
    EXPECT_EQ(location.source, eqb::data_dir_source::HOME);
}

TEST_F(data_dir_test, a_relative_xdg_cache_home_is_ignored_as_the_spec_says) {
    ::unsetenv("EQBENCH_DATA_DIR");
    set("XDG_CACHE_HOME", "relative/cache");
    const auto location = eqb::data_dir_resolve("");
    EXPECT_EQ(location.source, eqb::data_dir_source::HOME);
    EXPECT_EQ(location.path, std::filesystem::path("/home/tester/.cache/eqbench"));
}

TEST_F(data_dir_test, without_home_the_password_database_supplies_it) {
    ::unsetenv("EQBENCH_DATA_DIR");
    ::unsetenv("XDG_CACHE_HOME");
    ::unsetenv("HOME");
    const auto location = eqb::data_dir_resolve("");
    EXPECT_EQ(location.source, eqb::data_dir_source::HOME);
    EXPECT_TRUE(location.path.is_absolute()) << location.path;
    EXPECT_EQ(location.path.filename(), "eqbench");
    EXPECT_EQ(location.path.parent_path().filename(), ".cache");
}

}  // namespace
