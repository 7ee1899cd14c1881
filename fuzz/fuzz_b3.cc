// Fuzzes B3: lines are, in order, b3, X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId,
// X-B3-Sampled, X-B3-Flags (an empty line means the header is absent). Checks that an
// accepted context is valid and survives both inject forms.
#include <string>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::trace;
  using argus::fuzz::check;
  static const char* const kNames[] = {
      "b3", "X-B3-TraceId", "x-b3-spanid", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-FLAGS"};
  const auto lines = argus::fuzz::split_lines(data, size, 12);
  argus::fuzz::Headers headers;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty()) headers.emplace_back(kNames[i % 6], lines[i]);
  }
  static const auto single = make_b3_propagator(true);
  static const auto multi = make_b3_propagator(false);
  PropagationContext ctx;
  const bool found = single->extract(PairRangeReader(headers), ctx);
  check(found == argus::fuzz::valid(ctx.span_context), "found iff valid");
  if (!found) return 0;
  check(!ctx.sampling_denied, "a context is never also a denial");
  check(!ctx.span_context.debug || ctx.span_context.is_sampled(), "debug implies sampled");
  for (const Propagator* p : {single.get(), multi.get()}) {
    const auto back = argus::fuzz::round_trip(*p, ctx);
    check(argus::fuzz::ids_equal(back.span_context, ctx.span_context), "ids survive");
    check(back.span_context.is_sampled() == ctx.span_context.is_sampled(), "sampled survives");
    check(back.span_context.debug == ctx.span_context.debug, "debug survives");
  }
  (void)b3::parse_single(lines[0]);
  return 0;
}
