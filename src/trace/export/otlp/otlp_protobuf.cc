// OTLP ExportTraceServiceRequest in protobuf, written by hand for the fixed schema of
// opentelemetry/proto/trace/v1/trace.proto (field numbers below). Verified in the tests by the
// protobufjs code generated from those .proto files and shipped by @opentelemetry/otlp-transformer.
//
// Two passes: every message's exact size is computed first (from string sizes only, without
// touching their bytes), then the batch is written once into space reserved once. This runs on
// the export thread for every span, so it avoids the per-field capacity checks and the length
// placeholders that would have to be widened (a move of the whole message) once a span, a scope
// or a resource outgrows 127 bytes. size_*() and write_*() mirror each other field by field.
#include <cassert>
#include <vector>

#include "trace/export/http/protobuf_writer.h"
#include "trace/export/otlp/otlp_encode.h"

namespace argus::trace::otlp {

namespace {
using exporting::ProtobufCursor;
using exporting::pb::len_field_size;
using exporting::pb::varint_field_size;
using exporting::pb::varint_size;

// Span.flags: the W3C trace flags plus "we know whether the parent is remote" and the answer.
constexpr std::uint32_t kFlagsHasIsRemote = 0x100;
constexpr std::uint32_t kFlagsIsRemote = 0x200;
constexpr std::size_t kTraceIdField = 1 + 1 + TraceId::kSize;
constexpr std::size_t kSpanIdField = 1 + 1 + 8;
constexpr std::size_t kFixed64Field = 1 + 8;

bool is_array(AttributeType t) {
  return t != AttributeType::kBool && t != AttributeType::kInt && t != AttributeType::kDouble &&
         t != AttributeType::kString;
}

// ArrayValue { repeated AnyValue values = 1; }
std::size_t array_body_size(const AttributeValue& v) {
  std::size_t n = 0;
  switch (v.type()) {
    case AttributeType::kBoolArray:
      return v.bool_array().size() * len_field_size(1, 2);
    case AttributeType::kIntArray:
      for (auto i : v.int_array()) n += len_field_size(1, varint_field_size(3, std::uint64_t(i)));
      return n;
    case AttributeType::kDoubleArray:
      return v.double_array().size() * len_field_size(1, kFixed64Field);
    default:
      for (const auto& s : v.string_array()) n += len_field_size(1, len_field_size(1, s.size()));
      return n;
  }
}

// AnyValue { string_value = 1; bool_value = 2; int_value = 3; double_value = 4; array_value = 5 }
std::size_t any_value_size(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::kBool:
      return 2;
    case AttributeType::kInt:
      return varint_field_size(3, static_cast<std::uint64_t>(v.as_int()));
    case AttributeType::kDouble:
      return kFixed64Field;
    case AttributeType::kString:
      return len_field_size(1, v.as_string().size());
    default:
      return len_field_size(5, array_body_size(v));
  }
}

// KeyValue { string key = 1; AnyValue value = 2; }
std::size_t key_value_size(const Attribute& a) {
  return len_field_size(1, a.key.size()) + len_field_size(2, any_value_size(a.value));
}

std::size_t attributes_size(std::uint32_t field, std::span<const Attribute> attrs) {
  std::size_t n = 0;
  for (const auto& a : attrs) n += len_field_size(field, key_value_size(a));
  return n;
}

std::size_t optional_varint_size(std::uint32_t field, std::uint32_t v) {
  return v ? varint_field_size(field, v) : 0;
}

std::size_t event_size(const SpanEvent& e) {
  return kFixed64Field + len_field_size(2, e.name.size()) +
         attributes_size(3, e.attributes.items()) + optional_varint_size(4, e.attributes.dropped());
}

std::size_t link_size(const SpanLink& l) {
  const auto& ts = l.context.trace_state;
  return kTraceIdField + kSpanIdField + (ts.empty() ? 0 : len_field_size(3, ts.size())) +
         attributes_size(4, l.attributes.items()) +
         optional_varint_size(5, l.attributes.dropped()) + 1 + 4;
}

bool has_status_message(const SpanStatus& s) {
  return s.code == StatusCode::kError && !s.message.empty();
}

std::size_t status_size(const SpanStatus& s) {
  return (has_status_message(s) ? len_field_size(2, s.message.size()) : 0) +
         (s.code != StatusCode::kUnset ? 2 : 0);
}

std::uint64_t kind_value(SpanKind kind) {
  return static_cast<std::uint64_t>(kind) + 1;  // SPAN_KIND_INTERNAL is 1
}

std::size_t span_size(const SpanData& s) {
  std::size_t n = kTraceIdField + kSpanIdField;
  if (!s.context.trace_state.empty()) n += len_field_size(3, s.context.trace_state.size());
  if (s.parent_span_id.is_valid()) n += kSpanIdField;
  n += len_field_size(5, s.name.size()) + varint_field_size(6, kind_value(s.kind));
  n += 2 * kFixed64Field + attributes_size(9, s.attributes.items());
  n += optional_varint_size(10, s.dropped_attributes());
  for (const auto& e : s.events()) n += len_field_size(11, event_size(e));
  n += optional_varint_size(12, s.dropped_events());
  for (const auto& l : s.links()) n += len_field_size(13, link_size(l));
  n += optional_varint_size(14, s.dropped_links());
  n += len_field_size(15, status_size(s.status));
  return n + 2 + 4;  // flags: field 16 takes a two-byte tag
}

std::size_t resource_size(const Resource* r) {
  return r ? attributes_size(1, r->attributes()) : 0;
}

std::size_t scope_size(const InstrumentationScope* s) {
  if (!s) return 0;
  return (s->name.empty() ? 0 : len_field_size(1, s->name.size())) +
         (s->version.empty() ? 0 : len_field_size(2, s->version.size()));
}

void write_array(ProtobufCursor& w, const AttributeValue& v) {
  w.len(5, array_body_size(v));  // AnyValue.array_value
  switch (v.type()) {
    case AttributeType::kBoolArray:
      for (auto b : v.bool_array()) {
        w.len(1, 2);
        w.varint_field(2, b != 0 ? 1 : 0);
      }
      break;
    case AttributeType::kIntArray:
      for (auto i : v.int_array()) {
        w.len(1, varint_field_size(3, static_cast<std::uint64_t>(i)));
        w.varint_field(3, static_cast<std::uint64_t>(i));
      }
      break;
    case AttributeType::kDoubleArray:
      for (auto d : v.double_array()) {
        w.len(1, kFixed64Field);
        w.double_field(4, d);
      }
      break;
    default:
      for (const auto& s : v.string_array()) {
        w.len(1, len_field_size(1, s.size()));
        w.string_field(1, s);
      }
      break;
  }
}

void write_any_value(ProtobufCursor& w, const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::kBool:
      return w.varint_field(2, v.as_bool() ? 1 : 0);
    case AttributeType::kInt:
      return w.varint_field(3, static_cast<std::uint64_t>(v.as_int()));
    case AttributeType::kDouble:
      return w.double_field(4, v.as_double());
    case AttributeType::kString:
      return w.string_field(1, v.as_string());
    default:
      return write_array(w, v);
  }
}

