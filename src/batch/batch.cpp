#include "batch/batch.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "batch/results-upload.hpp"
#include "bench/registry.hpp"
#include "core/secret.hpp"
#include "core/text.hpp"
#include "run/engine.hpp"
#include "serve/hf-cache.hpp"
#include "serve/local-server.hpp"

namespace eqb {
namespace {

// About four characters a token: the estimate where a server reports no thought tokens.
constexpr long thought_chars_per_token = 4;

// A local server that stopped answering will not answer in a longer grace period.
constexpr double local_server_grace_s = 2.0;
constexpr double judge_min_timeout_s = 300.0;  // judgements are long (up to 3000 tokens)
constexpr double progress_waiting_s = 30.0;    // requests waiting longer are named on the progress line

// One benchmark of one run line, made before the batch starts.
struct planned_run {
    const run_plan_entry* entry = nullptr;
    const benchmark_entry* kind = nullptr;
    benchmark_request request;
    std::unique_ptr<benchmark> bench;
};

enum class attempt_end { COMPLETED, FAILED, INTERRUPTED };

class batch_runner {
  public:
    batch_runner(const run_plan& plan, const reference_config& config, const language_pack& pack,
                 const batch_settings& settings, store& db, batch_listener& listener, const std::atomic<bool>& stop)
        : plan_(plan), config_(config), pack_(pack), settings_(settings), db_(db), listener_(listener), stop_(stop) {}

    result<batch_outcome> run() {
        // Every run's benchmark is made first: a missing data file stops the batch before it spends anything.
        std::vector<std::vector<planned_run>> runs;
        for (const auto& entry : plan_.runs) {
            std::vector<planned_run> benches;
            for (const auto& name : plan_.options.benchmarks) {
                planned_run p;
                p.entry = &entry;
                p.kind = benchmark_find(name);
                if (p.kind == nullptr) {
                    return error{"--benchmarks: expected " + benchmark_names_text() + ", got '" + name + "'"};
                }
                p.request = request_for(entry);
                auto made = p.kind->create(p.request);
                if (!made) {
                    return made.err();
                }
                p.bench = std::move(*made);
                if (auto clash = stored_compat_clash(*p.bench); clash) {
                    return error{*clash};
                }
                benches.push_back(std::move(p));
            }
            runs.push_back(std::move(benches));
        }
        short_keys_note();
        const auto started = std::chrono::steady_clock::now();
        const auto cache = cache_state_before();
        batch_outcome outcome;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (stop_.load()) {
                outcome.end = batch_end::INTERRUPTED;
                return outcome;
            }
            const auto& entry = plan_.runs[i];
            listener_.line("--------------");
            listener_.line(fmt::format("Running benchmark {} of {}", i + 1, plan_.runs.size()));
            listener_.line("");
            bool asks_model = false;
            for (const auto& p : runs[i]) {
                asks_model = asks_model || p.kind->needs_test_model;
            }
            // Judgemark alone tests the judge: name it.
            listener_.line(asks_model || !plan_.judge ? entry.model : "Judge: " + plan_.judge->model);
            if (!entry.lora.empty()) {
                listener_.line(entry.lora);
            }
            listener_.line("--------------");
            bool entry_failed = false;
            for (auto& p : runs[i]) {
                const attempt_end end = run_with_retries(p);
                if (end == attempt_end::INTERRUPTED) {
                    outcome.end = batch_end::INTERRUPTED;
                    outcome.export_errors = export_errors_;
                    return outcome;
                }
                entry_failed = entry_failed || end == attempt_end::FAILED;
            }
            if (entry_failed) {
                ++outcome.failed_runs;
            } else {
                delete_download(i, cache);
            }
        }
        const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60.0;
        listener_.line("---------------");
        listener_.line("Batch completed");
        listener_.line(fmt::format("Time taken: {:.1f} mins", minutes));
        listener_.line("---------------");
        if (outcome.failed_runs > 0) {
            listener_.line(fmt::format("{} of {} runs failed (see benchmark_results.csv)", outcome.failed_runs,
                                       plan_.runs.size()));
        }
        outcome.end = outcome.failed_runs > 0 ? batch_end::FAILED : batch_end::COMPLETED;
        outcome.export_errors = export_errors_;
        return outcome;
    }

