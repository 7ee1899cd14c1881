#include "store/janitor.h"

#include <algorithm>

namespace argus::store {
namespace {

trace::Span start(trace::Tracer* tracer, std::string_view name, const trace::SpanContext* parent,
                  std::span<const trace::KeyValue> attributes = {}) {
  if (tracer == nullptr) return {};
  trace::StartSpanOptions options;
  options.parent = parent;
  options.attributes = attributes;
  return tracer->start_span(name, options);
}

void fail(trace::Span& span, const Error& error) {
  span.set_attribute("error.type", to_string(error.code));
  span.set_status(trace::StatusCode::kError, error.message);
}

}  // namespace

PurgeReport purge_expired_tokens(Store& store, const PurgeOptions& options,
                                 const CallContext& ctx) {
  PurgeReport report;
  const std::int64_t now = options.now ? options.now() : unix_now();
  TokenPurgeBatch batch;
  batch.expired_before = now;
  batch.issued_before = now - options.keep_if_younger.count();
  const std::size_t batch_size = std::max<std::size_t>(1, options.batch_size);
  const trace::KeyValue run_attrs[] = {
      {"janitor.batch_size", static_cast<std::int64_t>(batch_size)},
      {"janitor.limit", static_cast<std::int64_t>(options.limit)},
      {"janitor.keep_if_younger_s", static_cast<std::int64_t>(options.keep_if_younger.count())},
  };
  trace::Span run = start(options.tracer, "janitor.purge_tokens", ctx.parent, run_attrs);
  // An unsampled span still carries the trace, so its context is the parent whenever valid.
  const trace::SpanContext* parent = run.context().is_valid() ? &run.context() : ctx.parent;
  auto left = [&] { return options.limit - static_cast<std::size_t>(report.deleted); };
  while (left() > 0) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) break;
    batch.limit = std::min(batch_size, left());
    const trace::KeyValue attrs[] = {
        {"janitor.batch.index", static_cast<std::int64_t>(report.batches)},
        {"janitor.batch.limit", static_cast<std::int64_t>(batch.limit)},
    };
    trace::Span span = start(options.tracer, "janitor.batch", parent, attrs);
    CallContext call;
    call.parent = span.context().is_valid() ? &span.context() : parent;
    auto deleted = store.delete_expired_tokens_batch(batch, call);
    ++report.batches;
    if (!deleted) {
      fail(span, deleted.error());
      report.error = deleted.error();
      break;
    }
    span.set_attribute("janitor.deleted", *deleted);
    report.deleted += *deleted;
    if (static_cast<std::size_t>(*deleted) < batch.limit) break;
  }
  run.set_attribute("janitor.deleted", report.deleted);
  run.set_attribute("janitor.batches", static_cast<std::int64_t>(report.batches));
  if (report.error) fail(run, *report.error);
  return report;
}

}  // namespace argus::store
