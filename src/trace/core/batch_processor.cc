// The batch processor. Producers (threads ending spans) only touch their own ring and, at most
// once per batch, a mutex to wake the export thread; they never wait for the exporter. With an
// exporter that offers an encoder, producers stage records and encode them a stage at a time
// (SpanStage), then recycle them: each record is reused while still in the core's cache, instead
// of travelling to the export thread and coming back cold.
// The export thread owns all exporter calls. Its state is shared with the thread, so a
// shutdown that gives up on a hung exporter can abandon the thread safely.
#include <sys/prctl.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "argus/trace/processor.h"
#include "trace/core/sharded_counter.h"
#include "trace/core/span_rings.h"

namespace argus::trace {

using Clock = std::chrono::steady_clock;

struct BatchSpanProcessor::State {
  State(std::unique_ptr<SpanExporter> e, const BatchSpanProcessorOptions& o)
      : exporter(std::move(e)),
        encoder(exporter->encoder()),
        options(o),
        queue(o.max_queue_size, encoder ? arena_bytes_for(o.max_queue_size) : 0),
        wake_mask(wake_mask_for(o)) {}
  ~State() {
    records.clear();
    queue.collect_staged(records);
    recycle_span_data(records);
    detail::QueuedSpan spans[256];
    while (std::size_t n = queue.peek(spans, 256, kMaxBatchBytes)) {
      for (std::size_t i = 0; i < n; ++i) recycle_span_data(spans[i].record);
      queue.release();
    }
  }

  std::unique_ptr<SpanExporter> exporter;
  const SpanEncoder* const encoder;  // null: records are queued
  const BatchSpanProcessorOptions options;
  detail::SpanRings queue;        // one ring per producing thread
  const std::uint64_t wake_mask;  // 2^k - 1 with 2^k <= max_export_batch_size
  // A thread's arena holds its queued encoded spans. Sized for spans averaging this much (an
  // OTLP span of a web request takes about 400 bytes); larger spans fill it sooner.
  // An arena is written through from end to end even when few spans wait, so all of it ends up
  // resident: capped, whatever the queue size.
  static constexpr std::size_t kArenaBytesPerSpan = 512;
  static constexpr std::size_t kMaxArenaBytes = std::size_t{64} << 20;
  static std::size_t arena_bytes_for(std::uint32_t queue_size) {
    return std::min(std::size_t{queue_size} * kArenaBytesPerSpan, kMaxArenaBytes);
  }
  static constexpr std::size_t kMaxBatchBytes = std::size_t{4} << 20;  // keeps requests modest

  static std::uint64_t wake_mask_for(const BatchSpanProcessorOptions& o) {
    std::uint64_t interval = 1;
    while (interval * 2 <= o.max_export_batch_size) interval *= 2;
    return interval - 1;
  }

  std::atomic<bool> wake_requested{false};
  // Another full batch waits when one has just been exported: spans arrive faster than they
  // go out. The export thread then wakes itself on a short timer and producers stop waking it.
  // (Polling after every batch would cost a wake-up per batch that mostly finds nothing.) A wake-up
  // costs the producer a system call and, in a virtual machine, an inter-processor interrupt: tens
  // of nanoseconds per span at high rates.
  std::atomic<bool> polling{false};
  static constexpr std::chrono::microseconds kPollInterval{20};
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable wake_cv;  // the export thread waits here
  std::condition_variable done_cv;  // flush and shutdown callers wait here
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  bool stop_requested = false;
  bool stopped = false;

  detail::ShardedCounter dropped;
  std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> export_failures{0};

  std::vector<detail::QueuedSpan> batch;  // reserved by run(): filling it never allocates
  std::vector<SpanData*> records;
  std::vector<EncodedSpan> encoded;
  std::string staged_bytes;  // what export_staged_batch encoded, and where each span starts
  std::vector<std::pair<SpanData*, std::size_t>> staged_offsets;

