// The allocation-free core of traceparent parsing, for the propagator's hot path.
#pragma once

#include <cstdint>
#include <string_view>

#include "argus/trace/ids.h"

namespace argus::trace::w3c {

// Leaves the outputs alone and returns false when `value` is not a valid traceparent.
bool parse_traceparent_fields(std::string_view value, TraceId& trace_id, SpanId& span_id,
                              std::uint8_t& flags) noexcept;

}  // namespace argus::trace::w3c
