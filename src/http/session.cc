// One connection: read a request (idle timeout until its first byte, then a read timeout for the
// whole of it), route it, run the handler, write the response, repeat while keep-alive holds.
// The coroutine runs on a strand of the worker pool: the io_context's threads only wait for
// readiness and hand the completion over, so a request costs one thread hand-off and the
// handler never runs on an I/O thread (CPU-heavy handlers go on to a pool of their own).
// Responses are written with a non-blocking send from the worker (a small response fits the
// socket buffer); only a full buffer falls back to an asynchronous write. Malformed or oversized
// requests get a JSON error and a lingering close so the client reads the error, not a reset.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <exception>

#include "http/response_writer.h"
#include "http/server_core.h"

// GCC 12 reports a false -Wmismatched-new-delete where a coroutine frame of Asio's awaitable is
// freed (its class-specific operator new and delete do match); which function it hits depends on
// inlining, so it is silenced for this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace argus::http::detail {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Parser = bhttp::request_parser<bhttp::string_body>;
using SessionPtr = std::shared_ptr<SessionState>;
// Coroutines typed with their strand's executor (not any_io_executor).
template <class T>
using Task = asio::awaitable<T, SessionStrand>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable_t<SessionStrand>{});
constexpr std::size_t kReadSize = 8192;

// Removes the session from the registry however the coroutine ends (even by destruction).
struct Registration {
  ServerCore& core;
  std::list<std::weak_ptr<SessionState>>::iterator it;
  Registration(ServerCore& c, const SessionPtr& s) : core(c) {
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

// Closes the connection however the coroutine ends (even by destruction), so neither the
// timer's pending wake-up nor the socket outlives the conversation.
struct Closer {
  SessionState& s;
  ~Closer() {
    s.finished = true;
    error_code ignored;
    s.timer.cancel();
    s.socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    s.socket.close(ignored);
  }
};

// --- Deadlines --------------------------------------------------------------------------------

void arm_timer(const SessionPtr& s, Clock::time_point at);

void on_timer(const SessionPtr& s, unsigned generation, const error_code& ec) {
  if (generation != s->timer_generation) return;  // re-armed since
  s->timer_armed = false;
  if (ec || s->finished || s->deadline == Clock::time_point::max()) return;
  if (Clock::now() < s->deadline) {
    arm_timer(s, s->deadline);  // the deadline moved on since the timer was armed
    return;
  }
  s->timed_out = true;
  error_code ignored;
  s->socket.cancel(ignored);  // the pending read or write ends with operation_aborted
}

void arm_timer(const SessionPtr& s, Clock::time_point at) {
  unsigned generation = ++s->timer_generation;
  s->timer_armed = true;
  s->armed_for = at;
  s->timer.expires_at(at);
  s->timer.async_wait(asio::bind_executor(
      s->strand, [s, generation](const error_code& ec) { on_timer(s, generation, ec); }));
}

// Bounds the next I/O wait. A later deadline than the armed one costs nothing now.
void set_deadline(const SessionPtr& s, Clock::time_point at) {
  s->deadline = at;
  if (!s->timer_armed || at < s->armed_for) arm_timer(s, at);
}

void clear_deadline(SessionState& s) {
  s.deadline = Clock::time_point::max();
}

// The error of a finished wait, with a cancellation by the deadline reported as a timeout.
error_code waited(SessionState& s, error_code ec) {
  clear_deadline(s);
  if (ec == asio::error::operation_aborted && s.timed_out) return beast::error::timeout;
  return ec;
}

// --- Requests ---------------------------------------------------------------------------------

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

Response invoke(const Handler& handler, Request& request) noexcept {
  try {
    return handler(request);
  } catch (const std::exception&) {
    return json_error(500, "server_error", "The server failed to handle the request.");
  } catch (...) {
    return json_error(500, "server_error", "The server failed to handle the request.");
  }
}

Response route_error(RouteMatch& match) {
  switch (match.kind) {
    case RouteMatch::Kind::kMethodNotAllowed: {
      Response resp =
          json_error(405, "method_not_allowed", "Allowed methods: " + match.allowed + ".");
      resp.with_header("Allow", std::move(match.allowed));
      return resp;
    }
    case RouteMatch::Kind::kBadPath:
      return json_error(400, "invalid_request", "The request path is malformed.");
    default:
      return json_error(404, "not_found", "The requested resource does not exist.");
  }
}

// A request's target split and matched against the listener's routes.
struct Routed {
  std::string_view path, query, route;
  RouteMatch match;
};

Routed route_request(const Listener& listener, const BeastRequest& req) {
  Routed r;
  std::string_view target(req.target().data(), req.target().size());
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string_view::npos) r.query = target.substr(q + 1);
  if (!r.path.empty() && r.path.front() == '/')
    r.match = listener.router->match(req.method(), r.path);
  else
    r.match.kind = RouteMatch::Kind::kBadPath;
  if (r.match.route) r.route = r.match.route->pattern;
  return r;
}

Request make_request(const BeastRequest& req, Routed& r, const ConnectionInfo& conn,
                     Exchange& exchange) {
  return Request{req,
                 r.path,
                 r.query,
                 r.route,
                 std::move(r.match.params),
                 conn.client_address,
                 exchange.context(),
                 &exchange.span()};
}

// A CPU-heavy handler runs on its own pool while the connection waits.
Task<Response> run_cpu_heavy(ServerCore& core, const Route& route, Request& request) {
  co_return co_await asio::co_spawn(
      core.cpu_heavy,
      [&]() -> asio::awaitable<Response> { co_return invoke(route.handler, request); },
      asio::use_awaitable_t<SessionStrand>{});
}

// Feeds buffered bytes to the parser. need_more: the request is incomplete, read more.
error_code parse_buffered(Parser& parser, beast::flat_buffer& buffer, bool& need_more) {
  while (buffer.size() > 0 && !parser.is_done()) {
    error_code ec;
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec == bhttp::error::need_more) break;  // an incomplete header stays buffered
    if (ec) return ec;
  }
  need_more = !parser.is_done();
  return {};
}

