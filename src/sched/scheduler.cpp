#include "sched/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace eqb {

double retry_delay_s(const retry_policy& policy, int retry, const chat_response& response, std::mt19937_64& rng) {
    if (response.retry_after_s && *response.retry_after_s >= 0.0) {
        return std::min(*response.retry_after_s, policy.max_retry_after_s);
    }
    const double ceiling = std::min(policy.max_delay_s, policy.base_delay_s * std::pow(2.0, retry - 1));
    // Full jitter, but never less than half the step so a burst of failures
    // does not retry at once.
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return ceiling * jitter(rng);
}

bool transport_retryable(transport_status status) {
    // An empty answer is the model's answer: the benchmark's answer policy decides
    // (the reference counts it as a failed try).
    return status != transport_status::OK && status != transport_status::CLIENT_ERROR &&
           status != transport_status::CANCELLED && status != transport_status::EMPTY_CONTENT &&
           status != transport_status::THOUGHT_TRUNCATED;
}

endpoint_pool::endpoint_pool(std::vector<std::unique_ptr<chat_client>> clients, int concurrency)
    : clients_(std::move(clients)), outstanding_(clients_.size(), 0), concurrency_(std::max(1, concurrency)) {}

std::unique_ptr<endpoint_pool::lease> endpoint_pool::acquire(const cancel_flag& cancel) {
    std::unique_lock lock(mutex_);
    while (true) {
        if (cancel.load()) {
            return nullptr;
        }
        std::size_t best = clients_.size();
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            if (outstanding_[i] < concurrency_ && (best == clients_.size() || outstanding_[i] < outstanding_[best])) {
                best = i;
            }
        }
        if (best < clients_.size()) {
            ++outstanding_[best];
            return std::make_unique<lease>(*this, best);
        }
        cv_.wait_for(lock, std::chrono::milliseconds(200));
    }
}

void endpoint_pool::release(std::size_t index) {
    {
        std::lock_guard lock(mutex_);
        --outstanding_[index];
    }
    cv_.notify_one();
}

void endpoint_pool::notify_all() {
    cv_.notify_all();
}

int endpoint_pool::total_slots() const {
    return concurrency_ * static_cast<int>(clients_.size());
}

chat_response send_with_retries(endpoint_pool& pool, const chat_request& request, const retry_policy& policy,
                                const cancel_flag& stop, const cancel_flag& abort, std::mt19937_64& rng,
                                const std::function<void(const attempt_report&)>& on_attempt) {
    chat_response last;
    last.status = transport_status::CANCELLED;
    last.error = "cancelled before sending";
    for (int attempt = 1; attempt <= std::max(1, policy.max_attempts); ++attempt) {
        {
            auto slot = pool.acquire(stop);
            if (!slot) {
                return last;
            }
            last = slot->client().send(request, abort);
            if (on_attempt) {
                on_attempt(attempt_report{&slot->client(), attempt, &last});
            }
        }
        if (!transport_retryable(last.status) || attempt == policy.max_attempts) {
            return last;
        }
        // Sleep in short steps so Ctrl-C is not held up by a long backoff.
        const auto until =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(retry_delay_s(policy, attempt, last, rng));
        while (std::chrono::steady_clock::now() < until) {
            if (stop.load()) {
                return last;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    return last;
}

}  // namespace eqb
