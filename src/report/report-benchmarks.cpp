#include "report/report-benchmarks.hpp"

#include <fmt/core.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "bench/judgemark/reference-table.hpp"
#include "client/thought-split.hpp"
#include "core/python-str.hpp"
#include "core/unicode.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "scoring/creative-writing.hpp"

namespace eqb {
namespace {

// Phrases that open or carry a refusal; matched case-insensitively anywhere.
constexpr const char* refusal_pattern =
    R"((?i)\b(i'?m sorry|i am sorry|i apologi[sz]e|i can ?not|i can'?t|i won'?t|i will not|i'?m unable|i am unable|)"
    R"(as an ai|i'?m not able|i am not able|cannot (?:assist|help|comply|provide)|not comfortable))";
constexpr std::size_t excerpt_chars = 400;  // of an error body shown with a transport failure

// The table of renderers: a new benchmark adds its entry here.
const benchmark_renderer* const renderers[] = {
    &eq_bench_renderer,
    &creative_writing_renderer,
    &judgemark_renderer,
};

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string reasoning_summary(const ojson& meta) {
    std::string out;
    for (const auto& [k, v] : meta.items()) {
        if (k.find("reasoning") == std::string::npos && k.find("thinking") == std::string::npos) {
            continue;
        }
        if (v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty())) {
            continue;
        }
        std::string shown = v.is_string() ? v.get<std::string>() : v.dump();
        if (v.is_object() && v.contains("mode")) {  // {"mode", "budget", "effort"} as the benchmarks record it
            shown = json_string(v, "mode");
            if (v.value("budget", 0) > 0) {
                shown += fmt::format(" budget {}", v.value("budget", 0));
            }
            if (!json_string(v, "effort").empty()) {
                shown += " effort " + json_string(v, "effort");
            }
            if (shown == "auto") {
                continue;  // the reference's request: nothing to show
            }
        }
        out += (out.empty() ? "" : ", ") + k + "=" + shown;
    }
    return out;
}

std::string checksums_summary(const ojson& meta) {
    for (const char* key : {"data_checksums", "data_sha256"}) {
        const auto it = meta.find(key);
        if (it == meta.end()) {
            continue;
        }
        if (it->is_string()) {
            return it->get<std::string>();
        }
        if (it->is_object()) {
            std::string out;
            for (const auto& [file, sha] : it->items()) {
                out += (out.empty() ? "" : ", ") + file + " " + (sha.is_string() ? sha.get<std::string>() : sha.dump());
            }
            return out;
        }
    }
    return {};
}

// ---- The generic renderer: any benchmark the report does not know ----

void generic_summarize(report_run_view& view, const report_store& store, report_context&) {
    const report_run& run = store.runs[view.run];
    const ojson results = json_object_of(run.results_json);
    view.score = json_number(results, "score");
    std::map<std::string, std::vector<double>> by_item;
    std::set<int> iterations;
    int scored = 0;
    std::map<int, int> per_iteration;
    for (const auto& item : run.items) {
        iterations.insert(item.iteration);
        ++per_iteration[item.iteration];
        const ojson scores = json_of(item.scores_json);
        if (scores.is_number()) {
            by_item[item.item_id].push_back(scores.get<double>());
            ++scored;
        } else if (scores.is_object()) {
            if (const auto s = json_number(scores, "score")) {
                by_item[item.item_id].push_back(*s);
                ++scored;
            }
        }
    }
    view.iterations = static_cast<int>(iterations.size());
    if (!run.items.empty()) {
        view.parseable = static_cast<double>(scored) / std::max<double>(1.0, static_cast<double>(iterations.size()));
        view.parseable_of = per_iteration.begin()->second;
    }
    summary_points(view, by_item);
    view.notes.push_back("no renderer for benchmark '" + run.benchmark + "': items shown as stored");
}

ojson generic_section(const report_run_view& view, const report_store& store, report_context&, text_pool& texts) {
    const report_run& run = store.runs[view.run];
    const exchange_index exchanges = exchanges_by_item(run);
    ojson rows = ojson::array();
    for (const auto& item : run.items) {
        ojson row;
        row["iteration"] = item.iteration;
        row["id"] = item.item_id;
        if (!item.step.empty()) {
            row["step"] = item.step;
        }
        row["state"] = item.state;
        row["answer"] = item.answer;
        row["parsed"] = item.parsed_json;
        row["scores"] = item.scores_json;
        row["tries"] = item.tries;
        const auto found = exchanges.find({item.iteration, item.item_id});
        if (found != exchanges.end()) {
            const std::string prompt = request_prompt(found->second.front()->request_json);
            if (!prompt.empty()) {
                row["prompt"] = texts.add(prompt);
            }
            row["attempts"] = attempts_json(found->second, item.answer, item.state == "done", run,
                                            [](const report_run&, const std::string&, std::string_view,
                                               std::string_view) { return std::string("not accepted"); });
        }
        rows.push_back(std::move(row));
    }
    return ojson{{"items", std::move(rows)}};
}

ojson generic_problems(const report_run_view& view, const report_store& store, report_context&) {
    return problems_collect(
        {&store.runs[view.run]}, [](const report_run&, const report_item& item) { return item.state == "done"; },
        [](const report_run&, const std::string&, std::string_view text, std::string_view thought) {
            if (cut_off_in_thought(text, thought)) {
                return std::string("cut off in a thought");
            }
            return python_strip(text).empty() ? std::string("empty answer") : std::string("not accepted");
        });
}

}  // namespace

