#include "bench/judgemark/benchmark.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <map>

#include "bench/creative-writing/judging.hpp"
#include "bench/judgemark/report.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* judge_step = "judge";

// One answer of the test set to judge.
struct judged_answer {
    std::string owner;
    std::string prompt_id;
    const std::string* answer = nullptr;
    const writing_prompt* prompt = nullptr;
};

std::string answer_item_id(const std::string& owner, const std::string& prompt_id) {
    return owner + "|" + prompt_id;
}

class judgemark_benchmark final : public benchmark {
  public:
    judgemark_benchmark(const judgemark_settings& settings, const writing_prompt_set& prompts,
                        const judgemark_test_set& test_set, const creative_writing_templates& templates)
        : settings_(settings), prompts_(prompts), test_set_(test_set), templates_(templates) {
        key_ = judgemark_run_key(settings_.run_id, settings_.judge.model);
    }

    // Links every answer to its prompt; the error names the first that has none.
    result<bool> link() {
        std::map<std::string, const writing_prompt*> by_id;
        for (const auto& p : prompts_.prompts) {
            by_id[p.id] = &p;
        }
        for (const auto& [model, answers] : test_set_.models) {
            for (const auto& [pid, answer] : answers) {
                const auto found = by_id.find(pid);
                if (found == by_id.end()) {
                    return error{"Judgemark: prompt " + pid + " of " + model + " is not in " + prompts_.source};
                }
                const std::string id = answer_item_id(model, pid);
                answers_[id] = judged_answer{model, pid, &answer, found->second};
                order_.push_back(id);
            }
        }
        return true;
    }

    std::vector<run_binding> runs() const override {
        const ojson meta{{"run_id", settings_.run_id},
                         {"benchmark", "judgemark"},
                         {"judge_model", settings_.judge.model},
                         {"judge_engine", settings_.judge.engine_name},
                         {"prompts_file", prompts_.source},
                         {"judge_template", templates_.judge_source},
                         {"judge_endpoints", settings_.judge.endpoints}};
        return {{role::JUDGE, key_, "judgemark", meta.dump()}};
    }

    // Every judge prompt at about 4 characters a token, judgements of about 700 tokens.
    request_estimate estimate() const override {
        constexpr long chars_per_token = 4;
        constexpr long judgement_tokens = 700;
        request_estimate out;
        for (const auto& id : order_) {
            const judged_answer& a = answers_.at(id);
            const std::string prompt =
                creative_writing_judge_prompt(templates_, writing_prompt_for_iteration(*a.prompt, 1),
                                              a.prompt->reference_output, *a.answer, a.prompt->criteria);
            ++out.judge.requests;
            out.judge.input_tokens += static_cast<long>(prompt.size()) / chars_per_token;
            out.judge.output_tokens += judgement_tokens;
        }
        out.note = "judge prompts at 4 characters a token, judgements of about 700 tokens, no retries";
        return out;
    }

    std::vector<task_spec> tasks() const override {
        std::vector<task_spec> out;
        for (const auto& id : order_) {
            out.push_back({1, id, {{judge_step, role::JUDGE}}});
        }
        return out;
    }

    step_outcome run_step(const task_spec& task, const step_spec&, step_context& context) const override {
        const judged_answer& a = answers_.at(task.item_id);
        // Judgemark judges iteration 1: the first seed modifier.
        const std::string seeded = writing_prompt_for_iteration(*a.prompt, 1);
        const judgement j = judge_piece(
            context, *a.answer,
            [&](const std::string& piece) {
                return creative_writing_judge_prompt(templates_, seeded, a.prompt->reference_output, piece,
                                                     a.prompt->criteria);
            },
            nullptr);
        step_outcome out;
        if (j.ended_by) {
            out.ended_by = j.ended_by;
            out.error = j.error;
            return out;
        }
        out.record = judgement_record(j);
        return out;
    }

