// TrueSkill 0.4.5 (pure-Python backend) for 1-vs-1 games, against the library's
// own outputs (../shared/conformance/trueskill/rate-1vs1.json): the special
// functions, the draw margins, V and W, and every step of every rating case
// (ratings after each step, the truncation trace, raised errors), all compared
// with == on doubles.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "scoring/trueskill.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

class trueskill_conformance : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto path = eqb::test::shared_dir() / "conformance" / "trueskill" / "rate-1vs1.json";
        if (!std::filesystem::exists(path)) {
            GTEST_SKIP() << "needs " << path;
        }
        doc_ = json::parse(eqb::test::read_file(path));
    }
    json doc_;
};

eqb::trueskill_env env_named(const std::string& name) {
    return name == "cw3" ? eqb::trueskill_env_cw3() : eqb::trueskill_env_eqbench3();
}

void expect_value(const json& row, const eqb::trueskill_value& got, const std::string& what) {
    if (row.contains("error")) {
        EXPECT_FALSE(got.ok()) << what;
        EXPECT_EQ(eqb::python_error_name(got.error), row["error"].get<std::string>()) << what;
    } else {
        ASSERT_TRUE(got.ok()) << what << ": " << eqb::python_error_name(got.error);
        EXPECT_EQ(got.value, row["value"].get<double>()) << what;
    }
}

TEST_F(trueskill_conformance, environments_and_their_draw_margins) {
    for (const auto& [name, want] : doc_["environments"].items()) {
        const auto env = env_named(name);
        EXPECT_EQ(env.mu, want["mu"].get<double>()) << name;
        EXPECT_EQ(env.sigma, want["sigma"].get<double>()) << name;
        EXPECT_EQ(env.beta, want["beta"].get<double>()) << name;
        EXPECT_EQ(env.tau, want["tau"].get<double>()) << name;
        EXPECT_EQ(env.draw_probability, want["draw_probability"].get<double>()) << name;
        const auto game = eqb::trueskill_game_make(env);
        ASSERT_EQ(game.error, eqb::python_error::NONE);
        EXPECT_EQ(game.draw_margin, want["draw_margin_1vs1"].get<double>()) << name;
        EXPECT_NE(game.draw_margin, 0.0);
    }
}

TEST_F(trueskill_conformance, special_functions_row_by_row) {
    const auto& sf = doc_["special_functions"];
    int rows = 0;
    for (const auto& row : sf["erfc"]) {
        EXPECT_EQ(eqb::trueskill_erfc(row[0].get<double>()), row[1].get<double>()) << "erfc " << row[0];
        ++rows;
    }
    for (const auto& row : sf["cdf"]) {
        EXPECT_EQ(eqb::trueskill_cdf(row[0].get<double>()), row[1].get<double>()) << "cdf " << row[0];
        ++rows;
    }
    const std::map<std::string, eqb::trueskill_value (*)(double)> unary = {
        {"erfcinv", eqb::trueskill_erfcinv}, {"pdf", eqb::trueskill_pdf}, {"ppf", eqb::trueskill_ppf}};
    for (const auto& [name, f] : unary) {
        for (const auto& row : sf[name]) {
            const auto got = f(row[0].get<double>());
            ASSERT_TRUE(got.ok()) << name << " " << row[0];
            EXPECT_EQ(got.value, row[1].get<double>()) << name << " " << row[0];
            ++rows;
        }
    }
    for (const auto& row : sf["calc_draw_margin"]) {
        const auto got = eqb::trueskill_draw_margin(row["draw_probability"].get<double>(), row["size"].get<int>(),
                                                    env_named(row["env"].get<std::string>()));
        expect_value(row, got, "calc_draw_margin " + row.dump());
        ++rows;
    }
    const std::map<std::string, eqb::trueskill_value (*)(double, double)> binary = {{"v_win", eqb::trueskill_v_win},
                                                                                    {"w_win", eqb::trueskill_w_win},
                                                                                    {"v_draw", eqb::trueskill_v_draw},
                                                                                    {"w_draw", eqb::trueskill_w_draw}};
    int errors = 0;
    for (const auto& [name, f] : binary) {
        for (const auto& row : sf[name]) {
            expect_value(row, f(row["diff"].get<double>(), row["draw_margin"].get<double>()), name + " " + row.dump());
            errors += row.contains("error") ? 1 : 0;
            ++rows;
        }
    }
    EXPECT_GT(rows, 300);
    EXPECT_GT(errors, 0);
}

