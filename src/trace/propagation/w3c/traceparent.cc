// traceparent parsing and formatting (W3C Trace Context Level 2, section 3.2).
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

std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept {
  value = pd::trim_ows(value);
  if (value.size() < kVersion00Size || value.size() > kMaxHeaderValue) return std::nullopt;
  const char* p = value.data();
  std::uint64_t version = 0;
  if (!pd::parse_hex64(p, 2, version) || version == 0xff) return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append fields after a '-',
  // and its first four fields are read as version 00 defines them.
  if (version == 0 && value.size() != kVersion00Size) return std::nullopt;
  if (value.size() > kVersion00Size && p[kVersion00Size] != '-') return std::nullopt;
  if (p[2] != '-' || p[35] != '-' || p[52] != '-') return std::nullopt;
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::uint64_t span = 0;
  std::uint64_t flags = 0;
  if (!pd::parse_hex64(p + 3, 16, high) || !pd::parse_hex64(p + 19, 16, low) ||
      !pd::parse_hex64(p + 36, 16, span) || !pd::parse_hex64(p + 53, 2, flags)) {
    return std::nullopt;
  }
  if ((high | low) == 0 || span == 0) return std::nullopt;
  SpanContext context;
  context.trace_id = pd::make_trace_id(high, low);
  context.span_id = SpanId(span);
  // Only the flags this version defines are kept: unknown bits must not be propagated.
  context.flags = static_cast<std::uint8_t>(flags & (TraceFlags::kSampled | TraceFlags::kRandom));
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
