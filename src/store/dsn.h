// DSN parsing: turns the `dsn` setting (Hydra's forms included) into the parts each driver needs.
// Parsing is strict: anything it does not understand is an `invalid` error naming the problem,
// and error messages never repeat the password.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "store/store.h"

namespace argus::store {

struct Dsn {
  enum class Kind { kMemory, kSqlite, kPostgres, kMysql };
  Kind kind = Kind::kMemory;
  std::string path;  // SQLite file path
  std::string user;
  std::string password;
  std::string host;
  std::uint16_t port = 0;  // 0: driver default
  std::string database;
  std::map<std::string, std::string> params;  // decoded query parameters
};

Result<Dsn> parse_dsn(const std::string& dsn);

}  // namespace argus::store