void write_attributes(ProtobufCursor& w, std::uint32_t field, std::span<const Attribute> attrs) {
  for (const auto& a : attrs) {
    std::size_t value = any_value_size(a.value);
    w.len(field, len_field_size(1, a.key.size()) + len_field_size(2, value));
    w.string_field(1, a.key);
    w.len(2, value);
    if (a.value.type() == AttributeType::kString) {  // the common case, without the switch
      w.string_field(1, a.value.as_string());
    } else if (!is_array(a.value.type())) {
      write_any_value(w, a.value);
    } else {
      write_array(w, a.value);
    }
  }
}

void write_optional_varint(ProtobufCursor& w, std::uint32_t field, std::uint32_t v) {
  if (v) w.varint_field(field, v);
}

void write_event(ProtobufCursor& w, const SpanEvent& e) {
  w.len(11, event_size(e));
  w.fixed64_field(1, static_cast<std::uint64_t>(e.time_unix_ns));
  w.string_field(2, e.name);
  write_attributes(w, 3, e.attributes.items());
  write_optional_varint(w, 4, e.attributes.dropped());
}

void write_link(ProtobufCursor& w, const SpanLink& l) {
  w.len(13, link_size(l));
  w.bytes_field(1, l.context.trace_id.bytes().data(), TraceId::kSize);
  auto sid = l.context.span_id.bytes();
  w.bytes_field(2, sid.data(), sid.size());
  if (!l.context.trace_state.empty()) w.string_field(3, l.context.trace_state);
  write_attributes(w, 4, l.attributes.items());
  write_optional_varint(w, 5, l.attributes.dropped());
  std::uint32_t flags = l.context.flags | kFlagsHasIsRemote;
  if (l.context.remote) flags |= kFlagsIsRemote;
  w.fixed32_field(6, flags);
}

