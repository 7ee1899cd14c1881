// A growable byte buffer for the exporters' hand-written encoders (protobuf, Thrift compact,
// JSON). It is reused batch after batch, so steady-state encoding does not allocate, and it
// writes through a raw pointer after one capacity check per field instead of per byte.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace argus::trace::exporting {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  void clear() noexcept { size_ = front_ = 0; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  const char* data() const noexcept { return data_.get(); }
  char* data() noexcept { return data_.get(); }
  // The content: the bytes from the front (see skip_front) to size().
  std::string_view view() const noexcept { return {data_.get() + front_, size_ - front_}; }
  // Leaves the first `n` bytes out of view() until the next clear(): an encoder that writes
  // back to front ends its output at the back of the storage and need not move it.
  void skip_front(std::size_t n) noexcept { front_ = n; }
  void resize(std::size_t n) {
    reserve(n);
    size_ = n;
  }

  // Makes room for `n` more bytes and returns where they go.
  char* grow(std::size_t n) {
    if (size_ + n > capacity_) reserve(size_ + n);
    char* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t cap = capacity_ ? capacity_ : 256;
    while (cap < n) cap *= 2;
    auto fresh = std::make_unique_for_overwrite<char[]>(cap);
    if (size_) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = cap;
  }
  void append(std::string_view s) {
    if (!s.empty()) std::memcpy(grow(s.size()), s.data(), s.size());
  }
  void push(char c) { *grow(1) = c; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t front_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace argus::trace::exporting
