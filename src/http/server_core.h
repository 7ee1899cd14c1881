// Private state shared by the server's lifecycle code (server.cc) and its connection coroutine
// (session.cc). Member order matters: sessions deregister while the io_context destroys their
// frames, so the registry outlives the context, and the worker pool joins before it.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <list>
#include <memory>
#include <mutex>

#include "http/server.h"

namespace argus::http::detail {

struct SessionState {
  explicit SessionState(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
  boost::beast::tcp_stream stream;
  bool idle = true;  // touched only on the session's strand
};

struct Listener {
  std::shared_ptr<const Router> router;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
  std::uint16_t port = 0;
};

struct ServerCore {
  ServerOptions options;
  ObserveOptions observe;

  std::mutex sessions_mutex;
  std::list<std::weak_ptr<SessionState>> sessions;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> tearing_down{false};  // ~Server: the io_context is going away

  boost::asio::io_context ioc;
  boost::asio::thread_pool workers;
  std::vector<Listener> listeners;
  boost::asio::steady_timer shutdown_timer;

  ServerCore(ServerOptions o, ObserveOptions obs)
      : options(std::move(o)),
        observe(std::move(obs)),
        ioc(static_cast<int>(options.io_threads)),
        workers(options.worker_threads),
        shutdown_timer(ioc) {}

  void begin_shutdown();
  void session_closed();
};

// Serves one connection until it closes; registers itself for graceful shutdown.
void start_session(ServerCore& core, Listener& listener, boost::asio::ip::tcp::socket socket);

}  // namespace argus::http::detail
