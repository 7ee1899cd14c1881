// OTLP ExportTraceServiceRequest in protobuf, written by hand for the fixed schema of
// opentelemetry/proto/trace/v1/trace.proto (field numbers below). Verified in the tests by the
// protobufjs code generated from those .proto files and shipped by @opentelemetry/otlp-transformer.
//
// This runs on the export thread for every span, so it is written back to front in one pass
// (ProtobufReverseWriter): a nested message's length is then simply what was written since it
// began, with no sizing pass and no length placeholders to widen. Everything below therefore
// writes fields from the highest number down, and repeated elements from the last one; the bytes
// are those a front-to-back encoder would produce.
#include <vector>

#include "trace/export/http/protobuf_writer.h"
#include "trace/export/otlp/otlp_encode.h"

namespace argus::trace::otlp {

namespace {
using exporting::ProtobufReverseWriter;

// Span.flags: the W3C trace flags plus "we know whether the parent is remote" and the answer.
constexpr std::uint32_t kFlagsHasIsRemote = 0x100;
constexpr std::uint32_t kFlagsIsRemote = 0x200;
// Room for every fixed-size field of a span, link or event, and for the headers around them.
constexpr std::size_t kFixedRoom = 160;
constexpr std::size_t kHeaderRoom = 24;

// ArrayValue { repeated AnyValue values = 1; } as AnyValue.array_value.
void write_array(ProtobufReverseWriter& w, const AttributeValue& v) {
  const std::size_t array = w.mark();
  auto element = [&](auto&& write_value) {
    w.reserve(kHeaderRoom);
    const std::size_t any = w.mark();
    write_value();
    w.len(1, any);
  };
  switch (v.type()) {
    case AttributeType::kBoolArray:
      for (auto it = v.bool_array().rbegin(); it != v.bool_array().rend(); ++it) {
        element([&] { w.varint_field(2, *it != 0 ? 1 : 0); });
      }
      break;
    case AttributeType::kIntArray:
      for (auto it = v.int_array().rbegin(); it != v.int_array().rend(); ++it) {
        element([&] { w.varint_field(3, static_cast<std::uint64_t>(*it)); });
      }
      break;
    case AttributeType::kDoubleArray:
      for (auto it = v.double_array().rbegin(); it != v.double_array().rend(); ++it) {
        element([&] { w.double_field(4, *it); });
      }
      break;
    default:
      for (auto it = v.string_array().rbegin(); it != v.string_array().rend(); ++it) {
        w.reserve(it->size() + kHeaderRoom);
        element([&] { w.string_field(1, *it); });
      }
      break;
  }
  w.reserve(kHeaderRoom);
  w.len(5, array);
}

// AnyValue { string_value = 1; bool_value = 2; int_value = 3; double_value = 4; array_value = 5 }
void write_any_value(ProtobufReverseWriter& w, const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::kString:
      return w.string_field(1, v.as_string());
    case AttributeType::kBool:
      return w.varint_field(2, v.as_bool() ? 1 : 0);
    case AttributeType::kInt:
      return w.varint_field(3, static_cast<std::uint64_t>(v.as_int()));
    case AttributeType::kDouble:
      return w.double_field(4, v.as_double());
    default:
      return write_array(w, v);
  }
}

// repeated KeyValue at `field`: KeyValue { string key = 1; AnyValue value = 2; }
void write_attributes(ProtobufReverseWriter& w, std::uint32_t field,
                      std::span<const Attribute> attrs) {
  for (auto it = attrs.rbegin(); it != attrs.rend(); ++it) {
    const Attribute& a = *it;
    const bool string = a.value.type() == AttributeType::kString;
    w.reserve((string ? a.value.as_string().size() : 0) + kHeaderRoom);  // arrays reserve their own
    const std::size_t kv = w.mark();
    write_any_value(w, a.value);
    w.reserve(a.key.size() + 3 * kHeaderRoom);
    w.len(2, kv);
    w.string_field(1, a.key);
    w.len(field, kv);
  }
}

// A shared set's Span.attributes entries, encoded once per set and copied into each span.
std::string encode_set_attributes(const AttributeSet& set) {
  exporting::ByteBuffer scratch;
  ProtobufReverseWriter w(scratch);
  write_attributes(w, 9, set.items());
  w.finish();
  return std::string(scratch.view());
}

void write_attribute_set(ProtobufReverseWriter& w, const AttributeSet& set) {
  static constexpr char kFormat = 0;  // this encoding's identity among the set's users
  const std::string_view bytes = set.encoding(&kFormat, &encode_set_attributes);
  if (bytes.empty() && set.size() != 0) return write_attributes(w, 9, set.items());
  w.reserve(bytes.size());
  w.raw(bytes);
}

void write_optional_varint(ProtobufReverseWriter& w, std::uint32_t field, std::uint32_t v) {
  if (v) w.varint_field(field, v);
}

void write_event(ProtobufReverseWriter& w, const SpanEvent& e) {
  w.reserve(kFixedRoom);
  const std::size_t ev = w.mark();
  write_optional_varint(w, 4, e.attributes.dropped());
  write_attributes(w, 3, e.attributes.items());
  w.reserve(e.name.size() + kFixedRoom);
  w.string_field(2, e.name);
  w.fixed64_field(1, static_cast<std::uint64_t>(e.time_unix_ns));
  w.len(11, ev);
}

void write_link(ProtobufReverseWriter& w, const SpanLink& l) {
  w.reserve(kFixedRoom);
  const std::size_t lk = w.mark();
  std::uint32_t flags = l.context.flags | kFlagsHasIsRemote;
  if (l.context.remote) flags |= kFlagsIsRemote;
  w.fixed32_field(6, flags);
  write_optional_varint(w, 5, l.attributes.dropped());
  write_attributes(w, 4, l.attributes.items());
  w.reserve(l.context.trace_state.size() + kFixedRoom);
  if (!l.context.trace_state.empty()) w.string_field(3, l.context.trace_state);
  auto sid = l.context.span_id.bytes();
  w.bytes_field(2, sid.data(), sid.size());
  w.bytes_field(1, l.context.trace_id.bytes().data(), TraceId::kSize);
  w.len(13, lk);
}

void write_status(ProtobufReverseWriter& w, const SpanStatus& s) {
  const bool message = s.code == StatusCode::kError && !s.message.empty();
  w.reserve((message ? s.message.size() : 0) + 2 * kHeaderRoom);
  const std::size_t st = w.mark();
  if (s.code != StatusCode::kUnset) w.varint_field(3, static_cast<std::uint64_t>(s.code));
  if (message) w.string_field(2, s.message);
  w.len(15, st);
}

void write_span(ProtobufReverseWriter& w, const SpanData& s) {
  w.reserve(kFixedRoom);
  const std::size_t sp = w.mark();
  std::uint32_t flags = (s.context.flags & 0xff) | kFlagsHasIsRemote;
  if (s.parent_is_remote) flags |= kFlagsIsRemote;
  w.fixed32_field(16, flags);
  write_status(w, s.status);
  w.reserve(kFixedRoom);
  write_optional_varint(w, 14, s.dropped_links());
  const auto links = s.links();
  for (auto it = links.rbegin(); it != links.rend(); ++it) write_link(w, *it);
  w.reserve(kFixedRoom);
  write_optional_varint(w, 12, s.dropped_events());
  const auto events = s.events();
  for (auto it = events.rbegin(); it != events.rend(); ++it) write_event(w, *it);
  w.reserve(kFixedRoom);
  write_optional_varint(w, 10, s.dropped_attributes());
  // Written first, so it follows the span's own attributes, as when folded into them.
  if (s.attribute_set != nullptr) write_attribute_set(w, *s.attribute_set);
  write_attributes(w, 9, s.attributes.items());
  w.reserve(s.name.size() + s.context.trace_state.size() + kFixedRoom);
  w.fixed64_field(8, static_cast<std::uint64_t>(s.end_unix_ns));
  w.fixed64_field(7, static_cast<std::uint64_t>(s.start_unix_ns));
  w.varint_field(6, static_cast<std::uint64_t>(s.kind) + 1);  // SPAN_KIND_INTERNAL is 1
  w.string_field(5, s.name);
  if (s.parent_span_id.is_valid()) {
    auto pid = s.parent_span_id.bytes();
    w.bytes_field(4, pid.data(), pid.size());
  }
  if (!s.context.trace_state.empty()) w.string_field(3, s.context.trace_state);
  auto sid = s.context.span_id.bytes();
  w.bytes_field(2, sid.data(), sid.size());
  w.bytes_field(1, s.context.trace_id.bytes().data(), TraceId::kSize);
  w.len(2, sp);  // ScopeSpans.spans
}

void write_scope(ProtobufReverseWriter& w, const InstrumentationScope* s) {
  w.reserve((s ? s->name.size() + s->version.size() : 0) + 3 * kHeaderRoom);
  const std::size_t sc = w.mark();
  if (s && !s->version.empty()) w.string_field(2, s->version);
  if (s && !s->name.empty()) w.string_field(1, s->name);
  w.len(1, sc);  // ScopeSpans.scope
}

void write_resource(ProtobufReverseWriter& w, const Resource* r) {
  const std::size_t res = w.mark();
  if (r) write_attributes(w, 1, r->attributes());
  w.reserve(kHeaderRoom);
  w.len(1, res);  // ResourceSpans.resource
}

// One resource's spans of one scope; groups are listed in the order a front-to-back encoder
// meets them (see otlp_group_inl.h) and written from the last.
struct Group {
  const Resource* resource;
  const InstrumentationScope* scope;
  std::size_t first;  // index of the group's first span
};

template <typename T>
std::vector<Group> groups_of(std::span<const T> spans) {
  std::vector<Group> groups;
  groups.reserve(4);  // usually one resource with a scope or two
  for_each_resource(spans, [&](const Resource* r, std::size_t first) {
    for_each_scope(spans, r, first, [&](const InstrumentationScope* sc, std::size_t from) {
      groups.push_back({r, sc, from});
    });
  });
  return groups;
}

void write_piece(ProtobufReverseWriter& w, std::span<const SpanData* const> spans, std::size_t i) {
  // Records were written on other threads' cores: fetch the next one's attributes while this
  // one is encoded (grouping has already read its lines).
  if (i > 0) spans[i - 1]->attributes.prefetch(spans[i - 1]->attributes.size());
  write_span(w, *spans[i]);
}

void write_piece(ProtobufReverseWriter& w, std::span<const EncodedSpan> spans, std::size_t i) {
  w.reserve(spans[i].bytes.size());
  w.raw(spans[i].bytes);
}

template <typename T>
void write_scope_spans(ProtobufReverseWriter& w, std::span<const T> spans, const Group& g) {
  const std::size_t ss = w.mark();
  for (std::size_t i = spans.size(); i-- > g.first;) {
    if (resource_of(spans[i]) == g.resource && scope_of(spans[i]) == g.scope) {
      write_piece(w, spans, i);
    }
  }
  write_scope(w, g.scope);
  w.reserve(kHeaderRoom);
  w.len(2, ss);  // ResourceSpans.scope_spans
}

template <typename T>
void encode_request(std::span<const T> spans, exporting::ByteBuffer& out) {
  ProtobufReverseWriter w(out);
  const std::vector<Group> groups = groups_of(spans);
  std::size_t g = groups.size();
  while (g > 0) {
    const Resource* r = groups[g - 1].resource;
    const std::size_t rs = w.mark();
    for (; g > 0 && groups[g - 1].resource == r; --g) write_scope_spans(w, spans, groups[g - 1]);
    write_resource(w, r);
    w.reserve(kHeaderRoom);
    w.len(1, rs);  // ExportTraceServiceRequest.resource_spans
  }
  w.finish();
}
}  // namespace

void encode_protobuf(std::span<const SpanData* const> spans, exporting::ByteBuffer& out) {
  encode_request(spans, out);
}

void encode_protobuf(std::span<const EncodedSpan> spans, exporting::ByteBuffer& out) {
  encode_request(spans, out);
}

std::string_view encode_span_protobuf(const SpanData& span, exporting::ByteBuffer& scratch) {
  ProtobufReverseWriter w(scratch);
  write_span(w, span);
  w.finish();
  return scratch.view();
}

}  // namespace argus::trace::otlp
