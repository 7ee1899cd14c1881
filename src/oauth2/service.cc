#include "oauth2/service.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "oauth2/api.h"
#include "store/janitor.h"

namespace argus::oauth2 {
namespace trace = argus::trace;
using trace::Error;

// The periodic token purge (oauth2.token_purge_interval) on a thread of its own: it waits out
// the interval or a stop, so stopping never waits for a whole interval.
struct PurgeLoop {
  std::chrono::seconds interval{0};
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::atomic<bool> cancel{false};  // also ends a run between batches
  std::thread thread;
};

struct Service::Impl {
  ServiceDeps deps;
  std::unique_ptr<argus::store::Store> store;
  std::unique_ptr<ApiContext> api;
  std::shared_ptr<http::LogSwitch> log;
  std::unique_ptr<http::Server> server;
  int public_index = -1;
  int admin_index = -1;
  PurgeLoop purge;
};

namespace {

bool is_json(const std::string& format) {
  return format == "json" || format == "json_pretty";
}

// A sink that formats with a pattern of its own and hands the finished line on. spdlog keeps
// formatters in sinks, so two loggers that format differently cannot share one sink directly.
class PatternSink final : public spdlog::sinks::sink {
 public:
  PatternSink(std::shared_ptr<spdlog::sinks::sink> target, const std::string& pattern)
      : target_(std::move(target)),
        formatter_(pattern, spdlog::pattern_time_type::utc, std::string()) {}

  void log(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    {
      std::lock_guard lock(mutex_);
      formatter_.format(msg, line);
    }
    spdlog::details::log_msg done(msg.time, msg.source, msg.logger_name, msg.level,
                                  spdlog::string_view_t(line.data(), line.size()));
    target_->log(done);
  }
  void flush() override { target_->flush(); }
  void set_pattern(const std::string&) override {}  // fixed at construction
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

