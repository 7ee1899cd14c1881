// JSON text helpers for the OTLP/JSON and Zipkin encoders: string escaping (values are already
// valid UTF-8, the core guarantees it), numbers, and lowercase hex ids.
#pragma once

#include <cstdint>
#include <string_view>

#include "trace/export/http/byte_buffer.h"

namespace argus::trace::exporting::json {

// Appends `s` as a quoted JSON string.
void string(ByteBuffer& out, std::string_view s);
void int64(ByteBuffer& out, std::int64_t v);
void uint64(ByteBuffer& out, std::uint64_t v);
// Finite doubles as shortest round-trip numbers; NaN and infinities as null unless
// `special_as_strings` (then "NaN", "Infinity", "-Infinity", the protobuf JSON mapping).
void number(ByteBuffer& out, double v, bool special_as_strings);
// Appends `n` bytes as 2n lowercase hex characters inside quotes.
void hex_string(ByteBuffer& out, const std::uint8_t* bytes, std::size_t n);

}  // namespace argus::trace::exporting::json
