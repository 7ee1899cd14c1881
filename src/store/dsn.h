// DSN parsing: turns the `dsn` setting (Hydra's forms included) into the parts each driver needs.
// Parsing is strict: anything it does not understand is an `invalid` error naming the problem,
// and error messages never repeat the password.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
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

// A timeout parameter: "5" (seconds, libpq's form) or a number with a unit, ms, s or m
// (go-sql-driver's "500ms", "5s"); positive and at most an hour. Empty when it is none of these.
std::optional<std::chrono::milliseconds> parse_dsn_timeout(std::string_view text);
// A timeout in whole seconds, rounded up and at least one: the unit libpq and libmariadb take.
inline unsigned whole_seconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned>(std::max<long long>(1, (ms.count() + 999) / 1000));
}
// What an error about such a parameter says after its name.
inline constexpr const char* kDsnTimeoutForms =
    "must be seconds (5) or a duration (500ms, 5s) of at most 1h";

}  // namespace argus::store
