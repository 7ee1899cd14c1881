// Zipkin v2 JSON encoding; see zipkin_encode.h. Field names and rules follow zipkin2's
// zipkin-api.yaml (Span, Endpoint, Annotation).
#include "trace/export/zipkin/zipkin_encode.h"

#include <algorithm>
#include <charconv>

#include "trace/export/http/json_text.h"

namespace argus::trace::zipkin {

namespace {
using exporting::ByteBuffer;
namespace json = exporting::json;

std::string_view kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::kServer:
      return "SERVER";
    case SpanKind::kClient:
      return "CLIENT";
    case SpanKind::kProducer:
      return "PRODUCER";
    case SpanKind::kConsumer:
      return "CONSUMER";
    default:
      return {};
  }
}

// Tag values are strings: scalars in their usual text form, arrays as JSON text.
void value_text(ByteBuffer& o, const AttributeValue& v) {
  auto list = [&](auto range, auto each) {
    o.push('[');
    bool first = true;
    for (const auto& x : range) {
      if (!first) o.push(',');
      first = false;
      each(x);
    }
    o.push(']');
  };
  switch (v.type()) {
    case AttributeType::kBool:
      return o.append(v.as_bool() ? "true" : "false");
    case AttributeType::kInt:
      return json::int64(o, v.as_int());
    case AttributeType::kDouble:
      return json::number(o, v.as_double(), false);
    case AttributeType::kString:
      return o.append(v.as_string());
    case AttributeType::kBoolArray:
      return list(v.bool_array(), [&](std::uint8_t b) { o.append(b ? "true" : "false"); });
    case AttributeType::kIntArray:
      return list(v.int_array(), [&](std::int64_t i) { json::int64(o, i); });
    case AttributeType::kDoubleArray:
      return list(v.double_array(), [&](double d) { json::number(o, d, false); });
    case AttributeType::kStringArray:
      return list(v.string_array(), [&](const std::string& s) { json::string(o, s); });
  }
}

void string_value(ByteBuffer& o, const AttributeValue& v, ByteBuffer& scratch) {
  if (v.type() == AttributeType::kString) return json::string(o, v.as_string());
  scratch.clear();
  value_text(scratch, v);
  json::string(o, scratch.view());
}

std::int64_t micros(std::int64_t ns) {
  return ns / 1000;
}

void lowercase(std::string_view in, ByteBuffer& out) {
  out.clear();
  char* p = out.grow(in.size());
  for (char c : in) *p++ = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// A remote endpoint from the usual semantic-convention attributes, when any is present.
void remote_endpoint(const SpanData& s, ByteBuffer& o, ByteBuffer& scratch) {
  const auto& a = s.attributes;
  const AttributeValue* service = a.find("peer.service");
  const AttributeValue* ip = a.find("network.peer.address");
  if (!ip) ip = a.find("net.sock.peer.addr");
  const AttributeValue* port = a.find("network.peer.port");
  if (!port) port = a.find("server.port");
  if (!service) service = a.find("server.address");
  bool have_ip = ip && ip->type() == AttributeType::kString;
  bool have_service = service && service->type() == AttributeType::kString;
  bool have_port =
      port && port->type() == AttributeType::kInt && port->as_int() > 0 && port->as_int() <= 65535;
  if (!have_ip && !have_service) return;
  o.append(",\"remoteEndpoint\":{");
  bool comma = false;
  if (have_service) {
    o.append("\"serviceName\":");
    lowercase(service->as_string(), scratch);
    json::string(o, scratch.view());
    comma = true;
  }
  if (have_ip) {
    auto text = ip->as_string();
    bool v6 = text.find(':') != std::string_view::npos;
    if (comma) o.push(',');
    o.append(v6 ? "\"ipv6\":" : "\"ipv4\":");
    json::string(o, text);
    comma = true;
  }
  if (have_port) {
    if (comma) o.push(',');
    o.append("\"port\":");
    json::int64(o, port->as_int());
  }
  o.push('}');
}

void annotations(const SpanData& s, ByteBuffer& o, ByteBuffer& scratch) {
  if (s.events().empty()) return;
  o.append(",\"annotations\":[");
  bool first = true;
  for (const auto& e : s.events()) {
    if (!first) o.push(',');
    first = false;
    o.append("{\"timestamp\":");
    json::int64(o, micros(e.time_unix_ns));
    o.append(",\"value\":");
    if (e.attributes.size() == 0) {
      json::string(o, e.name);
    } else {
      // Annotations carry only text: "name: {attributes as JSON}", as opentelemetry-go does.
      scratch.clear();
      scratch.append(e.name);
      scratch.append(": {");
      bool first_attr = true;
      for (const auto& a : e.attributes.items()) {
        if (!first_attr) scratch.push(',');
        first_attr = false;
        json::string(scratch, a.key);
        scratch.push(':');
        if (a.value.type() == AttributeType::kString) {
          json::string(scratch, a.value.as_string());
        } else {
          value_text(scratch, a.value);
        }
      }
      scratch.push('}');
      json::string(o, scratch.view());
    }
    o.push('}');
  }
  o.push(']');
}

void tags(const SpanData& s, ByteBuffer& o, ByteBuffer& scratch) {
  bool error = s.status.code == StatusCode::kError;
  bool ok = s.status.code == StatusCode::kOk;
  bool scope = s.scope && !s.scope->name.empty();
  if (s.attributes.size() == 0 && !error && !ok && !scope) return;
  o.append(",\"tags\":{");
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) o.push(',');
    first = false;
    json::string(o, k);
    o.push(':');
  };
  for (const auto& a : s.attributes.items()) {
    // The status tags below are authoritative.
    if (a.key == "error" || a.key == "otel.status_code") continue;
    key(a.key);
    string_value(o, a.value, scratch);
  }
  if (error) {
    key("otel.status_code");
    json::string(o, "ERROR");
    key("error");
    json::string(o, s.status.message);
  }
  if (ok) {
    key("otel.status_code");
    json::string(o, "OK");
  }
  if (scope) {
    key("otel.scope.name");
    json::string(o, s.scope->name);
  }
  o.push('}');
}
}  // namespace

