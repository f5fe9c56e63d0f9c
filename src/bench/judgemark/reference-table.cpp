#include "bench/judgemark/reference-table.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <optional>

namespace eqb {
namespace {

using json = nlohmann::ordered_json;

// A number or null; nullopt for null, error text for anything else.
result<std::optional<double>> optional_number(const json& row, const char* field, const std::string& where) {
    if (!row.contains(field) || row[field].is_null()) {
        return std::optional<double>{};
    }
    if (!row[field].is_number()) {
        return error{where + "." + field + ": expected a number or null"};
    }
    return std::optional<double>{row[field].get<double>()};
}

result<std::vector<judgemark_benchmark_row>> parse_benchmarks(const json& doc, const std::string& source) {
    const std::string where = source + ": other_benchmarks";
    if (!doc.contains("other_benchmarks") || !doc["other_benchmarks"].is_array()) {
        return error{where + ": expected a list of {model, arena_elo, eq_bench, magi}"};
    }
    std::vector<judgemark_benchmark_row> rows;
    std::size_t i = 0;
    for (const auto& row : doc["other_benchmarks"]) {
        const std::string at = where + "[" + std::to_string(i++) + "]";
        if (!row.is_object() || !row.contains("model") || !row["model"].is_string()) {
            return error{at + ".model: expected a string"};
        }
        judgemark_benchmark_row out;
        out.model = row["model"].get<std::string>();
        auto arena = optional_number(row, "arena_elo", at);
        auto eq = optional_number(row, "eq_bench", at);
        auto magi = optional_number(row, "magi", at);
        for (const auto* r : {&arena, &eq, &magi}) {
            if (!r->ok()) {
                return r->err();
            }
        }
        out.arena_elo = *arena;
        out.eq_bench = *eq;
        out.magi = *magi;
        rows.push_back(std::move(out));
    }
    return rows;
}

result<std::vector<judgemark_judge_scores>> parse_judges(const json& doc, const std::string& source) {
    const std::string where = source + ": judge_scores_by_other_judges";
    if (!doc.contains("judge_scores_by_other_judges") || !doc["judge_scores_by_other_judges"].is_object()) {
        return error{where + ": expected an object {judge: {test_model: score}}"};
    }
    std::vector<judgemark_judge_scores> judges;
    for (const auto& [judge, scores] : doc["judge_scores_by_other_judges"].items()) {
        if (!scores.is_object()) {
            return error{where + "." + judge + ": expected an object {test_model: score}"};
        }
        judgemark_judge_scores column;
        column.judge = judge;
        for (const auto& [model, score] : scores.items()) {
            if (!score.is_number()) {
                return error{where + "." + judge + "." + model + ": expected a number"};
            }
            column.scores.emplace_back(model, score.get<double>());
        }
        judges.push_back(std::move(column));
    }
    return judges;
}

}  // namespace

result<judgemark_reference_table> judgemark_reference_parse(std::string_view json_text, const std::string& source) {
    const json doc = json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (doc.is_discarded()) {
        return error{source + ": not valid JSON"};
    }
    if (!doc.is_object()) {
        return error{source + ": expected a JSON object"};
    }
    judgemark_reference_table table;
    auto benchmarks = parse_benchmarks(doc, source);
    if (!benchmarks) {
        return benchmarks.err();
    }
    table.other_benchmarks = std::move(*benchmarks);
    auto judges = parse_judges(doc, source);
    if (!judges) {
        return judges.err();
    }
    table.other_judges = std::move(*judges);

    if (doc.contains("model_families")) {
        if (!doc["model_families"].is_object()) {
            return error{source + ": model_families: expected an object {model: family}"};
        }
        for (const auto& [model, family] : doc["model_families"].items()) {
            if (!family.is_string()) {
                return error{source + ": model_families." + model + ": expected a string"};
            }
            table.model_families.emplace(model, family.get<std::string>());
        }
    }
    if (doc.contains("ignore_for_self_bias")) {
        const auto& ignore = doc["ignore_for_self_bias"];
        if (!ignore.is_array()) {
            return error{source + ": ignore_for_self_bias: expected a list of names"};
        }
        for (const auto& name : ignore) {
            if (!name.is_string()) {
                return error{source + ": ignore_for_self_bias: expected a list of names"};
            }
            table.ignore_for_self_bias.push_back(name.get<std::string>());
        }
    }
    return table;
}

result<judgemark_reference_table> judgemark_reference_load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the Judgemark reference table"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return judgemark_reference_parse(text, path.string());
}

}  // namespace eqb
