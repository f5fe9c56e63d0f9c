#include "bench/translate/translate.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "data/check.hpp"
#include "report/files.hpp"
#include "run/answer-loop.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

// The JSON object in a model's answer: code fences and text around it ignored.
std::string json_part(const std::string& answer) {
    const auto open = answer.find('{');
    const auto close = answer.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open) {
        return answer;
    }
    return answer.substr(open, close - open + 1);
}

}  // namespace

std::string translate_request_text(const translate_settings& settings, const std::string& id,
                                   const std::string& item_json, const std::string& rejection, bool writing) {
    if (writing) {
        std::string text = "Translate Creative Writing question " + id + " below into " + settings.to + ".\n\n" +
                           "Translate \"writing_prompt\" and every item of \"seed_modifiers\", keeping the marker "
                           "<SEED> where it is and the number of seed modifiers. Keep \"reference_output\" unchanged. ";
        text += settings.translate_criteria
                    ? "Translate the criteria in \"judging_criteria\" too, keeping its structure."
                    : "Keep \"judging_criteria\" unchanged (the judge reads them in English).";
        text += " Answer with the JSON object only, with the same keys, and nothing else.\n";
        if (!rejection.empty()) {
            text += "\nYour previous answer was rejected: " + rejection + "\nAnswer again, fixing that.\n";
        }
        return text + "\n" + item_json + "\n";
    }
    std::string text = "Translate EQ-Bench question " + id + " below into " + settings.to + ".\n\n";
    if (settings.half) {
        text +=
            "Translate only the dialogue (from its first line to the line before the end-of-dialogue marker) and, "
            "in the line \"At the end of this dialogue, NAME would feel...\", the character's name, written exactly "
            "as it is in the translated dialogue. Keep every other sentence, the markers and the emotion names "
            "unchanged.\n";
    } else {
        text +=
            "Translate the whole prompt: the dialogue, the instructions and the emotion names. Keep the layout, the "
            "markers in square brackets and the placeholders in angle brackets in the same places. In "
            "\"reference_answer\" and \"reference_answer_fullscale\", write each emotion name exactly as it appears "
            "in the translated prompt.\n";
    }
    text += "Keep every score unchanged. Answer with the JSON object only, with the same keys, and nothing else.\n";
    if (!rejection.empty()) {
        text += "\nYour previous answer was rejected: " + rejection + "\nAnswer again, fixing that.\n";
    }
    text += "\n" + item_json + "\n";
    return text;
}

std::string translate_validate(const std::string& answer, const std::string& id, const std::string& source_item_json,
                               const language_pack& check_pack, bool check_markers, std::string& accepted_json) {
    const auto parsed = ojson::parse(json_part(answer), nullptr, false);
    if (parsed.is_discarded()) {
        return "the answer is not valid JSON (cut short?)";
    }
    if (!parsed.is_object()) {
        return "the answer is not a JSON object";
    }
    const auto source = ojson::parse(source_item_json, nullptr, false);
    std::set<std::string> want;
    std::set<std::string> got;
    for (const auto& [k, v] : source.items()) {
        want.insert(k);
    }
    for (const auto& [k, v] : parsed.items()) {
        got.insert(k);
    }
    if (want != got) {
        std::string keys;
        for (const auto& k : want) {
            keys += (keys.empty() ? "" : ", ") + k;
        }
        return "the answer must have exactly the keys " + keys;
    }
    const ojson one = {{id, parsed}};
    const ojson source_one = {{id, source}};
    const auto findings = dataset_check(one.dump(), "answer", check_pack, source_one.dump());
    std::string reasons;
    for (const auto& f : findings) {
        if (!check_markers && (f.kind == "marker_missing" || f.kind == "untranslated")) {
            continue;
        }
        reasons += (reasons.empty() ? "" : "; ") + f.detail;
    }
    if (reasons.empty()) {
        accepted_json = parsed.dump();
    }
    return reasons;
}

