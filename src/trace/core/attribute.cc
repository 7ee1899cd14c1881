// Copying caller-supplied attribute values into span records: strings are made valid UTF-8
// (exporters such as OTLP reject anything else) and cut to the configured length.
#include "argus/trace/attribute.h"

#include <cstring>

namespace argus::trace {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool all_ascii(std::string_view s) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) & 0x80) return false;
  }
  return true;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

}  // namespace

bool assign_utf8_copy(std::string& out, std::string_view in, std::size_t max_bytes) noexcept {
  if (all_ascii(in)) {
    bool truncated = in.size() > max_bytes;
    out.assign(in.data(), truncated ? max_bytes : in.size());
    return truncated;
  }
  out.clear();
  for (std::size_t i = 0; i < in.size();) {
    std::size_t len = utf8_sequence_length(in, i);
    std::string_view piece = len ? in.substr(i, len) : kReplacement;
    if (out.size() + piece.size() > max_bytes) return true;
    out.append(piece);
    i += len ? len : 1;
  }
  return false;
}

struct AttributeValue::Arrays {
  std::vector<std::uint8_t> bools;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string> strings;
};

AttributeValue::AttributeValue() noexcept = default;

AttributeValue::AttributeValue(const AttributeValue& other)
    : type_(other.type_),
      scalar_(other.scalar_),
      str_(other.str_),
      arrays_(other.arrays_ ? std::make_unique<Arrays>(*other.arrays_) : nullptr) {}

AttributeValue& AttributeValue::operator=(const AttributeValue& other) {
  if (this != &other) *this = AttributeValue(other);
  return *this;
}

AttributeValue::AttributeValue(AttributeValue&&) noexcept = default;
AttributeValue& AttributeValue::operator=(AttributeValue&&) noexcept = default;
AttributeValue::~AttributeValue() = default;

AttributeValue::Arrays& AttributeValue::arrays() {
  if (!arrays_) arrays_ = std::make_unique<Arrays>();
  return *arrays_;
}

std::span<const std::uint8_t> AttributeValue::bool_array() const noexcept {
  return arrays_ ? std::span<const std::uint8_t>(arrays_->bools) : std::span<const std::uint8_t>{};
}
std::span<const std::int64_t> AttributeValue::int_array() const noexcept {
  return arrays_ ? std::span<const std::int64_t>(arrays_->ints) : std::span<const std::int64_t>{};
}
std::span<const double> AttributeValue::double_array() const noexcept {
  return arrays_ ? std::span<const double>(arrays_->doubles) : std::span<const double>{};
}
std::span<const std::string> AttributeValue::string_array() const noexcept {
  return arrays_ ? std::span<const std::string>(arrays_->strings) : std::span<const std::string>{};
}

// Stores only what changed: a recycled record is often refilled with the values it held, and a
// line left unwritten is one the export thread, which read it last, need not fetch again.
template <typename T>
void store_if_changed(T& slot, T value) noexcept {
  if (std::memcmp(&slot, &value, sizeof(T)) != 0) slot = value;
}

bool AttributeValue::assign(const AttributeView& v, std::size_t max_length) noexcept {
  store_if_changed(type_, v.type());
  bool truncated = false;
  switch (v.type()) {
    case AttributeType::kBool:
      store_if_changed(scalar_.b, v.as_bool());
      break;
    case AttributeType::kInt:
      store_if_changed(scalar_.i, v.as_int());
      break;
    case AttributeType::kDouble:
      store_if_changed(scalar_.d, v.as_double());
      break;
    case AttributeType::kString:
      truncated = assign_utf8(str_, v.as_string(), max_length);
      break;
    case AttributeType::kBoolArray: {
      auto a = v.bool_array();
      arrays().bools.assign(a.begin(), a.end());
      break;
    }
    case AttributeType::kIntArray: {
      auto a = v.int_array();
      arrays().ints.assign(a.begin(), a.end());
      break;
    }
    case AttributeType::kDoubleArray: {
      auto a = v.double_array();
      arrays().doubles.assign(a.begin(), a.end());
      break;
    }
    case AttributeType::kStringArray: {
      auto& strings = arrays().strings;
      strings.resize(v.array_size());
      for (std::size_t i = 0; i < strings.size(); ++i) {
        truncated |= assign_utf8(strings[i], v.string_at(i), max_length);
      }
      break;
    }
  }
  return truncated;
}

}  // namespace argus::trace
