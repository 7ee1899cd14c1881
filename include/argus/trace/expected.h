// Errors as values at the library's boundaries: a function that can fail returns Expected<T>,
// which holds either the value or an Error saying what went wrong. Nothing in argus::trace throws
// across its public API.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace argus::trace {

struct Error {
  enum class Code { invalid_argument, invalid_config, unavailable, timeout, io, internal };
  Code code = Code::internal;
  std::string message;
};

// `E` is the error type: Error here; other components of argus reuse the template with their
// own error vocabulary.
template <typename T, typename E = Error>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Expected(E error) : state_(std::move(error)) {}  // NOLINT

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

// Success without a value, or an error.
template <typename E>
class Expected<void, E> {
 public:
  Expected() = default;
  Expected(E error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const E& error() const { return error_; }

 private:
  E error_;
  bool ok_ = true;
};

}  // namespace argus::trace
