#include "store/backends.h"

#include <libpq-fe.h>
#include <mysql.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "store/dsn.h"

namespace argus::store::testing {
namespace {

std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x%04x", rd(), counter.fetch_add(1) & 0xFFFF);
  return buf;
}

std::string pg_exec(const std::string& dsn, const std::string& sql) {
  auto parsed = parse_dsn(dsn);
  if (!parsed) return parsed.error().message;
  std::string conninfo = "host=" + parsed->host + " port=" + std::to_string(parsed->port) +
                         " user=" + parsed->user + " password=" + parsed->password +
                         " dbname=postgres connect_timeout=5";
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return error;
}

std::string my_exec(const std::string& dsn, const std::string& sql) {
  auto parsed = parse_dsn(dsn);
  if (!parsed) return parsed.error().message;
  MYSQL* db = mysql_init(nullptr);
  unsigned protocol = MYSQL_PROTOCOL_TCP;
  mysql_optionsv(db, MYSQL_OPT_PROTOCOL, &protocol);
  std::string error;
  if (!mysql_real_connect(db, parsed->host.c_str(), parsed->user.c_str(), parsed->password.c_str(),
                          nullptr, parsed->port, nullptr, 0)) {
    error = mysql_error(db);
  } else if (mysql_real_query(db, sql.data(), sql.size()) != 0) {
    error = mysql_error(db);
  }
  mysql_close(db);
  return error;
}

}  // namespace

std::string name(Backend backend) {
  switch (backend) {
    case Backend::kMemory:
      return "memory";
    case Backend::kSqlite:
      return "sqlite";
    case Backend::kPostgres:
      return "postgres";
    case Backend::kMariadb:
      return "mariadb";
  }
  return "?";
}

std::vector<Backend> all_backends() {
  return {Backend::kMemory, Backend::kSqlite, Backend::kPostgres, Backend::kMariadb};
}

bool servers_required() {
  return std::getenv("ARGUS_TEST_DB_DIR") != nullptr;
}

std::optional<std::string> server_dsn(const std::string& dir, const std::string& engine) {
  std::ifstream in(dir + "/" + engine + ".dsn");
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return std::nullopt;
  return line;
}

std::string with_database(const std::string& dsn, const std::string& database) {
  auto qmark = dsn.find('?');
  auto slash = dsn.rfind('/', qmark);
  return dsn.substr(0, slash + 1) + database +
         (qmark == std::string::npos ? "" : dsn.substr(qmark));
}

std::string admin_exec(Backend backend, const std::string& admin_dsn, const std::string& sql) {
  return backend == Backend::kPostgres ? pg_exec(admin_dsn, sql) : my_exec(admin_dsn, sql);
}

std::optional<TestDatabase> TestDatabase::create(Backend backend, std::string& why) {
  if (backend == Backend::kMemory) return TestDatabase(backend, "memory", "", "");
  if (backend == Backend::kSqlite) {
    auto path = std::filesystem::temp_directory_path() / ("argus-store-" + random_suffix() + ".db");
    return TestDatabase(backend, "sqlite://" + path.string(), "", path.string());
  }
  const char* dir = std::getenv("ARGUS_TEST_DB_DIR");
  std::string engine = backend == Backend::kPostgres ? "postgres" : "mariadb";
  auto admin = dir ? server_dsn(dir, engine) : std::nullopt;
  if (!admin) {
    why = engine + " server not configured (ARGUS_TEST_DB_DIR/" + engine + ".dsn)";
    return std::nullopt;
  }
  std::string db = "argus_t_" + random_suffix();
  std::string error = admin_exec(backend, *admin, "CREATE DATABASE " + db);
  if (!error.empty()) {
    why = "cannot create database: " + error;
    return std::nullopt;
  }
  return TestDatabase(backend, with_database(*admin, db), *admin, db);
}

TestDatabase::TestDatabase(TestDatabase&& other) noexcept
    : backend_(other.backend_),
      dsn_(std::move(other.dsn_)),
      admin_dsn_(std::move(other.admin_dsn_)),
      drop_(std::move(other.drop_)) {
  other.drop_.clear();
}

TestDatabase::~TestDatabase() {
  if (drop_.empty()) return;
  if (backend_ == Backend::kSqlite) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove(drop_ + suffix, ec);
    }
    return;
  }
  std::string sql = "DROP DATABASE IF EXISTS " + drop_;
  if (backend_ == Backend::kPostgres) sql += " WITH (FORCE)";
  (void)admin_exec(backend_, admin_dsn_, sql);
}

}  // namespace argus::store::testing
