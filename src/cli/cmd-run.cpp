// eqbench run: config.cfg batches (the reference's command line) or one run
// from flags, against API servers or local servers eqbench starts itself.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "bench/creative-writing/runner.hpp"
#include "bench/eq-bench/runner.hpp"
#include "bench/judgemark/report.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "config/plan.hpp"
#include "core/python-float.hpp"
#include "core/secret.hpp"
#include "core/text.hpp"
#include "data/data-dir.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "report/files.hpp"
#include "report/pricing.hpp"
#include "report/progress.hpp"
#include "serve/hf-cache.hpp"
#include "serve/local-server.hpp"

namespace eqb {
namespace {

cancel_flag g_stop{false};

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}

struct run_options {
    // Batch mode (config.cfg) and the reference's flags
    std::string config_path;
    bool dry_run = false;
    std::vector<std::string> benchmarks = {"eq-bench"};
    int run_retries = 5;
    bool delete_downloads = false;
    bool fast_download = false;
    std::string serve_cmd;
    std::string gpus;
    std::string judge_engine;
    std::string judge_model;
    std::string judge_base_url;
    std::string judge_prompt;
    bool rejudge = false;
    // One run from flags
    std::string model;
    std::vector<std::string> base_urls;
    std::string api_key_env;
    std::string engine = "openai";
    std::string instruction_template;
    std::string run_id = "1";
    int iterations = 1;
    // Both
    std::string language = "en";
    std::string language_pack_file;
    bool revise = false;
    bool v1 = false;
    std::string parser = "reference";
    bool legacy_scorer = false;
    int concurrency = 8;
    std::string results_dir = ".";
    bool overwrite = false;
    int retries = 5;
    double timeout = 120.0;
    bool verbose = false;
    std::string prices_file;
    double price_input = -1.0;  // < 0: from the price table
    double price_output = -1.0;
};

enum class run_end { COMPLETED, FAILED, INTERRUPTED };

// The run's prices: --price-input/--price-output, else the price file
// (--prices or $EQBENCH_PRICES) or the built-in table; unknown models cost 0.
model_price run_price(const run_options& opts, const std::string& model) {
    std::string file = opts.prices_file;
    if (file.empty()) {
        if (const char* env = std::getenv("EQBENCH_PRICES"); env != nullptr) {
            file = env;
        }
    }
    price_table table = price_table_builtin();
    if (!file.empty()) {
        auto loaded = price_table_load(file);
        if (!loaded) {
            throw fatal_error(loaded.err().message);
        }
        table = std::move(*loaded);
    }
    model_price price = price_table_find(table, model).value_or(model_price{});
    if (opts.price_input >= 0.0) {
        price.input_per_million = opts.price_input;
    }
    if (opts.price_output >= 0.0) {
        price.output_per_million = opts.price_output;
    }
    return price;
}

plan_options plan_options_from(const run_options& opts, const std::filesystem::path& data_dir) {
    plan_options p;
    p.benchmarks.clear();
    for (const auto& b : opts.benchmarks) {  // "--benchmarks a,b" as well as "--benchmarks a b"
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
    p.language = opts.language;
    p.language_pack_file = opts.language_pack_file;
    p.v1 = opts.v1;
    p.revise = opts.revise;
    p.overwrite = opts.overwrite;
    p.delete_downloads = opts.delete_downloads;
    p.fast_download = opts.fast_download;
    p.run_retries = opts.run_retries;
    p.concurrency = opts.concurrency;
    p.results_dir = opts.results_dir;
    p.data_dir = data_dir;
    p.serve_cmd = opts.serve_cmd;
    p.gpus = opts.gpus;
    p.judge_engine = opts.judge_engine;
    p.judge_model = opts.judge_model;
    p.judge_base_url = opts.judge_base_url;
    p.judge_prompt = opts.judge_prompt;
    p.rejudge = opts.rejudge;
    return p;
}

// The plan of a single run given by flags (--model ...).
run_plan plan_from_flags(const run_options& opts, const std::filesystem::path& data_dir) {
    const auto engine = engine_kind_from_string(opts.engine);
    if (!engine) {
        throw fatal_error("--engine " + opts.engine +
                          ": expected openai, openai-completions, anthropic, gemini, mistralai, llama.cpp or ooba");
    }
    run_plan plan;
    plan.options = plan_options_from(opts, data_dir);
    run_plan_entry e;
    e.run_id = opts.run_id;
    e.instruction_template = opts.instruction_template;
    e.template_path = opts.instruction_template;
    e.model = opts.model;
    e.request_model = opts.model;
    e.iterations = opts.iterations;
    e.engine = opts.engine;
    e.client = engine_kind_name(*engine);
    e.benchmarks = plan.options.benchmarks;
    e.language = opts.language;
    e.timeout_s = opts.timeout;
    std::error_code ec;
    e.model_is_local = std::filesystem::exists(opts.model, ec);
    e.endpoint = opts.base_urls.empty() ? endpoint_default_base_url(*engine) : opts.base_urls.front();
    const std::string key_env = opts.api_key_env.empty() ? engine_api_key_env(opts.engine) : opts.api_key_env;
    if (const char* v = std::getenv(key_env.c_str()); v != nullptr && *v != '\0') {
        e.api_key = v;
        e.api_key_source = "environment " + key_env;
    } else if (!opts.api_key_env.empty()) {
        throw fatal_error("--api-key-env " + opts.api_key_env + ": the variable is not set or empty");
    }
    if (!opts.serve_cmd.empty()) {
        server_plan s;
        s.kind = "command";
        s.command = plan_substitute(opts.serve_cmd, opts.model, 0, opts.gpus);
        s.gpus = opts.gpus;
        s.health_paths = {"/health", "/v1/models"};
        e.server = std::move(s);
        e.endpoint = *engine == engine_kind::OPENAI || *engine == engine_kind::OPENAI_COMPLETIONS
                         ? "http://127.0.0.1:{port}/v1"
                         : "http://127.0.0.1:{port}";
    }
    plan.runs.push_back(std::move(e));
    return plan;
}

// Downloads a Hugging Face model for text-generation-webui (which wants a
// folder) with huggingface-cli; returns the local snapshot path.
result<std::string> hf_download(const run_plan_entry& e, const reference_config& cfg) {
    std::string cmd = "huggingface-cli download " + shell_quote(e.model);
    for (const auto& p : e.include_patterns) {
        cmd += " --include " + shell_quote(p);
    }
    for (const auto& p : e.exclude_patterns) {
        cmd += " --exclude " + shell_quote(p);
    }
    if (!cfg.hf_cache_dir.empty()) {
        cmd += " --cache-dir " + shell_quote(cfg.hf_cache_dir);
    }
    fmt::print("Downloading {} with huggingface-cli...\n", e.model);
    std::fflush(stdout);
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) {
        return error{"cannot run huggingface-cli (pip install huggingface_hub) to download " + e.model};
    }
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
        out += buf;
    }
    const int status = ::pclose(pipe);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
        out.pop_back();
    }
    const std::string path = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
    std::error_code ec;
    if (status != 0 || path.empty() || !std::filesystem::is_directory(path, ec)) {
        return error{"downloading " + e.model +
                     " failed (huggingface-cli download, from the huggingface_hub package, must be installed and "
                     "the model id must exist): " +
                     out.substr(out.size() > 400 ? out.size() - 400 : 0)};
    }
    return path;
}

