// open_store() and migrate(): DSN → driver → the shared SQL store.
#include <charconv>
#include <string_view>

#include "store/dsn.h"
#include "store/mysql/mysql_driver.h"
#include "store/postgres/postgres_driver.h"
#include "store/sql_store.h"
#include "store/sqlite/sqlite_driver.h"
#include "store/store.h"

namespace argus::store {
namespace {

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions& options) {
  switch (dsn.kind) {
    case Dsn::Kind::kMemory:
    case Dsn::Kind::kSqlite:
      return sqlite::make_driver(dsn, options);
    case Dsn::Kind::kPostgres:
      return postgres::make_driver(dsn, options);
    case Dsn::Kind::kMysql:
      return mysql::make_driver(dsn, options);
  }
  return Error{Error::Code::internal, "unknown driver"};
}

// Hydra's DSN parameter max_conns bounds the pool; connect_timeout (libpq's name) or timeout
// (go-sql-driver's) bounds each connect.
Result<void> apply_params(const Dsn& dsn, StoreOptions& options) {
  if (auto it = dsn.params.find("max_conns"); it != dsn.params.end()) {
    std::size_t value = 0;
    const auto& text = it->second;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value == 0 || value > 1024) {
      return Error{Error::Code::invalid, "dsn: max_conns must be a number from 1 to 1024"};
    }
    options.max_connections = value;
  }
  for (const char* key : {"connect_timeout", "timeout"}) {
    auto timeout = dsn_timeout(dsn, key, options.connect_timeout);
    if (!timeout) return timeout.error();
    options.connect_timeout = *timeout;
  }
  return {};
}

}  // namespace

std::string_view to_string(Error::Code code) noexcept {
  switch (code) {
    case Error::Code::not_found:
      return "not_found";
    case Error::Code::conflict:
      return "conflict";
    case Error::Code::invalid:
      return "invalid";
    case Error::Code::unavailable:
      return "unavailable";
    case Error::Code::internal:
      return "internal";
  }
  return "internal";
}

Result<std::unique_ptr<Store>> open_store(const std::string& text, StoreOptions options) {
  auto dsn = parse_dsn(text);
  if (!dsn) return dsn.error();
  if (auto r = apply_params(*dsn, options); !r) return r.error();
  auto driver = make_driver(*dsn, options);
  if (!driver) return driver.error();
  auto store = std::make_unique<sql::SqlStore>(std::move(*driver), options);
  if (options.migrate_on_open) {
    auto applied = store->migrate(CallContext{});
    if (!applied) return applied.error();
  }
  return std::unique_ptr<Store>(std::move(store));
}

Result<int> migrate(const std::string& dsn, StoreOptions options) {
  options.migrate_on_open = false;
  auto store = open_store(dsn, options);
  if (!store) return store.error();
  return (*store)->migrate();
}

}  // namespace argus::store
