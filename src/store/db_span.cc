#include "store/db_span.h"

namespace argus::store::sql {

trace::Span DbSpans::start(std::string_view name, std::string_view statement,
                           std::string_view operation, std::string_view table,
                           const CallContext& ctx) const noexcept {
  if (tracer_ == nullptr) return {};
  trace::StartSpanOptions options;
  options.parent = ctx.parent;
  options.kind = trace::SpanKind::kClient;
  auto span = tracer_->start_span(name, options);
  if (!span.is_recording()) return span;
  span.set_attribute("db.system", server_.system);
  span.set_attribute("db.name", server_.database);
  if (!server_.address.empty()) span.set_attribute("server.address", server_.address);
  if (server_.port != 0) span.set_attribute("server.port", static_cast<std::int64_t>(server_.port));
  if (!statement.empty()) span.set_attribute("db.statement", statement);
  if (!operation.empty()) span.set_attribute("db.operation", operation);
  if (!table.empty()) span.set_attribute("db.sql.table", table);
  return span;
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
