#include "service/http_client.h"

#include <openssl/evp.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace argus::service_test {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

namespace {

void set_timeouts(tcp::socket& socket, std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

HttpResult http_request(std::uint16_t port, bhttp::verb method, const std::string& target,
                        const std::string& body, const Headers& headers) {
  HttpResult result;
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return result;
  set_timeouts(socket, std::chrono::seconds(30));
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(bhttp::field::user_agent, "argus-service-test");
  for (const auto& [k, v] : headers) req.insert(k, v);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(false);
  bhttp::write(socket, req, ec);
  if (ec) return result;
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res, ec);
  if (ec) return result;  // includes end_of_stream before any response
  result.status = res.result_int();
  result.headers = res.base();
  result.body = res.body();
  return result;
}

std::string raw_exchange(std::uint16_t port, const std::string& raw,
                         std::chrono::milliseconds timeout, bool* closed) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (closed) *closed = false;
  if (ec) return {};
  set_timeouts(socket, timeout);
  asio::write(socket, asio::buffer(raw), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    std::size_t n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) {
      if (closed) *closed = ec == asio::error::eof || ec == asio::error::connection_reset;
      break;
    }
  }
  return out;
}

std::string basic_auth(const std::string& id, const std::string& secret) {
  std::string plain = form_encode(id) + ":" + form_encode(secret);
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

std::string form_encode(const std::string& s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

}  // namespace argus::service_test
