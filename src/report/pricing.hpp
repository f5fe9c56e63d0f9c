#pragma once
// What a run costs: prices per million input and output tokens, per model.
// A small built-in table of list prices, extended or overridden by the user's
// JSON file ({"model": {"input": USD, "output": USD}, ...}).

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace eqb {

struct model_price {
    double input_per_million = 0.0;   // USD per million input tokens
    double output_per_million = 0.0;  // USD per million output tokens
};

using price_table = std::map<std::string, model_price>;

// The built-in list prices (USD, at the time of writing; check your provider).
const price_table& price_table_builtin();

// The built-in table with `path`'s entries added over it. The error names the
// file and the entry.
result<price_table> price_table_load(const std::filesystem::path& path);

// The price for `model`: an exact entry, else the longest entry that is a
// prefix of the model name after its last '/' ("gpt-4o" for "gpt-4o-2024-08-06").
std::optional<model_price> price_table_find(const price_table& table, const std::string& model);

// Cost in USD of the tokens at `price`.
double price_cost(const model_price& price, long input_tokens, long output_tokens);

}  // namespace eqb