  // The enqueueing steps return whether the exporter may need waking. The caller then calls
  // wake_if_needed(), after releasing any stage lock: it takes the rings' mutex, which
  // collect_staged() holds while it takes stage locks.
  [[gnu::always_inline]] bool enqueue(SpanData* span) noexcept;
  void stage(SpanData* span) noexcept;
  bool encode_staged(detail::SpanRing& ring, detail::SpanStage& stage) noexcept;
  bool enqueue_encoded(detail::SpanRing& ring, SpanData* span) noexcept;
  // Staged records, collected for a timed export, a flush or shutdown.
  void export_staged(const std::vector<SpanData*>& staged) noexcept;
  std::size_t export_staged_batch(const std::vector<SpanData*>& staged, std::size_t first) noexcept;
  // A span the encoder passed over travels as a record, and records never refer to a set:
  // the set need only outlive the span's end.
  bool enqueue_record(SpanData* span) noexcept {
    span->fold_attribute_set();
    return enqueue(span);
  }
  void export_batch() noexcept;
  void count(ExportResult result, std::size_t spans) noexcept;
  [[gnu::noinline]] void wake_if_needed() noexcept;
  void run() noexcept;
  // Exports up to `limit` spans in batches; stops early at a partial batch unless `all`.
  void drain(std::size_t limit, bool all) noexcept;
  // Polls while a full batch is left after a drain; otherwise sleeps until woken.
  void update_polling(bool found_batch) noexcept {
    if (found_batch) {
      polling.store(true, std::memory_order_relaxed);
      return;
    }
    polling.store(false, std::memory_order_relaxed);
    // A producer that still saw `polling` did not wake us: look once more before sleeping.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (queue.batch_ready(options.max_export_batch_size)) {
      polling.store(true, std::memory_order_relaxed);
    }
  }
};

inline bool BatchSpanProcessor::State::enqueue(SpanData* span) noexcept {
  const std::int64_t pos = stopping.load(std::memory_order_relaxed) ? -1 : queue.try_push(span);
  if (pos < 0) {
    dropped.add();
    recycle_span_data(span);
    return false;
  }
  // Consider waking the exporter once per `wake_interval` spans. Using the slot position
  // avoids reading the consumer's side of the queue (a cache miss) on every span.
  return (static_cast<std::uint64_t>(pos) & wake_mask) == wake_mask;
}

void BatchSpanProcessor::State::wake_if_needed() noexcept {
  std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with the fence in run()
  // A polling exporter is still woken when this thread's ring is three-quarters full, so a
  // poll that comes late does not make it drop spans. Otherwise a sleeping exporter is woken
  // only for a full batch: with several threads each crossing its own boundary, most
  // boundaries come just after a drain, and a wake-up that finds nothing costs two context
  // switches.
  const bool needed = queue.caller_backlog() >= options.max_queue_size / 4 * 3 ||
                      (!polling.load(std::memory_order_relaxed) &&
                       queue.batch_ready(options.max_export_batch_size));
  if (needed && !wake_requested.load(std::memory_order_relaxed) && !wake_requested.exchange(true)) {
    // Notified after unlocking: woken under our lock, the exporter would block on it again.
    { std::lock_guard lock(mutex); }
    wake_cv.notify_one();
  }
}

// Stages the record in the calling thread's ring; a full stage is encoded there and then.
void BatchSpanProcessor::State::stage(SpanData* span) noexcept {
  detail::SpanRing* ring = queue.caller_ring();
  if (ring == nullptr) {
    dropped.add();
    return recycle_span_data(span);
  }
  detail::SpanStage& waiting = *ring->stage();
  bool wake = false;
  {
    std::lock_guard lock(waiting.lock);
    // Checked under the lock: shutdown's last collection takes it after setting `stopping`, so a
    // span staged after that collection cannot be.
    if (stopping.load(std::memory_order_relaxed)) {
      wake = enqueue_record(span);
    } else {
      waiting.spans[waiting.size++] = span;
      if (waiting.size == detail::SpanStage::kCapacity) wake = encode_staged(*ring, waiting);
    }
  }
  if (wake) wake_if_needed();
}

bool BatchSpanProcessor::State::encode_staged(detail::SpanRing& ring,
                                              detail::SpanStage& stage) noexcept {
  bool wake = false;
  for (std::size_t i = 0; i < stage.size; ++i) wake |= enqueue_encoded(ring, stage.spans[i]);
  stage.size = 0;
  return wake;
}

// Encodes on the calling thread; the record goes back to this thread's cache straight away.
bool BatchSpanProcessor::State::enqueue_encoded(detail::SpanRing& ring, SpanData* span) noexcept {
  const std::string_view bytes = encoder->encode(*span);
  if (bytes.empty()) return enqueue_record(span);
  bool crossed_quarter = false;
  const std::int64_t pos =
      ring.try_push_encoded(span->resource, span->scope, bytes, crossed_quarter);
  if (pos == -2) return enqueue_record(span);  // too large for the arena
  recycle_span_data(span);
  if (pos < 0) {
    dropped.add();
    return false;
  }
  return crossed_quarter || (static_cast<std::uint64_t>(pos) & wake_mask) == wake_mask;
}

