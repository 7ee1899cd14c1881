// Typed span attributes (tags). AttributeView is the cheap, non-owning form callers pass in;
// Attribute is the owned form stored in a span. Stored attributes reuse their buffers when a
// span record is recycled, so steady-state recording does not allocate.
#pragma once

#include <concepts>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace argus::trace {

enum class AttributeType : std::uint8_t {
  kBool,
  kInt,
  kDouble,
  kString,
  kBoolArray,
  kIntArray,
  kDoubleArray,
  kStringArray,
};

class AttributeView {
 public:
  AttributeView(bool v) noexcept : type_(AttributeType::kBool) { u_.b = v; }  // NOLINT
  template <std::integral I>
  requires(!std::same_as<I, bool>) AttributeView(I v)
  noexcept : type_(AttributeType::kInt) {  // NOLINT
    u_.i = static_cast<std::int64_t>(v);
  }
  template <std::floating_point F>
  AttributeView(F v) noexcept : type_(AttributeType::kDouble) {  // NOLINT
    u_.d = static_cast<double>(v);
  }
  AttributeView(std::string_view v) noexcept : type_(AttributeType::kString) {
    set_str(v);
  }                                                                                       // NOLINT
  AttributeView(const char* v) noexcept : AttributeView(std::string_view(v ? v : "")) {}  // NOLINT
  AttributeView(const std::string& v) noexcept : AttributeView(std::string_view(v)) {}    // NOLINT
  AttributeView(std::span<const bool> v) noexcept : type_(AttributeType::kBoolArray) {    // NOLINT
    u_.arr = {v.data(), v.size()};
  }
  AttributeView(std::span<const std::int64_t> v) noexcept  // NOLINT
      : type_(AttributeType::kIntArray) {
    u_.arr = {v.data(), v.size()};
  }
  AttributeView(std::span<const double> v) noexcept
      : type_(AttributeType::kDoubleArray) {  // NOLINT
    u_.arr = {v.data(), v.size()};
  }
  AttributeView(std::span<const std::string_view> v) noexcept  // NOLINT
      : type_(AttributeType::kStringArray), strings_are_views_(true) {
    u_.arr = {v.data(), v.size()};
  }
  AttributeView(std::span<const std::string> v) noexcept  // NOLINT
      : type_(AttributeType::kStringArray) {
    u_.arr = {v.data(), v.size()};
  }

  AttributeType type() const noexcept { return type_; }
  bool as_bool() const noexcept { return u_.b; }
  std::int64_t as_int() const noexcept { return u_.i; }
  double as_double() const noexcept { return u_.d; }
  std::string_view as_string() const noexcept { return {u_.s.data, u_.s.size}; }
  std::size_t array_size() const noexcept { return u_.arr.size; }
  std::span<const bool> bool_array() const noexcept {
    return {static_cast<const bool*>(u_.arr.data), u_.arr.size};
  }
  std::span<const std::int64_t> int_array() const noexcept {
    return {static_cast<const std::int64_t*>(u_.arr.data), u_.arr.size};
  }
  std::span<const double> double_array() const noexcept {
    return {static_cast<const double*>(u_.arr.data), u_.arr.size};
  }
  std::string_view string_at(std::size_t i) const noexcept {
    return strings_are_views_ ? static_cast<const std::string_view*>(u_.arr.data)[i]
                              : std::string_view(static_cast<const std::string*>(u_.arr.data)[i]);
  }

 private:
  void set_str(std::string_view v) noexcept { u_.s = {v.data(), v.size()}; }
  AttributeType type_;
  bool strings_are_views_ = false;
  union {
    bool b;
    std::int64_t i;
    double d;
    struct {
      const char* data;
      std::size_t size;
    } s;
    struct {
      const void* data;
      std::size_t size;
    } arr;
  } u_;
};

struct KeyValue {
  std::string_view key;
  AttributeView value;
};

