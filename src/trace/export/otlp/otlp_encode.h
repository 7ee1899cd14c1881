// The OTLP trace encoders: ExportTraceServiceRequest as protobuf (hand-written for the fixed
// schema, the fast path) and as OTLP/JSON (hex ids, enums as integers, 64-bit integers as
// strings). Spans are grouped by resource, then by instrumentation scope.
#pragma once

#include <span>
#include <string_view>

#include "argus/trace/exporter.h"
#include "argus/trace/span_data.h"
#include "trace/export/http/byte_buffer.h"

namespace argus::trace::otlp {

void encode_protobuf(std::span<const SpanData* const> spans, exporting::ByteBuffer& out);
// One span as the ScopeSpans.spans field, in `scratch`'s storage; and the request around spans
// so encoded, byte for byte what encode_protobuf writes for their records.
std::string_view encode_span_protobuf(const SpanData& span, exporting::ByteBuffer& scratch);
void encode_protobuf(std::span<const EncodedSpan> spans, exporting::ByteBuffer& out);
void encode_json(std::span<const SpanData* const> spans, exporting::ByteBuffer& out);

}  // namespace argus::trace::otlp

#include "trace/export/otlp/otlp_group_inl.h"
