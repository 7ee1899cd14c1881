// A sampler whose delegate can be replaced while spans are being started, so a SIGHUP can
// change sampling ratios live. should_sample() costs one atomic load more than the delegate;
// replaced delegates are kept until the sampler dies because a concurrent call may still be
// inside one (reloads are rare, so this is a handful of small objects at most).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "argus/trace/sampler.h"

namespace argus::cli {

class ReloadableSampler final : public trace::Sampler {
 public:
  explicit ReloadableSampler(std::unique_ptr<trace::Sampler> initial);
  trace::SamplingResult should_sample(const trace::SamplingParams& params) noexcept override {
    return current_.load(std::memory_order_acquire)->should_sample(params);
  }
  std::string description() const override;
  // The current delegate's: whoever replaces it refreshes the provider's copy.
  trace::SamplerShortcuts shortcuts() const noexcept override {
    return current_.load(std::memory_order_acquire)->shortcuts();
  }
  void replace(std::unique_ptr<trace::Sampler> next);
  std::size_t generation() const;  // how many delegates were installed in all

 private:
  std::atomic<trace::Sampler*> current_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<trace::Sampler>> owned_;
};

}  // namespace argus::cli
