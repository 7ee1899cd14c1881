// OTLP/JSON encoding of ExportTraceServiceRequest, following the OTLP/JSON rules: lowerCamelCase
// field names, trace and span ids as lowercase hex (not base64), enums as integers, 64-bit
// integers (and fixed64 timestamps) as decimal strings, NaN/Infinity as strings.
#include "trace/export/http/json_text.h"
#include "trace/export/otlp/otlp_encode.h"

namespace argus::trace::otlp {

namespace {
using exporting::ByteBuffer;
namespace json = exporting::json;

void write_value(ByteBuffer& o, const AttributeValue& v);

template <typename Range, typename Each>
void write_array(ByteBuffer& o, const Range& range, Each&& each) {
  o.append("{\"arrayValue\":{\"values\":[");
  bool first = true;
  for (const auto& x : range) {
    if (!first) o.push(',');
    first = false;
    each(x);
  }
  o.append("]}}");
}

void write_value(ByteBuffer& o, const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::kBool:
      return o.append(v.as_bool() ? "{\"boolValue\":true}" : "{\"boolValue\":false}");
    case AttributeType::kInt:
      o.append("{\"intValue\":\"");
      json::int64(o, v.as_int());
      return o.append("\"}");
    case AttributeType::kDouble:
      o.append("{\"doubleValue\":");
      json::number(o, v.as_double(), true);
      return o.push('}');
    case AttributeType::kString:
      o.append("{\"stringValue\":");
      json::string(o, v.as_string());
      return o.push('}');
    case AttributeType::kBoolArray:
      return write_array(o, v.bool_array(), [&](std::uint8_t b) {
        o.append(b ? "{\"boolValue\":true}" : "{\"boolValue\":false}");
      });
    case AttributeType::kIntArray:
      return write_array(o, v.int_array(), [&](std::int64_t i) {
        o.append("{\"intValue\":\"");
        json::int64(o, i);
        o.append("\"}");
      });
    case AttributeType::kDoubleArray:
      return write_array(o, v.double_array(), [&](double d) {
        o.append("{\"doubleValue\":");
        json::number(o, d, true);
        o.push('}');
      });
    case AttributeType::kStringArray:
      return write_array(o, v.string_array(), [&](const std::string& s) {
        o.append("{\"stringValue\":");
        json::string(o, s);
        o.push('}');
      });
  }
}

void write_attributes(ByteBuffer& o, std::span<const Attribute> attrs) {
  o.append("\"attributes\":[");
  bool first = true;
  for (const auto& a : attrs) {
    if (!first) o.push(',');
    first = false;
    o.append("{\"key\":");
    json::string(o, a.key);
    o.append(",\"value\":");
    write_value(o, a.value);
    o.push('}');
  }
  o.push(']');
}

void write_dropped(ByteBuffer& o, const char* name, std::uint32_t n) {
  if (n == 0) return;
  o.append(name);
  json::uint64(o, n);
}

void write_time(ByteBuffer& o, const char* name, std::int64_t ns) {
  o.append(name);
  o.push('"');
  json::int64(o, ns);
  o.push('"');
}

void write_ids(ByteBuffer& o, const SpanContext& c) {
  o.append("\"traceId\":");
  json::hex_string(o, c.trace_id.bytes().data(), TraceId::kSize);
  o.append(",\"spanId\":");
  auto sid = c.span_id.bytes();
  json::hex_string(o, sid.data(), sid.size());
  if (!c.trace_state.empty()) {
    o.append(",\"traceState\":");
    json::string(o, c.trace_state);
  }
}

std::uint32_t span_flags(std::uint8_t trace_flags, bool remote) {
  return trace_flags | 0x100u | (remote ? 0x200u : 0u);
}

void write_event(ByteBuffer& o, const SpanEvent& e) {
  write_time(o, "{\"timeUnixNano\":", e.time_unix_ns);
  o.append(",\"name\":");
  json::string(o, e.name);
  o.push(',');
  write_attributes(o, e.attributes.items());
  write_dropped(o, ",\"droppedAttributesCount\":", e.attributes.dropped());
  o.push('}');
}

void write_link(ByteBuffer& o, const SpanLink& l) {
  o.push('{');
  write_ids(o, l.context);
  o.push(',');
  write_attributes(o, l.attributes.items());
  write_dropped(o, ",\"droppedAttributesCount\":", l.attributes.dropped());
  o.append(",\"flags\":");
  json::uint64(o, span_flags(l.context.flags, l.context.remote));
  o.push('}');
}

void write_span(ByteBuffer& o, const SpanData& s) {
  o.push('{');
  write_ids(o, s.context);
  if (s.parent_span_id.is_valid()) {
    o.append(",\"parentSpanId\":");
    auto pid = s.parent_span_id.bytes();
    json::hex_string(o, pid.data(), pid.size());
  }
  o.append(",\"flags\":");
  json::uint64(o, span_flags(s.context.flags, s.parent_is_remote));
  o.append(",\"name\":");
  json::string(o, s.name);
  o.append(",\"kind\":");
  json::uint64(o, static_cast<std::uint64_t>(s.kind) + 1);
  write_time(o, ",\"startTimeUnixNano\":", s.start_unix_ns);
  write_time(o, ",\"endTimeUnixNano\":", s.end_unix_ns);
  o.push(',');
  write_attributes(o, s.attributes.items());
  write_dropped(o, ",\"droppedAttributesCount\":", s.dropped_attributes());
  o.append(",\"events\":[");
  for (std::size_t i = 0; i < s.events().size(); ++i) {
    if (i) o.push(',');
    write_event(o, s.events()[i]);
  }
  o.push(']');
  write_dropped(o, ",\"droppedEventsCount\":", s.dropped_events());
  o.append(",\"links\":[");
  for (std::size_t i = 0; i < s.links().size(); ++i) {
    if (i) o.push(',');
    write_link(o, s.links()[i]);
  }
  o.push(']');
  write_dropped(o, ",\"droppedLinksCount\":", s.dropped_links());
  o.append(",\"status\":{");
  if (s.status.code == StatusCode::kError && !s.status.message.empty()) {
    o.append("\"message\":");
    json::string(o, s.status.message);
    o.push(',');
  }
  o.append("\"code\":");
  json::uint64(o, static_cast<std::uint64_t>(s.status.code));
  o.append("}}");
}

void write_scope(ByteBuffer& o, const InstrumentationScope* sc) {
  o.append("{\"scope\":{");
  if (sc) {
    o.append("\"name\":");
    json::string(o, sc->name);
    if (!sc->version.empty()) {
      o.append(",\"version\":");
      json::string(o, sc->version);
    }
  }
  o.append("},\"spans\":[");
}
}  // namespace

void encode_json(std::span<const SpanData* const> spans, ByteBuffer& out) {
  out.clear();
  out.append("{\"resourceSpans\":[");
  bool first_resource = true;
  for_each_resource(spans, [&](const Resource* r, std::size_t first) {
    if (!first_resource) out.push(',');
    first_resource = false;
    out.append("{\"resource\":{");
    if (r) write_attributes(out, r->attributes());
    out.append("},\"scopeSpans\":[");
    bool first_scope = true;
    for_each_scope(spans, r, first, [&](const InstrumentationScope* sc, std::size_t from) {
      if (!first_scope) out.push(',');
      first_scope = false;
      write_scope(out, sc);
      bool first_span = true;
      for (std::size_t i = from; i < spans.size(); ++i) {
        if (spans[i]->resource != r || spans[i]->scope != sc) continue;
        if (!first_span) out.push(',');
        first_span = false;
        write_span(out, *spans[i]);
      }
      out.append("]}");
    });
    out.append("]}");
  });
  out.append("]}");
}

}  // namespace argus::trace::otlp
