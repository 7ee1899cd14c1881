// The W3C Baggage propagator: carries no span context, only baggage (all "baggage" headers,
// in arrival order, form one list).
#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/common/format.h"

namespace argus::trace::baggage {

namespace pd = propagation_detail;

namespace {

constexpr std::string_view kHeader = "baggage";
constexpr std::size_t kMaxHeaders = 64;

class BaggagePropagator final : public pd::Format {
 public:
  bool carries_context() const noexcept override { return false; }

  bool extract_span(const CarrierReader&, SpanContext&, bool&) const noexcept override {
    return false;
  }

  // Runs on every request, which rarely carries baggage: a small probe first, so the common case
  // does not clear room for kMaxHeaders values.
  void extract_baggage(const CarrierReader& carrier, Baggage& out) const noexcept override {
    std::array<std::string_view, 2> few;
    const std::size_t n = carrier.get_all(kHeader, few.data(), few.size());
    if (n == 0) return;
    if (n <= few.size()) return parse_values({few.data(), n}, out);
    std::array<std::string_view, kMaxHeaders> values;
    const std::size_t all = carrier.get_all(kHeader, values.data(), values.size());
    parse_values({values.data(), std::min(all, values.size())}, out);
  }

  void inject(const SpanContext& context, const Baggage& baggage,
              CarrierWriter& carrier) const noexcept override {
    (void)context;
    if (baggage.entries.empty()) return;
    try {
      const std::string value = serialize(baggage);
      if (!value.empty()) carrier.set(kHeader, value);
    } catch (...) {  // out of memory: no baggage header
    }
  }

  std::string_view name() const noexcept override { return "baggage"; }

 private:
  static void parse_values(std::span<const std::string_view> values, Baggage& out) noexcept {
    try {
      parse(values, out);
    } catch (...) {  // out of memory: keep what was parsed
    }
  }
};

}  // namespace

}  // namespace argus::trace::baggage

namespace argus::trace {

std::unique_ptr<propagation_detail::Format> propagation_detail::make_baggage_format() {
  return std::make_unique<baggage::BaggagePropagator>();
}

std::unique_ptr<Propagator> make_baggage_propagator() {
  return propagation_detail::make_baggage_format();
}

}  // namespace argus::trace
