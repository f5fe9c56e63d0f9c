#pragma once
// SVG charts for Judgemark: no plotting library, just text.

#include <string>
#include <vector>

namespace eqb {

struct chart_bar {
    std::string label;
    double value = 0.0;
    double low = 0.0;  // interval ends (equal to value when there is none)
    double high = 0.0;
};

// Horizontal bars sorted as given, each with its interval as an error bar.
std::string svg_bar_chart(const std::string& title, const std::string& axis_label, const std::vector<chart_bar>& bars);

struct chart_point {
    std::string label;
    double x = 0.0;
    double y = 0.0;
    bool highlight = false;  // drawn in another colour (in-family, the judge itself)
};

// A scatter plot with an optional curve y = c0 + c1 x + c2 x^2 over the points' x range.
std::string svg_scatter_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                              const std::vector<chart_point>& points, const std::vector<double>& curve);

}  // namespace eqb
