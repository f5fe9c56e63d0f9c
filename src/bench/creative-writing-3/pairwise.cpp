#include "bench/creative-writing-3/pairwise.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"

namespace eqb {
namespace {

using json = nlohmann::ordered_json;

constexpr int fraction_digits = 4;

cw3_json_kind kind_of(const json& value) {
    if (value.is_string()) {
        return cw3_json_kind::STRING;
    }
    if (value.is_number()) {
        return cw3_json_kind::NUMBER;
    }
    if (value.is_boolean()) {
        return cw3_json_kind::BOOLEAN;
    }
    if (value.is_array()) {
        return cw3_json_kind::ARRAY;
    }
    if (value.is_object()) {
        return cw3_json_kind::OBJECT;
    }
    return cw3_json_kind::NUL;
}

}  // namespace

std::string cw3_pairwise_text(std::string_view piece) {
    return python_prefix(piece, cw3_pairwise_truncation_chars);
}

std::string cw3_pairwise_prompt(std::string_view pairwise_template, const std::string& writing_prompt,
                                const std::string& text_a, const std::string& text_b) {
    std::string prompt = text_replace_all(std::string(pairwise_template), "{writing_prompt}", writing_prompt);
    prompt = text_replace_all(std::move(prompt), "{model_a_analysis}", text_a);
    return text_replace_all(std::move(prompt), "{model_b_analysis}", text_b);
}

cw3_pairwise_messages cw3_pairwise_prompts(std::string_view pairwise_template, const std::string& writing_prompt,
                                           std::string_view test_piece, std::string_view opponent_piece) {
    const std::string a = cw3_pairwise_text(test_piece);
    const std::string b = cw3_pairwise_text(opponent_piece);
    return {cw3_pairwise_prompt(pairwise_template, writing_prompt, a, b),
            cw3_pairwise_prompt(pairwise_template, writing_prompt, b, a)};
}

cw3_item_lengths cw3_comparison_item_lengths(std::string_view test_piece, std::string_view opponent_piece,
                                             bool reversed) {
    const std::size_t test = python_len(cw3_pairwise_text(test_piece));
    const std::size_t opponent = python_len(cw3_pairwise_text(opponent_piece));
    return reversed ? cw3_item_lengths{opponent, test} : cw3_item_lengths{test, opponent};
}

result<std::vector<cw3_verdict_member>> cw3_verdict_read(std::string_view answer) {
    const std::size_t start = answer.find('{');
    const std::size_t end = answer.rfind('}');
    if (start == std::string_view::npos || end == std::string_view::npos || end <= start) {
        return error{"Malformed JSON response from judge model"};
    }
    json doc;
    try {
        doc = json::parse(answer.substr(start, end - start + 1));
    } catch (const json::exception& e) {
        return error{std::string("the judge's JSON does not parse: ") + e.what()};
    }
    if (!doc.is_object()) {
        return error{"the judge's JSON is not an object"};
    }
    std::vector<cw3_verdict_member> members;
    members.reserve(doc.size());
    for (const auto& [key, value] : doc.items()) {
        cw3_verdict_member member;
        member.key = key;
        member.kind = kind_of(value);
        if (value.is_string()) {
            member.text = value.get<std::string>();
        }
        members.push_back(std::move(member));
    }
    return members;
}

std::string cw3_comparison_signature(const cw3_comparison_key& key, double fraction_for_test) {
    auto first = std::make_pair(std::string_view(key.test_model), std::string_view(key.test_iteration));
    auto second = std::make_pair(std::string_view(key.neighbor_model), std::string_view(key.neighbor_iteration));
    if (second < first) {
        std::swap(first, second);
    }
    std::string sig = key.item_id;
    sig.append("|").append(first.first).append("|").append(first.second);
    sig.append("|").append(second.first).append("|").append(second.second);
    sig.append("|").append(python_float_repr(python_round(fraction_for_test, fraction_digits)));
    return sig;
}

bool cw3_comparison_dedup::insert(const cw3_comparison_key& key, double fraction_for_test) {
    return seen_.insert(cw3_comparison_signature(key, fraction_for_test)).second;
}

}  // namespace eqb
