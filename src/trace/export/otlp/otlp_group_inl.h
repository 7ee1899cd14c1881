// Grouping of a batch by resource and scope for the OTLP encoders (see otlp_encode.h). Batches
// usually hold one resource and a handful of scopes, so the quadratic scans stay tiny.
#pragma once

#include <cstddef>

namespace argus::trace::otlp {

// Batches are records, or spans the exporter encoded when they ended.
inline const Resource* resource_of(const SpanData* s) noexcept {
  return s->resource;
}
inline const Resource* resource_of(const EncodedSpan& s) noexcept {
  return s.resource;
}
inline const InstrumentationScope* scope_of(const SpanData* s) noexcept {
  return s->scope;
}
inline const InstrumentationScope* scope_of(const EncodedSpan& s) noexcept {
  return s.scope;
}

// fn(resource, index of its first span), resources in order of first appearance.
template <typename T, typename Fn>
void for_each_resource(std::span<const T> spans, Fn&& fn) {
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Resource* r = resource_of(spans[i]);
    bool seen = false;
    for (std::size_t k = 0; k < i && !seen; ++k) seen = resource_of(spans[k]) == r;
    if (!seen) fn(r, i);
  }
}

// fn(scope, index of its first span) for the scopes of resource `r`, whose first span is `from`.
template <typename T, typename Fn>
void for_each_scope(std::span<const T> spans, const Resource* r, std::size_t from, Fn&& fn) {
  for (std::size_t j = from; j < spans.size(); ++j) {
    if (resource_of(spans[j]) != r) continue;
    const InstrumentationScope* s = scope_of(spans[j]);
    bool seen = false;
    for (std::size_t k = from; k < j && !seen; ++k) {
      seen = resource_of(spans[k]) == r && scope_of(spans[k]) == s;
    }
    if (!seen) fn(s, j);
  }
}

}  // namespace argus::trace::otlp