void write_span(ProtobufCursor& w, const SpanData& s, std::size_t size) {
  w.len(2, size);  // ScopeSpans.spans
  w.bytes_field(1, s.context.trace_id.bytes().data(), TraceId::kSize);
  auto sid = s.context.span_id.bytes();
  w.bytes_field(2, sid.data(), sid.size());
  if (!s.context.trace_state.empty()) w.string_field(3, s.context.trace_state);
  if (s.parent_span_id.is_valid()) {
    auto pid = s.parent_span_id.bytes();
    w.bytes_field(4, pid.data(), pid.size());
  }
  w.string_field(5, s.name);
  w.varint_field(6, kind_value(s.kind));
  w.fixed64_field(7, static_cast<std::uint64_t>(s.start_unix_ns));
  w.fixed64_field(8, static_cast<std::uint64_t>(s.end_unix_ns));
  write_attributes(w, 9, s.attributes.items());
  write_optional_varint(w, 10, s.dropped_attributes());
  for (const auto& e : s.events()) write_event(w, e);
  write_optional_varint(w, 12, s.dropped_events());
  for (const auto& l : s.links()) write_link(w, l);
  write_optional_varint(w, 14, s.dropped_links());
  w.len(15, status_size(s.status));
  if (has_status_message(s.status)) w.string_field(2, s.status.message);
  if (s.status.code != StatusCode::kUnset) {
    w.varint_field(3, static_cast<std::uint64_t>(s.status.code));
  }
  std::uint32_t flags = (s.context.flags & 0xff) | kFlagsHasIsRemote;
  if (s.parent_is_remote) flags |= kFlagsIsRemote;
  w.fixed32_field(16, flags);
}

void write_scope(ProtobufCursor& w, const InstrumentationScope* s) {
  w.len(1, scope_size(s));  // ScopeSpans.scope
  if (!s) return;
  if (!s->name.empty()) w.string_field(1, s->name);
  if (!s->version.empty()) w.string_field(2, s->version);
}

// The batch's spans grouped by resource, then scope (see otlp_group_inl.h), with the size of
// every span and group computed before anything is written.
class Plan {
 public:
  explicit Plan(std::span<const SpanData* const> spans) : spans_(spans) {
    span_sizes_.reserve(spans.size());
    for (const SpanData* s : spans) span_sizes_.push_back(span_size(*s));
  }

  std::size_t request_size() const {
    std::size_t n = 0;
    for_each_resource(spans_, [&](const Resource* r, std::size_t first) {
      n += len_field_size(1, resource_spans_size(r, first));
    });
    return n;
  }

  void write(ProtobufCursor& w) const {
    for_each_resource(spans_, [&](const Resource* r, std::size_t first) {
      w.len(1, resource_spans_size(r, first));  // ExportTraceServiceRequest.resource_spans
      w.len(1, resource_size(r));               // ResourceSpans.resource
      if (r) write_attributes(w, 1, r->attributes());
      for_each_scope(spans_, r, first, [&](const InstrumentationScope* sc, std::size_t from) {
        w.len(2, scope_spans_size(r, sc, from));  // ResourceSpans.scope_spans
        write_scope(w, sc);
        for (std::size_t i = from; i < spans_.size(); ++i) {
          if (in_group(i, r, sc)) write_span(w, *spans_[i], span_sizes_[i]);
        }
      });
    });
  }

 private:
  bool in_group(std::size_t i, const Resource* r, const InstrumentationScope* sc) const {
    return spans_[i]->resource == r && spans_[i]->scope == sc;
  }

  std::size_t scope_spans_size(const Resource* r, const InstrumentationScope* sc,
                               std::size_t from) const {
    std::size_t n = len_field_size(1, scope_size(sc));
    for (std::size_t i = from; i < spans_.size(); ++i) {
      if (in_group(i, r, sc)) n += len_field_size(2, span_sizes_[i]);
    }
    return n;
  }

  std::size_t resource_spans_size(const Resource* r, std::size_t first) const {
    std::size_t n = len_field_size(1, resource_size(r));
    for_each_scope(spans_, r, first, [&](const InstrumentationScope* sc, std::size_t from) {
      n += len_field_size(2, scope_spans_size(r, sc, from));
    });
    return n;
  }

  std::span<const SpanData* const> spans_;
  std::vector<std::size_t> span_sizes_;
};
}  // namespace

void encode_protobuf(std::span<const SpanData* const> spans, exporting::ByteBuffer& out) {
  out.clear();
  Plan plan(spans);
  const std::size_t size = plan.request_size();
  char* begin = out.grow(size);
  ProtobufCursor w(begin);
  plan.write(w);
  assert(w.position() == begin + size && "otlp: size and write passes disagree");
}

}  // namespace argus::trace::otlp
