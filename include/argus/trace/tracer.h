// The tracing API: a TracerProvider owns the configuration (resource, sampler, processor,
// limits, clock) and hands out Tracers; a Tracer starts Spans. A Span is a move-only handle that
// records into a pooled SpanData and hands it to the processor when it ends (or is destroyed).
//
// Parents are chosen explicitly (StartSpanOptions::parent, right for asynchronous code) or
// implicitly from the thread's current span, which a Scope sets for its lifetime.
// A span that is not sampled records nothing, yet carries a valid context for propagation.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "argus/trace/attribute.h"
#include "argus/trace/clock.h"
#include "argus/trace/expected.h"
#include "argus/trace/processor.h"
#include "argus/trace/resource.h"
#include "argus/trace/sampler.h"
#include "argus/trace/span_context.h"
#include "argus/trace/span_data.h"

namespace argus::trace {

namespace detail {
struct ProviderCore;
}

struct StartSpanOptions {
  const SpanContext* parent = nullptr;  // explicit parent; otherwise the current span, if any
  bool root = false;                    // ignore the current span and start a new trace
  SpanKind kind = SpanKind::kInternal;
  std::span<const KeyValue> attributes{};  // recorded, and shown to the sampler
  // Attributes shared with other spans, referred to rather than copied (see AttributeSet); it
  // must outlive the span until the span ends. A key in both it and `attributes` takes the
  // value in `attributes`.
  const AttributeSet* attribute_set = nullptr;
  std::int64_t start_unix_ns = 0;  // 0: now
  // The caller was told not to sample (B3 "b3: 0", PropagationContext::sampling_denied): a new
  // root span is then not sampled, whatever the sampler would say. Ignored when there is a parent.
  bool sampling_denied = false;
};

class Span {
 public:
  Span() noexcept = default;  // not recording, invalid context
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() { end(); }

  bool is_recording() const noexcept { return data_ != nullptr; }
  const SpanContext& context() const noexcept { return data_ ? data_->context : context_; }

  // The recording calls check is_recording() inline, so on unsampled spans they cost nothing.
  void set_attribute(std::string_view key, const AttributeView& value) noexcept {
    if (data_) record_attribute(key, value);
  }
  void add_event(std::string_view name, std::initializer_list<KeyValue> attributes = {}) noexcept;
  void add_event(std::string_view name, std::span<const KeyValue> attributes,
                 std::int64_t time_unix_ns = 0) noexcept;
  void add_link(const SpanContext& context,
                std::initializer_list<KeyValue> attributes = {}) noexcept;
  // An "exception" event with exception.type and exception.message.
  void record_exception(std::string_view type, std::string_view message) noexcept;
  // OpenTelemetry semantics: kOk is final, kUnset is ignored, the message only goes with kError.
  void set_status(StatusCode code, std::string_view message = {}) noexcept;
  void update_name(std::string_view name) noexcept;
  // Ends the span; later calls do nothing.
  void end() noexcept {
    if (data_) finish();
  }

 private:
  friend class Tracer;
  void record_attribute(std::string_view key, const AttributeView& value) noexcept;
  void finish() noexcept;
  detail::ProviderCore* core_ = nullptr;
  SpanData* data_ = nullptr;
  std::uint64_t start_ticks_ = 0;  // the provider's clock: TSC ticks or monotonic ns
  SpanContext context_;            // used only when not recording
};

// Makes a span's context the thread's current one until the Scope is destroyed.
class Scope {
 public:
  explicit Scope(const Span& span) noexcept : Scope(span.context()) {}
  explicit Scope(const SpanContext& context) noexcept;
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  SpanContext context_;
  const SpanContext* previous_;
};

// The thread's current span context, or nullptr.
const SpanContext* current_span_context() noexcept;

class Tracer {
 public:
  Span start_span(std::string_view name, const StartSpanOptions& options = {}) noexcept;
  const InstrumentationScope& scope() const noexcept { return scope_; }

  Tracer(detail::ProviderCore* core, InstrumentationScope scope)
      : core_(core), scope_(std::move(scope)) {}

 private:
  detail::ProviderCore* core_;
  InstrumentationScope scope_;
};

struct TracerStats {
  std::uint64_t spans_started = 0;      // recording spans started
  std::uint64_t spans_ended = 0;        // recording spans ended
  std::uint64_t spans_not_sampled = 0;  // spans the sampler dropped
  ProcessorStats processor;             // queued, dropped, exported, failed
};

struct TracerProviderOptions {
  Resource::Options resource;
  std::unique_ptr<Sampler> sampler;          // default: parent_based(always_on)
  std::unique_ptr<SpanProcessor> processor;  // none: spans are sampled but discarded
  SpanLimits limits;
  Clock* clock = nullptr;  // default: system_clock(); must outlive the provider
};

class TracerProvider {
 public:
  static Expected<std::unique_ptr<TracerProvider>> create(TracerProviderOptions options);
  // A provider whose spans never record: tracing disabled. Spans still pass an explicit or
  // current parent's context through, so propagation keeps working.
  static std::unique_ptr<TracerProvider> create_noop();

  ~TracerProvider();  // shuts down with a 5 s budget if not done already
  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;

  // The tracer for an instrumentation scope; the reference lives as long as the provider.
  Tracer& tracer(std::string_view name = "argus", std::string_view version = {});
  const Resource& resource() const noexcept;
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept;
  bool shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept;
  TracerStats stats() const noexcept;
  // Reads the sampler's shortcuts() again. A sampler whose fixed decisions can change (one
  // whose delegate is replaced at run time) keeps them current by having its owner call this
  // after each change; spans started in between take the old shortcut or ask the new sampler.
  void refresh_sampler_shortcuts() noexcept;

 private:
  explicit TracerProvider(std::unique_ptr<detail::ProviderCore> core);
  std::unique_ptr<detail::ProviderCore> core_;
};

}  // namespace argus::trace
