#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "http/server_core.h"

namespace argus::http {
namespace asio = boost::asio;
using argus::trace::Error;
using asio::ip::tcp;

namespace detail {
namespace {

asio::awaitable<void> accept_loop(ServerCore& core, Listener& listener) {
  for (;;) {
    auto [ec, socket] =
        co_await listener.acceptor->async_accept(core.ioc, asio::as_tuple(asio::use_awaitable));
    if (core.stopping.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    if (core.open_connections.load() >= core.options.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);  // over the limit: refuse rather than queue without bound
      continue;
    }
    start_session(core, listener, std::move(socket));
  }
}

}  // namespace

void run_io(ServerCore& core) {
  std::function<void()> pause;
  if (core.options.io_batching) {
    pause = [&backlog = core.backlog] { backlog.wait_for_room(std::chrono::milliseconds(1)); };
  }
  run_with_idle_poll(core.ioc, core.options.idle_poll, pause);
}

void ServerCore::begin_shutdown() {
  if (stopping.exchange(true)) return;
  for (auto& l : listeners) {
    boost::system::error_code ignored;
    l.acceptor->close(ignored);
  }
  std::vector<std::shared_ptr<SessionState>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& w : sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  // Idle connections close now; busy ones finish their request and close after the response.
  for (auto& s : live) {
    asio::post(s->strand, [s] { cancel_if_idle(*s); });
  }
  if (open_connections.load() == 0) return;
  shutdown_timer.expires_after(options.shutdown_timeout);
  shutdown_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) ioc.stop();  // in-flight requests overran the budget
  });
}

void ServerCore::session_closed() {
  if (open_connections.fetch_sub(1) == 1 && stopping.load() && !tearing_down.load()) {
    asio::post(ioc, [this] { shutdown_timer.cancel(); });
  }
}

}  // namespace detail

Server::Server(std::unique_ptr<detail::ServerCore> core) : core_(std::move(core)) {}

Server::~Server() {
  core_->tearing_down = true;
  // run() has returned: every connection closed, or the shutdown budget ran out. Whatever is
  // left is abandoned: handlers queued on the pool are destroyed first (they own sockets of the
  // io_context), then the io_context destroys its pending operations (they hold work on the pool).
  core_->workers.stop();
  core_->cpu_heavy.stop();
  core_->workers.join();
  core_->cpu_heavy.join();
  core_->cpu_heavy.destroy_queued();
  core_->workers.destroy_queued();
}

argus::trace::Expected<std::unique_ptr<Server>> Server::create(ServerOptions options,
                                                               std::vector<ListenerSpec> listeners,
                                                               ObserveOptions observe) {
  if (options.io_threads == 0 || options.worker_threads == 0)
    return Error{Error::Code::invalid_argument,
                 "server needs at least one I/O and one worker thread"};
  auto core = std::make_unique<detail::ServerCore>(std::move(options), std::move(observe));
  for (auto& spec : listeners) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(spec.host.empty() ? "0.0.0.0" : spec.host, ec);
    if (ec) return Error{Error::Code::invalid_config, "invalid listen host '" + spec.host + "'"};
    tcp::endpoint endpoint(address, spec.port);
    auto acceptor = std::make_unique<tcp::acceptor>(core->ioc);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error{Error::Code::io, "cannot listen on " + (spec.host.empty() ? "*" : spec.host) +
                                        ":" + std::to_string(spec.port) + ": " + ec.message()};
    }
    detail::Listener l;
    l.port = acceptor->local_endpoint().port();
    l.acceptor = std::move(acceptor);
    l.router = std::move(spec.router);
    core->listeners.push_back(std::move(l));
  }
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

std::uint16_t Server::port(std::size_t listener) const {
  return listener < core_->listeners.size() ? core_->listeners[listener].port : 0;
}

std::size_t Server::open_connections() const {
  return core_->open_connections.load();
}

void Server::run() {
  for (auto& l : core_->listeners) {
    asio::co_spawn(core_->ioc, detail::accept_loop(*core_, l), asio::detached);
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < core_->options.io_threads; ++i)
    threads.emplace_back([this] { detail::run_io(*core_); });
  detail::run_io(*core_);
  for (auto& t : threads) t.join();
}

void Server::stop() {
  asio::post(core_->ioc, [core = core_.get()] { core->begin_shutdown(); });
}

}  // namespace argus::http
