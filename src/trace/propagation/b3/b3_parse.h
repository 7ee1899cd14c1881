// B3 multi-header parsing, private to the B3 propagator and its fuzzer (the single-header
// parser is public in argus/trace/propagation/formats.h).
#pragma once

#include <string_view>

#include "argus/trace/propagation.h"

namespace argus::trace::b3 {

// The X-B3-* values, each already trimmed of OWS; empty when absent.
struct MultiHeaders {
  std::string_view trace_id;
  std::string_view span_id;
  std::string_view parent_span_id;
  std::string_view sampled;
  std::string_view flags;
};

Parsed parse_multi(const MultiHeaders& headers) noexcept;

}  // namespace argus::trace::b3
