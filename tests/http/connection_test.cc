// A connection's life under the worker-strand design: handlers off the I/O thread, the lazy
// deadline timer (kept-alive connections outlive the idle timeout while busy; a client that
// stops reading is cut off by the write timeout), CPU-heavy handlers on their own pool,
// 100-continue, and shutdown closing idle connections at once. Loopback sockets; waits are
// bounded polls on a condition.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "eventually.h"
#include "http/server.h"

namespace argus::http {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using boost::beast::http::verb;
using namespace std::chrono_literals;

class RunningServer {
 public:
  RunningServer(std::shared_ptr<Router> router, ServerOptions options) {
    auto server = Server::create(options, {{"127.0.0.1", 0, std::move(router)}}, {});
    EXPECT_TRUE(server.has_value());
    if (!server) return;
    server_ = std::move(*server);
    run_thread_ = std::thread([this] {
      run_thread_id_ = std::this_thread::get_id();
      server_->run();
      returned_ = true;
    });
  }
  ~RunningServer() {
    if (!server_) return;
    server_->stop();
    run_thread_.join();
  }
  Server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(0); }
  bool returned() const { return returned_; }
  std::thread::id run_thread_id() const { return run_thread_id_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread run_thread_;
  std::atomic<std::thread::id> run_thread_id_{};
  std::atomic<bool> returned_{false};
};

using testing::eventually;

// One kept-alive connection: writes raw requests and reads Content-Length framed responses.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : socket_(ioc_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void send(const std::string& raw) { asio::write(socket_, asio::buffer(raw)); }
  std::string read_head() {
    std::size_t n = asio::read_until(socket_, asio::dynamic_buffer(pending_), "\r\n\r\n");
    std::string head = pending_.substr(0, n);
    pending_.erase(0, n);
    return head;
  }
  // The next response's status line and body; throws when the server closed the connection.
  std::pair<std::string, std::string> response() {
    std::string head = read_head();
    std::size_t length = 0;
    if (auto at = head.find("Content-Length: "); at != std::string::npos)
      length = std::stoul(head.substr(at + 16));
    if (pending_.size() < length)
      asio::read(socket_, asio::dynamic_buffer(pending_),
                 asio::transfer_exactly(length - pending_.size()));
    std::string body = pending_.substr(0, length);
    pending_.erase(0, length);
    return {head.substr(0, head.find("\r\n")), body};
  }
  bool closed_by_peer() {
    char c;
    boost::system::error_code ec;
    socket_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  std::string pending_;
};

std::shared_ptr<Router> router(std::atomic<std::thread::id>* handler_thread = nullptr,
                               std::size_t big_size = 0) {
  auto r = std::make_shared<Router>();
  r->add({verb::get, "/ok", [handler_thread](Request&) {
            if (handler_thread) *handler_thread = std::this_thread::get_id();
            Response resp;
            resp.body = "{\"ok\":true}";
            return resp;
          }});
  r->add({verb::post, "/echo", [](Request& req) {
            Response resp;
            resp.body = req.raw.body();
            return resp;
          }});
  r->add({verb::get, "/big", [big_size](Request&) {
            Response resp;
            resp.body.assign(big_size, 'x');
            return resp;
          }});
  return r;
}

// Stands in for slow work (bcrypt, a slow query): holds its thread until the test lets go
// (bounded, so a failing test cannot hang).
void hold_until(const std::atomic<bool>& release) {
  for (auto end = std::chrono::steady_clock::now() + 20s;
       !release && std::chrono::steady_clock::now() < end;)
    std::this_thread::sleep_for(1ms);
}

// However a test ends, held handlers let go before its server stops.
struct Release {
  std::atomic<bool>& flag;
  ~Release() { flag = true; }
};

TEST(Connection, HandlersRunOffTheIoThread) {
  std::atomic<std::thread::id> handler_thread{};
  RunningServer s(router(&handler_thread), {});
  Connection c(s.port());
  c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.response().first, "HTTP/1.1 200 OK");
  EXPECT_NE(handler_thread.load(), std::thread::id{});
  EXPECT_NE(handler_thread.load(), s.run_thread_id());  // run() is the only I/O thread
}

TEST(Connection, BusyKeptAliveConnectionsOutliveTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 400ms;
  RunningServer s(router(), options);
  Connection c(s.port());
  auto start = std::chrono::steady_clock::now();
  int served = 0;
  // Requests 100 ms apart for over twice the idle timeout: the timer armed for the first wait
  // fires mid-way and must re-arm for the moved deadline instead of closing.
  while (std::chrono::steady_clock::now() - start < 1000ms && served < 50) {
    c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(c.response().first, "HTTP/1.1 200 OK") << "after " << served;
    ++served;
    std::this_thread::sleep_for(100ms);  // the gap being tested, not synchronisation
  }
  EXPECT_GE(served, 5);
  // Then silence: the idle timeout closes it.
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Connection, ClientsThatStopReadingAreCutOffByTheWriteTimeout) {
  ServerOptions options;
  options.write_timeout = 300ms;
  RunningServer s(router(nullptr, 64 * 1024 * 1024), options);  // beyond any socket buffer
  Connection c(s.port());
  auto sent = std::chrono::steady_clock::now();
  c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return s.server().open_connections() == 1; }));
  EXPECT_TRUE(eventually([&] { return s.server().open_connections() == 0; }));
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 300ms);  // not before the timeout
}

