// Samplers decide, when a span starts, whether it is recorded and exported. The built-in ones
// follow OpenTelemetry (always_on, always_off, trace_id_ratio, parent_based) and Jaeger (const,
// probabilistic, rate_limiting). A remote sampler (Jaeger's sampling server) implements the same
// interface and may change its decisions at run time; should_sample is called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "argus/trace/attribute.h"
#include "argus/trace/clock.h"
#include "argus/trace/span_context.h"
#include "argus/trace/span_data.h"

namespace argus::trace {

enum class SamplingDecision : std::uint8_t { kDrop, kRecordOnly, kRecordAndSample };

struct SamplingParams {
  const SpanContext* parent;  // nullptr or invalid: this is a root span
  const TraceId& trace_id;
  std::string_view name;
  SpanKind kind;
  std::span<const KeyValue> attributes;
  const AttributeSet* attribute_set = nullptr;  // more attributes the span starts with
};

struct SamplingResult {
  SamplingDecision decision = SamplingDecision::kDrop;
  // Attributes the sampler adds to the span (e.g. Jaeger's sampler.type / sampler.param); they
  // must stay valid for the sampler's lifetime.
  std::span<const KeyValue> attributes{};
};

// A decision a sampler makes without looking at the span. A sampler whose decisions never
// change says so through shortcuts(), and the tracer then skips the call (and building its
// parameters) on the hot path. Samplers that decide per span (a ratio strictly between 0 and 1,
// rate limiting, remote) keep the default: kAsk. A sampler whose delegate can change reports the
// current delegate's, and its owner calls TracerProvider::refresh_sampler_shortcuts() after
// each change.
enum class SamplerShortcut : std::uint8_t {
  kAsk,           // call should_sample
  kSample,        // always record and sample
  kDrop,          // never record
  kFollowParent,  // parented spans only: the parent's sampled flag, or a remote debug flag
};

struct SamplerShortcuts {
  SamplerShortcut root = SamplerShortcut::kAsk;      // spans without a parent
  SamplerShortcut parented = SamplerShortcut::kAsk;  // spans with a valid parent
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingResult should_sample(const SamplingParams& params) noexcept = 0;
  virtual std::string description() const = 0;
  // Must agree with should_sample; read when a TracerProvider is created and by
  // TracerProvider::refresh_sampler_shortcuts().
  virtual SamplerShortcuts shortcuts() const noexcept { return {}; }
};

std::unique_ptr<Sampler> make_always_on_sampler();
std::unique_ptr<Sampler> make_always_off_sampler();
// OpenTelemetry's TraceIdRatioBased, bit for bit as opentelemetry-go (Ory's SDK) computes it:
// sampled iff (big-endian uint64 of trace id bytes 8..15) >> 1 < ratio * 2^63. Ratios outside
// [0, 1] are clamped; NaN means 0.
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio);
// Follows the parent's sampled flag (and a remote debug flag); roots go to `root`.
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root);

// Jaeger's samplers, with the sampler.type/sampler.param tags Jaeger clients put on root spans.
std::unique_ptr<Sampler> make_jaeger_const_sampler(bool decision);
// Jaeger's probabilistic sampler: (trace id low 64 bits & 2^63-1) < rate * (2^63-1).
std::unique_ptr<Sampler> make_jaeger_probabilistic_sampler(double rate);
// At most `traces_per_second` root decisions per second (token bucket, burst of
// max(1, rate) traces), timed by `clock`, which must outlive the sampler.
std::unique_ptr<Sampler> make_jaeger_rate_limiting_sampler(double traces_per_second,
                                                           Clock& clock = system_clock());

}  // namespace argus::trace
