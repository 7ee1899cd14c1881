// `argus serve` end to end: it starts on a configuration file, SIGHUP applies live settings and
// reports the others as needing a restart, a broken reload changes nothing, SIGTERM stops it.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "cli/child.h"
#include "config/test_files.h"

namespace argus::testing {
namespace {

using namespace std::chrono_literals;

unsigned short free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(
      ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

std::string config_text(unsigned short pub, unsigned short admin, const std::string& ratio,
                        const std::string& level, const std::string& service) {
  return "serve:\n  public:\n    host: 127.0.0.1\n    port: " + std::to_string(pub) +
         "\n  admin:\n    host: 127.0.0.1\n    port: " + std::to_string(admin) +
         "\nlog:\n  level: " + level +
         "\ntracing:\n  provider: zipkin\n  service_name: " + service +
         "\n  providers:\n    zipkin:\n      server_url: http://127.0.0.1:9/api/v2/spans\n"
         "      sampling:\n        sampling_ratio: " +
         ratio + "\n";
}

TEST(ArgusServe, SighupReloadsLiveSettingsAndSigtermStops) {
  TempDir dir;
  unsigned short pub = free_port(), admin = free_port();
  std::string file = dir.write("argus.yaml", config_text(pub, admin, "0", "info", "before"));
  Child child({ARGUS_BIN, "serve", "all", "-c", file},
              {{"SECRETS_SYSTEM", "0123456789abcdef-test-secret"}, {"DSN", "memory"}});
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(child.wait_for("argus: serving all", 60s)) << child.stderr_text();

  dir.write("argus.yaml", config_text(pub, admin, "1", "debug", "after"));
  std::size_t mark = child.stderr_text().size();
  child.signal(SIGHUP);
  ASSERT_TRUE(
      child.wait_for("reload: tracing.providers.zipkin.sampling.sampling_ratio applied", 30s, mark))
      << child.stderr_text();
  EXPECT_NE(child.stderr_text().find("reload: log.level applied", mark), std::string::npos);
  EXPECT_NE(child.stderr_text().find(
                "reload: tracing.service_name changed; it takes effect after a restart", mark),
            std::string::npos)
      << child.stderr_text();

  dir.write("argus.yaml", "tracing:\n  provider: [oops\n");
  mark = child.stderr_text().size();
  child.signal(SIGHUP);
  ASSERT_TRUE(child.wait_for("reload: rejected; the running configuration is unchanged", 30s, mark))
      << child.stderr_text();
  EXPECT_NE(child.stderr_text().find("YAML syntax error", mark), std::string::npos);

  child.signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(60s), 0) << child.stderr_text();
}

}  // namespace
}  // namespace argus::testing
