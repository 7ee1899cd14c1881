// Posts encoded batches to a collector with the retry rules shared by the OTLP and Zipkin
// exporters: 2xx is success; 429, 502, 503, 504 and transport errors are retried with exponential
// backoff (honouring Retry-After) within the RetryPolicy's bounds; redirects and other statuses
// drop the batch. Every outcome is counted; each kind of failure is logged once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "argus/trace/export/exporter_stats.h"
#include "argus/trace/exporter.h"
#include "trace/export/http/http_client.h"
#include "trace/export/http/stats_recorder.h"

namespace argus::trace::exporting {

struct HttpSenderOptions {
  std::string name;  // prefix of log lines, e.g. "otlp exporter"
  HttpClientOptions client;
  HttpHeaders headers;  // content type, encoding, authorization, user headers
  RetryPolicy retry;
  LogHook log;
};

// The sender settings every HTTP exporter takes from its options in the same way: one timeout
// for connecting and for each request, the response cap, the CA file, retries and the log hook.
template <typename ExporterOptions, typename Url>
HttpSenderOptions sender_options(std::string name, Url url, ExporterOptions& o) {
  HttpSenderOptions s;
  s.name = std::move(name);
  s.client.url = std::move(url);
  s.client.connect_timeout = o.timeout;
  s.client.request_timeout = o.timeout;
  s.client.max_response_bytes = o.max_response_bytes;
  s.client.ca_file = o.ca_file;
  s.retry = o.retry;
  s.log = std::move(o.log);
  return s;
}

class HttpSender {
 public:
  static Expected<std::unique_ptr<HttpSender>> create(HttpSenderOptions options);

  ExportResult send(std::string_view body, std::size_t span_count) noexcept;
  // Makes a send in progress (including a backoff wait) and all later ones fail promptly.
  void shutdown() noexcept;
  bool is_shut_down() const noexcept;
  ExporterStats stats() const { return stats_.snapshot(); }
  StatsRecorder& recorder() { return stats_; }
  std::uint64_t connections_opened() const noexcept { return client_->connections_opened(); }

 private:
  HttpSender(HttpSenderOptions options, std::unique_ptr<HttpClient> client);
  // Waits `delay` unless shut down first; false when shut down.
  bool backoff(std::chrono::milliseconds delay);

  HttpSenderOptions options_;
  std::unique_ptr<HttpClient> client_;
  StatsRecorder stats_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool shut_down_ = false;
};

// Parses a Retry-After value (delay-seconds or an HTTP-date, relative to `now`); nullopt when
// absent or malformed.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace argus::trace::exporting
