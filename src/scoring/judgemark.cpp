#include "scoring/judgemark.hpp"

#include <algorithm>
#include <cmath>

#include "scoring/creative-writing.hpp"
#include "scoring/stats.hpp"

namespace eqb {

namespace {

using score_list = std::vector<std::pair<std::string, double>>;

double clamp01(double v) {
    return std::clamp(v, 0.0, 1.0);
}

std::string_view short_name(std::string_view model) {
    const auto slash = model.rfind('/');
    return slash == std::string_view::npos ? model : model.substr(slash + 1);
}

const judgemark_benchmark_row* benchmark_row(const judgemark_reference_table& table, std::string_view model) {
    const std::string_view name = short_name(model);
    for (const auto& row : table.other_benchmarks) {
        if (row.model == name) {
            return &row;
        }
    }
    return nullptr;
}

// Pearson and Kendall over the models of `models` that have the benchmark value
// (pandas' dropna on that column).
judgemark_correlation correlate(const judgemark_reference_table& table, const score_list& models,
                                std::optional<double> judgemark_benchmark_row::*column) {
    std::vector<double> judge;
    std::vector<double> other;
    for (const auto& [model, score] : models) {
        const auto* row = benchmark_row(table, model);
        if (row != nullptr && (row->*column).has_value()) {
            judge.push_back(score);
            other.push_back(*(row->*column));
        }
    }
    judgemark_correlation c;
    c.points = judge.size();
    c.pearson = stats::pearson(judge, other);
    c.kendall = stats::kendall_tau_b(judge, other);
    return c;
}

// The `n` highest scores, ties kept in test-set order (pandas' nlargest, keep='first').
score_list top_n(score_list models, std::size_t n) {
    std::stable_sort(models.begin(), models.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (models.size() > n) {
        models.resize(n);
    }
    return models;
}

std::vector<double> values_of(const score_list& models) {
    std::vector<double> out;
    out.reserve(models.size());
    for (const auto& entry : models) {
        out.push_back(entry.second);
    }
    return out;
}

const double* find_score(const score_list& scores, std::string_view model) {
    for (const auto& [name, score] : scores) {
        if (name == model) {
            return &score;
        }
    }
    return nullptr;
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

// The mean of the other judges' scores of `model`; nullopt when none scored it.
std::optional<double> others_mean(const std::vector<const score_list*>& others, std::string_view model) {
    std::vector<double> values;
    for (const auto* scores : others) {
        if (const double* s = find_score(*scores, model)) {
            values.push_back(*s);
        }
    }
    return stats::mean(values);
}

struct bias_result {
    std::optional<double> self;
    std::optional<double> family;
};

// The reference's calculate_self_bias_polynomial for this judge: its scores are
// added to the other judges' (replacing a column of the same name), a degree-2
// least-squares fit maps the other judges' mean to this judge's score over the
// test models (less the ignored ones and the judge itself), and the biases are
// residuals of that fit.
bias_result judge_bias(std::string_view judge, const score_list& mine, const judgemark_reference_table& table) {
    bias_result out;
    if (contains(table.ignore_for_self_bias, judge)) {
        return out;
    }
    std::vector<const score_list*> others;
    for (const auto& column : table.other_judges) {
        if (column.judge != judge && !contains(table.ignore_for_self_bias, column.judge)) {
            others.push_back(&column.scores);
        }
    }
    const score_list& test_models = table.other_judges.empty() ? mine : table.other_judges.front().scores;

    std::vector<std::string> included;
    std::vector<double> x;
    std::vector<double> y;
    for (const auto& entry : test_models) {
        const std::string& model = entry.first;
        if (contains(table.ignore_for_self_bias, model) || model == judge) {
            continue;
        }
        // A model this judge could not score, or no other judge scored, has no point.
        const double* own = find_score(mine, model);
        const auto others_score = others_mean(others, model);
        if (own == nullptr || !others_score) {
            continue;
        }
        included.push_back(model);
        x.push_back(*others_score);
        y.push_back(*own);
    }
    const auto fit = stats::polyfit2(x, y);
    if (!fit) {
        return out;
    }

    if (find_score(test_models, judge) != nullptr) {
        const double* own = find_score(mine, judge);
        const auto others_score = others_mean(others, judge);
        if (own != nullptr && others_score) {
            out.self = *own - stats::poly_eval(*fit, *others_score);
        }
    }

    const auto family = table.model_families.find(std::string(judge));
    if (family != table.model_families.end()) {
        std::vector<double> residuals;
        for (std::size_t i = 0; i < included.size(); ++i) {
            const auto f = table.model_families.find(included[i]);
            if (f != table.model_families.end() && f->second == family->second) {
                residuals.push_back(y[i] - stats::poly_eval(*fit, x[i]));
            }
        }
        out.family = stats::mean(residuals);
    }
    return out;
}

// clamp01 of the mean of the values present; 0 when none is (the reference's `else 0`).
double clamped_mean_of_present(const std::vector<std::optional<double>>& values) {
    std::vector<double> present;
    for (const auto& v : values) {
        if (v) {
            present.push_back(*v);
        }
    }
    const auto m = stats::mean(present);
    return m ? clamp01(*m) : 0.0;
}

}  // namespace

result<judgemark_result> judgemark_compute(
    std::string_view judge, const std::vector<std::pair<std::string, std::vector<double>>>& prompt_scores,
    const judgemark_reference_table& table) {
    judgemark_result r;
    std::vector<std::vector<double>> items;
    for (const auto& [model, scores] : prompt_scores) {
        const auto iteration = creative_writing_iteration_score(scores);
        if (!iteration) {
            r.unscored.push_back(model);
            continue;
        }
        r.model_scores.emplace_back(model, judgemark_item_scale * *iteration);
        std::vector<double> model_items;
        model_items.reserve(scores.size());
        for (const double s : scores) {
            model_items.push_back(judgemark_item_scale * s);
        }
        items.push_back(std::move(model_items));
    }
    if (r.model_scores.size() < 2) {
        return error{"judgemark: " + std::to_string(r.model_scores.size()) +
                     " test model(s) scored; the metrics need at least 2 with more than 10 prompt scores each"};
    }

    const std::vector<double> scores = values_of(r.model_scores);
    r.mean = *stats::mean(scores);
    r.sd = *stats::sample_sd(scores);
    const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
    r.range = *hi - *lo;
    if (r.mean != 0.0) {
        r.cv = r.sd / r.mean;
    }
    r.sd_top5 = *stats::sample_sd(values_of(top_n(r.model_scores, judgemark_top_sd_count)));

    r.arena_elo = correlate(table, r.model_scores, &judgemark_benchmark_row::arena_elo);
    r.eq_bench = correlate(table, r.model_scores, &judgemark_benchmark_row::eq_bench);
    const score_list top8 = top_n(r.model_scores, judgemark_top_corr_count);
    r.top8_arena_elo = correlate(table, top8, &judgemark_benchmark_row::arena_elo);
    r.top8_eq_bench = correlate(table, top8, &judgemark_benchmark_row::eq_bench);

    std::size_t shortest = items.front().size();
    for (const auto& list : items) {
        shortest = std::min(shortest, list.size());
    }
    std::vector<std::vector<double>> trimmed;
    trimmed.reserve(items.size());
    for (const auto& list : items) {
        trimmed.emplace_back(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(shortest));
    }
    r.anova_f = stats::anova_f(trimmed);
    r.mean_ci_width = stats::mean_t_interval_width(items, judgemark_interval_confidence);

    const bias_result bias = judge_bias(judge, r.model_scores, table);
    r.self_bias = bias.self;
    r.family_bias = bias.family;

    const double kendall = clamped_mean_of_present(
        {r.arena_elo.kendall, r.eq_bench.kendall, r.top8_arena_elo.kendall, r.top8_eq_bench.kendall});
    const double pearson = clamped_mean_of_present(
        {r.arena_elo.pearson, r.eq_bench.pearson, r.top8_arena_elo.pearson, r.top8_eq_bench.pearson});
    const double separation = clamp01(r.sd / judgemark_sd_ceiling);
    const double anova = r.anova_f ? clamp01(*r.anova_f / judgemark_anova_f_ceiling) : 0.0;
    constexpr double parts = 4.0;
    r.judgemark = judgemark_score_scale * (kendall + pearson + separation + anova) / parts;
    return r;
}

std::vector<judgemark_metric> judgemark_metrics(const judgemark_result& r) {
    return {
        {"mean_score", r.mean},
        {"range", r.range},
        {"std_dev", r.sd},
        {"CV", r.cv},
        {"std_dev_top_5", r.sd_top5},
        {"pearson_arena_elo", r.arena_elo.pearson},
        {"kendall_arena_elo", r.arena_elo.kendall},
        {"pearson_eq_bench", r.eq_bench.pearson},
        {"kendall_eq_bench", r.eq_bench.kendall},
        {"pearson_top_8_arena_elo", r.top8_arena_elo.pearson},
        {"kendall_top_8_arena_elo", r.top8_arena_elo.kendall},
        {"pearson_top_8_eq_bench", r.top8_eq_bench.pearson},
        {"kendall_top_8_eq_bench", r.top8_eq_bench.kendall},
        {"Judgemark", r.judgemark},
        {"anova_f_statistic", r.anova_f},
        {"avg_ci_range", r.mean_ci_width},
        {"self_bias", r.self_bias},
        {"family_bias", r.family_bias},
    };
}

std::vector<judgemark_model_interval> judgemark_model_intervals(
    const judgemark_result& result, const std::vector<std::pair<std::string, std::vector<double>>>& prompt_scores) {
    std::vector<judgemark_model_interval> out;
    for (const auto& [model, score] : result.model_scores) {
        std::vector<double> items;
        for (const auto& [name, scores] : prompt_scores) {
            if (name == model) {
                for (const double s : scores) {
                    items.push_back(judgemark_item_scale * s);
                }
            }
        }
        const double half = stats::t_interval_width(items, judgemark_interval_confidence).value_or(0.0) / 2.0;
        out.push_back({model, score, score - half, score + half});
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    return out;
}

judgemark_bias_view judgemark_bias_view_of(std::string_view judge, const judgemark_result& result,
                                           const judgemark_reference_table& table) {
    judgemark_bias_view view;
    std::vector<double> xs;
    std::vector<double> ys;
    const auto family = table.model_families.find(std::string(judge));
    for (const auto& [model, score] : result.model_scores) {
        std::vector<double> others;
        for (const auto& j : table.other_judges) {
            if (j.judge == judge || std::find(table.ignore_for_self_bias.begin(), table.ignore_for_self_bias.end(),
                                              j.judge) != table.ignore_for_self_bias.end()) {
                continue;
            }
            for (const auto& [name, value] : j.scores) {
                if (name == model) {
                    others.push_back(value);
                }
            }
        }
        const auto m = stats::mean(others);
        if (!m) {
            continue;
        }
        const auto f = table.model_families.find(model);
        const bool in_family = model == judge || (family != table.model_families.end() &&
                                                  f != table.model_families.end() && f->second == family->second);
        view.points.push_back({model, *m, score, in_family});
        if (model != judge) {
            xs.push_back(*m);
            ys.push_back(score);
        }
    }
    view.fit = stats::polyfit2(xs, ys);
    return view;
}

}  // namespace eqb
