// Minimal protobuf wire-format writers for hand-written encoders of fixed schemas.
// ProtobufWriter writes nested messages with a one-byte length placeholder that is widened in
// place when the body turns out longer than 127 bytes, so there is no separate sizing pass.
// ProtobufCursor is for encoders that compute every message's exact size first (the OTLP hot
// path): it writes through a raw pointer into space reserved once, with no capacity checks, no
// placeholders and no moves.
#pragma once

#include <bit>
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

namespace pb {
enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

constexpr std::size_t varint_size(std::uint64_t v) noexcept {
  return static_cast<std::size_t>((std::bit_width(v | 1) * 9 + 64) / 64);
}
constexpr std::size_t tag_size(std::uint32_t field) noexcept {
  return varint_size(static_cast<std::uint64_t>(field) << 3);
}
// A length-delimited field whose body is `n` bytes.
constexpr std::size_t len_field_size(std::uint32_t field, std::size_t n) noexcept {
  return tag_size(field) + varint_size(n) + n;
}
constexpr std::size_t varint_field_size(std::uint32_t field, std::uint64_t v) noexcept {
  return tag_size(field) + varint_size(v);
}
}  // namespace pb

// Writes into memory the caller has sized exactly; see the header comment.
class ProtobufCursor {
 public:
  explicit ProtobufCursor(char* p) noexcept : p_(p) {}
  char* position() const noexcept { return p_; }

  void varint(std::uint64_t v) noexcept {
    if (v < 0x80) {  // tags, and the lengths of most keys and values
      *p_++ = static_cast<char>(v);
      return;
    }
    p_ = ProtobufWriter::put_varint(p_, v);
  }
  void tag(std::uint32_t field, pb::WireType type) noexcept { varint((field << 3) | type); }
  void varint_field(std::uint32_t field, std::uint64_t v) noexcept {
    tag(field, pb::kVarint);
    varint(v);
  }
  // The header of a length-delimited field; its `n` body bytes follow.
  void len(std::uint32_t field, std::size_t n) noexcept {
    tag(field, pb::kLen);
    varint(n);
  }
  void bytes_field(std::uint32_t field, const void* data, std::size_t n) noexcept {
    len(field, n);
    if (n) std::memcpy(p_, data, n);
    p_ += n;
  }
  void string_field(std::uint32_t field, std::string_view s) noexcept {
    bytes_field(field, s.data(), s.size());
  }
  void fixed64_field(std::uint32_t field, std::uint64_t v) noexcept {
    tag(field, pb::kFixed64);
    store_le(v);
  }
  void fixed32_field(std::uint32_t field, std::uint32_t v) noexcept {
    tag(field, pb::kFixed32);
    store_le(v);
  }
  void double_field(std::uint32_t field, double v) noexcept {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    fixed64_field(field, bits);
  }

 private:
  // One little-endian store instead of a store per byte.
  template <typename U>
  void store_le(U v) noexcept {
    if constexpr (std::endian::native == std::endian::big) v = byteswap(v);
    std::memcpy(p_, &v, sizeof v);
    p_ += sizeof v;
  }
  template <typename U>
  static U byteswap(U v) noexcept {
    U out = 0;
    for (std::size_t i = 0; i < sizeof v; ++i)
      out = static_cast<U>((out << 8) | ((v >> (8 * i)) & 0xff));
    return out;
  }

 private:
  char* p_;
};

}  // namespace argus::trace::exporting
