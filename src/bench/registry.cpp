#include "bench/registry.hpp"

#include <array>

#include "bench/creative-writing-3/benchmark.hpp"
#include "bench/judgemark/benchmark.hpp"
#include "core/text.hpp"
#include "data/questions.hpp"
#include "report/files.hpp"

namespace eqb {
namespace {

const std::string fetch_hint = " (`eqbench data fetch` downloads the datasets)";
constexpr const char* cw3_data_folder = "creative-writing-v3";  // under the data directory

// The questions of the pack's language (v1: the English 60).
result<question_set> questions_for(const benchmark_request& request) {
    const std::string file = request.v1 ? "eq_bench_v1_questions_60.json" : request.pack.question_file;
    // A user's pack may name its question file by path.
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::path(file).is_absolute() || std::filesystem::exists(file, ec)
                                           ? std::filesystem::path(file)
                                           : request.data_dir / file;
    auto loaded = questions_load(path);
    if (!loaded) {
        return error{loaded.err().message + fetch_hint};
    }
    return loaded;
}

result<std::unique_ptr<benchmark>> eq_bench_make(const benchmark_request& request) {
    auto questions = questions_for(request);
    if (!questions) {
        return questions.err();
    }
    eq_bench_settings s;
    s.run = request.run;
    s.revise = request.revise;
    s.v1 = request.v1;
    s.parser = request.parser;
    s.scorer = request.scorer;
    s.scale = request.scale;
    s.compat = request.compat;
    s.transport_attempts = request.transport_attempts;
    s.price_input_per_million = request.price_input_per_million;
    s.price_output_per_million = request.price_output_per_million;
    return eq_bench_create(s, *questions, request.pack);
}

result<bool> eq_bench_failure(const benchmark_request& request, const std::string& why) {
    eq_bench_settings s;
    s.run = request.run;
    s.v1 = request.v1;
    s.scale = request.scale;
    s.compat = request.compat;
    return eq_bench_export_failure(s, request.pack.code, why);
}

result<std::unique_ptr<benchmark>> creative_writing_make(const benchmark_request& request) {
    auto templates = creative_writing_templates_load(request.data_dir, request.judge_prompt_file);
    if (!templates) {
        return templates.err();
    }
    // In a pack's language: --creative-prompts, else the translated file by its language.
    const bool in_language = !request.pack.creative.test_template.empty();
    std::filesystem::path file = request.creative_prompts;
    if (file.empty()) {
        file = request.data_dir / (in_language ? "creative_writing_prompts_v2.2_" + request.pack.code + ".json"
                                               : std::string("creative_writing_prompts_v2.2.json"));
    }
    auto prompts = writing_prompts_load(file);
    if (!prompts) {
        const std::string hint =
            in_language && request.creative_prompts.empty()
                ? " (make it with `eqbench translate --source creative_writing_prompts_v2.2.json --to " +
                      request.pack.name + " --out " + file.string() + "`, or give --creative-prompts FILE)"
                : fetch_hint;
        return error{prompts.err().message + hint};
    }
    creative_writing_settings s{request.run, request.judge, "", {}};
    if (in_language) {
        s.language_code = request.pack.code;
        s.language = request.pack.creative;
    }
    return creative_writing_create(s, *prompts, *templates);
}

result<std::unique_ptr<benchmark>> judgemark_make(const benchmark_request& request) {
    auto templates = creative_writing_templates_load(request.data_dir, request.judge_prompt_file);
    if (!templates) {
        return templates.err();
    }
    auto prompts = writing_prompts_load(request.data_dir / "creative_writing_prompts.json");
    if (!prompts) {
        return error{prompts.err().message + fetch_hint};
    }
    auto test_set = judgemark_test_set_load(request.data_dir / "judgemark_test_set.json");
    if (!test_set) {
        return error{test_set.err().message + fetch_hint};
    }
    judgemark_settings s;
    s.run_id = request.run.run_id;
    s.judge = request.judge;
    s.results_dir = request.run.results_dir;
    s.reference_table = request.data_dir / "judgemark_reference.json";
    return judgemark_create(s, *prompts, *test_set, *templates);
}

creative_writing_3_settings creative_writing_3_settings_of(const benchmark_request& request) {
    creative_writing_3_settings s;
    s.run = request.run;
    s.judge = request.judge;
    s.pairwise = request.pairwise;
    s.data_source = (request.data_dir / cw3_data_folder).string();
    return s;
}

result<std::unique_ptr<benchmark>> creative_writing_3_make(const benchmark_request& request) {
    auto data = cw3_data_load(request.data_dir / cw3_data_folder);
    if (!data) {
        return error{data.err().message + fetch_hint};
    }
    return creative_writing_3_create(creative_writing_3_settings_of(request), *data);
}

// The row of a judged benchmark that could not run: the model (or, for
// Judgemark, the judge) and FAILED.
result<bool> judged_failure(const benchmark_request& request, const std::string& bench, const std::string& who,
                            const std::string& why) {
    const reference_run& r = request.run;
    return benchmark_csv_append(
        r.results_dir / "benchmark_results.csv",
        {r.run_id, local_timestamp(), r.instruction_template, who, r.lora, r.quantization, "FAILED", bench, "FAILED",
         std::to_string(r.iterations), r.engine_name, r.ooba_params, r.download_filters, why});
}

const std::array<benchmark_entry, 4> entries = {{
    {"eq-bench", false, true, eq_bench_make, eq_bench_failure},
    {"creative-writing", true, true, creative_writing_make,
     [](const benchmark_request& request, const std::string& why) {
         const bool in_language = !request.pack.creative.test_template.empty();
         return judged_failure(request, creative_writing_label(in_language ? request.pack.code : ""), request.run.model,
                               why);
     }},
    {"creative-writing-v3", true, true, creative_writing_3_make,
     [](const benchmark_request& request, const std::string& why) {
         return creative_writing_3_export_failure(creative_writing_3_settings_of(request), why);
     }},
    {"judgemark", true, false, judgemark_make,
     [](const benchmark_request& request, const std::string& why) {
         return judged_failure(request, "judgemark", request.judge.model, why);
     }},
}};

}  // namespace

std::span<const benchmark_entry> benchmark_registry() {
    return entries;
}

const benchmark_entry* benchmark_find(std::string_view name) {
    for (const auto& e : entries) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

std::string benchmark_names_text() {
    std::string out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == entries.size() ? " or " : ", ") + std::string(entries[i].name);
    }
    return out;
}

std::vector<benchmark_traits> benchmark_registry_traits() {
    std::vector<benchmark_traits> out;
    for (const auto& e : entries) {
        out.push_back({std::string(e.name), e.needs_judge, e.needs_test_model});
    }
    return out;
}

}  // namespace eqb
