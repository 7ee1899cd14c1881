// Outgoing POSTs over plain HTTP/1.1 with a 5 s budget per request (the harness waits longer).
#include "callback_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <chrono>

#include "beast_carriers.h"

namespace argus::tools::w3c_server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<std::string> post_json(std::string url, std::string body,
                                       trace::SpanContext context,
                                       const trace::Propagator& propagator) {
  const auto uri = boost::urls::parse_uri(url);
  if (!uri || uri->scheme() != "http" || uri->host().empty()) co_return "unsupported URL: " + url;
  const std::string host = uri->host();
  const std::string port = uri->has_port() ? std::string(uri->port()) : "80";
  const auto encoded_target = uri->encoded_target();
  std::string target(encoded_target.data(), encoded_target.size());
  if (target.empty()) target = "/";

  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  stream.expires_after(std::chrono::seconds(5));
  const auto endpoints = co_await resolver.async_resolve(host, port, asio::use_awaitable);
  co_await stream.async_connect(endpoints, asio::use_awaitable);

  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, host + ":" + port);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "argus-w3c-test-server");
  BeastFieldsWriter writer(req.base());
  propagator.inject(context, {}, writer);
  req.body() = std::move(body);
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);

  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return std::string();
}

}  // namespace argus::tools::w3c_server
