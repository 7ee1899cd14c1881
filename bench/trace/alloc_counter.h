// Counts heap allocations made by the benchmark process, so benchmarks can report allocations
// per span (the replacement operator new lives in alloc_counter.cc).
#pragma once

#include <atomic>
#include <cstdint>

namespace argus::bench {
std::uint64_t allocation_count() noexcept;
}
