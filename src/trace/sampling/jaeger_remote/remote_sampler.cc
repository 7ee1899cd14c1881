// Jaeger remote sampler; see argus/trace/export/jaeger.h. The current strategy is an immutable
// object behind an atomic shared_ptr: should_sample() never blocks on a poll, and a poll swaps
// the whole strategy at once. A background thread polls every refresh_interval; its waits end
// early on destruction, and the HTTP client is aborted so a hanging server cannot delay it.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "argus/trace/export/jaeger.h"
#include "trace/export/http/http_client.h"
#include "trace/export/http/stats_recorder.h"
#include "trace/sampling/jaeger_remote/strategy.h"

namespace argus::trace::jaeger {

namespace {
constexpr std::size_t kMaxStrategyBytes = 1 << 20;

class Remote final : public RemoteSampler {
 public:
  Remote(RemoteSamplerOptions o, std::string url, std::unique_ptr<exporting::HttpClient> client)
      : o_(std::move(o)),
        url_(std::move(url)),
        client_(std::move(client)),
        clock_(o_.clock ? *o_.clock : system_clock()),
        fallback_(make_trace_id_ratio_sampler(o_.fallback_ratio)),
        log_("jaeger remote sampler", o_.log) {
    if (o_.poll_in_background) poller_ = std::thread([this] { poll_loop(); });
  }

  ~Remote() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (client_) client_->abort();
    if (poller_.joinable()) poller_.join();
  }

  SamplingResult should_sample(const SamplingParams& p) noexcept override {
    if (p.parent && p.parent->is_valid()) {
      bool follow = p.parent->is_sampled() || p.parent->debug;
      return {follow ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop, {}};
    }
    auto strategy = strategy_.load(std::memory_order_acquire);
    if (!strategy) return fallback_->should_sample(p);
    return strategy->sample(p);
  }

  std::string description() const override {
    auto strategy = strategy_.load();
    return "JaegerRemoteSampler{" +
           (strategy ? strategy->description() : fallback_->description()) + "}";
  }

  bool refresh_now() override {
    std::lock_guard lock(refresh_mu_);
    polls_.fetch_add(1);
    auto body = fetch();
    Expected<std::unique_ptr<Strategy>> parsed =
        body ? parse_strategy(*body, clock_, {o_.max_operations, 1e6}) : body.error();
    if (!parsed) {
      failed_polls_.fetch_add(1);
      strategy_.store(nullptr, std::memory_order_release);  // back to the fallback ratio
      set_error(parsed.error().message);
      return false;
    }
    std::shared_ptr<Strategy> fresh(std::move(*parsed));
    strategy_.store(std::move(fresh), std::memory_order_release);
    return true;
  }

  RemoteSamplerStats stats() const override {
    RemoteSamplerStats s;
    s.polls = polls_.load();
    s.failed_polls = failed_polls_.load();
    std::lock_guard lock(mu_);
    s.last_error = last_error_;
    return s;
  }

 private:
  Expected<std::string> fetch() {
    if (o_.fetch) return o_.fetch(url_);
    auto res = client_->request(false, {}, {{"Accept", "application/json"}});
    if (!res) return res.error();
    if (res->status != 200) {
      return Error{Error::Code::unavailable,
                   "HTTP " + std::to_string(res->status) + " from " + url_};
    }
    return std::move(res->body);
  }

  void set_error(const std::string& message) {
    {
      std::lock_guard lock(mu_);
      last_error_ = message;
    }
    log_.note(message.substr(0, message.find(':')), message + "; sampling with trace_id_ratio(" +
                                                        std::to_string(o_.fallback_ratio) + ")");
  }

  void poll_loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      refresh_now();
      lock.lock();
      cv_.wait_for(lock, o_.refresh_interval, [&] { return stop_; });
    }
  }

  RemoteSamplerOptions o_;
  std::string url_;
  std::unique_ptr<exporting::HttpClient> client_;
  Clock& clock_;
  std::unique_ptr<Sampler> fallback_;
  exporting::StatsRecorder log_;
  std::atomic<std::shared_ptr<Strategy>> strategy_;
  std::atomic<std::uint64_t> polls_{0}, failed_polls_{0};
  std::mutex refresh_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::string last_error_;
  std::thread poller_;
};
}  // namespace

Expected<std::unique_ptr<RemoteSampler>> make_remote_sampler_handle(RemoteSamplerOptions o) {
  auto invalid = [](std::string m) { return Error{Error::Code::invalid_config, std::move(m)}; };
  if (o.service_name.empty()) return invalid("jaeger remote sampler: service_name is required");
  if (o.refresh_interval <= std::chrono::milliseconds(0)) {
    return invalid("jaeger remote sampler: refresh_interval must be positive");
  }
  if (!(o.fallback_ratio >= 0 && o.fallback_ratio <= 1)) {
    return invalid("jaeger remote sampler: fallback_ratio must be within [0, 1]");
  }
  std::string url = o.server_url + (o.server_url.find('?') == std::string::npos ? "?" : "&") +
                    "service=" + exporting::url_encode(o.service_name);
  std::unique_ptr<exporting::HttpClient> client;
  if (!o.fetch) {
    auto parsed = exporting::parse_url(url);
    if (!parsed) return invalid("jaeger remote sampler: " + parsed.error().message);
    exporting::HttpClientOptions c;
    c.url = *parsed;
    c.connect_timeout = o.timeout;
    c.request_timeout = o.timeout;
    c.max_response_bytes = kMaxStrategyBytes;
    auto made = exporting::HttpClient::create(c);
    if (!made) return invalid("jaeger remote sampler: " + made.error().message);
    client = std::move(*made);
  }
  return std::unique_ptr<RemoteSampler>(
      new Remote(std::move(o), std::move(url), std::move(client)));
}

Expected<std::unique_ptr<Sampler>> make_remote_sampler(RemoteSamplerOptions o) {
  auto s = make_remote_sampler_handle(std::move(o));
  if (!s) return s.error();
  return std::unique_ptr<Sampler>(std::move(*s));
}

}  // namespace argus::trace::jaeger
