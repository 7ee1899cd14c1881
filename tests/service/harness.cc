#include "service/harness.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace argus::service_test {
namespace trace = argus::trace;
using argus::store::testing::Backend;
using argus::store::testing::TestDatabase;

std::string Harness::skip_reason;

std::string Harness::backend_name() {
  const char* b = std::getenv("ARGUS_TEST_BACKEND");
  return b && *b ? b : "memory";
}

namespace {

std::optional<Backend> parse_backend(const std::string& name) {
  if (name == "memory") return Backend::kMemory;
  if (name == "sqlite") return Backend::kSqlite;
  if (name == "postgres") return Backend::kPostgres;
  if (name == "mariadb") return Backend::kMariadb;
  return std::nullopt;
}

}  // namespace

bool Harness::create_database() {
  auto backend = parse_backend(backend_name());
  if (!backend) {
    ADD_FAILURE() << "unknown ARGUS_TEST_BACKEND " << backend_name();
    return false;
  }
  if (*backend == Backend::kPostgres || *backend == Backend::kMariadb) {
    // Network back ends are required (not skipped) in the suite: the CTest fixture starts them.
    ::setenv("ARGUS_TEST_DB_DIR", ARGUS_SERVICE_DB_DIR, 0);
  }
  std::string why;
  auto db = TestDatabase::create(*backend, why);
  if (!db) {
    skip_reason = why;
    if (argus::store::testing::servers_required()) ADD_FAILURE() << why;
    return false;
  }
  db_.emplace(std::move(*db));
  dsn_ = db_->dsn();
  return true;
}

std::unique_ptr<Harness> Harness::start(HarnessOptions options) {
  std::unique_ptr<Harness> h(new Harness());
  if (!options.dsn.empty()) {
    h->dsn_ = options.dsn;  // a database the test manages itself
  } else if (!h->create_database()) {
    return nullptr;
  }

  auto exporter = std::make_unique<trace::InMemoryExporter>();
  h->spans_ = exporter->storage();
  trace::TracerProviderOptions provider_options;
  provider_options.resource.service_name = "argus-test";
  provider_options.processor = std::make_unique<trace::SimpleSpanProcessor>(std::move(exporter));
  auto provider = trace::TracerProvider::create(std::move(provider_options));
  if (!provider) {
    ADD_FAILURE() << provider.error().message;
    return nullptr;
  }
  h->provider_ = std::move(*provider);
  h->propagator_ = trace::make_default_propagator();

  h->log_stream_ = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*h->log_stream_, true);
  h->log_sink_ = sink;

  argus::config::Config config;
  config.serve_public = {"127.0.0.1", 0};
  config.serve_admin = {"127.0.0.1", 0};
  config.dsn = h->dsn_;
  config.secrets_system = options.secrets;
  config.bcrypt_cost = options.bcrypt_cost;
  config.log.format = options.log_format;
  config.log.level = options.log_level;
  config.tracing.skip_paths = options.skip_paths;
  config.tracing.span_name = options.span_name;
  config.token_purge_interval = options.token_purge_interval;
  argus::oauth2::ServiceDeps deps{h->provider_.get(), h->propagator_.get()};
  deps.migrate_on_start = true;
  deps.log_sink = sink;
  auto service = argus::oauth2::Service::create(config, argus::oauth2::ServeMode::kAll, deps);
  if (!service) {
    ADD_FAILURE() << "service did not start: " << service.error().message;
    return nullptr;
  }
  h->service_ = std::move(*service);
  h->thread_ = std::thread([s = h->service_.get()] { s->run(); });
  return h;
}

void Harness::stop_and_join() {
  if (!service_) return;
  service_->stop();
  if (thread_.joinable()) thread_.join();
}

Harness::~Harness() {
  stop_and_join();
  scan_for_secrets();
  service_.reset();
  if (provider_) provider_->shutdown();
}

std::string Harness::logs() const {
  // The ostream sink writes under its own mutex; flush through the logger is not needed since
  // force_flush=true was requested at construction.
  return log_stream_->str();
}

namespace {
std::mutex secrets_mutex;
std::vector<std::string>& secrets() {
  static std::vector<std::string> all;
  return all;
}

void append_value(std::string& out, const trace::AttributeValue& v) {
  switch (v.type()) {
    case trace::AttributeType::kString:
      out.append(v.as_string());
      break;
    case trace::AttributeType::kStringArray:
      for (const auto& s : v.string_array()) out.append(s).append("\n");
      break;
    default:
      break;
  }
  out += '\n';
}

void append_list(std::string& out, const trace::AttributeList& list) {
  for (const auto& a : list.items()) {
    out.append(a.key).append("=");
    append_value(out, a.value);
  }
}
}  // namespace

void remember_secret(const std::string& secret) {
  std::lock_guard lock(secrets_mutex);
  secrets().push_back(secret);
}

std::string span_text(const trace::SpanData& span) {
  std::string out = span.name + "\n" + span.status.message + "\n";
  append_list(out, span.attributes);
  for (const auto& e : span.events()) {
    out.append(e.name).append("\n");
    append_list(out, e.attributes);
  }
  for (const auto& l : span.links()) append_list(out, l.attributes);
  return out;
}

void Harness::scan_for_secrets() {
  if (!spans_) return;
  std::string exported;
  for (const auto& s : spans_->spans()) exported += span_text(s);
  std::string logged = log_stream_->str();
  std::lock_guard lock(secrets_mutex);
  for (const auto& secret : secrets()) {
    EXPECT_EQ(exported.find(secret), std::string::npos) << "a secret was exported in a span";
    EXPECT_EQ(logged.find(secret), std::string::npos) << "a secret was logged";
  }
}

std::string unique_id(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         trace::IdGenerator::new_span_id().to_hex().substr(0, 6);
}

}  // namespace argus::service_test
