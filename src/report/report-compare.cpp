#include "report/report-compare.hpp"

#include <fmt/core.h>

#include <cmath>
#include <map>

#include "report/report-benchmarks.hpp"

namespace eqb {
namespace {

constexpr double p_floor = 0.001;  // smaller p-values print as "< 0.001"

std::string points_text(double v) {
    // fmt prints -0.00 for tiny negative values; the sentence never should.
    const std::string s = fmt::format("{:.2f}", v);
    return s == "-0.00" ? "0.00" : s;
}

std::string shown(const std::string& v) {
    return v.empty() ? "(none)" : v;
}

}  // namespace

result<report_run_ref> report_run_resolve(const std::string& name, const std::filesystem::path& results_dir,
                                          const report_sources& sources) {
    std::error_code ec;
    const std::filesystem::path as_dir(name);
    if (std::filesystem::is_directory(as_dir, ec) && std::filesystem::is_regular_file(as_dir / "eqbench.db", ec)) {
        auto store = report_store_load(as_dir);
        if (!store) {
            return store.err();
        }
        report_run_ref ref{report_model_build(std::move(*store), sources), 0};
        if (ref.model.runs.size() != 1) {
            return error{name + " holds " + std::to_string(ref.model.runs.size()) +
                         " runs; name one by its key (eqbench runs --results-dir " + name + " lists them)"};
        }
        return ref;
    }
    auto store = report_store_load(results_dir);
    if (!store) {
        return store.err();
    }
    report_run_ref ref{report_model_build(std::move(*store), sources), 0};
    auto found = report_model_find(ref.model, name);
    if (!found) {
        return found.err();
    }
    ref.index = *found;
    return ref;
}

result<run_comparison> report_compare_runs(const report_model& model_a, std::size_t a, const report_model& model_b,
                                           std::size_t b, const resampling_options& options) {
    const report_run_view& va = model_a.runs[a];
    const report_run_view& vb = model_b.runs[b];
    const report_run& ra = model_a.store.runs[va.run];
    const report_run& rb = model_b.store.runs[vb.run];
    run_comparison c;
    c.a = ra.key;
    c.b = rb.key;
    c.benchmark = ra.benchmark;
    c.score_a = va.score;
    c.score_b = vb.score;
    if (ra.benchmark != rb.benchmark) {
        return error{"A is a " + ra.benchmark + " run and B a " + rb.benchmark +
                     " run: only runs of one benchmark compare"};
    }
    const ojson ma = json_object_of(ra.metadata_json);
    const ojson mb = json_object_of(rb.metadata_json);
    for (const auto& s : compared_settings) {
        const std::string x = json_string(ma, s.key);
        const std::string y = json_string(mb, s.key);
        if (x != y) {
            c.warnings.push_back("different " + std::string(s.what) + ": " + shown(x) + " vs " + shown(y));
        }
    }
    if (va.language != vb.language) {
        c.warnings.push_back("different language: " + shown(va.language) + " vs " + shown(vb.language));
    }
    if (va.judge != vb.judge) {
        c.warnings.push_back("different judge: " + shown(va.judge) + " vs " + shown(vb.judge));
    }
    if (va.reasoning != vb.reasoning) {
        c.warnings.push_back("different reasoning settings: " + shown(va.reasoning) + " vs " + shown(vb.reasoning));
    }
    const auto status_warning = [&c](const report_run& run, const char* label) {
        if (run.status != "completed") {
            c.warnings.push_back(std::string(label) + " is " + run.status +
                                 (run.error.empty() ? "" : ": " + run.error));
        }
    };
    status_warning(ra, "A");
    status_warning(rb, "B");

    std::map<std::string, double> b_points(vb.points.begin(), vb.points.end());
    std::vector<double> xs;
    std::vector<double> ys;
    for (const auto& [id, value] : va.points) {
        const auto it = b_points.find(id);
        if (it == b_points.end()) {
            ++c.only_a;
            continue;
        }
        c.items.push_back({id, value, it->second});
        xs.push_back(value);
        ys.push_back(it->second);
    }
    c.only_b = static_cast<int>(vb.points.size()) - static_cast<int>(c.items.size());
    if (c.only_a > 0 || c.only_b > 0) {
        c.warnings.push_back(
            fmt::format("different item sets: {} items only A scored, {} only B; compared on the {} "
                        "both scored",
                        c.only_a, c.only_b, c.items.size()));
    }
    auto stats = paired_compare(xs, ys, options);
    if (!stats) {
        return error{"A and B share no scored item: nothing to compare"};
    }
    c.stats = *stats;
    return c;
}

std::string report_p_text(double p) {
    if (p >= 1.0) {
        return "1";
    }
    if (p < p_floor) {
        return "< 0.001";
    }
    return fmt::format("{:.3f}", p);
}

std::string report_compare_sentence(const run_comparison& c, double confidence) {
    const auto& s = c.stats;
    const std::string ci =
        fmt::format("({:.0f}% CI {} to {})", 100.0 * confidence, points_text(s.ci_low), points_text(s.ci_high));
    const std::string p = report_p_text(s.p_value);
    const std::string p_part = p.rfind('<', 0) == 0 ? "p " + p : "p = " + p;
    const std::string verdict = s.p_value < compare_noise_alpha ? "unlikely to be noise (" + p_part + ")"
                                                                : "the difference is within noise (" + p_part + ")";
    const std::string size = points_text(std::fabs(s.mean_diff));
    if (size == "0.00") {
        return "A and B score the same on average " + ci + "; " + verdict;
    }
    return std::string("A is ") + (s.mean_diff > 0 ? "higher" : "lower") + " than B by " + size + " points " + ci +
           "; " + verdict;
}

std::string report_compare_text(const run_comparison& c, double confidence) {
    std::string out;
    for (const auto& w : c.warnings) {
        out += "warning: " + w + "\n";
    }
    const auto score = [](const std::optional<double>& v) { return v ? points_text(*v) : std::string("none"); };
    const auto& s = c.stats;
    out += "A: " + c.a + "\n   score " + score(c.score_a) + "\n";
    out += "B: " + c.b + "\n   score " + score(c.score_b) + "\n";
    out += fmt::format("Paired items: {} (items scored by both, averaged over iterations)\n", s.n);
    out += fmt::format("Mean over the pairs: A {}, B {}\n", points_text(s.mean_a), points_text(s.mean_b));
    out += fmt::format(
        "Mean difference (A - B): {} points; {:.0f}% CI {} to {} (paired bootstrap, {} resamples, seed {})\n",
        points_text(s.mean_diff), 100.0 * confidence, points_text(s.ci_low), points_text(s.ci_high), s.resamples,
        s.seed);
    out += s.method == sign_flip_method::EXACT
               ? fmt::format("p = {} (two-sided {}, all {} sign patterns)\n", report_p_text(s.p_value),
                             sign_flip_method_name(s.method), 1UL << s.n)
               : fmt::format("p = {} (two-sided {}, {} flips, seed {})\n", report_p_text(s.p_value),
                             sign_flip_method_name(s.method), s.resamples, s.seed);
    out += fmt::format("Wins: A {}, B {}, ties {}\n", s.wins_a, s.wins_b, s.ties);
    out += report_compare_sentence(c, confidence) + "\n";
    return out;
}

std::string report_compare_json(const run_comparison& c) {
    const auto& s = c.stats;
    ojson j;
    j["a"] = c.a;
    j["b"] = c.b;
    j["benchmark"] = c.benchmark;
    j["n"] = s.n;
    j["score_a"] = json_optional(c.score_a);
    j["score_b"] = json_optional(c.score_b);
    j["paired_mean_a"] = s.mean_a;
    j["paired_mean_b"] = s.mean_b;
    j["mean_diff"] = s.mean_diff;
    j["ci_low"] = s.ci_low;
    j["ci_high"] = s.ci_high;
    j["p_value"] = s.p_value;
    j["method"] = std::string(sign_flip_method_name(s.method));
    j["interval_method"] = "paired percentile bootstrap";
    j["resamples"] = s.resamples;
    j["seed"] = s.seed;
    j["wins_a"] = s.wins_a;
    j["wins_b"] = s.wins_b;
    j["ties"] = s.ties;
    j["warnings"] = c.warnings;
    return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace eqb
