#include "bench/creative-writing-3/data.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

#include "core/python-str.hpp"
#include "core/unicode.hpp"

namespace eqb {
namespace {

using json = nlohmann::ordered_json;

// Python's universal newlines on reading: \r\n and a lone \r become \n.
std::string newlines_universal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            continue;
        }
        out += text[i];
    }
    return out;
}

result<std::string> optional_string(const json& object, const char* field, const std::string& where) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        return std::string();
    }
    if (!it->is_string()) {
        return error{where + ": " + field + " must be a string"};
    }
    return it->get<std::string>();
}

}  // namespace

result<std::vector<cw3_prompt>> cw3_prompts_parse(std::string_view json_text, const std::string& source) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::exception& e) {
        return error{source + ": not valid JSON: " + e.what()};
    }
    if (!doc.is_object()) {
        return error{source + ": must be a JSON object of prompts keyed by id"};
    }
    std::vector<cw3_prompt> prompts;
    prompts.reserve(doc.size());
    for (const auto& [id, entry] : doc.items()) {
        const std::string where = source + ": prompt \"" + id + "\"";
        if (!entry.is_object()) {
            return error{where + " must be a JSON object"};
        }
        cw3_prompt prompt;
        prompt.id = id;
        const auto text = entry.find("writing_prompt");
        if (text == entry.end() || !text->is_string()) {
            return error{where + ": writing_prompt must be a string"};
        }
        prompt.writing_prompt = text->get<std::string>();
        if (const auto mods = entry.find("seed_modifiers"); mods != entry.end() && !mods->is_null()) {
            if (!mods->is_array()) {
                return error{where + ": seed_modifiers must be a list of strings"};
            }
            for (std::size_t i = 0; i < mods->size(); ++i) {
                if (!(*mods)[i].is_string()) {
                    return error{where + ": seed_modifiers[" + std::to_string(i) + "] must be a string"};
                }
                prompt.seed_modifiers.push_back((*mods)[i].get<std::string>());
            }
        }
        auto category = optional_string(entry, "category", where);
        if (!category) {
            return category.err();
        }
        auto title = optional_string(entry, "title", where);
        if (!title) {
            return title.err();
        }
        prompt.category = std::move(*category);
        prompt.title = std::move(*title);
        prompts.push_back(std::move(prompt));
    }
    return prompts;
}

result<std::string> cw3_text_file_read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot be read"};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return error{path.string() + ": read failed"};
    }
    if (!utf8_valid(bytes)) {
        return error{path.string() + ": not valid UTF-8"};
    }
    return newlines_universal(bytes);
}

result<std::vector<cw3_prompt>> cw3_prompts_load(const std::filesystem::path& path) {
    auto text = cw3_text_file_read(path);
    if (!text) {
        return text.err();
    }
    return cw3_prompts_parse(*text, path.string());
}

std::vector<std::string> cw3_criteria_parse(std::string_view text) {
    std::vector<std::string> out;
    const std::string normalised = newlines_universal(text);
    std::size_t begin = 0;
    while (begin < normalised.size()) {
        std::size_t end = normalised.find('\n', begin);
        if (end == std::string::npos) {
            end = normalised.size();
        }
        std::string line = python_strip(std::string_view(normalised).substr(begin, end - begin));
        if (!line.empty()) {
            out.push_back(std::move(line));
        }
        begin = end + 1;
    }
    return out;
}

result<cw3_data> cw3_data_load(const std::filesystem::path& dir) {
    cw3_data data;
    auto prompts = cw3_prompts_load(dir / cw3_prompts_file);
    if (!prompts) {
        return prompts.err();
    }
    data.prompts = std::move(*prompts);
    if (data.prompts.empty()) {
        return error{(dir / cw3_prompts_file).string() + ": no prompts"};
    }
    auto criteria = cw3_text_file_read(dir / cw3_criteria_file);
    if (!criteria) {
        return criteria.err();
    }
    data.criteria = cw3_criteria_parse(*criteria);
    if (data.criteria.empty()) {
        return error{(dir / cw3_criteria_file).string() + ": no criteria"};
    }
    auto negative = cw3_text_file_read(dir / cw3_negative_criteria_file);
    if (!negative) {
        return negative.err();
    }
    data.negative_criteria = cw3_criteria_parse(*negative);
    auto judging = cw3_text_file_read(dir / cw3_judging_prompt_file);
    if (!judging) {
        return judging.err();
    }
    data.judging_prompt = std::move(*judging);
    auto pairwise = cw3_text_file_read(dir / cw3_pairwise_prompt_file);
    if (!pairwise) {
        return pairwise.err();
    }
    data.pairwise_prompt = std::move(*pairwise);
    return data;
}

const cw3_prompt* cw3_prompt_find(const std::vector<cw3_prompt>& prompts, std::string_view id) {
    for (const auto& prompt : prompts) {
        if (prompt.id == id) {
            return &prompt;
        }
    }
    return nullptr;
}

}  // namespace eqb
