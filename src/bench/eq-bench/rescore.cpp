#include "bench/eq-bench/rescore.hpp"
#include <map>
#include "data/questions.hpp"
#include "lang/language-pack.hpp"

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

struct recorded_scorer::caches {
    std::map<std::string, std::unique_ptr<question_set>> questions;
    std::map<std::string, std::unique_ptr<language_pack>> packs;
    std::map<std::pair<std::string, parser_kind>, std::unique_ptr<const eq_bench_parser>> parsers;
};

recorded_scorer::recorded_scorer(std::filesystem::path data_dir, parser_kind kind)
    : data_dir_(std::move(data_dir)), kind_(kind), caches_(std::make_unique<caches>()) {}

recorded_scorer::~recorded_scorer() = default;

namespace {

int parseable_count(const rescored_run& r) {
    int n = 0;
    for (const auto& it : r.iterations) {
        n += it.totals.final_parseable;
    }
    return n;
}

}  // namespace

result<recorded_score> recorded_scorer::score(const recorded_run& run, v2_scorer scorer) {
    auto& pack_slot = caches_->packs[run.language];
    if (!pack_slot) {
        auto loaded = language_pack_builtin(run.language);
        if (!loaded) {
            return loaded.err();
        }
        pack_slot = std::make_unique<language_pack>(std::move(*loaded));
    }
    const language_pack& pack = *pack_slot;
    std::string file = run.questions_file;
    if (file.empty()) {
        file = run.version == eq_bench_version::V1 ? "eq_bench_v1_questions_60.json" : pack.question_file;
    }
    auto& questions = caches_->questions[file];
    if (!questions) {
        auto loaded = questions_load(data_dir_ / file);
        if (!loaded) {
            return loaded.err();
        }
        questions = std::make_unique<question_set>(std::move(*loaded));
    }
    const auto parser = [&](parser_kind kind) -> result<const eq_bench_parser*> {
        auto& slot = caches_->parsers[{pack.code, kind}];
        if (!slot) {
            auto created = eq_bench_parser::create(pack, kind);
            if (!created) {
                return created.err();
            }
            slot = std::move(*created);
        }
        return slot.get();
    };
    auto reference_parser = parser(parser_kind::REFERENCE);
    if (!reference_parser) {
        return reference_parser.err();
    }
    recorded_score out;
    out.reference = eq_bench_rescore(run, *questions, **reference_parser, scorer);
    if (kind_ == parser_kind::EXTENDED) {
        auto extended_parser = parser(parser_kind::EXTENDED);
        if (!extended_parser) {
            return extended_parser.err();
        }
        out.extended = eq_bench_rescore(run, *questions, **extended_parser, scorer);
        out.extra_answers = parseable_count(*out.extended) - parseable_count(out.reference);
    }
    const std::string version =
        std::string(run.version == eq_bench_version::V1 ? "v1" : "v2") + (run.anchored ? "_anchored" : "");
    out.label = run.language == "en" ? version : version + "_" + run.language;
    out.questions = questions->questions.size();
    return out;
}

}  // namespace eqb
