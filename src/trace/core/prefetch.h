// Prefetching for write. A queue slot is written by one core after another core has read it,
// so its line must be fetched in exclusive state: a plain prefetch leaves it shared and the
// store still waits for ownership. PREFETCHW does that. x86-64 processors that predate it run
// the instruction as a no-op, and GCC emits it only when told the target has it, hence the
// assembly.
#pragma once

namespace argus::trace::detail {

inline void prefetch_exclusive(const void* p) noexcept {
#if defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 1);
#endif
}

}  // namespace argus::trace::detail
