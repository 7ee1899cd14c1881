// A small blocking HTTP/1.1 client for the export thread (Boost.Beast, OpenSSL): one kept-alive
// connection to one origin, connect and request timeouts, TLS verified against the system CA
// store, bounded response size. Redirects are returned as they are (callers treat them as
// failures: a collector URL that redirects is misconfigured). abort() may be called from any
// thread and makes a request in progress, and every later one, fail at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argus/trace/expected.h"
#include "trace/export/http/url.h"

namespace argus::trace::exporting {

struct HttpClientOptions {
  Url url;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_response_bytes = 64 * 1024;
  std::string ca_file;  // extra trusted CAs (PEM), on top of the system store
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;  // raw header value, empty when absent
  std::string location;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  static Expected<std::unique_ptr<HttpClient>> create(HttpClientOptions options);
  virtual ~HttpClient() = default;

  // Sends one request to the configured URL (GET when `post` is false) and reads the response.
  // Transport problems (refused, timeout, closed, TLS, oversized or malformed response) are
  // errors; any HTTP status is a response.
  virtual Expected<HttpResponse> request(bool post, std::string_view body,
                                         const HttpHeaders& headers) = 0;
  virtual void abort() noexcept = 0;
  // Number of TCP connections opened so far (keep-alive is observable in tests).
  virtual std::uint64_t connections_opened() const noexcept = 0;
};

}  // namespace argus::trace::exporting
