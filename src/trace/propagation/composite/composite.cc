// The composite propagator: extraction takes the span context from the first format, in list
// order, that yields a valid one, and baggage from every format; injection writes all formats.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/propagation.h"
#include "trace/propagation/common/format.h"

namespace argus::trace::composite {

namespace pd = propagation_detail;

namespace {

constexpr std::string_view kSupported = "tracecontext, baggage, b3, b3multi, jaeger";

class CompositePropagator final : public Propagator {
 public:
  explicit CompositePropagator(std::vector<std::unique_ptr<pd::Format>> formats)
      : formats_(std::move(formats)) {}

  bool extract(const CarrierReader& carrier, PropagationContext& context) const noexcept override {
    bool found = false;
    for (const auto& f : formats_) {
      if (!found && f->carries_context()) {
        bool denied = false;
        found = f->extract_span(carrier, context.span_context, denied);
        if (denied) context.sampling_denied = true;
      }
      f->extract_baggage(carrier, context.baggage);
    }
    return found;
  }

  void inject(const SpanContext& context, const Baggage& baggage,
              CarrierWriter& carrier) const noexcept override {
    for (const auto& f : formats_) f->inject(context, baggage, carrier);
  }

  std::string_view name() const noexcept override { return "composite"; }

 private:
  std::vector<std::unique_ptr<pd::Format>> formats_;
};

std::unique_ptr<pd::Format> make_format(std::string_view name) {
  if (name == "tracecontext") return pd::make_trace_context_format({});
  if (name == "baggage") return pd::make_baggage_format();
  if (name == "b3") return pd::make_b3_format(true);
  if (name == "b3multi") return pd::make_b3_format(false);
  if (name == "jaeger") return pd::make_jaeger_format();
  return nullptr;
}

}  // namespace

}  // namespace argus::trace::composite

namespace argus::trace {

Expected<std::unique_ptr<Propagator>> make_propagator(std::span<const std::string> names) {
  std::vector<std::unique_ptr<propagation_detail::Format>> formats;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto format = composite::make_format(names[i]);
    if (!format) {
      return Error{Error::Code::invalid_config,
                   "unknown propagator '" + names[i] +
                       "'; supported: " + std::string(composite::kSupported)};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) {
        return Error{Error::Code::invalid_config, "propagator '" + names[i] + "' listed twice"};
      }
    }
    formats.push_back(std::move(format));
  }
  return std::unique_ptr<Propagator>(
      std::make_unique<composite::CompositePropagator>(std::move(formats)));
}

std::unique_ptr<Propagator> make_default_propagator() {
  static const std::string kDefault[] = {"tracecontext", "baggage", "b3", "jaeger"};
  return std::move(make_propagator(kDefault).value());
}

}  // namespace argus::trace
