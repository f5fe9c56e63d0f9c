#include "config/config.hpp"

#include "core/reasoning.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "config/ini.hpp"
#include "core/text.hpp"

namespace eqb {
namespace {

const char* const benchmarks_section = "Benchmarks to run";

// `s` without leading and trailing characters from `chars` (Python's str.text_strip(chars)).
std::string strip_chars(const std::string& s, const char* chars) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && std::strchr(chars, s[b]) != nullptr) {
        ++b;
    }
    while (e > b && std::strchr(chars, s[e - 1]) != nullptr) {
        --e;
    }
    return s.substr(b, e - b);
}

std::string ascii_lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = s.find(sep, start);
        if (at == std::string::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, at - start));
        start = at + 1;
    }
}

std::string join(const std::vector<std::string>& parts, std::size_t from, std::size_t to, const std::string& sep) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        if (i > from) {
            out += sep;
        }
        out += parts[i];
    }
    return out;
}

// os.path.expanduser for "~" and "~/..." (the only forms the reference's users write).
std::string expand_user(const std::string& path) {
    if (path == "~" || path.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (home != nullptr && *home != '\0') {
            return std::string(home) + path.substr(1);
        }
    }
    return path;
}

std::string absolute_from(const std::string& path, const std::filesystem::path& cwd) {
    std::filesystem::path p(path);
    if (p.is_relative()) {
        p = cwd / p;
    }
    return p.lexically_normal().string();
}

// Python int() of a config field: optional sign, ASCII digits, single underscores between digits.
std::optional<long> python_int(const std::string& text) {
    const std::string s = text_strip(text);
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        ++i;
    }
    if (i >= s.size()) {
        return std::nullopt;
    }
    long value = 0;
    bool last_digit = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            if (value > 100000000L) {
                return std::nullopt;  // far beyond any sensible count
            }
            value = value * 10 + (c - '0');
            last_digit = true;
        } else if (c == '_' && last_digit && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
            last_digit = false;
        } else {
            return std::nullopt;
        }
    }
    return negative ? -value : value;
}

std::optional<double> positive_number(const std::string& text) {
    const std::string s = text_strip(text);
    if (s.empty()) {
        return std::nullopt;
    }
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !(v > 0.0) || v > 1e9) {
        return std::nullopt;
    }
    return v;
}

// One --include/--exclude filter as the reference's regex
// (--include \[.*?\]|--include ".*?"|--exclude \[.*?\]|--exclude ".*?") finds it.
struct filter_match {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool include = true;
    std::string value;  // the bracketed or quoted part, with its delimiters
};

std::vector<filter_match> find_filters(const std::string& line) {
    std::vector<filter_match> found;
    std::size_t p = 0;
    while (p < line.size()) {
        bool matched = false;
        for (const bool include : {true, false}) {
            const std::string head = include ? "--include " : "--exclude ";
            if (line.compare(p, head.size(), head) != 0 || p + head.size() >= line.size()) {
                continue;
            }
            const std::size_t open = p + head.size();
            const char opener = line[open];
            if (opener != '[' && opener != '"') {
                continue;
            }
            const std::size_t close = line.find(opener == '[' ? ']' : '"', open + 1);
            if (close == std::string::npos) {
                continue;
            }
            found.push_back({p, close + 1, include, line.substr(open, close + 1 - open)});
            p = close + 1;
            matched = true;
            break;
        }
        if (!matched) {
            ++p;
        }
    }
    return found;
}

// parse_downloader_args on one value: brackets and every quote removed, then
// split on commas and spaces when it holds a comma.
std::vector<std::string> filter_values(const std::string& value) {
    std::string cleaned;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if ((i == 0 && c == '[') || (i + 1 == value.size() && c == ']') || c == '\'' || c == '"') {
            continue;
        }
        cleaned += c;
    }
    std::vector<std::string> values;
    if (cleaned.find(',') != std::string::npos) {
        std::string token;
        for (const char c : cleaned) {
            if (c == ',' || text_is_space(c)) {
                if (!token.empty()) {
                    values.push_back(token);
                }
                token.clear();
            } else {
                token += c;
            }
        }
        if (!token.empty()) {
            values.push_back(token);
        }
    } else if (const std::string one = text_strip(cleaned); !one.empty()) {
        values.push_back(one);
    }
    return values;
}

std::string got(const std::string& value) {
    return ", got '" + value + "'";
}

}  // namespace

