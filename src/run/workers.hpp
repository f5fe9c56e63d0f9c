#pragma once
// Worker threads with Ctrl-C's grace period, the first fatal error of many
// workers, and the store's one writer thread.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "sched/scheduler.hpp"
#include "store/store.hpp"

namespace eqb {

// Unix time in seconds (for store records).
double now_s();

// The error a store call returned, if any.
template <class T>
std::optional<error> error_of(const result<T>& r) {
    return r ? std::nullopt : std::optional<error>(r.err());
}

// The first fatal error any worker reports; thread-safe.
class first_error {
  public:
    // Keeps `e` unless an error is already kept.
    void set(error e);
    bool has() const;
    // The kept error, if any (read after the workers are joined).
    std::optional<error> get() const;

  private:
    mutable std::mutex mutex_;
    std::optional<error> error_;
};

// Runs `worker(rng)` on `workers` threads, each with its own seeded generator,
// and returns when all have returned. While they run, `tick` is called on the
// calling thread about five times a second. Once `stop` is set the `pools` are
// woken (workers waiting for a slot give up) and after `grace_s` seconds
// `abort` is set, which cancels the requests still in flight.
void workers_run(int workers, const cancel_flag& stop, cancel_flag& abort, double grace_s,
                 const std::vector<endpoint_pool*>& pools, const std::function<void(std::mt19937_64&)>& worker,
                 const std::function<void()>& tick = {});

// The store's one writer. Workers hand it writes and wait until they are
// committed; it commits whatever has queued up in one transaction (group
// commit), so many workers cost few commits and a write is durable before the
// worker goes on. Thread-safe; the store must not be used elsewhere meanwhile.
class store_writer {
  public:
    using write_fn = std::function<std::optional<error>(store&)>;

    explicit store_writer(store& db);
    ~store_writer();
    store_writer(const store_writer&) = delete;
    store_writer& operator=(const store_writer&) = delete;

    // Runs `fn` on the writer thread inside a transaction; returns once committed.
    std::optional<error> write(write_fn fn);

  private:
    struct pending;
    void loop();

    store& db_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<pending*> queue_;
    bool closing_ = false;
    std::thread thread_;
};

}  // namespace eqb
