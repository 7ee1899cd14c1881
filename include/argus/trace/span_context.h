// SpanContext: the part of a span that crosses process boundaries (ids, flags, trace state).
// It is a plain value: copy it into asynchronous work instead of relying on the thread-local
// "current span".
#pragma once

#include <cstdint>
#include <string>

#include "argus/trace/ids.h"

namespace argus::trace {

struct TraceFlags {
  static constexpr std::uint8_t kSampled = 0x01;
  static constexpr std::uint8_t kRandom = 0x02;  // W3C Trace Context Level 2
};

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  std::uint8_t flags = 0;
  bool remote = false;      // extracted from a carrier rather than created here
  bool debug = false;       // B3 "d" / X-B3-Flags: 1 / Jaeger debug bit: force sampling downstream
  std::string trace_state;  // W3C tracestate, as validated by the propagator

  bool is_valid() const noexcept { return trace_id.is_valid() && span_id.is_valid(); }
  bool is_sampled() const noexcept { return (flags & TraceFlags::kSampled) != 0; }
};

}  // namespace argus::trace