std::pair<double, double> rating_pair(const eqb::trueskill_rating& r) {
    return {r.mu(), r.sigma()};
}

std::pair<double, double> want_pair(const json& j) {
    return {j[0].get<double>(), j[1].get<double>()};
}

TEST_F(trueskill_conformance, every_case_step_by_step) {
    int steps = 0;
    int traced = 0;
    int errors = 0;
    for (const auto& c : doc_["cases"]) {
        const auto name = c["name"].get<std::string>();
        SCOPED_TRACE(name);
        const auto env = env_named(c["env"].get<std::string>());
        const auto game = eqb::trueskill_game_make(env);
        std::map<std::string, eqb::trueskill_rating> players;
        for (const auto& [player, p] : c["players"].items()) {
            const double mu = p["init"][0].is_null() ? env.mu : p["init"][0].get<double>();
            const double sigma = p["init"][1].is_null() ? env.sigma : p["init"][1].get<double>();
            const auto made = eqb::trueskill_rating::make(mu, sigma);
            ASSERT_TRUE(made.has_value());
            EXPECT_EQ(rating_pair(*made), want_pair(p["rating"])) << player;
            players[player] = *made;
        }
        std::size_t index = 0;
        for (const auto& step : c["steps"]) {
            SCOPED_TRACE("step " + std::to_string(index++));
            const auto a = step["match"][0].get<std::string>();
            const auto b = step["match"][1].get<std::string>();
            std::vector<eqb::trueskill_trace_entry> trace;
            const auto out = eqb::trueskill_rate_1vs1(game, players[a], players[b], step["drawn"].get<bool>(), &trace);
            if (step.contains("error")) {
                EXPECT_EQ(eqb::python_error_name(out.error), step["error"].get<std::string>());
                ++errors;
            } else {
                EXPECT_TRUE(out.ok()) << eqb::python_error_name(out.error);
            }
            EXPECT_EQ(rating_pair(out.first), want_pair(step["after"][a])) << a;
            EXPECT_EQ(rating_pair(out.second), want_pair(step["after"][b])) << b;
            if (step.contains("trace")) {
                const auto& want = step["trace"];
                ASSERT_EQ(trace.size(), want.size());
                for (std::size_t i = 0; i < trace.size(); ++i) {
                    EXPECT_EQ(trace[i].t, want[i]["t"].get<double>()) << "trace " << i;
                    EXPECT_EQ(trace[i].eps, want[i]["eps"].get<double>()) << "trace " << i;
                    EXPECT_EQ(trace[i].v.has_value(), want[i].contains("v")) << "trace " << i;
                    if (trace[i].v && want[i].contains("v")) {
                        EXPECT_EQ(*trace[i].v, want[i]["v"].get<double>()) << "trace " << i;
                    }
                    EXPECT_EQ(trace[i].w.has_value(), want[i].contains("w")) << "trace " << i;
                    if (trace[i].w && want[i].contains("w")) {
                        EXPECT_EQ(*trace[i].w, want[i]["w"].get<double>()) << "trace " << i;
                    }
                    const std::string want_error = want[i].contains("error") ? want[i]["error"].get<std::string>() : "";
                    EXPECT_EQ(eqb::python_error_name(trace[i].error), want_error) << "trace " << i;
                }
                ++traced;
            }
            players[a] = out.first;
            players[b] = out.second;
            ++steps;
            if (::testing::Test::HasFailure()) {
                return;  // later steps only repeat the first departure
            }
        }
        for (const auto& [player, want] : c["final"].items()) {
            EXPECT_EQ(rating_pair(players[player]), want_pair(want)) << player;
        }
    }
    EXPECT_GT(steps, 1500);
    EXPECT_GT(traced, 20);
    EXPECT_GT(errors, 3);
}

TEST(trueskill, errors_are_values_and_ratings_stay) {
    eqb::python_error error = eqb::python_error::NONE;
    EXPECT_FALSE(eqb::trueskill_rating::make(1200.0, 0.0, &error).has_value());
    EXPECT_EQ(error, eqb::python_error::VALUE_ERROR);
    EXPECT_EQ(eqb::python_error_name(eqb::python_error::OVERFLOW_ERROR), "OverflowError");
    EXPECT_EQ(eqb::python_error_name(eqb::python_error::NONE), "");
}

}  // namespace
