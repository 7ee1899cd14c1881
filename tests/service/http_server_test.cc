// The HTTP server on its own: limits (431, 413), timeouts for slow and idle clients, keep-alive,
// the connection limit, routing errors and graceful shutdown with a request in flight. Real
// sockets on loopback; synchronisation by latches and timeouts, never by sleeping.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/value.hpp>
#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <thread>

#include "argus/trace/trace.h"
#include "http/observe.h"
#include "http/server.h"
#include "service/http_client.h"

namespace argus::service_test {
namespace {
using boost::beast::http::verb;
using namespace std::chrono_literals;

class RunningServer {
 public:
  explicit RunningServer(std::shared_ptr<http::Router> router, http::ServerOptions options = {}) {
    std::vector<http::ListenerSpec> listeners{{"127.0.0.1", 0, router}};
    auto server = http::Server::create(options, std::move(listeners), {});
    EXPECT_TRUE(server.has_value());
    if (!server) return;
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return server_->port(0); }
  http::Server& server() { return *server_; }

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

std::shared_ptr<http::Router> echo_router() {
  auto router = std::make_shared<http::Router>();
  router->add({verb::post, "/echo", [](http::Request& r) {
                 http::Response resp;
                 resp.body = "{\"size\":" + std::to_string(r.raw.body().size()) + "}";
                 return resp;
               }});
  router->add({verb::get, "/items/{id}", [](http::Request& r) {
                 http::Response resp;
                 resp.content_type = "text/plain";
                 resp.body = std::string(r.param("id"));
                 return resp;
               }});
  return router;
}

bool is_json_error(const HttpResult& r) {
  auto v = r.json();
  return v.is_object() && v.as_object().contains("error") &&
         v.as_object().contains("error_description");
}

TEST(HttpServer, RoutesAndDecodesParameters) {
  RunningServer s(echo_router());
  auto r = http_request(s.port(), verb::get, "/items/a%20b");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "a b");
  auto notfound = http_request(s.port(), verb::get, "/nothing");
  EXPECT_EQ(notfound.status, 404u);
  EXPECT_TRUE(is_json_error(notfound));
  auto wrong = http_request(s.port(), verb::delete_, "/echo");
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(wrong.header("Allow"), "POST");
  auto badpct = http_request(s.port(), verb::get, "/items/%zz");
  EXPECT_EQ(badpct.status, 400u);
  EXPECT_TRUE(is_json_error(badpct));
  auto nul = http_request(s.port(), verb::get, "/items/a%00b");
  EXPECT_EQ(nul.status, 400u);
  auto badutf8 = http_request(s.port(), verb::get, "/items/%ff%fe");
  EXPECT_EQ(badutf8.status, 400u);
}

TEST(HttpServer, OversizedHeadersGet431) {
  RunningServer s(echo_router());
  auto r = http_request(s.port(), verb::post, "/echo", "{}", {{"X-Big", std::string(9000, 'a')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_TRUE(is_json_error(r));
  auto ok = http_request(s.port(), verb::post, "/echo", "{}", {{"X-Big", std::string(7000, 'a')}});
  EXPECT_EQ(ok.status, 200u);
}

TEST(HttpServer, OversizedBodiesGet413) {
  RunningServer s(echo_router());
  auto r = http_request(s.port(), verb::post, "/echo", std::string(1024 * 1024 + 1, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_TRUE(is_json_error(r));
  auto ok = http_request(s.port(), verb::post, "/echo", std::string(1024 * 1024, 'x'));
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, "{\"size\":1048576}");
  // Chunked: the limit is enforced while reading, without a Content-Length.
  std::string chunk(64 * 1024, 'y');
  std::string raw = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 17; ++i) raw += "10000\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  auto out = raw_exchange(s.port(), raw, 10s);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 80);
}

TEST(HttpServer, MalformedRequestsGet400) {
  RunningServer s(echo_router());
  for (std::string raw : {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                          std::string("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
                          std::string("GET /items/x HTTP/1.1\r\nBad Header\r\n\r\n")}) {
    auto out = raw_exchange(s.port(), raw, 5s);
    EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << raw << " -> " << out.substr(0, 60);
    EXPECT_NE(out.find("\"error\""), std::string::npos);
  }
}

TEST(HttpServer, SlowClientsAreDisconnected) {
  http::ServerOptions options;
  options.read_timeout = 300ms;
  RunningServer s(echo_router(), options);
  bool closed = false;
  // Half a request line, then nothing: the read timeout closes the connection.
  auto out = raw_exchange(s.port(), "POST /echo HTTP/1.1\r\nContent-Le", 10s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.find("HTTP/1.1 5"), std::string::npos);
  // A body that never completes.
  out = raw_exchange(s.port(), "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\n{", 10s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.find("HTTP/1.1 5"), std::string::npos);
}

TEST(HttpServer, IdleKeepAliveConnectionsAreClosed) {
  http::ServerOptions options;
  options.idle_timeout = 300ms;
  RunningServer s(echo_router(), options);
  bool closed = false;
  auto out = raw_exchange(s.port(), "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 10s, &closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_TRUE(closed);  // after the idle timeout, not after the response
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  RunningServer s(echo_router());
  std::string raw;
  for (int i = 0; i < 3; ++i)
    raw += "GET /items/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  raw += "GET /items/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  bool closed = false;
  auto out = raw_exchange(s.port(), raw, 10s, &closed);
  EXPECT_TRUE(closed);
  std::size_t count = 0;
  for (auto pos = out.find("HTTP/1.1 200"); pos != std::string::npos;
       pos = out.find("HTTP/1.1 200", pos + 1))
    ++count;
  EXPECT_EQ(count, 4u);
  EXPECT_NE(out.find("last"), std::string::npos);
}

TEST(HttpServer, ConnectionLimitRefusesExtraConnections) {
  http::ServerOptions options;
  options.max_connections = 1;
  std::latch entered(1);
  std::promise<void> release;
  auto released = release.get_future().share();
  auto router = std::make_shared<http::Router>();
  router->add({verb::get, "/block", [&](http::Request&) {
                 entered.count_down();
                 released.wait_for(20s);
                 return http::Response{};
               }});
  router->add({verb::get, "/fast", [](http::Request&) { return http::Response{}; }});
  RunningServer s(router, options);
  auto blocked =
      std::async(std::launch::async, [&] { return http_request(s.port(), verb::get, "/block"); });
  entered.wait();
  auto refused = http_request(s.port(), verb::get, "/fast");
  EXPECT_EQ(refused.status, 0u);  // closed without a response
  release.set_value();
  EXPECT_EQ(blocked.get().status, 200u);
}

TEST(HttpServer, GracefulShutdownFinishesInFlightRequests) {
  std::latch entered(1);
  std::promise<void> release;
  auto released = release.get_future().share();
  auto router = std::make_shared<http::Router>();
  router->add({verb::get, "/slow", [&](http::Request&) {
                 entered.count_down();
                 released.wait_for(20s);
                 http::Response r;
                 r.body = "{\"done\":true}";
                 return r;
               }});
  RunningServer s(router);
  auto port = s.port();
  auto inflight =
      std::async(std::launch::async, [&] { return http_request(port, verb::get, "/slow"); });
  entered.wait();
  s.server().stop();
  // Wait (bounded) until the listener is closed: stop() has taken effect.
  bool refused = false;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       !refused && std::chrono::steady_clock::now() < deadline;) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket probe(ioc);
    boost::system::error_code ec;
    probe.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    refused = ec == boost::asio::error::connection_refused;
  }
  EXPECT_TRUE(refused);
  release.set_value();
  auto r = inflight.get();
  s.stop();  // run() returns once the in-flight connection has closed
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{\"done\":true}");
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_EQ(http_request(port, verb::get, "/slow").status, 0u);  // no longer accepting
}

TEST(HttpServer, HandlerExceptionsBecome500WithoutCrashing) {
  auto router = std::make_shared<http::Router>();
  router->add({verb::get, "/throw",
               [](http::Request&) -> http::Response { throw std::runtime_error("boom"); }});
  RunningServer s(router);
  auto r = http_request(s.port(), verb::get, "/throw");
  EXPECT_EQ(r.status, 500u);
  EXPECT_TRUE(is_json_error(r));
  EXPECT_EQ(r.body.find("boom"), std::string::npos);
}

TEST(HttpServer, GlobMatching) {
  EXPECT_TRUE(http::glob_match("/health/*", "/health/alive"));
  EXPECT_TRUE(http::glob_match("/health/*", "/health/"));
  EXPECT_FALSE(http::glob_match("/health/*", "/healthz"));
  EXPECT_TRUE(http::glob_match("*", "/anything/at/all"));
  EXPECT_TRUE(http::glob_match("/a/*/c", "/a/b/x/c"));
  EXPECT_FALSE(http::glob_match("/a/*/c", "/a/b/x/d"));
}

http::ConnectionInfo connection(std::string server, std::uint16_t port, std::string client) {
  return {std::move(server), port, std::move(client), nullptr};
}

TEST(ConnectionAttributeSets, ConnectionsFromOneClientToOneListenerShareOneSet) {
  http::ConnectionAttributeSets sets;
  auto first = sets.get(connection("127.0.0.1", 4445, "10.0.0.7"));
  auto second = sets.get(connection("127.0.0.1", 4445, "10.0.0.7"));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, sets.get(connection("127.0.0.1", 4445, "10.0.0.8")));
  EXPECT_NE(first, sets.get(connection("127.0.0.1", 4444, "10.0.0.7")));
  EXPECT_NE(first, sets.get(connection("127.0.0.2", 4445, "10.0.0.7")));
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ(first->views()[0].key, "server.address");
  EXPECT_EQ(first->views()[0].value.as_string(), "127.0.0.1");
  EXPECT_EQ(first->views()[1].value.as_int(), 4445);
  EXPECT_EQ(first->views()[2].value.as_string(), "10.0.0.7");
}

TEST(ConnectionAttributeSets, TheCacheDoesNotKeepSetsAlive) {
  http::ConnectionAttributeSets sets;
  std::weak_ptr<const trace::AttributeSet> gone =
      sets.get(connection("127.0.0.1", 4445, "10.0.0.7"));
  EXPECT_TRUE(gone.expired());  // the cache does not keep a set alive
  auto again = sets.get(connection("127.0.0.1", 4445, "10.0.0.7"));
  ASSERT_NE(again, nullptr);  // made anew: the first died with its last connection
  EXPECT_EQ(again->views()[2].value.as_string(), "10.0.0.7");
  EXPECT_EQ(sets.get(connection("127.0.0.1", 4445, "10.0.0.7")), again);
  EXPECT_EQ(sets.shared_count(), 1u);
}

TEST(ConnectionAttributeSets, BeyondTheBoundClientsGetPrivateSetsAndDeadOnesMakeRoom) {
  http::ConnectionAttributeSets sets;
  const std::size_t bound = http::ConnectionAttributeSets::kMaxShared;
  std::vector<std::shared_ptr<const trace::AttributeSet>> alive;
  for (std::size_t i = 0; i < bound; ++i) {
    alive.push_back(sets.get(connection("127.0.0.1", 4445, "10.1." + std::to_string(i))));
  }
  EXPECT_EQ(sets.shared_count(), bound);
  auto extra = sets.get(connection("127.0.0.1", 4445, "10.2.0.1"));
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->views()[2].value.as_string(), "10.2.0.1");
  EXPECT_NE(sets.get(connection("127.0.0.1", 4445, "10.2.0.1")), extra);  // not remembered
  EXPECT_EQ(sets.shared_count(), bound);
  alive.resize(bound / 2);  // half the clients have gone
  auto later = sets.get(connection("127.0.0.1", 4445, "10.2.0.1"));
  EXPECT_EQ(sets.shared_count(), bound / 2 + 1);
  EXPECT_EQ(sets.get(connection("127.0.0.1", 4445, "10.2.0.1")), later);
}

}  // namespace
}  // namespace argus::service_test
