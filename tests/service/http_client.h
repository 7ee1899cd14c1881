// A small blocking HTTP/1.1 client for the service tests (Beast over a real loopback socket),
// plus a raw-bytes exchange for requests no well-behaved client would send.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace argus::service_test {

struct HttpResult {
  unsigned status = 0;  // 0: no response (connection failed or closed)
  boost::beast::http::fields headers;
  std::string body;
  std::string header(const std::string& name) const;
  boost::json::value json() const;  // null when the body is not JSON
};

using Headers = std::vector<std::pair<std::string, std::string>>;

HttpResult http_request(std::uint16_t port, boost::beast::http::verb method,
                        const std::string& target, const std::string& body = {},
                        const Headers& headers = {});

// Sends `raw` as is, then reads whatever comes back until the server closes the connection or
// `timeout` passes. `closed` reports whether the server closed it.
std::string raw_exchange(std::uint16_t port, const std::string& raw,
                         std::chrono::milliseconds timeout, bool* closed = nullptr);

// "Basic base64(id:secret)".
std::string basic_auth(const std::string& id, const std::string& secret);
std::string form_encode(const std::string& s);

}  // namespace argus::service_test