 private:
  std::shared_ptr<spdlog::sinks::sink> target_;
  std::mutex mutex_;
  spdlog::pattern_formatter formatter_;  // without end of line: the target adds it
};

// Ory's log.level names on spdlog's levels. spdlog's own from_str turns "fatal" and "panic",
// which it does not know, into "off".
spdlog::level::level_enum log_level(const std::string& name) {
  if (name == "fatal" || name == "panic") return spdlog::level::critical;
  return spdlog::level::from_str(name);  // trace, debug, info, warn, warning, error
}

// One logger per format over the same sink; the switch picks the one log.format names.
std::shared_ptr<http::LogSwitch> make_log(std::shared_ptr<spdlog::sinks::sink> sink,
                                          const argus::config::LogSettings& settings) {
  sink->set_pattern("%v");  // lines arrive formatted
  auto make = [&](bool json) {
    const char* pattern = json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n",%v})"
                               : "%Y-%m-%dT%H:%M:%S.%eZ %l %n: %v";
    auto logger =
        std::make_shared<spdlog::logger>("argus", std::make_shared<PatternSink>(sink, pattern));
    return http::LogOutput{std::move(logger), json};
  };
  auto log = std::make_shared<http::LogSwitch>(make(false), make(true), is_json(settings.format));
  log->set_level(log_level(settings.level));
  return log;
}

std::string normalized_issuer(const std::string& issuer) {
  std::string out = issuer.empty() ? "http://localhost:4444/" : issuer;
  if (out.back() != '/') out += '/';
  return out;
}

trace::Expected<std::unique_ptr<ApiContext>> make_api(const argus::config::Config& config,
                                                      argus::store::Store* store,
                                                      trace::Tracer& tracer,
                                                      const http::LogSwitch& log) {
  if (config.bcrypt_cost < BcryptHasher::kMinCost || config.bcrypt_cost > BcryptHasher::kMaxCost)
    return Error{Error::Code::invalid_config, "oauth2.hashers.bcrypt.cost must be in 4..31"};
  std::vector<std::string> secrets = config.secrets_system;
  if (secrets.empty()) {
    std::string ephemeral;
    if (!random_base64url(32, ephemeral)) return Error{Error::Code::internal, "CSPRNG failure"};
    secrets.push_back(std::move(ephemeral));
    http::log_message(log, spdlog::level::warn,
                      "secrets.system is not set: using a random secret; tokens will not survive a "
                      "restart");
  }
  auto codec = TokenCodec::create(std::move(secrets));
  if (!codec) return codec.error();
  // Timing equaliser for unknown clients: hashed once, without a span.
  auto dummy = BcryptHasher(config.bcrypt_cost, nullptr).hash("argus-timing-equaliser", {});
  if (!dummy) return dummy.error();
  return std::make_unique<ApiContext>(
      ApiContext{store, BcryptHasher(config.bcrypt_cost, &tracer), std::move(*codec),
                 config.access_token_ttl, normalized_issuer(config.issuer), std::move(*dummy)});
}

http::ServerOptions server_options(const argus::config::Config& config) {
  http::ServerOptions o;
  o.io_batching = config.serve_io_batching;
  o.idle_poll = config.serve_idle_poll;
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  o.io_threads = std::max<std::size_t>(1, cores / 2);
  o.worker_threads = std::max<std::size_t>(2, cores);
  return o;
}

void purge_once(Service::Impl& impl) {
  argus::store::PurgeOptions options;
  options.tracer = &impl.deps.tracer_provider->tracer("argus.janitor");
  options.cancel = &impl.purge.cancel;
  auto report = argus::store::purge_expired_tokens(*impl.store, options);
  if (report.error) {
    http::log_message(*impl.log, spdlog::level::warn,
                      "token purge failed after deleting " + std::to_string(report.deleted) +
                          " expired token(s): " + report.error->message);
  } else if (report.deleted > 0) {
    http::log_message(
        *impl.log, spdlog::level::info,
        "token purge deleted " + std::to_string(report.deleted) + " expired token(s)");
  }
}

void start_purge_loop(Service::Impl& impl) {
  if (impl.purge.interval.count() <= 0) return;
  impl.purge.thread = std::thread([&impl] {
    std::unique_lock lock(impl.purge.mutex);
    while (
        !impl.purge.cv.wait_for(lock, impl.purge.interval, [&] { return impl.purge.stopping; })) {
      lock.unlock();
      purge_once(impl);
      lock.lock();
    }
  });
}

void stop_purge_loop(Service::Impl& impl) {
  {
    std::lock_guard lock(impl.purge.mutex);
    impl.purge.stopping = true;
  }
  impl.purge.cancel = true;
  impl.purge.cv.notify_all();
  if (impl.purge.thread.joinable()) impl.purge.thread.join();
}

}  // namespace

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() {
  stop_purge_loop(*impl_);  // run() was never called, or returned already: both are fine
  if (impl_->server) {
    impl_->server->stop();
    impl_->server.reset();
  }
}

trace::Expected<std::unique_ptr<Service>> Service::create(const argus::config::Config& config,
                                                          ServeMode mode, ServiceDeps deps) {
  if (!deps.tracer_provider || !deps.propagator)
    return Error{Error::Code::invalid_argument,
                 "the service needs a tracer provider and propagator"};
  auto impl = std::make_unique<Impl>();
  impl->deps = deps;
  auto sink = deps.log_sink ? deps.log_sink : std::make_shared<spdlog::sinks::stderr_sink_mt>();
  impl->log = make_log(std::move(sink), config.log);
  impl->purge.interval = config.token_purge_interval;

  argus::store::StoreOptions store_options;
  store_options.tracer = &deps.tracer_provider->tracer("argus.store");
  store_options.migrate_on_open = deps.migrate_on_start || config.dsn == "memory";
  auto store = argus::store::open_store(config.dsn, store_options);
  if (!store) {
    auto code = store.error().code == argus::store::Error::Code::invalid
                    ? Error::Code::invalid_config
                    : Error::Code::unavailable;
    return Error{code, "cannot open the database: " + store.error().message};
  }
  impl->store = std::move(*store);
  auto api =
      make_api(config, impl->store.get(), deps.tracer_provider->tracer("argus.oauth2"), *impl->log);
  if (!api) return api.error();
  impl->api = std::move(*api);

  auto public_router = std::make_shared<http::Router>();
  add_token_routes(*public_router, *impl->api);
  add_metadata_routes(*public_router, *impl->api);
  add_health_routes(*public_router, *impl->api);
  auto admin_router = std::make_shared<http::Router>();
  add_client_routes(*admin_router, *impl->api, "/admin");
  add_client_routes(*admin_router, *impl->api, "");
  add_token_admin_routes(*admin_router, *impl->api);
  add_health_routes(*admin_router, *impl->api);
  add_version_route(*admin_router);

  std::vector<http::ListenerSpec> listeners;
  if (mode != ServeMode::kAdmin) {
    impl->public_index = static_cast<int>(listeners.size());
    listeners.push_back({config.serve_public.host, config.serve_public.port, public_router});
  }
  if (mode != ServeMode::kPublic) {
    impl->admin_index = static_cast<int>(listeners.size());
    listeners.push_back({config.serve_admin.host, config.serve_admin.port, admin_router});
  }
  http::ObserveOptions observe;
  observe.tracer = &deps.tracer_provider->tracer("argus.http");
  observe.propagator = deps.propagator;
  observe.span_name_is_route = config.tracing.span_name == "route";
  observe.skip_paths = config.tracing.skip_paths;
  observe.log = impl->log;
  auto server =
      http::Server::create(server_options(config), std::move(listeners), std::move(observe));
  if (!server) return server.error();
  impl->server = std::move(*server);
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

std::uint16_t Service::public_port() const {
  return impl_->public_index < 0 ? 0 : impl_->server->port(impl_->public_index);
}

std::uint16_t Service::admin_port() const {
  return impl_->admin_index < 0 ? 0 : impl_->server->port(impl_->admin_index);
}

void Service::run() {
  http::log_message(*impl_->log, spdlog::level::info, "serving");
  start_purge_loop(*impl_);
  impl_->server->run();
  stop_purge_loop(*impl_);
}

void Service::stop() {
  impl_->server->stop();
}

void Service::apply_live_settings(const argus::config::Config& config) {
  impl_->log->set_level(log_level(config.log.level));
  impl_->log->use_json(is_json(config.log.format));
}

}  // namespace argus::oauth2
