// Encodes spans as a Zipkin v2 JSON array (zipkin2 api v2 `Span` model): lowercase hex ids,
// upper-case kind, microsecond timestamp and duration (at least 1), endpoints, string tags,
// annotations for events, and the debug/shared flags.
#pragma once

#include <span>

#include "argus/trace/export/zipkin.h"
#include "argus/trace/span_data.h"
#include "trace/export/http/byte_buffer.h"

namespace argus::trace::zipkin {

class ZipkinEncoder {
 public:
  explicit ZipkinEncoder(LocalEndpoint local) : local_(std::move(local)) {}
  void encode(std::span<const SpanData* const> spans, exporting::ByteBuffer& out);

 private:
  void encode_span(const SpanData& span, exporting::ByteBuffer& out);
  void local_endpoint(const SpanData& span, exporting::ByteBuffer& out);
  LocalEndpoint local_;
  exporting::ByteBuffer scratch_;
};

}  // namespace argus::trace::zipkin
