#include "bench/eq-bench/rescore.hpp"

#include <string_view>
#include <unordered_map>

namespace eqb {

rescored_run eq_bench_rescore(const recorded_run& run, const question_set& questions, const eq_bench_parser& parser,
                              v2_scorer scorer) {
    rescored_run out;
    std::vector<iteration_result> totals;
    std::unordered_map<std::string_view, const question*> by_id;
    by_id.reserve(questions.questions.size());
    for (const auto& q : questions.questions) {
        by_id.emplace(q.id, &q);
    }
    for (const auto& iteration : run.iterations) {
        rescored_iteration it;
        it.id = iteration.id;
        std::vector<question_score> scores;
        scores.reserve(iteration.answers.size());
        for (const auto& [qid, text] : iteration.answers) {
            const auto found = by_id.find(qid);
            const question* q = found == by_id.end() ? nullptr : found->second;
            if (q == nullptr) {
                out.unknown_questions.push_back(qid);
                continue;
            }
            const emotion_reference* v2 =
                run.version == eq_bench_version::V2 && q->reference_fullscale ? &*q->reference_fullscale : nullptr;
            const emotion_reference& expected = v2 != nullptr ? *v2 : q->reference;
            parsed_answer answer = parser.parse(text, run.revise, &expected);
            const question_score score = score_eq_bench_question(answer, run.revise, q->reference, v2, scorer);
            scores.push_back(score);
            it.questions.emplace_back(qid, score);
            it.parsed.emplace_back(qid, std::move(answer));
        }
        it.totals = eq_bench_iteration_aggregate(scores);
        totals.push_back(it.totals);
        out.iterations.push_back(std::move(it));
    }
    out.run = eq_bench_run_aggregate(totals, run.n_iterations, static_cast<int>(questions.questions.size()));
    return out;
}

}  // namespace eqb