void ZipkinEncoder::local_endpoint(const SpanData& s, ByteBuffer& o) {
  o.append(",\"localEndpoint\":{\"serviceName\":");
  std::string_view service = local_.service_name;
  if (service.empty() && s.resource) service = s.resource->service_name();
  if (service.empty()) service = "unknown_service";
  // Zipkin's model lower-cases service names; send them that way so queries match.
  lowercase(service, scratch_);
  json::string(o, scratch_.view());
  if (!local_.ipv4.empty()) {
    o.append(",\"ipv4\":");
    json::string(o, local_.ipv4);
  }
  if (!local_.ipv6.empty()) {
    o.append(",\"ipv6\":");
    json::string(o, local_.ipv6);
  }
  if (local_.port) {
    o.append(",\"port\":");
    json::int64(o, local_.port);
  }
  o.push('}');
}

void ZipkinEncoder::encode_span(const SpanData& s, ByteBuffer& o) {
  o.append("{\"traceId\":");
  json::hex_string(o, s.context.trace_id.bytes().data(), TraceId::kSize);
  o.append(",\"id\":");
  auto sid = s.context.span_id.bytes();
  json::hex_string(o, sid.data(), sid.size());
  // A server span sharing its span id with the remote client (B3 "joined" spans).
  bool shared =
      s.kind == SpanKind::kServer && s.parent_is_remote && s.parent_span_id == s.context.span_id;
  if (s.parent_span_id.is_valid() && !shared) {
    o.append(",\"parentId\":");
    auto pid = s.parent_span_id.bytes();
    json::hex_string(o, pid.data(), pid.size());
  }
  auto kind = kind_name(s.kind);
  if (!kind.empty()) {
    o.append(",\"kind\":\"");
    o.append(kind);
    o.push('"');
  }
  o.append(",\"name\":");
  lowercase(s.name, scratch_);  // Zipkin's model keeps names in lowercase
  json::string(o, scratch_.view());
  o.append(",\"timestamp\":");
  json::int64(o, micros(s.start_unix_ns));
  o.append(",\"duration\":");
  json::int64(o, std::max<std::int64_t>(1, micros(s.duration_ns())));
  local_endpoint(s, o);
  remote_endpoint(s, o, scratch_);
  annotations(s, o, scratch_);
  tags(s, o, scratch_);
  if (s.context.debug) o.append(",\"debug\":true");
  if (shared) o.append(",\"shared\":true");
  o.push('}');
}

void ZipkinEncoder::encode(std::span<const SpanData* const> spans, ByteBuffer& out) {
  out.clear();
  out.push('[');
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i) out.push(',');
    encode_span(*spans[i], out);
  }
  out.push(']');
}

}  // namespace argus::trace::zipkin
