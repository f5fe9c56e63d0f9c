#include "data/check.hpp"

#include <re2/re2.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/prompt.hpp"
#include "core/unicode.hpp"

namespace eqb {
namespace {

using json = nlohmann::ordered_json;

constexpr int emotions_per_question = 4;

// English fixed sentences a fully translated set should not keep.
const std::vector<std::string>& english_fragments() {
    static const std::vector<std::string> fragments = {
        "[End dialogue]",
        "At the end of this dialogue",
        "Give each of these possible emotions a score",
        "Then critique your answer",
        "First pass scores:",
        "Revised scores:",
        "[End of answer]",
    };
    return fragments;
}

std::optional<double> score_value(const json& v) {
    if (v.is_number()) {
        return v.get<double>();
    }
    if (v.is_string()) {
        return python_float(v.get_ref<const std::string&>());
    }
    return std::nullopt;
}

struct reference_block {
    std::vector<std::string> names;
    std::vector<std::optional<double>> scores;
};

// emotion1..4 and emotion1_score..4 of `answer`; problems go to `out`.
reference_block read_block(const json& item, const char* field, const std::string& id,
                           std::vector<dataset_finding>& out) {
    reference_block block;
    const auto it = item.find(field);
    if (it == item.end() || !it->is_object()) {
        out.push_back({id, "structure", std::string(field) + ": missing or not an object"});
        return block;
    }
    for (int i = 1; i <= emotions_per_question; ++i) {
        const std::string name_key = "emotion" + std::to_string(i);
        const std::string score_key = name_key + "_score";
        const auto name = it->find(name_key);
        const auto score = it->find(score_key);
        if (name == it->end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
            out.push_back({id, "structure", std::string(field) + "." + name_key + ": missing or not a string"});
            block.names.emplace_back();
        } else {
            block.names.push_back(name->get<std::string>());
        }
        std::optional<double> value = score == it->end() ? std::nullopt : score_value(*score);
        if (!value) {
            out.push_back({id, "structure", std::string(field) + "." + score_key + ": missing or not a number"});
        }
        block.scores.push_back(value);
    }
    return block;
}

std::string dialogue_of(const std::string& prompt, const language_pack& pack) {
    std::size_t end = std::string::npos;
    for (const auto& marker : pack.dialogue_end_markers) {
        end = std::min(end, prompt.find(marker));
    }
    return end == std::string::npos ? prompt : prompt.substr(0, end);
}

bool is_katakana(char32_t cp) {
    return (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC;  // letters and the long-vowel mark
}

bool is_upper_latin(char32_t cp) {
    return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE);
}

// The parts of a name line's subject that name a character: capitalised Latin
// words and katakana runs of 2 or more characters ("Rev. Montague" -> Rev,
// Montague; "これを聞いたアレックス" -> アレックス).
std::vector<std::string> name_tokens(const std::string& subject) {
    std::vector<std::string> tokens;
    std::string latin;
    std::string kana;
    int kana_count = 0;
    const auto flush = [&] {
        if (latin.size() >= 2 && is_upper_latin(static_cast<unsigned char>(latin[0]))) {
            tokens.push_back(latin);
        }
        if (kana_count >= 2) {
            tokens.push_back(kana);
        }
        latin.clear();
        kana.clear();
        kana_count = 0;
    };
    std::size_t pos = 0;
    while (pos < subject.size()) {
        const std::size_t start = pos;
        const char32_t cp = utf8_decode(subject, pos);
        const std::string bytes = subject.substr(start, pos - start);
        if (is_katakana(cp)) {
            if (!latin.empty()) {
                const std::string k = kana;
                const int n = kana_count;
                flush();
                kana = k;
                kana_count = n;
            }
            kana += bytes;
            ++kana_count;
        } else if (python_is_word(cp) && cp < 0x3000) {
            if (kana_count > 0) {
                const std::string l = latin;
                flush();
                latin = l;
            }
            latin += bytes;
        } else {
            flush();
        }
    }
    flush();
    return tokens;
}

// Whether the character the name line asks about appears in the dialogue.
bool name_in_dialogue(const std::string& subject, const std::string& dialogue) {
    if (dialogue.find(subject) != std::string::npos) {
        return true;
    }
    for (const auto& token : name_tokens(subject)) {
        if (dialogue.find(token) != std::string::npos) {
            return true;
        }
        // A German genitive: "Elliots emotionaler Zustand".
        if (token.size() > 3 && token.back() == 's' &&
            dialogue.find(token.substr(0, token.size() - 1)) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<dataset_finding> dataset_check(std::string_view bytes, std::string_view display_name,
                                           const language_pack& pack, std::string_view source) {
    std::vector<dataset_finding> out;
    const auto doc = json::parse(bytes, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        out.push_back({"", "structure", std::string(display_name) + ": not a JSON object of questions"});
        return out;
    }
    json src;
    if (!source.empty()) {
        src = json::parse(source, nullptr, false);
        if (src.is_discarded() || !src.is_object()) {
            out.push_back({"", "structure", "the English source is not a JSON object of questions"});
            src = json();
        }
    }
    std::vector<std::unique_ptr<RE2>> name_patterns;
    for (const auto& p : pack.name_line_patterns) {
        if (auto translated = python_regex_to_re2(p)) {
            RE2::Options options;
            options.set_log_errors(false);
            auto re = std::make_unique<RE2>(*translated, options);
            if (re->ok()) {
                name_patterns.push_back(std::move(re));
            }
        }
    }
    // A half-translated set keeps the English instructions (its pack ends dialogues the English way too).
    const bool half = pack.code != "en" && std::find(pack.dialogue_end_markers.begin(), pack.dialogue_end_markers.end(),
                                                     "[End dialogue]") != pack.dialogue_end_markers.end();
    for (const auto& [id, item] : doc.items()) {
        if (!item.is_object()) {
            out.push_back({id, "structure", "not an object"});
            continue;
        }
        const auto prompt_it = item.find("prompt");
        if (prompt_it == item.end() || !prompt_it->is_string()) {
            out.push_back({id, "structure", "prompt: missing or not a string"});
            continue;
        }
        const std::string& prompt = prompt_it->get_ref<const std::string&>();
        const reference_block v1 = read_block(item, "reference_answer", id, out);
        const reference_block v2 = read_block(item, "reference_answer_fullscale", id, out);
        for (std::size_t i = 0; i < v1.names.size(); ++i) {
            if (!v1.names[i].empty() && prompt.find(v1.names[i]) == std::string::npos) {
                out.push_back({id, "emotion_not_in_prompt",
                               "emotion" + std::to_string(i + 1) + " '" + v1.names[i] + "' is not in the prompt"});
            }
            if (i < v2.names.size() && !v2.names[i].empty() && !v1.names[i].empty() && v1.names[i] != v2.names[i]) {
                out.push_back({id, "emotion_mismatch",
                               "emotion" + std::to_string(i + 1) + ": '" + v1.names[i] + "' in reference_answer, '" +
                                   v2.names[i] + "' in reference_answer_fullscale"});
            }
        }
        if (src.is_object()) {
            const auto s = src.find(id);
            if (s == src.end() || !s->is_object()) {
                out.push_back({id, "missing_in_source", "no question " + id + " in the English source"});
            } else {
                std::vector<dataset_finding> ignored;
                for (const char* field : {"reference_answer", "reference_answer_fullscale"}) {
                    const reference_block theirs = read_block(*s, field, id, ignored);
                    const reference_block& ours = std::string(field) == "reference_answer" ? v1 : v2;
                    for (std::size_t i = 0; i < ours.scores.size() && i < theirs.scores.size(); ++i) {
                        if (ours.scores[i] && theirs.scores[i] && *ours.scores[i] != *theirs.scores[i]) {
                            out.push_back({id, "score_differs_from_source",
                                           std::string(field) + ".emotion" + std::to_string(i + 1) +
                                               "_score: " + std::to_string(*ours.scores[i]) + " here, " +
                                               std::to_string(*theirs.scores[i]) + " in the English source"});
                        }
                    }
                }
            }
        }
        const auto rewritten = prompt_remove_revision(prompt, pack);
        if (!rewritten.complete) {
            out.push_back({id, "marker_missing",
                           "the " + pack.code +
                               " pack's fixed sentences (revision instructions) are not all in the prompt; it would "
                               "be sent whole"});
        }
        if (pack.code != "en" && !half) {
            for (const auto& fragment : english_fragments()) {
                if (prompt.find(fragment) != std::string::npos) {
                    out.push_back({id, "untranslated", "English text left: '" + fragment + "'"});
                }
            }
        }
        if (!name_patterns.empty()) {
            std::string name;
            bool found = false;
            for (const auto& re : name_patterns) {
                if (RE2::PartialMatch(prompt, *re, &name)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                out.push_back({id, "name_line_missing", "no name line the " + pack.code + " pack recognises"});
            } else if (!name_in_dialogue(name, dialogue_of(prompt, pack))) {
                out.push_back({id, "name_not_in_dialogue",
                               "the name line asks about '" + name + "', who does not appear in the dialogue"});
            }
        }
    }
    return out;
}

}  // namespace eqb
