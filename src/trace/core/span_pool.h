// Span records are recycled instead of freed: each thread keeps a small cache, refilled from
// and drained to a shared, bounded free list. Steady-state span recording therefore does not
// touch the heap, and the shared lock is taken once per batch rather than once per span.
#pragma once

#include "argus/trace/span_data.h"

namespace argus::trace::detail {

SpanData* acquire_span_data();

}  // namespace argus::trace::detail
