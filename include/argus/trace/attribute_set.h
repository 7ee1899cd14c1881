// AttributeSet: attributes that many spans share, such as those of one SQL statement or of one
// connection. A span started with a set refers to it instead of copying each attribute, and an
// exporter that supports sets (OTLP over protobuf) copies an encoding of the whole set, made once.
// Exporters that do not support sets never see one: the span's own copy is made when it ends.
// A set must outlive every span started with it until that span has ended. (A batch processor
// may hold ended spans a while before encoding them; those take their own copy of a set that
// goes away.)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/attribute.h"
#include "argus/trace/expected.h"

namespace argus::trace {

class AttributeSet {
 public:
  // Copies `attributes`, made valid UTF-8; a key given twice keeps its last value. Sets hold
  // scalars and strings: an array is an invalid_argument error, as is an empty key.
  static Expected<std::unique_ptr<AttributeSet>> create(std::span<const KeyValue> attributes);
  ~AttributeSet();
  AttributeSet(const AttributeSet&) = delete;
  AttributeSet& operator=(const AttributeSet&) = delete;

  std::span<const Attribute> items() const noexcept { return items_; }
  // The same attributes as views into the set, for samplers and for copying into a span.
  std::span<const KeyValue> views() const noexcept { return views_; }
  std::size_t size() const noexcept { return items_.size(); }
  bool contains(std::string_view key) const noexcept {
    // Spans ask for every key they are given; most are not in the set, and the filter says so
    // without reading the items.
    return (key_filter_ & filter_bit(key)) != 0 && contains_slow(key);
  }
  // Bytes in the longest string value: a span whose limit is lower copies the set instead.
  std::size_t longest_value() const noexcept { return longest_value_; }

  // An exporter's encoding of the set, made by `encode` on first use and kept. One encoding is
  // kept per set: for any other `format` this returns an empty view and the caller encodes the
  // items itself. Safe to call from many threads at once.
  using EncodeFn = std::string (*)(const AttributeSet&);
  std::string_view encoding(const void* format, EncodeFn encode) const {
    const Encoding* e = encoding_.load(std::memory_order_acquire);
    if (e == nullptr) return make_encoding(format, encode);
    return e->format == format ? std::string_view(e->bytes) : std::string_view();
  }

 private:
  AttributeSet() = default;
  // Mixes the length and the first, middle and last bytes, so that the usual keys land on
  // different bits (a plainer mix put http.status_code on server.address's): a false positive
  // reads the items, which are rarely in the cache.
  static std::uint64_t filter_bit(std::string_view key) noexcept {
    const std::size_t n = key.size();
    if (n == 0) return 1;
    const auto byte = [key](std::size_t i) {
      return std::uint64_t{static_cast<unsigned char>(key[i])};
    };
    const std::uint64_t h = n | byte(0) << 16 | byte(n / 2) << 24 | byte(n - 1) << 32;
    return std::uint64_t{1} << ((h * 0x9E3779B97F4A7C15ULL) >> 58);
  }
  bool contains_slow(std::string_view key) const noexcept;
  std::string_view make_encoding(const void* format, EncodeFn encode) const;
  struct Encoding {
    const void* format;
    std::string bytes;
  };
  std::vector<Attribute> items_;
  std::vector<KeyValue> views_;
  std::size_t longest_value_ = 0;
  std::uint64_t key_filter_ = 0;  // a bit per key: filter_bit()
  mutable std::atomic<const Encoding*> encoding_{nullptr};
};

}  // namespace argus::trace
