// Spans for SQL interactions, after OpenTelemetry's database conventions: kind client,
// db.system, db.name, server.address/port, db.statement (placeholders only), db.operation,
// db.sql.table, db.rows_affected (or db.response.returned_rows), and an error status naming the
// error class, never values.
#pragma once

#include <cstdint>
#include <string_view>

#include "argus/trace/tracer.h"
#include "store/driver.h"

namespace argus::store::sql {

class DbSpans {
 public:
  DbSpans(trace::Tracer* tracer, const ServerInfo& server) : tracer_(tracer), server_(server) {}

  // `statement` may be empty (connection acquisition).
  trace::Span start(std::string_view name, std::string_view statement, std::string_view operation,
                    std::string_view table, const CallContext& ctx) const noexcept;
  // db.response.returned_rows for a SELECT, db.rows_affected for a write.
  static void set_rows(trace::Span& span, std::string_view operation, const Rows& rows) noexcept;
  static void fail(trace::Span& span, const Error& error) noexcept;

 private:
  trace::Tracer* tracer_;
  const ServerInfo& server_;
};

}  // namespace argus::store::sql
