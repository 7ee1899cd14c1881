// The W3C Trace Context propagator: traceparent must appear exactly once; tracestate headers
// are joined in arrival order and only kept alongside a valid traceparent.
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/common/format.h"
#include "trace/propagation/common/text.h"
#include "trace/propagation/w3c/traceparent.h"

namespace argus::trace::w3c {

namespace pd = propagation_detail;

namespace {

constexpr std::string_view kTraceparent = "traceparent";
constexpr std::string_view kTracestate = "tracestate";
// More tracestate headers than members allowed cannot form a valid list worth keeping.
constexpr std::size_t kMaxTracestateHeaders = 32;

class TraceContextPropagator final : public pd::Format {
 public:
  explicit TraceContextPropagator(TraceContextOptions options) : options_(std::move(options)) {}

  bool extract_span(const CarrierReader& carrier, SpanContext& out,
                    bool& denied) const noexcept override {
    (void)denied;
    std::string_view values[2];
    if (carrier.get_all(kTraceparent, values, 2) != 1) return false;
    TraceId trace_id;
    SpanId span_id;
    std::uint8_t flags = 0;
    if (!parse_traceparent_fields(values[0], trace_id, span_id, flags)) return false;
    out.trace_id = trace_id;
    out.span_id = span_id;
    out.flags = flags;
    out.remote = true;
    out.debug = false;
    out.trace_state.clear();
    extract_tracestate(carrier, out.trace_state);
    return true;
  }

  void inject(const SpanContext& context, const Baggage& baggage,
              CarrierWriter& carrier) const noexcept override {
    (void)baggage;
    if (!pd::context_valid(context)) return;
    char buf[kTraceparentSize];
    format_traceparent(context, buf);
    carrier.set(kTraceparent, {buf, sizeof buf});
    if (!options_.vendor_key.empty()) {
      inject_with_vendor_entry(context, carrier);
    } else if (!context.trace_state.empty()) {
      carrier.set(kTracestate, context.trace_state);
    }
  }

  std::string_view name() const noexcept override { return "tracecontext"; }

 private:
  // Most requests carry at most a few tracestate headers: look with a small buffer first.
  static void extract_tracestate(const CarrierReader& carrier, std::string& out) noexcept {
    std::string_view few[4];
    const std::size_t n = carrier.get_all(kTracestate, few, std::size(few));
    if (n == 0 || n > kMaxTracestateHeaders) return;
    try {
      if (n <= std::size(few)) {
        if (auto state = parse_tracestate({few, n})) out = *std::move(state);
        return;
      }
      std::array<std::string_view, kMaxTracestateHeaders> all;
      carrier.get_all(kTracestate, all.data(), all.size());
      if (auto state = parse_tracestate({all.data(), n})) out = *std::move(state);
    } catch (...) {  // out of memory: join without the tracestate
    }
  }

  void inject_with_vendor_entry(const SpanContext& context, CarrierWriter& carrier) const noexcept {
    char span_hex[16];
    pd::encode_span_id(context.span_id, span_hex);
    try {
      auto state = tracestate_put(context.trace_state, options_.vendor_key, {span_hex, 16});
      if (state) carrier.set(kTracestate, *state);
    } catch (...) {  // out of memory: send the traceparent alone
    }
  }

  TraceContextOptions options_;
};

}  // namespace

}  // namespace argus::trace::w3c

namespace argus::trace {

std::unique_ptr<propagation_detail::Format> propagation_detail::make_trace_context_format(
    TraceContextOptions options) {
  return std::make_unique<w3c::TraceContextPropagator>(std::move(options));
}

Expected<std::unique_ptr<Propagator>> make_trace_context_propagator(TraceContextOptions options) {
  if (!options.vendor_key.empty() && !w3c::is_valid_tracestate_key(options.vendor_key)) {
    return Error{Error::Code::invalid_config,
                 "tracecontext: vendor_key '" + options.vendor_key +
                     "' is not a valid tracestate key (lowercase, digits, _-*/, optional @system)"};
  }
  return std::unique_ptr<Propagator>(
      propagation_detail::make_trace_context_format(std::move(options)));
}

std::unique_ptr<Propagator> make_trace_context_propagator() {
  return propagation_detail::make_trace_context_format(TraceContextOptions{});
}

}  // namespace argus::trace
