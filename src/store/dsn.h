// DSN parsing: turns the `dsn` setting (Hydra's forms included) into the parts each driver needs.
// Parsing is strict: anything it does not understand is an `invalid` error naming the problem,
// and error messages never repeat the password.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

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

// The timeout parameter `key`: "5" (seconds, libpq's form) or a number with a unit, ms, s or m
// (go-sql-driver's "500ms", "5s"), positive and at most an hour. `fallback` when the DSN does
// not have it; an `invalid` error naming the parameter when it is none of these.
Result<std::chrono::milliseconds> dsn_timeout(const Dsn& dsn, std::string_view key,
                                              std::chrono::milliseconds fallback);
// A timeout in whole seconds, rounded up and at least one: the unit libpq and libmariadb take.
inline unsigned whole_seconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned>(std::max<long long>(1, (ms.count() + 999) / 1000));
}

}  // namespace argus::store
