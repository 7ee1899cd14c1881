// A small blocking HTTP/1.1 client for the CLI's admin/public API commands (Boost.Beast over
// plain TCP). One request per connection; a timeout bounds connect, write and read.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "argus/trace/expected.h"

namespace argus::cli {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // http://host:port/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
};

trace::Expected<HttpResponse> http_send(const HttpRequest& request);

// application/x-www-form-urlencoded escaping of one value.
std::string form_escape(std::string_view s);
// Percent-escaping of one path segment.
std::string path_escape(std::string_view s);

}  // namespace argus::cli
