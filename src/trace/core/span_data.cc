// Span records: bounded attribute lists, events and links whose slots survive recycling.
#include "argus/trace/span_data.h"

namespace argus::trace {
namespace {

template <typename T>
T& next_slot(std::vector<T>& slots, std::size_t& count) {
  if (count == slots.size()) slots.emplace_back();
  return slots[count++];
}

}  // namespace

std::string_view to_string(SpanKind kind) noexcept {
  switch (kind) {
    case SpanKind::kInternal:
      return "internal";
    case SpanKind::kServer:
      return "server";
    case SpanKind::kClient:
      return "client";
    case SpanKind::kProducer:
      return "producer";
    case SpanKind::kConsumer:
      return "consumer";
  }
  return "internal";
}

std::string_view to_string(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kUnset:
      return "unset";
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kError:
      return "error";
  }
  return "unset";
}

const AttributeValue* AttributeList::find(std::string_view key) const noexcept {
  for (const auto& a : items()) {
    if (same_text(a.key, key)) return &a.value;
  }
  return nullptr;
}

void AttributeList::set(std::string_view key, const AttributeView& value, const SpanLimits& limits,
                        std::uint32_t max_count) noexcept {
  if (key.empty()) {
    ++dropped_;
    return;
  }
  for (std::size_t i = 0; i < size_; ++i) {
    if (same_text(slots_[i].key, key)) {
      truncated_ += slots_[i].value.assign(value, limits.max_attribute_value_length);
      return;
    }
  }
  if (size_ >= max_count) {
    ++dropped_;
    return;
  }
  Attribute& slot = next_slot(slots_, size_);
  truncated_ += assign_utf8(slot.key, key, kMaxAttributeKeyBytes);
  truncated_ += slot.value.assign(value, limits.max_attribute_value_length);
}

void SpanData::fold_attribute_set() noexcept {
  const AttributeSet* set = attribute_set;
  if (set == nullptr) return;
  attribute_set = nullptr;
  // The tracer attached the set only within the span's limits, so none apply here.
  static constexpr SpanLimits kNone{~0u, ~0u, ~0u, ~0u, ~0u, ~0u};
  for (const KeyValue& kv : set->views())
    attributes.set(kv.key, kv.value, kNone, kNone.max_attributes);
}

void SpanData::add_event(std::string_view event_name, std::int64_t time_unix_ns,
                         std::span<const KeyValue> attrs, const SpanLimits& limits) noexcept {
  has_events_or_links_ = true;
  if (event_count_ >= limits.max_events) {
    ++dropped_events_;
    return;
  }
  SpanEvent& e = next_slot(events_, event_count_);
  assign_utf8(e.name, event_name, limits.max_attribute_value_length);
  e.time_unix_ns = time_unix_ns;
  e.attributes.clear();
  for (const auto& kv : attrs) {
    e.attributes.set(kv.key, kv.value, limits, limits.max_attributes_per_event);
  }
}

void SpanData::add_link(const SpanContext& link_context, std::span<const KeyValue> attrs,
                        const SpanLimits& limits) noexcept {
  if (!link_context.is_valid()) return;
  has_events_or_links_ = true;
  if (link_count_ >= limits.max_links) {
    ++dropped_links_;
    return;
  }
  SpanLink& l = next_slot(links_, link_count_);
  l.context = link_context;
  l.attributes.clear();
  for (const auto& kv : attrs) {
    l.attributes.set(kv.key, kv.value, limits, limits.max_attributes_per_link);
  }
}

}  // namespace argus::trace