std::string translate_validate_writing(const std::string& answer, const std::string& source_item_json,
                                       bool criteria_translated, std::string& accepted_json) {
    const auto parsed = ojson::parse(json_part(answer), nullptr, false);
    if (parsed.is_discarded()) {
        return "the answer is not valid JSON (cut short?)";
    }
    const auto source = ojson::parse(source_item_json, nullptr, false);
    if (!parsed.is_object()) {
        return "the answer is not a JSON object";
    }
    std::string reasons;
    const auto add = [&reasons](const std::string& r) { reasons += (reasons.empty() ? "" : "; ") + r; };
    for (const auto& [k, v] : source.items()) {
        if (!parsed.contains(k)) {
            add("the key \"" + k + "\" is missing");
        }
    }
    for (const auto& [k, v] : parsed.items()) {
        if (!source.contains(k)) {
            add("the key \"" + k + "\" is not in the source");
        }
    }
    if (!reasons.empty()) {
        return reasons;
    }
    if (!parsed["writing_prompt"].is_string() || parsed["writing_prompt"].get<std::string>().empty()) {
        add("\"writing_prompt\" must be a non-empty string");
    } else if (source["writing_prompt"].is_string() &&
               source["writing_prompt"].get<std::string>().find("<SEED>") != std::string::npos &&
               parsed["writing_prompt"].get<std::string>().find("<SEED>") == std::string::npos) {
        add("\"writing_prompt\" lost its <SEED> marker");
    }
    if (source.contains("seed_modifiers") && source["seed_modifiers"].is_array() &&
        (!parsed["seed_modifiers"].is_array() || parsed["seed_modifiers"].size() != source["seed_modifiers"].size())) {
        add("\"seed_modifiers\" must be a list of " + std::to_string(source["seed_modifiers"].size()) + " strings");
    }
    if (source.contains("reference_output") && parsed["reference_output"] != source["reference_output"]) {
        add("\"reference_output\" must stay unchanged");
    }
    if (source.contains("judging_criteria")) {
        if (!criteria_translated && parsed["judging_criteria"] != source["judging_criteria"]) {
            add("\"judging_criteria\" must stay unchanged");
        } else if (criteria_translated && parsed["judging_criteria"].type() != source["judging_criteria"].type()) {
            add("\"judging_criteria\" must keep its structure");
        }
    }
    if (reasons.empty()) {
        accepted_json = parsed.dump();
    }
    return reasons;
}

namespace {

constexpr const char* translate_step = "translate";
constexpr double translate_temperature = 0.2;
constexpr int translate_max_tokens = 4000;

class translate_run final : public translate_benchmark {
  public:
    translate_run(const translate_settings& settings, const language_pack& check_pack, ojson source)
        : settings_(settings), check_pack_(check_pack), source_(std::move(source)) {
        // A Creative Writing prompt file has items with "writing_prompt".
        writing_ = source_.begin()->is_object() && source_.begin()->contains("writing_prompt");
        key_ = "translate--" + settings_.source.filename().string() + "--" + settings_.to + "--" +
               (settings_.half ? "half" : "full") + "--" + settings_.model;
        for (const auto& [id, item] : source_.items()) {
            items_[id] = item.dump();
        }
    }

    std::vector<run_binding> runs() const override {
        const ojson metadata{{"source", settings_.source.string()},
                             {"to", settings_.to},
                             {"mode", settings_.half ? "half" : "full"},
                             {"model", settings_.model}};
        return {{role::TEST, key_, "translate", metadata.dump()}};
    }

    std::vector<task_spec> tasks() const override {
        std::vector<task_spec> out;
        for (const auto& [id, item] : source_.items()) {
            out.push_back({1, id, {{translate_step, role::TEST}}});
        }
        return out;
    }

    // Only accepted translations are kept: a rejected item is asked again on resume.
    bool reusable(const step_spec&, const item_record& record) const override { return record.state == "done"; }

