#include "config/plan.hpp"

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/text.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

std::optional<std::string> real_env(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) {
        return std::nullopt;
    }
    return std::string(v);
}

bool real_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) {
        return false;
    }
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) {
            continue;
        }
        std::error_code ec;
        const auto candidate = std::filesystem::path(dir) / program;
        if (std::filesystem::is_regular_file(candidate, ec) &&
            (std::filesystem::status(candidate, ec).permissions() & std::filesystem::perms::owner_exec) !=
                std::filesystem::perms::none) {
            return true;
        }
    }
    return false;
}

int count_gpus(const std::string& gpus) {
    if (gpus.empty()) {
        return 0;
    }
    int n = 1;
    for (const char c : gpus) {
        n += c == ',' ? 1 : 0;
    }
    return n;
}

const benchmark_traits* traits_of(const plan_options& options, const std::string& name) {
    for (const auto& t : options.known_benchmarks) {
        if (t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

// "a, b or c" of the known names.
std::string known_names(const plan_options& options) {
    std::string out;
    const auto& known = options.known_benchmarks;
    for (std::size_t i = 0; i < known.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == known.size() ? " or " : ", ") + known[i].name;
    }
    return out;
}

}  // namespace

// The instruction template file for `name`: a path to a .yaml, else
// DATA/instruction-templates/NAME.yaml, else ./instruction-templates/NAME.yaml.
std::optional<std::string> plan_template_find(const std::string& name, const std::filesystem::path& data_dir) {
    if (name.empty()) {
        return std::nullopt;
    }
    std::error_code ec;
    std::vector<std::filesystem::path> candidates;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0) {
        candidates.emplace_back(name);
    }
    // A name, with or without .yaml, is looked up where config.cfg's are.
    const std::string stem =
        name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0 ? name.substr(0, name.size() - 5) : name;
    if (!data_dir.empty()) {
        candidates.push_back(data_dir / "instruction-templates" / (stem + ".yaml"));
    }
    candidates.push_back(std::filesystem::path("instruction-templates") / (stem + ".yaml"));
    for (const auto& c : candidates) {
        if (std::filesystem::is_regular_file(c, ec)) {
            return std::filesystem::absolute(c, ec).lexically_normal().string();
        }
    }
    return std::nullopt;
}

std::string plan_run_key(const run_plan_entry& e, const plan_options& options) {
    const std::string version = std::string(options.v1 ? "v1" : "v2") + (options.anchored_scale ? "_anchored" : "");
    return e.run_id + "--" + version + "--" + e.language + "--" + e.model + "--" + e.lora + "--" +
           e.instruction_template + "--" + e.quantization + "--" + e.engine + "--" + e.ooba_params_key + "--" +
           config_filters_string(e.include_patterns, e.exclude_patterns);
}

std::string plan_substitute(const std::string& command, const std::string& model, int port, const std::string& gpus) {
    std::string out = text_replace_all(command, "{model}", model);
    out = text_replace_all(out, "{gpus}", gpus);
    if (port > 0) {
        out = text_replace_all(out, "{port}", std::to_string(port));
    }
    return out;
}

