// `argus serve [all|public|admin]`: load and validate the configuration (exit 2 before anything
// listens on any error), set up tracing and logging, run the service (which migrates in --dev
// mode), and
// handle SIGHUP (live reload), SIGINT and SIGTERM (graceful stop) on a dedicated thread.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/live_config.h"
#include "cli/tracing_setup.h"
#include "config/render.h"
#include "config/schema.h"

#if ARGUS_HAVE_SERVICE
#include "oauth2/service.h"
#endif

namespace argus::cli {
namespace {

struct ServeArgs {
  ConfigFlags flags;
  std::string mode = "all";
};

void block_signals(sigset_t* set) {
  sigemptyset(set);
  for (int s : {SIGHUP, SIGINT, SIGTERM, SIGUSR2}) sigaddset(set, s);
  // Blocked before any thread starts, so every thread inherits the mask and only the signal
  // thread receives them (through sigwait).
  pthread_sigmask(SIG_BLOCK, set, nullptr);
}

#if ARGUS_HAVE_SERVICE
oauth2::ServeMode parse_mode(const std::string& mode) {
  if (mode == "public") return oauth2::ServeMode::kPublic;
  if (mode == "admin") return oauth2::ServeMode::kAdmin;
  return oauth2::ServeMode::kAll;
}

int run_service(const config::LoadOptions& options, config::Loaded loaded, TracingRuntime& tracing,
                const std::string& mode, const sigset_t& signals) {
  const config::Config& c = loaded.config;
  oauth2::ServiceDeps deps;
  deps.tracer_provider = &tracing.provider();
  deps.propagator = &tracing.propagator();
  deps.migrate_on_start = c.dev;  // --dev migrates the (SQLite file) database automatically
  auto service = oauth2::Service::create(c, parse_mode(mode), deps);
  if (!service) {
    std::cerr << "error: cannot start the service: " << service.error().message << "\n";
    return kExitFailure;
  }
  auto& svc = **service;
  std::cerr << "argus: serving " << mode << " (public port " << svc.public_port() << ", admin port "
            << svc.admin_port()
            << "); tracing: " << (c.tracing.provider.empty() ? "off" : c.tracing.provider) << "\n";
  LiveConfig live(options, std::move(loaded), &tracing);
  live.on_live_change = [&svc](const config::Config& now) { svc.apply_live_settings(now); };
  std::thread signal_thread([&] {
    while (true) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        auto report = live.reload();
        for (const auto& m : report.messages) std::cerr << "argus: " << m << "\n";
        continue;
      }
      if (sig == SIGINT || sig == SIGTERM) {
        std::cerr << "argus: stopping\n";
        svc.stop();
      }
      return;  // SIGUSR2: the service stopped by itself
    }
  });
  svc.run();
  pthread_kill(signal_thread.native_handle(), SIGUSR2);
  signal_thread.join();
  return kExitOk;
}
#endif

int run_serve(const ServeArgs& args) {
  sigset_t signals;
  block_signals(&signals);
  config::LoadOptions options;
  if (!make_load_options(args.flags, &options, std::cerr)) return kExitUsage;
  auto result = config::load(options);
  if (!result.ok()) return report_config_errors(result.errors, std::cerr);
  report_warnings(result.loaded->warnings, std::cerr);
  const config::Config& c = result.loaded->config;
  return run_traced(c.tracing, [&](TracingRuntime& tracing) {
#if ARGUS_HAVE_SERVICE
    return run_service(options, std::move(*result.loaded), tracing, args.mode, signals);
#else
    (void)tracing;
    std::cerr << "error: this build of argus has no OAuth2 service; `serve` cannot start\n";
    return kExitFailure;
#endif
  });
}

}  // namespace

void register_serve(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand(
      "serve", "Run the OAuth2 server: the public API, the admin API, or both (the default)");
  serve->add_option("MODE", args->mode, "Which APIs to serve")
      ->check(CLI::IsMember({"all", "public", "admin"}))
      ->capture_default_str();
  add_config_flags(serve, args->flags, true);
  serve->footer("\n" + config::render_debug_controls(config::Schema::embedded()));
  serve->callback([args, &exit_code] { exit_code = run_serve(*args); });
}

}  // namespace argus::cli
