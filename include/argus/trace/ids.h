// Trace and span identifiers: 16- and 8-byte values with their lowercase-hex forms, and the
// per-thread random generator that makes them (never all-zero, random in every byte, so the W3C
// Level 2 "random" trace flag is always truthful).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace argus::trace {

class TraceId {
 public:
  static constexpr std::size_t kSize = 16;
  constexpr TraceId() = default;
  explicit TraceId(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}
  static TraceId from_halves(std::uint64_t high, std::uint64_t low) noexcept {
    TraceId id;
    high = __builtin_bswap64(high);
    low = __builtin_bswap64(low);
    std::memcpy(id.bytes_.data(), &high, sizeof(high));
    std::memcpy(id.bytes_.data() + 8, &low, sizeof(low));
    return id;
  }

  bool is_valid() const noexcept {
    std::uint64_t a, b;
    std::memcpy(&a, bytes_.data(), sizeof(a));
    std::memcpy(&b, bytes_.data() + 8, sizeof(b));
    return (a | b) != 0;
  }
  std::uint64_t high() const noexcept { return load_be(0); }
  std::uint64_t low() const noexcept { return load_be(8); }
  const std::array<std::uint8_t, kSize>& bytes() const noexcept { return bytes_; }

  // Writes exactly 32 lowercase hex characters to `out`.
  void to_hex(char* out) const noexcept;
  std::string to_hex() const;
  // Accepts 32 lowercase hex characters (or 16, left-padded with zeros, for B3/Jaeger);
  // returns an invalid (all-zero) id on anything else.
  static TraceId from_hex(std::string_view hex) noexcept;

  friend bool operator==(const TraceId&, const TraceId&) = default;

 private:
  std::uint64_t load_be(std::size_t offset) const noexcept {
    std::uint64_t v;
    std::memcpy(&v, bytes_.data() + offset, sizeof(v));
    return __builtin_bswap64(v);
  }
  std::array<std::uint8_t, kSize> bytes_{};
};

class SpanId {
 public:
  static constexpr std::size_t kSize = 8;
  constexpr SpanId() = default;
  constexpr explicit SpanId(std::uint64_t value) : value_(value) {}

  bool is_valid() const noexcept { return value_ != 0; }
  std::uint64_t value() const noexcept { return value_; }
  std::array<std::uint8_t, kSize> bytes() const noexcept;

  void to_hex(char* out) const noexcept;  // exactly 16 lowercase hex characters
  std::string to_hex() const;
  static SpanId from_hex(std::string_view hex) noexcept;  // 16 lowercase hex, else invalid

  friend bool operator==(const SpanId&, const SpanId&) = default;

 private:
  std::uint64_t value_ = 0;
};

// Fast per-thread generator (wyrand) seeded from the OS's CSPRNG. Ids are for correlation,
// not secrecy: never use them as secrets.
class IdGenerator {
 public:
  static TraceId new_trace_id() noexcept;
  static SpanId new_span_id() noexcept;
  // Both ids of a new root span in one call (the generator state is loaded once).
  static void new_root_ids(TraceId& trace_id, SpanId& span_id) noexcept;
};

// Lowercase hex helpers shared by the propagators and exporters.
namespace hex {
// Decodes `in.size()/2` bytes; false on odd length or any character outside [0-9a-f].
bool decode_lower(std::string_view in, std::uint8_t* out) noexcept;
void encode(const std::uint8_t* in, std::size_t n, char* out) noexcept;
}  // namespace hex

}  // namespace argus::trace
