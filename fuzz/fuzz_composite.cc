// Fuzzes the default composite propagator over arbitrary headers: each line is "name:value".
// Checks that an accepted context is valid and that injecting then extracting keeps it.
#include <string>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::trace;
  using argus::fuzz::check;
  const auto lines = argus::fuzz::split_lines(data, size);
  argus::fuzz::Headers headers;
  for (const auto line : lines) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  static const auto composite = make_default_propagator();
  PropagationContext ctx;
  const bool found = composite->extract(PairRangeReader(headers), ctx);
  check(found == argus::fuzz::valid(ctx.span_context), "found iff valid");
  if (!found) return 0;
  check(ctx.span_context.remote, "extracted context is remote");
  const auto back = argus::fuzz::round_trip(*composite, ctx);
  check(argus::fuzz::ids_equal(back.span_context, ctx.span_context), "ids survive");
  check(back.span_context.is_sampled() == ctx.span_context.is_sampled() || ctx.span_context.debug,
        "sampled survives");
  return 0;
}
