#include "bench/eq-bench/recorded-run.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

std::string name_of(std::string_view display_name) {
    return std::string(display_name);
}

// Reads {qid: text} for one iteration; the error names the iteration and id.
result<recorded_iteration> read_answers(const std::string& iteration, const ojson& answers, const std::string& where) {
    if (!answers.is_object()) {
        return error{where + ": iteration \"" + iteration + "\": expected an object of question id -> answer text"};
    }
    recorded_iteration it;
    it.id = iteration;
    for (const auto& [qid, text] : answers.items()) {
        if (text.is_null()) {
            continue;  // the reference records a question that was never answered as null
        }
        if (!text.is_string()) {
            return error{where + ": iteration \"" + iteration + "\": question \"" + qid +
                         "\": expected the answer text as a string"};
        }
        it.answers.emplace_back(qid, text.get<std::string>());
    }
    return it;
}

// "{run_id}--{v1|v2}--{lang}--{model}--..." -> version and language.
void apply_run_key(recorded_run& run) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto at = run.key.find("--", start);
        parts.push_back(run.key.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) {
            break;
        }
        start = at + 2;
    }
    // "v2_anchored": the anchored scale, parsed and scored as its base version.
    const std::string base = parts.size() >= 2 ? parts[1].substr(0, parts[1].find("_anchored")) : "";
    if (parts.size() >= 3 && (base == "v1" || base == "v2")) {
        run.version = base == "v1" ? eq_bench_version::V1 : eq_bench_version::V2;
        run.anchored = base != parts[1];
        if (!parts[2].empty()) {
            run.language = parts[2];
        }
    }
}

result<recorded_run> read_conformance(const ojson& doc, const std::string& where) {
    recorded_run run;
    run.key = doc.value("model", std::string("run"));
    run.language = doc.value("language", std::string("en"));
    run.version = doc.value("version", std::string("v2")) == "v1" ? eq_bench_version::V1 : eq_bench_version::V2;
    if (doc.contains("revise") && !doc["revise"].is_boolean()) {
        return error{where + ": revise: expected true or false"};
    }
    run.revise = doc.value("revise", false);
    if (doc.contains("total_iterations")) {
        if (!doc["total_iterations"].is_number_integer() || doc["total_iterations"].get<int>() < 1) {
            return error{where + ": total_iterations: expected a positive integer"};
        }
        run.n_iterations = doc["total_iterations"].get<int>();
    }
    run.questions_file = doc.value("questions_file", std::string());
    const auto& iterations = doc["iterations"];
    if (!iterations.is_object()) {
        return error{where + ": iterations: expected an object of iteration -> answers"};
    }
    for (const auto& [id, answers] : iterations.items()) {
        auto it = read_answers(id, answers, where);
        if (!it) {
            return it.err();
        }
        run.iterations.push_back(std::move(*it));
    }
    if (!doc.contains("total_iterations")) {
        run.n_iterations = static_cast<int>(std::max<std::size_t>(1, run.iterations.size()));
    }
    return run;
}