run_plan plan_build(const reference_config& config, const plan_options& given, std::vector<config_problem>& errors) {
    run_plan plan;
    plan.config_path = config.path.string();
    plan.options = given;
    const auto env = given.env ? given.env : real_env;
    const auto on_path = given.on_path ? given.on_path : real_on_path;
    const auto run_error = [&](const config_run_line& run, const std::string& field, const std::string& message) {
        errors.push_back({run.line, "[Benchmarks to run] " + field + ": " + message});
    };

    for (const auto& b : given.benchmarks) {
        if (traits_of(given, b) == nullptr) {
            errors.push_back({0, "--benchmarks: expected " + known_names(given) + ", got '" + b + "'"});
        }
    }
    if (given.language_pack_file.empty() && given.language != "en" && given.language != "de" &&
        given.language != "ja" && given.language != "jahalf") {
        errors.push_back({0, "-l: expected en, de, ja or jahalf, got '" + given.language + "'"});
    }
    if (given.v1 && (given.language != "en" || !given.language_pack_file.empty())) {
        errors.push_back({0, "-v1: EQ-Bench v1 exists only in English (-l en)"});
    }
    const std::string serve_cmd = !given.serve_cmd.empty() ? given.serve_cmd : config.server_command;
    const std::string gpus = !given.gpus.empty() ? given.gpus : config.gpus;

    // The key for an API engine: the config's, else the environment's.
    const auto key_for = [&](run_plan_entry& entry, const std::string& configured, const std::string& where,
                             const std::vector<std::string>& env_names) {
        if (!configured.empty()) {
            entry.api_key = configured;
            entry.api_key_source = "config " + where;
            return;
        }
        for (const auto& name : env_names) {
            if (auto v = env(name); v && !v->empty()) {
                entry.api_key = *v;
                entry.api_key_source = "environment " + name;
                return;
            }
        }
    };
    const auto base_server = [&](const std::string& kind) {
        server_plan s;
        s.kind = kind;
        s.gpus = gpus;
        s.port = config.server_port;
        s.startup_timeout_s = config.startup_timeout_s;
        s.max_restarts = config.max_restarts;
        s.health_interval_s = config.health_interval_s;
        s.health_timeout_s = config.health_timeout_s;
        if (!config.hf_access_token.empty()) {
            s.env.emplace_back("HF_TOKEN", config.hf_access_token);
        }
        if (!config.hf_cache_dir.empty()) {
            s.env.emplace_back("HF_HUB_CACHE", config.hf_cache_dir);
        }
        s.env.emplace_back("HF_HUB_ENABLE_HF_TRANSFER", given.fast_download ? "1" : "0");
        return s;
    };
    // The user's server command ([Local server] command / --serve-cmd) for `model`.
    const auto command_server = [&](const std::string& model, std::vector<std::string> health_paths) {
        server_plan s = base_server("command");
        s.command = plan_substitute(serve_cmd, model, 0, gpus);
        s.health_paths = std::move(health_paths);
        return s;
    };

    for (const auto& run : config.runs) {
        run_plan_entry e;
        e.line = run.line;
        e.run_id = run.run_id;
        e.instruction_template = run.instruction_template;
        e.model = run.model_path;
        e.lora = run.lora_path;
        e.quantization = run.quantization;
        e.iterations = run.iterations;
        e.engine = run.engine;
        e.ooba_params_key = run.ooba_params_key;
        e.engine_parameters = run.ooba_params;
        e.include_patterns = run.include_patterns;
        e.exclude_patterns = run.exclude_patterns;
        e.benchmarks = given.benchmarks;
        e.language = given.language;
        e.request_model = run.model_path;
        std::error_code ec;
        e.model_is_local = !e.model.empty() && std::filesystem::exists(e.model, ec);
        const bool local_engine = e.engine == "llama.cpp" || e.engine == "ooba" || e.engine == "transformers";
        if (!e.lora.empty() && e.engine != "transformers" && e.engine != "ooba") {
            run_error(run, "lora_path",
                      "expected nothing: LoRA adapters need the transformers or ooba engine, got '" + e.lora + "'");
        }
        if (e.model.empty() && !(e.engine == "ooba" && !config.automatically_launch_ooba) &&
            !(e.engine == "llama.cpp" && serve_cmd.empty())) {
            run_error(run, "model_path",
                      "expected a model (Hugging Face id, local path or API model name), got nothing");
        }
        const bool needs_template = e.engine == "transformers" || e.engine == "llama.cpp";
        if (needs_template) {
            if (auto found = plan_template_find(e.instruction_template, given.data_dir)) {
                e.template_path = *found;
            } else {
                run_error(run, "instruction_template",
                          "expected the name of an instruction template in " +
                              (given.data_dir / "instruction-templates").string() +
                              " (without .yaml, e.g. ChatML) or a path to a .yaml file, got '" +
                              e.instruction_template + "'");
            }
        }

        if (e.engine == "openai") {
            e.client = "openai";
            e.endpoint =
                config.openai_compatible_url.empty() ? "https://api.openai.com/v1/" : config.openai_compatible_url;
            key_for(e, config.openai_api_key, "[OpenAI] api_key", {"OPENAI_API_KEY"});
        } else if (e.engine == "mistralai") {
            e.client = "mistralai";
            e.endpoint = "https://api.mistral.ai/v1";
            key_for(e, config.mistral_api_key, "[Mistral] api_key", {"MISTRAL_API_KEY"});
        } else if (e.engine == "anthropic") {
            e.client = "anthropic";
            e.endpoint = "https://api.anthropic.com";
            key_for(e, config.anthropic_api_key, "[Anthropic] api_key", {"ANTHROPIC_API_KEY"});
        } else if (e.engine == "gemini") {
            e.client = "gemini";
            e.endpoint = "https://generativelanguage.googleapis.com/v1beta";
            key_for(e, config.gemini_api_key, "[Gemini] api_key", {"GEMINI_API_KEY", "GOOGLE_API_KEY"});
        } else if (e.engine == "llama.cpp") {
            e.client = "llama.cpp";
            if (!serve_cmd.empty()) {
                e.server = command_server(e.model, {"/health", "/v1/models"});
                e.endpoint = "http://127.0.0.1:{port}";
            } else {
                e.endpoint = config.server_url.empty() ? "http://127.0.0.1:8080" : config.server_url;
            }
        } else if (e.engine == "ooba") {
            e.client = "ooba";
            e.timeout_s = config.ooba_request_timeout;
            if (e.engine_parameters.empty()) {
                e.engine_parameters = config.ooba_params_global;
            }
            if (!serve_cmd.empty()) {
                e.server = command_server(e.model, {"/v1/models", "/health"});
                e.endpoint = "http://127.0.0.1:{port}";
            } else if (config.automatically_launch_ooba) {
                if (config.ooba_launch_script.empty()) {
                    run_error(run, "inference_engine",
                              "ooba with automatically_launch_ooba = true needs [Oobabooga config] ooba_launch_script "
                              "(e.g. ~/text-generation-webui/start_linux.sh); or set automatically_launch_ooba = "
                              "false and start text-generation-webui with --api yourself");
                } else if (!std::filesystem::is_regular_file(config.ooba_launch_script, ec)) {
                    run_error(run, "inference_engine",
                              "[Oobabooga config] ooba_launch_script: expected an existing script, got '" +
                                  config.ooba_launch_script + "'");
                }
                server_plan s = base_server("ooba");
                const std::filesystem::path script(config.ooba_launch_script);
                s.cwd = script.parent_path().string();
                const bool python = script.extension() == ".py";
                std::string cmd = "exec " + std::string(python ? "python3 " : "bash ") + shell_quote(script.string());
                if (e.model_is_local) {
                    const std::filesystem::path model(e.model);
                    cmd += " --model " + shell_quote(model.filename().string()) + " --model-dir " +
                           shell_quote(model.parent_path().string());
                } else if (!e.model.empty()) {
                    s.downloads = true;
                    cmd += " --model {model_dir_name} --model-dir {model_dir_parent}";
                }
                if (!e.lora.empty()) {
                    const std::filesystem::path lora(e.lora);
                    cmd += " --lora " + shell_quote(lora.filename().string()) + " --lora-dir " +
                           shell_quote(lora.parent_path().string());
                }
                if (config.trust_remote_code) {
                    cmd += " --trust-remote-code";
                }
                cmd += " --api --api-port {port}";
                if (!e.engine_parameters.empty()) {
                    cmd += " " + e.engine_parameters;
                }
                s.command = cmd;
                s.health_paths = {"/v1/models"};
                e.server = std::move(s);
                e.endpoint = "http://127.0.0.1:{port}";
            } else {
                e.endpoint = config.server_url.empty() ? "http://127.0.0.1:5000" : config.server_url;
            }
        } else if (e.engine == "transformers") {
            // eqbench never runs a model in-process: it starts an OpenAI-compatible
            // server and sends the template-formatted prompt to /v1/completions,
            // as the reference's transformers engine formats it.
            e.client = "openai-completions";
            e.endpoint = "http://127.0.0.1:{port}/v1";
            if (!serve_cmd.empty()) {
                e.server = command_server(e.model, {"/health", "/v1/models"});
            } else {
                server_plan s = base_server("vllm");
                std::string cmd = "exec vllm serve " + shell_quote(e.model) + " --host 127.0.0.1 --port {port}";
                if (e.quantization == "4bit") {
                    cmd += " --quantization bitsandbytes";
                } else if (e.quantization == "8bit") {
                    // vLLM has no in-flight 8-bit bitsandbytes; its in-flight 8-bit is FP8 weights.
                    cmd += " --quantization fp8";
                }
                if (!e.lora.empty()) {
                    cmd += " --enable-lora --lora-modules eqbench-lora=" + shell_quote(e.lora);
                    e.request_model = "eqbench-lora";
                }
                if (config.trust_remote_code) {
                    cmd += " --trust-remote-code";
                }
                if (const int n = count_gpus(gpus); n > 1) {
                    cmd += " --tensor-parallel-size " + std::to_string(n);
                }
                s.command = cmd;
                s.health_paths = {"/health"};
                s.downloads = !e.model_is_local;
                if (!on_path("vllm")) {
                    s.unavailable =
                        "the transformers engine is served by vLLM (eqbench does not embed Python), and `vllm` is "
                        "not on PATH: install it (pip install vllm), or give a server command with "
                        "[Local server] command = ... or --serve-cmd '... {model} ... {port}'";
                }
                e.server = std::move(s);
            }
        }
        if (!local_engine && e.api_key.empty() && e.engine != "openai") {
            const bool anthropic = e.engine == "anthropic";
            const bool gemini = e.engine == "gemini";
            e.unavailable.push_back(e.engine + " needs an API key: set it in config.cfg (" +
                                    (anthropic ? "[Anthropic]"
                                     : gemini  ? "[Gemini]"
                                               : "[Mistral]") +
                                    " api_key) or the environment (" +
                                    (anthropic ? "ANTHROPIC_API_KEY"
                                     : gemini  ? "GEMINI_API_KEY"
                                               : "MISTRAL_API_KEY") +
                                    ")");
        }
        if (e.engine == "openai" && e.api_key.empty() && config.openai_compatible_url.empty()) {
            e.unavailable.push_back(
                "openai needs an API key: set [OpenAI] api_key or OPENAI_API_KEY (or openai_compatible_url for a "
                "local server that needs none)");
        }
        if (e.server && !e.server->unavailable.empty()) {
            e.unavailable.push_back(e.server->unavailable);
        }
        // configparser keeps an inline comment as part of the value, and so does the reference.
        if (const auto hash = run.text.find(" #"); hash != std::string::npos) {
            e.warnings.push_back("the line holds '" + run.text.substr(hash + 1) +
                                 "': configparser keeps an inline comment as part of the last field (the reference "
                                 "does too); put comments on their own line");
        }
        plan.runs.push_back(std::move(e));
    }
    // Two runs with one run key would share one run's stored answers; one run id
    // for two runs is legal but easy to mistake.
    std::map<std::string, int> first_line_of_key;
    std::map<std::string, int> first_line_of_id;
    for (auto& e : plan.runs) {
        if (const auto [it, fresh] = first_line_of_id.emplace(e.run_id, e.line); !fresh) {
            e.warnings.push_back("the run id " + e.run_id + " is used on line " + std::to_string(it->second) +
                                 " too: results, the CSV and the report tell the runs apart by model only");
        }
        const std::string key = plan_run_key(e, given);
        const auto [it, fresh] = first_line_of_key.emplace(key, e.line);
        if (!fresh) {
            e.unavailable.push_back("run " + e.run_id + " has the same run key as the run on line " +
                                    std::to_string(it->second) +
                                    ": both would share one run's stored answers; give it another run id");
        }
    }
    plan.judge = plan_judge(config, given, errors);
    return plan;
}

