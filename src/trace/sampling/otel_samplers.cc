// OpenTelemetry's built-in samplers. The ratio sampler reproduces opentelemetry-go exactly
// (Ory's services use it), so an Argus process and a Hydra or Kratos process configured with the
// same ratio keep or drop the same traces.
#include <cmath>
#include <cstdio>

#include "argus/trace/sampler.h"

namespace argus::trace {
namespace {

class ConstantSampler final : public Sampler {
 public:
  explicit ConstantSampler(bool on) : on_(on) {}
  SamplingResult should_sample(const SamplingParams&) noexcept override {
    return {on_ ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop};
  }
  std::string description() const override { return on_ ? "AlwaysOnSampler" : "AlwaysOffSampler"; }
  SamplerShortcuts shortcuts() const noexcept override {
    const auto fixed = on_ ? SamplerShortcut::kSample : SamplerShortcut::kDrop;
    return {fixed, fixed};
  }

 private:
  bool on_;
};

class TraceIdRatioSampler final : public Sampler {
 public:
  explicit TraceIdRatioSampler(double ratio) : ratio_(clamp(ratio)) {
    // 2^63 as a double is exact; ratio 1 must sample every id, including x = 2^63 - 1.
    upper_bound_ = ratio_ >= 1.0 ? ~std::uint64_t{0}
                                 : static_cast<std::uint64_t>(ratio_ * 9223372036854775808.0);
  }
  SamplingResult should_sample(const SamplingParams& p) noexcept override {
    const std::uint64_t x = p.trace_id.low() >> 1;
    return {x < upper_bound_ ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop};
  }
  // At 1 every id is sampled (x < 2^63 <= upper_bound_), at 0 none.
  SamplerShortcuts shortcuts() const noexcept override {
    if (ratio_ >= 1.0) return {SamplerShortcut::kSample, SamplerShortcut::kSample};
    if (ratio_ <= 0.0) return {SamplerShortcut::kDrop, SamplerShortcut::kDrop};
    return {};
  }
  std::string description() const override {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "TraceIDRatioBased{%g}", ratio_);
    return buf;
  }

 private:
  static double clamp(double r) noexcept {
    if (std::isnan(r) || r <= 0.0) return 0.0;
    return r >= 1.0 ? 1.0 : r;
  }
  double ratio_;
  std::uint64_t upper_bound_;
};

class ParentBasedSampler final : public Sampler {
 public:
  explicit ParentBasedSampler(std::unique_ptr<Sampler> root) : root_(std::move(root)) {}
  SamplingResult should_sample(const SamplingParams& p) noexcept override {
    if (p.parent == nullptr || !p.parent->is_valid()) return root_->should_sample(p);
    const bool follow = p.parent->is_sampled() || (p.parent->remote && p.parent->debug);
    return {follow ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop};
  }
  std::string description() const override {
    return "ParentBased{root:" + root_->description() + "}";
  }
  SamplerShortcuts shortcuts() const noexcept override {
    return {root_->shortcuts().root, SamplerShortcut::kFollowParent};
  }

 private:
  std::unique_ptr<Sampler> root_;
};

}  // namespace

std::unique_ptr<Sampler> make_always_on_sampler() {
  return std::make_unique<ConstantSampler>(true);
}
std::unique_ptr<Sampler> make_always_off_sampler() {
  return std::make_unique<ConstantSampler>(false);
}
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio) {
  return std::make_unique<TraceIdRatioSampler>(ratio);
}
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root) {
  if (!root) root = make_always_on_sampler();
  return std::make_unique<ParentBasedSampler>(std::move(root));
}

}  // namespace argus::trace
