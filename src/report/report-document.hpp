#pragma once
// The report's data as one versioned JSON document ("schema": 1): the
// leaderboard rows, one section per run (by its benchmark's renderer), the
// problems, and the texts many rows share. The HTML page embeds exactly this
// document; `eqbench report --json` writes it. Also the per-item JSONL export.

#include <string>
#include <vector>

#include "report/report-model.hpp"

namespace eqb {

constexpr int report_schema_version = 1;

struct report_document_options {
    std::string generator;             // e.g. "eqbench 0.1.0"
    std::string generated_at;          // ISO 8601 UTC; "" leaves it out (golden tests)
    std::vector<std::string> secrets;  // replaced by "[redacted]" wherever they occur
};

// The document, serialized (`indent` < 0: one line). Invalid UTF-8 in stored
// text is replaced, never fatal. Not thread-safe (fills the model's caches).
std::string report_document_json(report_model& model, const report_document_options& options, int indent = -1);

// One JSON object per line for every stored item of every run (judge runs too):
// run, benchmark, model, iteration, item, step, state, prompt, answer, parsed,
// scores, score, tries, requests, input_tokens, output_tokens, latency_s,
// started_at, finished_at (null where unknown), secrets redacted.
std::string report_samples_jsonl(const report_model& model, const std::vector<std::string>& secrets);

// The leaderboard rows as `eqbench runs` prints them: date, benchmark, model,
// score (with its interval), status, requests, key; one line per run, a header first.
std::string report_runs_text(const report_model& model);

// One JSON object per line per run: the document's leaderboard row.
std::string report_runs_jsonl(const report_model& model);

// `text` with every secret (8 characters or more) and every key-shaped token
// (sk-..., AIza..., "Bearer ...") replaced by "[redacted]".
std::string report_redact(std::string text, const std::vector<std::string>& secrets);

// The values of the environment's *_API_KEY, *_TOKEN and *_SECRET variables.
std::vector<std::string> report_secrets_from_environment();

// The current time as ISO 8601 UTC ("2025-01-31T12:00:00Z").
std::string report_now_iso();

}  // namespace eqb