result<recorded_run> read_reference_run(const std::string& key, const ojson& entry, const std::string& where) {
    recorded_run run;
    run.key = key;
    apply_run_key(run);
    const std::string at = where + ": run \"" + key + "\"";
    const auto& iterations = entry["iterations"];
    if (!iterations.is_object()) {
        return error{at + ": iterations: expected an object"};
    }
    bool any_revised = false;
    for (const auto& [id, iteration] : iterations.items()) {
        if (!iteration.is_object() || !iteration.contains("raw_inference")) {
            return error{at + ": iteration \"" + id +
                         "\": raw_inference: missing (the answers' text is needed to re-score)"};
        }
        auto it = read_answers(id, iteration["raw_inference"], at);
        if (!it) {
            return it.err();
        }
        run.iterations.push_back(std::move(*it));
        if (iteration.contains("respondent_answers") && iteration["respondent_answers"].is_object()) {
            for (const auto& [qid, answer] : iteration["respondent_answers"].items()) {
                if (answer.is_object() && answer.contains("revised") && answer["revised"].is_object() &&
                    !answer["revised"].empty()) {
                    any_revised = true;
                }
            }
        }
    }
    run.n_iterations = static_cast<int>(std::max<std::size_t>(1, run.iterations.size()));
    run.revise = any_revised;
    if (entry.contains("run_metadata") && entry["run_metadata"].is_object()) {
        const auto& meta = entry["run_metadata"];
        for (const char* field : {"total_iterations", "n_iterations"}) {
            if (meta.contains(field) && meta[field].is_number_integer() && meta[field].get<int>() > 0) {
                run.n_iterations = meta[field].get<int>();
                break;
            }
        }
        if (meta.contains("revise") && meta["revise"].is_boolean()) {
            run.revise = meta["revise"].get<bool>();
        }
        if (meta.contains("language") && meta["language"].is_string() && !meta["language"].get<std::string>().empty()) {
            run.language = meta["language"].get<std::string>();
        }
        if (meta.contains("scale") && meta["scale"].is_string()) {
            run.anchored = meta["scale"].get<std::string>() == "anchored";
        }
        if (meta.contains("eq_bench_version") && meta["eq_bench_version"].is_string()) {
            run.version =
                meta["eq_bench_version"].get<std::string>() == "v1" ? eq_bench_version::V1 : eq_bench_version::V2;
        }
    }
    return run;
}

}  // namespace

namespace {

// Whether a raw_results.json entry is another benchmark's run (eqbench writes
// Creative Writing and Judgemark runs into the same file).
bool other_benchmark(const std::string& key, const ojson& entry) {
    if (entry.contains("run_metadata") && entry["run_metadata"].is_object()) {
        const auto& meta = entry["run_metadata"];
        if (meta.contains("benchmark") && meta["benchmark"].is_string() && meta["benchmark"] != "eq-bench") {
            return true;
        }
    }
    if (key.find("--creative-writing--") != std::string::npos || key.find("--judgemark--") != std::string::npos) {
        return true;
    }
    if (entry.contains("creative_writing_results") || entry.contains("judgemark_results")) {
        return true;
    }
    return false;
}

}  // namespace

result<std::vector<recorded_run>> recorded_runs_parse(std::string_view bytes, std::string_view display_name,
                                                      std::vector<std::string>* skipped) {
    const std::string where = name_of(display_name);
    ojson doc;
    try {
        doc = ojson::parse(bytes.begin(), bytes.end());
    } catch (const ojson::exception& e) {
        return error{where + ": invalid JSON: " + e.what()};
    }
    if (!doc.is_object()) {
        return error{where + ": expected a JSON object (raw_results.json or a conformance file)"};
    }
    try {
        std::vector<recorded_run> runs;
        if (doc.contains("iterations") && doc["iterations"].is_object()) {
            auto run = read_conformance(doc, where);
            if (!run) {
                return run.err();
            }
            runs.push_back(std::move(*run));
            return runs;
        }
        for (const auto& [key, entry] : doc.items()) {
            if (!entry.is_object() || !entry.contains("iterations")) {
                continue;  // not a run entry
            }
            if (other_benchmark(key, entry)) {
                if (skipped != nullptr) {
                    skipped->push_back(key);
                }
                continue;
            }
            auto run = read_reference_run(key, entry, where);
            if (!run) {
                return run.err();
            }
            runs.push_back(std::move(*run));
        }
        if (runs.empty()) {
            if (skipped != nullptr && !skipped->empty()) {
                return error{where + ": no EQ-Bench run in it (" + std::to_string(skipped->size()) +
                             " runs of other benchmarks)"};
            }
            return error{where +
                         ": no run found (expected run key -> {run_metadata, iterations}, or a conformance file)"};
        }
        return runs;
    } catch (const ojson::exception& e) {
        return error{where + ": unexpected structure: " + e.what()};
    }
}

result<std::vector<recorded_run>> recorded_runs_load(const std::filesystem::path& path,
                                                     std::vector<std::string>* skipped) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot open the file"};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return error{path.string() + ": read error"};
    }
    return recorded_runs_parse(bytes, path.string(), skipped);
}

}  // namespace eqb
