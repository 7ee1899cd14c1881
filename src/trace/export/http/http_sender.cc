// HttpSender; see http_sender.h.
#include "trace/export/http/http_sender.h"

#include <charconv>
#include <ctime>
#include <optional>

namespace argus::trace::exporting {

namespace {
using std::chrono::milliseconds;

bool retryable_status(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}
}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view v,
                                              std::chrono::system_clock::time_point now) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (r.ec == std::errc() && r.ptr == v.data() + v.size()) {
    if (seconds < 0 || seconds > 24 * 3600) return std::nullopt;
    return milliseconds(seconds * 1000);
  }
  std::tm tm{};
  std::string text(v);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto delta = std::chrono::duration_cast<milliseconds>(at - now);
  if (delta.count() < 0) return milliseconds(0);
  if (delta > std::chrono::hours(24)) return std::nullopt;
  return delta;
}

Expected<std::unique_ptr<HttpSender>> HttpSender::create(HttpSenderOptions options) {
  if (options.retry.max_attempts < 1) {
    return Error{Error::Code::invalid_config, "retry.max_attempts must be at least 1"};
  }
  auto client = HttpClient::create(options.client);
  if (!client) return client.error();
  return std::unique_ptr<HttpSender>(new HttpSender(std::move(options), std::move(*client)));
}

HttpSender::HttpSender(HttpSenderOptions options, std::unique_ptr<HttpClient> client)
    : options_(std::move(options)),
      client_(std::move(client)),
      stats_(options_.name, options_.log) {}

bool HttpSender::backoff(milliseconds delay) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, delay, [&] { return shut_down_; });
  return !shut_down_;
}

void HttpSender::shutdown() noexcept {
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
  }
  cv_.notify_all();
  client_->abort();
}

bool HttpSender::is_shut_down() const noexcept {
  std::lock_guard lock(mu_);
  return shut_down_;
}

ExportResult HttpSender::send(std::string_view body, std::size_t span_count) noexcept try {
  const auto& policy = options_.retry;
  const auto start = std::chrono::steady_clock::now();
  milliseconds next_backoff = policy.initial_backoff;
  std::string error, kind;
  for (int attempt = 1;; ++attempt) {
    if (is_shut_down()) {
      stats_.failed(span_count, "shutdown", "exporter is shut down");
      return ExportResult::kFailure;
    }
    std::optional<milliseconds> retry_after;
    auto res = client_->request(true, body, options_.headers);
    if (res && res->status >= 200 && res->status < 300) {
      stats_.exported(span_count);
      return ExportResult::kSuccess;
    }
    if (!res) {
      error = res.error().message;
      kind = res.error().code == Error::Code::timeout ? "timeout" : "transport";
    } else {
      error = "HTTP " + std::to_string(res->status) + " from " + options_.client.url.to_string();
      kind = "HTTP " + std::to_string(res->status);
      if (res->status >= 300 && res->status < 400) {
        error += " (redirects are not followed; fix the collector URL)";
      }
      if (!retryable_status(res->status)) break;
      retry_after = parse_retry_after(res->retry_after, std::chrono::system_clock::now());
    }
    if (attempt >= policy.max_attempts || is_shut_down()) break;
    milliseconds delay = retry_after.value_or(next_backoff);
    auto elapsed =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    if (elapsed + delay > policy.max_elapsed) {
      error += " (retry budget exhausted)";
      break;
    }
    stats_.note(kind + " (retrying)", error + "; retrying with backoff");
    if (!backoff(delay)) break;
    stats_.retried();
    next_backoff = std::min(next_backoff * 2, policy.max_backoff);
  }
  stats_.failed(span_count, kind, error);
  return ExportResult::kFailure;
} catch (...) {
  stats_.failed(span_count, "internal", "unexpected exception while exporting");
  return ExportResult::kFailure;
}

}  // namespace argus::trace::exporting