void BatchSpanProcessor::State::count(ExportResult result, std::size_t spans) noexcept {
  if (result == ExportResult::kSuccess) {
    exported.fetch_add(spans, std::memory_order_relaxed);
  } else {
    failed.fetch_add(spans, std::memory_order_relaxed);
    export_failures.fetch_add(1, std::memory_order_relaxed);
  }
}

// A batch may mix encoded spans and records (spans the encoder refused, or too large for the
// arena).
void BatchSpanProcessor::State::export_batch() noexcept {
  records.clear();
  encoded.clear();
  for (const detail::QueuedSpan& q : batch) {
    if (q.record != nullptr) {
      records.push_back(q.record);
    } else {
      encoded.push_back(q.encoded);
    }
  }
  if (!encoded.empty()) count(exporter->export_encoded(encoded), encoded.size());
  if (!records.empty()) {
    count(exporter->export_spans(records), records.size());
    recycle_span_data(records);
  }
}

void BatchSpanProcessor::State::export_staged(const std::vector<SpanData*>& staged) noexcept {
  std::size_t next = 0;
  while (next < staged.size()) next = export_staged_batch(staged, next);
}

// Encodes staged records from `first` on, as their threads would have, into one request of at
// most a batch and about kMaxBatchBytes; returns where it stopped. Out of memory, all that is
// left travels as records. (`records` and `encoded` hold a batch without growing.)
std::size_t BatchSpanProcessor::State::export_staged_batch(const std::vector<SpanData*>& staged,
                                                           std::size_t first) noexcept {
  records.clear();
  encoded.clear();
  staged_bytes.clear();
  staged_offsets.clear();
  std::size_t end = first;
  bool out_of_memory = false;
  try {
    for (; end < staged.size() && end - first < options.max_export_batch_size &&
           staged_bytes.size() < kMaxBatchBytes;
         ++end) {
      const std::string_view bytes = encoder->encode(*staged[end]);
      if (bytes.empty()) {
        records.push_back(staged[end]);
        continue;
      }
      staged_offsets.emplace_back(staged[end], staged_bytes.size());
      staged_bytes.append(bytes);
    }
  } catch (...) {
    out_of_memory = true;  // `end` is the span whose bytes found no room
  }
  for (std::size_t i = 0; i < staged_offsets.size(); ++i) {
    const auto [span, offset] = staged_offsets[i];
    const std::size_t stop =
        i + 1 < staged_offsets.size() ? staged_offsets[i + 1].second : staged_bytes.size();
    encoded.push_back({span->resource, span->scope,
                       std::string_view(staged_bytes).substr(offset, stop - offset)});
  }
  if (!encoded.empty()) count(exporter->export_encoded(encoded), encoded.size());
  if (!records.empty()) count(exporter->export_spans(records), records.size());
  recycle_span_data(std::span<SpanData* const>(staged.data() + first, end - first));
  if (!out_of_memory) return end;
  const std::span<SpanData* const> rest(staged.data() + end, staged.size() - end);
  count(exporter->export_spans(rest), rest.size());
  recycle_span_data(rest);
  return staged.size();
}

void BatchSpanProcessor::State::drain(std::size_t limit, bool all) noexcept {
  std::size_t done = 0;
  while (done < limit) {
    batch.resize(std::min<std::size_t>(options.max_export_batch_size, limit - done));
    batch.resize(queue.peek(batch.data(), batch.size(), kMaxBatchBytes));
    if (batch.empty()) return;
    done += batch.size();
    export_batch();
    queue.release();
    if (!all && !queue.batch_ready(options.max_export_batch_size)) return;
  }
}

