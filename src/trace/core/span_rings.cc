// Per-thread span rings: registration on a thread's first push, retirement after it exits.
#include "trace/core/span_rings.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <utility>

#include "argus/trace/processor.h"

namespace argus::trace::detail {
namespace {

std::uint64_t round_up_pow2(std::size_t n) noexcept {
  std::uint64_t c = 2;
  while (c < n) c <<= 1;
  return c;
}

std::atomic<std::uint64_t> g_next_serial{1};

// The rings a thread owns, so it can mark them when it exits. Created on a thread's first
// push (the slow path); its destructor runs at thread exit.
struct ThreadRings {
  std::vector<std::pair<std::uint64_t, std::shared_ptr<SpanRing>>> rings;
  ~ThreadRings();
};

thread_local bool t_thread_exiting = false;

// The rings that stage records, for detach_staged_spans. Never destroyed: a set may die during
// static destruction.
struct StagingRings {
  std::mutex mutex;
  std::vector<SpanRing*> rings;
};
StagingRings& staging_rings() {
  static auto* rings = new StagingRings;
  return *rings;
}

ThreadRings::~ThreadRings() {
  t_thread_exiting = true;
  t_last_ring = {};
  for (auto& [owner, ring] : rings) ring->producer_exited.store(true, std::memory_order_release);
}

ThreadRings* thread_rings() noexcept {
  if (t_thread_exiting) return nullptr;  // a span ended by another thread_local's destructor
  thread_local ThreadRings rings;
  return &rings;
}

}  // namespace

SpanRing::SpanRing(std::size_t capacity, std::size_t arena_capacity)
    : capacity_(round_up_pow2(capacity)),
      mask_(capacity_ - 1),
      arena_capacity_(arena_capacity ? round_up_pow2(arena_capacity) : 0),
      slots_(std::make_unique<Slot[]>(capacity_)),
      // Pages the producer has not reached yet take no memory.
      arena_(arena_capacity_ ? std::make_unique_for_overwrite<char[]>(arena_capacity_) : nullptr) {
  if (arena_capacity_ == 0) return;
  stage_ = std::make_unique<SpanStage>();
  StagingRings& staging = staging_rings();
  std::lock_guard lock(staging.mutex);
  staging.rings.push_back(this);
}

SpanRing::~SpanRing() {
  if (!stage_) return;
  {
    StagingRings& staging = staging_rings();
    std::lock_guard lock(staging.mutex);
    std::erase(staging.rings, this);
  }
  // Shutdown collects what is staged before the processor goes, so this is only a safeguard.
  recycle_span_data(std::span<SpanData* const>(stage_->spans, stage_->size));
}

void detach_staged_spans(const AttributeSet* set) noexcept {
  StagingRings& staging = staging_rings();
  std::lock_guard lock(staging.mutex);
  for (SpanRing* ring : staging.rings) {
    SpanStage& stage = *ring->stage();
    std::lock_guard staged(stage.lock);
    for (std::size_t i = 0; i < stage.size; ++i) {
      if (stage.spans[i]->attribute_set == set) stage.spans[i]->fold_attribute_set();
    }
  }
}

std::int64_t SpanRing::try_push_encoded(const Resource* resource, const InstrumentationScope* scope,
                                        std::string_view bytes, bool& crossed_quarter) noexcept {
  const std::uint64_t need = entry_size(bytes.size());
  // Large spans would leave the arena mostly unusable: the record goes through instead.
  if (need > arena_capacity_ / 8) return -2;
  // Checked before writing, so a full ring leaves the arena as it was.
  if (!slot_free(tail_.load(std::memory_order_relaxed))) return -1;
  const std::uint64_t start = arena_tail_.load(std::memory_order_relaxed);
  std::uint64_t pos = start;
  const std::uint64_t offset = pos & (arena_capacity_ - 1);
  if (offset + need > arena_capacity_) pos += arena_capacity_ - offset;  // entries never wrap
  if (pos + need - cached_arena_head_ > arena_capacity_) {
    cached_arena_head_ = arena_head_.load(std::memory_order_acquire);
    if (pos + need - cached_arena_head_ > arena_capacity_) return -1;
  }
  prefetch_arena_ahead(pos, need);
  char* entry = arena_.get() + (pos & (arena_capacity_ - 1));
  // Field by field: a header built on the stack and copied whole was read back with one 16-byte
  // load from two 8-byte stores, which cannot be forwarded and stalled every push.
  const std::uint64_t size = bytes.size();
  std::memcpy(entry + offsetof(EntryHeader, resource), &resource, sizeof resource);
  std::memcpy(entry + offsetof(EntryHeader, scope), &scope, sizeof scope);
  std::memcpy(entry + offsetof(EntryHeader, size), &size, sizeof size);
  std::memcpy(entry + sizeof(EntryHeader), bytes.data(), bytes.size());
  const std::uint64_t end = pos + need;
  arena_tail_.store(end, std::memory_order_relaxed);  // published by push_slot's release
  const std::uint64_t quarter = arena_capacity_ / 4;
  crossed_quarter = start / quarter != end / quarter;
  return push_slot(Slot{nullptr, pos});
}

std::size_t SpanRing::peek(QueuedSpan* out, std::size_t max, std::size_t& max_bytes) noexcept {
  const std::uint64_t h = head_.load(std::memory_order_relaxed);
  const std::uint64_t t = tail_.load(std::memory_order_acquire);
  std::size_t n = 0;
  std::uint64_t arena_end = arena_head_.load(std::memory_order_relaxed);
  for (; n < max && h + n < t; ++n) {
    const Slot& slot = slots_[(h + n) & mask_];
    if (slot.record != nullptr) {
      out[n] = QueuedSpan{slot.record, {}};
      continue;
    }
    const char* entry = arena_.get() + (slot.arena_pos & (arena_capacity_ - 1));
    EntryHeader header;
    std::memcpy(&header, entry, sizeof header);
    if (n != 0 && header.size > max_bytes) break;
    max_bytes -= std::min<std::size_t>(max_bytes, header.size);
    out[n] =
        QueuedSpan{nullptr, {header.resource, header.scope, {entry + sizeof header, header.size}}};
    arena_end = slot.arena_pos + entry_size(header.size);
  }
  peeked_ = n;
  peeked_arena_end_ = arena_end;
  return n;
}

void SpanRing::release() noexcept {
  if (peeked_ == 0) return;
  arena_head_.store(peeked_arena_end_, std::memory_order_release);
  head_.store(head_.load(std::memory_order_relaxed) + peeked_, std::memory_order_release);
  peeked_ = 0;
}

SpanRings::SpanRings(std::size_t per_thread_capacity, std::size_t arena_capacity)
    : serial_(g_next_serial.fetch_add(1)),
      capacity_(per_thread_capacity),
      arena_capacity_(arena_capacity) {}

SpanRings::~SpanRings() {
  std::lock_guard lock(mutex_);
  for (auto& ring : rings_) ring->consumer_alive.store(false, std::memory_order_release);
}

SpanRing* SpanRings::attach() noexcept {
  ThreadRings* mine = thread_rings();
  if (mine == nullptr) return nullptr;
  SpanRing* found = nullptr;
  // Forget rings whose processor is gone, so threads outliving many providers stay small.
  std::erase_if(mine->rings, [](const auto& entry) {
    return !entry.second->consumer_alive.load(std::memory_order_acquire);
  });
  for (auto& [owner, ring] : mine->rings) {
    if (owner == serial_) found = ring.get();
  }
  if (found == nullptr) {
    try {
      auto ring = std::make_shared<SpanRing>(capacity_, arena_capacity_);
      {
        std::lock_guard lock(mutex_);
        rings_.push_back(ring);
        version_.fetch_add(1, std::memory_order_release);
      }
      found = ring.get();
      mine->rings.emplace_back(serial_, std::move(ring));
    } catch (...) {
      return nullptr;  // out of memory: the span is dropped and counted
    }
  }
  t_last_ring = {serial_, found};
  return found;
}

std::size_t SpanRings::peek(QueuedSpan* out, std::size_t max, std::size_t max_bytes) noexcept {
  if (version_.load(std::memory_order_acquire) != snapshot_version_) {
    std::lock_guard lock(mutex_);
    snapshot_ = rings_;
    snapshot_version_ = version_.load(std::memory_order_relaxed);
  }
  std::size_t got = 0;
  const std::size_t n = snapshot_.size();
  for (std::size_t i = 0; i < n && got < max && max_bytes > 0; ++i) {
    got += snapshot_[(next_ + i) % n]->peek(out + got, max - got, max_bytes);
  }
  if (n != 0) next_ = (next_ + 1) % n;
  if (got < max) retire_finished();
  return got;
}

void SpanRings::collect_staged(std::vector<SpanData*>& out) noexcept {
  std::lock_guard lock(mutex_);
  for (const auto& ring : rings_) {
    SpanStage* stage = ring->stage();
    if (stage == nullptr) continue;
    std::lock_guard staged(stage->lock);
    try {
      out.reserve(out.size() + stage->size);
    } catch (...) {
      continue;  // out of memory: they wait for the next collection
    }
    for (std::size_t i = 0; i < stage->size; ++i) {
      stage->spans[i]->fold_attribute_set();  // the export thread encodes them later
      out.push_back(stage->spans[i]);
    }
    collected_ += stage->size;
    stage->size = 0;
  }
}

void SpanRings::release() noexcept {
  for (const auto& ring : snapshot_) ring->release();
}

// Rings of exited threads that are empty can go: nothing will ever be pushed to them again.
// What an exited thread left staged waits for the next collection.
void SpanRings::retire_finished() noexcept {
  auto finished = [](SpanRing& ring) {
    if (!ring.producer_exited.load(std::memory_order_acquire) || ring.size() != 0) return false;
    SpanStage* stage = ring.stage();
    if (stage == nullptr) return true;
    std::lock_guard staged(stage->lock);
    return stage->size == 0;
  };
  bool any = false;
  for (const auto& ring : snapshot_) any = any || finished(*ring);
  if (!any) return;
  std::lock_guard lock(mutex_);
  std::erase_if(rings_, [&](const std::shared_ptr<SpanRing>& ring) {
    if (!finished(*ring)) return false;
    retired_pushed_ += ring->pushed();
    return true;
  });
  version_.fetch_add(1, std::memory_order_release);
}

std::size_t SpanRings::approx_size() const noexcept {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& ring : rings_) total += ring->size();
  return total;
}

bool SpanRings::batch_ready(std::size_t batch_size) const noexcept {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& ring : rings_) {
    if (ring->arena_quarter_full()) return true;
    total += ring->size();
  }
  return total >= batch_size;
}

std::uint64_t SpanRings::queued() const noexcept {
  std::lock_guard lock(mutex_);
  std::uint64_t total = retired_pushed_ + collected_;
  for (const auto& ring : rings_) {
    SpanStage* stage = ring->stage();
    if (stage == nullptr) {
      total += ring->pushed();
      continue;
    }
    // Under the stage's lock, a span is counted once as it moves from the stage to the ring.
    std::lock_guard staged(stage->lock);
    total += ring->pushed() + stage->size;
  }
  return total;
}

}  // namespace argus::trace::detail
