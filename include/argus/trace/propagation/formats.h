// The individual wire formats behind make_propagator(), for code that wants one format or
// options, and their parsers as plain functions (used by tests, fuzzers and tools).
//
// Limits applied everywhere: a header value longer than kMaxHeaderValue bytes is ignored as if
// absent; ids must be lowercase hex and not all zero; a single-valued header (traceparent, b3,
// X-B3-*, uber-trace-id) that arrives more than once is invalid.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "argus/trace/expected.h"
#include "argus/trace/propagation.h"
#include "argus/trace/span_context.h"

namespace argus::trace {

inline constexpr std::size_t kMaxHeaderValue = 8192;

struct TraceContextOptions {
  // When set, inject puts "<vendor_key>=<our span id in hex>" first in tracestate (replacing an
  // older entry of ours) and drops the oldest entries past 32. Must be a valid tracestate key.
  std::string vendor_key;
};

// W3C Trace Context Level 2: traceparent + tracestate.
Expected<std::unique_ptr<Propagator>> make_trace_context_propagator(TraceContextOptions options);
std::unique_ptr<Propagator> make_trace_context_propagator();
// W3C Baggage.
std::unique_ptr<Propagator> make_baggage_propagator();
// B3: `single_header_inject` picks the "b3" header (true) or the X-B3-* headers (false) on
// inject; extract always accepts both, the single header winning.
std::unique_ptr<Propagator> make_b3_propagator(bool single_header_inject);
// Jaeger: uber-trace-id and uberctx-{key} baggage.
std::unique_ptr<Propagator> make_jaeger_propagator();

namespace w3c {
// One traceparent value (OWS allowed around it); nullopt when invalid. The result is remote.
std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept;
// Writes the 55-character version-00 traceparent of `context` to `out`.
void format_traceparent(const SpanContext& context, char* out) noexcept;
inline constexpr std::size_t kTraceparentSize = 55;
// The tracestate headers (in arrival order, joined as one list) validated and normalised
// ("k=v,k2=v2", OWS and empty members removed); nullopt when the whole list must be discarded:
// a bad key or value, a duplicated key, more than 32 members, an oversized header.
std::optional<std::string> parse_tracestate(std::span<const std::string_view> headers);
bool is_valid_tracestate_key(std::string_view key) noexcept;
bool is_valid_tracestate_value(std::string_view value) noexcept;
// Inject-side mutation: `key=value` first, any older entry with `key` removed, at most 32
// members (the oldest, last ones dropped). `tracestate` must be normalised.
Expected<std::string> tracestate_put(std::string_view tracestate, std::string_view key,
                                     std::string_view value);
}  // namespace w3c

namespace baggage {
inline constexpr std::size_t kMaxEntries = 180;
inline constexpr std::size_t kMaxEntryBytes = 4096;
inline constexpr std::size_t kMaxTotalBytes = 8192;
// Adds the members of the baggage headers to `out` (a later key replaces an earlier one);
// invalid members are dropped, the others kept within the limits.
void parse(std::span<const std::string_view> headers, Baggage& out);
// The header value for `baggage` (empty when nothing fits): values percent-encoded, entries
// that are invalid or would break a limit left out.
std::string serialize(const Baggage& baggage);
}  // namespace baggage

namespace b3 {
struct Parsed {
  std::optional<SpanContext> context;  // remote, when the header carried valid ids
  bool denied = false;                 // "0" alone: do not sample
};
Parsed parse_single(std::string_view value) noexcept;
}  // namespace b3

namespace jaeger {
std::optional<SpanContext> parse_uber_trace_id(std::string_view value) noexcept;
}  // namespace jaeger

}  // namespace argus::trace
