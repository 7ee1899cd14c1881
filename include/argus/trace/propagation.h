// Propagation: reading a trace context (and baggage) from incoming headers and writing it into
// outgoing ones. Each wire format is a Propagator (W3C tracecontext, W3C baggage, B3, Jaeger);
// a composite one tries them in order on extract and writes all of them on inject.
//
// Carriers are small adapters over any header map. Readers return views into the map, so
// extraction copies no header values; header names are matched case-insensitively.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/expected.h"
#include "argus/trace/span_context.h"

namespace argus::trace {

// Receives headers from CarrierReader::for_each_prefixed.
class HeaderVisitor {
 public:
  virtual void visit(std::string_view name, std::string_view value) noexcept = 0;

 protected:
  ~HeaderVisitor() = default;
};

class CarrierReader {
 public:
  virtual ~CarrierReader() = default;
  // Writes up to `max` values of header `name` (any case) to `out` in arrival order and returns
  // how many exist in total (which may exceed `max`).
  virtual std::size_t get_all(std::string_view name, std::string_view* out,
                              std::size_t max) const noexcept = 0;
  // The single value of `name`, or empty when absent. Duplicates: the first.
  std::string_view get(std::string_view name) const noexcept {
    std::string_view v;
    return get_all(name, &v, 1) > 0 ? v : std::string_view{};
  }
  // Calls `visitor` for every header whose name starts with the lowercase `prefix` (any case);
  // only Jaeger's "uberctx-" baggage needs it. A carrier that cannot enumerate keeps this
  // default, and then prefix-keyed baggage is simply not extracted.
  virtual void for_each_prefixed(std::string_view prefix, HeaderVisitor& visitor) const noexcept {
    (void)prefix;
    (void)visitor;
  }
  // Whether any header is named one of `names` or starts with one of `prefixes` (all lowercase;
  // headers match in any case). Propagators ask this once and skip a request that carries none
  // of their headers, which most requests without an upstream tracer do. A carrier that cannot
  // tell keeps this default, and is then asked for each header as usual.
  virtual bool contains_any(std::span<const std::string_view> names,
                            std::span<const std::string_view> prefixes) const noexcept {
    (void)names;
    (void)prefixes;
    return true;
  }
};

class CarrierWriter {
 public:
  virtual ~CarrierWriter() = default;
  virtual void set(std::string_view name, std::string_view value) noexcept = 0;
};

struct BaggageEntry {
  std::string key;
  std::string value;     // decoded
  std::string metadata;  // properties after the first ';', as received
};

struct Baggage {
  std::vector<BaggageEntry> entries;
  const BaggageEntry* find(std::string_view key) const noexcept;
};

// What extraction yields: the remote parent (invalid when none was found) and its baggage.
struct PropagationContext {
  SpanContext span_context;
  Baggage baggage;
  // The upstream asked not to sample a new trace (B3 "b3: 0", or "X-B3-Sampled: 0" without ids)
  // while giving no context to join. A root sampler may honour it; parent-based sampling cannot
  // see it because there is no parent.
  bool sampling_denied = false;
};

class Propagator {
 public:
  virtual ~Propagator() = default;
  // Fills what this format carries into `context`; leaves it untouched on absence or invalid
  // input. Returns true if this format yielded a valid span context (baggage-only formats
  // return false and only add baggage).
  virtual bool extract(const CarrierReader& carrier,
                       PropagationContext& context) const noexcept = 0;
  virtual void inject(const SpanContext& span_context, const Baggage& baggage,
                      CarrierWriter& carrier) const noexcept = 0;
  virtual std::string_view name() const noexcept = 0;
};

// Builds a composite propagator from format names, in order: "tracecontext", "baggage", "b3"
// (single header on inject, both forms on extract), "b3multi", "jaeger". Unknown names are an
// error naming the supported ones.
Expected<std::unique_ptr<Propagator>> make_propagator(std::span<const std::string> names);
// The default list: tracecontext, baggage, b3, jaeger (what Ory registers).
std::unique_ptr<Propagator> make_default_propagator();

}  // namespace argus::trace

#include "argus/trace/propagation/carriers.h"
#include "argus/trace/propagation/formats.h"