class batch_runner {
  public:
    batch_runner(const run_options& opts, cli_context& ctx, const reference_config& cfg, const run_plan& plan,
                 const question_set& questions, const language_pack& pack, store& db)
        : opts_(opts), ctx_(ctx), cfg_(cfg), plan_(plan), questions_(questions), pack_(pack), db_(db) {}

    // Runs every entry in order; returns the worst end.
    run_end run_all() {
        const auto started = std::chrono::steady_clock::now();
        short_keys_note();
        const hf_cache_state cache = cache_state_before();
        int failed = 0;
        for (std::size_t i = 0; i < plan_.runs.size(); ++i) {
            if (g_stop.load()) {
                return run_end::INTERRUPTED;
            }
            const auto& entry = plan_.runs[i];
            fmt::print("--------------\nRunning benchmark {} of {}\n\n{}\n", i + 1, plan_.runs.size(), entry.model);
            if (!entry.lora.empty()) {
                fmt::print("{}\n", entry.lora);
            }
            fmt::print("--------------\n");
            std::fflush(stdout);
            bool entry_failed = false;
            for (const auto& bench : plan_.options.benchmarks) {
                const run_end end = run_with_retries(entry, bench);
                if (end == run_end::INTERRUPTED) {
                    return end;
                }
                entry_failed = entry_failed || end == run_end::FAILED;
            }
            if (entry_failed) {
                ++failed;
            } else {
                delete_download(i, cache);
            }
        }
        const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60.0;
        fmt::print("---------------\nBatch completed\nTime taken: {:.1f} mins\n---------------\n", minutes);
        if (failed > 0) {
            fmt::print("{} of {} runs failed (see benchmark_results.csv)\n", failed, plan_.runs.size());
        }
        std::fflush(stdout);
        return failed > 0 ? run_end::FAILED : run_end::COMPLETED;
    }

  private:
    using hf_cache_state = std::map<std::string, bool>;  // model -> its cache folder existed before the batch

    // Once per key source: a key too short to redact (a local server's placeholder).
    void short_keys_note() const {
        std::set<std::string> told;
        const auto note = [&told](const std::string& key, const std::string& source) {
            const std::string line = secret_short_key_note(key, source.empty() ? "the command line" : source);
            if (!line.empty() && told.insert(source).second) {
                fmt::print(stderr, "eqbench: {}\n", line);
            }
        };
        for (const auto& e : plan_.runs) {
            note(e.api_key, e.api_key_source);
        }
        if (plan_.judge) {
            note(plan_.judge->api_key, plan_.judge->api_key_source);
        }
    }

    hf_cache_state cache_state_before() const {
        hf_cache_state state;
        const auto hub = hf_hub_cache(cfg_.hf_cache_dir);
        for (const auto& e : plan_.runs) {
            if (auto dir = hf_model_cache_dir(hub, e.model); dir && e.server && !e.model_is_local) {
                std::error_code ec;
                state.emplace(e.model, std::filesystem::exists(*dir, ec));
            }
        }
        return state;
    }

