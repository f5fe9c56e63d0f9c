#pragma once
// Inside the report: one renderer per benchmark, in a table, so that a new
// benchmark (EQ-Bench 3, Creative Writing v3) adds one entry and one file. A
// renderer summarises a run (the leaderboard row), builds its section of the
// document and says why an answer was not accepted. Unknown benchmarks get the
// generic renderer (items, answers, scores). Internal to eqb_report_html.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/language.hpp"
#include "core/question.hpp"
#include "parse/eq-bench-answer.hpp"
#include "report/pricing.hpp"
#include "report/report-model.hpp"
#include "scoring/judgemark.hpp"

namespace re2 {
class RE2;
}

namespace eqb {

using ojson = nlohmann::ordered_json;

// Caches shared by the renderers while one model and its document are built.
struct report_context {
    explicit report_context(report_sources s);
    ~report_context();
    report_context(const report_context&) = delete;
    report_context& operator=(const report_context&) = delete;

    report_sources sources;
    price_table prices;

    // The built-in pack for `code`, or nullptr (then parsing falls back to the stored pairs).
    const language_pack* pack(const std::string& code);
    // A parser of the pack, or nullptr.
    const eq_bench_parser* parser(const std::string& code, parser_kind kind);
    // The question file `file_name` of the data directory, or nullptr when absent or invalid.
    const question_set* questions(const std::string& file_name);
    // The Judgemark reference table of the data directory, or nullptr.
    const judgemark_reference_table* judgemark_table();
    // The character a prompt's name line asks about ("" when none matches).
    std::string character(const std::string& language, const std::string& prompt);
    // Whether `text` reads like a refusal ("I'm sorry, but I can't ...").
    bool refusal_like(std::string_view text) const;

  private:
    std::map<std::string, std::unique_ptr<language_pack>> packs_;
    std::map<std::pair<std::string, parser_kind>, std::unique_ptr<const eq_bench_parser>> parsers_;
    std::map<std::string, std::unique_ptr<question_set>> questions_;
    std::map<std::string, std::vector<std::unique_ptr<re2::RE2>>> name_lines_;
    std::optional<std::unique_ptr<judgemark_reference_table>> judgemark_;
    std::unique_ptr<re2::RE2> refusal_;
};

// Long texts shared by many rows (prompts) kept once: rows refer to them by index.
class text_pool {
  public:
    // The index of `text`, adding it the first time.
    std::size_t add(const std::string& text);
    // Every text in index order.
    ojson to_json() const;

  private:
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<const std::string*> order_;
};

// A run's exchanges by (iteration, item id), in attempt order.
using exchange_index = std::map<std::pair<int, std::string>, std::vector<const report_exchange*>>;
exchange_index exchanges_by_item(const report_run& run);

// Why an answer was not accepted, or why a final answer did not score ("" when it did).
using cause_fn = std::function<std::string(const report_run& run, const std::string& item_id, std::string_view text,
                                           std::string_view thought)>;

struct benchmark_renderer {
    const char* benchmark;  // the store's benchmark name
    const char* title;
    // Fills the benchmark's part of `view`: score, iterations, parseable, points.
    void (*summarize)(report_run_view& view, const report_store& store, report_context& ctx);
    // The run's section of the document.
    ojson (*section)(const report_run_view& view, const report_store& store, report_context& ctx, text_pool& texts);
    // The run's problems: unparseable answers by cause, transport failures, retries.
    ojson (*problems)(const report_run_view& view, const report_store& store, report_context& ctx);
};

// The renderer of `benchmark`; the generic one when it has none.
const benchmark_renderer& benchmark_renderer_for(std::string_view benchmark);

// The benchmark names of runs folded into another run's row (Creative Writing's judge runs).
bool benchmark_is_companion(std::string_view benchmark);

// A run setting that makes two runs answer different tests when it differs.
struct compared_setting {
    const char* key;   // in the run's metadata
    const char* what;  // as a warning names it
};
inline constexpr compared_setting compared_settings[] = {
    {"eq_bench_version", "question set (version)"},
    {"questions_file", "question set"},
    {"prompts_file", "prompt set"},
    {"scorer", "scorer"},
    {"parser", "answer parser"},
    {"revise", "revision mode"},
};

// Per-benchmark renderers (one file each).
extern const benchmark_renderer eq_bench_renderer;
extern const benchmark_renderer creative_writing_renderer;
extern const benchmark_renderer judgemark_renderer;
extern const benchmark_renderer generic_renderer;

// --- Helpers shared by the renderers (report-benchmarks.cpp) ---

// `text` parsed as a JSON object; an empty object when it is not one.
ojson json_object_of(const std::string& text);
// `text` parsed as JSON; null when it is not JSON.
ojson json_of(const std::string& text);
// obj[key] as a string ("" when absent or not a string; numbers and booleans spelled).
std::string json_string(const ojson& obj, const char* key);
// obj[key] as a number, or nullopt.
std::optional<double> json_number(const ojson& obj, const char* key);
// null for nullopt.
ojson json_optional(const std::optional<double>& v);

// Numeric ids compare as numbers, others as text; numbers first.
bool item_id_less(const std::string& a, const std::string& b);

// The last user message of a request body ("" when none).
std::string request_prompt(const std::string& request_json);

// Whether the answer stopped inside a reasoning block (<think> not closed, or a
// thought with no answer after it).
bool cut_off_in_thought(std::string_view text, std::string_view thought);

// Fills the fields every benchmark shares (model, engine, judge, reasoning,
// usage, cost, versions, notes) from the runs' metadata and exchanges.
void summary_common(report_run_view& view, const report_store& store, report_context& ctx);

// Sets the interval: over the iteration scores when 2 or more scored, else a
// bootstrap of `item_points` (every scored item of the single iteration).
void summary_interval(report_run_view& view, const std::vector<double>& item_points, const report_context& ctx);

// Averages per-item points over iterations into view.points (sorted by id).
void summary_points(report_run_view& view, const std::map<std::string, std::vector<double>>& by_item);

// The attempts of one item as rows: status, HTTP code, latency, tokens; the text
// and its rejection cause for every answer that was not accepted.
ojson attempts_json(const std::vector<const report_exchange*>& exchanges, const std::string& accepted_answer,
                    bool accepted_scored, const report_run& run, const cause_fn& cause);

// The problems block of runs: final answers that did not score, grouped by
// cause (items listed), rejected answers by cause, transport failures by kind,
// and retry counts. `scored(run, item)` says whether an item's final answer scored.
ojson problems_collect(const std::vector<const report_run*>& runs,
                       const std::function<bool(const report_run&, const report_item&)>& scored, const cause_fn& cause);

}  // namespace eqb
