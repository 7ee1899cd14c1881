// The argus service: Hydra-compatible public (token, revocation, metadata, health) and admin
// (clients, introspection, health) APIs served over HTTP, every request traced end to end. The
// CLI builds the tracer provider and propagator from the configuration and hands them in.
#pragma once

#include <spdlog/sinks/sink.h>

#include <cstdint>
#include <memory>

#include "argus/trace/expected.h"
#include "argus/trace/propagation.h"
#include "argus/trace/tracer.h"
#include "config/config.h"

namespace argus::oauth2 {

enum class ServeMode { kAll, kPublic, kAdmin };

struct ServiceDeps {
  argus::trace::TracerProvider* tracer_provider;  // never null (may be the no-op provider)
  const argus::trace::Propagator* propagator;     // never null
  // Apply pending SQL migrations when opening the store (`--dev`); the memory DSN always does.
  bool migrate_on_start = false;
  // Where log lines go; null: standard error.
  std::shared_ptr<spdlog::sinks::sink> log_sink = nullptr;
};

class Service {
 public:
  static argus::trace::Expected<std::unique_ptr<Service>> create(
      const argus::config::Config& config, ServeMode mode, ServiceDeps deps);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The bound ports (0 when that API is not served in this mode).
  std::uint16_t public_port() const;
  std::uint16_t admin_port() const;
  // Blocks until stop(): serves on its own I/O threads until the last in-flight request is
  // answered. Exporting the remaining spans is the tracer provider's owner's job (its shutdown),
  // so a collector that is down costs the process one shutdown budget, not two.
  void run();
  // Thread-safe and graceful: stop accepting, finish in-flight requests, flush spans.
  void stop();
  // Settings that can change without a restart: log level and format.
  void apply_live_settings(const argus::config::Config& config);

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace argus::oauth2
