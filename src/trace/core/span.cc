// The Span handle: every recording call is a no-op on a span that is not sampled, which is how
// unsampled spans stay nearly free.
#include "argus/trace/tracer.h"
#include "trace/core/provider_core.h"

namespace argus::trace {

Span::Span(Span&& other) noexcept
    : core_(other.core_),
      data_(other.data_),
      start_ticks_(other.start_ticks_),
      context_(std::move(other.context_)) {
  other.data_ = nullptr;
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    core_ = other.core_;
    data_ = other.data_;
    start_ticks_ = other.start_ticks_;
    context_ = std::move(other.context_);
    other.data_ = nullptr;
  }
  return *this;
}

void Span::record_attribute(std::string_view key, const AttributeView& value) noexcept {
  std::uint32_t max = core_->limits.max_attributes;
  if (const AttributeSet* set = data_->attribute_set) {
    // A key of the shared set gets a value of this span's own: the span copies the set first.
    if (set->contains(key)) {
      data_->fold_attribute_set();
    } else {
      max -= static_cast<std::uint32_t>(set->size());
    }
  }
  data_->attributes.set(key, value, core_->limits, max);
}

void Span::add_event(std::string_view name, std::initializer_list<KeyValue> attributes) noexcept {
  add_event(name, std::span<const KeyValue>(attributes.begin(), attributes.size()));
}

void Span::add_event(std::string_view name, std::span<const KeyValue> attributes,
                     std::int64_t time_unix_ns) noexcept {
  if (!data_) return;
  if (time_unix_ns == 0) time_unix_ns = core_->start_time().unix_ns;
  data_->add_event(name, time_unix_ns, attributes, core_->limits);
}

void Span::add_link(const SpanContext& context,
                    std::initializer_list<KeyValue> attributes) noexcept {
  if (data_) {
    data_->add_link(context, std::span<const KeyValue>(attributes.begin(), attributes.size()),
                    core_->limits);
  }
}

void Span::record_exception(std::string_view type, std::string_view message) noexcept {
  add_event("exception", {{"exception.type", type}, {"exception.message", message}});
}

void Span::set_status(StatusCode code, std::string_view message) noexcept {
  if (!data_ || code == StatusCode::kUnset || data_->status.code == StatusCode::kOk) return;
  data_->status.code = code;
  if (code == StatusCode::kError) {
    assign_utf8(data_->status.message, message, core_->limits.max_attribute_value_length);
  } else {
    data_->status.message.clear();
  }
}

void Span::update_name(std::string_view name) noexcept {
  if (data_) assign_utf8(data_->name, name, core_->limits.max_attribute_value_length);
}

void Span::finish() noexcept {
  data_->end_unix_ns = data_->start_unix_ns + core_->elapsed_ns(start_ticks_);
  SpanData* span = data_;
  data_ = nullptr;
  core_->finish(span);
}

namespace {
thread_local const SpanContext* t_current = nullptr;
}

Scope::Scope(const SpanContext& context) noexcept : context_(context), previous_(t_current) {
  t_current = &context_;
}

Scope::~Scope() {
  t_current = previous_;
}

const SpanContext* current_span_context() noexcept {
  return t_current;
}

}  // namespace argus::trace
