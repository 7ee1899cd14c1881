// Helpers for the propagation tests: header lists as carriers and extraction in one call.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "argus/trace/propagation.h"

namespace argus::trace::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline PropagationContext extract(const Propagator& p, const Headers& headers,
                                  bool* found = nullptr) {
  PropagationContext ctx;
  const bool ok = p.extract(PairRangeReader(headers), ctx);
  if (found) *found = ok;
  return ctx;
}

inline Headers inject(const Propagator& p, const SpanContext& c, const Baggage& b = {}) {
  Headers out;
  PairVectorWriter writer(out);
  p.inject(c, b, writer);
  return out;
}

inline const std::string* header(const Headers& h, const std::string& name) {
  for (const auto& [k, v] : h) {
    if (k == name) return &v;
  }
  return nullptr;
}

inline SpanContext context(const std::string& trace_hex, const std::string& span_hex,
                           std::uint8_t flags) {
  SpanContext c;
  c.trace_id = TraceId::from_hex(trace_hex);
  c.span_id = SpanId::from_hex(span_hex);
  c.flags = flags;
  return c;
}

}  // namespace argus::trace::testing
