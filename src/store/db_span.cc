#include "store/db_span.h"

namespace argus::store::sql {
namespace {

// The attributes of a statement's spans, as views of the arguments.
class StatementAttributes {
 public:
  StatementAttributes(const ServerInfo& server, std::string_view statement,
                      std::string_view operation, std::string_view table) {
    add("db.system", server.system);
    add("db.name", server.database);
    if (!server.address.empty()) add("server.address", server.address);
    if (server.port != 0) add("server.port", static_cast<std::int64_t>(server.port));
    if (!statement.empty()) add("db.statement", statement);
    if (!operation.empty()) add("db.operation", operation);
    if (!table.empty()) add("db.sql.table", table);
  }
  std::span<const trace::KeyValue> view() const noexcept { return {items_, size_}; }

 private:
  void add(std::string_view key, trace::AttributeView value) { items_[size_++] = {key, value}; }
  // AttributeView has no default: the slots hold `false` until written.
  trace::KeyValue items_[7] = {{{}, false}, {{}, false}, {{}, false}, {{}, false},
                               {{}, false}, {{}, false}, {{}, false}};
  std::size_t size_ = 0;
};

}  // namespace

DbSpans::DbSpans(trace::Tracer* tracer, const ServerInfo& server)
    : tracer_(tracer), server_(server), acquire_(shared("", "", "")) {}

std::unique_ptr<const trace::AttributeSet> DbSpans::shared(std::string_view statement,
                                                           std::string_view operation,
                                                           std::string_view table) const {
  if (tracer_ == nullptr) return nullptr;
  auto set =
      trace::AttributeSet::create(StatementAttributes(server_, statement, operation, table).view());
  return set ? std::move(*set) : nullptr;  // cannot fail: strings and integers only
}

trace::Span DbSpans::start(std::string_view name, std::string_view statement,
                           std::string_view operation, std::string_view table,
                           const CallContext& ctx,
                           const trace::AttributeSet* shared) const noexcept {
  if (tracer_ == nullptr) return {};
  trace::StartSpanOptions options;
  options.parent = ctx.parent;
  options.kind = trace::SpanKind::kClient;
  options.attribute_set = shared;
  if (shared != nullptr) return tracer_->start_span(name, options);
  // All attributes go in with the start: one pass in the tracer instead of a call per attribute.
  const StatementAttributes attributes(server_, statement, operation, table);
  options.attributes = attributes.view();
  return tracer_->start_span(name, options);
}

trace::Span DbSpans::start_acquire(const CallContext& ctx) const noexcept {
  return start("connection.acquire", "", "", "", ctx, acquire_.get());
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
