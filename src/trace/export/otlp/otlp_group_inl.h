// Grouping of a batch by resource and scope for the OTLP encoders (see otlp_encode.h). Batches
// usually hold one resource and a handful of scopes, so the quadratic scans stay tiny.
#pragma once

#include <cstddef>

namespace argus::trace::otlp {

// fn(resource, index of its first span), resources in order of first appearance.
template <typename Fn>
void for_each_resource(std::span<const SpanData* const> spans, Fn&& fn) {
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Resource* r = spans[i]->resource;
    bool seen = false;
    for (std::size_t k = 0; k < i && !seen; ++k) seen = spans[k]->resource == r;
    if (!seen) fn(r, i);
  }
}

// fn(scope, index of its first span) for the scopes of resource `r`, whose first span is `from`.
template <typename Fn>
void for_each_scope(std::span<const SpanData* const> spans, const Resource* r, std::size_t from,
                    Fn&& fn) {
  for (std::size_t j = from; j < spans.size(); ++j) {
    if (spans[j]->resource != r) continue;
    const InstrumentationScope* s = spans[j]->scope;
    bool seen = false;
    for (std::size_t k = from; k < j && !seen; ++k) {
      seen = spans[k]->resource == r && spans[k]->scope == s;
    }
    if (!seen) fn(s, j);
  }
}

}  // namespace argus::trace::otlp
