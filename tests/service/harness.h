// Runs a real argus Service on ephemeral loopback ports for one test: tracing into an in-memory
// exporter (synchronously, so spans are visible as soon as a request is answered), logs into a
// string, storage on the back end named by ARGUS_TEST_BACKEND (memory, sqlite, postgres,
// mariadb; default memory) with a database of its own.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "argus/trace/trace.h"
#include "config/config.h"
#include "oauth2/service.h"
#include "store/backends.h"

namespace argus::service_test {

struct HarnessOptions {
  std::uint32_t bcrypt_cost = 4;
  std::string log_format = "text";
  std::string log_level = "info";
  std::vector<std::string> skip_paths{"/health/*"};
  std::string span_name = "path";
  std::vector<std::string> secrets{"a-system-secret-of-32-characters"};
  std::chrono::seconds token_purge_interval{0};
  std::string dsn;  // empty: a fresh database on the ARGUS_TEST_BACKEND back end
};

class Harness {
 public:
  // Fails the current test (and returns null) when the service cannot start; skips when the
  // back end is not configured.
  static std::unique_ptr<Harness> start(HarnessOptions options = {});
  ~Harness();

  std::uint16_t admin_port() const { return service_->admin_port(); }
  std::uint16_t public_port() const { return service_->public_port(); }
  argus::trace::InMemoryExporter::Storage& spans() { return *spans_; }
  std::string logs() const;
  const std::string& dsn() const { return dsn_; }
  argus::oauth2::Service& service() { return *service_; }
  void stop_and_join();
  // Fails the current test if a remembered secret was exported or logged.
  void scan_for_secrets();

  static std::string backend_name();
  static std::string skip_reason;

 private:
  Harness() = default;
  bool create_database();
  std::optional<argus::store::testing::TestDatabase> db_;
  std::string dsn_;
  std::shared_ptr<argus::trace::InMemoryExporter::Storage> spans_;
  std::unique_ptr<argus::trace::TracerProvider> provider_;
  std::unique_ptr<argus::trace::Propagator> propagator_;
  std::shared_ptr<std::ostringstream> log_stream_;
  std::shared_ptr<void> log_sink_;
  std::unique_ptr<argus::oauth2::Service> service_;
  std::thread thread_;
};

// Registers a secret, token or Authorization value a test used: every Harness, when it ends,
// fails the test if any of them appears in an exported span or a log line.
void remember_secret(const std::string& secret);
// Every string in a span (name, attribute values, events, links, status message), joined.
std::string span_text(const argus::trace::SpanData& span);

// A client id no other test (or earlier run against a shared server) uses.
std::string unique_id(const std::string& prefix);

// In a test body: starts a harness named `h`, or skips the test when its back end is not
// available (and fails it when starting failed for another reason).
#define START_HARNESS(h, ...)                                                 \
  auto h = Harness::start(__VA_ARGS__);                                       \
  if (!h) {                                                                   \
    if (!::testing::Test::HasFailure()) GTEST_SKIP() << Harness::skip_reason; \
    return;                                                                   \
  }

}  // namespace argus::service_test