  private:
    using hf_cache_state = std::map<std::string, bool>;  // model -> its cache folder existed before the batch

    // A run key stored with another --compat (the fork's keys are the reference's):
    // resuming would mix answers to other prompts. -w starts it over instead.
    std::optional<std::string> stored_compat_clash(const benchmark& bench) const {
        if (plan_.options.overwrite) {
            return std::nullopt;
        }
        const auto compat_of = [](const std::string& metadata) {
            const auto doc = nlohmann::json::parse(metadata, nullptr, false);
            return doc.is_object() && doc.contains("compat") && doc["compat"].is_string()
                       ? doc["compat"].get<std::string>()
                       : std::string();
        };
        for (const auto& binding : bench.runs()) {
            const auto stored = db_.run_find(binding.key);
            if (!stored || !*stored) {
                continue;
            }
            const std::string was = compat_of((*stored)->metadata_json);
            const std::string now = compat_of(binding.metadata_json);
            if (was != now) {
                return fmt::format(
                    "run {} is stored {}, and this run is {}: give it another run id, or -w to "
                    "start it over",
                    binding.key, was.empty() ? "without --compat" : "with --compat " + was,
                    now.empty() ? "without --compat" : "with --compat " + now);
            }
        }
        return std::nullopt;
    }

    benchmark_request request_for(const run_plan_entry& e) const {
        return batch_benchmark_request(plan_, e, pack_, settings_);
    }

    std::vector<std::string> endpoint_urls(const run_plan_entry& e) const { return batch_endpoint_urls(e, settings_); }