const benchmark_renderer generic_renderer{"", "", generic_summarize, generic_section, generic_problems};

const benchmark_renderer& benchmark_renderer_for(std::string_view benchmark) {
    for (const auto* r : renderers) {
        if (benchmark == r->benchmark) {
            return *r;
        }
    }
    return generic_renderer;
}

bool benchmark_is_companion(std::string_view benchmark) {
    return benchmark == "creative-writing-judge";
}

// ---- report_context ----

report_context::report_context(report_sources s)
    : sources(std::move(s)), prices(price_table_builtin()), refusal_(std::make_unique<re2::RE2>(refusal_pattern)) {}

report_context::~report_context() = default;

const language_pack* report_context::pack(const std::string& code) {
    auto& slot = packs_[code];
    if (!slot) {
        auto loaded = language_pack_builtin(code.empty() ? "en" : code);
        if (!loaded) {
            return nullptr;
        }
        slot = std::make_unique<language_pack>(std::move(*loaded));
    }
    return slot.get();
}

const eq_bench_parser* report_context::parser(const std::string& code, parser_kind kind) {
    auto& slot = parsers_[{code, kind}];
    if (!slot) {
        const language_pack* p = pack(code);
        if (p == nullptr) {
            return nullptr;
        }
        auto created = eq_bench_parser::create(*p, kind);
        if (!created) {
            return nullptr;
        }
        slot = std::move(*created);
    }
    return slot.get();
}

const question_set* report_context::questions(const std::string& file_name) {
    if (sources.data_dir.empty() || file_name.empty()) {
        return nullptr;
    }
    if (const auto it = questions_.find(file_name); it != questions_.end()) {
        return it->second.get();
    }
    auto& slot = questions_[file_name];
    std::error_code ec;
    if (std::filesystem::is_regular_file(sources.data_dir / file_name, ec)) {
        if (auto loaded = questions_load(sources.data_dir / file_name)) {
            slot = std::make_unique<question_set>(std::move(*loaded));
        }
    }
    return slot.get();
}

const judgemark_reference_table* report_context::judgemark_table() {
    if (!judgemark_) {
        judgemark_.emplace();
        std::error_code ec;
        const auto path = sources.data_dir / "judgemark_reference.json";
        if (!sources.data_dir.empty() && std::filesystem::is_regular_file(path, ec)) {
            if (auto loaded = judgemark_reference_load(path)) {
                *judgemark_ = std::make_unique<judgemark_reference_table>(std::move(*loaded));
            }
        }
    }
    return judgemark_->get();
}

