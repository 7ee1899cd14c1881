// The Jaeger propagator: uber-trace-id for the context, uberctx-{key} headers for baggage
// (values URL-encoded, as Jaeger clients send them).
#include <memory>
#include <string>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/baggage/codec.h"
#include "trace/propagation/common/format.h"
#include "trace/propagation/common/ids_text.h"

namespace argus::trace::jaeger {

namespace pd = propagation_detail;
namespace bd = baggage::detail;

namespace {

constexpr std::string_view kHeader = "uber-trace-id";
constexpr std::string_view kBaggagePrefix = "uberctx-";

// encodeURIComponent's unreserved set, which Jaeger clients decode.
bool is_uri_unreserved(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos;
}

class BaggageCollector final : public HeaderVisitor {
 public:
  explicit BaggageCollector(Baggage& out) : out_(out) {
    for (const auto& e : out_.entries) total_ += bd::entry_bytes(e);
  }

  void visit(std::string_view name, std::string_view value) noexcept override {
    const std::string_view key = name.substr(kBaggagePrefix.size());
    if (!pd::is_token(key) || value.size() > kMaxHeaderValue) return;
    try {
      BaggageEntry entry;
      if (!bd::percent_decode(pd::trim_ows(value), entry.value)) return;
      entry.key.reserve(key.size());
      for (char c : key) entry.key += carrier_detail::ascii_lower(c);
      bd::add_entry(out_, std::move(entry), total_);
    } catch (...) {  // out of memory: the entry is dropped
    }
  }

 private:
  Baggage& out_;
  std::size_t total_ = 0;
};

class JaegerPropagator final : public pd::Format {
 public:
  bool extract_span(const CarrierReader& carrier, SpanContext& out,
                    bool& denied) const noexcept override {
    (void)denied;
    std::string_view v[2];
    if (carrier.get_all(kHeader, v, 2) != 1) return false;
    auto parsed = parse_uber_trace_id(v[0]);
    if (!parsed) return false;
    out = *parsed;
    return true;
  }

  void extract_baggage(const CarrierReader& carrier, Baggage& out) const noexcept override {
    BaggageCollector collector(out);
    carrier.for_each_prefixed(kBaggagePrefix, collector);
  }

  void inject(const SpanContext& context, const Baggage& baggage,
              CarrierWriter& carrier) const noexcept override {
    if (pd::context_valid(context)) {
      char buf[32 + 1 + 16 + 5];
      const std::size_t t = pd::encode_trace_id_compact(context.trace_id, buf);
      buf[t] = ':';
      pd::encode_span_id(context.span_id, buf + t + 1);
      const char flags = context.debug ? '3' : (context.is_sampled() ? '1' : '0');
      const char tail[] = {':', '0', ':', '0', flags};
      for (std::size_t i = 0; i < sizeof tail; ++i) buf[t + 17 + i] = tail[i];
      carrier.set(kHeader, {buf, t + 17 + sizeof tail});
    }
    inject_baggage(baggage, carrier);
  }

  std::string_view name() const noexcept override { return "jaeger"; }

 private:
  static void inject_baggage(const Baggage& baggage, CarrierWriter& carrier) noexcept {
    try {
      std::string name;
      std::string value;
      for (const auto& e : baggage.entries) {
        if (!pd::is_token(e.key)) continue;
        name.assign(kBaggagePrefix).append(e.key);
        value.clear();
        bd::percent_encode(e.value, is_uri_unreserved, value);
        carrier.set(name, value);
      }
    } catch (...) {  // out of memory: the rest of the baggage is not sent
    }
  }
};

}  // namespace

}  // namespace argus::trace::jaeger

namespace argus::trace {

std::unique_ptr<propagation_detail::Format> propagation_detail::make_jaeger_format() {
  return std::make_unique<jaeger::JaegerPropagator>();
}

std::unique_ptr<Propagator> make_jaeger_propagator() {
  return propagation_detail::make_jaeger_format();
}

}  // namespace argus::trace