// Owned attribute value. Holds one alternative at a time; the buffers of the others are kept
// (empty) so a recycled record can be refilled without allocating. Arrays are rare, so their
// buffers live apart, created on first use: a scalar or string attribute takes 56 bytes, and a
// span's attributes fewer cache lines.
class AttributeValue {
 public:
  AttributeValue() noexcept;
  AttributeValue(const AttributeValue& other);
  AttributeValue& operator=(const AttributeValue& other);
  AttributeValue(AttributeValue&&) noexcept;
  AttributeValue& operator=(AttributeValue&&) noexcept;
  ~AttributeValue();

  AttributeType type() const noexcept { return type_; }
  bool as_bool() const noexcept { return scalar_.b; }
  std::int64_t as_int() const noexcept { return scalar_.i; }
  double as_double() const noexcept { return scalar_.d; }
  std::string_view as_string() const noexcept { return str_; }
  std::span<const std::uint8_t> bool_array() const noexcept;
  std::span<const std::int64_t> int_array() const noexcept;
  std::span<const double> double_array() const noexcept;
  std::span<const std::string> string_array() const noexcept;

  // Copies `v`, truncating strings to `max_length` bytes at a UTF-8 boundary and replacing
  // invalid UTF-8 with U+FFFD. Returns true if anything was truncated.
  bool assign(const AttributeView& v, std::size_t max_length) noexcept;

 private:
  struct Arrays;
  Arrays& arrays();

  AttributeType type_ = AttributeType::kBool;
  union {
    bool b;
    std::int64_t i;
    double d;
  } scalar_{};
  std::string str_;
  std::unique_ptr<Arrays> arrays_;
};

struct Attribute {
  std::string key;
  AttributeValue value;
};

// Whether two strings hold the same bytes. Names, keys and most values are short, and for a few
// bytes the library's memcmp costs more in its call and dispatch than in comparing: up to 32
// bytes (a URL path, a user agent) are compared inline, in overlapping words.
inline bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n > 32) return std::memcmp(x, y, n) == 0;
  if (n > 16) {
    std::uint64_t xs[4], ys[4];  // bytes 0-15 and the last 16, which overlap them when n < 32
    std::memcpy(xs, x, 16);
    std::memcpy(xs + 2, x + n - 16, 16);
    std::memcpy(ys, y, 16);
    std::memcpy(ys + 2, y + n - 16, 16);
    return ((xs[0] ^ ys[0]) | (xs[1] ^ ys[1]) | (xs[2] ^ ys[2]) | (xs[3] ^ ys[3])) == 0;
  }
  // The first and the last word of each side; for n between the word size and twice it, the
  // two words cover every byte.
  auto same_ends = [&]<typename Word>(Word) {
    Word x0, x1, y0, y1;
    std::memcpy(&x0, x, sizeof(Word));
    std::memcpy(&y0, y, sizeof(Word));
    std::memcpy(&x1, x + n - sizeof(Word), sizeof(Word));
    std::memcpy(&y1, y + n - sizeof(Word), sizeof(Word));
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  };
  if (n >= 8) return same_ends(std::uint64_t{});
  if (n >= 4) return same_ends(std::uint32_t{});
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

// Attribute keys longer than this are cut (at a character boundary) wherever they are stored.
inline constexpr std::size_t kMaxAttributeKeyBytes = 256;

// Copies `in` into `out` as valid UTF-8 of at most `max_bytes` bytes: invalid sequences become
// U+FFFD and truncation never splits a character. Returns true if the input was truncated.
bool assign_utf8_copy(std::string& out, std::string_view in, std::size_t max_bytes) noexcept;
inline bool assign_utf8(std::string& out, std::string_view in, std::size_t max_bytes) noexcept {
  // Recycled records are mostly refilled with the names and keys they held before.
  if (in.size() <= max_bytes && same_text(out, in)) return false;
  return assign_utf8_copy(out, in, max_bytes);
}

}  // namespace argus::trace
