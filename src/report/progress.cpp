#include "report/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>

namespace eqb {

std::string time_taken_line(double seconds) {
    return fmt::format("Time taken: {:.1f} mins", seconds / 60.0);
}

std::string time_taken_seconds_line(double seconds) {
    return fmt::format("Time taken (seconds): {:.1f}", seconds);
}

std::string progress_format(const progress_snapshot& s) {
    const int fresh = s.done - s.already_done;
    const double rate = s.elapsed_s > 0.0 ? fresh / s.elapsed_s : 0.0;
    const int remaining = std::max(0, s.total - s.done);
    std::string eta = "--:--";
    if (rate > 0.0) {
        const auto secs = static_cast<long>(remaining / rate + 0.5);
        eta = secs >= 3600 ? fmt::format("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
                           : fmt::format("{}:{:02}", secs / 60, secs % 60);
    }
    const double pct = s.total > 0 ? 100.0 * s.done / s.total : 100.0;
    std::string line =
        fmt::format("[{}] {}/{} ({:.0f}%) | {:.1f} answers/s | ETA {} | retries {} | {} {}", s.label, s.done, s.total,
                    pct, rate, eta, s.transport_retries, s.retry_label, s.parse_failures);
    if (s.already_done > 0) {
        line += fmt::format(" | {} resumed", s.already_done);
    }
    if (s.waiting > 0) {
        line += fmt::format(" | {} request{} waiting {:.0f} s", s.waiting, s.waiting == 1 ? "" : "s", s.waiting_s);
    }
    return line;
}

progress_printer::progress_printer(std::FILE* out, double plain_interval_s)
    : out_(out), tty_(::isatty(::fileno(out)) == 1), interval_s_(plain_interval_s) {}

void progress_printer::update(const progress_snapshot& s) {
    const std::string line = progress_format(s);
    if (tty_) {
        const std::size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
        fmt::print(out_, "\r{}{}", line, std::string(pad, ' '));
        std::fflush(out_);
        last_width_ = line.size();
        return;
    }
    if (s.elapsed_s - last_printed_s_ >= interval_s_) {
        fmt::print(out_, "{}\n", line);
        std::fflush(out_);
        last_printed_s_ = s.elapsed_s;
    }
}

void progress_printer::finish(const progress_snapshot& s) {
    const std::string line = progress_format(s);
    if (tty_) {
        const std::size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
        fmt::print(out_, "\r{}{}\n", line, std::string(pad, ' '));
    } else {
        fmt::print(out_, "{}\n", line);
    }
    std::fflush(out_);
}

}  // namespace eqb