const std::vector<std::string>& config_engine_names() {
    static const std::vector<std::string> names = {"transformers", "openai",    "ooba",  "llama.cpp",
                                                   "anthropic",    "mistralai", "gemini"};
    return names;
}

std::string config_filters_string(const std::vector<std::string>& include, const std::vector<std::string>& exclude) {
    std::string out;
    if (!include.empty()) {
        out += "--include [\"" + join(include, 0, include.size(), "\", \"") + "\"] ";
    }
    if (!exclude.empty()) {
        out += "--exclude [\"" + join(exclude, 0, exclude.size(), "\", \"") + "\"]";
    }
    return text_strip(out);
}

result<config_run_line> config_run_line_parse(const std::string& raw, const std::filesystem::path& cwd) {
    config_run_line run;
    std::string line = text_strip(raw);
    run.text = line;
    if (!line.empty() && line.front() == ',') {
        return error{"run_id: expected a name for the run as the first field, got nothing"};
    }
    const auto filters = find_filters(line);
    std::string rest;
    std::size_t at = 0;
    for (const auto& f : filters) {
        auto values = filter_values(f.value);
        if (values.empty()) {
            return error{std::string("downloader_filters: expected at least one pattern after --") +
                         (f.include ? "include" : "exclude") + got(line.substr(f.begin, f.end - f.begin))};
        }
        auto& into = f.include ? run.include_patterns : run.exclude_patterns;
        into.insert(into.end(), values.begin(), values.end());
        rest += line.substr(at, f.begin - at);
        at = f.end;
    }
    rest += line.substr(at);
    line = strip_chars(rest, ",");
    if (line.find("--include") != std::string::npos || line.find("--exclude") != std::string::npos) {
        return error{
            "downloader_filters: expected --include [\"pattern\", ...] or --exclude \"pattern\" (a list in "
            "brackets or one pattern in double quotes)" +
            got(line.substr(std::min(line.find("--include"), line.find("--exclude"))))};
    }

    const auto parts = split(line, ',');
    if (parts.size() < 7) {
        return error{
            "expected at least 7 comma-separated fields (run_id, instruction_template, model_path, "
            "lora_path, quantization, n_iterations, inference_engine[, ooba_params, downloader_filters]), "
            "found " +
            std::to_string(parts.size())};
    }
    // The reference takes ooba_params as parts[7:-1]: the last part is the
    // (already removed) filters slot. A non-blank last part would be silently
    // dropped there; eqbench keeps it as part of ooba_params.
    if (parts.size() >= 8) {
        const std::string last = text_strip(parts.back());
        const bool keep_last = !last.empty() && ascii_lower(last) != "none";
        run.ooba_params_key = join(parts, 7, keep_last ? parts.size() : parts.size() - 1, ",");
        run.ooba_params = text_strip(run.ooba_params_key);
        if (ascii_lower(run.ooba_params) == "none") {
            run.ooba_params.clear();
            run.ooba_params_key.clear();
        }
    }

    run.run_id = text_strip(parts[0]);
    if (run.run_id.empty()) {
        return error{"run_id: expected a name for the run, got nothing"};
    }
    run.instruction_template = text_strip(parts[1]);
    run.model_path = text_strip(parts[2]);
    if (!run.model_path.empty()) {
        run.model_path = expand_user(run.model_path);
        std::error_code ec;
        const std::filesystem::path as_path = std::filesystem::path(run.model_path).is_relative()
                                                  ? cwd / run.model_path
                                                  : std::filesystem::path(run.model_path);
        if (std::filesystem::exists(as_path, ec)) {
            run.model_path = absolute_from(run.model_path, cwd);
        }
    }
    run.lora_path = text_strip(parts[3]);
    if (!run.lora_path.empty()) {
        run.lora_path = absolute_from(expand_user(run.lora_path), cwd);
    }
    run.quantization = ascii_lower(text_strip(parts[4]));
    if (run.quantization != "8bit" && run.quantization != "4bit" && run.quantization != "none" &&
        !run.quantization.empty()) {
        return error{"quantization: expected 8bit, 4bit, none or nothing" + got(text_strip(parts[4]))};
    }
    const auto iterations = python_int(parts[5]);
    if (!iterations || *iterations <= 0 || *iterations > 1000) {
        return error{"n_iterations: expected an integer from 1 to 1000" + got(text_strip(parts[5]))};
    }
    run.iterations = static_cast<int>(*iterations);
    run.engine = ascii_lower(text_strip(parts[6]));
    bool known = false;
    for (const auto& name : config_engine_names()) {
        known = known || name == run.engine;
    }
    if (!known) {
        return error{
            "inference_engine: expected transformers, openai, ooba, llama.cpp, anthropic, mistralai or gemini" +
            got(text_strip(parts[6]))};
    }
    return run;
}

