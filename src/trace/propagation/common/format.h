// The internal face of every wire format: extraction split into the span context and the
// baggage, so the composite can take the first valid context yet still collect all baggage.
#pragma once

#include <memory>
#include <string_view>

#include "argus/trace/propagation.h"

namespace argus::trace::propagation_detail {

class Format : public Propagator {
 public:
  // Parses into `out` (remote, valid) and returns true, or returns false leaving `out` alone.
  // Sets `denied` when the format says "do not sample" without giving ids.
  virtual bool extract_span(const CarrierReader& carrier, SpanContext& out,
                            bool& denied) const noexcept = 0;
  // Adds baggage carried by this format (most formats carry none).
  virtual void extract_baggage(const CarrierReader& carrier, Baggage& out) const noexcept {
    (void)carrier;
    (void)out;
  }
  virtual bool carries_context() const noexcept { return true; }

  bool extract(const CarrierReader& carrier, PropagationContext& context) const noexcept final {
    bool denied = false;
    const bool found = carries_context() && extract_span(carrier, context.span_context, denied);
    if (denied) context.sampling_denied = true;
    extract_baggage(carrier, context.baggage);
    return found;
  }
};

// The value of a header that must appear at most once and fit the size limit; empty when
// absent, duplicated or oversized (all of which mean "no usable value").
inline std::string_view single_header(const CarrierReader& carrier,
                                      std::string_view name) noexcept {
  std::string_view v;
  if (carrier.get_all(name, &v, 1) != 1 || v.size() > kMaxHeaderValue) return {};
  return v;
}

// Each format's factory, for the composite (the public factories wrap these).
std::unique_ptr<Format> make_trace_context_format(TraceContextOptions options);
std::unique_ptr<Format> make_baggage_format();
std::unique_ptr<Format> make_b3_format(bool single_header_inject);
std::unique_ptr<Format> make_jaeger_format();

}  // namespace argus::trace::propagation_detail