    // -d: after a run, the model files a server downloaded for it go, unless a
    // later run uses the same model or they were there before the batch.
    void delete_download(std::size_t index, const hf_cache_state& before) const {
        if (!plan_.options.delete_downloads) {
            return;
        }
        const auto& e = plan_.runs[index];
        const auto found = before.find(e.model);
        if (found == before.end() || found->second) {
            return;
        }
        for (std::size_t j = index + 1; j < plan_.runs.size(); ++j) {
            if (plan_.runs[j].model == e.model) {
                return;
            }
        }
        const auto dir = hf_model_cache_dir(hf_hub_cache(cfg_.hf_cache_dir), e.model);
        std::error_code ec;
        if (dir && std::filesystem::exists(*dir, ec)) {
            std::filesystem::remove_all(*dir, ec);
            if (ec) {
                fmt::print(stderr, "eqbench: could not delete {}: {}\n", dir->string(), ec.message());
            } else {
                fmt::print("Deleted the downloaded model files: {}\n", dir->string());
            }
        }
    }

    eq_bench_run_settings settings_for(const run_plan_entry& e, const std::vector<std::string>& urls) const {
        eq_bench_run_settings s;
        s.run_id = e.run_id;
        s.model = e.model;
        s.engine_name = e.engine;
        s.instruction_template = e.instruction_template;
        s.lora = e.lora;
        s.quantization = e.quantization;
        s.ooba_params = e.ooba_params_key;
        s.download_filters = config_filters_string(e.include_patterns, e.exclude_patterns);
        // The reference's min_p 0.1 (and, for Creative Writing, temperature 1.0) go
        // with the engines that sample with min_p: transformers and ooba, not llama.cpp.
        s.local_engine = e.client == "ooba" || e.engine == "transformers";
        s.iterations = e.iterations;
        s.revise = opts_.revise;
        s.v1 = opts_.v1;
        s.parser = parser_kind_from_string(opts_.parser).value_or(parser_kind::REFERENCE);
        s.scorer = opts_.legacy_scorer ? v2_scorer::LEGACY : v2_scorer::V2_4;
        s.retries.max_attempts = opts_.retries + 1;
        s.overwrite = opts_.overwrite;
        s.verbose = opts_.verbose;
        s.results_dir = opts_.results_dir;
        s.endpoints = urls;
        if (e.server) {
            s.grace_s = 2.0;  // a local server that stopped answering will not answer in the grace period
        }
        const model_price price = run_price(opts_, e.model);
        s.price_input_per_million = price.input_per_million;
        s.price_output_per_million = price.output_per_million;
        return s;
    }

    result<std::unique_ptr<endpoint_pool>> make_pool(const run_plan_entry& e, const std::vector<std::string>& urls) {
        const auto engine = engine_kind_from_string(e.client);
        if (!engine) {
            return error{"unknown client " + e.client};
        }
        std::vector<std::unique_ptr<chat_client>> clients;
        for (const auto& url : urls) {
            endpoint_config cfg;
            cfg.engine = *engine;
            cfg.base_url = url;
            cfg.api_key = e.api_key;
            cfg.model = e.request_model;
            cfg.instruction_template_path = e.client == "ooba" ? e.instruction_template : e.template_path;
            cfg.timeout_s = e.timeout_s;
            auto client = chat_client_create(cfg);
            if (!client) {
                return client.err();
            }
            clients.push_back(std::move(*client));
        }
        return std::make_unique<endpoint_pool>(std::move(clients), opts_.concurrency);
    }

    // The judge's endpoint pool (one endpoint).
    result<std::unique_ptr<endpoint_pool>> make_judge_pool() {
        const auto& j = *plan_.judge;
        const auto engine = engine_kind_from_string(j.client);
        if (!engine) {
            return error{"unknown judge client " + j.client};
        }
        endpoint_config cfg;
        cfg.engine = *engine;
        cfg.base_url = j.endpoint;
        cfg.api_key = j.api_key;
        cfg.model = j.model;
        cfg.timeout_s = std::max(opts_.timeout, 300.0);  // judgements are long (up to 3000 tokens)
        auto client = chat_client_create(cfg);
        if (!client) {
            return client.err();
        }
        std::vector<std::unique_ptr<chat_client>> clients;
        clients.push_back(std::move(*client));
        return std::make_unique<endpoint_pool>(std::move(clients), opts_.concurrency);
    }

    judged_run_common judged_common(const run_plan_entry& e) const {
        judged_run_common c;
        c.run_id = e.run_id;
        c.judge_model = plan_.judge->model;
        c.judge_engine_name = plan_.judge->engine;
        c.overwrite = opts_.overwrite;
        c.rejudge = plan_.options.rejudge;
        c.verbose = opts_.verbose;
        c.retries.max_attempts = opts_.retries + 1;
        c.results_dir = opts_.results_dir;
        c.judge_endpoints = {plan_.judge->endpoint};
        if (e.server) {
            c.grace_s = 2.0;
        }
        return c;
    }

    creative_writing_run_settings cw_settings_for(const run_plan_entry& e, const std::vector<std::string>& urls) const {
        const eq_bench_run_settings base = settings_for(e, urls);
        creative_writing_run_settings s;
        s.common = judged_common(e);
        s.model = base.model;
        s.engine_name = base.engine_name;
        s.instruction_template = base.instruction_template;
        s.lora = base.lora;
        s.quantization = base.quantization;
        s.ooba_params = base.ooba_params;
        s.download_filters = base.download_filters;
        s.local_engine = base.local_engine;
        s.iterations = e.iterations;
        s.endpoints = urls;
        return s;
    }

