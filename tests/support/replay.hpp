#pragma once
// A fake-server responder that answers each EQ-Bench question with a recorded
// model's answer from the conformance corpus, recognising the question by its
// dialogue (the part of the prompt before the instructions, which prompt
// rewriting leaves alone).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test-support.hpp"

namespace eqb::test {

// The answer of the (prompt, answer) pair whose prompt shares the longest
// beginning with `prompt` (anchors and prompt rewriting change only what
// follows the dialogue), or "unknown question".
inline std::string answer_by_longest_prefix(const std::vector<std::pair<std::string, std::string>>& table,
                                            const std::string& prompt) {
    std::size_t best = 0;
    const std::string* answer = nullptr;
    for (const auto& [known, text] : table) {
        const auto diff = std::mismatch(known.begin(), known.end(), prompt.begin(), prompt.end());
        const auto shared = static_cast<std::size_t>(diff.first - known.begin());
        if (shared > best) {
            best = shared;
            answer = &text;
        }
    }
    return answer != nullptr ? *answer : std::string("unknown question");
}

class conformance_replay {
  public:
    // `marker` is where the instructions start in every prompt of the set.
    conformance_replay(const std::filesystem::path& conformance_file, const std::filesystem::path& questions_file,
                       const std::string& marker = "Give each of these possible emotions") {
        const auto recorded = nlohmann::ordered_json::parse(read_file(conformance_file));
        const auto questions = nlohmann::ordered_json::parse(read_file(questions_file));
        for (const auto& [qid, q] : questions.items()) {
            const std::string prompt = q["prompt"].get<std::string>();
            const auto cut = prompt.find(marker);
            if (cut == std::string::npos) {
                throw std::runtime_error("question " + qid + ": marker not found");
            }
            entries_.push_back({qid, prompt.substr(0, cut)});
        }
        for (const auto& [qid, text] : recorded["iterations"]["1"].items()) {
            answers_[qid] = text.is_string() ? text.get<std::string>() : std::string();
        }
    }

    // The question id whose dialogue `prompt` contains, or "".
    std::string question_of(const std::string& prompt) const {
        for (const auto& e : entries_) {
            if (prompt.find(e.key) != std::string::npos) {
                return e.qid;
            }
        }
        return {};
    }

    // The recorded answer for the question in `prompt` ("" for one the model never answered).
    std::string answer(const std::string& prompt) const {
        const auto it = answers_.find(question_of(prompt));
        return it == answers_.end() ? std::string("no answer") : it->second;
    }

    // True when every question's key is unique (so replay is unambiguous).
    bool keys_unique() const {
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            for (std::size_t j = 0; j < entries_.size(); ++j) {
                if (i != j && entries_[i].key.find(entries_[j].key) != std::string::npos) {
                    return false;
                }
            }
        }
        return !entries_.empty();
    }

  private:
    struct entry {
        std::string qid;
        std::string key;
    };
    std::vector<entry> entries_;
    std::map<std::string, std::string> answers_;
};

}  // namespace eqb::test