    // Once per key source: a key too short to redact (a local server's placeholder).
    void short_keys_note() const {
        std::set<std::string> told;
        const auto note = [&](const std::string& key, const std::string& source) {
            const std::string line = secret_short_key_note(key, source.empty() ? "the command line" : source);
            if (!line.empty() && told.insert(source).second) {
                listener_.problem("eqbench: " + line);
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
        const auto hub = hf_hub_cache(config_.hf_cache_dir);
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
        const auto dir = hf_model_cache_dir(hf_hub_cache(config_.hf_cache_dir), e.model);
        std::error_code ec;
        if (dir && std::filesystem::exists(*dir, ec)) {
            std::filesystem::remove_all(*dir, ec);
            if (ec) {
                listener_.problem(fmt::format("eqbench: could not delete {}: {}", dir->string(), ec.message()));
            } else {
                listener_.line("Deleted the downloaded model files: " + dir->string());
            }
        }
    }

    result<std::unique_ptr<endpoint_pool>> test_pool(const run_plan_entry& e, const std::vector<std::string>& urls) {
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
            cfg.reasoning = e.reasoning;
            auto client = chat_client_create(cfg);
            if (!client) {
                return client.err();
            }
            clients.push_back(std::move(*client));
        }
        return std::make_unique<endpoint_pool>(std::move(clients), plan_.options.concurrency);
    }

    result<std::unique_ptr<endpoint_pool>> judge_pool() {
        if (!plan_.judge) {
            return error{"no judge is configured"};
        }
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
        cfg.timeout_s = std::max(settings_.timeout_s, judge_min_timeout_s);
        cfg.reasoning = j.reasoning;
        auto client = chat_client_create(cfg);
        if (!client) {
            return client.err();
        }
        std::vector<std::unique_ptr<chat_client>> clients;
        clients.push_back(std::move(*client));
        return std::make_unique<endpoint_pool>(std::move(clients), plan_.options.concurrency);
    }

    // Why a failed attempt failed, whether running it again could change that,
    // and what the engine made of it (nothing when it did not run).
    struct attempt_failure {
        std::string why;
        bool permanent = false;
        std::optional<run_summary> summary;  // the run's scores as stored: exported with the failure
        std::vector<std::string> usage;      // the closing block's usage lines
    };

    // The run's one CSV row (and raw_results.json entry when it ran): its final outcome.
    attempt_end fail_run(planned_run& p, attempt_failure& last) {
        listener_.problem(fmt::format("eqbench: run {} ({}) failed: {}", p.entry->run_id, p.kind->name, last.why));
        for (const auto& text : last.usage) {
            listener_.line(text);
        }
        const std::size_t rows_before = results_csv_records(plan_.options.results_dir).size();
        result<bool> exported = true;
        if (last.summary) {
            last.summary->status = "failed";
            last.summary->error = last.why;
            exported = engine_write_exports(*p.bench, db_, *last.summary);
        } else {
            exported = p.kind->export_failure(p.request, last.why);
        }
        if (!exported) {
            listener_.problem("eqbench: error: " + exported.err().message);
            export_errors_ = true;
        } else {
            results_upload(p, true, rows_before);
        }
        return attempt_end::FAILED;
    }

    // The reference's append_row of the run's CSV row; a problem is one line, never a failure.
    void results_upload(const planned_run& p, bool failed, std::size_t rows_before) {
        if (config_.google_spreadsheet_url.empty() || !results_upload_applies(p.kind->name, failed)) {
            return;
        }
        const auto note =
            results_upload_last_row(config_.google_spreadsheet_url, plan_.options.results_dir, rows_before);
        if (note.ok) {
            listener_.line(note.text);
        } else {
            listener_.problem("eqbench: " + note.text);
        }
    }

    // What to do about a key: where it came from, or that none was given.
    static std::string key_hint(const std::string& source, const std::string& engine) {
        if (source.empty()) {
            return "no API key was given (set " + engine_api_key_env(engine) + ")";
        }
        return "check " + (source.rfind("environment ", 0) == 0 ? source.substr(12) : source);
    }

    // The first endpoint problem that stops the run, in one line; nullopt when all answer.
    std::optional<std::string> preflight(const run_plan_entry& e, const endpoint_pool* tests,
                                         const endpoint_pool* judges, std::vector<std::string>& listed) const {
        constexpr double probe_timeout_s = 8.0;
        const auto check = [&](const endpoint_pool& pool, const std::string& source,
                               const std::string& engine) -> std::optional<std::string> {
            for (std::size_t i = 0; i < pool.size(); ++i) {
                const auto probe = endpoint_probe(pool.client(i).endpoint(), probe_timeout_s);
                if (probe.permanent_failure) {
                    return probe.http_status == 401 || probe.http_status == 403
                               ? probe.problem + ": " + key_hint(source, engine)
                               : probe.problem;
                }
                if (&pool == tests && !probe.models.empty()) {
                    listed = probe.models;
                }
            }
            return std::nullopt;
        };
        if (tests != nullptr) {
            if (auto problem = check(*tests, e.api_key_source, e.engine)) {
                return problem;
            }
        }
        if (judges != nullptr && plan_.judge) {
            if (auto problem = check(*judges, plan_.judge->api_key_source, plan_.judge->engine)) {
                return "the judge: " + *problem;
            }
        }
        return std::nullopt;
    }

    // A refusal during the run in one line: an unknown model names what the server has.
    std::string refusal_message(const run_plan_entry& e, const std::string& error,
                                const std::vector<std::string>& listed) const {
        if (error.find("HTTP 404") != std::string::npos && !listed.empty()) {
            std::string names;
            for (const auto& m : listed) {
                names += (names.empty() ? "" : ", ") + m;
            }
            return e.endpoint + ": model '" + e.request_model + "' not found; the server has: " + names;
        }
        if (error.find("HTTP 401") != std::string::npos || error.find("HTTP 403") != std::string::npos) {
            return "unauthorized: " + key_hint(e.api_key_source, e.engine) + " (" + error + ")";
        }
        return error;
    }

    // The closing block's lines every benchmark shares: requests this invocation
    // sent, what was resumed, tokens, cost (the judge's too), failures by cause.
    std::vector<std::string> usage_lines(const planned_run& p, const run_totals& totals,
                                         const run_counters& counters) const {
        std::vector<std::string> lines;
        const int sent = counters.requests.load();
        lines.push_back(totals.resumed > 0 ? fmt::format("Requests sent: {}, resumed from the store: {} of {} items",
                                                         sent, totals.resumed, totals.tasks)
                                           : fmt::format("Requests sent: {}", sent));
        const long judge_in = counters.judge_input_tokens.load();
        const long judge_out = counters.judge_output_tokens.load();
        const long test_in = counters.input_tokens.load() - judge_in;
        const long test_out = counters.output_tokens.load() - judge_out;
        const bool judged = counters.judge_requests.load() > 0 || !p.kind->needs_test_model;
        const bool tested = p.kind->needs_test_model;
        struct priced {
            std::string who;  // "MODEL" or "judge MODEL"
            std::string model;
            std::optional<double> cost;
        };
        std::vector<priced> costs;
        if (tested) {
            costs.push_back({p.entry->model, p.entry->model, batch_cost(settings_, p.entry->model, test_in, test_out)});
        }
        if (judged && plan_.judge) {
            const std::string& judge = plan_.judge->model;
            costs.push_back({"judge " + judge, judge, batch_cost(settings_, judge, judge_in, judge_out)});
        }
        std::string tokens = fmt::format("Tokens: {} in / {} out", test_in + judge_in, test_out + judge_out);
        if (tested && judged) {
            tokens += fmt::format(" (the judge: {} in / {} out)", judge_in, judge_out);
        }
        lines.push_back(tokens);
        std::string cost;
        double total = 0.0;
        bool all_known = true;
        for (const auto& c : costs) {
            if (c.cost) {
                cost += (cost.empty() ? "" : " + ") + fmt::format("${:.4f} ({})", *c.cost, c.who);
                total += *c.cost;
            } else {
                all_known = false;
            }
        }
        if (!cost.empty()) {
            lines.push_back("Cost: " + cost + (costs.size() > 1 && all_known ? fmt::format(" = ${:.4f}", total) : ""));
        }
        for (const auto& c : costs) {
            if (!c.cost) {
                lines.push_back("Cost: price unknown for " + c.model + " (add it with --prices)");
            }
        }
        if (const std::string failures = counters.failures_text(); !failures.empty()) {
            lines.push_back("Failures: " + failures);
        }
        reasoning_lines(p, counters, lines);
        return lines;
    }

    // What the thoughts cost and how many answers they ate; a thinking budget
    // labels the score, so nobody compares it with the 60-token leaderboard.
    void reasoning_lines(const planned_run& p, const run_counters& counters, std::vector<std::string>& lines) const {
        const reasoning_settings test = reasoning_settings_resolved(p.entry->reasoning);
        const int thoughts = counters.thought_answers.load();
        const long reported = counters.reasoning_tokens.load();
        if (test.mode == reasoning_mode::ON) {
            lines.push_back("Reasoning: " + reasoning_settings_label(test) +
                            ": a score with a thinking budget, not comparable with the reference's leaderboard");
        }
        if (thoughts > 0 || reported > 0 || test.mode != reasoning_mode::AUTO) {
            const long unreported_chars = counters.thought_chars_unreported.load();
            if (unreported_chars > 0 || reported == 0) {
                const long estimated = unreported_chars / thought_chars_per_token;
                lines.push_back(fmt::format("Reasoning tokens: {} ({}{} estimated from the thoughts' characters)",
                                            reported + estimated, reported > 0 ? "reported by the server, " : "",
                                            reported > 0 ? fmt::format("{}", estimated) : std::string("all")));
            } else {
                lines.push_back(fmt::format("Reasoning tokens: {} (reported by the server)", reported));
            }
            lines.push_back(fmt::format("Truncated in reasoning: {}", counters.truncated_in_reasoning.load()));
        }
        if (test.mode == reasoning_mode::OFF && thoughts > 0) {
            lines.push_back(fmt::format(
                "Note: thinking was asked off, but {} answers came with a thought (kept apart, never scored)",
                thoughts));
        }
        for (const auto& note : counters.notes()) {
            lines.push_back("Changed: " + note);
        }
    }

    attempt_end run_with_retries(planned_run& p) {
        const run_plan_entry& e = *p.entry;
        std::unique_ptr<local_server> server;
        if (e.server && p.kind->needs_test_model) {
            local_server_spec spec;
            spec.command = e.server->command;
            spec.cwd = e.server->cwd;
            spec.gpus = e.server->gpus;
            spec.env = e.server->env;
            spec.port = e.server->port;
            spec.health_paths = e.server->health_paths;
            spec.startup_timeout_s = e.server->startup_timeout_s;
            spec.log_path = std::filesystem::path(plan_.options.results_dir) / "logs" / ("server-" + e.run_id + ".log");
            if (e.server->kind == "ooba" && e.server->downloads) {
                listener_.line(fmt::format("Downloading {} with huggingface-cli...", e.model));
                auto path = hf_download({e.model, e.include_patterns, e.exclude_patterns, config_.hf_cache_dir});
                if (!path) {
                    attempt_failure failed{path.err().message, true, std::nullopt, {}};
                    return stop_.load() ? attempt_end::INTERRUPTED : fail_run(p, failed);
                }
                const std::filesystem::path folder(*path);
                spec.command =
                    text_replace_all(spec.command, "{model_dir_name}", shell_quote(folder.filename().string()));
                spec.command =
                    text_replace_all(spec.command, "{model_dir_parent}", shell_quote(folder.parent_path().string()));
            }
            server = std::make_unique<local_server>(std::move(spec));
        }
        attempt_failure last;
        for (int attempt = 0; attempt <= plan_.options.run_retries; ++attempt) {
            if (attempt > 0) {
                listener_.line(fmt::format("Run {} ({}) failed: {}; retrying ({} of {})", e.run_id, p.kind->name,
                                           last.why, attempt, plan_.options.run_retries));
            }
            last = attempt_failure{};
            const attempt_end end = run_once(p, server.get(), last);
            if (end != attempt_end::FAILED || stop_.load()) {
                return stop_.load() ? attempt_end::INTERRUPTED : end;
            }
            if (last.permanent) {
                break;
            }
        }
        if (server) {
            server->stop();
        }
        return fail_run(p, last);
    }

    // Starts the server when it is not running; "" or why it did not start.
    std::string ensure_server(local_server& server) {
        if (server.running()) {
            return "";
        }
        listener_.line("Starting the model server: " + server.spec().command);
        listener_.line("  (log: " + server.spec().log_path.string() + ")");
        const auto t0 = std::chrono::steady_clock::now();
        auto started = server.start(stop_);
        if (!started) {
            return started.err().message;
        }
        listener_.line(fmt::format("Server ready on port {} after {:.1f} s", server.port(),
                                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
        return "";
    }

    attempt_end run_once(planned_run& p, local_server* server, attempt_failure& last) {
        const run_plan_entry& e = *p.entry;
        std::vector<std::string> urls = endpoint_urls(e);
        int restarts = 0;
        const int max_restarts = e.server ? e.server->max_restarts : 0;
        while (true) {
            if (server != nullptr) {
                if (const std::string why = ensure_server(*server); !why.empty()) {
                    if (stop_.load()) {
                        return attempt_end::INTERRUPTED;
                    }
                    last = {"the model server did not start: " + why, true, std::nullopt, {}};
                    return attempt_end::FAILED;
                }
                for (auto& url : urls) {
                    url = text_replace_all(e.endpoint, "{port}", std::to_string(server->port()));
                }
            }
            std::unique_ptr<endpoint_pool> tests;
            std::unique_ptr<endpoint_pool> judges;
            if (p.kind->needs_test_model) {
                auto pool = test_pool(e, urls);
                if (!pool) {
                    last = {pool.err().message, true, std::nullopt, {}};
                    return attempt_end::FAILED;
                }
                tests = std::move(*pool);
            }
            if (p.kind->needs_judge) {
                auto pool = judge_pool();
                if (!pool) {
                    last = {pool.err().message, true, std::nullopt, {}};
                    return attempt_end::FAILED;
                }
                judges = std::move(*pool);
            }
            // Before the first item: does every endpoint connect, take the key, know the model?
            std::vector<std::string> listed;  // the models the test server lists
            if (auto refused = preflight(e, tests.get(), judges.get(), listed)) {
                last = {*refused, true, std::nullopt, {}};
                return attempt_end::FAILED;
            }

            cancel_flag attempt_stop{false};
            std::atomic<bool> server_down{false};
            std::atomic<bool> finished{false};
            std::string down_reason;
            std::thread watchdog;
            if (server != nullptr) {
                const server_health_policy health{e.server->health_interval_s, e.server->health_timeout_s};
                watchdog = std::thread([&, health] {
                    local_server_watch(*server, health, finished, attempt_stop, server_down, down_reason);
                });
            }
            run_counters counters;
            const auto started = std::chrono::steady_clock::now();
            const auto snapshot = [&] {
                progress_snapshot s;
                s.label = std::string(p.kind->name);
                s.total = counters.total.load();
                s.done = counters.done.load();
                s.already_done = counters.already_done.load();
                s.transport_retries = counters.transport_retries.load();
                s.parse_failures = counters.answer_retries.load();
                s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                std::tie(s.waiting, s.waiting_s) = counters.waiting_longer_than(progress_waiting_s);
                return s;
            };
            engine_settings es;
            es.overwrite = plan_.options.overwrite;
            es.rejudge = plan_.options.rejudge;
            es.retries.max_attempts = settings_.retries + 1;
            if (e.server) {
                es.grace_s = local_server_grace_s;
            }
            if (settings_.verbose) {
                es.verbose = [this](const std::string& text) { listener_.problem(text); };
            }
            es.notice = [this](const std::string& text) { listener_.line("Note: " + text); };
            es.tick = [&] {
                if (stop_.load()) {
                    attempt_stop = true;
                }
                if (counters.total.load() > 0) {
                    listener_.progress(snapshot(), false);
                }
            };
            auto outcome = engine_run(*p.bench, {tests.get(), judges.get()}, db_, es, counters, attempt_stop);
            finished = true;
            if (watchdog.joinable()) {
                watchdog.join();
            }
            listener_.progress(snapshot(), true);
            if (!outcome) {
                last = {outcome.err().message, true, std::nullopt, {}};
                return attempt_end::FAILED;
            }
            if (outcome->permanent) {
                last = {refusal_message(e, outcome->summary.error, listed), true, std::nullopt,
                        usage_lines(p, outcome->totals, counters)};
                return attempt_end::FAILED;
            }
            const run_summary& summary = outcome->summary;
            if (summary.status == "interrupted" && stop_.load()) {
                for (const auto& text : usage_lines(p, outcome->totals, counters)) {
                    listener_.line(text);
                }
                listener_.problem(fmt::format(
                    "Interrupted: {}. Everything answered so far is stored in {}/eqbench.db; run the same command "
                    "again to resume.",
                    summary.error, plan_.options.results_dir));
                return attempt_end::INTERRUPTED;
            }
            if (summary.status == "interrupted" && server_down.load()) {
                if (restarts >= max_restarts) {
                    server->stop();
                    last = {"the model server " + down_reason + "; gave up after " + std::to_string(restarts) +
                                " restarts\n  log: " + server->spec().log_path.string() + "\n" + server->log_tail(),
                            true,
                            std::nullopt,
                            {}};
                    return attempt_end::FAILED;
                }
                ++restarts;
                listener_.line(fmt::format("The model server {}; restarting it ({} of {}) and resuming from the store",
                                           down_reason, restarts, max_restarts));
                server->stop();
                continue;
            }
            if (summary.status == "failed") {
                // Not printed: the batch retries, or the last failure is reported once.
                run_summary failed = summary;
                if (const int cut = counters.truncated_in_reasoning.load(); cut > 0) {
                    failed.error += fmt::format(
                        " ({} answers ended inside the model's thought at the output limit: give it room with "
                        "--reasoning-budget N, or --reasoning off)",
                        cut);
                }
                last = {failed.error, failed.permanent, failed, usage_lines(p, outcome->totals, counters)};
                return attempt_end::FAILED;
            }
            run_summary closing = summary;
            const std::size_t rows_before = results_csv_records(plan_.options.results_dir).size();
            const auto exported = engine_write_exports(*p.bench, db_, closing);
            if (!exported) {
                listener_.problem("eqbench: error: " + exported.err().message);
                export_errors_ = true;
            }
            for (const auto& text : closing.report) {
                listener_.line(text);
            }
            if (exported) {
                results_upload(p, false, rows_before);
            }
            for (const auto& text : usage_lines(p, outcome->totals, counters)) {
                listener_.line(text);
            }
            if (server != nullptr) {
                server->stop();
            }
            return attempt_end::COMPLETED;
        }
    }

    const run_plan& plan_;
    const reference_config& config_;
    const language_pack& pack_;
    const batch_settings& settings_;
    store& db_;
    batch_listener& listener_;
    const std::atomic<bool>& stop_;
    bool export_errors_ = false;
};

}  // namespace

std::optional<model_price> batch_price(const batch_settings& settings, const std::string& model) {
    std::optional<model_price> price = price_table_find(settings.prices, model);
    if (!price && (settings.price_input < 0.0 || settings.price_output < 0.0)) {
        return std::nullopt;
    }
    model_price out = price.value_or(model_price{});
    if (settings.price_input >= 0.0) {
        out.input_per_million = settings.price_input;
    }
    if (settings.price_output >= 0.0) {
        out.output_per_million = settings.price_output;
    }
    return out;
}

std::optional<double> batch_cost(const batch_settings& settings, const std::string& model, long input_tokens,
                                 long output_tokens) {
    const auto price = batch_price(settings, model);
    if (!price) {
        return std::nullopt;
    }
    return price_cost(*price, input_tokens, output_tokens);
}

std::vector<std::string> batch_endpoint_urls(const run_plan_entry& e, const batch_settings& settings) {
    if (!settings.base_urls.empty() && e.line == 0) {
        return settings.base_urls;
    }
    return {e.endpoint};
}

benchmark_request batch_benchmark_request(const run_plan& plan, const run_plan_entry& e, const language_pack& pack,
                                          const batch_settings& settings) {
    benchmark_request r;
    r.run.run_id = e.run_id;
    r.run.model = e.model;
    r.run.engine_name = e.engine;
    r.run.instruction_template = e.instruction_template;
    r.run.lora = e.lora;
    r.run.quantization = e.quantization;
    r.run.ooba_params = e.ooba_params_key;
    r.run.download_filters = config_filters_string(e.include_patterns, e.exclude_patterns);
    // The reference's min_p 0.1 (and, for Creative Writing, temperature 1.0) go
    // with the engines that sample with min_p: transformers and ooba, not llama.cpp.
    r.run.min_p_engine = e.client == "ooba" || e.engine == "transformers";
    r.run.iterations = e.iterations;
    r.run.results_dir = plan.options.results_dir;
    r.run.endpoints = batch_endpoint_urls(e, settings);
    r.run.reasoning = e.reasoning;
    if (plan.judge) {
        r.judge.reasoning = plan.judge->reasoning;
        r.judge.model = plan.judge->model;
        r.judge.engine_name = plan.judge->engine;
        r.judge.endpoints = {plan.judge->endpoint};
    }
    r.pack = pack;
    r.revise = plan.options.revise;
    r.v1 = plan.options.v1;
    r.parser = settings.parser;
    r.scorer = settings.scorer;
    r.scale = settings.scale;
    r.compat = settings.compat;
    r.creative_prompts = settings.creative_prompts;
    r.transport_attempts = settings.retries + 1;
    r.data_dir = plan.options.data_dir;
    r.judge_prompt_file = plan.options.judge_prompt;
    r.pairwise = plan.options.pairwise;
    const model_price price = batch_price(settings, e.model).value_or(model_price{});
    r.price_input_per_million = price.input_per_million;
    r.price_output_per_million = price.output_per_million;
    return r;
}

result<batch_outcome> batch_run(const run_plan& plan, const reference_config& config, const language_pack& pack,
                                const batch_settings& settings, store& db, batch_listener& listener,
                                const std::atomic<bool>& stop) {
    batch_runner runner(plan, config, pack, settings, db, listener, stop);
    return runner.run();
}

}  // namespace eqb
