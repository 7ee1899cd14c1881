// TracerProvider: validates its options once ("parsed, not validated"), then owns everything
// spans need for the rest of its life.
#include <string>

#include "argus/trace/tracer.h"
#include "trace/core/provider_core.h"

namespace argus::trace {
namespace {

Expected<bool> check_limits(const SpanLimits& limits) {
  if (limits.max_attribute_value_length == 0) {
    return Error{Error::Code::invalid_config, "span limits: max_attribute_value_length must be > 0"};
  }
  return true;
}

}  // namespace

TracerProvider::TracerProvider(std::unique_ptr<detail::ProviderCore> core) : core_(std::move(core)) {}

Expected<std::unique_ptr<TracerProvider>> TracerProvider::create(TracerProviderOptions options) {
  if (auto ok = check_limits(options.limits); !ok) return ok.error();
  auto core = std::make_unique<detail::ProviderCore>();
  core->resource = Resource::create(options.resource);
  core->sampler = options.sampler ? std::move(options.sampler)
                                  : make_parent_based_sampler(make_always_on_sampler());
  core->processor = std::move(options.processor);
  core->limits = options.limits;
  core->clock = options.clock ? options.clock : &system_clock();
  return std::unique_ptr<TracerProvider>(new TracerProvider(std::move(core)));
}

std::unique_ptr<TracerProvider> TracerProvider::create_noop() {
  auto core = std::make_unique<detail::ProviderCore>();
  core->enabled = false;
  core->clock = &system_clock();
  core->sampler = make_always_off_sampler();
  return std::unique_ptr<TracerProvider>(new TracerProvider(std::move(core)));
}

TracerProvider::~TracerProvider() {
  if (!core_->shut_down.load()) shutdown(std::chrono::seconds(5));
}

Tracer& TracerProvider::tracer(std::string_view name, std::string_view version) {
  std::lock_guard lock(core_->tracers_mutex);
  for (auto& t : core_->tracers) {
    if (t.scope().name == name && t.scope().version == version) return t;
  }
  return core_->tracers.emplace_back(core_.get(),
                                     InstrumentationScope{std::string(name), std::string(version)});
}

const Resource& TracerProvider::resource() const noexcept { return core_->resource; }

bool TracerProvider::force_flush(std::chrono::milliseconds timeout) noexcept {
  return core_->processor ? core_->processor->force_flush(timeout) : true;
}

bool TracerProvider::shutdown(std::chrono::milliseconds timeout) noexcept {
  if (core_->shut_down.exchange(true)) return true;
  return core_->processor ? core_->processor->shutdown(timeout) : true;
}

TracerStats TracerProvider::stats() const noexcept {
  TracerStats s;
  s.spans_started = core_->spans_started.load();
  s.spans_ended = core_->spans_ended.load();
  s.spans_not_sampled = core_->spans_not_sampled.load();
  if (core_->processor) s.processor = core_->processor->stats();
  return s;
}

}  // namespace argus::trace
