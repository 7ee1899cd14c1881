// Fuzzes Jaeger: line 1 is uber-trace-id, further lines are "key=value" uberctx- baggage
// headers. Checks that an accepted context survives inject/extract, baggage included.
#include <string>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::trace;
  using argus::fuzz::check;
  const auto lines = argus::fuzz::split_lines(data, size);
  argus::fuzz::Headers headers;
  headers.emplace_back("Uber-Trace-Id", lines[0]);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t eq = lines[i].find('=');
    headers.emplace_back("uberctx-" + std::string(lines[i].substr(0, eq)),
                         eq == std::string_view::npos ? "" : lines[i].substr(eq + 1));
  }
  static const auto jaeger = make_jaeger_propagator();
  PropagationContext ctx;
  const bool found = jaeger->extract(PairRangeReader(headers), ctx);
  check(found == argus::fuzz::valid(ctx.span_context), "found iff valid");
  check(found == jaeger::parse_uber_trace_id(lines[0]).has_value(), "parser agrees");
  check(ctx.baggage.entries.size() <= baggage::kMaxEntries, "baggage entry limit");
  if (!found) ctx.span_context = {};
  const auto back = argus::fuzz::round_trip(*jaeger, ctx);
  if (found) {
    check(argus::fuzz::ids_equal(back.span_context, ctx.span_context), "ids survive");
    check(back.span_context.is_sampled() == ctx.span_context.is_sampled(), "sampled survives");
    check(back.span_context.debug == ctx.span_context.debug, "debug survives");
  }
  check(back.baggage.entries.size() == ctx.baggage.entries.size(), "baggage count survives");
  for (const auto& e : ctx.baggage.entries) {
    const BaggageEntry* b = back.baggage.find(e.key);
    check(b != nullptr && b->value == e.value, "baggage survives");
  }
  return 0;
}
