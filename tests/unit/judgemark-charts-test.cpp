// The Judgemark charts: score axes start at 0, scatter axes at the data, and
// every tick is a round number.

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "bench/judgemark/charts.hpp"

namespace {

// The tick labels of an SVG chart: the text of every <text> that is a number.
std::vector<std::string> tick_labels(const std::string& svg) {
    std::vector<std::string> out;
    const std::regex number(R"(>(-?[0-9]+(\.[0-9]+)?)</text>)");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), number); it != std::sregex_iterator(); ++it) {
        out.push_back((*it)[1]);
    }
    return out;
}

TEST(judgemark_charts_test, bar_charts_start_at_zero_with_round_ticks) {
    const std::string svg = eqb::svg_bar_chart("t", "score", {{"a", 83.17, 80.2, 86.9}, {"b", 41.5, 39.0, 44.0}});
    const auto labels = tick_labels(svg);
    // 0 20 40 60 80 100, then the bars' own values (2 decimals).
    ASSERT_GE(labels.size(), 6U);
    EXPECT_EQ(std::vector<std::string>(labels.begin(), labels.begin() + 6),
              (std::vector<std::string>{"0", "20", "40", "60", "80", "100"}));
}

TEST(judgemark_charts_test, scatter_axes_start_at_the_data_on_round_steps) {
    const std::string svg =
        eqb::svg_scatter_chart("t", "x", "y", {{"a", 61.3, 55.2, false}, {"b", 77.9, 81.4, true}}, {});
    const auto labels = tick_labels(svg);
    ASSERT_FALSE(labels.empty());
    for (const auto& l : labels) {
        const double v = std::stod(l);
        EXPECT_DOUBLE_EQ(v, 5.0 * std::round(v / 5.0)) << l << " is not on a round step";
    }
    EXPECT_EQ(labels.front(), "60");  // not 0: the data start near 60
}

}  // namespace
