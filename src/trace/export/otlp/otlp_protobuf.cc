// OTLP ExportTraceServiceRequest in protobuf, written by hand for the fixed schema of
// opentelemetry/proto/trace/v1/trace.proto (field numbers below). Verified in the tests by the
// protobufjs code generated from those .proto files and shipped by @opentelemetry/otlp-transformer.
#include <cstring>

#include "trace/export/http/protobuf_writer.h"
#include "trace/export/otlp/otlp_encode.h"

namespace argus::trace::otlp {

namespace {
using exporting::ProtobufWriter;

// Span.flags: the W3C trace flags plus "we know whether the parent is remote" and the answer.
constexpr std::uint32_t kFlagsHasIsRemote = 0x100;
constexpr std::uint32_t kFlagsIsRemote = 0x200;

void write_any_value(ProtobufWriter& w, const AttributeValue& v);

void write_array(ProtobufWriter& w, const AttributeValue& v) {
  auto arr = w.open(5);  // AnyValue.array_value
  switch (v.type()) {
    case AttributeType::kBoolArray:
      for (auto b : v.bool_array()) {
        auto e = w.open(1);
        w.bool_field(2, b != 0);
        w.close(e);
      }
      break;
    case AttributeType::kIntArray:
      for (auto i : v.int_array()) {
        auto e = w.open(1);
        w.varint_field(3, static_cast<std::uint64_t>(i));
        w.close(e);
      }
      break;
    case AttributeType::kDoubleArray:
      for (auto d : v.double_array()) {
        auto e = w.open(1);
        w.double_field(4, d);
        w.close(e);
      }
      break;
    default:
      for (const auto& s : v.string_array()) {
        auto e = w.open(1);
        w.string_field(1, s);
        w.close(e);
      }
      break;
  }
  w.close(arr);
}

void write_any_value(ProtobufWriter& w, const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::kBool:
      return w.bool_field(2, v.as_bool());
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

// repeated KeyValue at `field`: KeyValue { string key = 1; AnyValue value = 2; }
void write_attributes(ProtobufWriter& w, std::uint32_t field, std::span<const Attribute> attrs) {
  for (const auto& a : attrs) {
    auto kv = w.open(field);
    w.string_field(1, a.key);
    auto val = w.open(2);
    write_any_value(w, a.value);
    w.close(val);
    w.close(kv);
  }
}

void write_event(ProtobufWriter& w, const SpanEvent& e) {
  auto ev = w.open(11);
  w.fixed64_field(1, static_cast<std::uint64_t>(e.time_unix_ns));
  w.string_field(2, e.name);
  write_attributes(w, 3, e.attributes.items());
  if (e.attributes.dropped()) w.varint_field(4, e.attributes.dropped());
  w.close(ev);
}

void write_link(ProtobufWriter& w, const SpanLink& l) {
  auto lk = w.open(13);
  w.bytes_field(1, l.context.trace_id.bytes().data(), TraceId::kSize);
  auto sid = l.context.span_id.bytes();
  w.bytes_field(2, sid.data(), sid.size());
  if (!l.context.trace_state.empty()) w.string_field(3, l.context.trace_state);
  write_attributes(w, 4, l.attributes.items());
  if (l.attributes.dropped()) w.varint_field(5, l.attributes.dropped());
  std::uint32_t flags = l.context.flags | kFlagsHasIsRemote;
  if (l.context.remote) flags |= kFlagsIsRemote;
  w.fixed32_field(6, flags);
  w.close(lk);
}

void write_span(ProtobufWriter& w, const SpanData& s) {
  auto sp = w.open(2);  // ScopeSpans.spans
  w.bytes_field(1, s.context.trace_id.bytes().data(), TraceId::kSize);
  auto sid = s.context.span_id.bytes();
  w.bytes_field(2, sid.data(), sid.size());
  if (!s.context.trace_state.empty()) w.string_field(3, s.context.trace_state);
  if (s.parent_span_id.is_valid()) {
    auto pid = s.parent_span_id.bytes();
    w.bytes_field(4, pid.data(), pid.size());
  }
  w.string_field(5, s.name);
  w.varint_field(6, static_cast<std::uint64_t>(s.kind) + 1);  // SPAN_KIND_INTERNAL is 1
  w.fixed64_field(7, static_cast<std::uint64_t>(s.start_unix_ns));
  w.fixed64_field(8, static_cast<std::uint64_t>(s.end_unix_ns));
  write_attributes(w, 9, s.attributes.items());
  if (s.dropped_attributes()) w.varint_field(10, s.dropped_attributes());
  for (const auto& e : s.events()) write_event(w, e);
  if (s.dropped_events()) w.varint_field(12, s.dropped_events());
  for (const auto& l : s.links()) write_link(w, l);
  if (s.dropped_links()) w.varint_field(14, s.dropped_links());
  auto st = w.open(15);
  if (s.status.code == StatusCode::kError && !s.status.message.empty()) {
    w.string_field(2, s.status.message);
  }
  if (s.status.code != StatusCode::kUnset)
    w.varint_field(3, static_cast<std::uint64_t>(s.status.code));
  w.close(st);
  std::uint32_t flags = (s.context.flags & 0xff) | kFlagsHasIsRemote;
  if (s.parent_is_remote) flags |= kFlagsIsRemote;
  w.fixed32_field(16, flags);
  w.close(sp);
}

void write_resource(ProtobufWriter& w, const Resource* r) {
  auto res = w.open(1);  // ResourceSpans.resource
  if (r) write_attributes(w, 1, r->attributes());
  w.close(res);
}

void write_scope(ProtobufWriter& w, const InstrumentationScope* s) {
  auto sc = w.open(1);  // ScopeSpans.scope
  if (s) {
    if (!s->name.empty()) w.string_field(1, s->name);
    if (!s->version.empty()) w.string_field(2, s->version);
  }
  w.close(sc);
}
}  // namespace

void encode_protobuf(std::span<const SpanData* const> spans, exporting::ByteBuffer& out) {
  out.clear();
  ProtobufWriter w(out);
  for_each_resource(spans, [&](const Resource* r, std::size_t first) {
    auto rs = w.open(1);  // ExportTraceServiceRequest.resource_spans
    write_resource(w, r);
    for_each_scope(spans, r, first, [&](const InstrumentationScope* sc, std::size_t from) {
      auto ss = w.open(2);  // ResourceSpans.scope_spans
      write_scope(w, sc);
      for (std::size_t i = from; i < spans.size(); ++i) {
        if (spans[i]->resource == r && spans[i]->scope == sc) write_span(w, *spans[i]);
      }
      w.close(ss);
    });
    w.close(rs);
  });
}

}  // namespace argus::trace::otlp
