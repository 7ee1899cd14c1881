// Starting spans: choose the parent, make ids, ask the sampler, and for sampled spans fill a
// pooled record. Only sampled spans touch a record or the clock.
#include "argus/trace/tracer.h"

#include "trace/core/provider_core.h"
#include "trace/core/span_pool.h"

namespace argus::trace {
namespace {

const SpanContext* choose_parent(const StartSpanOptions& options) noexcept {
  const SpanContext* parent = options.parent;
  if (parent == nullptr && !options.root) parent = current_span_context();
  return parent != nullptr && parent->is_valid() ? parent : nullptr;
}

void fill_context(SpanContext& out, const SpanContext* parent, const TraceId& trace_id,
                  SpanId span_id, bool sampled) noexcept {
  out.trace_id = trace_id;
  out.span_id = span_id;
  // A new trace's id is random in every byte (Level 2 "random" flag); a child keeps the parent's.
  std::uint8_t flags = parent ? (parent->flags & TraceFlags::kRandom) : TraceFlags::kRandom;
  out.flags = sampled ? (flags | TraceFlags::kSampled) : flags;
  out.remote = false;
  out.debug = parent != nullptr && parent->debug;
  if (parent) {
    out.trace_state = parent->trace_state;
  } else {
    out.trace_state.clear();
  }
}

}  // namespace

Span Tracer::start_span(std::string_view name, const StartSpanOptions& options) noexcept {
  Span span;
  const SpanContext* parent = choose_parent(options);
  detail::ProviderCore& core = *core_;
  if (!core.enabled) {
    if (parent) span.context_ = *parent;
    return span;
  }
  TraceId trace_id;
  SpanId span_id;
  if (parent) {
    trace_id = parent->trace_id;
    span_id = IdGenerator::new_span_id();
  } else {
    IdGenerator::new_root_ids(trace_id, span_id);
  }
  const SamplingResult sampling =
      options.sampling_denied && parent == nullptr
          ? SamplingResult{SamplingDecision::kDrop}
          : core.sampler->should_sample({parent, trace_id, name, options.kind, options.attributes});
  const bool sampled = sampling.decision == SamplingDecision::kRecordAndSample;
  if (sampling.decision == SamplingDecision::kDrop) {
    core.spans_not_sampled.add();
    fill_context(span.context_, parent, trace_id, span_id, false);
    return span;
  }

  SpanData* data = detail::acquire_span_data();
  fill_context(data->context, parent, trace_id, span_id, sampled);
  data->parent_span_id = parent ? parent->span_id : SpanId{};
  data->parent_is_remote = parent != nullptr && parent->remote;
  data->kind = options.kind;
  assign_utf8(data->name, name, core.limits.max_attribute_value_length);
  data->resource = &core.resource;
  data->scope = &scope_;
  const ClockReading now = core.clock->now();
  data->start_unix_ns = options.start_unix_ns != 0 ? options.start_unix_ns : now.unix_ns;
  for (const KeyValue& kv : options.attributes) {
    data->attributes.set(kv.key, kv.value, core.limits, core.limits.max_attributes);
  }
  for (const KeyValue& kv : sampling.attributes) {
    data->attributes.set(kv.key, kv.value, core.limits, core.limits.max_attributes);
  }
  span.core_ = &core;
  span.data_ = data;
  span.start_monotonic_ns_ = now.monotonic_ns;
  core.spans_started.add();
  return span;
}

namespace detail {
void ProviderCore::finish(SpanData* span) noexcept {
  spans_ended.add();
  // After shutdown the processor still receives spans, so it can count them as dropped.
  if (span->context.is_sampled() && processor != nullptr) {
    processor->on_end(span);
  } else {
    recycle_span_data(span);
  }
}
}  // namespace detail

}  // namespace argus::trace
