// A database server restarted under the store: calls fail fast with `unavailable` while it is
// down, and the pool reconnects by itself when it is back (once the breaker's backoff has
// passed). Each test gets a private server (its own data directory and port), so stopping it
// cannot disturb tests running in parallel.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/backends.h"
#include "store/store.h"

namespace argus::store::testing {
namespace {

class RestartTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("ARGUS_TEST_DB_DIR");
    if (dir == nullptr) GTEST_SKIP() << "database servers not configured (ARGUS_TEST_DB_DIR)";
    engine_ = GetParam() == Backend::kPostgres ? "postgres" : "mariadb";
    script_ = ARGUS_DB_SERVERS_SCRIPT;
    // A private server per test, so two restart tests running in parallel stay independent.
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test.begin(), test.end(), '/', '-');
    dir_ = std::string(dir) + "-restart/" + test;
    ASSERT_TRUE(servers("start")) << "cannot start the private " << engine_ << " server";
    auto admin = server_dsn(dir_, engine_);
    ASSERT_TRUE(admin);
    admin_ = *admin;
    // The private server's data outlives a run; each test starts on an empty database.
    database_ = "argus_r_" + std::to_string(std::random_device{}());
    auto error = admin_exec(GetParam(), admin_, "CREATE DATABASE " + database_);
    ASSERT_EQ(error, "");
    auto dsn = with_database(admin_, database_);
    StoreOptions options;
    options.migrate_on_open = true;
    options.max_connections = 4;
    options.connect_timeout = std::chrono::seconds(2);
    auto store = open_store(dsn, options);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    if (!database_.empty()) {
      (void)servers("start");
      std::string drop = "DROP DATABASE IF EXISTS " + database_;
      if (GetParam() == Backend::kPostgres) drop += " WITH (FORCE)";
      (void)admin_exec(GetParam(), admin_, drop);
    }
    if (!dir_.empty()) (void)servers("stop");
  }

  bool servers(const std::string& command) {
    std::string line =
        "'" + script_ + "' " + command + " '" + dir_ + "' " + engine_ + " >/dev/null";
    return std::system(line.c_str()) == 0;
  }

  // Polls (bounded by the breaker's backoff cap and then some) until a ping succeeds.
  bool recovers() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (store_->ping()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Fills the pool with several idle connections, all of which the restart will kill.
  void warm_pool() {
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store_->ping());
  }

  std::string script_, dir_, engine_, admin_, database_;
  std::unique_ptr<Store> store_;
};

TEST_P(RestartTest, StaleConnectionsAreReplacedAfterARestart) {
  Client c;
  c.client_id = "before-restart";
  ASSERT_TRUE(store_->create_client(c));
  warm_pool();
  ASSERT_TRUE(servers("stop"));
  ASSERT_TRUE(servers("start"));
  // The pooled connection died with the old server; the store retries once on a new one.
  auto got = store_->get_client("before-restart");
  ASSERT_TRUE(got) << got.error().message;
  c.client_id = "after-restart";
  auto created = store_->create_client(c);
  ASSERT_TRUE(created) << created.error().message;
}

TEST_P(RestartTest, CallsFailFastWhileDownAndRecoverWithoutHelp) {
  Client c;
  c.client_id = "survivor";
  ASSERT_TRUE(store_->create_client(c));
  warm_pool();
  ASSERT_TRUE(servers("stop"));

  // Refused connections come back at once; the bound is generous, a hang would exceed it.
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    auto ping = store_->ping();
    ASSERT_FALSE(ping);
    EXPECT_EQ(ping.error().code, Error::Code::unavailable) << ping.error().message;
    auto get = store_->get_client("survivor");
    ASSERT_FALSE(get);
    EXPECT_EQ(get.error().code, Error::Code::unavailable) << get.error().message;
    c.client_id = "written-while-down-" + std::to_string(i);
    auto created = store_->create_client(c);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, Error::Code::unavailable);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  ASSERT_TRUE(servers("start"));
  // The breaker opened during the outage: the store reconnects once its backoff has passed.
  EXPECT_TRUE(recovers());
  auto got = store_->get_client("survivor");
  ASSERT_TRUE(got) << got.error().message;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(store_->get_client("written-while-down-" + std::to_string(i)).error().code,
              Error::Code::not_found);
  }
}

// Worker threads keep calling while the server goes away and comes back: every call either
// succeeds or fails with `unavailable` (nothing else, no crash), each worker sees the outage, and
// each recovers on its own. Waits are condition variables with timeouts, loops are bounded.
TEST_P(RestartTest, ConcurrentCallersRideOutARestart) {
  constexpr int kWorkers = 3;
  // Calls fail in microseconds while the breaker is open, so the count bound is generous; the
  // time bound below ends the loops too.
  constexpr int kMaxCallsPerWorker = 2000000;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(150);
  Client seed;
  seed.client_id = "seed";
  ASSERT_TRUE(store_->create_client(seed));
  std::mutex mutex;
  std::condition_variable cv;
  int saw_outage = 0, recovered = 0, unexpected = 0;
  bool restarted = false, stop = false;
  std::vector<std::string> written;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      bool outage = false, back = false;
      for (int i = 0; i < kMaxCallsPerWorker; ++i) {
        {
          std::lock_guard lock(mutex);
          if (stop || std::chrono::steady_clock::now() > give_up) return;
        }
        Client c;
        c.client_id = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto get = store_->get_client("seed");
        auto created = store_->create_client(c);
        // A client's pause before retrying, so failing-fast callers leave the CPU to the restart.
        if (!get || !created) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::lock_guard lock(mutex);
        for (const Error* e :
             {get ? nullptr : &get.error(), created ? nullptr : &created.error()}) {
          if (e != nullptr && e->code != Error::Code::unavailable) ++unexpected;
        }
        if (created) written.push_back(c.client_id);
        if (!get && !outage) {
          outage = true;
          ++saw_outage;
          cv.notify_all();
        }
        if (get && created && restarted && outage && !back) {
          back = true;
          ++recovered;
          cv.notify_all();
        }
      }
    });
  }
  ASSERT_TRUE(servers("stop"));
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(
        cv.wait_for(lock, std::chrono::seconds(60), [&] { return saw_outage == kWorkers; }));
  }
  ASSERT_TRUE(servers("start"));
  {
    std::unique_lock lock(mutex);
    restarted = true;
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return recovered == kWorkers; }));
    stop = true;
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(unexpected, 0);
  // Every create reported as done is really there.
  for (const auto& id : written) EXPECT_TRUE(store_->get_client(id)) << id;
}

INSTANTIATE_TEST_SUITE_P(Servers, RestartTest,
                         ::testing::Values(Backend::kPostgres, Backend::kMariadb),
                         [](const auto& info) { return name(info.param); });

}  // namespace
}  // namespace argus::store::testing
