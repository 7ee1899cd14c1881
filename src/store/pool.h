// A bounded connection pool. Connections are opened lazily up to `max`; a caller waits at most
// `acquire_timeout` for a free one. Broken connections are discarded on return, and when one
// connection is found dead (a server restart) invalidate() retires every idle one, so the pool
// reconnects by itself once the server is back and never hands out a stale connection twice.
//
// A circuit breaker guards connecting: after a failed connect, callers that would need a new
// connection fail fast with `unavailable` instead of each waiting out the connect timeout
// against an unreachable (or black-holed) host; once the backoff has passed, one caller probes
// while the others keep failing fast, and the backoff doubles after each failed probe, capped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/driver.h"

namespace argus::store::sql {

class Pool;

// A borrowed connection, returned to the pool when destroyed.
class Lease {
 public:
  Lease() = default;
  Lease(Lease&& other) noexcept { *this = std::move(other); }
  Lease& operator=(Lease&& other) noexcept;
  ~Lease() { release(); }

  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }
  bool fresh() const noexcept { return fresh_; }  // opened for this lease
  void release() noexcept;

 private:
  friend class Pool;
  Pool* pool_ = nullptr;
  std::unique_ptr<Connection> connection_;
  std::uint64_t generation_ = 0;
  bool fresh_ = false;
};

struct BreakerOptions {
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{5000};
  std::function<std::chrono::steady_clock::time_point()> clock;  // null: steady_clock::now
};

// Not thread-safe: the pool calls it under its mutex.
class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Decision { kConnect, kProbe, kReject };

  explicit CircuitBreaker(BreakerOptions options);
  // kConnect when closed; kProbe for the one caller that may test an open breaker once the
  // backoff has passed; kReject otherwise (fail fast).
  Decision admit();
  // The outcome of a connect admitted as kConnect or kProbe.
  void record(Decision admitted, bool connected);
  bool is_open() const noexcept { return open_; }
  // How long until a probe may run (zero when closed or due).
  std::chrono::milliseconds retry_in() const;
  std::chrono::milliseconds backoff() const noexcept { return backoff_; }

 private:
  Clock::time_point now() const { return options_.clock ? options_.clock() : Clock::now(); }
  BreakerOptions options_;
  bool open_ = false;
  bool probing_ = false;
  std::chrono::milliseconds backoff_;
  Clock::time_point retry_at_{};
};

class Pool {
 public:
  Pool(Driver& driver, std::size_t max, std::chrono::milliseconds acquire_timeout,
       BreakerOptions breaker = {})
      : driver_(driver),
        max_(max == 0 ? 1 : max),
        acquire_timeout_(acquire_timeout),
        breaker_(std::move(breaker)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Result<Lease> acquire();
  // Retires idle connections and those currently leased (when they come back).
  void invalidate();
  std::size_t open_connections() const;
  bool breaker_open() const;

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Connection> connection, std::uint64_t generation) noexcept;
  Result<Lease> connect(std::unique_lock<std::mutex>& lock, Lease lease);

  Driver& driver_;
  const std::size_t max_;
  const std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
  std::uint64_t generation_ = 0;
  CircuitBreaker breaker_;
};

}  // namespace argus::store::sql
