// uber-trace-id parsing: {trace-id}:{span-id}:{parent-span-id}:{flags}, hex fields of variable
// length (Jaeger drops leading zeros), the colons possibly percent-encoded as %3A.
#include <array>
#include <optional>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/common/text.h"

namespace argus::trace::jaeger {

namespace pd = propagation_detail;

namespace {

constexpr std::uint8_t kJaegerSampled = 0x01;
constexpr std::uint8_t kJaegerDebug = 0x02;

// Splits on ':' or "%3A"/"%3a" into exactly four fields.
bool split_fields(std::string_view v, std::array<std::string_view, 4>& fields) noexcept {
  std::size_t n = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::size_t sep = 0;
    if (v[i] == ':') {
      sep = 1;
    } else if (v[i] == '%' && i + 2 < v.size() && v[i + 1] == '3' &&
               (v[i + 2] == 'A' || v[i + 2] == 'a')) {
      sep = 3;
    } else {
      continue;
    }
    if (n == 3) return false;
    fields[n++] = v.substr(start, i - start);
    i += sep - 1;
    start = i + 1;
  }
  if (n != 3) return false;
  fields[3] = v.substr(start);
  return true;
}

}  // namespace

std::optional<SpanContext> parse_uber_trace_id(std::string_view value) noexcept {
  value = pd::trim_ows(value);
  if (value.size() > kMaxHeaderValue) return std::nullopt;
  std::array<std::string_view, 4> f;
  if (!split_fields(value, f)) return std::nullopt;
  SpanContext c;
  std::uint64_t span = 0;
  std::uint64_t parent = 0;
  std::uint64_t flags = 0;
  if (!pd::parse_trace_id(f[0], c.trace_id) || !pd::trace_id_valid(c.trace_id) ||
      !pd::parse_hex64(f[1], span) || span == 0 || !pd::parse_hex64(f[2], parent) ||
      f[3].size() > 2 || !pd::parse_hex64(f[3], flags)) {
    return std::nullopt;
  }
  c.span_id = SpanId(span);
  c.debug = (flags & kJaegerDebug) != 0;
  c.flags = (flags & kJaegerSampled) != 0 || c.debug ? TraceFlags::kSampled : 0;
  c.remote = true;
  return c;
}

}  // namespace argus::trace::jaeger
