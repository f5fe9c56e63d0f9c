#pragma once
// A small results store written through the store API, for the report's tests:
// two EQ-Bench runs (one with an unparseable answer, a transport retry and a
// hostile answer), a Creative Writing run with its judge run, a Judgemark run,
// and a run of a benchmark the report does not know. Every text is invented
// here; a data directory with three invented questions goes with it.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace eqb::test {

// Answers that would run script or fetch something if the page treated them as HTML.
inline const std::vector<std::string>& hostile_texts() {
    static const std::vector<std::string> texts{
        "<script>window.__pwned = 1</script>",
        "<img src=x onerror=\"window.__pwned = 2\">",
        "</textarea><svg onload=\"window.__pwned = 3\"></svg>",
        "<a href=\"javascript:window.__pwned = 4\">click me</a>",
        "</script><script>window.__pwned = 5</script>",
        "<img src=\"http://198.51.100.7/track.png\"><link rel=stylesheet href=\"https://198.51.100.7/x.css\">",
    };
    return texts;
}

// A key-shaped token inside an answer: the report must never show it.
inline std::string fixture_secret() {
    return std::string("sk-") + "fixture0123456789abcdefXYZ";
}

inline constexpr double fixture_t0 = 1700000000.0;  // 2023-11-14 22:13:20 UTC

inline std::string fixture_prompt(const std::string& character, const std::vector<std::string>& emotions) {
    std::string p = "\nYour task is to predict the likely emotional responses of a character in this dialogue:\n\n" +
                    character + ": The lighthouse keeper never came back.\nBo: Then we keep the lamp lit.\n" +
                    "[End dialogue]\n\nAt the end of this dialogue, " + character + " would feel...\n";
    for (const auto& e : emotions) {
        p += e + "\n";
    }
    p += "\nGive each of these possible emotions a score from 0-10 for the relative intensity that they are likely "
         "to be feeling each.\n";
    return p;
}

struct fixture_question {
    std::string id;
    std::string character;
    std::vector<std::string> emotions;
    std::vector<int> reference;  // fullscale
};

inline const std::vector<fixture_question>& fixture_questions() {
    static const std::vector<fixture_question> q{
        {"1", "Ada", {"Joy", "Fear", "Anger", "Hope"}, {6, 2, 0, 7}},
        {"2", "Cy", {"Relief", "Guilt", "Pride", "Envy"}, {5, 0, 3, 1}},
        {"3", "Ada", {"Calm", "Shame", "Awe", "Doubt"}, {2, 6, 0, 4}},
    };
    return q;
}

// The data directory: eq_bench_v2_questions_171.json holding the three questions.
inline void fixture_data_dir_write(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    nlohmann::ordered_json file;
    for (const auto& q : fixture_questions()) {
        nlohmann::ordered_json v1;
        nlohmann::ordered_json v2;
        for (std::size_t i = 0; i < 4; ++i) {
            const std::string n = "emotion" + std::to_string(i + 1);
            v1[n] = q.emotions[i];
            v2[n] = q.emotions[i];
        }
        for (std::size_t i = 0; i < 4; ++i) {
            const std::string n = "emotion" + std::to_string(i + 1) + "_score";
            v1[n] = i == 0 ? 10 : 0;  // v1 scale sums to 10
            v2[n] = q.reference[i];
        }
        file[q.id] = {{"prompt", fixture_prompt(q.character, q.emotions)},
                      {"reference_answer", v1},
                      {"reference_answer_fullscale", v2}};
    }
    std::ofstream(dir / "eq_bench_v2_questions_171.json") << file.dump(1);
}

class fixture_writer {
  public:
    explicit fixture_writer(const std::filesystem::path& results_dir) {
        auto opened = store::open(results_dir);
        if (!opened) {
            throw std::runtime_error(opened.err().message);
        }
        db_ = std::move(*opened);
    }

    std::int64_t run(const std::string& key, const std::string& benchmark, const nlohmann::ordered_json& meta,
                     double offset_s) {
        run_record r;
        r.key = key;
        r.benchmark = benchmark;
        r.metadata_json = meta.dump();
        r.status = "running";
        r.started_at = fixture_t0 + offset_s;
        auto begun = db_->run_begin(r);
        if (!begun) {
            throw std::runtime_error(begun.err().message);
        }
        return begun->id;
    }

    void exchange(std::int64_t run, int iteration, const std::string& item, int attempt, const std::string& role,
                  const std::string& prompt, const std::string& status, int http, const std::string& content,
                  double at) {
        exchange_record e;
        e.run_row = run;
        e.iteration = iteration;
        e.item_id = item;
        e.sequence = attempt;
        e.role = role;
        e.endpoint = "http://127.0.0.1:9/v1";
        e.request_json = nlohmann::ordered_json{
            {"model", "m"},
            {"messages", {{{"role", "user"}, {"content", prompt}}}},
            {"temperature", 0.01},
            {"max_tokens",
             60}}.dump();
        e.status = status;
        e.http_status = http;
        e.response_body = status == "OK" ? "{}" : "upstream overloaded";
        e.content = status == "OK" ? content : "";
        e.latency_s = 0.5;
        e.input_tokens = status == "OK" ? 100 : 0;
        e.output_tokens = status == "OK" ? 20 : 0;
        e.created_at = fixture_t0 + at;
        if (auto added = db_->exchange_add(e); !added) {
            throw std::runtime_error(added.err().message);
        }
    }