TEST(Connection, ExpectContinueGetsAnInterimResponse) {
  RunningServer s(router(), {});
  Connection c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.read_head(), "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("hello");
  auto [status, body] = c.response();
  EXPECT_EQ(status, "HTTP/1.1 200 OK");
  EXPECT_EQ(body, "hello");
}

TEST(Connection, ShutdownClosesIdleKeptAliveConnectionsAtOnce) {
  ServerOptions options;
  options.idle_timeout = 60s;  // far beyond the wait below
  auto s = std::make_unique<RunningServer>(router(), options);
  Connection c(s->port());
  c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.response().first, "HTTP/1.1 200 OK");
  s->server().stop();
  EXPECT_TRUE(eventually([&] { return s->returned(); }, 10s));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Connection, CpuHeavyHandlersDoNotHoldUpOtherRequests) {
  ServerOptions options;
  options.worker_threads = 2;
  options.cpu_heavy_threads = 2;
  std::atomic<int> hashing{0};
  std::atomic<bool> release{false};
  auto r = router();
  r->add({verb::get, "/hash",
          [&](Request&) {
            ++hashing;
            // Stands in for bcrypt.
            hold_until(release);
            return Response{};
          },
          Execution::kCpuHeavy});
  RunningServer s(r, options);
  Release release_on_exit{release};
  // More heavy requests than heavy threads and worker threads together.
  std::vector<std::unique_ptr<Connection>> heavy;
  for (int i = 0; i < 6; ++i) {
    heavy.push_back(std::make_unique<Connection>(s.port()));
    heavy.back()->send("GET /hash HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  ASSERT_TRUE(eventually([&] { return hashing == 2; }));  // both heavy threads are taken
  Connection light(s.port());
  light.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  auto answer = std::async(std::launch::async, [&] { return light.response().first; });
  // Answered while all six heavy requests still wait (bounded: a failure must not hang).
  EXPECT_EQ(answer.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(hashing, 2);
  release = true;
  EXPECT_EQ(answer.get(), "HTTP/1.1 200 OK");
  for (auto& c : heavy) EXPECT_EQ(c->response().first, "HTTP/1.1 200 OK");
  EXPECT_EQ(hashing, 6);
}

// With serve.io_batching the I/O thread pauses while both workers have a request queued; what
// arrives meanwhile is read once they catch up, and every request is answered, off the I/O thread.
TEST(Connection, IoBatchingAnswersWhatArrivedWhileTheWorkersWereBusy) {
  ServerOptions options;
  options.worker_threads = 2;
  options.io_batching = true;
  std::atomic<int> holding{0};
  std::atomic<bool> release{false};
  std::atomic<std::thread::id> handler_thread{};
  auto r = router(&handler_thread);
  r->add({verb::get, "/hold", [&](Request&) {
            ++holding;
            hold_until(release);
            return Response{};
          }});
  RunningServer s(r, options);
  Release release_on_exit{release};
  std::vector<std::unique_ptr<Connection>> held, light;
  for (int i = 0; i < 6; ++i) {
    held.push_back(std::make_unique<Connection>(s.port()));
    held.back()->send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  ASSERT_TRUE(eventually([&] { return holding == 2; }));  // both workers taken, four queued
  for (int i = 0; i < 3; ++i) {
    light.push_back(std::make_unique<Connection>(s.port()));
    light.back()->send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  release = true;
  for (auto& c : held) EXPECT_EQ(c->response().first, "HTTP/1.1 200 OK");
  for (auto& c : light) EXPECT_EQ(c->response().first, "HTTP/1.1 200 OK");
  EXPECT_EQ(holding, 6);
  EXPECT_NE(handler_thread.load(), s.run_thread_id());
  // The kept-alive connections go on working after the batch.
  for (int round = 0; round < 20; ++round) {
    for (auto& c : light) c->send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    for (auto& c : light) EXPECT_EQ(c->response().second, "{\"ok\":true}");
  }
}

TEST(Connection, SplitRequestsAreReassembled) {
  RunningServer s(router(), {});
  Connection c(s.port());
  std::string raw = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
  for (std::size_t i = 0; i < raw.size(); i += 7) {
    c.send(raw.substr(i, 7));
    std::this_thread::sleep_for(2ms);  // separate segments, not synchronisation
  }
  auto [status, body] = c.response();
  EXPECT_EQ(status, "HTTP/1.1 200 OK");
  EXPECT_EQ(body, "hello world");
}

}  // namespace
}  // namespace argus::http
