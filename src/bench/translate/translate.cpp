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

#include "bench/runner-support.hpp"
#include "data/check.hpp"
#include "report/files.hpp"

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

result<translate_outcome> translate_questions(const translate_settings& settings, const language_pack& check_pack,
                                              endpoint_pool& pool, store& db, run_progress& progress,
                                              const cancel_flag& stop) {
    std::ifstream in(settings.source, std::ios::binary);
    if (!in) {
        return error{settings.source.string() + ": cannot read the question set"};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto source = ojson::parse(bytes, nullptr, false);
    if (source.is_discarded() || !source.is_object() || source.empty()) {
        return error{settings.source.string() + ": not a JSON object of questions"};
    }
    // A Creative Writing prompt file has items with "writing_prompt".
    const bool writing = source.begin()->is_object() && source.begin()->contains("writing_prompt");
    translate_outcome outcome;
    outcome.key = "translate--" + settings.source.filename().string() + "--" + settings.to + "--" +
                  (settings.half ? "half" : "full") + "--" + settings.model;
    const ojson metadata{{"source", settings.source.string()},
                         {"to", settings.to},
                         {"mode", settings.half ? "half" : "full"},
                         {"model", settings.model}};
    auto run = run_open(db, outcome.key, "translate", metadata.dump(), settings.overwrite);
    if (!run) {
        return run.err();
    }
    auto stored = db.items_list(run->id);
    if (!stored) {
        return stored.err();
    }
    std::map<std::string, std::string> accepted;  // id -> item JSON
    for (const auto& item : *stored) {
        if (item.state == "done") {
            accepted[item.item_id] = item.answer;
        }
    }
    std::deque<std::pair<std::string, std::string>> queue;  // id, source item JSON
    for (const auto& [id, item] : source.items()) {
        ++outcome.total;
        if (accepted.count(id) != 0) {
            ++outcome.reused;
            continue;
        }
        queue.emplace_back(id, item.dump());
    }
    progress.total = outcome.total;
    progress.already_done = outcome.reused;
    progress.done = outcome.reused;

    const bool check_markers = settings.check_markers;
    auto writer = std::make_unique<store_writer>(db);
    std::mutex mutex;
    first_error fatal;
    cancel_flag abort{false};
    const std::int64_t run_id = run->id;
    const auto work = [&](std::mt19937_64& rng) {
        while (!stop.load()) {
            std::pair<std::string, std::string> task;
            {
                std::lock_guard lock(mutex);
                if (queue.empty() || fatal.has()) {
                    return;
                }
                task = std::move(queue.front());
                queue.pop_front();
            }
            const auto& [id, item_json] = task;
            std::string rejection;
            std::string accepted_json;
            int attempt_number = 0;
            bool interrupted = false;
            int tries = 0;
            for (; tries < settings.tries && accepted_json.empty(); ++tries) {
                chat_request request;
                request.messages.push_back(
                    {"user", translate_request_text(settings, id, item_json, rejection, writing)});
                request.temperature = 0.2;
                request.max_tokens = 4000;
                const std::string body = ojson{{"prompt", request.messages.front().content}}.dump();
                const auto record = [&](const attempt_report& report) {
                    ++attempt_number;
                    progress.requests.fetch_add(1);
                    const exchange_record ex =
                        exchange_from_attempt(report, run_id, 1, id, attempt_number, "translator", body);
                    if (auto failed = writer->write([&ex](store& s) { return error_of(s.exchange_add(ex)); })) {
                        fatal.set(*failed);
                    }
                };
                const chat_response response =
                    send_with_retries(pool, request, settings.retries, stop, abort, rng, record);
                if (response.status != transport_status::OK) {
                    if (stop.load() || response.status == transport_status::CANCELLED) {
                        interrupted = true;
                    } else {
                        rejection = std::string("no answer from the server: ") + transport_status_name(response.status);
                    }
                    break;
                }
                rejection = writing ? translate_validate_writing(response.content, item_json,
                                                                 settings.translate_criteria, accepted_json)
                                    : translate_validate(response.content, id, item_json, check_pack, check_markers,
                                                         accepted_json);
                if (!rejection.empty()) {
                    progress.parse_failures.fetch_add(1);
                    if (settings.verbose) {
                        std::fprintf(stderr, "question %s: answer %d rejected: %s\n", id.c_str(), tries + 1,
                                     rejection.c_str());
                    }
                }
            }
            if (interrupted) {
                return;
            }
            item_record item;
            item.run_id = run_id;
            item.item_id = id;
            item.state = accepted_json.empty() ? "failed" : "done";
            item.answer = accepted_json.empty() ? rejection : accepted_json;
            item.tries = tries;
            item.updated_at = now_s();
            if (auto failed = writer->write([&item](store& s) { return error_of(s.item_put(item)); })) {
                fatal.set(*failed);
                return;
            }
            std::lock_guard lock(mutex);
            if (accepted_json.empty()) {
                outcome.failures.emplace_back(id, rejection);
            } else {
                accepted[id] = accepted_json;
            }
            progress.done.fetch_add(1);
        }
    };
    const int workers = std::max(1, std::min<int>(pool.total_slots(), static_cast<int>(queue.size())));
    if (!queue.empty()) {
        workers_run(workers, stop, abort, settings.grace_s, {&pool}, work);
    }
    writer.reset();
    if (auto failed = fatal.get()) {
        return *failed;
    }
    // The output: every accepted item, in the source's order.
    ojson out = ojson::object();
    for (const auto& [id, item] : source.items()) {
        if (const auto found = accepted.find(id); found != accepted.end()) {
            out[id] = ojson::parse(found->second);
        }
    }
    outcome.accepted = static_cast<int>(out.size());
    std::sort(outcome.failures.begin(), outcome.failures.end());
    outcome.interrupted = stop.load() && outcome.accepted + static_cast<int>(outcome.failures.size()) < outcome.total;
    if (auto written = file_write_atomic(settings.out, out.dump(4, ' ', false, ojson::error_handler_t::replace) + "\n");
        !written) {
        return written.err();
    }
    const std::string status = outcome.interrupted ? "interrupted" : outcome.failures.empty() ? "completed" : "failed";
    if (auto fin = db.run_finish(run_id, status, ojson{{"accepted", outcome.accepted}}.dump(), ""); !fin) {
        return fin.err();
    }
    return outcome;
}

}  // namespace eqb
