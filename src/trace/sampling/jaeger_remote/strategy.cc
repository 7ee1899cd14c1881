// Parsing and evaluation of Jaeger sampling strategies; see strategy.h. The per-operation
// strategy follows Jaeger's "guaranteed throughput" sampler: an operation's span is sampled by its
// probabilistic sampler, or failing that by a lower-bound rate limiter, so rare operations still
// get at least `lowerBoundTracesPerSecond`. Operations the server did not list share the default
// probability and one default lower-bound limiter (no map insertion on the sampling path).
#include "trace/sampling/jaeger_remote/strategy.h"

#include <boost/json.hpp>
#include <cmath>

namespace argus::trace::jaeger {

namespace {
namespace json = boost::json;

Error invalid(std::string message) {
  return Error{Error::Code::invalid_argument, "sampling strategy: " + std::move(message)};
}

// A JSON number as double, or nullopt for other types.
std::optional<double> number(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

Expected<double> probability(const json::object& parent, std::string_view key) {
  auto v = number(parent.if_contains(key));
  if (!v) return invalid(std::string(key) + " missing or not a number");
  if (!std::isfinite(*v) || *v < 0 || *v > 1) {
    return invalid(std::string(key) + " must be within [0, 1]");
  }
  return *v;
}

Expected<double> rate(const json::object& parent, std::string_view key, double max) {
  auto v = number(parent.if_contains(key));
  if (!v) return invalid(std::string(key) + " missing or not a number");
  if (!std::isfinite(*v) || *v < 0 || *v > max) {
    return invalid(std::string(key) + " must be within [0, " + std::to_string(max) + "]");
  }
  return *v;
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

class SingleSampler final : public Strategy {
 public:
  explicit SingleSampler(std::unique_ptr<Sampler> s) : s_(std::move(s)) {}
  SamplingResult sample(const SamplingParams& p) noexcept override { return s_->should_sample(p); }
  std::string description() const override { return s_->description(); }

 private:
  std::unique_ptr<Sampler> s_;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
struct OperationSamplers;
using OperationMap =
    std::unordered_map<std::string, OperationSamplers, StringHash, std::equal_to<>>;

struct OperationSamplers {
  std::unique_ptr<Sampler> probabilistic;
  std::unique_ptr<Sampler> lower_bound;  // null when the lower bound is 0
};

class PerOperation final : public Strategy {
 public:
  PerOperation(OperationSamplers defaults, double default_p, double lower_bound, OperationMap ops)
      : defaults_(std::move(defaults)),
        default_p_(default_p),
        lower_bound_(lower_bound),
        ops_(std::move(ops)) {}

  SamplingResult sample(const SamplingParams& p) noexcept override {
    auto it = ops_.find(p.name);
    OperationSamplers& s = it == ops_.end() ? defaults_ : it->second;
    auto r = s.probabilistic->should_sample(p);
    if (r.decision == SamplingDecision::kRecordAndSample || !s.lower_bound) return r;
    return s.lower_bound->should_sample(p);
  }
  std::string description() const override {
    return "JaegerPerOperationSampler{default=" + std::to_string(default_p_) +
           ", lowerBound=" + std::to_string(lower_bound_) +
           ", operations=" + std::to_string(ops_.size()) + "}";
  }

 private:
  OperationSamplers defaults_;
  double default_p_;
  double lower_bound_;
  OperationMap ops_;
};

OperationSamplers make_op(double p, double lower_bound, Clock& clock) {
  return {make_jaeger_probabilistic_sampler(p),
          lower_bound > 0 ? make_jaeger_rate_limiting_sampler(lower_bound, clock) : nullptr};
}

Expected<std::unique_ptr<Strategy>> per_operation(const json::object& o, Clock& clock,
                                                  const StrategyLimits& limits) {
  auto def = probability(o, "defaultSamplingProbability");
  if (!def) return def.error();
  double lower = 0;
  if (o.contains("defaultLowerBoundTracesPerSecond")) {
    auto lb = rate(o, "defaultLowerBoundTracesPerSecond", limits.max_traces_per_second);
    if (!lb) return lb.error();
    lower = *lb;
  }
  OperationMap ops;
  if (const auto* list = o.if_contains("perOperationStrategies"); list && !list->is_null()) {
    if (!list->is_array()) return invalid("perOperationStrategies must be an array");
    if (list->get_array().size() > limits.max_operations) {
      return invalid("more than " + std::to_string(limits.max_operations) + " operations");
    }
    for (const auto& item : list->get_array()) {
      const auto* op = item.if_object();
      const auto* name = op ? op->if_contains("operation") : nullptr;
      const auto* prob = op ? object_at(*op, "probabilisticSampling") : nullptr;
      if (!name || !name->is_string() || !prob)
        return invalid("malformed perOperationStrategies entry");
      auto p = probability(*prob, "samplingRate");
      if (!p) return p.error();
      ops.insert_or_assign(std::string(name->get_string()), make_op(*p, lower, clock));
    }
  }
  return std::unique_ptr<Strategy>(
      new PerOperation(make_op(*def, lower, clock), *def, lower, std::move(ops)));
}

// strategyType is "PROBABILISTIC"/"RATE_LIMITING" (JSON of the proto API) or 0/1 (thrift enum).
int strategy_type(const json::object& o) {
  const auto* t = o.if_contains("strategyType");
  if (!t) return -1;
  if (t->is_string()) {
    if (t->get_string() == "PROBABILISTIC") return 0;
    if (t->get_string() == "RATE_LIMITING") return 1;
    return -2;
  }
  if (t->is_int64()) return t->get_int64() == 0 ? 0 : t->get_int64() == 1 ? 1 : -2;
  return -2;
}
}  // namespace

Expected<std::unique_ptr<Strategy>> parse_strategy(std::string_view text, Clock& clock,
                                                   const StrategyLimits& limits) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return invalid("invalid JSON: " + ec.message());
  const auto* o = v.if_object();
  if (!o) return invalid("not a JSON object");
  if (const auto* ops = object_at(*o, "operationSampling"))
    return per_operation(*ops, clock, limits);
  int type = strategy_type(*o);
  if (type == 0 || (type == -1 && o->contains("probabilisticSampling"))) {
    const auto* p = object_at(*o, "probabilisticSampling");
    if (!p) return invalid("probabilisticSampling missing");
    auto r = probability(*p, "samplingRate");
    if (!r) return r.error();
    return std::unique_ptr<Strategy>(new SingleSampler(make_jaeger_probabilistic_sampler(*r)));
  }
  if (type == 1 || (type == -1 && o->contains("rateLimitingSampling"))) {
    const auto* p = object_at(*o, "rateLimitingSampling");
    if (!p) return invalid("rateLimitingSampling missing");
    auto r = rate(*p, "maxTracesPerSecond", limits.max_traces_per_second);
    if (!r) return r.error();
    return std::unique_ptr<Strategy>(
        new SingleSampler(make_jaeger_rate_limiting_sampler(*r, clock)));
  }
  return invalid("unknown or missing strategyType");
}

}  // namespace argus::trace::jaeger
