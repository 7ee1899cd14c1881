// Failing fast against an unreachable database: the circuit breaker on its own (manual clock),
// the pool with a scripted driver (fail fast while open, one probe at a time, idle connections
// still served, recovery), and the store against a loopback host that accepts TCP and never
// answers (first call bounded by the connect timeout, the next ones < 50 ms, recovery once a
// real server answers on that address).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "store/backends.h"
#include "store/dsn.h"
#include "store/pool.h"
#include "store/store.h"
#include "store/tcp_proxy.h"

namespace argus::store::testing {
namespace {
using namespace std::chrono_literals;
using sql::CircuitBreaker;
using Decision = CircuitBreaker::Decision;

struct ManualClock {
  CircuitBreaker::Clock::time_point now{std::chrono::seconds(1000)};
  std::function<CircuitBreaker::Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

TEST(CircuitBreaker, OpensOnFailureProbesOnceAndBacksOffToTheCap) {
  ManualClock clock;
  CircuitBreaker breaker({100ms, 350ms, clock.fn()});
  EXPECT_EQ(breaker.admit(), Decision::kConnect);
  breaker.record(Decision::kConnect, false);
  EXPECT_TRUE(breaker.is_open());
  EXPECT_EQ(breaker.admit(), Decision::kReject);
  EXPECT_EQ(breaker.retry_in(), 100ms);
  clock.now += 99ms;
  EXPECT_EQ(breaker.admit(), Decision::kReject);
  clock.now += 1ms;
  EXPECT_EQ(breaker.admit(), Decision::kProbe);
  EXPECT_EQ(breaker.admit(), Decision::kReject) << "one probe at a time";
  breaker.record(Decision::kProbe, false);
  EXPECT_EQ(breaker.backoff(), 200ms);
  clock.now += 199ms;
  EXPECT_EQ(breaker.admit(), Decision::kReject);
  clock.now += 1ms;
  ASSERT_EQ(breaker.admit(), Decision::kProbe);
  breaker.record(Decision::kProbe, false);
  EXPECT_EQ(breaker.backoff(), 350ms) << "capped";
  clock.now += 350ms;
  ASSERT_EQ(breaker.admit(), Decision::kProbe);
  breaker.record(Decision::kProbe, false);
  EXPECT_EQ(breaker.backoff(), 350ms);
  clock.now += 350ms;
  ASSERT_EQ(breaker.admit(), Decision::kProbe);
  breaker.record(Decision::kProbe, true);
  EXPECT_FALSE(breaker.is_open());
  EXPECT_EQ(breaker.admit(), Decision::kConnect);
  // A new outage starts again from the initial backoff.
  breaker.record(Decision::kConnect, false);
  EXPECT_EQ(breaker.backoff(), 100ms);
}

TEST(CircuitBreaker, LateFailuresOfConcurrentConnectsDoNotExtendTheBackoff) {
  ManualClock clock;
  CircuitBreaker breaker({100ms, 1s, clock.fn()});
  auto a = breaker.admit();
  auto b = breaker.admit();
  breaker.record(a, false);
  clock.now += 60ms;
  breaker.record(b, false);  // started before the breaker opened
  EXPECT_EQ(breaker.retry_in(), 40ms);
  EXPECT_EQ(breaker.backoff(), 100ms);
}

// A driver whose connects fail or succeed on demand, and can be held mid-connect.
class ScriptedDriver final : public sql::Driver {
 public:
  struct Conn final : sql::Connection {
    Result<sql::Rows> execute(const sql::Statement&, std::span<const sql::Param>) override {
      return sql::Rows{};
    }
    Result<void> execute_simple(std::string_view) override { return {}; }
    bool broken() const noexcept override { return false; }
  };

  const sql::ServerInfo& server() const noexcept override { return info_; }
  Result<std::unique_ptr<sql::Connection>> connect() override {
    std::unique_lock lock(mutex_);
    ++connects_;
    entered_.notify_all();
    cv_.wait_for(lock, 10s, [&] { return !hold_; });
    if (!reachable_) return Error{Error::Code::unavailable, "refused"};
    return std::unique_ptr<sql::Connection>(std::make_unique<Conn>());
  }
  std::string placeholder(int) const override { return "?"; }
  std::span<const sql::Migration> migrations() const noexcept override { return {}; }
  std::string_view create_migrations_table() const noexcept override { return ""; }

  void set_reachable(bool r) {
    std::lock_guard lock(mutex_);
    reachable_ = r;
  }
  void hold(bool h) {
    {
      std::lock_guard lock(mutex_);
      hold_ = h;
    }
    cv_.notify_all();
  }
  bool wait_for_connects(int n) {
    std::unique_lock lock(mutex_);
    return entered_.wait_for(lock, 10s, [&] { return connects_ >= n; });
  }
  int connects() {
    std::lock_guard lock(mutex_);
    return connects_;
  }

