// A protobuf wire-format writer for hand-written encoders of fixed schemas (the OTLP hot path),
// and the varint helpers it shares with the Thrift compact encoder.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "trace/export/http/byte_buffer.h"

namespace argus::trace::exporting {

namespace protobuf_wire {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

inline std::size_t varint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes `v` as a base-128 varint at `p`; returns the end.
inline char* put_varint(char* p, std::uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

}  // namespace protobuf_wire

// Writes a message back to front, so each nested message's length is known when its header is
// written (it is what was written since the message began): one pass, no sizing, no
// placeholders, no moves. Fields, repeated elements and messages must therefore be written in
// reverse order. The encoding ends at the back of `out`'s storage, where finish() points
// `out`'s view. Marks are distances from the back, so they survive the storage growing.
class ProtobufReverseWriter {
 public:
  explicit ProtobufReverseWriter(ByteBuffer& out) : out_(out) {
    out_.clear();
    out_.resize(out_.capacity() > 4096 ? out_.capacity() : 4096);
    p_ = out_.data() + out_.size();
  }

  // Makes room for `n` more bytes; call before writing them.
  void reserve(std::size_t n) {
    if (static_cast<std::size_t>(p_ - out_.data()) < n) grow(n);
  }
  // Where a message ends, for len().
  std::size_t mark() const noexcept { return written(); }

  void varint(std::uint64_t v) noexcept {
    if (v < 0x80) {  // tags, and the lengths of most keys and values
      *--p_ = static_cast<char>(v);
      return;
    }
    p_ -= protobuf_wire::varint_size(v);
    protobuf_wire::put_varint(p_, v);
  }
  void tag(std::uint32_t field, protobuf_wire::WireType type) noexcept {
    varint((field << 3) | type);
  }
  void varint_field(std::uint32_t field, std::uint64_t v) noexcept {
    varint(v);
    tag(field, protobuf_wire::kVarint);
  }
  // The header of the length-delimited field whose body was written since `mark`.
  void len(std::uint32_t field, std::size_t mark) noexcept {
    varint(written() - mark);
    tag(field, protobuf_wire::kLen);
  }
  void bytes_field(std::uint32_t field, const void* data, std::size_t n) noexcept {
    p_ -= n;
    copy(p_, static_cast<const char*>(data), n);
    varint(n);
    tag(field, protobuf_wire::kLen);
  }
  void string_field(std::uint32_t field, std::string_view s) noexcept {
    bytes_field(field, s.data(), s.size());
  }
  // Bytes that are already protobuf (a field, or several), as they are.
  void raw(std::string_view bytes) noexcept {
    p_ -= bytes.size();
    copy(p_, bytes.data(), bytes.size());
  }
  void fixed64_field(std::uint32_t field, std::uint64_t v) noexcept {
    store_le(v);
    tag(field, protobuf_wire::kFixed64);
  }
  void fixed32_field(std::uint32_t field, std::uint32_t v) noexcept {
    store_le(v);
    tag(field, protobuf_wire::kFixed32);
  }
  void double_field(std::uint32_t field, double v) noexcept {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    fixed64_field(field, bits);
  }

  // Makes ByteBuffer::view() the encoding, where it lies: at the back of the storage.
  void finish() noexcept { out_.skip_front(static_cast<std::size_t>(p_ - out_.data())); }

 private:
  std::size_t written() const noexcept {
    return static_cast<std::size_t>(out_.data() + out_.size() - p_);
  }

  void grow(std::size_t n) {
    const std::size_t used = written();
    const std::size_t old_size = out_.size();
    std::size_t capacity = old_size * 2;
    while (capacity - used < n) capacity *= 2;
    out_.resize(capacity);  // may move the storage; the old bytes stay at the front
    char* data = out_.data();
    std::memmove(data + capacity - used, data + old_size - used, used);
    p_ = data + capacity - used;
  }

  // Keys and most values are a few dozen bytes: two overlapping fixed-size moves copy them
  // without a call into libc and its size dispatch.
  static void copy(char* dst, const char* src, std::size_t n) noexcept {
    if (n >= 8 && n <= 16) {
      move_fixed<8>(dst, src);
      move_fixed<8>(dst + n - 8, src + n - 8);
    } else if (n > 16 && n <= 32) {
      move_fixed<16>(dst, src);
      move_fixed<16>(dst + n - 16, src + n - 16);
    } else if (n >= 4 && n < 8) {
      move_fixed<4>(dst, src);
      move_fixed<4>(dst + n - 4, src + n - 4);
    } else if (n > 0) {
      std::memcpy(dst, src, n);
    }
  }
  template <std::size_t N>
  static void move_fixed(char* dst, const char* src) noexcept {
    char tmp[N];
    std::memcpy(tmp, src, N);
    std::memcpy(dst, tmp, N);
  }
  // One little-endian store instead of a store per byte.
  template <typename U>
  void store_le(U v) noexcept {
    if constexpr (std::endian::native == std::endian::big) {
      U swapped = 0;
      for (std::size_t i = 0; i < sizeof v; ++i) {
        swapped = static_cast<U>((swapped << 8) | ((v >> (8 * i)) & 0xff));
      }
      v = swapped;
    }
    p_ -= sizeof v;
    std::memcpy(p_, &v, sizeof v);
  }

  ByteBuffer& out_;
  char* p_;
};

}  // namespace argus::trace::exporting
