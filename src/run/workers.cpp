#include "run/workers.hpp"

#include <atomic>
#include <chrono>
#include <future>

namespace eqb {

double now_s() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void first_error::set(error e) {
    std::lock_guard lock(mutex_);
    if (!error_) {
        error_ = std::move(e);
    }
}

bool first_error::has() const {
    std::lock_guard lock(mutex_);
    return error_.has_value();
}

std::optional<error> first_error::get() const {
    std::lock_guard lock(mutex_);
    return error_;
}

void workers_run(int workers, const cancel_flag& stop, cancel_flag& abort, double grace_s,
                 const std::vector<endpoint_pool*>& pools, const std::function<void(std::mt19937_64&)>& worker,
                 const std::function<void()>& tick) {
    constexpr auto poll = std::chrono::milliseconds(50);
    constexpr int polls_per_tick = 4;
    std::vector<std::thread> threads;
    std::atomic<int> running{0};
    std::random_device seed_source;
    const std::uint64_t seed = (static_cast<std::uint64_t>(seed_source()) << 32) ^ seed_source();
    for (int i = 0; i < workers; ++i) {
        running.fetch_add(1);
        threads.emplace_back([&running, &worker, seed, i] {
            std::mt19937_64 rng(seed + static_cast<std::uint64_t>(i));
            worker(rng);
            running.fetch_sub(1);
        });
    }
    std::optional<std::chrono::steady_clock::time_point> stopped_at;
    int polls = 0;
    while (running.load() > 0) {
        std::this_thread::sleep_for(poll);
        if (tick && ++polls % polls_per_tick == 0) {
            tick();
        }
        if (stop.load() && !stopped_at) {
            stopped_at = std::chrono::steady_clock::now();
            for (auto* pool : pools) {
                pool->notify_all();
            }
        }
        if (stopped_at && !abort.load() &&
            std::chrono::steady_clock::now() - *stopped_at > std::chrono::duration<double>(grace_s)) {
            abort = true;
        }
    }
    for (auto& t : threads) {
        t.join();
    }
}

struct store_writer::pending {
    write_fn fn;
    std::promise<std::optional<error>> result;
};

store_writer::store_writer(store& db) : db_(db), thread_([this] { loop(); }) {}

store_writer::~store_writer() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::optional<error> store_writer::write(write_fn fn) {
    pending p{std::move(fn), {}};
    auto done = p.result.get_future();
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(&p);
    }
    cv_.notify_all();
    return done.get();
}

void store_writer::loop() {
    while (true) {
        std::vector<pending*> batch;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;
            }
            batch.swap(queue_);
        }
        std::vector<std::optional<error>> results(batch.size());
        std::optional<error> batch_error;
        if (auto begun = db_.batch_begin(); !begun) {
            batch_error = begun.err();
        } else {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                results[i] = batch[i]->fn(db_);
            }
            if (auto committed = db_.batch_commit(); !committed) {
                batch_error = committed.err();
            }
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i]->result.set_value(batch_error ? batch_error : results[i]);
        }
    }
}

}  // namespace eqb
