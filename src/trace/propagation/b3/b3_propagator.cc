// The B3 propagator. Extract: the single "b3" header wins; otherwise the X-B3-* headers.
// Inject: either form, as configured ("b3" or "b3multi" in make_propagator).
#include <memory>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/b3/b3_parse.h"
#include "trace/propagation/common/format.h"
#include "trace/propagation/common/ids_text.h"

namespace argus::trace::b3 {

namespace pd = propagation_detail;

namespace {

constexpr std::string_view kSingle = "b3";
constexpr std::string_view kTraceId = "x-b3-traceid";
constexpr std::string_view kSpanId = "x-b3-spanid";
constexpr std::string_view kParentSpanId = "x-b3-parentspanid";
constexpr std::string_view kSampled = "x-b3-sampled";
constexpr std::string_view kFlags = "x-b3-flags";

// Reads one single-valued header: false when it is duplicated or oversized.
bool read_one(const CarrierReader& carrier, std::string_view name, std::string_view& out) noexcept {
  std::string_view v[2];
  const std::size_t n = carrier.get_all(name, v, 2);
  if (n > 1 || v[0].size() > kMaxHeaderValue) return false;
  out = pd::trim_ows(n == 1 ? v[0] : std::string_view{});
  return true;
}

char sampling_char(const SpanContext& c) noexcept {
  if (c.debug) return 'd';
  return c.is_sampled() ? '1' : '0';
}

class B3Propagator final : public pd::Format {
 public:
  explicit B3Propagator(bool single) : single_(single) {}

  bool extract_span(const CarrierReader& carrier, SpanContext& out,
                    bool& denied) const noexcept override {
    std::string_view single[2];
    const std::size_t n = carrier.get_all(kSingle, single, 2);
    if (n > 1) return false;  // ambiguous: do not fall back to the multi form either
    Parsed parsed = n == 1 ? parse_single(single[0]) : extract_multi(carrier);
    denied = parsed.denied;
    if (!parsed.context) return false;
    out = *parsed.context;
    return true;
  }

  void inject(const SpanContext& context, const Baggage& baggage,
              CarrierWriter& carrier) const noexcept override {
    (void)baggage;
    if (!pd::context_valid(context)) return;
    char buf[32 + 1 + 16 + 1 + 1];
    const std::size_t t = pd::encode_trace_id_compact(context.trace_id, buf);
    if (single_) {
      buf[t] = '-';
      pd::encode_span_id(context.span_id, buf + t + 1);
      buf[t + 17] = '-';
      buf[t + 18] = sampling_char(context);
      carrier.set(kSingle, {buf, t + 19});
      return;
    }
    carrier.set(kTraceId, {buf, t});
    pd::encode_span_id(context.span_id, buf);
    carrier.set(kSpanId, {buf, 16});
    // Debug implies an accept decision, so X-B3-Sampled is not sent with it.
    if (context.debug) {
      carrier.set(kFlags, "1");
    } else {
      carrier.set(kSampled, context.is_sampled() ? "1" : "0");
    }
  }

  std::string_view name() const noexcept override { return single_ ? "b3" : "b3multi"; }

 private:
  static Parsed extract_multi(const CarrierReader& carrier) noexcept {
    MultiHeaders h;
    if (!read_one(carrier, kTraceId, h.trace_id)) return {};
    if (h.trace_id.empty()) {
      // The common miss: without a trace id only a deny ("X-B3-Sampled: 0") matters.
      if (!read_one(carrier, kSampled, h.sampled)) return {};
      return parse_multi(h);
    }
    if (!read_one(carrier, kSpanId, h.span_id) ||
        !read_one(carrier, kParentSpanId, h.parent_span_id) ||
        !read_one(carrier, kSampled, h.sampled) || !read_one(carrier, kFlags, h.flags)) {
      return {};
    }
    return parse_multi(h);
  }

  bool single_;
};

}  // namespace

}  // namespace argus::trace::b3

namespace argus::trace {

std::unique_ptr<propagation_detail::Format> propagation_detail::make_b3_format(bool single) {
  return std::make_unique<b3::B3Propagator>(single);
}

std::unique_ptr<Propagator> make_b3_propagator(bool single_header_inject) {
  return propagation_detail::make_b3_format(single_header_inject);
}

}  // namespace argus::trace
