// A bounded connection pool. Connections are opened lazily up to `max`; a caller waits at most
// `acquire_timeout` for a free one. Broken connections are discarded on return, and when one
// connection is found dead (a server restart) invalidate() retires every idle one, so the pool
// reconnects by itself once the server is back and never hands out a stale connection twice.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
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

class Pool {
 public:
  Pool(Driver& driver, std::size_t max, std::chrono::milliseconds acquire_timeout)
      : driver_(driver), max_(max == 0 ? 1 : max), acquire_timeout_(acquire_timeout) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Result<Lease> acquire();
  // Retires idle connections and those currently leased (when they come back).
  void invalidate();
  std::size_t open_connections() const;

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Connection> connection, std::uint64_t generation) noexcept;

  Driver& driver_;
  const std::size_t max_;
  const std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
  std::uint64_t generation_ = 0;
};

}  // namespace argus::store::sql
