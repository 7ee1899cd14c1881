// Request handling for the W3C test service. For POST /test: extract the caller's context, start
// a server span under it, then for each action in order start a client span and POST the
// action's "arguments" to its "url" with that span's context injected; reply only afterwards.
#include "server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>

#include "beast_carriers.h"
#include "callback_client.h"

namespace argus::tools::w3c_server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response reply(const Request& req, http::status status, std::string body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "text/plain");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Each action is {"url": string, "arguments": any}; anything else is a client error.
bool valid_actions(const json::value& v) {
  if (!v.is_array()) return false;
  for (const auto& a : v.as_array()) {
    if (!a.is_object() || !a.as_object().contains("url") || !a.as_object().at("url").is_string()) {
      return false;
    }
  }
  return true;
}

asio::awaitable<Response> handle_test(const Request& req, ServiceContext service) {
  boost::system::error_code ec;
  const json::value actions = json::parse(req.body(), ec);
  if (ec || !valid_actions(actions)) {
    co_return reply(req, http::status::bad_request,
                    "expected [{\"url\": ..., \"arguments\": ...}]\n");
  }
  trace::PropagationContext incoming;
  service.propagator.extract(BeastFieldsReader(req.base()), incoming);
  trace::StartSpanOptions server_options;
  server_options.parent = &incoming.span_context;
  server_options.root = true;  // only the extracted context may be a parent
  server_options.kind = trace::SpanKind::kServer;
  trace::Span server_span = service.tracer.start_span("POST /test", server_options);
  const trace::SpanContext server_context = server_span.context();
  // Index loop and named locals: no temporaries live across co_await (GCC 12 coroutines
  // mishandle some of them).
  const json::array& list = actions.as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::object& obj = list[i].as_object();
    std::string url = json::value_to<std::string>(obj.at("url"));
    const json::value* args = obj.if_contains("arguments");
    std::string body = args != nullptr ? json::serialize(*args) : std::string("[]");
    trace::StartSpanOptions client_options;
    client_options.parent = &server_context;
    client_options.kind = trace::SpanKind::kClient;
    trace::Span client_span = service.tracer.start_span("POST callback", client_options);
    const trace::SpanContext client_context = client_span.context();
    std::string error;
    try {
      error =
          co_await post_json(std::move(url), std::move(body), client_context, service.propagator);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) {
      std::cerr << "w3c-test-server: callback failed: " << error << "\n";
      client_span.set_status(trace::StatusCode::kError, error);
    }
  }
  co_return reply(req, http::status::ok, "ok\n");
}

asio::awaitable<void> session(asio::ip::tcp::socket socket, ServiceContext service) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  try {
    while (true) {
      stream.expires_after(std::chrono::seconds(30));
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
      Request req = parser.release();
      Response res;
      if (req.target() != "/test") {
        res = reply(req, http::status::not_found, "not found\n");
      } else if (req.method() != http::verb::post) {
        res = reply(req, http::status::method_not_allowed, "POST only\n");
      } else {
        res = co_await handle_test(req, service);
      }
      stream.expires_after(std::chrono::seconds(30));
      co_await http::async_write(stream, res, asio::use_awaitable);
      if (!res.keep_alive()) break;
    }
  } catch (const boost::system::system_error& e) {
    if (e.code() != http::error::end_of_stream && e.code() != asio::error::operation_aborted) {
      std::cerr << "w3c-test-server: connection: " << e.code().message() << "\n";
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace

asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, ServiceContext service) {
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), service), asio::detached);
  }
}

}  // namespace argus::tools::w3c_server