    step_outcome run_step(const task_spec& task, const step_spec&, step_context& context) const override {
        const std::string& item_json = items_.at(task.item_id);
        answer_policy policy;
        policy.tries = settings_.tries;
        policy.temperature = translate_temperature;
        std::string accepted_json;
        const auto loop = answer_loop(
            context, role::TEST, policy,
            [&](const answer_try& t) {
                chat_request request;
                request.messages.push_back(
                    {"user", translate_request_text(settings_, task.item_id, item_json, t.rejection, writing_)});
                request.temperature = t.temperature;
                request.max_tokens = translate_max_tokens;
                return request;
            },
            [&](const std::string& received) {
                answer_verdict verdict;
                verdict.text = received;
                verdict.rejection = writing_ ? translate_validate_writing(received, item_json,
                                                                          settings_.translate_criteria, accepted_json)
                                             : translate_validate(received, task.item_id, item_json, check_pack_,
                                                                  settings_.check_markers, accepted_json);
                verdict.accepted = verdict.rejection.empty();
                verdict.cause = "rejections";
                return verdict;
            });
        step_outcome out;
        if (loop.ended_by) {
            out.ended_by = loop.ended_by;
            out.error = loop.error;
            return out;
        }
        out.record.state = loop.accepted ? "done" : "failed";
        out.record.answer = loop.accepted ? accepted_json : loop.rejection;
        out.record.tries = loop.tries;
        return out;
    }

    result<run_summary> summarize(store_view& view, const run_totals& totals, const run_usage&) override {
        outcome_ = translate_outcome{};
        outcome_.key = key_;
        outcome_.writing = writing_;
        outcome_.total = static_cast<int>(source_.size());
        outcome_.reused = totals.resumed;
        accepted_.clear();
        for (const auto& item : view.items(role::TEST)) {
            if (item.state == "done") {
                accepted_[item.item_id] = item.answer;
            } else {
                outcome_.failures.emplace_back(item.item_id, item.answer);
            }
        }
        outcome_.accepted = static_cast<int>(accepted_.size());
        std::sort(outcome_.failures.begin(), outcome_.failures.end());
        outcome_.interrupted = totals.interrupted;
        run_summary summary;
        summary.status = outcome_.interrupted ? "interrupted" : outcome_.failures.empty() ? "completed" : "failed";
        summary.results_json = ojson{{"accepted", outcome_.accepted}}.dump();
        return summary;
    }

    // The output: every accepted item, in the source's order; with none, the
    // file is left as it is (an empty {} would wipe an earlier translation).
    result<bool> write_exports(store_view&, run_summary&) override {
        outcome_.written = false;
        if (accepted_.empty()) {
            return true;
        }
        ojson out = ojson::object();
        for (const auto& [id, item] : source_.items()) {
            if (const auto found = accepted_.find(id); found != accepted_.end()) {
                out[id] = ojson::parse(found->second);
            }
        }
        auto written =
            file_write_atomic(settings_.out, out.dump(4, ' ', false, ojson::error_handler_t::replace) + "\n");
        outcome_.written = written.ok();
        return written;
    }

    const translate_outcome& outcome() const override { return outcome_; }

  private:
    translate_settings settings_;
    language_pack check_pack_;
    ojson source_;
    bool writing_ = false;
    std::string key_;
    std::map<std::string, std::string> items_;
    std::map<std::string, std::string> accepted_;
    translate_outcome outcome_;
};

}  // namespace

result<std::unique_ptr<translate_benchmark>> translate_create(const translate_settings& settings,
                                                              const language_pack& check_pack) {
    std::ifstream in(settings.source, std::ios::binary);
    if (!in) {
        return error{settings.source.string() + ": cannot read the question set"};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto source = ojson::parse(bytes, nullptr, false);
    if (source.is_discarded() || !source.is_object() || source.empty()) {
        return error{settings.source.string() + ": not a JSON object of questions"};
    }
    return std::unique_ptr<translate_benchmark>(
        std::make_unique<translate_run>(settings, check_pack, std::move(source)));
}

}  // namespace eqb