void BatchSpanProcessor::State::run() noexcept {
  prctl(PR_SET_TIMERSLACK, 1UL);  // polls wake on time, not up to 50 us late
  batch.reserve(options.max_export_batch_size);
  records.reserve(options.max_export_batch_size);
  encoded.reserve(options.max_export_batch_size);
  auto deadline = Clock::now() + options.schedule_delay;
  for (;;) {
    std::uint64_t flush_target;
    bool stop;
    {
      std::unique_lock lock(mutex);
      const auto until = polling.load(std::memory_order_relaxed)
                             ? std::min(deadline, Clock::now() + kPollInterval)
                             : deadline;
      wake_cv.wait_until(lock, until, [&] {
        return stop_requested || flush_requested > flush_completed ||
               wake_requested.load(std::memory_order_relaxed);
      });
      flush_target = flush_requested;
      stop = stop_requested;
    }
    wake_requested.store(false, std::memory_order_relaxed);
    const bool timer = Clock::now() >= deadline;
    const bool flushing = flush_target > flush_completed;
    const bool everything = timer || flushing || stop;
    // Only full batches go out between scheduled exports, so polling never sends small ones.
    // Bounded by what is queued now, so steady producers cannot keep a flush going forever.
    const std::size_t queued = queue.approx_size();
    const bool ready = queue.batch_ready(options.max_export_batch_size);
    // Staged spans are collected before the rings are drained: a thread encoding its stage holds
    // the stage until what it encoded is in its ring. They go out after the rings, being newer.
    std::vector<SpanData*> staged;
    if (everything) queue.collect_staged(staged);
    if (everything || ready) drain(queued + options.max_export_batch_size, everything);
    export_staged(staged);
    update_polling(ready && queue.batch_ready(options.max_export_batch_size));
    if (timer) deadline = Clock::now() + options.schedule_delay;
    if (flushing) {
      exporter->force_flush(options.export_timeout);
      std::lock_guard lock(mutex);
      flush_completed = flush_target;
      done_cv.notify_all();
    }
    if (stop) {
      exporter->shutdown(options.export_timeout);
      std::lock_guard lock(mutex);
      stopped = true;
      done_cv.notify_all();
      return;
    }
  }
}

Expected<std::unique_ptr<BatchSpanProcessor>> BatchSpanProcessor::create(
    std::unique_ptr<SpanExporter> exporter, const BatchSpanProcessorOptions& options) {
  auto invalid = [](std::string message) {
    return Error{Error::Code::invalid_config, "batch processor: " + std::move(message)};
  };
  if (!exporter) return invalid("an exporter is required");
  if (options.max_queue_size == 0) return invalid("max_queue_size must be > 0");
  if (options.max_export_batch_size == 0) return invalid("max_export_batch_size must be > 0");
  if (options.max_export_batch_size > options.max_queue_size) {
    return invalid("max_export_batch_size must not exceed max_queue_size");
  }
  if (options.schedule_delay.count() <= 0) return invalid("schedule_delay must be > 0");
  if (options.export_timeout.count() <= 0) return invalid("export_timeout must be > 0");
  auto state = std::make_shared<State>(std::move(exporter), options);
  return std::unique_ptr<BatchSpanProcessor>(new BatchSpanProcessor(std::move(state)));
}

BatchSpanProcessor::BatchSpanProcessor(std::shared_ptr<State> state)
    : state_(std::move(state)), worker_([state = state_] { state->run(); }) {}

BatchSpanProcessor::~BatchSpanProcessor() {
  shutdown(std::chrono::seconds(5));
}

void BatchSpanProcessor::on_end(SpanData* span) noexcept {
  if (state_->encoder != nullptr) return state_->stage(span);
  if (state_->enqueue(span)) state_->wake_if_needed();
}

bool BatchSpanProcessor::force_flush(std::chrono::milliseconds timeout) noexcept {
  std::unique_lock lock(state_->mutex);
  if (state_->stopped) return true;
  const std::uint64_t target = ++state_->flush_requested;
  state_->wake_cv.notify_one();
  return state_->done_cv.wait_for(
      lock, timeout, [&] { return state_->flush_completed >= target || state_->stopped; });
}

bool BatchSpanProcessor::shutdown(std::chrono::milliseconds timeout) noexcept {
  std::unique_lock lock(state_->mutex);
  state_->stop_requested = true;
  state_->stopping.store(true);
  state_->wake_cv.notify_one();
  const bool finished = state_->done_cv.wait_for(lock, timeout, [&] { return state_->stopped; });
  lock.unlock();
  // Ask a hung exporter to abort its I/O (the exporter contract allows this call while an
  // export is in progress); the export thread then finishes on its own.
  if (!finished && !abandoned_.exchange(true))
    state_->exporter->shutdown(std::chrono::milliseconds(0));
  std::lock_guard worker_lock(worker_mutex_);
  if (worker_.joinable()) {
    // A hung exporter keeps the thread (and the state it shares) alive until it returns.
    finished ? worker_.join() : worker_.detach();
  }
  return finished;
}

bool BatchSpanProcessor::takes_attribute_sets() const noexcept {
  return state_->encoder != nullptr && state_->encoder->takes_attribute_sets();
}

ProcessorStats BatchSpanProcessor::stats() const noexcept {
  ProcessorStats s;
  s.spans_queued = state_->queue.queued();
  s.spans_dropped = state_->dropped.load();
  s.spans_exported = state_->exported.load();
  s.spans_failed = state_->failed.load();
  s.export_failures = state_->export_failures.load();
  return s;
}

}  // namespace argus::trace
