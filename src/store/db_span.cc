#include "store/db_span.h"

namespace argus::store::sql {

trace::Span DbSpans::start(std::string_view name, std::string_view statement,
                           std::string_view operation, std::string_view table,
                           const CallContext& ctx) const noexcept {
  if (tracer_ == nullptr) return {};
  // All attributes go in with the start: one pass in the tracer instead of a call per attribute.
  const trace::KeyValue unused{{}, false};  // AttributeView has no default
  trace::KeyValue attrs[] = {{"db.system", server_.system},
                             {"db.name", server_.database},
                             unused,
                             unused,
                             unused,
                             unused,
                             unused};
  std::size_t n = 2;
  if (!server_.address.empty()) attrs[n++] = {"server.address", server_.address};
  if (server_.port != 0) attrs[n++] = {"server.port", static_cast<std::int64_t>(server_.port)};
  if (!statement.empty()) attrs[n++] = {"db.statement", statement};
  if (!operation.empty()) attrs[n++] = {"db.operation", operation};
  if (!table.empty()) attrs[n++] = {"db.sql.table", table};
  trace::StartSpanOptions options;
  options.parent = ctx.parent;
  options.kind = trace::SpanKind::kClient;
  options.attributes = std::span<const trace::KeyValue>(attrs, n);
  return tracer_->start_span(name, options);
}

void DbSpans::set_rows(trace::Span& span, std::string_view operation, const Rows& rows) noexcept {
  if (!span.is_recording()) return;
  if (operation == "SELECT") {
    span.set_attribute("db.response.returned_rows", static_cast<std::int64_t>(rows.rows.size()));
  } else {
    span.set_attribute("db.rows_affected", rows.affected);
  }
}

void DbSpans::fail(trace::Span& span, const Error& error) noexcept {
  if (!span.is_recording()) return;
  span.set_attribute("error.type", to_string(error.code));
  span.set_status(trace::StatusCode::kError, error.message);
}

}  // namespace argus::store::sql
