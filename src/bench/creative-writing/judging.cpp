#include "bench/creative-writing/judging.hpp"

#include <nlohmann/json.hpp>

#include "core/python-str.hpp"
#include "parse/judge-answer.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

ojson pairs_object(const emotion_pairs& pairs) {
    ojson out = ojson::object();
    for (const auto& p : pairs.items()) {
        out[p.name] = p.value;
    }
    return out;
}

}  // namespace

judgement judge_piece(step_context& context, std::string piece,
                      const std::function<std::string(const std::string& piece)>& prompt_for,
                      const std::function<std::optional<std::string>(judgement&)>& rewrite) {
    judgement out;
    double temperature = judge_temperature;
    for (int judging = 0; judging < judge_tries; ++judging) {
        if (judging > 0 && rewrite) {
            auto rewritten = rewrite(out);
            if (!rewritten) {
                return out;
            }
            piece = std::move(*rewritten);
        }
        const std::string prompt = prompt_for(piece);
        std::string answer;
        for (int ask = 0; ask < judge_empty_tries && answer.empty(); ++ask) {
            chat_request request;
            request.messages.push_back({"user", prompt});
            request.temperature = temperature;
            request.max_tokens = judge_max_tokens;
            const ask_result asked = context.ask(role::JUDGE, request);
            if (asked.status != ask_status::ANSWER) {
                out.ended_by = asked.status;
                out.error = asked.error;
                return out;
            }
            ++out.asks;
            // The reference strips the judge's answer and asks again after an empty one.
            answer = python_strip(asked.answer);
            if (answer.empty()) {
                context.retried("empty judge answers", "the judge's answer is empty");
            }
        }
        if (answer.empty()) {
            continue;  // the reference's judging try failed; the next one keeps the temperature
        }
        out.answer = answer;
        out.scores = creative_writing_judge_parse(answer);
        out.result = creative_writing_prompt_score(out.scores);
        if (out.result) {
            return out;
        }
        context.retried("judge answers without a score", "no score in the judge's answer (try " +
                                                             std::to_string(judging + 1) + " of " +
                                                             std::to_string(judge_tries) + "): " + answer);
        temperature += judge_temperature_step;
    }
    return out;
}

item_record judgement_record(const judgement& j) {
    item_record item;
    item.state = j.result ? "done" : "failed";
    item.answer = j.answer;
    item.tries = j.asks;
    item.parsed_json = pairs_object(j.scores).dump();
    item.scores_json =
        j.result
            ? ojson{{"score", j.result->score}, {"parsed", j.result->parsed}, {"inverted", j.result->inverted}}.dump()
            : std::string("null");
    return item;
}

judgement judgement_from_record(const item_record& record) {
    judgement j;
    j.answer = record.answer;
    j.scores = creative_writing_judge_parse(record.answer);
    j.result = creative_writing_prompt_score(j.scores);
    j.asks = record.tries;
    return j;
}

}  // namespace eqb