bool wants_continue(const Parser& parser) {
  return parser.is_header_done() &&
         beast::iequals(parser.get()[bhttp::field::expect], "100-continue");
}

// Sends what the non-blocking socket takes now; `sent` counts it. False only on a hard error.
bool send_now(SessionState& s, std::string_view data, std::size_t& sent) {
  error_code ec;
  sent = asio::write(s.socket, asio::buffer(data), ec);
  return !ec || ec == asio::error::would_block || ec == asio::error::try_again;
}

// Writes all of `data` (the socket buffer was full: wait for room, bounded by the write timeout).
Task<bool> send_rest(ServerCore& core, SessionPtr s, std::string_view data) {
  set_deadline(s, Clock::now() + core.options.write_timeout);
  auto [ec, n] = co_await asio::async_write(s->socket, asio::buffer(data), kTuple);
  co_return !waited(*s, ec);
}

Task<bool> send(ServerCore& core, const SessionPtr& s, std::string_view data) {
  std::size_t sent = 0;
  if (!send_now(*s, data, sent)) co_return false;
  if (sent == data.size()) co_return true;
  co_return co_await send_rest(core, s, data.substr(sent));
}

// Reads more of a request whose first byte arrived; the whole request must arrive by
// `deadline`. A close mid-request is end_of_stream or Beast's partial_message.
Task<error_code> read_more(const SessionPtr& s, beast::flat_buffer& buffer, Parser& parser,
                           Clock::time_point deadline) {
  set_deadline(s, deadline);
  auto [ec, n] = co_await s->socket.async_read_some(buffer.prepare(kReadSize), kTuple);
  ec = waited(*s, ec);
  buffer.commit(n);
  if (ec == asio::error::eof) {
    if (!parser.got_some()) co_return bhttp::error::end_of_stream;
    ec = {};
    parser.put_eof(ec);
  }
  co_return ec;
}

// Reads one whole request into `parser`, answering "Expect: 100-continue".
Task<error_code> read_request(ServerCore& core, const SessionPtr& s, beast::flat_buffer& buffer,
                              Parser& parser) {
  const Clock::time_point deadline = Clock::now() + core.options.read_timeout;
  bool continued = false;
  for (;;) {
    bool need_more = false;
    if (auto ec = parse_buffered(parser, buffer, need_more); ec || !need_more) co_return ec;
    if (!continued && wants_continue(parser)) {
      continued = true;
      if (!co_await send(core, s, "HTTP/1.1 100 Continue\r\n\r\n"))
        co_return asio::error::broken_pipe;
    }
    if (auto ec = co_await read_more(s, buffer, parser, deadline)) co_return ec;
    if (parser.is_done()) co_return error_code{};
  }
}

