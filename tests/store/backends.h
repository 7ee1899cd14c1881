// Test back ends for the storage suite: `memory`, an SQLite file, and a fresh database on the
// throwaway PostgreSQL and MariaDB servers that scripts/db-servers.sh starts (their DSNs are in
// files under $ARGUS_TEST_DB_DIR). Each test gets a database of its own, so tests can run in
// parallel and count rows exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace argus::store::testing {

enum class Backend { kMemory, kSqlite, kPostgres, kMariadb };

std::string name(Backend backend);
std::vector<Backend> all_backends();

// A database for one test; dropped (or its file removed) on destruction.
class TestDatabase {
 public:
  // Empty optional and `why` set when the back end is not configured (no server DSN file).
  static std::optional<TestDatabase> create(Backend backend, std::string& why);
  TestDatabase(TestDatabase&& other) noexcept;
  TestDatabase& operator=(TestDatabase&&) = delete;
  ~TestDatabase();

  const std::string& dsn() const { return dsn_; }

 private:
  TestDatabase(Backend backend, std::string dsn, std::string admin_dsn, std::string drop)
      : backend_(backend),
        dsn_(std::move(dsn)),
        admin_dsn_(std::move(admin_dsn)),
        drop_(std::move(drop)) {}
  Backend backend_;
  std::string dsn_;
  std::string admin_dsn_;
  std::string drop_;  // database name or file path to remove
};

// The server DSN written by db-servers.sh for "postgres" or "mariadb" in `dir`, if present.
std::optional<std::string> server_dsn(const std::string& dir, const std::string& engine);
// Runs one SQL statement on the server as the admin user; returns an error text or "".
std::string admin_exec(Backend backend, const std::string& admin_dsn, const std::string& sql);
// Replaces the database name in a network DSN.
std::string with_database(const std::string& dsn, const std::string& database);
// Whether tests must fail (rather than skip) when a server is missing: under CTest, which sets
// ARGUS_TEST_DB_DIR.
bool servers_required();

}  // namespace argus::store::testing
