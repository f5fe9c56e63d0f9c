#pragma once
// Sending requests to one or more endpoints: bounded concurrency per endpoint,
// least-outstanding-requests balancing, and transport retries with exponential
// backoff, jitter and Retry-After. Transport failures never count as the
// model's answer; they are retried here and reported as values.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "client/chat-client.hpp"

namespace eqb {

struct retry_policy {
    int max_attempts = 6;       // transport attempts per answer try (first + retries)
    double base_delay_s = 0.5;  // first backoff
    double max_delay_s = 30.0;  // backoff cap (Retry-After may ask for more, up to max_retry_after_s)
    double max_retry_after_s = 120.0;
};

// The delay before retry number `retry` (1-based) after `response`:
// Retry-After when given (capped), else exponential backoff with full jitter.
double retry_delay_s(const retry_policy& policy, int retry, const chat_response& response, std::mt19937_64& rng);

// True for outcomes worth retrying (everything but OK, CLIENT_ERROR, CANCELLED
// and EMPTY_CONTENT, which is an answer for the benchmark to judge).
bool transport_retryable(transport_status status);

// Endpoints of one run with their concurrency limits. acquire() blocks until
// an endpoint has a free slot and returns the one with the fewest requests
// outstanding. Thread-safe.
class endpoint_pool {
  public:
    struct lease;

    // `clients` are owned by the pool; `concurrency` applies to each endpoint.
    endpoint_pool(std::vector<std::unique_ptr<chat_client>> clients, int concurrency);

    // Blocks until a slot is free or `cancel` is set (then returns nullptr).
    std::unique_ptr<lease> acquire(const cancel_flag& cancel);
    int total_slots() const;
    std::size_t size() const { return clients_.size(); }
    const chat_client& client(std::size_t i) const { return *clients_[i]; }
    // Wakes waiters (after `cancel` was set).
    void notify_all();

  private:
    friend struct lease;
    void release(std::size_t index);

    std::vector<std::unique_ptr<chat_client>> clients_;
    std::vector<int> outstanding_;
    int concurrency_;
    std::mutex mutex_;
    std::condition_variable cv_;
};

// A held slot on one endpoint; released on destruction.
struct endpoint_pool::lease {
    lease(endpoint_pool& pool, std::size_t index) : pool_(pool), index_(index) {}
    ~lease() { pool_.release(index_); }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    const chat_client& client() const { return pool_.client(index_); }

  private:
    endpoint_pool& pool_;
    std::size_t index_;
};

// One transport attempt, reported as it completes (for the store).
struct attempt_report {
    const chat_client* client = nullptr;
    int attempt = 1;  // 1-based within this send
    const chat_response* response = nullptr;
};

// Sends `request` on the least-loaded endpoint, retrying transport failures
// per `policy` (sleeping interruptibly). Once `stop` is set no new attempt
// starts; `abort` cancels the attempt in flight. Returns the last response:
// OK, or the final failure (CANCELLED when stopped before any answer).
// `on_attempt` runs after every attempt on the calling thread.
chat_response send_with_retries(endpoint_pool& pool, const chat_request& request, const retry_policy& policy,
                                const cancel_flag& stop, const cancel_flag& abort, std::mt19937_64& rng,
                                const std::function<void(const attempt_report&)>& on_attempt);

}  // namespace eqb
