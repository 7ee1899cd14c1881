// Starting spans: choose the parent, make ids, decide sampling, and for sampled spans fill a
// pooled record. Only sampled spans touch a record or the clock. Samplers whose decision is
// fixed are not called at all (SamplerShortcuts).
#include "argus/trace/tracer.h"

#include "trace/core/id_source.h"
#include "trace/core/provider_core.h"
#include "trace/core/span_pool.h"

namespace argus::trace {
namespace {

const SpanContext* choose_parent(const StartSpanOptions& options) noexcept {
  const SpanContext* parent = options.parent;
  if (parent == nullptr && !options.root) parent = current_span_context();
  return parent != nullptr && parent->is_valid() ? parent : nullptr;
}

// The identity of a new span; the trace state is copied separately, only when there is one.
void fill_ids(SpanContext& out, const SpanContext* parent, const detail::NewIds& ids,
              bool sampled) noexcept {
  out.trace_id = ids.trace_id();
  out.span_id = ids.span_id;
  // A new trace's id is random in every byte (Level 2 "random" flag); a child keeps the parent's.
  std::uint8_t flags = parent ? (parent->flags & TraceFlags::kRandom) : TraceFlags::kRandom;
  out.flags = sampled ? (flags | TraceFlags::kSampled) : flags;
  out.remote = false;
  out.debug = parent != nullptr && parent->debug;
}

bool follows(const SpanContext& parent) noexcept {
  return parent.is_sampled() || (parent.remote && parent.debug);
}

// Out of line, so the hot path's stack frame does not carry the sampler's parameters.
[[gnu::noinline]] SamplingResult ask_sampler(Sampler& sampler, const SpanContext* parent,
                                             const detail::NewIds& ids, std::string_view name,
                                             const StartSpanOptions& options) noexcept {
  const TraceId trace_id = ids.trace_id();
  return sampler.should_sample(
      {parent, trace_id, name, options.kind, options.attributes, options.attribute_set});
}

SamplingResult decide(detail::ProviderCore& core, const SpanContext* parent,
                      const detail::NewIds& ids, std::string_view name,
                      const StartSpanOptions& options) noexcept {
  const SamplerShortcuts shortcuts = core.shortcuts.load(std::memory_order_relaxed);
  SamplerShortcut shortcut = parent ? shortcuts.parented : shortcuts.root;
  if (options.sampling_denied && parent == nullptr) shortcut = SamplerShortcut::kDrop;
  if (__builtin_expect(shortcut == SamplerShortcut::kSample, 1)) {
    return {SamplingDecision::kRecordAndSample};
  }
  if (shortcut == SamplerShortcut::kDrop) return {SamplingDecision::kDrop};
  if (shortcut == SamplerShortcut::kFollowParent) {
    return {follows(*parent) ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop};
  }
  return ask_sampler(*core.sampler, parent, ids, name, options);
}

bool shares_a_key(const AttributeSet& set, std::span<const KeyValue> attributes) noexcept {
  for (const KeyValue& kv : attributes) {
    if (set.contains(kv.key)) return true;
  }
  return false;
}

// A set is referred to only when it fits the limits beside the span's own attributes and
// shares no key with them; otherwise its attributes are copied like any others.
bool can_refer_to(const AttributeSet& set, const SpanLimits& limits,
                  std::span<const KeyValue> given,
                  std::span<const KeyValue> from_sampler) noexcept {
  return set.size() + given.size() + from_sampler.size() <= limits.max_attributes &&
         set.longest_value() <= limits.max_attribute_value_length && !shares_a_key(set, given) &&
         !shares_a_key(set, from_sampler);
}

[[gnu::noinline]] void set_start_attributes(SpanData& data, const SpanLimits& limits,
                                            const AttributeSet* set,
                                            std::span<const KeyValue> given,
                                            std::span<const KeyValue> from_sampler) noexcept {
  data.attributes.prefetch(given.size() + from_sampler.size());
  std::uint32_t max = limits.max_attributes;
  if (set != nullptr) {
    if (can_refer_to(*set, limits, given, from_sampler)) {
      data.attribute_set = set;
      max -= static_cast<std::uint32_t>(set->size());
    } else {
      for (const KeyValue& kv : set->views()) data.attributes.set(kv.key, kv.value, limits, max);
    }
  }
  for (const KeyValue& kv : given) data.attributes.set(kv.key, kv.value, limits, max);
  for (const KeyValue& kv : from_sampler) data.attributes.set(kv.key, kv.value, limits, max);
}

}  // namespace

Span Tracer::start_span(std::string_view name, const StartSpanOptions& options) noexcept {
  Span span;
  const SpanContext* parent = choose_parent(options);
  detail::ProviderCore& core = *core_;
  if (__builtin_expect(!core.enabled, 0)) {
    if (parent) span.context_ = *parent;
    return span;
  }
  const detail::NewIds ids = detail::new_ids(parent);

  const SamplingResult sampling = decide(core, parent, ids, name, options);
  if (sampling.decision == SamplingDecision::kDrop) {
    core.spans_not_sampled.add();
    fill_ids(span.context_, parent, ids, false);
    if (parent && !parent->trace_state.empty()) span.context_.trace_state = parent->trace_state;
    return span;
  }

  // The clock first: reading the TSC takes tens of cycles, which overlap with filling the record.
  const detail::ProviderCore::Start start = core.start_time();
  SpanData* data = detail::acquire_span_data(name);
  fill_ids(data->context, parent, ids, sampling.decision == SamplingDecision::kRecordAndSample);
  if (parent && !parent->trace_state.empty()) {
    data->context.trace_state = parent->trace_state;
  } else {
    data->context.trace_state.clear();
  }
  data->parent_span_id = parent ? parent->span_id : SpanId{};
  data->parent_is_remote = parent != nullptr && parent->remote;
  data->kind = options.kind;
  assign_utf8(data->name, name, core.limits.max_attribute_value_length);
  data->resource = &core.resource;
  data->scope = &scope_;
  data->start_unix_ns = options.start_unix_ns != 0 ? options.start_unix_ns : start.unix_ns;
  if (!options.attributes.empty() || !sampling.attributes.empty() || options.attribute_set) {
    set_start_attributes(*data, core.limits, options.attribute_set, options.attributes,
                         sampling.attributes);
  }
  span.core_ = &core;
  span.data_ = data;
  span.start_ticks_ = start.ticks;
  core.spans_started.add();
  return span;
}

}  // namespace argus::trace