    result<run_summary> summarize(store_view& view, const run_totals& totals, const run_usage& usage) override {
        std::map<std::string, const item_record*> judged;
        for (const auto& item : view.items(role::JUDGE)) {
            if (item.step == judge_step && item.iteration == 1) {
                judged[item.item_id] = &item;
            }
        }
        data_ = judgemark_run_data{};
        data_.key = key_;
        data_.run_id = settings_.run_id;
        data_.judge_model = settings_.judge.model;
        data_.judge_engine = settings_.judge.engine_name;
        data_.results_dir = settings_.results_dir;
        data_.seconds = totals.seconds;
        data_.usage = usage.judge;
        std::map<std::string, std::vector<double>> scores_by_model;
        for (const auto& id : order_) {
            const judged_answer& a = answers_.at(id);
            judgemark_piece piece;
            piece.owner = a.owner;
            piece.prompt_id = a.prompt_id;
            if (const auto found = judged.find(id); found != judged.end()) {
                const judgement j = judgement_from_record(*found->second);
                piece.judge_answer = j.answer;
                piece.scores = j.scores;
                if (j.result) {
                    scores_by_model[a.owner].push_back(j.result->score);
                }
            }
            data_.pieces.push_back(std::move(piece));
        }
        for (const auto& [model, answers] : test_set_.models) {
            data_.prompt_scores.emplace_back(model, scores_by_model[model]);
        }
        run_summary summary;
        if (totals.interrupted) {
            summary.status = "interrupted";
            summary.error =
                fmt::format("{} of {} answers not judged yet (interrupted)", totals.tasks - totals.done, totals.tasks);
        } else if (totals.unanswered > 0) {
            summary.status = "failed";
            summary.error =
                fmt::format("{} answers got no judgement after every retry; run the same command again to retry them",
                            totals.unanswered);
        }
        data_.failed = summary.status != "completed";
        data_.error = summary.error;
        report_ = judgemark_report_build(data_, settings_.reference_table);
        if (!report_.error.empty()) {
            return error{report_.error};
        }
        summary.score = report_.result->judgemark;
        return summary;
    }

    result<bool> write_exports(store_view&, run_summary& summary) override {
        auto written = judgemark_report_write(data_, report_);
        // The block is printed whole; the charts' line comes with the exports.
        std::string line;
        for (const char c : report_.text) {
            if (c == '\n') {
                summary.report.push_back(line);
                line.clear();
            } else {
                line += c;
            }
        }
        if (!line.empty()) {
            summary.report.push_back(line);
        }
        return written;
    }

  private:
    judgemark_settings settings_;
    writing_prompt_set prompts_;
    judgemark_test_set test_set_;
    creative_writing_templates templates_;
    std::string key_;
    std::map<std::string, judged_answer> answers_;
    std::vector<std::string> order_;
    judgemark_run_data data_;
    judgemark_report report_;
};

}  // namespace

std::string judgemark_run_key(const std::string& run_id, const std::string& judge_model) {
    return run_id + "--judgemark--" + judge_model;
}

result<std::unique_ptr<benchmark>> judgemark_create(const judgemark_settings& settings,
                                                    const writing_prompt_set& prompts,
                                                    const judgemark_test_set& test_set,
                                                    const creative_writing_templates& templates) {
    auto bench = std::make_unique<judgemark_benchmark>(settings, prompts, test_set, templates);
    if (auto linked = bench->link(); !linked) {
        return linked.err();
    }
    return std::unique_ptr<benchmark>(std::move(bench));
}

result<judgemark_test_set> judgemark_test_set_load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the Judgemark test set"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto doc = ojson::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return error{path.string() + ": not a JSON object of test models"};
    }
    judgemark_test_set set;
    for (const auto& [model, answers] : doc.items()) {
        if (!answers.is_object()) {
            return error{path.string() + ": " + model + ": expected an object of prompt id -> answer"};
        }
        std::vector<std::pair<std::string, std::string>> items;
        for (const auto& [pid, answer] : answers.items()) {
            if (!answer.is_string()) {
                return error{path.string() + ": " + model + ": prompt " + pid + ": expected the answer text"};
            }
            items.emplace_back(pid, answer.get<std::string>());
        }
        set.models.emplace_back(model, std::move(items));
    }
    return set;
}

}  // namespace eqb
