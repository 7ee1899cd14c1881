// Fuzzes traceparent and tracestate: line 1 is the traceparent value, the other lines are
// tracestate headers. Checks that what is accepted is valid and survives inject/extract.
#include <string>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::trace;
  using argus::fuzz::check;
  const auto lines = argus::fuzz::split_lines(data, size);
  argus::fuzz::Headers headers;
  headers.emplace_back("traceparent", std::string(lines[0]));
  for (std::size_t i = 1; i < lines.size(); ++i) headers.emplace_back("TraceState", lines[i]);

  static const auto plain = make_trace_context_propagator();
  static const auto vendor = std::move(make_trace_context_propagator({"argus@vendor"}).value());
  PropagationContext ctx;
  const bool found = plain->extract(PairRangeReader(headers), ctx);
  check(found == argus::fuzz::valid(ctx.span_context), "found iff valid");
  if (!found) {
    check(ctx.span_context.trace_state.empty(), "no tracestate without traceparent");
    return 0;
  }
  check(ctx.span_context.remote, "extracted context is remote");
  if (!ctx.span_context.trace_state.empty()) {
    const std::string_view ts = ctx.span_context.trace_state;
    const auto again = w3c::parse_tracestate({&ts, 1});
    check(again && *again == ts, "normalised tracestate parses to itself");
  }
  for (const Propagator* p : {plain.get(), vendor.get()}) {
    const auto back = argus::fuzz::round_trip(*p, ctx);
    check(argus::fuzz::ids_equal(back.span_context, ctx.span_context), "ids survive");
    check(back.span_context.flags == ctx.span_context.flags, "flags survive");
    if (p == plain.get()) {
      check(back.span_context.trace_state == ctx.span_context.trace_state, "tracestate survives");
    } else {
      check(back.span_context.trace_state.rfind("argus@vendor=", 0) == 0, "vendor entry first");
    }
  }
  return 0;
}
