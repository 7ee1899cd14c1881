// Ready-made carriers over plain header containers: any range of (name, value) pairs, such as
// std::map, std::multimap, std::unordered_map or a std::vector of pairs. Readers look names up
// case-insensitively and hand out views into the container (no copies); writers replace a header
// of the same name (any case) or append it.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "argus/trace/propagation.h"

namespace argus::trace {

namespace carrier_detail {
inline char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
// `lower` is already lowercase (the propagators' header names are).
inline bool equals_lower(std::string_view any_case, std::string_view lower) noexcept {
  if (any_case.size() != lower.size()) return false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (ascii_lower(any_case[i]) != lower[i]) return false;
  }
  return true;
}
inline bool starts_with_lower(std::string_view any_case, std::string_view lower) noexcept {
  return any_case.size() >= lower.size() && equals_lower(any_case.substr(0, lower.size()), lower);
}
// Whether `any_case` is one of the lowercase `names` or starts with one of `prefixes`.
inline bool matches_any(std::string_view any_case, std::span<const std::string_view> names,
                        std::span<const std::string_view> prefixes) noexcept {
  for (std::string_view name : names) {
    if (equals_lower(any_case, name)) return true;
  }
  for (std::string_view prefix : prefixes) {
    if (starts_with_lower(any_case, prefix)) return true;
  }
  return false;
}
inline bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
}  // namespace carrier_detail

// Reads from any range of pairs whose members convert to std::string_view.
template <typename Container>
class PairRangeReader final : public CarrierReader {
 public:
  explicit PairRangeReader(const Container& headers) noexcept : headers_(headers) {}

  std::size_t get_all(std::string_view name, std::string_view* out,
                      std::size_t max) const noexcept override {
    std::size_t count = 0;
    for (const auto& [key, value] : headers_) {
      if (!carrier_detail::equals_lower(key, name)) continue;
      if (count < max) out[count] = value;
      ++count;
    }
    return count;
  }

  void for_each_prefixed(std::string_view prefix, HeaderVisitor& visitor) const noexcept override {
    for (const auto& [key, value] : headers_) {
      if (carrier_detail::starts_with_lower(key, prefix)) visitor.visit(key, value);
    }
  }

  bool contains_any(std::span<const std::string_view> names,
                    std::span<const std::string_view> prefixes) const noexcept override {
    for (const auto& [key, value] : headers_) {
      if (carrier_detail::matches_any(key, names, prefixes)) return true;
    }
    return false;
  }

 private:
  const Container& headers_;
};

// Writes into a map-like container (std::map, std::unordered_map of std::string).
template <typename Map>
class MapWriter final : public CarrierWriter {
 public:
  explicit MapWriter(Map& headers) noexcept : headers_(headers) {}

  void set(std::string_view name, std::string_view value) noexcept override {
    try {
      for (auto it = headers_.begin(); it != headers_.end(); ++it) {
        if (carrier_detail::equals_ignore_case(it->first, name)) {
          it->second.assign(value);
          return;
        }
      }
      headers_.emplace(std::string(name), std::string(value));
    } catch (...) {  // out of memory: the header is simply not written
    }
  }

 private:
  Map& headers_;
};

// Writes into a sequence of pairs (std::vector<std::pair<std::string, std::string>>): replaces
// the first header of that name and removes later duplicates, or appends.
template <typename Vector>
class PairVectorWriter final : public CarrierWriter {
 public:
  explicit PairVectorWriter(Vector& headers) noexcept : headers_(headers) {}

  void set(std::string_view name, std::string_view value) noexcept override {
    try {
      bool written = false;
      for (auto it = headers_.begin(); it != headers_.end();) {
        if (!carrier_detail::equals_ignore_case(it->first, name)) {
          ++it;
        } else if (!written) {
          it->second.assign(value);
          written = true;
          ++it;
        } else {
          it = headers_.erase(it);
        }
      }
      if (!written) headers_.emplace_back(std::string(name), std::string(value));
    } catch (...) {  // out of memory: the header is simply not written
    }
  }

 private:
  Vector& headers_;
};

template <typename Container>
PairRangeReader(const Container&) -> PairRangeReader<Container>;
template <typename Map>
MapWriter(Map&) -> MapWriter<Map>;
template <typename Vector>
PairVectorWriter(Vector&) -> PairVectorWriter<Vector>;

}  // namespace argus::trace
