#include "store/pool.h"

#include <algorithm>
#include <string>

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

CircuitBreaker::CircuitBreaker(BreakerOptions options)
    : options_(std::move(options)), backoff_(options_.initial_backoff) {}

CircuitBreaker::Decision CircuitBreaker::admit() {
  if (!open_) return Decision::kConnect;
  if (probing_ || now() < retry_at_) return Decision::kReject;
  probing_ = true;
  return Decision::kProbe;
}

void CircuitBreaker::record(Decision admitted, bool connected) {
  if (admitted == Decision::kProbe) probing_ = false;
  if (connected) {
    open_ = false;
    backoff_ = options_.initial_backoff;
    return;
  }
  if (admitted == Decision::kProbe) {
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  } else if (open_) {
    return;  // a connect that started before the breaker opened: already accounted for
  } else {
    open_ = true;
    backoff_ = options_.initial_backoff;
  }
  retry_at_ = now() + backoff_;
}

std::chrono::milliseconds CircuitBreaker::retry_in() const {
  if (!open_) return std::chrono::milliseconds(0);
  auto left = std::chrono::ceil<std::chrono::milliseconds>(retry_at_ - now());
  return std::max(left, std::chrono::milliseconds(0));
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
  return connect(lock, std::move(lease));
}

Result<Lease> Pool::connect(std::unique_lock<std::mutex>& lock, Lease lease) {
  auto admitted = breaker_.admit();
  if (admitted == CircuitBreaker::Decision::kReject) {
    lease.pool_ = nullptr;
    return Error{Error::Code::unavailable, "database unreachable: not reconnecting for another " +
                                               std::to_string(breaker_.retry_in().count()) + " ms"};
  }
  ++open_;
  lock.unlock();
  // Connect outside the lock: a slow server must not block callers that find idle connections.
  auto connection = driver_.connect();
  lock.lock();
  breaker_.record(admitted, connection.has_value());
  if (!connection) {
    lease.pool_ = nullptr;
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

bool Pool::breaker_open() const {
  std::lock_guard lock(mutex_);
  return breaker_.is_open();
}

}  // namespace argus::store::sql
