// Golden files for config.cfg reading and run planning: tests/golden/config/
// NAME.cfg with NAME.json (see the README there). A new case is a new pair of files.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>

#include "bench/registry.hpp"
#include "config/config.hpp"
#include "config/plan.hpp"
#include "core/text.hpp"
#include "tests/support/test-support.hpp"

namespace {

std::filesystem::path golden_dir() {
    return eqb::test::source_dir() / "tests" / "golden" / "config";
}

std::vector<std::string> golden_cases() {
    std::vector<std::string> out;
    for (const auto& p : eqb::test::files_in(golden_dir(), ".cfg")) {
        out.push_back(p.stem().string());
    }
    return out;
}

nlohmann::json expand(const nlohmann::json& value) {
    if (value.is_string()) {
        const char* home = std::getenv("HOME");
        std::string s = eqb::text_replace_all(value.get<std::string>(), "{HOME}", home != nullptr ? home : "");
        s = eqb::text_replace_all(s, "{DATA}", eqb::test::data_dir().lexically_normal().string());
        return eqb::text_replace_all(s, "{DIR}", golden_dir().string());
    }
    if (value.is_array() || value.is_object()) {
        nlohmann::json out = value;
        for (auto it = out.begin(); it != out.end(); ++it) {
            *it = expand(*it);
        }
        return out;
    }
    return value;
}

// Every key of `expected` equals `got`'s (recursively for objects).
void expect_subset(const nlohmann::json& expected, const nlohmann::json& got, const std::string& where) {
    if (!expected.is_object()) {
        EXPECT_EQ(got, expected) << where;
        return;
    }
    ASSERT_TRUE(got.is_object()) << where << ": expected an object, got " << got.dump();
    for (const auto& [key, value] : expected.items()) {
        ASSERT_TRUE(got.contains(key)) << where << ": no key " << key << " in " << got.dump();
        expect_subset(value, got[key], where + "." + key);
    }
}

class config_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(config_golden, plan_or_errors_match) {
    const std::string name = GetParam();
    const auto spec = nlohmann::json::parse(eqb::test::read_file(golden_dir() / (name + ".json")));
    EQB_SKIP_UNLESS_DATA(spec.value("data", std::vector<std::filesystem::path>{}));
    const std::string label = name + ".cfg";
    const std::string text = eqb::test::read_file(golden_dir() / label);

    eqb::plan_options options;
    options.known_benchmarks = eqb::benchmark_registry_traits();
    options.data_dir = eqb::test::data_dir().lexically_normal();
    const auto opts = spec.value("options", nlohmann::json::object());
    options.language = opts.value("language", std::string("en"));
    options.v1 = opts.value("v1", false);
    if (opts.contains("benchmarks")) {
        options.benchmarks = opts["benchmarks"].get<std::vector<std::string>>();
    }
    const auto env = opts.value("env", nlohmann::json::object());
    options.env = [env](const std::string& var) -> std::optional<std::string> {
        if (env.contains(var)) {
            return env[var].get<std::string>();
        }
        return std::nullopt;
    };
    const auto installed = opts.value("on_path", std::vector<std::string>{});
    options.on_path = [installed](const std::string& program) {
        return std::find(installed.begin(), installed.end(), program) != installed.end();
    };

    std::vector<eqb::config_problem> problems;
    const auto config = eqb::config_parse_lenient(text, label, golden_dir(), problems);
    const auto plan = eqb::plan_build(config, options, problems);
    if (spec.contains("errors")) {
        ASSERT_FALSE(problems.empty()) << "expected errors, got a plan:\n" << eqb::plan_to_json(plan);
        const std::string message = eqb::config_problems_message(label, problems);
        for (const auto& fragment : spec["errors"]) {
            EXPECT_NE(message.find(fragment.get<std::string>()), std::string::npos)
                << "missing '" << fragment.get<std::string>() << "' in:\n"
                << message;
        }
        std::set<int> lines;
        for (const auto& p : problems) {
            lines.insert(p.line);
        }
        EXPECT_EQ(lines, spec["error_lines"].get<std::set<int>>()) << message;
        for (const auto& l : spec["error_lines"]) {
            EXPECT_NE(message.find(label + ":" + std::to_string(l.get<int>()) + ": "), std::string::npos) << message;
        }
        return;
    }
    ASSERT_TRUE(problems.empty()) << eqb::config_problems_message(label, problems);
    const auto got = nlohmann::json::parse(eqb::plan_to_json(plan));
    const auto& runs = spec["runs"];
    ASSERT_EQ(got["runs"].size(), runs.size()) << got.dump(2);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        expect_subset(expand(runs[i]), got["runs"][i], name + ".runs[" + std::to_string(i) + "]");
    }
    for (const auto& fragment : spec.value("unavailable", nlohmann::json::array())) {
        bool found = false;
        for (const auto& r : got["runs"]) {
            found = found || (r["server"].is_object() &&
                              r["server"].value("unavailable", std::string()).find(fragment.get<std::string>()) !=
                                  std::string::npos);
        }
        EXPECT_TRUE(found) << "no run's server says '" << fragment.get<std::string>() << "'";
    }
    // Keys never reach the plan's JSON.
    const std::string dumped = eqb::plan_to_json(plan);
    for (const auto& r : plan.runs) {
        if (!r.api_key.empty()) {
            EXPECT_EQ(dumped.find(r.api_key), std::string::npos) << "key printed: " << r.api_key;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(golden, config_golden, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             std::string n = param_info.param;
                             for (char& c : n) {
                                 c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
                             }
                             return n;
                         });

}  // namespace
