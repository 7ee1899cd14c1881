// Running the service over time: log.format and log.level switch live (what SIGHUP applies),
// and the periodic purge (oauth2.token_purge_interval) deletes expired tokens in traced batches
// while keeping valid ones.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <thread>

#include "service/api_helpers.h"
#include "store/store.h"

namespace argus::service_test {
namespace {
using boost::beast::http::verb;
using namespace std::chrono_literals;

// The request log line for `path`, or "".
std::string line_for(const std::string& logs, const std::string& path) {
  std::size_t pos = 0;
  while (pos < logs.size()) {
    auto end = logs.find('\n', pos);
    std::string line = logs.substr(pos, end - pos);
    pos = end == std::string::npos ? logs.size() : end + 1;
    if (line.find(path) != std::string::npos) return line;
  }
  return "";
}

bool is_json_object(const std::string& line) {
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  return !ec && v.is_object();
}

TEST(ServiceLive, LogFormatAndLevelSwitchWithoutRestart) {
  START_HARNESS(h);
  // A request for an unknown client, logged under the settings in force; returns its path.
  auto request = [&](const std::string& label) {
    std::string path = "/admin/clients/" + unique_id(label);
    EXPECT_EQ(http_request(h->admin_port(), verb::get, path).status, 404u);
    return path;
  };
  argus::config::Config config;
  std::string first = request("text");

  config.log.format = "json";
  h->service().apply_live_settings(config);
  std::string second = request("json");

  config.log.format = "text";
  config.log.level = "error";  // request lines are info: none now
  h->service().apply_live_settings(config);
  std::string third = request("quiet");

  config.log.level = "info";
  h->service().apply_live_settings(config);
  std::string fourth = request("back");

  h->stop_and_join();
  std::string logs = h->logs();
  std::string text_line = line_for(logs, first);
  ASSERT_NE(text_line, "") << logs;
  EXPECT_FALSE(is_json_object(text_line)) << text_line;
  EXPECT_NE(text_line.find("GET " + first + " 404"), std::string::npos) << text_line;
  std::string json_line = line_for(logs, second);
  ASSERT_NE(json_line, "") << logs;
  ASSERT_TRUE(is_json_object(json_line)) << json_line;
  auto v = boost::json::parse(json_line).as_object();
  EXPECT_EQ(v.at("url.path").as_string(), second);
  EXPECT_EQ(v.at("level").as_string(), "info");
  EXPECT_EQ(line_for(logs, third), "") << "log.level=error must silence request lines";
  std::string back = line_for(logs, fourth);
  ASSERT_NE(back, "") << logs;
  EXPECT_FALSE(is_json_object(back)) << back;
}

// A request path is bytes; the JSON log line stays JSON (invalid UTF-8 becomes U+FFFD, as in
// the span) and shows the path's quotes and backslashes escaped.
TEST(ServiceLive, JsonRequestLinesStayJsonWhateverThePathHolds) {
  HarnessOptions options;
  options.log_format = "json";
  START_HARNESS(h, options);
  std::string id = unique_id("bytes");
  std::string raw =
      "GET /admin/clients/" + id + "\xff\xfe HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n";
  std::string reply = raw_exchange(h->admin_port(), raw, 5s);
  EXPECT_NE(reply.find(" 400 "), std::string::npos) << reply;
  std::string quoted = "/admin/clients/" + id + "-a\"b\\";
  EXPECT_EQ(http_request(h->admin_port(), verb::get, quoted).status, 404u);
  h->stop_and_join();

  std::string logs = h->logs();
  std::string line = line_for(logs, id + "\xef\xbf\xbd\xef\xbf\xbd");
  ASSERT_NE(line, "") << logs;
  ASSERT_TRUE(is_json_object(line)) << line;
  EXPECT_EQ(boost::json::parse(line).at("url.path").as_string(),
            "/admin/clients/" + id + "\xef\xbf\xbd\xef\xbf\xbd");
  line = line_for(logs, id + "-a");
  ASSERT_TRUE(is_json_object(line)) << line;
  EXPECT_EQ(boost::json::parse(line).at("url.path").as_string(), quoted);
}

TEST(ServicePurge, PeriodicPurgeDeletesExpiredTokens) {
  if (Harness::backend_name() == "memory") GTEST_SKIP() << "needs a database a test can share";
  HarnessOptions options;
  options.token_purge_interval = 1s;
  START_HARNESS(h, options);
  auto opened = argus::store::open_store(h->dsn());
  ASSERT_TRUE(opened) << opened.error().message;
  auto& store = **opened;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  constexpr int kExpired = 120;  // more than one batch of 100
  for (int i = 0; i < kExpired; ++i) {
    argus::store::AccessToken t;
    t.signature = "purge-expired-" + std::to_string(i);
    t.client_id = "purge-client";
    t.issued_at = now - 7200;
    t.expires_at = now - 3600;
    ASSERT_TRUE(store.insert_token(t));
  }
  argus::store::AccessToken live;
  live.signature = "purge-live";
  live.client_id = "purge-client";
  live.issued_at = now;
  live.expires_at = now + 3600;
  ASSERT_TRUE(store.insert_token(live));

  // Polls (bounded) for the last expired token to go; the interval is one second.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    gone = !store.get_token("purge-expired-" + std::to_string(kExpired - 1));
    if (!gone) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(gone) << "the periodic purge did not run within 20 s";
  for (int i = 0; i < kExpired; ++i)
    EXPECT_FALSE(store.get_token("purge-expired-" + std::to_string(i))) << i;
  EXPECT_TRUE(store.get_token("purge-live"));

  h->stop_and_join();
  auto batches = h->spans().find("janitor.batch");
  std::int64_t deleted = 0;
  for (const auto& b : batches) {
    auto* d = b.attributes.find("janitor.deleted");
    if (d) deleted += d->as_int();
  }
  EXPECT_EQ(deleted, kExpired);
  EXPECT_GE(batches.size(), 2u) << "120 rows take two batches of at most 100";
  EXPECT_FALSE(h->spans().find("janitor.purge_tokens").empty());
}

}  // namespace
}  // namespace argus::service_test
