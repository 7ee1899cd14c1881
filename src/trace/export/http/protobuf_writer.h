// Minimal protobuf wire-format writer for hand-written encoders of fixed schemas. Nested
// messages are written with a one-byte length placeholder that is widened in place when the
// body turns out longer than 127 bytes, so there is no separate sizing pass.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "trace/export/http/byte_buffer.h"

namespace argus::trace::exporting {

class ProtobufWriter {
 public:
  enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

  explicit ProtobufWriter(ByteBuffer& out) : out_(out) {}

  static std::size_t varint_size(std::uint64_t v) noexcept {
    std::size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }
  static char* put_varint(char* p, std::uint64_t v) noexcept {
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
  }

  void varint(std::uint64_t v) {
    char* p = out_.grow(10);
    char* e = put_varint(p, v);
    out_.resize(out_.size() - 10 + static_cast<std::size_t>(e - p));
  }
  void tag(std::uint32_t field, WireType type) { varint((field << 3) | type); }
  void varint_field(std::uint32_t field, std::uint64_t v) {
    tag(field, kVarint);
    varint(v);
  }
  void bool_field(std::uint32_t field, bool v) { varint_field(field, v ? 1 : 0); }
  void bytes_field(std::uint32_t field, const void* data, std::size_t n) {
    tag(field, kLen);
    varint(n);
    if (n) std::memcpy(out_.grow(n), data, n);
  }
  void string_field(std::uint32_t field, std::string_view s) {
    bytes_field(field, s.data(), s.size());
  }
  void fixed64_field(std::uint32_t field, std::uint64_t v) {
    tag(field, kFixed64);
    fixed64(v);
  }
  void fixed64(std::uint64_t v) {
    char* p = out_.grow(8);
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
  }
  void fixed32_field(std::uint32_t field, std::uint32_t v) {
    tag(field, kFixed32);
    char* p = out_.grow(4);
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
  }
  void double_field(std::uint32_t field, double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    fixed64_field(field, bits);
  }

  // Opens a length-delimited field; returns the token that close() needs.
  std::size_t open(std::uint32_t field) {
    tag(field, kLen);
    out_.push(0);
    return out_.size();
  }
  void close(std::size_t start) {
    std::size_t len = out_.size() - start;
    if (len < 0x80) {
      out_.data()[start - 1] = static_cast<char>(len);
      return;
    }
    std::size_t n = varint_size(len);
    out_.open_gap(start, n - 1);
    put_varint(out_.data() + start - 1, len);
  }

 private:
  ByteBuffer& out_;
};

}  // namespace argus::trace::exporting
