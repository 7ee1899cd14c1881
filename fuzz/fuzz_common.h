// Helpers shared by the fuzz targets: splitting the input into header lines and checking
// invariants loudly (a failed check aborts, which libFuzzer and the replay runner report).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argus/trace/propagation.h"

namespace argus::fuzz {

inline std::vector<std::string_view> split_lines(const std::uint8_t* data, std::size_t size,
                                                 std::size_t max_lines = 64) {
  std::vector<std::string_view> lines;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (lines.size() < max_lines) {
    const std::size_t nl = in.find('\n');
    lines.push_back(in.substr(0, nl));
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  return lines;
}

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

inline bool ids_equal(const argus::trace::SpanContext& a, const argus::trace::SpanContext& b) {
  return a.trace_id == b.trace_id && a.span_id == b.span_id;
}

inline bool valid(const argus::trace::SpanContext& c) {
  const auto& b = c.trace_id.bytes();
  bool any = false;
  for (auto x : b) any |= x != 0;
  return any && c.span_id.value() != 0;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

// Injects `ctx` with `p` and extracts it again with `p`.
inline argus::trace::PropagationContext round_trip(const argus::trace::Propagator& p,
                                                   const argus::trace::PropagationContext& ctx) {
  Headers out;
  argus::trace::PairVectorWriter writer(out);
  p.inject(ctx.span_context, ctx.baggage, writer);
  argus::trace::PropagationContext again;
  p.extract(argus::trace::PairRangeReader(out), again);
  return again;
}

}  // namespace argus::fuzz
