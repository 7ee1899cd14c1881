#include "store/pool.h"

namespace argus::store::sql {

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    generation_ = other.generation_;
    fresh_ = other.fresh_;
  }
  return *this;
}

void Lease::release() noexcept {
  if (pool_ != nullptr)
    std::exchange(pool_, nullptr)->give_back(std::move(connection_), generation_);
}

Result<Lease> Pool::acquire() {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  while (idle_.empty() && open_ >= max_) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= max_) {
      return Error{Error::Code::unavailable, "connection pool exhausted"};
    }
  }
  Lease lease;
  lease.pool_ = this;
  lease.generation_ = generation_;
  if (!idle_.empty()) {
    lease.connection_ = std::move(idle_.back());
    idle_.pop_back();
    return lease;
  }
  ++open_;
  lock.unlock();
  // Connect outside the lock: a slow server must not block callers that find idle connections.
  auto connection = driver_.connect();
  if (!connection) {
    lease.pool_ = nullptr;
    lock.lock();
    --open_;
    cv_.notify_one();
    return connection.error();
  }
  lease.connection_ = std::move(*connection);
  lease.fresh_ = true;
  return lease;
}

void Pool::give_back(std::unique_ptr<Connection> connection, std::uint64_t generation) noexcept {
  std::unique_ptr<Connection> discard;
  {
    std::lock_guard lock(mutex_);
    if (connection && !connection->broken() && generation == generation_) {
      idle_.push_back(std::move(connection));
    } else {
      discard = std::move(connection);
      --open_;
    }
  }
  cv_.notify_one();
  // `discard` closes here, outside the lock.
}

void Pool::invalidate() {
  std::vector<std::unique_ptr<Connection>> retired;
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    open_ -= idle_.size();
    retired.swap(idle_);
  }
  cv_.notify_all();
}

std::size_t Pool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace argus::store::sql