// Half-closes, then drains what the client is still sending (bounded in bytes and time) so it
// sees our response rather than a connection reset.
Task<void> linger_close(SessionState& s) {
  error_code ec;
  s.socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  std::string sink(4096, '\0');
  for (std::size_t total = 0; total < 1024 * 1024 && !ec;) {
    std::size_t n = 0;
    std::tie(ec, n) = co_await s.socket.async_read_some(asio::buffer(sink), kTuple);
    total += n;
  }
  s.socket.close(ec);
}

ConnectionInfo connection_info(SessionState& s) {
  ConnectionInfo info;
  error_code ec;
  auto local = s.socket.local_endpoint(ec);
  if (!ec) {
    info.server_address = local.address().to_string();
    info.server_port = local.port();
  }
  auto remote = s.socket.remote_endpoint(ec);
  if (!ec) info.client_address = remote.address().to_string();
  return info;
}

// The common path (a whole request in one read, a response that fits the socket buffer) awaits
// nothing but the next request's first bytes.
Task<void> run_session(ServerCore& core, Listener& listener, SessionPtr s) {
  Registration registration(core, s);
  Closer closer{*s};
  ConnectionInfo conn = connection_info(*s);
  if (core.observe.tracer != nullptr) conn.span_attributes = core.connection_sets.get(conn);
  beast::flat_buffer buffer;
  std::string out;  // the serialised response, its capacity reused across requests
  for (;;) {
    s->idle = true;
    if (core.stopping.load()) break;
    if (buffer.size() == 0) {  // else the next request is already here (pipelined)
      set_deadline(s, Clock::now() + core.options.idle_timeout);
      auto [ec, n] = co_await s->socket.async_read_some(buffer.prepare(kReadSize), kTuple);
      buffer.commit(n);
      if (waited(*s, ec)) break;
    }
    s->idle = false;
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(core.options.header_limit));
    parser.body_limit(core.options.body_limit);
    parser.eager(true);
    bool need_more = false;
    error_code ec = parse_buffered(parser, buffer, need_more);
    if (!ec && need_more) ec = co_await read_request(core, s, buffer, parser);
    if (ec) {
      if (auto error = parse_error_response(ec)) {
        serialize_response(*error, 11, false, out);
        set_deadline(s, Clock::now() + std::chrono::seconds(1));
        if (co_await send(core, s, out)) co_await linger_close(*s);
      }
      break;  // timeouts (slow clients) and resets just close
    }
    const BeastRequest& req = parser.get();
    Routed routed = route_request(listener, req);
    Response resp;
    {
      Exchange exchange(core.observe, conn, req, routed.path, routed.route);
      if (routed.match.kind != RouteMatch::Kind::kFound) {
        resp = route_error(routed.match);
      } else if (const Route& route = *routed.match.route;
                 route.execution == Execution::kCpuHeavy) {
        Request request = make_request(req, routed, conn, exchange);
        resp = co_await run_cpu_heavy(core, route, request);
      } else {
        Request request = make_request(req, routed, conn, exchange);
        resp = invoke(route.handler, request);  // here, without a hand-off
      }
      exchange.finish(resp.status);
    }
    bool keep_alive = req.keep_alive() && !core.stopping.load();
    serialize_response(resp, req.version(), keep_alive, out);
    std::size_t sent = 0;
    if (!send_now(*s, out, sent)) break;
    if (sent < out.size() && !co_await send_rest(core, s, std::string_view(out).substr(sent)))
      break;
    if (!keep_alive) break;
  }
}

}  // namespace

void cancel_if_idle(SessionState& s) {
  error_code ignored;
  if (s.idle) s.socket.cancel(ignored);
}

void start_session(ServerCore& core, Listener& listener, IoSocket socket) {
  core.open_connections.fetch_add(1);
  error_code ec;
  socket.non_blocking(true, ec);  // responses are sent from the worker without blocking it
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  auto state = std::make_shared<SessionState>(
      std::move(socket),
      asio::make_strand(PoolExecutor(core.workers.get_executor(),
                                     core.options.io_batching ? &core.backlog : nullptr)));
  auto strand = state->strand;
  asio::co_spawn(strand, run_session(core, listener, std::move(state)), asio::detached);
}

}  // namespace argus::http::detail
