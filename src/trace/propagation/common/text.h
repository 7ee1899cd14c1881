// Small, allocation-free text helpers shared by the propagators: lowercase-hex decoding into
// ids, hex encoding, optional-whitespace trimming and id validity checks that do not depend on
// the core's out-of-line helpers (so the parsers also build alone, for the fuzzers).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "argus/trace/ids.h"
#include "argus/trace/span_context.h"

namespace argus::trace::propagation_detail {

// -1 for anything that is not a lowercase hex digit: uppercase is invalid on the wire.
inline constexpr std::array<std::int8_t, 256> kLowerHex = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
  return t;
}();

// Decodes `n` (1..16) lowercase hex characters; false on any other character.
inline bool parse_hex64(const char* p, std::size_t n, std::uint64_t& out) noexcept {
  std::uint64_t v = 0;
  int bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int8_t d = kLowerHex[static_cast<unsigned char>(p[i])];
    bad |= d;
    v = (v << 4) | static_cast<std::uint64_t>(d & 0x0f);
  }
  out = v;
  return bad >= 0;
}

// Eight lowercase hex characters at once (SWAR): the hot path reads 16- and 32-character ids.
inline bool parse_hex8_swar(const char* p, std::uint32_t& out) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t x = 0;
  std::memcpy(&x, p, 8);
  if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
  // Per byte c < 0x80: (c + 0x80 - lo) has its high bit set iff c >= lo, (c + 0x7f - hi) iff c >
  // hi.
  const std::uint64_t digit = (x + kOnes * 0x50) & ~(x + kOnes * 0x46);
  const std::uint64_t alpha = (x + kOnes * 0x1f) & ~(x + kOnes * 0x19);
  if ((x & kHigh) != 0 || ((digit | alpha) & kHigh) != kHigh) return false;
  std::uint64_t n = (x & (kOnes * 0x0f)) + ((alpha & kHigh) >> 7) * 9;
  n = ((n << 4) | (n >> 8)) & 0x00ff00ff00ff00ffULL;
  n = (n | (n >> 8)) & 0x0000ffff0000ffffULL;
  n = (n | (n >> 16)) & 0x00000000ffffffffULL;
  out = __builtin_bswap32(static_cast<std::uint32_t>(n));
  return true;
}

// Exactly 16 lowercase hex characters.
inline bool parse_hex16(const char* p, std::uint64_t& out) noexcept {
  std::uint32_t hi = 0;
  std::uint32_t lo = 0;
  // Both halves are always decoded (no early exit): valid input is the common case.
  const bool ok_hi = parse_hex8_swar(p, hi);
  const bool ok_lo = parse_hex8_swar(p + 8, lo);
  const bool ok = ok_hi && ok_lo;
  out = (static_cast<std::uint64_t>(hi) << 32) | lo;
  return ok;
}

inline bool parse_hex64(std::string_view s, std::uint64_t& out) noexcept {
  return !s.empty() && s.size() <= 16 && parse_hex64(s.data(), s.size(), out);
}

inline TraceId make_trace_id(std::uint64_t high, std::uint64_t low) noexcept {
  std::array<std::uint8_t, TraceId::kSize> b{};
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
    b[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  }
  return TraceId(b);
}

// 1..32 lowercase hex characters, left-padded with zeros (B3 and Jaeger allow 64-bit ids).
inline bool parse_trace_id(std::string_view s, TraceId& out) noexcept {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  if (s.size() == 32) {
    if (!parse_hex16(s.data(), high) || !parse_hex16(s.data() + 16, low)) return false;
    out = make_trace_id(high, low);
    return true;
  }
  if (s.empty() || s.size() > 32) return false;
  if (s.size() > 16) {
    if (!parse_hex64(s.data(), s.size() - 16, high)) return false;
    s.remove_prefix(s.size() - 16);
  }
  if (!(s.size() == 16 ? parse_hex16(s.data(), low) : parse_hex64(s.data(), s.size(), low))) {
    return false;
  }
  out = make_trace_id(high, low);
  return true;
}

inline bool trace_id_valid(const TraceId& id) noexcept {
  const auto& b = id.bytes();
  std::uint64_t a = 0;
  std::uint64_t c = 0;
  std::memcpy(&a, b.data(), 8);
  std::memcpy(&c, b.data() + 8, 8);
  return (a | c) != 0;
}

inline bool context_valid(const SpanContext& c) noexcept {
  return trace_id_valid(c.trace_id) && c.span_id.is_valid();
}

inline constexpr char kHexDigits[] = "0123456789abcdef";

inline void encode_hex(const std::uint8_t* in, std::size_t n, char* out) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[in[i] >> 4];
    out[2 * i + 1] = kHexDigits[in[i] & 0x0f];
  }
}

inline void encode_trace_id(const TraceId& id, char* out) noexcept {
  encode_hex(id.bytes().data(), TraceId::kSize, out);
}

inline void encode_span_id(const SpanId& id, char* out) noexcept {
  const std::uint64_t v = id.value();
  for (int i = 0; i < 16; ++i) out[i] = kHexDigits[(v >> (60 - 4 * i)) & 0x0f];
}

inline bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

inline std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 7230 tchar, the alphabet of header names and baggage keys.
inline bool is_tchar(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

inline bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Either case: percent-encoding is case-insensitive.
inline int hex_value_any_case(char c) noexcept {
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return kLowerHex[static_cast<unsigned char>(c)];
}

}  // namespace argus::trace::propagation_detail