    run_end fail_run(const run_plan_entry& e, const std::string& bench, const std::vector<std::string>& urls,
                     const std::string& why) {
        fmt::print(stderr, "eqbench: run {} ({}) failed: {}\n", e.run_id, bench, why);
        result<bool> exported = true;
        if (bench == "eq-bench") {
            exported = eq_bench_export_failure(settings_for(e, urls), pack_.code, why);
        } else {
            const eq_bench_run_settings s = settings_for(e, urls);
            exported = benchmark_csv_append(
                std::filesystem::path(opts_.results_dir) / "benchmark_results.csv",
                {s.run_id, local_timestamp(), s.instruction_template,
                 bench == "judgemark" ? plan_.judge->model : s.model, s.lora, s.quantization, "FAILED", bench, "FAILED",
                 std::to_string(s.iterations), s.engine_name, s.ooba_params, s.download_filters, why});
        }
        if (!exported) {
            fmt::print(stderr, "eqbench: error: {}\n", exported.err().message);
        }
        return run_end::FAILED;
    }

    run_end run_with_retries(const run_plan_entry& e, const std::string& bench) {
        std::vector<std::string> urls = {e.endpoint};
        if (!opts_.base_urls.empty() && e.line == 0) {
            urls = opts_.base_urls;
        }
        std::unique_ptr<local_server> server;
        if (e.server && bench != "judgemark") {
            local_server_spec spec;
            spec.command = e.server->command;
            spec.cwd = e.server->cwd;
            spec.gpus = e.server->gpus;
            spec.env = e.server->env;
            spec.port = e.server->port;
            spec.health_paths = e.server->health_paths;
            spec.startup_timeout_s = e.server->startup_timeout_s;
            spec.log_path = std::filesystem::path(opts_.results_dir) / "logs" / ("server-" + e.run_id + ".log");
            if (e.server->kind == "ooba" && e.server->downloads) {
                auto path = hf_download(e, cfg_);
                if (!path) {
                    return g_stop.load() ? run_end::INTERRUPTED : fail_run(e, bench, urls, path.err().message);
                }
                const std::filesystem::path p(*path);
                spec.command = text_replace_all(spec.command, "{model_dir_name}", shell_quote(p.filename().string()));
                spec.command =
                    text_replace_all(spec.command, "{model_dir_parent}", shell_quote(p.parent_path().string()));
            }
            server = std::make_unique<local_server>(std::move(spec));
        }
        std::string last_error;
        for (int attempt = 0; attempt <= plan_.options.run_retries; ++attempt) {
            if (attempt > 0) {
                fmt::print("Run {} failed: {}\nRetrying ({} of {})...\n", e.run_id, last_error, attempt,
                           plan_.options.run_retries);
                std::fflush(stdout);
            }
            const run_end end = run_once(e, bench, urls, server.get(), last_error);
            if (end != run_end::FAILED || g_stop.load()) {
                return g_stop.load() ? run_end::INTERRUPTED : end;
            }
            if (last_error.rfind("[no retry] ", 0) == 0) {
                last_error = last_error.substr(11);
                break;
            }
        }
        if (server) {
            server->stop();
        }
        return fail_run(e, bench, urls, last_error);
    }

