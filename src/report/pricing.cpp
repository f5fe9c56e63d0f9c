#include "report/pricing.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

namespace eqb {

const price_table& price_table_builtin() {
    // List prices in USD per million tokens (input, output) at the time of
    // writing; a price file overrides them.
    static const price_table table = {
        {"gpt-4o", {2.50, 10.00}},         {"gpt-4o-mini", {0.15, 0.60}},       {"gpt-4-turbo", {10.00, 30.00}},
        {"gpt-4", {30.00, 60.00}},         {"gpt-3.5-turbo", {0.50, 1.50}},     {"claude-3-5-sonnet", {3.00, 15.00}},
        {"claude-3-opus", {15.00, 75.00}}, {"claude-3-sonnet", {3.00, 15.00}},  {"claude-3-haiku", {0.25, 1.25}},
        {"gemini-1.5-pro", {1.25, 5.00}},  {"gemini-1.5-flash", {0.075, 0.30}}, {"mistral-large", {2.00, 6.00}},
        {"mistral-small", {0.20, 0.60}},
    };
    return table;
}

result<price_table> price_table_load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot open the price file"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        return error{path.string() + ": invalid JSON: " + e.what()};
    }
    if (!doc.is_object()) {
        return error{path.string() + ": expected an object of model -> {\"input\": USD, \"output\": USD}"};
    }
    price_table table = price_table_builtin();
    for (const auto& [model, entry] : doc.items()) {
        if (!entry.is_object() || !entry.contains("input") || !entry.contains("output") ||
            !entry["input"].is_number() || !entry["output"].is_number()) {
            return error{path.string() + ": \"" + model +
                         "\": expected {\"input\": USD per million tokens, \"output\": USD per million tokens}"};
        }
        table[model] = model_price{entry["input"].get<double>(), entry["output"].get<double>()};
    }
    return table;
}

std::optional<model_price> price_table_find(const price_table& table, const std::string& model) {
    if (auto it = table.find(model); it != table.end()) {
        return it->second;
    }
    const std::string base =
        model.substr(model.find_last_of('/') == std::string::npos ? 0 : model.find_last_of('/') + 1);
    std::optional<model_price> best;
    std::size_t best_len = 0;
    for (const auto& [name, price] : table) {
        if (name.size() > best_len && base.compare(0, name.size(), name) == 0) {
            best = price;
            best_len = name.size();
        }
    }
    return best;
}

double price_cost(const model_price& price, long input_tokens, long output_tokens) {
    return static_cast<double>(input_tokens) * price.input_per_million / 1e6 +
           static_cast<double>(output_tokens) * price.output_per_million / 1e6;
}

}  // namespace eqb