std::string config_problems_message(const std::string& label, std::vector<config_problem> problems) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const config_problem& a, const config_problem& b) { return a.line < b.line; });
    std::string message = problems.size() == 1 ? "" : std::to_string(problems.size()) + " problems in " + label + ":\n";
    for (std::size_t i = 0; i < problems.size(); ++i) {
        message += (i > 0 ? "\n" : "");
        message += problems[i].line > 0 ? label + ":" + std::to_string(problems[i].line) + ": " + problems[i].message
                                        : problems[i].message;
    }
    return message;
}

reference_config config_parse_lenient(const std::string& text, const std::string& label,
                                      const std::filesystem::path& cwd, std::vector<config_problem>& errors) {
    std::vector<ini_problem> problems;
    const ini_document doc = ini_parse(text, {benchmarks_section}, problems);
    for (const auto& p : problems) {
        errors.push_back({p.line, p.message});
    }
    const auto complain = [&](const ini_entry& e, const std::string& section, const std::string& message) {
        errors.push_back({e.line, "[" + section + "] " + e.key + ": " + message});
    };

    reference_config cfg;
    cfg.path = label;
    // Returns the value (empty when absent or bare) and the entry for errors.
    const auto get = [&doc](const std::string& section, const std::string& key) -> const ini_entry* {
        return doc.find(section, key);
    };
    const auto text_of = [&get](const std::string& section, const std::string& key) -> std::string {
        const ini_entry* e = get(section, key);
        return e != nullptr && e->value ? *e->value : std::string();
    };
    const auto boolean = [&](const std::string& section, const std::string& key, bool fallback) {
        const ini_entry* e = get(section, key);
        if (e == nullptr || !e->value || e->value->empty()) {
            return fallback;
        }
        const std::string v = ascii_lower(*e->value);
        if (v == "true") {
            return true;
        }
        if (v == "false") {
            return false;
        }
        complain(*e, section, "expected true or false" + got(*e->value));
        return fallback;
    };
    const auto number = [&](const std::string& section, const std::string& key, double fallback) {
        const ini_entry* e = get(section, key);
        if (e == nullptr || !e->value || e->value->empty()) {
            return fallback;
        }
        const auto v = positive_number(*e->value);
        if (!v) {
            complain(*e, section, "expected a number of seconds > 0" + got(*e->value));
            return fallback;
        }
        return *v;
    };
    const auto integer = [&](const std::string& section, const std::string& key, long fallback, long lo, long hi,
                             const std::string& expected) {
        const ini_entry* e = get(section, key);
        if (e == nullptr || !e->value || e->value->empty()) {
            return fallback;
        }
        const auto v = python_int(*e->value);
        if (!v || *v < lo || *v > hi) {
            complain(*e, section, "expected " + expected + got(*e->value));
            return fallback;
        }
        return *v;
    };

    cfg.openai_api_key = text_of("OpenAI", "api_key");
    cfg.openai_compatible_url = text_of("OpenAI", "openai_compatible_url");
    cfg.hf_access_token = text_of("Huggingface", "access_token");
    cfg.hf_cache_dir = text_of("Huggingface", "cache_dir");
    if (!cfg.hf_cache_dir.empty()) {
        cfg.hf_cache_dir = absolute_from(expand_user(cfg.hf_cache_dir), cwd);
    }
    cfg.google_spreadsheet_url = text_of("Results upload", "google_spreadsheet_url");
    cfg.judge_model_api = ascii_lower(text_of("Creative Writing Benchmark", "judge_model_api"));
    if (!cfg.judge_model_api.empty() && cfg.judge_model_api != "openai" && cfg.judge_model_api != "mistralai" &&
        cfg.judge_model_api != "anthropic" && cfg.judge_model_api != "gemini") {
        complain(*get("Creative Writing Benchmark", "judge_model_api"), "Creative Writing Benchmark",
                 "expected openai, mistralai, anthropic or gemini" + got(cfg.judge_model_api));
    }
    cfg.judge_model = text_of("Creative Writing Benchmark", "judge_model");
    cfg.judge_model_api_key = text_of("Creative Writing Benchmark", "judge_model_api_key");
    cfg.judge_model_url = text_of("Creative Writing Benchmark", "judge_model_url");
    cfg.trust_remote_code = boolean("Options", "trust_remote_code", false);
    cfg.ooba_launch_script = text_of("Oobabooga config", "ooba_launch_script");
    if (!cfg.ooba_launch_script.empty()) {
        cfg.ooba_launch_script = absolute_from(expand_user(cfg.ooba_launch_script), cwd);
    }
    cfg.ooba_params_global = text_of("Oobabooga config", "ooba_params_global");
    cfg.automatically_launch_ooba = boolean("Oobabooga config", "automatically_launch_ooba", true);
    cfg.ooba_request_timeout = static_cast<int>(
        integer("Oobabooga config", "ooba_request_timeout", 300, 1, 86400, "a whole number of seconds > 0"));
    cfg.server_command = text_of("Local server", "command");
    cfg.server_url = text_of("Local server", "url");
    cfg.gpus = text_of("Local server", "gpus");
    if (!cfg.gpus.empty()) {
        for (const auto& part : split(cfg.gpus, ',')) {
            const auto id = python_int(part);
            if (!id || *id < 0 || text_strip(part).find('_') != std::string::npos) {
                complain(*get("Local server", "gpus"), "Local server",
                         "expected GPU numbers separated by commas (e.g. 0,1)" + got(cfg.gpus));
                break;
            }
        }
    }
    cfg.server_port = static_cast<int>(integer("Local server", "port", 0, 0, 65535, "a port number (0: any free one)"));
    cfg.startup_timeout_s = number("Local server", "startup_timeout", cfg.startup_timeout_s);
    cfg.max_restarts =
        static_cast<int>(integer("Local server", "max_restarts", cfg.max_restarts, 0, 1000, "a whole number >= 0"));
    cfg.health_interval_s = number("Local server", "health_interval", cfg.health_interval_s);
    cfg.health_timeout_s = number("Local server", "health_timeout", cfg.health_timeout_s);
    // [Reasoning] (eqbench's own) for the model under test, judge_reasoning_* for the judge.
    const auto reasoning = [&](const char* section, const std::string& prefix, config_reasoning& out) {
        const std::string mode_key = prefix + "mode";
        out.mode = ascii_lower(text_of(section, mode_key));
        if (!out.mode.empty() && !reasoning_mode_parse(out.mode)) {
            complain(*get(section, mode_key), section, "expected auto, off or on" + got(out.mode));
        }
        out.budget = static_cast<int>(
            integer(section, prefix + "budget", -1, 0, 10000000, "a whole number of thinking tokens >= 0"));
        out.effort = ascii_lower(text_of(section, prefix + "effort"));
        if (!out.effort.empty() && out.effort != "low" && out.effort != "medium" && out.effort != "high") {
            complain(*get(section, prefix + "effort"), section, "expected low, medium or high" + got(out.effort));
        }
    };
    reasoning("Reasoning", "", cfg.reasoning);
    reasoning("Creative Writing Benchmark", "judge_reasoning_", cfg.judge_reasoning);
    cfg.anthropic_api_key = text_of("Anthropic", "api_key");
    cfg.mistral_api_key = text_of("Mistral", "api_key");
    cfg.gemini_api_key = text_of("Gemini", "api_key");

    if (const ini_section* runs = doc.section(benchmarks_section); runs != nullptr) {
        for (const auto& line : runs->lines) {
            auto parsed = config_run_line_parse(line.text, cwd);
            if (!parsed) {
                errors.push_back({line.line, std::string("[") + benchmarks_section + "] " + parsed.err().message +
                                                 "\n    " + line.text});
                continue;
            }
            parsed->line = line.line;
            cfg.runs.push_back(std::move(*parsed));
        }
    }
    return cfg;
}

result<reference_config> config_parse(const std::string& text, const std::string& label,
                                      const std::filesystem::path& cwd) {
    std::vector<config_problem> problems;
    reference_config cfg = config_parse_lenient(text, label, cwd, problems);
    if (!problems.empty()) {
        return error{config_problems_message(label, std::move(problems))};
    }
    return cfg;
}

result<reference_config> config_load_lenient(const std::filesystem::path& path, std::vector<config_problem>& problems) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the config file"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    return config_parse_lenient(text, path.string(), cwd, problems);
}

result<reference_config> config_load(const std::filesystem::path& path) {
    std::vector<config_problem> problems;
    auto cfg = config_load_lenient(path, problems);
    if (cfg && !problems.empty()) {
        return error{config_problems_message(path.string(), std::move(problems))};
    }
    return cfg;
}

}  // namespace eqb
