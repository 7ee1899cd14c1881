// ReloadableSampler: publication of a new delegate with release/acquire ordering.
#include "cli/reloadable_sampler.h"

namespace argus::cli {

ReloadableSampler::ReloadableSampler(std::unique_ptr<trace::Sampler> initial)
    : current_(initial.get()) {
  owned_.push_back(std::move(initial));
}

std::string ReloadableSampler::description() const {
  return current_.load(std::memory_order_acquire)->description();
}

void ReloadableSampler::replace(std::unique_ptr<trace::Sampler> next) {
  std::lock_guard lock(mutex_);
  current_.store(next.get(), std::memory_order_release);
  owned_.push_back(std::move(next));
}

std::size_t ReloadableSampler::generation() const {
  std::lock_guard lock(mutex_);
  return owned_.size();
}

}  // namespace argus::cli