std::string report_context::character(const std::string& language, const std::string& prompt) {
    auto found = name_lines_.find(language);
    if (found == name_lines_.end()) {
        std::vector<std::unique_ptr<re2::RE2>> compiled;
        if (const language_pack* p = pack(language)) {
            for (const auto& pattern : p->name_line_patterns) {
                auto re2_pattern = python_regex_to_re2(pattern);
                if (!re2_pattern) {
                    continue;
                }
                auto re = std::make_unique<re2::RE2>(*re2_pattern);
                if (re->ok()) {
                    compiled.push_back(std::move(re));
                }
            }
        }
        found = name_lines_.emplace(language, std::move(compiled)).first;
    }
    std::string name;
    for (const auto& re : found->second) {
        if (re2::RE2::PartialMatch(prompt, *re, &name)) {
            return name;
        }
    }
    return {};
}

bool report_context::refusal_like(std::string_view text) const {
    return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *refusal_);
}

// ---- text_pool ----

std::size_t text_pool::add(const std::string& text) {
    const auto [it, inserted] = index_.emplace(text, order_.size());
    if (inserted) {
        order_.push_back(&it->first);
    }
    return it->second;
}

ojson text_pool::to_json() const {
    ojson out = ojson::array();
    for (const auto* t : order_) {
        out.push_back(*t);
    }
    return out;
}

// ---- helpers ----

exchange_index exchanges_by_item(const report_run& run) {
    exchange_index out;
    for (const auto& e : run.exchanges) {
        out[{e.iteration, e.item_id}].push_back(&e);
    }
    return out;  // each item's exchanges in the order they were stored
}

ojson json_object_of(const std::string& text) {
    ojson parsed = ojson::parse(text, nullptr, false);
    return parsed.is_object() ? parsed : ojson::object();
}

ojson json_of(const std::string& text) {
    ojson parsed = ojson::parse(text, nullptr, false);
    return parsed.is_discarded() ? ojson(nullptr) : parsed;
}

std::string json_string(const ojson& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return {};
    }
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::optional<double> json_number(const ojson& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) {
        return std::nullopt;
    }
    return it->get<double>();
}

ojson json_optional(const std::optional<double>& v) {
    return v ? ojson(*v) : ojson(nullptr);
}

bool item_id_less(const std::string& a, const std::string& b) {
    const bool na = all_digits(a);
    const bool nb = all_digits(b);
    if (na != nb) {
        return na;
    }
    if (na) {
        const auto sa = a.find_first_not_of('0');
        const auto sb = b.find_first_not_of('0');
        const std::string_view ta = sa == std::string::npos ? std::string_view() : std::string_view(a).substr(sa);
        const std::string_view tb = sb == std::string::npos ? std::string_view() : std::string_view(b).substr(sb);
        if (ta.size() != tb.size()) {
            return ta.size() < tb.size();
        }
        if (ta != tb) {
            return ta < tb;
        }
    }
    return a < b;
}

std::string request_prompt(const std::string& request_json) {
    const ojson body = json_object_of(request_json);
    const auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array()) {
        return {};
    }
    for (auto it = messages->rbegin(); it != messages->rend(); ++it) {
        if (it->is_object() && json_string(*it, "role") == "user") {
            return json_string(*it, "content");
        }
    }
    return {};
}

bool cut_off_in_thought(std::string_view text, std::string_view thought) {
    return thought_split(text).unterminated || (!thought.empty() && python_strip(text).empty());
}

