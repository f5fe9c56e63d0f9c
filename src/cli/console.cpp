#include "cli/console.hpp"

#include <fmt/core.h>

#include <cstdio>

namespace eqb {

void console_listener::line(const std::string& text) {
    fmt::print("{}\n", text);
    std::fflush(stdout);
}

void console_listener::problem(const std::string& text) {
    std::fflush(stdout);
    fmt::print(stderr, "{}\n", text);
}

void console_listener::progress(const progress_snapshot& snapshot, bool final) {
    if (!printer_) {
        printer_.emplace(stdout);
    }
    if (final) {
        printer_->finish(snapshot);
        printer_.reset();  // the next run's line starts afresh
    } else {
        printer_->update(snapshot);
    }
}

}  // namespace eqb
