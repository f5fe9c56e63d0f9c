#pragma once
// The self-contained HTML report: one page (src/report/report-template.html,
// embedded at build time) with inline CSS and JavaScript and the report's JSON
// document as data. Model and judge text only ever reaches the page inside that
// JSON (every '<', '>' and '&' escaped) and is shown with textContent; a
// Content-Security-Policy allows only the page's own script (by its hash) and
// no network at all.

#include <string>

namespace eqb {

// The page for `document_json` (a report_document_json output).
std::string report_html(const std::string& document_json);

// `json` made safe inside a <script> element: '<', '>', '&', U+2028 and U+2029
// written as \u escapes (JSON.parse reads the same value).
std::string report_json_for_script(const std::string& json);

}  // namespace eqb
