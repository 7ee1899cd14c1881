// The HTTP/1.1 server: Boost.Beast over Asio, one or more listeners each with its own router,
// keep-alive, bounded headers (431) and bodies (413), idle and read timeouts, a connection
// limit, and graceful shutdown (stop accepting, finish in-flight requests, then return from
// run()). Handlers run on a separate worker pool so I/O threads never block on bcrypt or SQL: the
// I/O threads only run the reactor, each connection is served on a strand of the worker pool,
// and CPU-heavy (bcrypt) handlers run on a third pool so they cannot queue ahead of the rest.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "argus/trace/expected.h"
#include "http/observe.h"
#include "http/router.h"

namespace argus::http {

struct ServerOptions {
  std::size_t io_threads = 1;
  std::size_t worker_threads = 2;
  std::size_t cpu_heavy_threads = 0;  // Execution::kCpuHeavy handlers; 0: one per core, at least 2
  std::size_t max_connections = 1024;
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60000};  // waiting for the next request
  std::chrono::milliseconds read_timeout{10000};  // from its first byte to the full body
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds shutdown_timeout{10000};  // in-flight requests after stop()
  // The I/O threads stop polling while every worker has a request queued, and hand over what
  // arrived meanwhile in one batch (see http/worker_backlog.h): fewer context switches when the
  // server has its cores to itself.
  bool io_batching = false;
  // After its last handler an I/O or worker thread keeps polling this long before it blocks
  // (see http/idle_poll.h); zero blocks at once.
  std::chrono::nanoseconds idle_poll{20000};
};

struct ListenerSpec {
  std::string host;        // empty: all interfaces
  std::uint16_t port = 0;  // 0: ephemeral
  std::shared_ptr<const Router> router;
};

namespace detail {
struct ServerCore;
}

class Server {
 public:
  // Binds every listener (so ports are known before run()).
  static argus::trace::Expected<std::unique_ptr<Server>> create(ServerOptions options,
                                                                std::vector<ListenerSpec> listeners,
                                                                ObserveOptions observe);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port(std::size_t listener) const;
  // Serves until stop() and every connection has closed (or the shutdown timeout passed).
  void run();
  // Thread-safe, idempotent, callable before or during run().
  void stop();
  std::size_t open_connections() const;

 private:
  explicit Server(std::unique_ptr<detail::ServerCore> core);
  std::unique_ptr<detail::ServerCore> core_;
};

}  // namespace argus::http
