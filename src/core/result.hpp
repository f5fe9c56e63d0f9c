#pragma once
// A small result type (g++ 12 has no std::expected): a value or an error.

#include <string>
#include <utility>
#include <variant>

namespace eqb {

// An expected failure, carried as a value. `message` is complete and user-facing:
// it names the file, item and field concerned where there is one.
struct error {
    std::string message;
};

template <class T>
class result {
  public:
    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
    result(error err) : state_(std::in_place_index<1>, std::move(err)) {}  // NOLINT

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    const error& err() const { return std::get<1>(state_); }

  private:
    std::variant<T, error> state_;
};

// Thrown only for fatal setup errors (bad config, unreadable data, unwritable
// store); main maps it to an exit code. Never thrown out of a worker thread.
struct fatal_error : std::exception {
    explicit fatal_error(std::string msg) : message(std::move(msg)) {}
    const char* what() const noexcept override { return message.c_str(); }
    std::string message;
};

}  // namespace eqb