    void item(std::int64_t run, int iteration, const std::string& id, const std::string& state,
              const std::string& answer, int tries, const std::string& parsed, const std::string& scores, double at) {
        item_record i;
        i.run_row = run;
        i.iteration = iteration;
        i.item_id = id;
        i.state = state;
        i.answer = answer;
        i.tries = tries;
        i.parsed_json = parsed;
        i.scores_json = scores;
        i.updated_at = fixture_t0 + at;
        if (auto put = db_->item_put(i); !put) {
            throw std::runtime_error(put.err().message);
        }
    }

    void finish(std::int64_t run, const std::string& status, const std::string& results, const std::string& error) {
        if (auto done = db_->run_finish(run, status, results, error); !done) {
            throw std::runtime_error(done.err().message);
        }
    }

  private:
    std::unique_ptr<store> db_;
};

inline std::string pairs_answer(const std::vector<std::string>& names, const std::vector<int>& values) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += names[i] + ": " + std::to_string(values[i]) + "\n";
    }
    return out;
}

inline std::string scores_json(std::optional<double> first) {
    return nlohmann::ordered_json{{"first_pass_score", first ? nlohmann::ordered_json(*first) : nullptr},
                                  {"revised_score", nullptr}}
        .dump();
}

// Writes the fixture store into `results_dir` (the run keys are fixed: see below).
inline void fixture_store_write(const std::filesystem::path& results_dir) {
    fixture_writer w(results_dir);
    const auto& q = fixture_questions();
    const auto eq_meta = [](const std::string& model) {
        return nlohmann::ordered_json{{"run_id", "1"},       {"eq_bench_version", "v2"}, {"language", "en"},
                                      {"model_path", model}, {"total_iterations", 1},    {"inference_engine", "openai"},
                                      {"revise", false},     {"parser", "reference"},    {"scorer", "v2.4"}};
    };
    // Run A: question 1 scored after a 500; question 2 unparseable (hostile, three tries); question 3 scored.
    const auto a = w.run("1--v2--en--model-a--------openai----", "eq-bench", eq_meta("model-a"), 0);
    const std::string p1 = fixture_prompt(q[0].character, q[0].emotions);
    const std::string p2 = fixture_prompt(q[1].character, q[1].emotions);
    const std::string p3 = fixture_prompt(q[2].character, q[2].emotions);
    w.exchange(a, 1, "1", 1, "test", p1, "HTTP_ERROR", 500, "", 1);
    const std::string a1 = pairs_answer(q[0].emotions, {5, 2, 1, 7});
    w.exchange(a, 1, "1", 2, "test", p1, "OK", 200, a1, 2);
    w.item(a, 1, "1", "done", a1, 1, R"({"first_pass":{"Joy":"5","Fear":"2","Anger":"1","Hope":"7"},"revised":{}})",
           scores_json(8.5), 2);
    std::string hostile;
    for (const auto& h : hostile_texts()) {
        hostile += h + "\n";
    }
    hostile += "I'm sorry, I cannot rate these feelings. " + fixture_secret() + "\n";
    for (int t = 1; t <= 3; ++t) {
        w.exchange(a, 1, "2", t, "test", p2, "OK", 200, hostile, 2 + t);
    }
    w.item(a, 1, "2", "failed", hostile, 3, R"({"first_pass":{},"revised":{}})", scores_json(std::nullopt), 6);
    const std::string a3 = pairs_answer(q[2].emotions, {2, 5, 0, 4});
    w.exchange(a, 1, "3", 1, "test", p3, "OK", 200, a3, 7);
    w.item(a, 1, "3", "done", a3, 1, R"({"first_pass":{"Calm":"2","Shame":"5","Awe":"0","Doubt":"4"},"revised":{}})",
           scores_json(9.25), 7);
    w.finish(a, "completed", R"({"score":88.75,"parseable":2.0,"usage":{"requests":6},"cost":0.0})", "");

    // Run B: the same questions, all three scored lower, with a wrong name retried once.
    const auto b = w.run("1--v2--en--model-b--------openai----", "eq-bench", eq_meta("model-b"), 100);
    const std::vector<std::vector<int>> b_values{{3, 5, 4, 2}, {1, 4, 0, 6}, {7, 1, 3, 0}};
    const std::vector<double> b_scores{4.0, 3.5, 5.25};
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string prompt = fixture_prompt(q[i].character, q[i].emotions);
        int attempt = 1;
        if (i == 2) {
            w.exchange(b, 1, q[i].id, attempt++, "test", prompt, "OK", 200, "Calmness: 7\nShame: 1\nAwe: 3\nDoubt: 0\n",
                       101);
        }
        const std::string answer = pairs_answer(q[i].emotions, b_values[i]);
        w.exchange(b, 1, q[i].id, attempt, "test", prompt, "OK", 200, answer, 102 + static_cast<double>(i));
        w.item(b, 1, q[i].id, "done", answer, attempt, "{}", scores_json(b_scores[i]), 102 + static_cast<double>(i));
    }
    w.finish(b, "completed", "", "");  // no stored results: the report aggregates the items

    // Creative Writing: two prompts, two iterations; the judge run holds the judgements.
    const nlohmann::ordered_json cw_meta{{"run_id", "1"},
                                         {"benchmark", "creative-writing"},
                                         {"model_path", "writer"},
                                         {"total_iterations", 2},
                                         {"inference_engine", "openai"},
                                         {"judge_model", "judge-x"},
                                         {"judge_engine", "openai"},
                                         {"prompts_file", "creative_writing_prompts_v2.2.json"}};
    const std::string cw_key = "1--creative-writing--writer--------openai----";
    const auto cw = w.run(cw_key, "creative-writing", cw_meta, 200);
    const auto cj = w.run(cw_key + "--judge--judge-x", "creative-writing-judge", cw_meta, 200);
    const std::vector<std::string> pieces{"The tide remembered every name it had taken. " + hostile_texts()[0],
                                          "Snow fell upward that winter, and nobody said a word."};
    const std::vector<std::string> judgements{"[Scores]\nOverall Impression: 8\nCoherent: 6\nTrite: 2\n",
                                              "[Scores]\nOverall Impression: 6\nCoherent: 7\nTrite: 4\n"};
    const std::vector<double> prompt_scores{22.0 / 3.0, 19.0 / 3.0};
    for (int it = 1; it <= 2; ++it) {
        for (std::size_t i = 0; i < 2; ++i) {
            const std::string id = std::to_string(i + 1);
            const double at = 200 + 10.0 * it + static_cast<double>(i);
            w.exchange(cw, it, id, 1, "test", "Write a story about prompt " + id, "OK", 200, pieces[i], at);
            w.item(cw, it, id, "done", pieces[i], 1, "", "", at);
            w.exchange(cj, it, id, 1, "judge", "Judge this piece", "OK", 200, judgements[i], at + 1);
            const auto trite = i == 0 ? 2 : 4;
            const auto overall = i == 0 ? 8 : 6;
            const auto coherent = i == 0 ? 6 : 7;
            w.item(cj, it, id, "done", judgements[i], 1,
                   nlohmann::ordered_json{{"Overall Impression", overall}, {"Coherent", coherent}, {"Trite", trite}}
                       .dump(),
                   nlohmann::ordered_json{{"score", prompt_scores[i]}, {"parsed", 3}, {"inverted", {"Trite"}}}.dump(),
                   at + 1);
        }
    }
    w.finish(cw, "failed", R"({"score":0.0})", "no iteration had more than 10 scored prompts");
    w.finish(cj, "failed", R"({"score":0.0})", "no iteration had more than 10 scored prompts");

    // Judgemark: two judged answers, one the judge gave no score.
    const nlohmann::ordered_json jm_meta{
        {"run_id", "1"}, {"benchmark", "judgemark"}, {"judge_model", "judge-y"}, {"judge_engine", "openai"}};
    const auto jm = w.run("1--judgemark--judge-y", "judgemark", jm_meta, 300);
    w.exchange(jm, 1, "model-p|1", 1, "judge", "Judge this", "OK", 200, judgements[0], 301);
    w.item(jm, 1, "model-p|1", "done", judgements[0], 1, R"({"Overall Impression":8,"Coherent":6,"Trite":2})",
           nlohmann::ordered_json{{"score", prompt_scores[0]}, {"parsed", 3}, {"inverted", {"Trite"}}}.dump(), 301);
    w.exchange(jm, 1, "model-q|1", 1, "judge", "Judge this", "OK", 200, "I would rather not.", 302);
    w.item(jm, 1, "model-q|1", "failed", "I would rather not.", 4, "{}", "null", 302);
    w.finish(jm, "completed", "{}", "");

    // A benchmark the report has no renderer for.
    const auto other = w.run("1--future-bench--model-a", "future-bench", {{"model", "model-a"}}, 400);
    w.exchange(other, 1, "x1", 1, "test", "Question x1", "OK", 200, "forty-two", 401);
    w.item(other, 1, "x1", "done", "forty-two", 1, R"({"value":42})", R"({"score":0.5})", 401);
    w.finish(other, "interrupted", "", "1 of 2 items not answered yet (interrupted)");
}

}  // namespace eqb::test
