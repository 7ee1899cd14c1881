// Jaeger Thrift-compact encoding; see jaeger_encode.h. Field ids follow jaeger.thrift:
// Span {1 traceIdLow, 2 traceIdHigh, 3 spanId, 4 parentSpanId, 5 operationName, 6 references,
// 7 flags, 8 startTime, 9 duration, 10 tags, 11 logs}, Tag {1 key, 2 vType, 3 vStr, 4 vDouble,
// 5 vBool, 6 vLong}, Log {1 timestamp, 2 fields}, SpanRef {1 refType, 2 traceIdLow,
// 3 traceIdHigh, 4 spanId}, Process {1 serviceName, 2 tags}, Batch {1 process, 2 spans}.
#include "trace/export/jaeger/jaeger_encode.h"

#include "trace/export/http/json_text.h"
#include "trace/export/jaeger/thrift_compact_writer.h"

namespace argus::trace::jaeger {

namespace {
using exporting::ByteBuffer;
namespace json = exporting::json;

enum TagType : std::int32_t { kString = 0, kDouble = 1, kBool = 2, kLong = 3 };
enum RefType : std::int32_t { kChildOf = 0, kFollowsFrom = 1 };

std::int64_t as_i64(std::uint64_t v) {
  return static_cast<std::int64_t>(v);
}
std::int64_t micros(std::int64_t ns) {
  return ns / 1000;
}

void string_tag(CompactWriter& w, std::string_view key, std::string_view value) {
  w.begin_struct();
  w.string(1, key);
  w.i32(2, kString);
  w.string(3, value);
  w.end_struct();
}

// Arrays have no Jaeger tag type: they travel as JSON text, as OpenTelemetry's exporter does.
void array_json(ByteBuffer& o, const AttributeValue& v) {
  o.clear();
  o.push('[');
  std::size_t n = 0;
  auto sep = [&] {
    if (n++) o.push(',');
  };
  switch (v.type()) {
    case AttributeType::kBoolArray:
      for (auto b : v.bool_array()) sep(), o.append(b ? "true" : "false");
      break;
    case AttributeType::kIntArray:
      for (auto i : v.int_array()) sep(), json::int64(o, i);
      break;
    case AttributeType::kDoubleArray:
      for (auto d : v.double_array()) sep(), json::number(o, d, false);
      break;
    default:
      for (const auto& s : v.string_array()) sep(), json::string(o, s);
      break;
  }
  o.push(']');
}

void attribute_tag(CompactWriter& w, const Attribute& a, ByteBuffer& scratch) {
  w.begin_struct();
  w.string(1, a.key);
  switch (a.value.type()) {
    case AttributeType::kBool:
      w.i32(2, kBool);
      w.boolean(5, a.value.as_bool());
      break;
    case AttributeType::kInt:
      w.i32(2, kLong);
      w.i64(6, a.value.as_int());
      break;
    case AttributeType::kDouble:
      w.i32(2, kDouble);
      w.dbl(4, a.value.as_double());
      break;
    case AttributeType::kString:
      w.i32(2, kString);
      w.string(3, a.value.as_string());
      break;
    default:
      array_json(scratch, a.value);
      w.i32(2, kString);
      w.string(3, scratch.view());
      break;
  }
  w.end_struct();
}

// Jaeger leaves span.kind off internal spans.
std::string_view kind_tag(SpanKind kind) {
  return kind == SpanKind::kInternal ? std::string_view{} : to_string(kind);
}

void reference(CompactWriter& w, RefType type, const TraceId& trace, SpanId span) {
  w.begin_struct();
  w.i32(1, type);
  w.i64(2, as_i64(trace.low()));
  w.i64(3, as_i64(trace.high()));
  w.i64(4, as_i64(span.value()));
  w.end_struct();
}

void write_references(CompactWriter& w, const SpanData& s) {
  std::size_t n = s.links().size() + (s.parent_span_id.is_valid() ? 1 : 0);
  if (n == 0) return;
  w.list(6, CompactWriter::kStruct, n);
  if (s.parent_span_id.is_valid()) reference(w, kChildOf, s.context.trace_id, s.parent_span_id);
  for (const auto& l : s.links()) {
    reference(w, kFollowsFrom, l.context.trace_id, l.context.span_id);
  }
}

void write_logs(CompactWriter& w, const SpanData& s, ByteBuffer& scratch) {
  if (s.events().empty()) return;
  w.list(11, CompactWriter::kStruct, s.events().size());
  for (const auto& e : s.events()) {
    w.begin_struct();
    w.i64(1, micros(e.time_unix_ns));
    w.list(2, CompactWriter::kStruct, e.attributes.size() + 1);
    string_tag(w, "event", e.name);
    for (const auto& a : e.attributes.items()) attribute_tag(w, a, scratch);
    w.end_struct();
  }
}
}  // namespace

void JaegerEncoder::encode_span(const SpanData& s, ByteBuffer& out, bool drop_tags,
                                std::size_t max_name) {
  CompactWriter w(out);
  w.begin_struct();
  w.i64(1, as_i64(s.context.trace_id.low()));
  w.i64(2, as_i64(s.context.trace_id.high()));
  w.i64(3, as_i64(s.context.span_id.value()));
  w.i64(4, as_i64(s.parent_span_id.value()));
  std::string_view name = s.name;
  if (max_name < name.size()) {
    while (max_name > 0 && (static_cast<unsigned char>(name[max_name]) & 0xC0) == 0x80) --max_name;
    name = name.substr(0, max_name);  // never split a UTF-8 character
  }
  w.string(5, name);
  write_references(w, s);
  std::int32_t flags = (s.context.is_sampled() ? 1 : 0) | (s.context.debug ? 2 : 0);
  w.i32(7, flags);
  w.i64(8, micros(s.start_unix_ns));
  w.i64(9, micros(s.duration_ns()));
  if (!drop_tags) {
    auto kind = kind_tag(s.kind);
    bool error = s.status.code == StatusCode::kError;
    bool ok = s.status.code == StatusCode::kOk;
    bool has_message = error && !s.status.message.empty();
    bool scope = s.scope && !s.scope->name.empty();
    std::size_t n = s.attributes.size() + !kind.empty() + error + has_message + ok + scope;
    if (n) {
      w.list(10, CompactWriter::kStruct, n);
      for (const auto& a : s.attributes.items()) attribute_tag(w, a, scratch_);
      if (!kind.empty()) string_tag(w, "span.kind", kind);
      if (error) {
        w.begin_struct();
        w.string(1, "error");
        w.i32(2, kBool);
        w.boolean(5, true);
        w.end_struct();
      }
      if (has_message) string_tag(w, "otel.status_description", s.status.message);
      if (ok) string_tag(w, "otel.status_code", "OK");
      if (scope) string_tag(w, "otel.scope.name", s.scope->name);
    }
    write_logs(w, s, scratch_);
  }
  w.end_struct();
}

void JaegerEncoder::encode_process(const Resource* resource, const ProcessTags& tags,
                                   ByteBuffer& out) {
  CompactWriter w(out);
  w.begin_struct();
  std::string_view service = tags.service_name;
  if (service.empty() && resource) service = resource->service_name();
  if (service.empty()) service = "unknown_service";
  w.string(1, service);
  std::size_t n = tags.tags.size();
  if (resource) {
    for (const auto& a : resource->attributes()) n += a.key != "service.name";
  }
  if (n) {
    w.list(2, CompactWriter::kStruct, n);
    for (const auto& [k, v] : tags.tags) string_tag(w, k, v);
    if (resource) {
      for (const auto& a : resource->attributes()) {
        if (a.key != "service.name") attribute_tag(w, a, scratch_);
      }
    }
  }
  w.end_struct();
}

std::size_t JaegerEncoder::frame_overhead(std::size_t span_count) {
  // protocol id, version/type, seq id (<= 5), name, args/batch/process/list headers, stops.
  return 2 + 5 + 1 + 9 + 1 + 1 + 1 + (span_count < 15 ? 1 : 1 + 5) + 2;
}

void JaegerEncoder::frame(std::string_view process, std::span<const std::string_view> spans,
                          std::int32_t seq_id, ByteBuffer& out) {
  out.clear();
  out.push(static_cast<char>(0x82));  // compact protocol id
  out.push(static_cast<char>(0x81));  // version 1, message type ONEWAY (4) << 5
  CompactWriter w(out);
  w.varint(static_cast<std::uint32_t>(seq_id));
  w.raw_string("emitBatch");
  w.begin_struct(1);  // emitBatch_args.batch (the args struct itself is written flat)
  w.begin_struct(1);  // Batch.process: `process` already holds its fields and STOP
  out.append(process.substr(0, process.size() - 1));
  w.end_struct();
  w.list(2, CompactWriter::kStruct, spans.size());
  for (auto s : spans) out.append(s);
  w.end_struct();  // Batch
  out.push(0);     // emitBatch_args STOP
}

}  // namespace argus::trace::jaeger
