#include "oauth2/service.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <thread>

#include "http/server.h"
#include "oauth2/api.h"

namespace argus::oauth2 {
namespace trace = argus::trace;
using trace::Error;

struct Service::Impl {
  ServiceDeps deps;
  std::unique_ptr<argus::store::Store> store;
  std::unique_ptr<ApiContext> api;
  std::shared_ptr<spdlog::logger> logger;
  std::unique_ptr<http::Server> server;
  int public_index = -1;
  int admin_index = -1;
  bool json_logs = false;
};

namespace {

void configure_logger(spdlog::logger& logger, const argus::config::LogSettings& log) {
  logger.set_level(spdlog::level::from_str(log.level));
  const char* pattern = log.format == "json"
                            ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n",%v})"
                            : "%Y-%m-%dT%H:%M:%S.%eZ %l %n: %v";
  logger.set_formatter(
      std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc));
}

// A log message that is valid in both formats (a JSON fragment in JSON mode).
void log_message(spdlog::logger& logger, bool json, spdlog::level::level_enum level,
                 std::string_view msg) {
  if (json) {
    std::string escaped;
    for (char c : msg) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    logger.log(level, "\"msg\":\"{}\"", escaped);
  } else {
    logger.log(level, "{}", msg);
  }
}

std::string normalized_issuer(const std::string& issuer) {
  std::string out = issuer.empty() ? "http://localhost:4444/" : issuer;
  if (out.back() != '/') out += '/';
  return out;
}

trace::Expected<std::unique_ptr<ApiContext>> make_api(const argus::config::Config& config,
                                                      argus::store::Store* store,
                                                      trace::Tracer& tracer, spdlog::logger& logger,
                                                      bool json) {
  if (config.bcrypt_cost < BcryptHasher::kMinCost || config.bcrypt_cost > BcryptHasher::kMaxCost)
    return Error{Error::Code::invalid_config, "oauth2.hashers.bcrypt.cost must be in 4..31"};
  std::vector<std::string> secrets = config.secrets_system;
  if (secrets.empty()) {
    std::string ephemeral;
    if (!random_base64url(32, ephemeral)) return Error{Error::Code::internal, "CSPRNG failure"};
    secrets.push_back(std::move(ephemeral));
    log_message(logger, json, spdlog::level::warn,
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

http::ServerOptions server_options() {
  http::ServerOptions o;
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  o.io_threads = std::max<std::size_t>(1, cores / 2);
  o.worker_threads = std::max<std::size_t>(2, cores);
  return o;
}

}  // namespace

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() {
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
  impl->logger = std::make_shared<spdlog::logger>("argus", sink);
  configure_logger(*impl->logger, config.log);
  bool json = config.log.format == "json";
  impl->json_logs = json;

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
  auto api = make_api(config, impl->store.get(), deps.tracer_provider->tracer("argus.oauth2"),
                      *impl->logger, json);
  if (!api) return api.error();
  impl->api = std::move(*api);

  auto public_router = std::make_shared<http::Router>();
  add_token_routes(*public_router, *impl->api);
  add_metadata_routes(*public_router, *impl->api);
  add_health_routes(*public_router, *impl->api);
  auto admin_router = std::make_shared<http::Router>();
  add_client_routes(*admin_router, *impl->api, "/admin");
  add_client_routes(*admin_router, *impl->api, "");
  add_introspection_routes(*admin_router, *impl->api);
  add_health_routes(*admin_router, *impl->api);

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
  observe.logger = impl->logger;
  observe.json_logs = json;
  auto server = http::Server::create(server_options(), std::move(listeners), std::move(observe));
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
  log_message(*impl_->logger, impl_->json_logs, spdlog::level::info, "serving");
  impl_->server->run();
  impl_->deps.tracer_provider->force_flush(std::chrono::seconds(5));
}

void Service::stop() {
  impl_->server->stop();
}

void Service::apply_live_settings(const argus::config::Config& config) {
  // The format is fixed at start (request lines are built for it); the level is live.
  impl_->logger->set_level(spdlog::level::from_str(config.log.level));
}

}  // namespace argus::oauth2
