// The database goes away under a running service (PostgreSQL and MariaDB): while it is down,
// API calls answer 503 with a JSON error within a bound instead of hanging; once it is back, the
// same process answers 200 again without a restart, and nothing attempted during the outage was
// half written. The server is a private throwaway one (scripts/db-servers.sh with a directory of
// its own), so stopping it cannot disturb tests that share the fixture's servers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "service/api_helpers.h"
#include "store/backends.h"

namespace argus::service_test {
namespace {
namespace json = boost::json;
using argus::store::testing::Backend;
using boost::beast::http::verb;
using namespace std::chrono_literals;

class DatabaseOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string backend = Harness::backend_name();
    if (backend != "postgres" && backend != "mariadb") GTEST_SKIP() << "needs a database server";
    backend_ = backend == "postgres" ? Backend::kPostgres : Backend::kMariadb;
    engine_ = backend;
    const char* env_dir = std::getenv("ARGUS_TEST_DB_DIR");
    dir_ = std::string(env_dir ? env_dir : ARGUS_SERVICE_DB_DIR) + "-outage/" + engine_;
    ASSERT_TRUE(servers("start")) << "cannot start the private " << engine_ << " server";
    auto admin = argus::store::testing::server_dsn(dir_, engine_);
    ASSERT_TRUE(admin);
    admin_ = *admin;
    database_ = "argus_o_" + std::to_string(std::random_device{}());
    ASSERT_EQ(argus::store::testing::admin_exec(backend_, admin_, "CREATE DATABASE " + database_),
              "");
    dsn_ = argus::store::testing::with_database(admin_, database_);
  }

  void TearDown() override {
    if (!database_.empty()) {
      (void)servers("start");
      std::string drop = "DROP DATABASE IF EXISTS " + database_;
      if (backend_ == Backend::kPostgres) drop += " WITH (FORCE)";
      (void)argus::store::testing::admin_exec(backend_, admin_, drop);
    }
    if (!dir_.empty()) (void)servers("stop");
  }

  bool servers(const std::string& command) {
    std::string line =
        "'" ARGUS_DB_SERVERS_SCRIPT "' " + command + " '" + dir_ + "' " + engine_ + " >/dev/null";
    return std::system(line.c_str()) == 0;
  }

  Backend backend_ = Backend::kPostgres;
  std::string engine_, dir_, admin_, database_, dsn_;
};

bool is_json_error(const HttpResult& r) {
  auto v = r.json();
  return v.is_object() && v.as_object().contains("error") &&
         v.as_object().contains("error_description");
}

TEST_F(DatabaseOutage, RequestsGet503QuicklyAndTheSameProcessRecovers) {
  HarnessOptions options;
  options.dsn = dsn_;
  auto h = Harness::start(options);
  ASSERT_NE(h, nullptr);
  std::string id = unique_id("outage");
  std::string secret = "outage-secret-" + id;
  remember_secret(secret);
  json::object body{{"client_id", id},
                    {"client_secret", secret},
                    {"grant_types", json::array{"client_credentials"}}};
  ASSERT_EQ(post_json(h->admin_port(), "/admin/clients", body).status, 201u);
  auto token_request = [&] {
    return post_form(h->public_port(), "/oauth2/token", "grant_type=client_credentials",
                     {{"Authorization", basic_auth(id, secret)}});
  };
  ASSERT_EQ(token_request().status, 200u);

  ASSERT_TRUE(servers("stop"));
  std::string lost = unique_id("lost");
  for (int round = 0; round < 3; ++round) {
    auto t = std::chrono::steady_clock::now();
    auto get = http_request(h->admin_port(), verb::get, "/admin/clients/" + id);
    EXPECT_LT(std::chrono::steady_clock::now() - t, 2s) << "GET, round " << round;
    EXPECT_EQ(get.status, 503u) << get.body;
    EXPECT_TRUE(is_json_error(get)) << get.body;

    t = std::chrono::steady_clock::now();
    auto create = post_json(h->admin_port(), "/admin/clients",
                            json::object{{"client_id", lost + "-" + std::to_string(round)}});
    EXPECT_LT(std::chrono::steady_clock::now() - t, 2s) << "POST, round " << round;
    EXPECT_EQ(create.status, 503u) << create.body;
    EXPECT_TRUE(is_json_error(create)) << create.body;

    t = std::chrono::steady_clock::now();
    auto token = token_request();
    EXPECT_LT(std::chrono::steady_clock::now() - t, 2s) << "token, round " << round;
    EXPECT_EQ(token.status, 503u) << token.body;
    EXPECT_TRUE(is_json_error(token)) << token.body;
  }
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/health/ready").status, 503u);

  ASSERT_TRUE(servers("start"));
  // Bounded poll: the pool reconnects once its breaker's backoff has passed.
  HttpResult back;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    back = http_request(h->admin_port(), verb::get, "/admin/clients/" + id);
    if (back.status != 503u) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(token_request().status, 200u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/health/ready").status, 200u);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(http_request(h->admin_port(), verb::get,
                           "/admin/clients/" + lost + "-" + std::to_string(round))
                  .status,
              404u)
        << "a create answered 503 must not have been written";
  }
  EXPECT_EQ(post_json(h->admin_port(), "/admin/clients", json::object{{"client_id", lost}}).status,
            201u);
}

}  // namespace
}  // namespace argus::service_test
