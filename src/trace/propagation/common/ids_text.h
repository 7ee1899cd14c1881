// Id formatting for the formats that allow 64-bit trace ids (B3, Jaeger): a trace id whose high
// half is zero came from a 64-bit system and goes back out as 16 characters.
#pragma once

#include <cstddef>
#include <cstring>

#include "trace/propagation/common/text.h"

namespace argus::trace::propagation_detail {

// Writes 16 or 32 characters to `out` (room for 32) and returns how many.
inline std::size_t encode_trace_id_compact(const TraceId& id, char* out) noexcept {
  char full[32];
  encode_trace_id(id, full);
  if (std::memcmp(full, "0000000000000000", 16) == 0) {
    std::memcpy(out, full + 16, 16);
    return 16;
  }
  std::memcpy(out, full, 32);
  return 32;
}

}  // namespace argus::trace::propagation_detail
