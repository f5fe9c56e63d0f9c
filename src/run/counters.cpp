#include "run/counters.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace eqb {

void run_counters::failure(const std::string& cause) {
    std::lock_guard lock(mutex_);
    for (auto& [name, count] : failures_) {
        if (name == cause) {
            ++count;
            return;
        }
    }
    failures_.emplace_back(cause, 1);
}

std::vector<std::pair<std::string, int>> run_counters::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

std::string run_counters::failures_text() const {
    std::string out;
    for (const auto& [name, count] : failures()) {
        out += (out.empty() ? "" : ", ") + fmt::format("{} \u00d7{}", name, count);
    }
    return out;
}

std::uint64_t run_counters::request_started() {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    in_flight_.emplace(id, std::chrono::steady_clock::now());
    return id;
}

void run_counters::request_ended(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    in_flight_.erase(id);
}

std::pair<int, double> run_counters::waiting_longer_than(double threshold_s) const {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    int count = 0;
    double longest = 0.0;
    for (const auto& [id, since] : in_flight_) {
        const double waited = std::chrono::duration<double>(now - since).count();
        if (waited >= threshold_s) {
            ++count;
            longest = std::max(longest, waited);
        }
    }
    return {count, longest};
}

bool run_counters::note(const std::string& text) {
    std::lock_guard lock(mutex_);
    if (std::find(notes_.begin(), notes_.end(), text) != notes_.end()) {
        return false;
    }
    notes_.push_back(text);
    return true;
}

std::vector<std::string> run_counters::notes() const {
    std::lock_guard lock(mutex_);
    return notes_;
}

}  // namespace eqb