std::optional<judge_plan> plan_judge(const reference_config& config, const plan_options& given,
                                     std::vector<config_problem>& problems) {
    bool needed = false;
    std::string needing;  // the benchmarks that need a judge, for the message
    for (const auto& b : given.benchmarks) {
        const benchmark_traits* t = traits_of(given, b);
        if (t != nullptr && t->needs_judge) {
            needed = true;
            needing += (needing.empty() ? "" : " and ") + b;
        }
    }
    judge_plan j;
    j.engine = !given.judge_engine.empty() ? given.judge_engine : config.judge_model_api;
    j.model = !given.judge_model.empty() ? given.judge_model : config.judge_model;
    const std::string url = !given.judge_base_url.empty() ? given.judge_base_url : config.judge_model_url;
    if (!needed) {
        return std::nullopt;  // no benchmark asked for needs one: never checked
    }
    if (j.model.empty()) {
        problems.push_back({0, "--benchmarks: " + needing +
                                   " (these need a judge): set judge_model and judge_model_api in [Creative Writing "
                                   "Benchmark], or give --judge-model and --judge-engine"});
        return std::nullopt;
    }
    if (j.engine.empty()) {
        j.engine = "openai";
    }
    const auto env = given.env ? given.env : real_env;
    std::vector<std::string> key_vars;
    if (j.engine == "openai") {
        j.client = "openai";
        j.endpoint = url.empty() ? "https://api.openai.com/v1" : url;
        key_vars = {"OPENAI_API_KEY"};
    } else if (j.engine == "mistralai") {
        j.client = "mistralai";
        j.endpoint = url.empty() ? "https://api.mistral.ai/v1" : url;
        key_vars = {"MISTRAL_API_KEY"};
    } else if (j.engine == "anthropic") {
        j.client = "anthropic";
        j.endpoint = url.empty() ? "https://api.anthropic.com" : url;
        key_vars = {"ANTHROPIC_API_KEY"};
    } else if (j.engine == "gemini") {
        j.client = "gemini";
        j.endpoint = url.empty() ? "https://generativelanguage.googleapis.com/v1beta" : url;
        key_vars = {"GEMINI_API_KEY", "GOOGLE_API_KEY"};
    } else {
        problems.push_back(
            {0, "--judge-engine: expected openai, mistralai, anthropic or gemini, got '" + j.engine + "'"});
        return std::nullopt;
    }
    if (!config.judge_model_api_key.empty()) {
        j.api_key = config.judge_model_api_key;
        j.api_key_source = "config [Creative Writing Benchmark] judge_model_api_key";
    } else if (j.engine == "openai" && url.empty() && !config.openai_api_key.empty()) {
        j.api_key = config.openai_api_key;
        j.api_key_source = "config [OpenAI] api_key";
    } else {
        for (const auto& var : key_vars) {
            if (auto v = env(var); v && !v->empty()) {
                j.api_key = *v;
                j.api_key_source = "environment " + var;
                break;
            }
        }
    }
    if (j.api_key.empty() && url.empty()) {
        j.unavailable.push_back("the judge (" + j.engine +
                                ") needs an API key: judge_model_api_key in [Creative Writing Benchmark]" +
                                (j.engine == "openai" ? ", [OpenAI] api_key" : "") + " or " + key_vars.front() +
                                " (or judge_model_url / --judge-base-url for a server that needs none)");
    }
    return j;
}

