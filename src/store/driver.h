// The seam between the generic SQL store and one database's C API. A Driver opens Connections
// and knows its dialect (placeholders, BEGIN, migrations); a Connection runs prepared statements,
// caching each one by the statement's index in the store's catalogue.
//
// Drivers report failures as store::Error values whose messages name error codes only: database
// error texts can quote argument values (a duplicate key), so they never leave the driver.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/store.h"

namespace argus::store::sql {

// A statement argument: SQL NULL is never needed by the schema.
using Param = std::variant<std::int64_t, std::string_view>;

struct Statement {
  std::size_t index = 0;  // position in the catalogue: the connection's cache key
  std::string text;       // in the driver's placeholder syntax
  std::string_view name;  // span name, e.g. "SELECT oauth2_clients"
  std::string_view operation;
  std::string_view table;
};

struct Rows {
  std::vector<std::vector<std::string>> rows;  // every column as text
  std::int64_t affected = 0;                   // rows changed, for writes
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Result<Rows> execute(const Statement& statement, std::span<const Param> params) = 0;
  // A statement without arguments and results: BEGIN, COMMIT, ROLLBACK, DDL.
  virtual Result<void> execute_simple(std::string_view text) = 0;
  // True once the connection is known to be unusable; the pool then discards it.
  virtual bool broken() const noexcept = 0;
};

struct Migration {
  int version;
  std::string_view name;
  std::vector<std::string_view> statements;
};

struct ServerInfo {
  std::string system;  // db.system
  std::string database;
  std::string address;
  std::uint16_t port = 0;
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual const ServerInfo& server() const noexcept = 0;
  virtual Result<std::unique_ptr<Connection>> connect() = 0;
  // The n-th (1-based) placeholder.
  virtual std::string placeholder(int n) const = 0;
  virtual std::string_view begin_write() const noexcept { return "BEGIN"; }
  virtual std::span<const Migration> migrations() const noexcept = 0;
  // The DDL that creates the migrations table when missing.
  virtual std::string_view create_migrations_table() const noexcept = 0;
};

}  // namespace argus::store::sql
