// Sampling strategies as answered by a Jaeger sampling server (the JSON form of sampling.thrift's
// SamplingStrategyResponse), parsed into immutable decision objects. Anything malformed or absurd
// (wrong types, NaN, probabilities outside [0, 1], negative rates) is rejected with a reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "argus/trace/clock.h"
#include "argus/trace/expected.h"
#include "argus/trace/sampler.h"

namespace argus::trace::jaeger {

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Decides for a root span (the caller handles parents).
  virtual SamplingResult sample(const SamplingParams& params) noexcept = 0;
  virtual std::string description() const = 0;
};

struct StrategyLimits {
  std::size_t max_operations = 2000;
  double max_traces_per_second = 1e6;
};

Expected<std::unique_ptr<Strategy>> parse_strategy(std::string_view json, Clock& clock,
                                                   const StrategyLimits& limits);

}  // namespace argus::trace::jaeger
