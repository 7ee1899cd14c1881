// The hand-written encoders checked by decoders we did not write (see tests/interop/export):
// OTLP protobuf and OTLP/JSON by the protobufjs code generated from opentelemetry-proto, Jaeger
// Thrift compact by Apache Thrift's TCompactProtocol with the jaeger-idl files, Zipkin v2 JSON by
// a field-by-field validation plus zipkin-js's own model.
#include <gtest/gtest.h>

#include <cmath>

#include "export/support.h"
#include "trace/export/jaeger/jaeger_encode.h"
#include "trace/export/otlp/otlp_encode.h"
#include "trace/export/zipkin/zipkin_encode.h"

namespace argus::trace {
namespace {
namespace json = boost::json;
using exporting::ByteBuffer;
using testing::make_span_set;
using testing::run_node;

const json::value& at(const json::value& v, std::initializer_list<json::string_view> path) {
  const json::value* p = &v;
  for (auto k : path) p = &p->as_object().at(k);
  return *p;
}

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

json::value decode_otlp(std::string_view body, const char* mode) {
  std::string file = testing::temp_path(std::string("otlp.") + mode);
  testing::write_file(file, body);
  auto r = run_node("decode_otlp.js", {file, mode});
  EXPECT_EQ(r.error, "");
  return r.value;
}

json::value encode_and_decode_protobuf(const testing::SpanSet& set) {
  ByteBuffer out;
  otlp::encode_protobuf(set.view(), out);
  return decode_otlp(out.view(), "proto");
}

// The spans of the first resource's first scope (the decoder's JSON form).
const json::array& first_scope_spans(const json::value& doc) {
  EXPECT_TRUE(doc.is_array()) << doc;
  static const json::array none;
  if (!doc.is_array() || doc.as_array().empty()) return none;
  return at(doc.as_array()[0].as_object().at("scopeSpans").as_array()[0], {"spans"}).as_array();
}

void check_otlp(const json::value& doc, const testing::SpanSet& set) {
  ASSERT_TRUE(doc.is_array()) << doc;
  const auto& rs = doc.as_array();
  ASSERT_EQ(rs.size(), 2u);  // two resources
  const auto& res = at(rs[0], {"resource"});
  EXPECT_EQ(str(at(res, {"service.name", "value"})), "Argus-Test");
  EXPECT_EQ(str(at(res, {"team", "value"})), "trace");
  EXPECT_EQ(str(at(rs[1], {"resource", "service.name", "value"})), "other-svc");
  const auto& scopes = at(rs[0], {"scopeSpans"}).as_array();
  ASSERT_EQ(scopes.size(), 2u);  // argus.test and argus.other
  EXPECT_EQ(str(at(scopes[0], {"scope", "name"})), "argus.test");
  EXPECT_EQ(str(at(scopes[0], {"scope", "version"})), "1.2.3");
  EXPECT_EQ(str(at(scopes[1], {"scope", "name"})), "argus.other");
  const auto& spans = at(scopes[0], {"spans"}).as_array();
  ASSERT_EQ(spans.size(), 3u);  // root, child, joined

  const auto& root = spans[0];
  const SpanData& r = *set.spans[0];
  EXPECT_EQ(str(at(root, {"traceId"})), r.context.trace_id.to_hex());
  EXPECT_EQ(str(at(root, {"spanId"})), r.context.span_id.to_hex());
  EXPECT_EQ(str(at(root, {"parentSpanId"})), "00f067aa0ba902b7");
  EXPECT_EQ(str(at(root, {"traceState"})), "vendor=abc");
  EXPECT_EQ(str(at(root, {"name"})), "GET /oauth2/token");
  EXPECT_EQ(at(root, {"kind"}).as_int64(), 2);       // SERVER
  EXPECT_EQ(at(root, {"flags"}).as_int64(), 0x303);  // sampled|random, has-remote, remote
  EXPECT_EQ(str(at(root, {"start"})), std::to_string(r.start_unix_ns));
  EXPECT_EQ(str(at(root, {"end"})), std::to_string(r.end_unix_ns));
  EXPECT_EQ(at(root, {"status", "code"}).as_int64(), 1);
  const auto& attrs = at(root, {"attributes"});
  EXPECT_EQ(str(at(attrs, {"http.request.method", "value"})), "GET");
  EXPECT_EQ(str(at(attrs, {"http.request.method", "type"})), "string");
  EXPECT_EQ(str(at(attrs, {"http.response.status_code", "value"})), "200");
  EXPECT_EQ(str(at(attrs, {"http.response.status_code", "type"})), "int");
  EXPECT_EQ(at(attrs, {"argus.cache_hit", "value"}).as_bool(), true);
  EXPECT_EQ(at(attrs, {"argus.ratio", "value"}).as_double(), 0.25);
  const auto& ev = at(root, {"events"}).as_array();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(str(at(ev[0], {"name"})), "exception");
  EXPECT_EQ(str(at(ev[0], {"time"})), std::to_string(r.start_unix_ns + 1000));
  EXPECT_EQ(str(at(ev[0], {"attributes", "exception.type", "value"})), "std::runtime_error");

  const auto& child = spans[1];
  EXPECT_EQ(at(child, {"kind"}).as_int64(), 3);  // CLIENT
  EXPECT_EQ(at(child, {"flags"}).as_int64(), 0x103);
  EXPECT_EQ(at(child, {"status", "code"}).as_int64(), 2);
  EXPECT_EQ(str(at(child, {"status", "message"})), "connection \"reset\"\n by peer");
  const auto& ca = at(child, {"attributes"});
  const auto& ints = at(ca, {"ints", "value"}).as_array();
  ASSERT_EQ(ints.size(), 3u);
  EXPECT_EQ(str(at(ints[1], {"value"})), "-2");
  EXPECT_EQ(str(at(ints[2], {"value"})), "9223372036854775807");
  EXPECT_EQ(str(at(ca, {"min", "value"})), "-9223372036854775808");
  const auto& dbls = at(ca, {"doubles", "value"}).as_array();
  EXPECT_EQ(at(dbls[0], {"value"}).as_double(), 1.5);
  EXPECT_EQ(at(dbls[1], {"value"}).to_number<double>(), 0.0);
  const auto& bools = at(ca, {"bools", "value"}).as_array();
  EXPECT_EQ(at(bools[0], {"value"}).as_bool(), true);
  EXPECT_EQ(at(bools[1], {"value"}).as_bool(), false);
  EXPECT_EQ(str(at(at(ca, {"strings", "value"}).as_array()[1], {"value"})), "ü\"b");
  const auto& links = at(child, {"links"}).as_array();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(str(at(links[0], {"traceId"})), "11112222333344445555666677778888");
  EXPECT_EQ(str(at(links[0], {"spanId"})), "9999aaaabbbbcccc");
  EXPECT_EQ(at(links[0], {"flags"}).as_int64(), 0x301);
  EXPECT_EQ(str(at(links[0], {"attributes", "link.kind", "value"})), "batch");
  EXPECT_EQ(at(child, {"events"}).as_array().size(), 2u);

  const auto& other_scope = at(scopes[1], {"spans"}).as_array();
  ASSERT_EQ(other_scope.size(), 1u);
  EXPECT_EQ(str(at(other_scope[0], {"name"})), "Publish");
  EXPECT_EQ(at(other_scope[0], {"kind"}).as_int64(), 4);
  const auto& elsewhere = at(at(rs[1], {"scopeSpans"}).as_array()[0], {"spans"}).as_array()[0];
  EXPECT_EQ(at(elsewhere, {"kind"}).as_int64(), 5);
  EXPECT_EQ(str(at(elsewhere, {"traceId"})), "ffffffffffffffff0000000000000001");
  EXPECT_EQ(str(at(elsewhere, {"parentSpanId"})), "");
}

TEST(OtlpEncoding, ProtobufDecodesWithGeneratedOtelCode) {
  auto set = make_span_set();
  check_otlp(encode_and_decode_protobuf(set), set);
}

// The batch processor's encoded path: each span encoded alone as it ends, the request later
// written around the pieces. It must give byte for byte what encoding the records gives, across
// resources and scopes in any order, and so decode the same.
TEST(OtlpEncoding, SpansEncodedOneByOneFrameToTheSameRequest) {
  auto set = make_span_set();
  const auto spans = set.view();
  ByteBuffer whole;
  otlp::encode_protobuf(spans, whole);
  std::vector<std::string> pieces;
  ByteBuffer scratch;
  for (const SpanData* s : spans) pieces.emplace_back(otlp::encode_span_protobuf(*s, scratch));
  std::vector<EncodedSpan> encoded;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    encoded.push_back({spans[i]->resource, spans[i]->scope, pieces[i]});
  }
  ByteBuffer framed;
  otlp::encode_protobuf(std::span<const EncodedSpan>(encoded), framed);
  EXPECT_EQ(framed.view(), whole.view());
  check_otlp(decode_otlp(framed.view(), "proto"), set);
}

// A span that refers to a shared AttributeSet encodes byte for byte as the same span with the
// set copied into its own attributes, whether the set's encoding is being made or reused, and
// the generated OTel code reads the set's attributes beside the span's own.
TEST(OtlpEncoding, SpanReferringToAnAttributeSetEncodesAsItsCopy) {
  auto set = make_span_set();
  const KeyValue shared_attrs[] = {{"db.system", "sqlite"},
                                   {"db.statement", "SELECT name FROM t WHERE id = ?"},
                                   {"server.port", 5432},
                                   {"db.ratio", 0.5},
                                   {"db.cached", true}};
  auto shared = AttributeSet::create(shared_attrs);
  ASSERT_TRUE(shared) << shared.error().message;
  SpanData& child = *set.spans[1];
  child.attribute_set = shared->get();
  ByteBuffer scratch;
  const std::string first(otlp::encode_span_protobuf(child, scratch));
  const std::string reused(otlp::encode_span_protobuf(child, scratch));
  ByteBuffer request;
  otlp::encode_protobuf(set.view(), request);
  const json::value doc = decode_otlp(request.view(), "proto");
  child.fold_attribute_set();
  EXPECT_EQ(child.attribute_set, nullptr);
  EXPECT_EQ(first, otlp::encode_span_protobuf(child, scratch));
  EXPECT_EQ(reused, first);

  const auto& ca = at(first_scope_spans(doc).at(1), {"attributes"});
  EXPECT_EQ(str(at(ca, {"db.statement", "value"})), "SELECT name FROM t WHERE id = ?");
  EXPECT_EQ(str(at(ca, {"server.port", "value"})), "5432");
  EXPECT_EQ(at(ca, {"db.ratio", "value"}).as_double(), 0.5);
  EXPECT_EQ(at(ca, {"db.cached", "value"}).as_bool(), true);
  EXPECT_EQ(str(at(ca, {"peer.service", "value"})), "Postgres");  // its own, still there
}

TEST(OtlpEncoding, JsonFollowsOtlpJsonRules) {
  auto set = make_span_set();
  auto spans = set.view();
  ByteBuffer out;
  otlp::encode_json(spans, out);
  auto text = std::string(out.view());
  EXPECT_NE(text.find("\"traceId\":\"0af7651916cd43dd8448eb211c80319c\""), std::string::npos);
  EXPECT_NE(text.find("\"intValue\":\"200\""), std::string::npos);  // 64-bit ints as strings
  EXPECT_NE(text.find("\"kind\":2"), std::string::npos);            // enums as integers
  check_otlp(decode_otlp(out.view(), "json"), set);
}

TEST(OtlpEncoding, LargeBatchWithLongValuesDecodes) {
  testing::SpanSet set;
  set.resource = Resource::create({"svc", "", "", "h", {}});
  std::string long_value(5000, 'v');
  for (int i = 0; i < 300; ++i) {
    auto& s = set.add("span-" + std::to_string(i));
    s.context.span_id = SpanId(static_cast<std::uint64_t>(i + 1));
    testing::fill_nominal(s);
    s.attributes.set("long", std::string_view(long_value).substr(0, 100 + i * 10),
                     testing::test_limits(), 128);
  }
  const json::value doc = encode_and_decode_protobuf(set);
  const auto& spans = first_scope_spans(doc);
  ASSERT_EQ(spans.size(), 300u);
  EXPECT_EQ(str(at(spans[299], {"name"})), "span-299");
  EXPECT_EQ(str(at(spans[299], {"attributes", "long", "value"})).size(), 100u + 2990u);
}

// The protobuf encoder writes back to front and prefixes each message with the length written
// since it began, so each length that changes the size of its own varint (127/128,
// 16383/16384 bytes) must come out exactly right, at every level.
TEST(OtlpEncoding, ProtobufLengthsAtVarintBoundariesDecode) {
  testing::SpanSet set;
  set.resource = Resource::create({"svc", "", "", "h", {}});
  SpanLimits lim;
  lim.max_attribute_value_length = 20000;
  lim.max_events = 1;
  const std::size_t lengths[] = {0, 1, 100, 127, 128, 129, 16383, 16384};
  for (std::size_t len : lengths) {
    auto& s = set.add(std::string(len == 0 ? 1 : len, 'n'));
    s.context.span_id = SpanId(static_cast<std::uint64_t>(len + 1));
    std::string text(len, 'x');
    std::string_view items[] = {text, "b"};
    s.attributes.set("s", text, lim, 128);
    s.attributes.set("arr", std::span<const std::string_view>(items), lim, 128);
    s.attributes.set("neg", std::int64_t{-1}, lim, 128);  // a ten-byte varint
    s.attributes.set("dropped", true, lim, 3);            // over max_count: counted
    KeyValue ev[] = {{"e", std::string_view(text)}};
    s.add_event("first", s.start_unix_ns + 1, ev, lim);
    s.add_event("second", s.start_unix_ns + 2, {}, lim);  // over max_events: counted
    s.status = {StatusCode::kError, std::string(len, 'm')};
  }
  const json::value doc = encode_and_decode_protobuf(set);
  const auto& spans = first_scope_spans(doc);
  ASSERT_EQ(spans.size(), std::size(lengths));
  for (std::size_t i = 0; i < std::size(lengths); ++i) {
    SCOPED_TRACE(lengths[i]);
    const auto& s = spans[i];
    const auto& attrs = at(s, {"attributes"});
    EXPECT_EQ(str(at(s, {"name"})).size(), lengths[i] == 0 ? 1 : lengths[i]);
    EXPECT_EQ(str(at(attrs, {"s", "value"})), std::string(lengths[i], 'x'));
    const auto& arr = at(attrs, {"arr", "value"}).as_array();
    ASSERT_EQ(arr.size(), 2u);
    EXPECT_EQ(str(at(arr[0], {"value"})).size(), lengths[i]);
    EXPECT_EQ(str(at(arr[1], {"value"})), "b");
    EXPECT_EQ(str(at(attrs, {"neg", "value"})), "-1");
    EXPECT_EQ(at(s, {"droppedAttributes"}).as_int64(), 1);
    EXPECT_EQ(at(s, {"droppedEvents"}).as_int64(), 1);
    ASSERT_EQ(at(s, {"events"}).as_array().size(), 1u);
    EXPECT_EQ(str(at(at(s, {"events"}).as_array()[0], {"attributes", "e", "value"})).size(),
              lengths[i]);
    EXPECT_EQ(at(s, {"status", "code"}).as_int64(), 2);
    EXPECT_EQ(str(at(s, {"status", "message"})).size(), lengths[i]);
  }
}

TEST(JaegerEncoding, DecodesWithApacheThriftCompactAndJaegerIdl) {
  auto set = make_span_set();
  jaeger::JaegerEncoder enc;
  ByteBuffer process, span_bytes, datagram;
  enc.encode_process(
      &set.resource,
      {"",
       {{"hostname", "h1"}, {"ip", "10.0.0.1"}, {"client-uuid", "u"}, {"argus.version", "0.1.0"}}},
      process);
  std::vector<std::size_t> offs;
  for (const auto* s : set.view()) {
    offs.push_back(span_bytes.size());
    enc.encode_span(*s, span_bytes);
  }
  offs.push_back(span_bytes.size());
  std::vector<std::string_view> views;
  for (std::size_t i = 0; i + 1 < offs.size(); ++i) {
    views.emplace_back(span_bytes.data() + offs[i], offs[i + 1] - offs[i]);
  }
  jaeger::JaegerEncoder::frame(process.view(), views, 7, datagram);
  std::string file = testing::temp_path("jaeger.bin");
  testing::write_file(file, datagram.view());
  auto r = run_node("decode_jaeger.js", {file});
  ASSERT_EQ(r.error, "");
  const auto& msg = r.value.as_array().at(0);
  EXPECT_EQ(str(at(msg, {"fname"})), "emitBatch");
  EXPECT_EQ(at(msg, {"seqid"}).as_int64(), 7);
  const auto& batch = at(msg, {"args", "batch"});
  EXPECT_EQ(str(at(batch, {"process", "serviceName"})), "Argus-Test");
  std::map<std::string, json::value> ptags;
  for (const auto& t : at(batch, {"process", "tags"}).as_array()) {
    ptags[str(at(t, {"key"}))] = t;
  }
  EXPECT_EQ(str(at(ptags["hostname"], {"vStr"})), "h1");
  EXPECT_EQ(str(at(ptags["argus.version"], {"vStr"})), "0.1.0");
  EXPECT_EQ(str(at(ptags["service.version"], {"vStr"})), "9.9.9");
  EXPECT_EQ(ptags.count("service.name"), 0u);

  const auto& spans = at(batch, {"spans"}).as_array();
  ASSERT_EQ(spans.size(), set.spans.size());
  const auto& root = spans[0];
  const auto& tid = set.spans[0]->context.trace_id;
  EXPECT_EQ(str(at(root, {"traceIdLow"})), std::to_string(static_cast<std::int64_t>(tid.low())));
  EXPECT_EQ(str(at(root, {"traceIdHigh"})), std::to_string(static_cast<std::int64_t>(tid.high())));
  EXPECT_EQ(str(at(root, {"spanId"})),
            std::to_string(static_cast<std::int64_t>(set.spans[0]->context.span_id.value())));
  EXPECT_EQ(str(at(root, {"parentSpanId"})), std::to_string(0x00f067aa0ba902b7LL));
  EXPECT_EQ(str(at(root, {"operationName"})), "GET /oauth2/token");
  EXPECT_EQ(at(root, {"flags"}).as_int64(), 1);
  EXPECT_EQ(str(at(root, {"startTime"})), std::to_string(set.spans[0]->start_unix_ns / 1000));
  EXPECT_EQ(str(at(root, {"duration"})), "1234");
  const auto& refs = at(root, {"references"}).as_array();
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(str(at(refs[0], {"refType"})), "CHILD_OF");
  std::map<std::string, json::value> tags;
  for (const auto& t : at(root, {"tags"}).as_array()) tags[str(at(t, {"key"}))] = t;
  EXPECT_EQ(str(at(tags["span.kind"], {"vStr"})), "server");
  EXPECT_EQ(str(at(tags["http.response.status_code"], {"vType"})), "LONG");
  EXPECT_EQ(str(at(tags["http.response.status_code"], {"vLong"})), "200");
  EXPECT_EQ(str(at(tags["argus.cache_hit"], {"vType"})), "BOOL");
  EXPECT_EQ(at(tags["argus.cache_hit"], {"vBool"}).as_bool(), true);
  EXPECT_EQ(at(tags["argus.ratio"], {"vDouble"}).as_double(), 0.25);
  EXPECT_EQ(tags.count("error"), 0u);
  const auto& logs = at(root, {"logs"}).as_array();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(str(at(logs[0], {"timestamp"})),
            std::to_string((set.spans[0]->start_unix_ns + 1000) / 1000));
  EXPECT_EQ(str(at(at(logs[0], {"fields"}).as_array()[0], {"vStr"})), "exception");

  const auto& child = spans[1];
  std::map<std::string, json::value> ctags;
  for (const auto& t : at(child, {"tags"}).as_array()) ctags[str(at(t, {"key"}))] = t;
  EXPECT_EQ(at(ctags["error"], {"vBool"}).as_bool(), true);
  EXPECT_EQ(str(at(ctags["span.kind"], {"vStr"})), "client");
  EXPECT_EQ(str(at(ctags["ints"], {"vStr"})), "[1,-2,9223372036854775807]");
  EXPECT_EQ(str(at(ctags["min"], {"vLong"})), "-9223372036854775808");
  const auto& crefs = at(child, {"references"}).as_array();
  ASSERT_EQ(crefs.size(), 2u);
  EXPECT_EQ(str(at(crefs[1], {"refType"})), "FOLLOWS_FROM");
  EXPECT_EQ(str(at(crefs[1], {"spanId"})),
            std::to_string(static_cast<std::int64_t>(0x9999aaaabbbbccccULL)));
  EXPECT_EQ(at(spans[2], {"flags"}).as_int64(), 3);  // sampled + debug
}

TEST(ZipkinEncoding, ValidV2JsonMatchingZipkinJsModel) {
  auto set = make_span_set();
  zipkin::ZipkinEncoder enc({"", "192.168.1.2", "fe80::1", 4444});
  ByteBuffer out;
  enc.encode(set.view(), out);
  std::string file = testing::temp_path("zipkin.json");
  testing::write_file(file, out.view());
  auto r = run_node("decode_zipkin.js", {file});
  ASSERT_EQ(r.error, "");
  const auto& spans = r.value.as_array();
  ASSERT_EQ(spans.size(), set.spans.size());
  const auto& root = spans[0];
  EXPECT_EQ(str(at(root, {"traceId"})), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(str(at(root, {"id"})), "b7ad6b7169203331");
  EXPECT_EQ(str(at(root, {"parentId"})), "00f067aa0ba902b7");
  EXPECT_EQ(str(at(root, {"kind"})), "SERVER");
  EXPECT_EQ(str(at(root, {"name"})), "get /oauth2/token");
  EXPECT_EQ(at(root, {"timestamp"}).as_int64(), set.spans[0]->start_unix_ns / 1000);
  EXPECT_EQ(at(root, {"duration"}).as_int64(), 1234);
  EXPECT_EQ(str(at(root, {"localEndpoint", "serviceName"})), "argus-test");
  EXPECT_EQ(str(at(root, {"localEndpoint", "ipv4"})), "192.168.1.2");
  EXPECT_EQ(str(at(root, {"localEndpoint", "ipv6"})), "fe80::1");
  EXPECT_EQ(at(root, {"localEndpoint", "port"}).as_int64(), 4444);
  EXPECT_EQ(str(at(root, {"remoteEndpoint", "ipv4"})), "10.1.2.3");
  EXPECT_EQ(at(root, {"remoteEndpoint", "port"}).as_int64(), 50123);
  EXPECT_EQ(str(at(root, {"tags", "http.response.status_code"})), "200");
  EXPECT_EQ(str(at(root, {"tags", "argus.cache_hit"})), "true");
  EXPECT_EQ(str(at(root, {"tags", "argus.ratio"})), "0.25");
  EXPECT_EQ(str(at(root, {"tags", "otel.status_code"})), "OK");
  EXPECT_EQ(str(at(at(root, {"annotations"}).as_array()[0], {"value"})),
            "exception: {\"exception.type\":\"std::runtime_error\"}");
  const auto& child = spans[1];
  EXPECT_EQ(str(at(child, {"tags", "error"})), "connection \"reset\"\n by peer");
  EXPECT_EQ(str(at(child, {"tags", "strings"})), "[\"a\",\"ü\\\"b\"]");
  EXPECT_EQ(str(at(child, {"remoteEndpoint", "serviceName"})), "postgres");
  EXPECT_EQ(str(at(child, {"remoteEndpoint", "ipv6"})), "::1");
  EXPECT_EQ(at(child, {"annotations"}).as_array().size(), 2u);
  EXPECT_EQ(at(spans[2], {"debug"}).as_bool(), true);
  EXPECT_EQ(at(spans[2], {"duration"}).as_int64(), 1);  // 10 ns rounds up to the minimum
  EXPECT_EQ(str(at(spans[3], {"localEndpoint", "serviceName"})), "other-svc");
  EXPECT_EQ(str(at(spans[3], {"kind"})), "CONSUMER");
  EXPECT_EQ(at(spans[4], {"shared"}).as_bool(), true);
  EXPECT_FALSE(spans[4].as_object().contains("parentId"));
}

TEST(ZipkinEncoding, DecoderRejectsBrokenSpans) {
  // The validator must be able to fail: a zero duration and an upper-case id are rejected.
  std::string file = testing::temp_path("zipkin-bad.json");
  testing::write_file(
      file, R"([{"traceId":"0af7651916cd43dd8448eb211c80319c","id":"B7AD6B7169203331",)"
            R"("timestamp":1700000000123456,"duration":0,"localEndpoint":{"serviceName":"a"}}])");
  EXPECT_NE(run_node("decode_zipkin.js", {file}).error, "");
}

}  // namespace
}  // namespace argus::trace