 private:
  sql::ServerInfo info_{"test", "db", "127.0.0.1", 1};
  std::mutex mutex_;
  std::condition_variable cv_, entered_;
  bool reachable_ = true;
  bool hold_ = false;
  int connects_ = 0;
};

TEST(PoolBreaker, FailsFastWhileOpenAndRecoversThroughOneProbe) {
  ManualClock clock;
  ScriptedDriver driver;
  sql::Pool pool(driver, 4, 1s, {100ms, 1s, clock.fn()});
  driver.set_reachable(false);
  auto first = pool.acquire();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, Error::Code::unavailable);
  EXPECT_TRUE(pool.breaker_open());
  for (int i = 0; i < 10; ++i) {
    auto r = pool.acquire();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Error::Code::unavailable);
    EXPECT_NE(r.error().message.find("not reconnecting"), std::string::npos);
  }
  EXPECT_EQ(driver.connects(), 1) << "no connect attempts while the breaker is open";
  EXPECT_EQ(pool.open_connections(), 0u);

  driver.set_reachable(true);
  clock.now += 100ms;
  driver.hold(true);
  auto probe = std::async(std::launch::async, [&] { return pool.acquire(); });
  ASSERT_TRUE(driver.wait_for_connects(2));
  auto meanwhile = pool.acquire();  // the probe is still connecting
  ASSERT_FALSE(meanwhile);
  EXPECT_EQ(driver.connects(), 2);
  driver.hold(false);
  auto probed = probe.get();
  ASSERT_TRUE(probed) << probed.error().message;
  EXPECT_FALSE(pool.breaker_open());
  auto another = pool.acquire();
  EXPECT_TRUE(another);
}

TEST(PoolBreaker, IdleConnectionsAreStillServedWhileOpen) {
  ManualClock clock;
  ScriptedDriver driver;
  sql::Pool pool(driver, 2, 1s, {100ms, 1s, clock.fn()});
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease);
  }  // back to idle
  driver.set_reachable(false);
  {
    auto held = pool.acquire();  // the idle one
    ASSERT_TRUE(held);
    auto second = pool.acquire();  // needs a connect: fails, opens the breaker
    ASSERT_FALSE(second);
  }
  EXPECT_TRUE(pool.breaker_open());
  auto again = pool.acquire();
  EXPECT_TRUE(again) << "the idle connection does not need the database to accept new ones";
}

TEST(ConnectTimeout, DsnParameterIsValidated) {
  for (const char* bad : {"soon", "0", "-1", "5h", "5x"}) {
    auto r = open_store(std::string("postgres://u@127.0.0.1:1/db?connect_timeout=") + bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Error::Code::invalid) << bad;
  }
  for (const char* good : {"5", "500ms", "2s", "1m"}) {
    EXPECT_TRUE(open_store(std::string("postgres://u@127.0.0.1:1/db?connect_timeout=") + good))
        << good;
    EXPECT_TRUE(open_store(std::string("mysql://u@127.0.0.1:1/db?timeout=") + good)) << good;
    EXPECT_TRUE(open_store(std::string("mysql://u@127.0.0.1:1/db?readTimeout=") + good +
                           "&writeTimeout=" + good))
        << good;
    EXPECT_TRUE(open_store(std::string("postgres://u@127.0.0.1:1/db?read_timeout=") + good))
        << good;
  }
  const std::pair<const char*, const char*> keys[] = {
      {"mysql", "readTimeout"}, {"mysql", "writeTimeout"}, {"postgres", "read_timeout"}};
  for (auto [scheme, key] : keys) {
    auto r = open_store(std::string(scheme) + "://u@127.0.0.1:1/db?" + key + "=soon");
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code, Error::Code::invalid);
    EXPECT_NE(r.error().message.find(key), std::string::npos) << r.error().message;
  }
}

TEST(ConnectTimeout, RefusedConnectionsAlsoOpenTheBreaker) {
  StoreOptions options;
  options.reconnect_backoff = 10s;
  auto store = open_store("postgres://u@127.0.0.1:1/db?sslmode=disable", options);
  ASSERT_TRUE(store);
  ASSERT_FALSE((*store)->ping());
  auto t = std::chrono::steady_clock::now();
  auto second = (*store)->ping();
  EXPECT_LT(std::chrono::steady_clock::now() - t, 50ms);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("not reconnecting"), std::string::npos)
      << second.error().message;
}

// --- against a host that accepts TCP and never answers -------------------------------------

class BlackHoleTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    auto db = TestDatabase::create(GetParam(), why);
    if (!db) {
      if (servers_required()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    db_.emplace(std::move(*db));
    {  // the schema, through the real server
      StoreOptions options;
      options.migrate_on_open = true;
      ASSERT_TRUE(open_store(db_->dsn(), options));
    }
    auto parsed = parse_dsn(db_->dsn());
    ASSERT_TRUE(parsed);
    proxy_ = std::make_unique<TcpProxy>(parsed->port);
    ASSERT_NE(proxy_->port(), 0);
  }

  // The test database's DSN with the proxy's port and a connect timeout.
  std::string proxied_dsn(const std::string& timeout) {
    std::string dsn = db_->dsn();
    auto parsed = parse_dsn(dsn);
    std::string from = ":" + std::to_string(parsed->port) + "/";
    dsn.replace(dsn.find(from), from.size(), ":" + std::to_string(proxy_->port()) + "/");
    return dsn + (dsn.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=" + timeout;
  }

  std::optional<TestDatabase> db_;
  std::unique_ptr<TcpProxy> proxy_;
};

TEST_P(BlackHoleTest, FirstCallTimesOutThenFailFastThenRecovers) {
  // MySQL's connector counts whole seconds.
  const bool mysql = GetParam() == Backend::kMariadb;
  const auto timeout = mysql ? std::chrono::milliseconds(1s) : std::chrono::milliseconds(400ms);
  StoreOptions options;
  options.reconnect_backoff = 1s;  // longer than the fail-fast loop below can take
  options.max_reconnect_backoff = 2s;
  auto opened = open_store(proxied_dsn(mysql ? "1" : "400ms"), options);
  ASSERT_TRUE(opened) << opened.error().message;
  auto& store = **opened;

  auto t0 = std::chrono::steady_clock::now();
  auto first = store.get_client("anyone");
  auto first_took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, Error::Code::unavailable) << first.error().message;
  EXPECT_GE(first_took, timeout - 50ms) << "it did wait for the server";
  EXPECT_LT(first_took, timeout + 1500ms) << "bounded by the connect timeout, not the OS's";
  EXPECT_EQ(proxy_->accepted(), 1);

  for (int i = 0; i < 5; ++i) {
    auto t = std::chrono::steady_clock::now();
    auto r = store.get_client("anyone");
    auto took = std::chrono::steady_clock::now() - t;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Error::Code::unavailable);
    EXPECT_LT(took, 50ms) << "call " << i << " while the breaker is open";
  }
  EXPECT_EQ(proxy_->accepted(), 1) << "no connect attempts while the breaker is open";

  // The database becomes reachable at the same address: the next probe gets through. Polled
  // with a bound: a probe still inside its connect timeout has to finish first.
  proxy_->set_forwarding(true);
  auto deadline = std::chrono::steady_clock::now() + timeout * 3 + 5s;
  Result<Client> got = Error{Error::Code::internal, "not tried"};
  while (std::chrono::steady_clock::now() < deadline) {
    got = store.get_client("anyone");
    if (got || got.error().code != Error::Code::unavailable) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Error::Code::not_found) << got.error().message;
  Client c;
  c.client_id = "after-the-outage";
  ASSERT_TRUE(store.create_client(c));
  EXPECT_TRUE(store.get_client("after-the-outage"));
}

// A server that stops answering on an established connection (hung, or a network that drops
// everything while the TCP connection stays up): the call fails once the DSN's read timeout
// passes (go-sql-driver's readTimeout for MySQL, read_timeout for PostgreSQL), not after the
// default of 30 s, and the store serves again once the server answers. Keepalives and
// tcp_user_timeout would not help here: they notice a host that vanished, not a server whose
// TCP stack still acknowledges.
using HungServerTest = BlackHoleTest;

TEST_P(HungServerTest, IsBoundedByTheReadTimeout) {
  proxy_->set_forwarding(true);
  StoreOptions options;
  options.reconnect_backoff = 1s;
  options.max_reconnect_backoff = 2s;
  const bool mysql = GetParam() == Backend::kMariadb;
  auto opened = open_store(
      proxied_dsn("1") + (mysql ? "&readTimeout=1s&writeTimeout=1s" : "&read_timeout=1s"), options);
  ASSERT_TRUE(opened) << opened.error().message;
  auto& store = **opened;
  Client c;
  c.client_id = "before-the-hang";
  ASSERT_TRUE(store.create_client(c));

  proxy_->set_stalled(true);
  auto t0 = std::chrono::steady_clock::now();
  auto hung = store.get_client("before-the-hang");
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, Error::Code::unavailable) << hung.error().message;
  EXPECT_GE(took, 1s - 50ms) << "it did wait for the server";
  EXPECT_LT(took, 10s) << "bounded by the read timeout (and a retry's connect timeout), not 30 s";

  proxy_->set_stalled(false);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  Result<Client> got = Error{Error::Code::internal, "not tried"};
  while (std::chrono::steady_clock::now() < deadline) {
    got = store.get_client("before-the-hang");
    if (got || got.error().code != Error::Code::unavailable) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->client_id, "before-the-hang");
}

INSTANTIATE_TEST_SUITE_P(Servers, BlackHoleTest,
                         ::testing::Values(Backend::kPostgres, Backend::kMariadb),
                         [](const auto& info) { return name(info.param); });
INSTANTIATE_TEST_SUITE_P(Servers, HungServerTest,
                         ::testing::Values(Backend::kPostgres, Backend::kMariadb),
                         [](const auto& info) { return name(info.param); });

}  // namespace
}  // namespace argus::store::testing
