// Private state shared by the server's lifecycle code (server.cc) and its connection coroutine
// (session.cc). Sockets and timers belong to the io_context, whose threads only run the reactor;
// each connection's coroutine runs on a strand of the worker pool, so a request is parsed,
// handled and answered on one worker without further hand-offs. Teardown order matters: see
// ~Server and the member order below.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "http/idle_poll.h"
#include "http/server.h"
#include "http/worker_backlog.h"

namespace argus::http::detail {

using PoolExecutor = CountedExecutor<WorkerPool::executor_type>;
using SessionStrand = boost::asio::strand<PoolExecutor>;
// Concrete executor types rather than any_io_executor: no type-erased copies per operation.
using IoExecutor = boost::asio::io_context::executor_type;
using IoSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, IoExecutor>;
using IoTimer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, IoExecutor>;

// One connection's state. Everything but `socket`'s reactor registration is touched only on
// `strand`.
struct SessionState {
  SessionState(IoSocket s, SessionStrand st)
      : socket(std::move(s)), timer(socket.get_executor()), strand(std::move(st)) {}
  IoSocket socket;
  // A lazy deadline timer: I/O moves `deadline`, the timer re-arms itself when it fires early, so
  // a request on a kept-alive connection normally costs no timer operation at all.
  IoTimer timer;
  SessionStrand strand;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point armed_for{};  // the timer's expiry while armed
  unsigned timer_generation = 0;                      // stale wake-ups are ignored
  bool timer_armed = false;
  bool timed_out = false;
  bool idle = true;
  bool finished = false;
};

struct Listener {
  std::shared_ptr<const Router> router;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
  std::uint16_t port = 0;
};

inline std::size_t cpu_heavy_threads(const ServerOptions& options) {
  if (options.cpu_heavy_threads) return options.cpu_heavy_threads;
  return std::max<std::size_t>(2, std::thread::hardware_concurrency());
}

struct ServerCore {
  ServerOptions options;
  ObserveOptions observe;
  ConnectionAttributeSets connection_sets;  // shared by the connections' server spans

  std::mutex sessions_mutex;
  std::list<std::weak_ptr<SessionState>> sessions;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> tearing_down{false};  // ~Server: the io_context is going away

  // Outlives the pool and the io_context: functions they destroy unrun still count down. The
  // I/O threads pause while every worker has a function waiting.
  WorkerBacklog backlog;

  // Declared before the io_context so it is destroyed after it: pending socket operations hold
  // work on the pool's executors until the io_context destroys them.
  WorkerPool workers;
  WorkerPool cpu_heavy;  // Execution::kCpuHeavy handlers
  boost::asio::io_context ioc;
  std::vector<Listener> listeners;
  boost::asio::steady_timer shutdown_timer;

  ServerCore(ServerOptions o, ObserveOptions obs)
      : options(std::move(o)),
        observe(std::move(obs)),
        backlog(static_cast<int>(options.worker_threads)),
        workers(options.worker_threads, options.idle_poll),
        cpu_heavy(cpu_heavy_threads(options), std::chrono::nanoseconds(0)),
        ioc(static_cast<int>(options.io_threads)),
        shutdown_timer(ioc) {}

  void begin_shutdown();
  void session_closed();
};

// Runs the io_context on this thread, polling for serve.idle_poll before it blocks; with
// io_batching, pausing while the workers have a backlog.
void run_io(ServerCore& core);
// Serves one connection until it closes; registers itself for graceful shutdown.
void start_session(ServerCore& core, Listener& listener, IoSocket socket);
// Closes an idle session now (graceful shutdown); a busy one closes after its response. Runs on
// the session's strand.
void cancel_if_idle(SessionState& s);

}  // namespace argus::http::detail
