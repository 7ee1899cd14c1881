// The composite propagator: extraction takes the span context from the first format, in list
// order, that yields a valid one, and baggage from every format; injection writes all formats.
// A request that carries none of the formats' headers (learnt once, by probing) is answered in
// one pass over its headers instead of a dozen lookups.
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

// Answers "absent" to every lookup and notes what was asked. Formats are deterministic, so a
// request in which none of the noted headers is present takes exactly the path of the probe
// through each format: the headers a format reads need no list kept beside its code.
class ProbeCarrier final : public CarrierReader {
 public:
  std::size_t get_all(std::string_view name, std::string_view*,
                      std::size_t) const noexcept override {
    note(names, name);
    return 0;
  }
  void for_each_prefixed(std::string_view prefix, HeaderVisitor&) const noexcept override {
    note(prefixes, prefix);
  }

  mutable std::vector<std::string> names, prefixes;
  mutable bool complete = true;  // false when out of memory: the probe is then not used

 private:
  void note(std::vector<std::string>& list, std::string_view s) const noexcept {
    try {
      for (const auto& known : list) {
        if (known == s) return;
      }
      list.emplace_back(s);
    } catch (...) {
      complete = false;
    }
  }
};

class CompositePropagator final : public Propagator {
 public:
  explicit CompositePropagator(std::vector<std::unique_ptr<pd::Format>> formats)
      : formats_(std::move(formats)) {
    probe_headers();
  }
  CompositePropagator(const CompositePropagator&) = delete;  // the views point into probe_
  CompositePropagator& operator=(const CompositePropagator&) = delete;

  bool extract(const CarrierReader& carrier, PropagationContext& context) const noexcept override {
    if (probed_ && !carrier.contains_any(name_views_, prefix_views_)) return false;
    return extract_all(carrier, context);
  }

  void inject(const SpanContext& context, const Baggage& baggage,
              CarrierWriter& carrier) const noexcept override {
    for (const auto& f : formats_) f->inject(context, baggage, carrier);
  }

  std::string_view name() const noexcept override { return "composite"; }

 private:
  // Learns which headers the formats read when none is present, and checks that such a request
  // yields nothing, which is what the shortcut in extract() returns.
  void probe_headers() {
    PropagationContext empty;
    const bool found = extract_all(probe_, empty);
    if (!probe_.complete || found || empty.sampling_denied || !empty.baggage.entries.empty())
      return;
    for (const auto& n : probe_.names) name_views_.emplace_back(n);
    for (const auto& p : probe_.prefixes) prefix_views_.emplace_back(p);
    probed_ = true;
  }

  bool extract_all(const CarrierReader& carrier, PropagationContext& context) const noexcept {
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

  std::vector<std::unique_ptr<pd::Format>> formats_;
  ProbeCarrier probe_;  // owns the strings the views below point to
  std::vector<std::string_view> name_views_, prefix_views_;
  bool probed_ = false;
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