void summary_common(report_run_view& view, const report_store& store, report_context& ctx) {
    const report_run& run = store.runs[view.run];
    const ojson meta = json_object_of(run.metadata_json);
    const ojson results = json_object_of(run.results_json);
    view.model = json_string(meta, "model_path");
    if (view.model.empty()) {
        view.model = json_string(meta, "model");
    }
    view.engine = json_string(meta, "inference_engine");
    if (view.engine.empty()) {
        view.engine = json_string(meta, "engine");
    }
    view.judge = json_string(meta, "judge_model");
    view.language = json_string(meta, "language");
    view.reasoning = reasoning_summary(meta);
    view.eqbench_version = json_string(meta, "eqbench_version");
    view.data_checksums = checksums_summary(meta);
    if (const auto n = json_number(meta, "total_iterations")) {
        view.iterations = static_cast<int>(*n);
    }

    std::vector<const report_run*> runs{&run};
    if (view.judge_run) {
        runs.push_back(&store.runs[*view.judge_run]);
    }
    for (const auto* r : runs) {
        for (const auto& e : r->exchanges) {
            report_usage& u = e.role == "judge" ? view.judge_usage : view.usage;
            ++u.requests;
            u.input_tokens += e.input_tokens;
            u.output_tokens += e.output_tokens;
        }
    }
    const report_usage test_usage = view.usage;
    view.usage.requests += view.judge_usage.requests;
    view.usage.input_tokens += view.judge_usage.input_tokens;
    view.usage.output_tokens += view.judge_usage.output_tokens;

    // A stored cost above 0 came from the user's prices; 0 may only mean "no price given".
    if (const auto stored = json_number(results, "cost"); stored && *stored > 0.0) {
        view.cost = *stored;
        return;
    }
    double cost = 0.0;
    const auto price_part = [&](const std::string& model, const report_usage& u) {
        if (u.input_tokens == 0 && u.output_tokens == 0) {
            return true;
        }
        const auto price = price_table_find(ctx.prices, model);
        if (!price) {
            view.cost_note += (view.cost_note.empty() ? "" : "; ") + std::string("price unknown for ") +
                              (model.empty() ? std::string("the model") : model) + " (add it with --prices)";
            return false;
        }
        cost += price_cost(*price, u.input_tokens, u.output_tokens);
        return true;
    };
    const bool test_known = price_part(view.model, test_usage);
    const bool judge_known = price_part(view.judge, view.judge_usage);
    if (test_known && judge_known) {
        view.cost = cost;
    }
}

void summary_interval(report_run_view& view, const std::vector<double>& item_points, const report_context& ctx) {
    std::vector<double> scored;
    for (const auto& s : view.iteration_scores) {
        if (s) {
            scored.push_back(*s);
        }
    }
    if (scored.size() >= 2) {
        const mean_interval mi = creative_writing_interval(scored);
        view.ci_low = mi.low;
        view.ci_high = mi.high;
        view.ci_method = interval_method::ITERATIONS;
        return;
    }
    if (item_points.size() >= 2) {
        if (const auto b = bootstrap_mean_interval(item_points, ctx.sources.resampling)) {
            view.ci_low = b->low;
            view.ci_high = b->high;
            view.ci_method = interval_method::BOOTSTRAP;
        }
    }
}

void summary_points(report_run_view& view, const std::map<std::string, std::vector<double>>& by_item) {
    view.points.clear();
    for (const auto& [id, values] : by_item) {
        if (values.empty()) {
            continue;
        }
        double sum = 0.0;
        for (const double v : values) {
            sum += v;
        }
        view.points.emplace_back(id, sum / static_cast<double>(values.size()));
    }
    std::stable_sort(view.points.begin(), view.points.end(),
                     [](const auto& a, const auto& b) { return item_id_less(a.first, b.first); });
}

ojson attempts_json(const std::vector<const report_exchange*>& exchanges, const std::string& accepted_answer,
                    bool accepted_scored, const report_run& run, const cause_fn& cause) {
    std::optional<std::size_t> accepted;
    if (accepted_scored) {
        for (std::size_t i = exchanges.size(); i-- > 0;) {
            if (exchanges[i]->status == "OK" && exchanges[i]->content == accepted_answer) {
                accepted = i;
                break;
            }
        }
    }
    ojson out = ojson::array();
    for (std::size_t i = 0; i < exchanges.size(); ++i) {
        const report_exchange& e = *exchanges[i];
        ojson a;
        a["attempt"] = e.sequence;
        a["role"] = e.role;
        if (!e.step.empty()) {
            a["step"] = e.step;
        }
        a["status"] = e.status;
        a["http"] = e.http_status;
        a["latency_s"] = e.latency_s;
        a["tokens"] = {e.input_tokens, e.output_tokens};
        a["accepted"] = accepted == i;
        if (!e.thought.empty()) {
            a["thought"] = e.thought;
        }
        if (e.status != "OK") {
            a["reason"] = e.status + (e.http_status != 0 ? " (HTTP " + std::to_string(e.http_status) + ")" : "");
            if (!e.response_body.empty()) {
                a["body"] = python_prefix(e.response_body, excerpt_chars);
            }
        } else if (accepted != i) {
            a["answer"] = e.content;
            a["reason"] = cause(run, e.item_id, e.content, e.thought);
        }
        out.push_back(std::move(a));
    }
    return out;
}

