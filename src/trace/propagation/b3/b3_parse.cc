// B3 parsing: the single "b3" header and the X-B3-* multi-header form (openzipkin/b3-propagation).
#include "trace/propagation/b3/b3_parse.h"

#include <array>
#include <string_view>

#include "trace/propagation/common/text.h"

namespace argus::trace::b3 {

namespace pd = propagation_detail;

namespace {

bool parse_ids(std::string_view trace, std::string_view span, SpanContext& out) noexcept {
  if (trace.size() != 16 && trace.size() != 32) return false;
  std::uint64_t span_value = 0;
  if (span.size() != 16 || !pd::parse_hex16(span.data(), span_value) || span_value == 0) {
    return false;
  }
  if (!pd::parse_trace_id(trace, out.trace_id) || !pd::trace_id_valid(out.trace_id)) return false;
  out.span_id = SpanId(span_value);
  out.remote = true;
  return true;
}

bool valid_parent(std::string_view parent) noexcept {
  std::uint64_t v = 0;
  return parent.size() == 16 && pd::parse_hex64(parent, v) && v != 0;
}

void set_sampled(SpanContext& c, bool sampled, bool debug) noexcept {
  c.debug = debug;
  c.flags = (sampled || debug) ? TraceFlags::kSampled : 0;
}

}  // namespace

Parsed parse_single(std::string_view value) noexcept {
  Parsed result;
  value = pd::trim_ows(value);
  if (value.size() == 1) {
    result.denied = value[0] == '0';  // "1"/"d" alone give no ids to join: ignored
    return result;
  }
  if (value.size() > 16 + 1 + 32 + 1 + 16 + 1 + 1 + 1) return result;  // longest valid form
  std::array<std::string_view, 4> fields;
  std::size_t n = 0;
  while (true) {
    if (n == fields.size()) return result;  // too many fields
    const std::size_t dash = value.find('-');
    fields[n++] = value.substr(0, dash);
    if (dash == std::string_view::npos) break;
    value.remove_prefix(dash + 1);
  }
  if (n < 2) return result;
  SpanContext c;
  if (!parse_ids(fields[0], fields[1], c)) return result;
  if (n >= 3) {
    const std::string_view s = fields[2];
    if (s != "0" && s != "1" && s != "d") return result;
    set_sampled(c, s == "1", s == "d");
  }
  if (n == 4 && !valid_parent(fields[3])) return result;
  result.context = c;
  return result;
}

Parsed parse_multi(const MultiHeaders& h) noexcept {
  Parsed result;
  bool sampled = false;
  bool known = true;
  if (h.sampled == "1" || h.sampled == "true") {
    sampled = true;
  } else if (h.sampled == "0" || h.sampled == "false" || h.sampled.empty()) {
  } else {
    known = false;
  }
  const bool debug = h.flags == "1";
  if (!known || (!h.flags.empty() && h.flags != "1" && h.flags != "0")) return result;
  if (h.trace_id.empty() && h.span_id.empty()) {
    result.denied = h.sampled == "0" || h.sampled == "false";
    return result;
  }
  if (!h.parent_span_id.empty() && !valid_parent(h.parent_span_id)) return result;
  SpanContext c;
  if (!parse_ids(h.trace_id, h.span_id, c)) return result;
  set_sampled(c, sampled, debug);
  result.context = c;
  return result;
}

}  // namespace argus::trace::b3
