// Spans for SQL interactions, after OpenTelemetry's database conventions: kind client,
// db.system, db.name, server.address/port, db.statement (placeholders only), db.operation,
// db.sql.table, db.rows_affected (or db.response.returned_rows), and an error status naming the
// error class, never values.
// What a statement's spans share (the connection's attributes and the statement's own) is made
// once per statement as a trace::AttributeSet, so each span refers to it instead of copying it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "argus/trace/tracer.h"
#include "store/driver.h"

namespace argus::store::sql {

class DbSpans {
 public:
  DbSpans(trace::Tracer* tracer, const ServerInfo& server);

  // The attributes every span of one statement carries; null when not tracing. `statement` may
  // be empty (connection acquisition has no statement).
  std::unique_ptr<const trace::AttributeSet> shared(std::string_view statement,
                                                    std::string_view operation,
                                                    std::string_view table) const;
  // A span whose attributes are `shared` (made by shared() from these same arguments), or,
  // without it, copied from the arguments.
  trace::Span start(std::string_view name, std::string_view statement, std::string_view operation,
                    std::string_view table, const CallContext& ctx,
                    const trace::AttributeSet* shared = nullptr) const noexcept;
  // connection.acquire
  trace::Span start_acquire(const CallContext& ctx) const noexcept;
  // db.response.returned_rows for a SELECT, db.rows_affected for a write.
  static void set_rows(trace::Span& span, std::string_view operation, const Rows& rows) noexcept;
  static void fail(trace::Span& span, const Error& error) noexcept;

 private:
  trace::Tracer* tracer_;
  const ServerInfo& server_;
  std::unique_ptr<const trace::AttributeSet> acquire_;
};

}  // namespace argus::store::sql
