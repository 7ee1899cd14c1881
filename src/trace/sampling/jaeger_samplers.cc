// Jaeger's client samplers (const, probabilistic, rateLimiting) with the decisions and tags
// jaeger-client-go produces, so traces sampled here look as Jaeger users expect.
#include <algorithm>
#include <cmath>
#include <mutex>

#include "argus/trace/sampler.h"

namespace argus::trace {
namespace {

constexpr std::uint64_t kMaxRandomNumber = ~(std::uint64_t{1} << 63);

SamplingDecision decide(bool sampled) {
  return sampled ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop;
}

double sanitize(double v, double fallback) {
  return std::isfinite(v) ? v : fallback;
}

class JaegerConstSampler final : public Sampler {
 public:
  explicit JaegerConstSampler(bool decision)
      : decision_(decision), tags_{{"sampler.type", "const"}, {"sampler.param", decision}} {}
  SamplingResult should_sample(const SamplingParams&) noexcept override {
    return {decide(decision_), tags_};
  }
  std::string description() const override {
    return std::string("JaegerConstSampler{") + (decision_ ? "true" : "false") + "}";
  }

 private:
  bool decision_;
  KeyValue tags_[2];
};

class JaegerProbabilisticSampler final : public Sampler {
 public:
  explicit JaegerProbabilisticSampler(double rate)
      : rate_(std::clamp(sanitize(rate, 0.0), 0.0, 1.0)),
        boundary_(static_cast<std::uint64_t>(static_cast<double>(kMaxRandomNumber) * rate_)),
        tags_{{"sampler.type", "probabilistic"}, {"sampler.param", rate_}} {}
  SamplingResult should_sample(const SamplingParams& p) noexcept override {
    return {decide(boundary_ >= (p.trace_id.low() & kMaxRandomNumber)), tags_};
  }
  std::string description() const override {
    return "JaegerProbabilisticSampler{" + std::to_string(rate_) + "}";
  }

 private:
  double rate_;
  std::uint64_t boundary_;
  KeyValue tags_[2];
};

class JaegerRateLimitingSampler final : public Sampler {
 public:
  JaegerRateLimitingSampler(double per_second, Clock& clock)
      : per_second_(std::max(0.0, sanitize(per_second, 0.0))),
        max_balance_(std::max(per_second_, 1.0)),
        balance_(max_balance_),
        last_tick_ns_(clock.monotonic_ns()),
        clock_(clock),
        tags_{{"sampler.type", "ratelimiting"}, {"sampler.param", per_second_}} {}

  SamplingResult should_sample(const SamplingParams&) noexcept override {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.monotonic_ns();
    const double elapsed_s = static_cast<double>(now - last_tick_ns_) / 1e9;
    last_tick_ns_ = now;
    balance_ = std::min(max_balance_, balance_ + std::max(0.0, elapsed_s) * per_second_);
    const bool sampled = balance_ >= 1.0;
    if (sampled) balance_ -= 1.0;
    return {decide(sampled), tags_};
  }
  std::string description() const override {
    return "JaegerRateLimitingSampler{" + std::to_string(per_second_) + "}";
  }

 private:
  const double per_second_;
  const double max_balance_;
  std::mutex mutex_;
  double balance_;
  std::int64_t last_tick_ns_;
  Clock& clock_;
  KeyValue tags_[2];
};

}  // namespace

std::unique_ptr<Sampler> make_jaeger_const_sampler(bool decision) {
  return std::make_unique<JaegerConstSampler>(decision);
}
std::unique_ptr<Sampler> make_jaeger_probabilistic_sampler(double rate) {
  return std::make_unique<JaegerProbabilisticSampler>(rate);
}
std::unique_ptr<Sampler> make_jaeger_rate_limiting_sampler(double traces_per_second, Clock& clock) {
  return std::make_unique<JaegerRateLimitingSampler>(traces_per_second, clock);
}

}  // namespace argus::trace
