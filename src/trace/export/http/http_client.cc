// Beast implementation of HttpClient; see http_client.h. Every operation is asynchronous on a
// private io_context that the calling thread runs until the operation completes; the stream's
// expiry implements the timeouts and io_context::stop() implements abort().
#include "trace/export/http/http_client.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace argus::trace::exporting {

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Error io_error(std::string what, const error_code& ec) {
  auto code = ec == beast::error::timeout ? Error::Code::timeout : Error::Code::io;
  return Error{code, what + ": " + ec.message()};
}

class BeastClient final : public HttpClient {
 public:
  BeastClient(HttpClientOptions options, std::unique_ptr<asio::ssl::context> tls)
      : options_(std::move(options)), tls_(std::move(tls)) {
    host_header_ = options_.url.host.find(':') != std::string::npos ? "[" + options_.url.host + "]"
                                                                    : options_.url.host;
    if (options_.url.port != (options_.url.tls ? 443 : 80)) {
      host_header_ += ":" + std::to_string(options_.url.port);
    }
  }
  ~BeastClient() override { close(); }

  Expected<HttpResponse> request(bool post, std::string_view body,
                                 const HttpHeaders& headers) override {
    if (aborted_.load()) return Error{Error::Code::unavailable, "client shut down"};
    const bool reused = connected_;
    if (!connected_) {
      if (auto err = connect()) return *err;
    }
    auto result = exchange(post, body, headers);
    if (!result && reused && result.error().code != Error::Code::timeout && !aborted_.load()) {
      // The collector may have closed the idle kept-alive connection: one fresh attempt.
      close();
      if (auto err = connect()) return *err;
      result = exchange(post, body, headers);
    }
    if (!result || !keep_alive_) close();
    return result;
  }

  void abort() noexcept override {
    aborted_.store(true);
    ioc_.stop();
  }

  std::uint64_t connections_opened() const noexcept override { return opened_.load(); }

 private:
  // Runs the io_context until `done` or abort; false on abort.
  bool run(const bool& done) {
    ioc_.restart();
    if (aborted_.load()) return false;
    while (!done) {
      if (ioc_.run_one() == 0) break;
    }
    return done && !aborted_.load();
  }

  beast::tcp_stream& tcp() { return tls_stream_ ? beast::get_lowest_layer(*tls_stream_) : *plain_; }

  std::optional<Error> connect() {
    close();
    if (tls_) {
      tls_stream_.emplace(ioc_, *tls_);
    } else {
      plain_.emplace(ioc_);
    }
    tcp::resolver resolver(ioc_);
    bool done = false;
    error_code ec;
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(options_.url.host, std::to_string(options_.url.port),
                           [&](error_code e, tcp::resolver::results_type r) {
                             ec = e, endpoints = std::move(r), done = true;
                           });
    if (!run(done)) return aborted();
    if (ec) return io_error("resolve " + options_.url.host, ec);
    done = false;
    tcp().expires_after(options_.connect_timeout);
    tcp().async_connect(endpoints,
                        [&](error_code e, const tcp::endpoint&) { ec = e, done = true; });
    if (!run(done)) return aborted();
    if (ec) return io_error("connect " + options_.url.to_string(), ec);
    opened_.fetch_add(1);
    tcp().socket().set_option(tcp::no_delay(true), ec);
    if (tls_stream_) {
      if (auto err = handshake()) return err;
    }
    connected_ = true;
    return std::nullopt;
  }

  std::optional<Error> handshake() {
    auto* ssl = tls_stream_->native_handle();
    if (!SSL_set_tlsext_host_name(ssl, options_.url.host.c_str())) {
      return Error{Error::Code::io, "TLS: cannot set SNI"};
    }
    tls_stream_->set_verify_callback(asio::ssl::host_name_verification(options_.url.host));
    bool done = false;
    error_code ec;
    tcp().expires_after(options_.connect_timeout);
    tls_stream_->async_handshake(asio::ssl::stream_base::client,
                                 [&](error_code e) { ec = e, done = true; });
    if (!run(done)) return aborted();
    if (ec) return io_error("TLS handshake with " + options_.url.host, ec);
    return std::nullopt;
  }

  // The body is a view of the caller's buffer: an export batch is not copied again.
  using Request = http::request<http::span_body<const char>>;

  template <typename Stream>
  Expected<HttpResponse> exchange_on(Stream& stream, Request& req) {
    bool done = false;
    error_code ec;
    tcp().expires_after(options_.request_timeout);
    http::async_write(stream, req, [&](error_code e, std::size_t) { ec = e, done = true; });
    if (!run(done)) return aborted();
    if (ec) return io_error("send to " + options_.url.to_string(), ec);
    http::response_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(options_.max_response_bytes);
    done = false;
    http::async_read(stream, buffer_, parser,
                     [&](error_code e, std::size_t) { ec = e, done = true; });
    if (!run(done)) return aborted();
    if (ec == http::error::body_limit) {
      return Error{Error::Code::io, "response larger than " +
                                        std::to_string(options_.max_response_bytes) + " bytes"};
    }
    if (ec) return io_error("read from " + options_.url.to_string(), ec);
    auto& res = parser.get();
    keep_alive_ = res.keep_alive();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    out.content_type = std::string(res[http::field::content_type]);
    out.retry_after = std::string(res[http::field::retry_after]);
    out.location = std::string(res[http::field::location]);
    return out;
  }

  Expected<HttpResponse> exchange(bool post, std::string_view body, const HttpHeaders& headers) {
    Request req{post ? http::verb::post : http::verb::get, options_.url.target, 11};
    req.set(http::field::host, host_header_);
    req.set(http::field::user_agent, "argus-trace/0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (post) {
      req.body() = {body.data(), body.size()};
      req.prepare_payload();
    }
    req.keep_alive(true);
    if (tls_stream_) return exchange_on(*tls_stream_, req);
    return exchange_on(*plain_, req);
  }

  Error aborted() {
    close();
    return Error{Error::Code::unavailable, "client shut down"};
  }

  void close() noexcept {
    error_code ec;
    if (plain_) plain_->socket().close(ec);
    if (tls_stream_) beast::get_lowest_layer(*tls_stream_).socket().close(ec);
    // Drop handlers of operations that an abort interrupted before destroying the streams.
    ioc_.restart();
    ioc_.poll();
    plain_.reset();
    tls_stream_.reset();
    buffer_.clear();
    connected_ = false;
    keep_alive_ = true;
  }

  HttpClientOptions options_;
  std::unique_ptr<asio::ssl::context> tls_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream_;
  beast::flat_buffer buffer_;
  std::string host_header_;
  bool connected_ = false;
  bool keep_alive_ = true;
  std::atomic<bool> aborted_{false};
  std::atomic<std::uint64_t> opened_{0};
};
}  // namespace

Expected<std::unique_ptr<HttpClient>> HttpClient::create(HttpClientOptions options) {
  std::unique_ptr<asio::ssl::context> tls;
  if (options.url.tls) {
    tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    error_code ec;
    tls->set_default_verify_paths(ec);
    if (ec) return Error{Error::Code::invalid_config, "TLS: no system CA store: " + ec.message()};
    if (!options.ca_file.empty()) {
      tls->load_verify_file(options.ca_file, ec);
      if (ec) {
        return Error{Error::Code::invalid_config,
                     "TLS: cannot load CA file " + options.ca_file + ": " + ec.message()};
      }
    }
    tls->set_verify_mode(asio::ssl::verify_peer);
  }
  return std::unique_ptr<HttpClient>(new BeastClient(std::move(options), std::move(tls)));
}

}  // namespace argus::trace::exporting
