// SpanData: the record of one span, written by the Span handle on the recording thread and read
// by exporters after it ends. Records are pooled and recycled; attribute, event and link slots
// keep their buffers, so a steady stream of similar spans does not allocate.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/attribute.h"
#include "argus/trace/attribute_set.h"
#include "argus/trace/resource.h"
#include "argus/trace/span_context.h"

namespace argus::trace {

enum class SpanKind : std::uint8_t { kInternal, kServer, kClient, kProducer, kConsumer };
enum class StatusCode : std::uint8_t { kUnset, kOk, kError };

std::string_view to_string(SpanKind kind) noexcept;
std::string_view to_string(StatusCode code) noexcept;

// Per-span limits; what exceeds them is dropped (or truncated) and counted on the span.
struct SpanLimits {
  std::uint32_t max_attributes = 128;
  std::uint32_t max_events = 128;
  std::uint32_t max_links = 128;
  std::uint32_t max_attributes_per_event = 128;
  std::uint32_t max_attributes_per_link = 128;
  std::uint32_t max_attribute_value_length = 4096;  // bytes, per string (and per array element)
};

// A bounded list of attributes whose slots are reused across recycles.
class AttributeList {
 public:
  std::span<const Attribute> items() const noexcept { return {slots_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  std::uint32_t dropped() const noexcept { return dropped_; }
  const AttributeValue* find(std::string_view key) const noexcept;

  // Sets (or replaces) `key`. Empty keys and attributes beyond `max_count` are dropped and
  // counted; over-long strings are truncated and counted.
  void set(std::string_view key, const AttributeView& value, const SpanLimits& limits,
           std::uint32_t max_count) noexcept;
  void clear() noexcept {
    size_ = 0;
    dropped_ = 0;
    truncated_ = 0;
  }
  std::uint32_t truncated() const noexcept { return truncated_; }
  // Starts fetching the memory of the first `count` attributes (those that exist) into the
  // cache, so that writing or reading them next does not wait for one line after another.
  void prefetch(std::size_t count) const noexcept {
    const std::size_t n = count < slots_.size() ? count : slots_.size();
    const char* p = reinterpret_cast<const char*>(slots_.data());
    const char* end = p + n * sizeof(Attribute);
    for (; p < end; p += 64) __builtin_prefetch(p);
  }

 private:
  std::size_t size_ = 0;
  std::uint32_t dropped_ = 0;
  std::uint32_t truncated_ = 0;
  std::vector<Attribute> slots_;
};

struct SpanEvent {
  std::string name;
  std::int64_t time_unix_ns = 0;
  AttributeList attributes;
};

struct SpanLink {
  SpanContext context;
  AttributeList attributes;
};

struct SpanStatus {
  StatusCode code = StatusCode::kUnset;
  std::string message;  // only meaningful with kError
};

// Laid out so that recording a span without events, links or an error message touches three
// cache lines: records cycle through the batch processor's queues, so they are rarely in the
// first-level cache when reused.
class alignas(64) SpanData {
 public:
  SpanContext context;             // line 0
  std::string name;                // line 1
  SpanId parent_span_id;           // invalid for a root span
  std::int64_t start_unix_ns = 0;  // wall clock
  std::int64_t end_unix_ns = 0;    // start + monotonic duration
  const Resource* resource = nullptr;
  const InstrumentationScope* scope = nullptr;  // line 2
  SpanKind kind = SpanKind::kInternal;
  bool parent_is_remote = false;  // the parent came from another process

 private:
  bool has_events_or_links_ = false;  // whether reset() must clear them

 public:
  AttributeList attributes;
  SpanStatus status;  // the code ends line 2; the message is only touched for errors
  // Attributes shared with other spans (StartSpanOptions::attribute_set), none of whose keys is
  // in `attributes`. Only a processor that takes sets sees it set; for any other, the span's
  // own copy is made when it ends (fold_attribute_set).
  const AttributeSet* attribute_set = nullptr;

  std::int64_t duration_ns() const noexcept { return end_unix_ns - start_unix_ns; }
  std::span<const SpanEvent> events() const noexcept { return {events_.data(), event_count_}; }
  std::span<const SpanLink> links() const noexcept { return {links_.data(), link_count_}; }
  std::uint32_t dropped_attributes() const noexcept { return attributes.dropped(); }
  std::uint32_t dropped_events() const noexcept { return dropped_events_; }
  std::uint32_t dropped_links() const noexcept { return dropped_links_; }
  // A local root: no parent, or a parent in another process.
  bool is_local_root() const noexcept { return !parent_span_id.is_valid() || parent_is_remote; }

  // Recording, used by Span and the SDK. Each respects `limits` and counts what it drops.
  void add_event(std::string_view name, std::int64_t time_unix_ns, std::span<const KeyValue> attrs,
                 const SpanLimits& limits) noexcept;
  void add_link(const SpanContext& context, std::span<const KeyValue> attrs,
                const SpanLimits& limits) noexcept;
  // Copies the shared set's attributes into `attributes` and drops the reference. The tracer
  // only attaches a set that fits the span's limits alongside its own attributes.
  void fold_attribute_set() noexcept;

  // Clears what a started span may record; the tracer writes identity, name and times.
  // Buffers are kept.
  void reset() noexcept {
    end_unix_ns = 0;
    attribute_set = nullptr;
    if (status.code != StatusCode::kUnset) status.message.clear();
    status.code = StatusCode::kUnset;
    attributes.clear();
    if (has_events_or_links_) {
      event_count_ = link_count_ = 0;
      dropped_events_ = dropped_links_ = 0;
      has_events_or_links_ = false;
    }
  }

 private:
  std::vector<SpanEvent> events_;
  std::vector<SpanLink> links_;
  std::size_t event_count_ = 0;
  std::size_t link_count_ = 0;
  std::uint32_t dropped_events_ = 0;
  std::uint32_t dropped_links_ = 0;
};

}  // namespace argus::trace
