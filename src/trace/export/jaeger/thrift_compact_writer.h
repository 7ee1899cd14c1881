// Thrift compact protocol writer (the wire format of Jaeger's agent on port 6831): zigzag
// varints, field-id deltas in the type byte, short list headers, booleans folded into the field
// header. Only what jaeger.thrift / agent.thrift need.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "trace/export/http/byte_buffer.h"
#include "trace/export/http/protobuf_writer.h"

namespace argus::trace::jaeger {

class CompactWriter {
 public:
  enum Type : std::uint8_t {
    kTrue = 1,
    kFalse = 2,
    kByte = 3,
    kI16 = 4,
    kI32 = 5,
    kI64 = 6,
    kDouble = 7,
    kBinary = 8,
    kList = 9,
    kSet = 10,
    kMap = 11,
    kStruct = 12,
  };

  explicit CompactWriter(exporting::ByteBuffer& out) : out_(out) {}

  void varint(std::uint64_t v) {
    char* p = out_.grow(10);
    char* e = exporting::protobuf_wire::put_varint(p, v);
    out_.resize(out_.size() - 10 + static_cast<std::size_t>(e - p));
  }
  static std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }

  void field(std::int16_t id, Type type) {
    int delta = id - last_[depth_];
    if (delta > 0 && delta <= 15) {
      out_.push(static_cast<char>((delta << 4) | type));
    } else {
      out_.push(static_cast<char>(type));
      varint(zigzag(id));
    }
    last_[depth_] = id;
  }
  void i64(std::int16_t id, std::int64_t v) {
    field(id, kI64);
    varint(zigzag(v));
  }
  void i32(std::int16_t id, std::int32_t v) {
    field(id, kI32);
    varint(zigzag(v));
  }
  void boolean(std::int16_t id, bool v) { field(id, v ? kTrue : kFalse); }
  void dbl(std::int16_t id, double v) {
    field(id, kDouble);
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    char* p = out_.grow(8);
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(bits >> (8 * i));
  }
  void string(std::int16_t id, std::string_view s) {
    field(id, kBinary);
    raw_string(s);
  }
  void raw_string(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void list(std::int16_t id, Type element, std::size_t size) {
    field(id, kList);
    list_header(element, size);
  }
  void list_header(Type element, std::size_t size) {
    if (size < 15) {
      out_.push(static_cast<char>((size << 4) | element));
    } else {
      out_.push(static_cast<char>(0xF0 | element));
      varint(size);
    }
  }
  // A struct-typed field, or (id 0) a struct as a list element.
  void begin_struct(std::int16_t id = 0) {
    if (id) field(id, kStruct);
    last_[++depth_] = 0;
  }
  void end_struct() {
    out_.push(0);  // STOP
    --depth_;
  }

 private:
  exporting::ByteBuffer& out_;
  std::array<std::int16_t, 16> last_{};
  std::size_t depth_ = 0;
};

}  // namespace argus::trace::jaeger
