// Encodes spans as Jaeger Thrift (jaeger.thrift) in the compact protocol and frames them as
// `Agent.emitBatch` datagrams of bounded size. Verified in the tests by Apache Thrift's own
// TCompactProtocol reader (npm `thrift`) driven by the jaeger-idl files shipped in jaeger-client.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "argus/trace/span_data.h"
#include "trace/export/http/byte_buffer.h"

namespace argus::trace::jaeger {

struct ProcessTags {
  std::string service_name;  // overrides the resource's service.name when set
  std::vector<std::pair<std::string, std::string>> tags;  // hostname, ip, client-uuid, ...
};

class JaegerEncoder {
 public:
  // Encodes a Process struct (service name, fixed tags, then the resource's other attributes).
  void encode_process(const Resource* resource, const ProcessTags& tags,
                      exporting::ByteBuffer& out);
  // Appends one Span struct. `drop_tags` leaves out tags and logs (for oversized spans);
  // `max_name` truncates the operation name.
  void encode_span(const SpanData& span, exporting::ByteBuffer& out, bool drop_tags = false,
                   std::size_t max_name = SIZE_MAX);

  // Frames an emitBatch call: `process` is an encoded Process, `spans` encoded Span structs.
  static void frame(std::string_view process, std::span<const std::string_view> spans,
                    std::int32_t seq_id, exporting::ByteBuffer& out);
  // Bytes frame() adds around the process and `span_count` spans.
  static std::size_t frame_overhead(std::size_t span_count);

 private:
  exporting::ByteBuffer scratch_;  // JSON text of array-valued tags
};

}  // namespace argus::trace::jaeger
