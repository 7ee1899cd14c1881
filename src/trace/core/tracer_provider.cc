// TracerProvider: validates its options once ("parsed, not validated"), then owns everything
// spans need for the rest of its life.
#include <mutex>
#include <string>
#include <vector>

#include "argus/trace/tracer.h"
#include "trace/core/provider_core.h"

namespace argus::trace {
namespace {

Expected<bool> check_limits(const SpanLimits& limits) {
  if (limits.max_attribute_value_length == 0) {
    return Error{Error::Code::invalid_config,
                 "span limits: max_attribute_value_length must be > 0"};
  }
  return true;
}

}  // namespace

TracerProvider::TracerProvider(std::unique_ptr<detail::ProviderCore> core)
    : core_(std::move(core)) {}

Expected<std::unique_ptr<TracerProvider>> TracerProvider::create(TracerProviderOptions options) {
  if (auto ok = check_limits(options.limits); !ok) return ok.error();
  auto core = std::make_unique<detail::ProviderCore>();
  core->resource = Resource::create(options.resource);
  core->sampler = options.sampler ? std::move(options.sampler)
                                  : make_parent_based_sampler(make_always_on_sampler());
  core->processor = std::move(options.processor);
  core->processor_counts_ends = dynamic_cast<BatchSpanProcessor*>(core->processor.get()) != nullptr;
  core->processor_takes_sets = core->processor && core->processor->takes_attribute_sets();
  core->limits = options.limits;
  core->clock = options.clock ? options.clock : &system_clock();
  core->tsc_clock = core->clock == &system_clock() && detail::TscClock::available();
  auto provider = std::unique_ptr<TracerProvider>(new TracerProvider(std::move(core)));
  provider->refresh_sampler_shortcuts();
  return provider;
}

void TracerProvider::refresh_sampler_shortcuts() noexcept {
  SamplerShortcuts shortcuts = core_->sampler->shortcuts();
  if (shortcuts.root == SamplerShortcut::kFollowParent) {
    shortcuts.root = SamplerShortcut::kAsk;  // a root has no parent to follow
  }
  core_->shortcuts.store(shortcuts, std::memory_order_relaxed);
}

std::unique_ptr<TracerProvider> TracerProvider::create_noop() {
  auto core = std::make_unique<detail::ProviderCore>();
  core->enabled = false;
  core->clock = &system_clock();
  core->sampler = make_always_off_sampler();
  core->shortcuts.store(core->sampler->shortcuts(), std::memory_order_relaxed);
  return std::unique_ptr<TracerProvider>(new TracerProvider(std::move(core)));
}

namespace {
// Cores whose export thread could not be stopped in time: that thread may still read records
// pointing at the core's resource and scopes, so the core stays alive (and reachable) for the
// rest of the process. Bounded: one core per provider whose exporter hung at shutdown.
void park_forever(std::unique_ptr<detail::ProviderCore> core) {
  static std::mutex mutex;
  static auto* parked = new std::vector<std::unique_ptr<detail::ProviderCore>>();
  std::lock_guard lock(mutex);
  parked->push_back(std::move(core));
}
}  // namespace

TracerProvider::~TracerProvider() {
  bool stopped = core_->processor_stopped.load();
  if (!core_->shut_down.load()) stopped = shutdown(std::chrono::seconds(5));
  if (!stopped) park_forever(std::move(core_));
}

Tracer& TracerProvider::tracer(std::string_view name, std::string_view version) {
  std::lock_guard lock(core_->tracers_mutex);
  for (auto& t : core_->tracers) {
    if (t.scope().name == name && t.scope().version == version) return t;
  }
  return core_->tracers.emplace_back(core_.get(),
                                     InstrumentationScope{std::string(name), std::string(version)});
}

const Resource& TracerProvider::resource() const noexcept {
  return core_->resource;
}

bool TracerProvider::force_flush(std::chrono::milliseconds timeout) noexcept {
  return core_->processor ? core_->processor->force_flush(timeout) : true;
}

bool TracerProvider::shutdown(std::chrono::milliseconds timeout) noexcept {
  if (core_->shut_down.exchange(true)) return core_->processor_stopped.load();
  const bool stopped = core_->processor ? core_->processor->shutdown(timeout) : true;
  core_->processor_stopped.store(stopped);
  return stopped;
}

TracerStats TracerProvider::stats() const noexcept {
  TracerStats s;
  s.spans_started = core_->spans_started.load();
  s.spans_not_sampled = core_->spans_not_sampled.load();
  if (core_->processor) s.processor = core_->processor->stats();
  s.spans_ended = core_->spans_ended.load();
  if (core_->processor_counts_ends)
    s.spans_ended += s.processor.spans_queued + s.processor.spans_dropped;
  return s;
}

}  // namespace argus::trace
