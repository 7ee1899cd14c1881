// `argus clients ...` and `argus token client` against a stand-in admin/public API on loopback:
// the requests they send (method, path, body, credentials) and how they print the answers.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "cli/process.h"

namespace argus::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct Seen {
  std::string method, target, body, authorization, content_type;
};

// Serves exactly `count` requests, one connection each, answering with `status` and `body`.
class StubApi {
 public:
  StubApi(int count, int status, std::string body)
      : acceptor_(ioc_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, count, status, body] {
      for (int i = 0; i < count; ++i) {
        boost::system::error_code ec;
        tcp::socket socket(ioc_);
        acceptor_.accept(socket, ec);
        if (ec) return;
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) continue;
        {
          std::lock_guard lock(mutex_);
          seen_.push_back({std::string(req.method_string()), std::string(req.target()), req.body(),
                           std::string(req[http::field::authorization]),
                           std::string(req[http::field::content_type])});
        }
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::content_type, "application/json");
        res.body() = body;
        res.prepare_payload();
        http::write(socket, res, ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
      }
    });
  }
  ~StubApi() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Seen> seen_;
};

TEST(ArgusClients, CreateSendsHydraShapedJsonAndPrintsATable) {
  StubApi api(1, 201,
              R"({"client_id":"c1","client_secret":"s3cr3t","client_name":"svc",)"
              R"("grant_types":["client_credentials"],"scope":"read write","audience":[]})");
  auto r = argus({"clients", "create", "--endpoint", api.url(), "--name", "svc", "-g",
                  "client_credentials", "--scope", "read,write", "--audience", "api"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto seen = api.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/admin/clients");
  EXPECT_EQ(seen[0].content_type, "application/json");
  auto body = boost::json::parse(seen[0].body);
  EXPECT_EQ(body.at("client_name").as_string(), "svc");
  EXPECT_EQ(body.at("grant_types").as_array().at(0).as_string(), "client_credentials");
  EXPECT_EQ(body.at("scope").as_string(), "read write");
  EXPECT_EQ(body.at("audience").as_array().at(0).as_string(), "api");
  EXPECT_TRUE(r.out.starts_with("CLIENT ID  CLIENT SECRET  NAME")) << r.out;
  EXPECT_NE(r.out.find("\nc1         s3cr3t         svc   client_credentials"), std::string::npos)
      << r.out;
}

TEST(ArgusClients, ListGetUpdateDelete) {
  {
    StubApi api(1, 200, R"([{"client_id":"a"},{"client_id":"b"}])");
    auto r = argus({"clients", "list", "-e", api.url(), "--page-size", "2", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(api.seen().at(0).target, "/admin/clients?page_size=2");
    EXPECT_EQ(r.out, "[{\"client_id\":\"a\"},{\"client_id\":\"b\"}]\n");
  }
  {
    StubApi api(1, 200, R"({"client_id":"a b"})");
    auto r = argus({"clients", "get", "-e", api.url(), "a b"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(api.seen().at(0).target, "/admin/clients/a%20b");
  }
  {
    StubApi api(1, 200, R"({"client_id":"c1","client_name":"renamed"})");
    auto r = argus({"clients", "update", "-e", api.url(), "c1", "--name", "renamed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto s = api.seen().at(0);
    EXPECT_EQ(s.method, "PUT");
    EXPECT_EQ(s.target, "/admin/clients/c1");
    EXPECT_EQ(boost::json::parse(s.body).at("client_id").as_string(), "c1");
  }
  {
    StubApi api(2, 204, "");
    auto r = argus({"clients", "delete", "-e", api.url(), "c1", "c2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "c1\nc2\n");
    ASSERT_EQ(api.seen().size(), 2u);
    EXPECT_EQ(api.seen()[1].method, "DELETE");
    EXPECT_EQ(api.seen()[1].target, "/admin/clients/c2");
  }
  {
    StubApi api(1, 204, "");
    auto r = argus({"clients", "delete-tokens", "-e", api.url(), "c 1&x"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "c 1&x\n");
    EXPECT_EQ(api.seen().at(0).method, "DELETE");
    EXPECT_EQ(api.seen().at(0).target, "/admin/oauth2/tokens?client_id=c+1%26x");
  }
}

TEST(ArgusClients, ApiErrorsAreOneLineAndExitOne) {
  StubApi api(1, 404,
              R"({"error":"not_found","error_description":"Unable to locate the resource"})");
  auto r = argus({"clients", "get", "-e", api.url(), "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: the server answered 404: not_found: Unable to locate the resource\n");
}

TEST(ArgusClients, UnreachableEndpointIsAnError) {
  // Bind and close a port so nothing listens on it.
  unsigned short port = 0;
  {
    boost::asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto r = argus({"clients", "list", "-e", "http://127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("error: GET http://127.0.0.1:")) << r.err;
}

TEST(ArgusToken, ClientCredentialsGrant) {
  StubApi api(
      1, 200,
      R"({"access_token":"ory_at_x","token_type":"bearer","expires_in":3599,"scope":"read"})");
  auto r = argus({"token", "client", "-e", api.url(), "--client-id", "my client", "--client-secret",
                  "p@ss", "--scope", "read", "--audience", "https://api"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = api.seen().at(0);
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.target, "/oauth2/token");
  EXPECT_EQ(s.content_type, "application/x-www-form-urlencoded");
  // base64("my+client:p%40ss")
  EXPECT_EQ(s.authorization, "Basic bXkrY2xpZW50OnAlNDBzcw==");
  EXPECT_EQ(s.body, "grant_type=client_credentials&scope=read&audience=https%3A%2F%2Fapi");
  EXPECT_EQ(r.out,
            "ACCESS TOKEN  TOKEN TYPE  EXPIRES IN  SCOPE\n"
            "ory_at_x      bearer      3599        read\n");
}

}  // namespace
}  // namespace argus::testing
