#include "batch/launch.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>

#include "bench/registry.hpp"
#include "client/chat-client.hpp"
#include "lang/language-pack.hpp"
#include "report/pricing.hpp"

namespace eqb {
namespace {

plan_options plan_options_from(const batch_request& r, const std::filesystem::path& data_dir) {
    plan_options p;
    p.benchmarks.clear();
    for (const auto& b : r.benchmarks) {  // "--benchmarks a,b" as well as "--benchmarks a b"
        std::size_t start = 0;
        while (start <= b.size()) {
            const auto comma = b.find(',', start);
            const std::string one = b.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!one.empty()) {
                p.benchmarks.push_back(one);
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
    }
    p.known_benchmarks = benchmark_registry_traits();
    p.language = r.language;
    p.language_pack_file = r.language_pack_file;
    p.v1 = r.v1;
    p.revise = r.revise;
    p.anchored_scale = r.scale == "anchored";
    p.compat = r.compat;
    p.overwrite = r.overwrite;
    p.delete_downloads = r.delete_downloads;
    p.fast_download = r.fast_download;
    p.run_retries = r.run_retries;
    p.concurrency = r.concurrency;
    p.results_dir = r.results_dir;
    p.data_dir = data_dir;
    p.serve_cmd = r.serve_cmd;
    p.gpus = r.gpus;
    p.judge_engine = r.judge_engine;
    p.judge_model = r.judge_model;
    p.judge_base_url = r.judge_base_url;
    p.judge_prompt = r.judge_prompt;
    p.rejudge = r.rejudge;
    p.pairwise = r.pairwise;
    return p;
}

// The plan of a single run given by flags (--model ...).
result<run_plan> plan_from_flags(const batch_request& r, const std::filesystem::path& data_dir) {
    const auto engine = engine_kind_from_string(r.engine);
    if (!engine) {
        return error{"--engine " + r.engine +
                     ": expected openai, openai-completions, anthropic, gemini, mistralai, llama.cpp or ooba"};
    }
    run_plan plan;
    plan.options = plan_options_from(r, data_dir);
    run_plan_entry e;
    e.run_id = r.run_id;
    e.instruction_template = r.instruction_template;
    e.model = r.model;
    e.request_model = r.model;
    e.iterations = r.iterations;
    e.engine = r.engine;
    e.client = engine_kind_name(*engine);
    e.benchmarks = plan.options.benchmarks;
    e.language = r.language;
    e.timeout_s = r.timeout;
    std::error_code ec;
    e.model_is_local = std::filesystem::exists(r.model, ec);
    e.endpoint = r.base_urls.empty() ? endpoint_default_base_url(*engine) : r.base_urls.front();
    // A template by name (ChatML, with or without .yaml) or by path, as config.cfg names them.
    if (!r.instruction_template.empty()) {
        if (auto found = plan_template_find(r.instruction_template, data_dir)) {
            e.template_path = *found;
        } else {
            e.template_path = r.instruction_template;
            if (*engine == engine_kind::LLAMA_CPP || *engine == engine_kind::OPENAI_COMPLETIONS) {
                e.unavailable.push_back("--instruction-template " + r.instruction_template +
                                        ": no such template file, and no " + r.instruction_template + ".yaml in " +
                                        (data_dir / "instruction-templates").string());
            }
        }
    } else if (*engine == engine_kind::LLAMA_CPP) {
        e.unavailable.push_back(
            "the llama.cpp engine needs --instruction-template (a template name such as ChatML, or a .yaml file) "
            "to build its prompt; or use --engine openai against llama.cpp's /v1 chat endpoint");
    }
    const std::string key_env = r.api_key_env.empty() ? engine_api_key_env(r.engine) : r.api_key_env;
    if (const char* v = std::getenv(key_env.c_str()); v != nullptr && *v != '\0') {
        e.api_key = v;
        e.api_key_source = "environment " + key_env;
    } else if (!r.api_key_env.empty()) {
        return error{"--api-key-env " + r.api_key_env + ": the variable is not set or empty"};
    }
    const bool hosted = r.base_urls.empty() && *engine != engine_kind::LLAMA_CPP && *engine != engine_kind::OOBA;
    if (hosted && e.api_key.empty() && r.serve_cmd.empty()) {
        e.unavailable.push_back(r.engine + " at " + e.endpoint + " needs an API key: set " + key_env +
                                " (or give --base-url for a local server that needs none)");
    }
    if (!r.serve_cmd.empty()) {
        server_plan s;
        s.kind = "command";
        s.command = plan_substitute(r.serve_cmd, r.model, 0, r.gpus);
        s.gpus = r.gpus;
        s.health_paths = {"/health", "/v1/models"};
        e.server = std::move(s);
        e.endpoint = *engine == engine_kind::OPENAI || *engine == engine_kind::OPENAI_COMPLETIONS
                         ? "http://127.0.0.1:{port}/v1"
                         : "http://127.0.0.1:{port}";
    }
    plan.runs.push_back(std::move(e));
    return plan;
}

// The settings; a price file that cannot be read is an error.
result<batch_settings> settings_from(const batch_request& r) {
    batch_settings settings;
    settings.base_urls = r.base_urls;
    settings.retries = r.retries;
    settings.timeout_s = r.timeout;
    settings.verbose = r.verbose;
    settings.parser = parser_kind_from_string(r.parser).value_or(parser_kind::REFERENCE);
    settings.scorer = r.legacy_scorer ? v2_scorer::LEGACY : v2_scorer::V2_4;
    const auto scale = eq_bench_scale_from_string(r.scale);
    if (!scale) {
        return error{"--scale " + r.scale + ": expected reference or anchored"};
    }
    settings.scale = *scale;
    const auto compat = eq_bench_compat_from_string(r.compat);
    if (!compat) {
        return error{"--compat " + r.compat + ": expected jp-fork"};
    }
    settings.compat = *compat;
    if (settings.compat == eq_bench_compat::JP_FORK && settings.parser != parser_kind::REFERENCE) {
        return error{"--compat jp-fork reads answers as the fork does: it cannot be combined with --parser extended"};
    }
    if (settings.compat == eq_bench_compat::JP_FORK && settings.scale == eq_bench_scale::ANCHORED) {
        return error{"--compat jp-fork sends the fork's prompts: it cannot be combined with --scale anchored"};
    }
    settings.creative_prompts = r.creative_prompts;
    std::string file = r.prices_file;
    if (file.empty()) {
        if (const char* env = std::getenv("EQBENCH_PRICES"); env != nullptr) {
            file = env;
        }
    }
    settings.prices = price_table_builtin();
    if (!file.empty()) {
        auto loaded = price_table_load(file);
        if (!loaded) {
            return loaded.err();
        }
        settings.prices = std::move(*loaded);
    }
    settings.price_input = r.price_input;
    settings.price_output = r.price_output;
    return settings;
}

result<language_pack> pack_for(const batch_request& r) {
    if (r.v1 && r.language != "en") {
        return error{"-v1: EQ-Bench v1 exists only in English (-l en)"};
    }
    return r.language_pack_file.empty() ? language_pack_builtin(r.language)
                                        : language_pack_load_file(r.language_pack_file);
}

bool test_model_needed(const run_plan& plan) {
    for (const auto& b : plan.options.benchmarks) {
        const benchmark_entry* entry = benchmark_find(b);
        if (entry != nullptr && entry->needs_test_model) {
            return true;
        }
    }
    return false;
}

// The reasoning settings of every run and of the judge: the flags over the
// config; settings a client cannot take make the run unavailable.
void reasoning_apply(batch_plan& out, const batch_request& r) {
    for (auto& e : out.plan.runs) {
        e.reasoning = plan_reasoning_merge(out.config.reasoning, r.reasoning);
        if (auto problem = reasoning_settings_problem(e.reasoning, e.client, "--reasoning / [Reasoning]")) {
            e.unavailable.push_back(*problem);
        }
    }
    if (out.plan.judge) {
        auto& j = *out.plan.judge;
        j.reasoning = plan_reasoning_merge(out.config.judge_reasoning, r.judge_reasoning);
        if (auto problem = reasoning_settings_problem(j.reasoning, j.client,
                                                      "--judge-reasoning / judge_reasoning_* in [Creative Writing "
                                                      "Benchmark]")) {
            j.unavailable.push_back(*problem);
        }
    }
}

}  // namespace

std::string batch_plan_problems_text(const batch_plan& plan) {
    std::string out;
    for (const auto& p : batch_plan_problems(plan)) {
        out += (out.empty() ? "" : "\n") + p;
    }
    return out;
}

std::vector<batch_choice_option> batch_choice_options(batch_request& request) {
    return {
        {"--parser", "reference (default) or extended", &request.parser, {"reference", "extended"}},
        {"--scale",
         "reference (default) or anchored: the language pack's criteria per score after the 0-10 instruction, "
         "scored as its own version (eq-bench_v2_anchored)",
         &request.scale,
         {"reference", "anchored"}},
        {"--compat",
         "jp-fork: reproduce kuroganegames/EQ-Bench-jp's numbers, bugs included (ja and jahalf prompts sent "
         "unchanged, the fork's parsers and labels)",
         &request.compat,
         {"jp-fork"}},
        {"--creative-prompts",
         "creative-writing: the writing prompts file (default: creative_writing_prompts_v2.2[_LANG].json in the data "
         "directory, made by `eqbench translate`)",
         &request.creative_prompts,
         {}},
        {"--reasoning",
         "auto (default: the reference's request), off or on: whether the model thinks",
         &request.reasoning.mode,
         {"auto", "off", "on"}},
        {"--reasoning-effort",
         "low, medium or high (implies on)",
         &request.reasoning.effort,
         {"low", "medium", "high"}},
        {"--judge-reasoning",
         "auto (default), off or on: whether the judge thinks",
         &request.judge_reasoning.mode,
         {"auto", "off", "on"}},
        {"--judge-reasoning-effort",
         "low, medium or high (implies on)",
         &request.judge_reasoning.effort,
         {"low", "medium", "high"}},
    };
}

result<batch_plan> batch_plan_load(const batch_request& request, const std::filesystem::path& data_dir) {
    batch_plan out;
    const bool judgemark_only = request.benchmarks.size() == 1 && request.benchmarks.front() == "judgemark";
    const bool from_flags =
        !request.model.empty() || (judgemark_only && !request.judge_model.empty() && request.config_path.empty() &&
                                   !std::filesystem::exists("config.cfg"));
    if (from_flags) {
        if (!request.config_path.empty()) {
            return error{"--config and --model: give one (a config.cfg batch, or one run from flags)"};
        }
        auto plan = plan_from_flags(request, data_dir);
        if (!plan) {
            return plan.err();
        }
        out.plan = std::move(*plan);
        std::vector<config_problem> problems;
        out.plan.judge = plan_judge(out.config, out.plan.options, problems);
        if (!problems.empty()) {
            return error{config_problems_message("command line", std::move(problems))};
        }
        reasoning_apply(out, request);
        return out;
    }
    const std::filesystem::path path = request.config_path.empty() ? "config.cfg" : request.config_path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return error{path.string() + ": no such config file" +
                     (request.config_path.empty()
                          ? std::string(" in ") + std::filesystem::current_path(ec).string() +
                                " (give --config FILE, or --model MODEL for one run from flags; examples/config.cfg "
                                "is a commented sample)"
                          : std::string())};
    }
    std::vector<config_problem> problems;
    auto loaded = config_load_lenient(path, problems);
    if (!loaded) {
        return loaded.err();
    }
    out.config = std::move(*loaded);
    out.plan = plan_build(out.config, plan_options_from(request, data_dir), problems);
    if (!problems.empty()) {
        return error{config_problems_message(path.string(), std::move(problems))};
    }
    reasoning_apply(out, request);
    if (out.plan.runs.empty()) {
        return error{out.plan.config_path +
                     ": [Benchmarks to run] has no runs (one per line: run_id, instruction_template, model_path, "
                     "lora_path, quantization, n_iterations, inference_engine, ooba_params, downloader_filters)"};
    }
    return out;
}

void batch_plan_check(batch_plan& plan, const batch_request& request) {
    std::error_code ec;
    const auto& data_dir = plan.plan.options.data_dir;
    if (!std::filesystem::is_directory(data_dir, ec)) {
        for (auto& e : plan.plan.runs) {
            e.unavailable.push_back("the data directory " + data_dir.string() +
                                    " does not exist: `eqbench data fetch` downloads the datasets, or give "
                                    "--data-dir");
        }
        return;
    }
    auto pack = pack_for(request);
    if (!pack) {
        for (auto& e : plan.plan.runs) {
            e.unavailable.push_back(pack.err().message);
        }
        return;
    }
    auto loaded = settings_from(request);
    if (!loaded) {
        for (auto& e : plan.plan.runs) {
            e.unavailable.push_back(loaded.err().message);
        }
        return;
    }
    const batch_settings& settings = *loaded;
    for (auto& e : plan.plan.runs) {
        for (const auto& name : plan.plan.options.benchmarks) {
            const benchmark_entry* entry = benchmark_find(name);
            if (entry == nullptr) {
                continue;  // the plan refused the name already
            }
            auto made = entry->create(batch_benchmark_request(plan.plan, e, *pack, settings));
            if (!made) {
                e.unavailable.push_back(name + ": " + made.err().message);
            }
        }
    }
}

std::vector<std::string> batch_plan_problems(const batch_plan& plan) {
    std::vector<std::string> out;
    if (plan.plan.judge) {
        for (const auto& why : plan.plan.judge->unavailable) {
            out.push_back(why);
        }
    }
    const bool test_model = test_model_needed(plan.plan);
    for (const auto& e : plan.plan.runs) {
        for (const auto& why : e.unavailable) {
            // A run's own endpoint matters only when a benchmark asks its model (not Judgemark alone).
            const bool about_data =
                why.find(": ") != std::string::npos && benchmark_find(why.substr(0, why.find(": ")));
            if (!test_model && !about_data) {
                continue;
            }
            out.push_back((e.line > 0 ? plan.plan.config_path + ":" + std::to_string(e.line) + ": " : std::string()) +
                          "run " + e.run_id + ": " + why);
        }
    }
    return out;
}

std::string batch_dry_run_json(const batch_plan& plan, const batch_request& request) {
    using ojson = nlohmann::ordered_json;
    ojson doc = ojson::parse(plan_to_json(plan.plan));
    const auto loaded = settings_from(request);
    const batch_settings settings = loaded ? *loaded : batch_settings{};
    auto pack = pack_for(request);
    ojson estimate = ojson::array();
    if (pack) {
        for (const auto& e : plan.plan.runs) {
            for (const auto& name : plan.plan.options.benchmarks) {
                const benchmark_entry* entry = benchmark_find(name);
                if (entry == nullptr) {
                    continue;
                }
                auto made = entry->create(batch_benchmark_request(plan.plan, e, *pack, settings));
                if (!made) {
                    continue;
                }
                const request_estimate est = (*made)->estimate();
                ojson one = {{"run_id", e.run_id},
                             {"benchmark", name},
                             {"requests", est.test.requests + est.judge.requests},
                             {"model",
                              {{"requests", est.test.requests},
                               {"input_tokens", est.test.input_tokens},
                               {"output_tokens", est.test.output_tokens}}}};
                const auto model_cost = batch_cost(settings, e.model, est.test.input_tokens, est.test.output_tokens);
                one["model"]["cost"] = model_cost ? ojson(*model_cost) : ojson(nullptr);
                std::optional<double> total = model_cost;
                if (est.judge.requests > 0 && plan.plan.judge) {
                    const auto judge_cost =
                        batch_cost(settings, plan.plan.judge->model, est.judge.input_tokens, est.judge.output_tokens);
                    one["judge"] = {{"requests", est.judge.requests},
                                    {"input_tokens", est.judge.input_tokens},
                                    {"output_tokens", est.judge.output_tokens},
                                    {"cost", judge_cost ? ojson(*judge_cost) : ojson(nullptr)}};
                    total = total && judge_cost ? std::optional<double>(*total + *judge_cost) : std::nullopt;
                }
                one["cost"] = total ? ojson(*total) : ojson(nullptr);
                one["note"] = est.note;
                estimate.push_back(std::move(one));
            }
        }
    }
    doc["estimate"] = std::move(estimate);
    return doc.dump(2, ' ', false, ojson::error_handler_t::replace);
}

result<batch_outcome> batch_launch(const batch_plan& plan, const batch_request& request, batch_listener& listener,
                                   const std::atomic<bool>& stop) {
    auto pack = pack_for(request);
    if (!pack) {
        return pack.err();
    }
    auto settings = settings_from(request);
    if (!settings) {
        return settings.err();
    }
    auto db = store::open(request.results_dir);
    if (!db) {
        return db.err();
    }
    for (const auto& e : plan.plan.runs) {
        for (const auto& w : e.warnings) {
            listener.problem(
                (e.line > 0 ? plan.plan.config_path + ":" + std::to_string(e.line) + ": " : std::string()) +
                "warning: " + w);
        }
    }
    return batch_run(plan.plan, plan.config, *pack, *settings, **db, listener, stop);
}

}  // namespace eqb
