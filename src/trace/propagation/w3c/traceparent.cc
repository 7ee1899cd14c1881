// traceparent parsing and formatting (W3C Trace Context Level 2, section 3.2).
#include "trace/propagation/w3c/traceparent.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/common/text.h"

namespace argus::trace::w3c {

namespace pd = propagation_detail;

namespace {
constexpr std::size_t kVersion00Size = 55;
}  // namespace

bool parse_traceparent_fields(std::string_view value, TraceId& trace_id, SpanId& span_id,
                              std::uint8_t& flags) noexcept {
  value = pd::trim_ows(value);
  if (value.size() < kVersion00Size || value.size() > kMaxHeaderValue) return false;
  const char* p = value.data();
  std::uint64_t version = 0;
  if (!pd::parse_hex64(p, 2, version) || version == 0xff) return false;
  // Version 00 is exactly 55 characters; a later version may append fields after a '-',
  // and its first four fields are read as version 00 defines them.
  if (version == 0 && value.size() != kVersion00Size) return false;
  if (value.size() > kVersion00Size && p[kVersion00Size] != '-') return false;
  if (p[2] != '-' || p[35] != '-' || p[52] != '-') return false;
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::uint64_t span = 0;
  std::uint64_t f = 0;
  if (!pd::parse_hex16(p + 3, high) || !pd::parse_hex16(p + 19, low) ||
      !pd::parse_hex16(p + 36, span) || !pd::parse_hex64(p + 53, 2, f)) {
    return false;
  }
  if ((high | low) == 0 || span == 0) return false;
  trace_id = pd::make_trace_id(high, low);
  span_id = SpanId(span);
  // Only the flags this version defines are kept: unknown bits must not be propagated.
  flags = static_cast<std::uint8_t>(f & (TraceFlags::kSampled | TraceFlags::kRandom));
  return true;
}

std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept {
  SpanContext context;
  if (!parse_traceparent_fields(value, context.trace_id, context.span_id, context.flags)) {
    return std::nullopt;
  }
  context.remote = true;
  return context;
}

void format_traceparent(const SpanContext& context, char* out) noexcept {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  pd::encode_trace_id(context.trace_id, out + 3);
  out[35] = '-';
  pd::encode_span_id(context.span_id, out + 36);
  out[52] = '-';
  // Debug (B3/Jaeger) has no W3C bit; it implies sampled downstream.
  std::uint8_t flags = context.flags & (TraceFlags::kSampled | TraceFlags::kRandom);
  if (context.debug) flags |= TraceFlags::kSampled;
  out[53] = '0';
  out[54] = pd::kHexDigits[flags];
}

}  // namespace argus::trace::w3c