    // Starts the server when there is one and it is not running; "" or why not.
    std::string ensure_server(local_server& server) {
        if (server.running()) {
            return "";
        }
        fmt::print("Starting the model server: {}\n  (log: {})\n", server.spec().command,
                   server.spec().log_path.string());
        std::fflush(stdout);
        const auto t0 = std::chrono::steady_clock::now();
        auto started = server.start(g_stop);
        if (!started) {
            return started.err().message;
        }
        fmt::print("Server ready on port {} after {:.1f} s\n", server.port(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        std::fflush(stdout);
        return "";
    }

    // One attempt of one benchmark: how it ended, and what to do when it counts.
    struct attempt_result {
        std::optional<std::string> fatal;  // the run could not go on (store, refused key...)
        bool interrupted = false;
        bool failed = false;
        std::string error;
        std::function<void()> finish;  // exports and prints the closing block
    };
    using attempt_fn =
        std::function<attempt_result(const std::vector<std::string>& urls, run_progress&, const cancel_flag&)>;

    // The attempt result of a benchmark run's outcome; `finish(outcome)` reports it.
    template <class Outcome, class Finish>
    static attempt_result attempt_from(result<Outcome> outcome, Finish finish) {
        attempt_result r;
        if (!outcome) {
            r.fatal = outcome.err().message;
            return r;
        }
        r.interrupted = outcome->interrupted;
        r.failed = outcome->failed;
        r.error = outcome->error;
        r.finish = [finish, out = std::move(*outcome)] { finish(out); };
        return r;
    }

    attempt_fn eq_bench_attempt(const run_plan_entry& e) {
        return [this, &e](const std::vector<std::string>& urls, run_progress& progress,
                          const cancel_flag& stop) -> attempt_result {
            attempt_result r;
            auto pool = make_pool(e, urls);
            if (!pool) {
                r.fatal = "[no retry] " + pool.err().message;
                return r;
            }
            const eq_bench_run_settings settings = settings_for(e, urls);
            return attempt_from(eq_bench_run(settings, questions_, pack_, **pool, db_, progress, stop),
                                [this, &e, settings](const eq_bench_run_outcome& out) { report(e, settings, out); });
        };
    }

    attempt_fn creative_writing_attempt(const run_plan_entry& e) {
        return [this, &e](const std::vector<std::string>& urls, run_progress& progress,
                          const cancel_flag& stop) -> attempt_result {
            attempt_result r;
            auto pool = make_pool(e, urls);
            auto judge = make_judge_pool();
            if (!pool || !judge) {
                r.fatal = "[no retry] " + (!pool ? pool.err().message : judge.err().message);
                return r;
            }
            const auto settings = cw_settings_for(e, urls);
            return attempt_from(
                creative_writing_run(settings, *cw_prompts_, *templates_, **pool, **judge, db_, progress, stop),
                [this, &e, settings](const creative_writing_run_outcome& out) {
                    report_creative_writing(e, settings, out);
                });
        };
    }

    attempt_fn judgemark_attempt(const run_plan_entry& e) {
        return [this, &e](const std::vector<std::string>&, run_progress& progress,
                          const cancel_flag& stop) -> attempt_result {
            attempt_result r;
            auto judge = make_judge_pool();
            if (!judge) {
                r.fatal = "[no retry] " + judge.err().message;
                return r;
            }
            const auto settings = judged_common(e);
            return attempt_from(
                judgemark_run(settings, *jm_prompts_, *jm_test_set_, *templates_, **judge, db_, progress, stop),
                [this, settings](const judgemark_run_outcome& out) { report_judgemark(settings, out); });
        };
    }

    run_end run_once(const run_plan_entry& e, const std::string& bench, std::vector<std::string> urls,
                     local_server* server, std::string& last_error) {
        const attempt_fn attempt = bench == "creative-writing" ? creative_writing_attempt(e)
                                   : bench == "judgemark"      ? judgemark_attempt(e)
                                                               : eq_bench_attempt(e);
        int restarts = 0;
        while (true) {
            if (server != nullptr) {
                if (const std::string why = ensure_server(*server); !why.empty()) {
                    if (g_stop.load()) {
                        return run_end::INTERRUPTED;
                    }
                    last_error = "[no retry] the model server did not start: " + why;
                    return run_end::FAILED;
                }
                for (auto& url : urls) {
                    url = text_replace_all(e.endpoint, "{port}", std::to_string(server->port()));
                }
            }
            cancel_flag attempt_stop{false};
            std::atomic<bool> server_down{false};
            std::string down_reason;
            run_progress progress;
            attempt_result outcome;
            std::atomic<bool> finished{false};
            const auto started = std::chrono::steady_clock::now();
            std::thread runner([&] {
                outcome = attempt(urls, progress, attempt_stop);
                finished = true;
            });
            std::thread watchdog;
            if (server != nullptr) {
                watchdog =
                    std::thread([&] { watch(*server, *e.server, finished, attempt_stop, server_down, down_reason); });
            }
            progress_printer printer(stdout);
            const auto snapshot = [&] {
                progress_snapshot s;
                s.label = bench;
                s.total = progress.total.load();
                s.done = progress.done.load();
                s.already_done = progress.already_done.load();
                s.transport_retries = progress.transport_retries.load();
                s.parse_failures = progress.parse_failures.load();
                s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                return s;
            };
            while (!finished.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (g_stop.load()) {
                    attempt_stop = true;
                }
                if (progress.total.load() > 0) {
                    printer.update(snapshot());
                }
            }
            runner.join();
            if (watchdog.joinable()) {
                watchdog.join();
            }
            printer.finish(snapshot());
            if (outcome.fatal) {
                last_error = *outcome.fatal;
                return run_end::FAILED;
            }
            if (outcome.interrupted && g_stop.load()) {
                fmt::print(stderr,
                           "Interrupted: {}. Everything answered so far is stored in {}/eqbench.db; run the same "
                           "command again to resume.\n",
                           outcome.error, opts_.results_dir);
                return run_end::INTERRUPTED;
            }
            if (outcome.interrupted && server_down.load()) {
                if (restarts >= max_restarts(e)) {
                    server->stop();
                    last_error = "[no retry] the model server " + down_reason + "; gave up after " +
                                 std::to_string(restarts) + " restarts\n  log: " + server->spec().log_path.string() +
                                 "\n" + server->log_tail();
                    return run_end::FAILED;
                }
                ++restarts;
                fmt::print("The model server {}; restarting it ({} of {}) and resuming from the store\n", down_reason,
                           restarts, max_restarts(e));
                std::fflush(stdout);
                server->stop();
                continue;
            }
            if (outcome.finish) {
                outcome.finish();
            }
            if (outcome.failed) {
                last_error = outcome.error;
                return run_end::FAILED;
            }
            if (server != nullptr) {
                server->stop();
            }
            return run_end::COMPLETED;
        }
    }

    static int max_restarts(const run_plan_entry& e) { return e.server ? e.server->max_restarts : 0; }

    // Watches the server while a run goes on: stops the attempt when it exits or
    // fails its health check twice in a row (a hung server answers nothing).
    static void watch(local_server& server, const server_plan& plan, const std::atomic<bool>& finished,
                      cancel_flag& attempt_stop, std::atomic<bool>& down, std::string& reason) {
        int failures = 0;
        auto next_check = std::chrono::steady_clock::now();
        const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(plan.health_interval_s));
        while (!finished.load()) {
            if (!server.running()) {
                reason = server.exit_reason();
                down = true;
                attempt_stop = true;
                return;
            }
            if (std::chrono::steady_clock::now() >= next_check) {
                failures = server.healthy(plan.health_timeout_s) ? 0 : failures + 1;
                if (failures >= 2) {
                    reason = "stopped answering its health check";
                    down = true;
                    attempt_stop = true;
                    return;
                }
                next_check = std::chrono::steady_clock::now() + interval;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    void report_creative_writing(const run_plan_entry& e, const creative_writing_run_settings& settings,
                                 const creative_writing_run_outcome& out) {
        if (auto exported = creative_writing_export(settings, out); !exported) {
            fmt::print(stderr, "eqbench: error: {}\n", exported.err().message);
            ctx_.exit_code = 1;
        }
        int scored = 0;
        int criteria = 0;
        for (const auto& piece : out.pieces) {
            if (piece.result) {
                ++scored;
                criteria += piece.result->parsed;
            }
        }
        for (std::size_t i = 0; i < out.iteration_scores.size(); ++i) {
            if (out.iteration_scores[i]) {
                fmt::print("Iteration {}: {:.2f}\n", i + 1, 10.0 * *out.iteration_scores[i]);
            } else {
                fmt::print("Iteration {}: not scored (10 prompts or fewer)\n", i + 1);
            }
        }
        fmt::print("Average: {:.2f} ({:.2f}, {:.2f})\n", out.interval.mean, out.interval.low, out.interval.high);
        fmt::print("Judged: {} of {} pieces scored, {:.1f} criteria parsed per piece\n", scored, out.pieces.size(),
                   scored > 0 ? static_cast<double>(criteria) / scored : 0.0);
        fmt::print(
            "----creative-writing Benchmark Complete----\n{}\nTime taken: {:.1f} mins\nPrompt Format: {}\nModel: "
            "{}\n",
            local_timestamp(), out.seconds / 60.0, e.instruction_template, e.model);
        if (out.failed) {
            fmt::print("Benchmark Failed: {}\n", out.error);
        }
        fmt::print("Creative Writing Score: {}\nJudge: {}\n", python_float_repr(out.score),
                   settings.common.judge_model);
        fmt::print("Requests sent: {}, tokens: {} in / {} out\n", out.usage.requests, out.usage.input_tokens,
                   out.usage.output_tokens);
        std::fflush(stdout);
    }

    void report_judgemark(const judged_run_common& settings, const judgemark_run_outcome& out) {
        const judgemark_report report = judgemark_report_build(settings, out, reference_table_path());
        if (!report.error.empty()) {
            fmt::print(stderr, "eqbench: error: {}\n", report.error);
            ctx_.exit_code = 1;
        }
        fmt::print("{}", report.text);
        std::fflush(stdout);
    }

    std::filesystem::path reference_table_path() const { return data_dir_ / "judgemark_reference.json"; }

  public:
    std::filesystem::path data_dir_;

  private:
    void report(const run_plan_entry& e, const eq_bench_run_settings& settings, const eq_bench_run_outcome& out) {
        if (out.prompts_sent_whole > 0) {
            fmt::print("Note: {} prompts were sent whole (their revision markers were not found)\n",
                       out.prompts_sent_whole);
        }
        if (auto exported = eq_bench_export(settings, questions_, out); !exported) {
            fmt::print(stderr, "eqbench: error: {}\n", exported.err().message);
            ctx_.exit_code = 1;
        }
        const double minutes = out.seconds / 60.0;
        const std::string version = opts_.v1 ? "v1" : "v2";
        const std::string label = pack_.code == "en" ? version : version + "_" + pack_.code;
        fmt::print("----eq-bench Benchmark Complete----\n{}\nTime taken: {:.1f} mins\nPrompt Format: {}\nModel: {}\n",
                   local_timestamp(), minutes, e.instruction_template, e.model);
        if (out.failed) {
            fmt::print("Benchmark Failed: {}\n", out.error);
        }
        fmt::print("{}\nScore ({}): {}\nParseable: {}\n", version, label, python_float_repr(out.scores.run.score),
                   python_float_repr(out.scores.run.parseable));
        fmt::print("Requests sent: {}, tokens: {} in / {} out, cost: ${:.4f}\n", out.usage.requests,
                   out.usage.input_tokens, out.usage.output_tokens, out.cost);
        std::fflush(stdout);
    }

  public:
    // Creative Writing and Judgemark inputs (set when those benchmarks run).
    const writing_prompt_set* cw_prompts_ = nullptr;
    const writing_prompt_set* jm_prompts_ = nullptr;
    const judgemark_test_set* jm_test_set_ = nullptr;
    const creative_writing_templates* templates_ = nullptr;

  private:
    const run_options& opts_;
    cli_context& ctx_;
    const reference_config& cfg_;
    const run_plan& plan_;
    const question_set& questions_;
    const language_pack& pack_;
    store& db_;
};

void run_main(const run_options& opts, cli_context& ctx) {
    const auto data_dir = data_dir_resolve(ctx.data_dir).path;
    reference_config cfg;
    run_plan plan;
    const bool judgemark_only = opts.benchmarks.size() == 1 && opts.benchmarks.front() == "judgemark";
    const bool from_flags = !opts.model.empty() || (judgemark_only && !opts.judge_model.empty() &&
                                                    opts.config_path.empty() && !std::filesystem::exists("config.cfg"));
    if (from_flags) {
        if (!opts.config_path.empty()) {
            throw fatal_error("--config and --model: give one (a config.cfg batch, or one run from flags)");
        }
        plan = plan_from_flags(opts, data_dir);
        std::vector<config_problem> problems;
        plan.judge = plan_judge(cfg, plan.options, problems);
        if (!problems.empty()) {
            throw fatal_error(config_problems_message("command line", std::move(problems)));
        }
    } else {
        const std::filesystem::path path = opts.config_path.empty() ? "config.cfg" : opts.config_path;
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            throw fatal_error(path.string() + ": no such config file" +
                              (opts.config_path.empty()
                                   ? std::string(" in ") + std::filesystem::current_path(ec).string() +
                                         " (give --config FILE, or --model MODEL for one run from flags)"
                                   : std::string()));
        }
        std::vector<config_problem> problems;
        auto loaded = config_load_lenient(path, problems);
        if (!loaded) {
            throw fatal_error(loaded.err().message);
        }
        cfg = std::move(*loaded);
        plan = plan_build(cfg, plan_options_from(opts, data_dir), problems);
        if (!problems.empty()) {
            throw fatal_error(config_problems_message(path.string(), std::move(problems)));
        }
    }
    if (opts.dry_run) {
        fmt::print("{}\n", plan_to_json(plan));
        return;
    }
    if (plan.runs.empty()) {
        throw fatal_error(plan.config_path +
                          ": [Benchmarks to run] has no runs (one per line: run_id, "
                          "instruction_template, model_path, lora_path, quantization, n_iterations, inference_engine, "
                          "ooba_params, downloader_filters)");
    }
    // Everything that would stop a run is reported before the first one starts.
    std::vector<std::string> problems;
    const auto wants = [&plan](const char* bench) {
        return std::find(plan.options.benchmarks.begin(), plan.options.benchmarks.end(), bench) !=
               plan.options.benchmarks.end();
    };
    if (plan.judge && !plan.judge->unavailable.empty()) {
        problems.push_back(plan.judge->unavailable);
    }
    for (const auto& e : plan.runs) {
        const bool judgemark_alone = plan.options.benchmarks.size() == 1 && wants("judgemark");
        if (!e.unavailable.empty() && !judgemark_alone) {
            problems.push_back((e.line > 0 ? plan.config_path + ":" + std::to_string(e.line) + ": " : std::string()) +
                               "run " + e.run_id + ": " + e.unavailable);
        }
    }
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) {
            message += (message.empty() ? "" : "\n") + p;
        }
        throw fatal_error(message);
    }

    auto pack = opts.language_pack_file.empty() ? language_pack_builtin(opts.language)
                                                : language_pack_load_file(opts.language_pack_file);
    if (!pack) {
        throw fatal_error(pack.err().message);
    }
    if (opts.v1 && opts.language != "en") {
        throw fatal_error("-v1: EQ-Bench v1 exists only in English (-l en)");
    }
    const auto fetch_hint = " (data directory: " + data_dir.string() + "; `eqbench data fetch` downloads it)";
    question_set questions;
    if (wants("eq-bench")) {
        const std::string questions_file = opts.v1 ? "eq_bench_v1_questions_60.json" : pack->question_file;
        // A user's pack may name its question file by path.
        std::error_code ec;
        const std::filesystem::path questions_path =
            std::filesystem::path(questions_file).is_absolute() || std::filesystem::exists(questions_file, ec)
                ? std::filesystem::path(questions_file)
                : data_dir / questions_file;
        auto loaded = questions_load(questions_path);
        if (!loaded) {
            throw fatal_error(loaded.err().message + fetch_hint);
        }
        questions = std::move(*loaded);
    }
    std::optional<writing_prompt_set> cw_prompts;
    std::optional<writing_prompt_set> jm_prompts;
    std::optional<judgemark_test_set> jm_test_set;
    std::optional<creative_writing_templates> templates;
    if (wants("creative-writing") || wants("judgemark")) {
        auto loaded = creative_writing_templates_load(data_dir, plan.options.judge_prompt);
        if (!loaded) {
            throw fatal_error(loaded.err().message);
        }
        templates = std::move(*loaded);
    }
    if (wants("creative-writing")) {
        auto loaded = writing_prompts_load(data_dir / "creative_writing_prompts_v2.2.json");
        if (!loaded) {
            throw fatal_error(loaded.err().message + fetch_hint);
        }
        cw_prompts = std::move(*loaded);
    }
    if (wants("judgemark")) {
        auto loaded = writing_prompts_load(data_dir / "creative_writing_prompts.json");
        if (!loaded) {
            throw fatal_error(loaded.err().message + fetch_hint);
        }
        jm_prompts = std::move(*loaded);
        auto set = judgemark_test_set_load(data_dir / "judgemark_test_set.json");
        if (!set) {
            throw fatal_error(set.err().message + fetch_hint);
        }
        jm_test_set = std::move(*set);
    }
    auto db = store::open(opts.results_dir);
    if (!db) {
        throw fatal_error(db.err().message);
    }

    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    batch_runner batch(opts, ctx, cfg, plan, questions, *pack, **db);
    batch.cw_prompts_ = cw_prompts ? &*cw_prompts : nullptr;
    batch.jm_prompts_ = jm_prompts ? &*jm_prompts : nullptr;
    batch.jm_test_set_ = jm_test_set ? &*jm_test_set : nullptr;
    batch.templates_ = templates ? &*templates : nullptr;
    batch.data_dir_ = data_dir;
    const run_end end = batch.run_all();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (end == run_end::INTERRUPTED) {
        ctx.exit_code = 130;
    } else if (end == run_end::FAILED) {
        ctx.exit_code = 1;
    }
}

}  // namespace