ojson problems_collect(const std::vector<const report_run*>& runs,
                       const std::function<bool(const report_run&, const report_item&)>& scored,
                       const cause_fn& cause) {
    std::map<std::string, std::vector<std::pair<std::string, int>>> unparseable;
    std::map<std::string, int> rejected;
    std::map<std::string, int> transport;
    long requests = 0;
    long transport_failures = 0;
    long answer_retries = 0;
    for (const report_run* run : runs) {
        const exchange_index exchanges = exchanges_by_item(*run);
        std::map<std::pair<int, std::string>, const report_item*> items;
        for (const auto& item : run->items) {
            items[{item.iteration, item.item_id}] = &item;
            if (scored(*run, item)) {
                continue;
            }
            const auto found = exchanges.find({item.iteration, item.item_id});
            std::string thought;
            bool any_ok = false;
            if (found != exchanges.end()) {
                for (const auto* e : found->second) {
                    any_ok = any_ok || e->status == "OK";
                    if (e->status == "OK" && e->content == item.answer) {
                        thought = e->thought;
                    }
                }
            }
            const bool unanswered = item.answer.empty() && !any_ok && found != exchanges.end();
            const std::string why = unanswered ? std::string("no answer (transport failures)")
                                               : cause(*run, item.item_id, item.answer, thought);
            unparseable[why.empty() ? "not scored" : why].emplace_back(item.item_id, item.iteration);
        }
        for (const auto& [key, list] : exchanges) {
            const auto item = items.find(key);
            const bool item_scored = item != items.end() && scored(*run, *item->second);
            std::optional<std::size_t> accepted;
            if (item_scored) {
                for (std::size_t i = list.size(); i-- > 0;) {
                    if (list[i]->status == "OK" && list[i]->content == item->second->answer) {
                        accepted = i;
                        break;
                    }
                }
            }
            for (std::size_t i = 0; i < list.size(); ++i) {
                const report_exchange& e = *list[i];
                ++requests;
                if (e.status != "OK") {
                    ++transport_failures;
                    ++transport[e.status + (e.http_status != 0 ? " " + std::to_string(e.http_status) : "")];
                } else if (accepted != i) {
                    ++answer_retries;
                    const std::string why = cause(*run, e.item_id, e.content, e.thought);
                    ++rejected[why.empty() ? "not accepted" : why];
                }
            }
        }
    }
    ojson out;
    const auto sorted_counts = [](const std::map<std::string, int>& counts, const char* name) {
        std::vector<std::pair<std::string, int>> v(counts.begin(), counts.end());
        std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        ojson arr = ojson::array();
        for (const auto& [k, n] : v) {
            arr.push_back({{name, k}, {"count", n}});
        }
        return arr;
    };
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, int>>>> groups(unparseable.begin(),
                                                                                         unparseable.end());
    std::stable_sort(groups.begin(), groups.end(),
                     [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
    out["unparseable"] = ojson::array();
    for (auto& [why, list] : groups) {
        std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second < b.second : item_id_less(a.first, b.first);
        });
        ojson items = ojson::array();
        for (const auto& [id, iteration] : list) {
            items.push_back({{"id", id}, {"iteration", iteration}});
        }
        out["unparseable"].push_back({{"cause", why}, {"count", list.size()}, {"items", std::move(items)}});
    }
    out["rejected"] = sorted_counts(rejected, "cause");
    out["transport"] = sorted_counts(transport, "kind");
    out["requests"] = requests;
    out["transport_failures"] = transport_failures;
    out["answer_retries"] = answer_retries;
    return out;
}

}  // namespace eqb
