#include "bench/judgemark/charts.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace eqb {
namespace {

constexpr double width = 900.0;
constexpr double left = 300.0;  // room for labels
constexpr double right = 40.0;
constexpr double top = 50.0;
constexpr double row = 24.0;

std::string escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// An axis over [lo, hi] with about `ticks` round steps (1, 2 or 5 times a power
// of ten), its ends on steps.
struct axis {
    double start = 0.0;
    double end = 1.0;
    double step = 0.2;
    int decimals = 1;  // for the tick labels
};

axis nice_axis(double lo, double hi, int ticks) {
    if (!(hi > lo)) {
        lo -= 1.0;
        hi += 1.0;
    }
    const double raw = (hi - lo) / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * magnitude;
        if (step >= raw) {
            break;
        }
    }
    axis a;
    a.step = step;
    a.start = std::floor(lo / step) * step;
    a.end = std::ceil(hi / step) * step;
    a.decimals = step >= 1.0 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    return a;
}

// The tick values of an axis, each on a step.
std::vector<double> axis_ticks(const axis& a) {
    std::vector<double> out;
    const auto n = static_cast<int>(std::lround((a.end - a.start) / a.step));
    for (int i = 0; i <= n; ++i) {
        out.push_back(a.start + a.step * i);
    }
    return out;
}

}  // namespace

std::string svg_bar_chart(const std::string& title, const std::string& axis_label, const std::vector<chart_bar>& bars) {
    const double height = top + row * static_cast<double>(bars.size()) + 60.0;
    double lo = 0.0;
    double hi = 1.0;
    for (const auto& b : bars) {
        hi = std::max(hi, std::max(b.high, b.value));
        lo = std::min(lo, std::min(b.low, b.value));
    }
    // Scores start at 0; bars are lengths from it.
    const axis ax = nice_axis(lo, hi, 5);
    const double x0 = ax.start;
    const double x1 = ax.end;
    const double plot = width - left - right;
    const auto sx = [&, x0 = x0, x1 = x1](double v) { return left + (v - x0) / (x1 - x0) * plot; };
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" font-family=\"sans-serif\" "
        "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text x=\"{:.0f}\" y=\"25\" font-size=\"16\" text-anchor=\"middle\">{}</text>\n",
        width, height, width / 2.0, escape(title));
    for (const double v : axis_ticks(ax)) {
        svg += fmt::format(
            "<line x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\" stroke=\"#ddd\"/>\n"
            "<text x=\"{0:.1f}\" y=\"{3:.0f}\" text-anchor=\"middle\">{4:.{5}f}</text>\n",
            sx(v), top - 5.0, height - 45.0, height - 30.0, v, ax.decimals);
    }
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const auto& b = bars[i];
        const double y = top + row * static_cast<double>(i);
        svg += fmt::format(
            "<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n"
            "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#4e79a7\"/>\n"
            "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"black\"/>\n"
            "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{:.2f}</text>\n",
            left - 8.0, y + row * 0.65, escape(b.label), sx(x0), y + 4.0, std::max(0.0, sx(b.value) - sx(x0)),
            row - 8.0, sx(b.low), y + row / 2.0, sx(b.high), y + row / 2.0, sx(b.high) + 4.0, y + row * 0.65, b.value);
    }
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n</svg>\n", left + plot / 2.0,
                       height - 10.0, escape(axis_label));
    return svg;
}

std::string svg_scatter_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                              const std::vector<chart_point>& points, const std::vector<double>& curve) {
    constexpr double size = 600.0;
    constexpr double margin = 60.0;
    double xl = 1e300;
    double xh = -1e300;
    double yl = 1e300;
    double yh = -1e300;
    for (const auto& p : points) {
        xl = std::min(xl, p.x);
        xh = std::max(xh, p.x);
        yl = std::min(yl, p.y);
        yh = std::max(yh, p.y);
    }
    if (points.empty()) {
        xl = yl = 0.0;
        xh = yh = 1.0;
    }
    // Both axes start at the data, on round steps.
    const axis ax = nice_axis(xl, xh, 4);
    const axis ay = nice_axis(yl, yh, 4);
    const double x0 = ax.start;
    const double x1 = ax.end;
    const double y0 = ay.start;
    const double y1 = ay.end;
    const double plot = size - 2.0 * margin;
    const auto sx = [&, x0 = x0, x1 = x1](double v) { return margin + (v - x0) / (x1 - x0) * plot; };
    const auto sy = [&, y0 = y0, y1 = y1](double v) { return size - margin - (v - y0) / (y1 - y0) * plot; };
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{0:.0f}\" font-family=\"sans-serif\" "
        "font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text x=\"{1:.0f}\" y=\"25\" font-size=\"15\" text-anchor=\"middle\">{2}</text>\n"
        "<rect x=\"{3:.0f}\" y=\"{3:.0f}\" width=\"{4:.0f}\" height=\"{4:.0f}\" fill=\"none\" stroke=\"#999\"/>\n",
        size, size / 2.0, escape(title), margin, plot);
    for (const double xv : axis_ticks(ax)) {
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{:.{}f}</text>\n", sx(xv),
                           size - margin + 15.0, xv, ax.decimals);
    }
    for (const double yv : axis_ticks(ay)) {
        svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{:.{}f}</text>\n", margin - 5.0,
                           sy(yv) + 4.0, yv, ay.decimals);
    }
    if (curve.size() == 3 && !points.empty()) {
        std::string path;
        for (int i = 0; i <= 60; ++i) {
            const double x = xl + (xh - xl) * i / 60.0;
            const double y = curve[0] + curve[1] * x + curve[2] * x * x;
            path += fmt::format("{}{:.1f},{:.1f} ", i == 0 ? "M" : "L", sx(x), sy(std::clamp(y, y0, y1)));
        }
        svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#e15759\" stroke-width=\"1.5\"/>\n";
    }
    for (const auto& p : points) {
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"><title>{}</title></circle>\n",
                           sx(p.x), sy(p.y), p.highlight ? "#f28e2b" : "#4e79a7", escape(p.label));
    }
    svg += fmt::format(
        "<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n"
        "<text x=\"15\" y=\"{:.0f}\" text-anchor=\"middle\" transform=\"rotate(-90 15 {:.0f})\">{}</text>\n</svg>\n",
        size / 2.0, size - 15.0, escape(x_label), size / 2.0, size / 2.0, escape(y_label));
    return svg;
}

}  // namespace eqb