void cmd_run_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<run_options>();
    auto* cmd = app.add_subcommand(
        "run",
        "Run the benchmarks of config.cfg (the reference's [Benchmarks to run]), or one run given by --model. "
        "`eqbench [flags]` without a command is `eqbench run [flags]`.");
    cmd->add_option("--config", opts->config_path, "The config file (default: ./config.cfg)");
    cmd->add_flag("--dry-run", opts->dry_run, "Print the parsed run plan as JSON and send nothing");
    cmd->add_option("--benchmarks", opts->benchmarks, "eq-bench, creative-writing, judgemark (default eq-bench)")
        ->expected(1, -1);
    cmd->add_option("-l,--language", opts->language, "en, de, ja or jahalf (default en)");
    cmd->add_option("--language-pack", opts->language_pack_file,
                    "A language pack file (JSON, as src/lang/packs/*.json) for a language eqbench does not ship");
    cmd->add_flag("--revise", opts->revise, "Keep the critique and revision instructions (600 tokens); also -revise");
    cmd->add_flag("--v1", opts->v1, "EQ-Bench v1 (60 questions, English); also -v1");
    cmd->add_flag("-w,--overwrite", opts->overwrite, "Start runs again, discarding their stored answers");
    cmd->add_flag("-d,--delete-downloads", opts->delete_downloads,
                  "After each run, delete the model files its server downloaded (never a local path you gave)");
    cmd->add_flag("-f,--fast-download", opts->fast_download, "Let servers download with hf_transfer");
    cmd->add_flag("-v,--verbose", opts->verbose, "Print each failed attempt and each answer that did not parse");
    cmd->add_option("-r,--run-retries", opts->run_retries, "Retries of a failed run (default 5)")
        ->check(CLI::Range(0, 100));
    cmd->add_option("--serve-cmd", opts->serve_cmd,
                    "Start this model server for local runs: a shell command with {model}, {port}, {gpus}");
    cmd->add_option("--gpus", opts->gpus, "GPUs for the started server (CUDA_VISIBLE_DEVICES), e.g. 0,1");
    cmd->add_option("--judge-engine", opts->judge_engine,
                    "Judge API for creative-writing and judgemark: openai, mistralai, anthropic, gemini "
                    "(default: [Creative Writing Benchmark] judge_model_api)");
    cmd->add_option("--judge-model", opts->judge_model, "The judge model (default: judge_model in config.cfg)");
    cmd->add_option("--judge-base-url", opts->judge_base_url,
                    "An OpenAI-compatible judge endpoint (default: judge_model_url in config.cfg)");
    cmd->add_option("--judge-prompt", opts->judge_prompt,
                    "Judge prompt template file (placeholders {writing_prompt} {reference_output} "
                    "{test_model_response} {prefix_text} {criteria})");
    cmd->add_flag("--rejudge", opts->rejudge, "Judge every stored generation again (e.g. with another judge)");
    cmd->add_option("--model", opts->model, "One run from flags: the model name as the server knows it");
    cmd->add_option("--base-url", opts->base_urls, "Server base URL; repeat to balance over several");
    cmd->add_option("--api-key-env", opts->api_key_env,
                    "Environment variable holding the API key (default by engine: OPENAI_API_KEY, ANTHROPIC_API_KEY, "
                    "GEMINI_API_KEY, MISTRAL_API_KEY)");
    cmd->add_option("--engine", opts->engine,
                    "openai, openai-completions, anthropic, gemini, mistralai, llama.cpp, ooba");
    cmd->add_option("--instruction-template", opts->instruction_template,
                    "Instruction template (llama.cpp: YAML file; ooba: template name)");
    cmd->add_option("--run-id", opts->run_id, "Run id, the first part of the run key (default 1)");
    cmd->add_option("--iterations", opts->iterations, "Iterations (default 1)")->check(CLI::Range(1, 1000));
    cmd->add_option("--parser", opts->parser, "reference (default) or extended")
        ->check(CLI::IsMember({"reference", "extended"}));
    cmd->add_flag("--legacy-scorer", opts->legacy_scorer, "Score d = 5 as the 2024 leaderboard did (d < 5)");
    cmd->add_option("--concurrency", opts->concurrency, "Requests in flight per endpoint (default 8)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--results-dir", opts->results_dir, "Where the store and exports go (default: current directory)");
    cmd->add_option("--retries", opts->retries, "Transport retries per request (default 5)")->check(CLI::Range(0, 100));
    cmd->add_option("--timeout", opts->timeout, "Seconds per request (default 120)")->check(CLI::PositiveNumber);
    cmd->add_option("--prices", opts->prices_file,
                    "Price file: {\"model\": {\"input\": USD, \"output\": USD}} per million tokens "
                    "(default: $EQBENCH_PRICES, over the built-in list prices)");
    cmd->add_option("--price-input", opts->price_input, "USD per million input tokens (overrides the table)");
    cmd->add_option("--price-output", opts->price_output, "USD per million output tokens (overrides the table)");
    cmd->callback([opts, &ctx] { run_main(*opts, ctx); });
}

}  // namespace eqb
