#include "batch/translate.hpp"

#include <chrono>
#include <cstdlib>

#include "client/chat-client.hpp"
#include "core/secret.hpp"
#include "lang/language-pack.hpp"
#include "run/engine.hpp"

namespace eqb {
namespace {

// The pack answers are checked with: --language-pack, else (half) the source's
// pack, else the target's built-in pack; nullopt when there is none.
result<std::optional<language_pack>> check_pack_for(const translate_request& opts) {
    if (!opts.language_pack.empty()) {
        auto pack = language_pack_load_file(opts.language_pack);
        if (!pack) {
            return pack.err();
        }
        return std::optional<language_pack>(*pack);
    }
    if (opts.mode == "half") {
        const std::string stem = std::filesystem::path(opts.source).stem().string();
        for (const char* code : {"de", "ja"}) {
            const std::string suffix = std::string("_") + code;
            if (stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
                return std::optional<language_pack>(*language_pack_builtin(code));
            }
        }
        return std::optional<language_pack>(*language_pack_builtin("en"));
    }
    if (auto pack = language_pack_builtin(opts.to)) {
        return std::optional<language_pack>(*pack);
    }
    return std::optional<language_pack>();
}

}  // namespace

result<translate_result> batch_translate(const translate_request& opts, batch_listener& listener,
                                         const std::atomic<bool>& stop) {
    const auto engine = engine_kind_from_string(opts.engine);
    if (!engine) {
        return error{"--engine " + opts.engine + ": expected openai, anthropic, gemini, mistralai, llama.cpp or ooba"};
    }
    auto pack = check_pack_for(opts);
    if (!pack) {
        return pack.err();
    }
    translate_settings settings;
    settings.source = opts.source;
    settings.out = opts.out;
    settings.to = opts.to;
    settings.half = opts.mode == "half";
    settings.model = opts.model;
    settings.tries = opts.tries;
    settings.check_markers = pack->has_value();
    settings.translate_criteria = opts.translate_criteria;
    language_pack empty_pack;
    empty_pack.code = opts.to;
    auto bench = translate_create(settings, *pack ? **pack : empty_pack);
    if (!bench) {
        return bench.err();
    }
    const std::string key_env = !opts.api_key_env.empty() ? opts.api_key_env : engine_api_key_env(opts.engine);
    const char* env_key = std::getenv(key_env.c_str());
    const std::string key = env_key != nullptr ? env_key : "";
    if (const std::string note = secret_short_key_note(key, key_env); !note.empty()) {
        listener.problem("eqbench: " + note);
    }
    std::vector<std::unique_ptr<chat_client>> clients;
    for (const auto& url :
         opts.base_urls.empty() ? std::vector<std::string>{endpoint_default_base_url(*engine)} : opts.base_urls) {
        endpoint_config cfg;
        cfg.engine = *engine;
        cfg.base_url = url;
        cfg.api_key = key;
        cfg.model = opts.model;
        cfg.timeout_s = opts.timeout;
        auto client = chat_client_create(cfg);
        if (!client) {
            return client.err();
        }
        clients.push_back(std::move(*client));
    }
    endpoint_pool pool(std::move(clients), opts.concurrency);
    auto db = store::open(opts.results_dir);
    if (!db) {
        return db.err();
    }
    run_counters counters;
    const auto started = std::chrono::steady_clock::now();
    const auto snapshot = [&] {
        progress_snapshot s;
        s.label = "translate";
        s.retry_label = "rejections";
        s.total = counters.total.load();
        s.done = counters.done.load();
        s.already_done = counters.already_done.load();
        s.parse_failures = counters.answer_retries.load();
        s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return s;
    };
    engine_settings es;
    es.overwrite = opts.overwrite;
    es.retries.max_attempts = opts.retries + 1;
    if (opts.verbose) {
        es.verbose = [&listener](const std::string& line) { listener.problem(line); };
    }
    es.tick = [&] { listener.progress(snapshot(), false); };
    auto outcome = engine_run(**bench, {&pool, nullptr}, **db, es, counters, stop);
    listener.progress(snapshot(), true);
    if (!outcome) {
        return outcome.err();
    }
    if (auto written = engine_write_exports(**bench, **db, outcome->summary); !written) {
        return written.err();
    }
    translate_result out;
    out.outcome = (*bench)->outcome();
    out.pack_known = pack->has_value();
    out.rejections = counters.answer_retries.load();
    return out;
}

}  // namespace eqb
