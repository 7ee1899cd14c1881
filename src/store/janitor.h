// The janitor: purges expired access tokens in bounded batches, each batch its own transaction
// and its own span (the store adds the SQL spans beneath it), so a large backlog never holds one
// long transaction or lock. `argus janitor --tokens` and the periodic purge in `argus serve` run
// it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "argus/trace/tracer.h"
#include "store/store.h"

namespace argus::store {

struct PurgeOptions {
  // Keep tokens issued less than this long ago even when they have expired (Hydra's
  // --keep-if-younger).
  std::chrono::seconds keep_if_younger{0};
  std::size_t batch_size = 100;     // rows per transaction (Hydra's default)
  std::size_t limit = 100000;       // rows per run at most (Hydra's default)
  trace::Tracer* tracer = nullptr;  // null: no spans of its own
  // Unix seconds; null: the system clock. Read once per run.
  std::function<std::int64_t()> now;
  // Checked between batches: set it to stop a run early (service shutdown).
  const std::atomic<bool>* cancel = nullptr;
};

struct PurgeReport {
  std::int64_t deleted = 0;
  std::size_t batches = 0;
  std::optional<Error> error;  // the batch that failed; `deleted` counts the committed ones
};

// Deletes expired tokens batch by batch until a batch comes back short, `limit` is reached or
// a batch fails. Spans: "janitor.purge_tokens" around "janitor.batch" children (under ctx's
// parent, if any).
PurgeReport purge_expired_tokens(Store& store, const PurgeOptions& options,
                                 const CallContext& ctx = {});

}  // namespace argus::store
