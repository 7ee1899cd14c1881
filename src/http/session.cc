// One connection: read a request (idle timeout until its first byte, then a read timeout for the
// whole of it), route it, run the handler on the worker pool, write the response, repeat while
// keep-alive holds. Malformed or oversized requests get a JSON error and a lingering close so
// the client reads the error instead of a reset.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>

#include "http/server_core.h"

namespace argus::http::detail {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Removes the session from the registry however the coroutine ends (even by destruction).
struct Registration {
  ServerCore& core;
  std::list<std::weak_ptr<SessionState>>::iterator it;
  Registration(ServerCore& c, const std::shared_ptr<SessionState>& s) : core(c) {
    std::lock_guard lock(core.sessions_mutex);
    it = core.sessions.insert(core.sessions.end(), s);
  }
  ~Registration() {
    {
      std::lock_guard lock(core.sessions_mutex);
      core.sessions.erase(it);
    }
    core.session_closed();
  }
};

bool is_http_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::header_limit).category();
}

// The response for a request Beast could not parse, or none when the connection just ended.
std::optional<Response> parse_error_response(const error_code& ec) {
  if (!is_http_error(ec) || ec == bhttp::error::end_of_stream ||
      ec == bhttp::error::partial_message)
    return std::nullopt;
  if (ec == bhttp::error::header_limit)
    return json_error(431, "request_header_fields_too_large", "The request headers exceed 8 KiB.");
  if (ec == bhttp::error::body_limit)
    return json_error(413, "request_entity_too_large", "The request body exceeds 1 MiB.");
  return json_error(400, "invalid_request", "The HTTP request is malformed: " + ec.message() + ".");
}

bhttp::response<bhttp::string_body> to_beast(Response&& r, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "argus");
  if (!r.body.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res.insert(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

Response invoke(const Handler& handler, Request& request) noexcept {
  try {
    return handler(request);
  } catch (const std::exception&) {
    return json_error(500, "server_error", "The server failed to handle the request.");
  } catch (...) {
    return json_error(500, "server_error", "The server failed to handle the request.");
  }
}

asio::awaitable<Response> dispatch(ServerCore& core, Listener& listener, const ConnectionInfo& conn,
                                   const BeastRequest& req) {
  std::string_view target(req.target().data(), req.target().size());
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  RouteMatch match;
  if (!path.empty() && path.front() == '/')
    match = listener.router->match(req.method(), path);
  else
    match.kind = RouteMatch::Kind::kBadPath;
  std::string_view route = match.route ? std::string_view(match.route->pattern) : "";
  Exchange exchange(core.observe, conn, req, path, route);
  Response resp;
  switch (match.kind) {
    case RouteMatch::Kind::kNotFound:
      resp = json_error(404, "not_found", "The requested resource does not exist.");
      break;
    case RouteMatch::Kind::kMethodNotAllowed:
      resp = json_error(405, "method_not_allowed", "Allowed methods: " + match.allowed + ".");
      resp.with_header("Allow", match.allowed);
      break;
    case RouteMatch::Kind::kBadPath:
      resp = json_error(400, "invalid_request", "The request path is malformed.");
      break;
    case RouteMatch::Kind::kFound: {
      Request request{req,
                      path,
                      query,
                      route,
                      std::move(match.params),
                      conn.client_address,
                      exchange.context(),
                      &exchange.span()};
      const Handler& handler = match.route->handler;
      if (match.route->execution == Execution::kInline) {
        resp = invoke(handler, request);
      } else {
        resp = co_await asio::co_spawn(
            core.workers,
            [&]() -> asio::awaitable<Response> { co_return invoke(handler, request); },
            asio::use_awaitable);
      }
      break;
    }
  }
  exchange.finish(resp.status);
  co_return resp;
}

// Half-closes, then drains what the client is still sending (bounded in bytes and time) so it
// sees our response rather than a connection reset.
asio::awaitable<void> linger_close(SessionState& s) {
  error_code ec;
  s.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  s.stream.expires_after(std::chrono::seconds(1));
  char sink[4096];
  for (std::size_t total = 0; total < 1024 * 1024 && !ec;) {
    std::size_t n = 0;
    std::tie(ec, n) = co_await s.stream.async_read_some(asio::buffer(sink), kTuple);
    total += n;
  }
  s.stream.close();
}

asio::awaitable<bool> write(ServerCore& core, SessionState& s, Response&& r, unsigned version,
                            bool keep_alive) {
  auto res = to_beast(std::move(r), version, keep_alive);
  s.stream.expires_after(core.options.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(s.stream, res, kTuple);
  co_return !ec;
}

ConnectionInfo connection_info(SessionState& s) {
  ConnectionInfo info;
  error_code ec;
  auto local = s.stream.socket().local_endpoint(ec);
  if (!ec) {
    info.server_address = local.address().to_string();
    info.server_port = local.port();
  }
  auto remote = s.stream.socket().remote_endpoint(ec);
  if (!ec) info.client_address = remote.address().to_string();
  return info;
}

// Reads one whole request into `parser`. Returns the error, if any.
asio::awaitable<error_code> read_request(ServerCore& core, SessionState& s,
                                         beast::flat_buffer& buffer,
                                         bhttp::request_parser<bhttp::string_body>& parser) {
  s.stream.expires_after(core.options.read_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(s.stream, buffer, parser, kTuple);
  if (ec || parser.is_done()) co_return ec;
  auto expect = parser.get()[bhttp::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
    auto [wec, wn] = co_await bhttp::async_write(s.stream, cont, kTuple);
    if (wec) co_return wec;
  }
  std::tie(ec, n) = co_await bhttp::async_read(s.stream, buffer, parser, kTuple);
  co_return ec;
}

asio::awaitable<void> run_session(ServerCore& core, Listener& listener,
                                  std::shared_ptr<SessionState> s) {
  Registration registration(core, s);
  const ConnectionInfo conn = connection_info(*s);
  beast::flat_buffer buffer;
  for (;;) {
    s->idle = true;
    if (core.stopping.load()) break;
    if (buffer.size() == 0) {
      s->stream.expires_after(core.options.idle_timeout);
      auto [ec, n] = co_await s->stream.async_read_some(buffer.prepare(8192), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    s->idle = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(core.options.header_limit));
    parser.body_limit(core.options.body_limit);
    error_code ec = co_await read_request(core, *s, buffer, parser);
    if (ec) {
      if (auto error = parse_error_response(ec)) {
        if (co_await write(core, *s, std::move(*error), 11, false)) co_await linger_close(*s);
      }
      break;  // timeouts (slow clients) and resets just close
    }
    const BeastRequest& req = parser.get();
    Response resp = co_await dispatch(core, listener, conn, req);
    bool keep_alive = req.keep_alive() && !core.stopping.load();
    if (!co_await write(core, *s, std::move(resp), req.version(), keep_alive) || !keep_alive) break;
  }
  error_code ignored;
  s->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  s->stream.close();
}

}  // namespace

void start_session(ServerCore& core, Listener& listener, asio::ip::tcp::socket socket) {
  core.open_connections.fetch_add(1);
  auto state = std::make_shared<SessionState>(std::move(socket));
  auto executor = state->stream.get_executor();
  asio::co_spawn(executor, run_session(core, listener, std::move(state)), asio::detached);
}

}  // namespace argus::http::detail