result<run_plan> plan_build(const reference_config& config, const plan_options& options) {
    std::vector<config_problem> problems;
    run_plan plan = plan_build(config, options, problems);
    if (!problems.empty()) {
        return error{
            config_problems_message(config.path.empty() ? "command line" : config.path.string(), std::move(problems))};
    }
    return plan;
}

std::string plan_to_json(const run_plan& plan) {
    const auto& o = plan.options;
    ojson root;
    root["config"] = plan.config_path;
    root["benchmarks"] = o.benchmarks;
    root["language"] = o.language;
    root["options"] = {{"v1", o.v1},
                       {"revise", o.revise},
                       {"overwrite", o.overwrite},
                       {"delete_downloads", o.delete_downloads},
                       {"fast_download", o.fast_download},
                       {"run_retries", o.run_retries},
                       {"concurrency", o.concurrency},
                       {"results_dir", o.results_dir}};
    if (o.anchored_scale) {
        root["options"]["scale"] = "anchored";
    }
    if (!o.compat.empty()) {
        root["options"]["compat"] = o.compat;
    }
    ojson runs = ojson::array();
    for (const auto& e : plan.runs) {
        ojson r;
        r["line"] = e.line;
        r["run_id"] = e.run_id;
        r["template"] = e.instruction_template;
        r["template_path"] = e.template_path.empty() ? ojson(nullptr) : ojson(e.template_path);
        r["model"] = e.model;
        r["lora"] = e.lora;
        r["quantization"] = e.quantization;
        r["iterations"] = e.iterations;
        r["engine"] = e.engine;
        r["engine_parameters"] = e.engine_parameters;
        r["filters"] = {{"include", e.include_patterns}, {"exclude", e.exclude_patterns}};
        r["benchmarks"] = e.benchmarks;
        r["language"] = e.language;
        r["endpoint"] = e.endpoint;
        r["client"] = e.client;
        r["request_model"] = e.request_model;
        r["api_key"] = e.api_key_source.empty() ? ojson(nullptr) : ojson(e.api_key_source);
        r["timeout_s"] = e.timeout_s;
        r["reasoning"] = reasoning_settings_label(e.reasoning);
        r["unavailable"] = e.unavailable.empty() ? ojson(nullptr) : ojson(e.unavailable);
        r["warnings"] = e.warnings;
        r["run_key"] = plan_run_key(e, o);
        if (e.server) {
            const auto& s = *e.server;
            ojson env = ojson::object();
            for (const auto& [k, v] : s.env) {
                env[k] = k == "HF_TOKEN" ? std::string("(set)") : v;
            }
            r["server"] = {{"kind", s.kind},
                           {"command", s.command},
                           {"cwd", s.cwd},
                           {"gpus", s.gpus},
                           {"port", s.port == 0 ? ojson("free") : ojson(s.port)},
                           {"health", s.health_paths},
                           {"startup_timeout_s", s.startup_timeout_s},
                           {"max_restarts", s.max_restarts},
                           {"env", env},
                           {"available", s.unavailable.empty()}};
            if (!s.unavailable.empty()) {
                r["server"]["unavailable"] = s.unavailable;
            }
        } else {
            r["server"] = nullptr;
        }
        runs.push_back(std::move(r));
    }
    root["runs"] = std::move(runs);
    if (plan.judge) {
        const auto& j = *plan.judge;
        root["judge"] = {{"engine", j.engine},
                         {"model", j.model},
                         {"endpoint", j.endpoint},
                         {"client", j.client},
                         {"api_key", j.api_key_source.empty() ? ojson(nullptr) : ojson(j.api_key_source)},
                         {"reasoning", reasoning_settings_label(j.reasoning)},
                         {"unavailable", j.unavailable.empty() ? ojson(nullptr) : ojson(j.unavailable)}};
    } else {
        root["judge"] = nullptr;
    }
    // A config in another encoding must not stop the plan from printing.
    return root.dump(2, ' ', false, ojson::error_handler_t::replace);
}

reasoning_settings plan_reasoning_merge(const config_reasoning& config, const config_reasoning& flags) {
    reasoning_settings out;
    const std::string& mode = !flags.mode.empty() ? flags.mode : config.mode;
    out.mode = reasoning_mode_parse(mode).value_or(reasoning_mode::AUTO);
    out.budget = flags.budget >= 0 ? flags.budget : std::max(0, config.budget);
    out.effort = !flags.effort.empty() ? flags.effort : config.effort;
    return reasoning_settings_resolved(out);
}

}  // namespace eqb
