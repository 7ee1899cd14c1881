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

template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT

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

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace argus::trace
