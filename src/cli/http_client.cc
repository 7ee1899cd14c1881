// Blocking HTTP client on Boost.Beast. https endpoints are refused with a clear error: the CLI
// talks to the admin API, which is served over plain HTTP behind a TLS-terminating proxy.
#include "cli/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <cctype>

namespace argus::cli {
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using trace::Error;

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

trace::Expected<HttpResponse> http_send(const HttpRequest& request) {
  auto url = boost::urls::parse_absolute_uri(request.url);
  if (!url || url->encoded_host().empty()) {
    return Error{Error::Code::invalid_argument, "not an http URL: " + request.url};
  }
  if (url->scheme() != "http") {
    return Error{Error::Code::invalid_argument,
                 "only http:// endpoints are supported, got " + std::string(url->scheme())};
  }
  std::string host = url->host();
  std::string port = url->has_port() ? std::string(url->port()) : "80";
  std::string target = std::string(url->encoded_path().empty() ? "/" : url->encoded_path());
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  try {
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(request.timeout);
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req{http::string_to_verb(request.method), target, 11};
    req.set(http::field::host, std::string(url->encoded_host_and_port()));
    req.set(http::field::user_agent, "argus-cli");
    for (const auto& [k, v] : request.headers) req.set(k, v);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      req.body() = request.body;
      req.prepare_payload();
    }
    stream.expires_after(request.timeout);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    http::read(stream, buffer, parser);
    HttpResponse out;
    const auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
  } catch (const std::exception& e) {
    return Error{Error::Code::unavailable, request.method + " " + request.url + ": " + e.what()};
  }
}

namespace {
std::string escape(std::string_view s, bool form) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (form && c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}
}  // namespace

std::string form_escape(std::string_view s) {
  return escape(s, true);
}
std::string path_escape(std::string_view s) {
  return escape(s, false);
}

}  // namespace argus::cli
