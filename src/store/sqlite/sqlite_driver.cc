#include "store/sqlite/sqlite_driver.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <string>
#include <vector>

namespace argus::store::sqlite {
namespace {

const std::vector<sql::Migration>& migrations() {
  static const std::vector<sql::Migration> list = {
      {1,
       "clients and access tokens",
       {"CREATE TABLE oauth2_clients (client_id TEXT NOT NULL PRIMARY KEY, "
        "client_name TEXT NOT NULL, client_secret_hash TEXT NOT NULL, grant_types TEXT NOT NULL, "
        "response_types TEXT NOT NULL, scope TEXT NOT NULL, audience TEXT NOT NULL, "
        "owner TEXT NOT NULL, redirect_uris TEXT NOT NULL, "
        "token_endpoint_auth_method TEXT NOT NULL, contacts TEXT NOT NULL, "
        "client_uri TEXT NOT NULL, logo_uri TEXT NOT NULL, policy_uri TEXT NOT NULL, "
        "tos_uri TEXT NOT NULL, metadata TEXT NOT NULL, created_at BIGINT NOT NULL, "
        "updated_at BIGINT NOT NULL, client_secret_expires_at BIGINT NOT NULL)",
        "CREATE TABLE oauth2_access_tokens (signature TEXT NOT NULL PRIMARY KEY, "
        "client_id TEXT NOT NULL, subject TEXT NOT NULL, scope TEXT NOT NULL, "
        "audience TEXT NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, "
        "revoked SMALLINT NOT NULL)",
        "CREATE INDEX oauth2_access_tokens_client_id ON oauth2_access_tokens (client_id)",
        "CREATE INDEX oauth2_access_tokens_expires_at ON oauth2_access_tokens (expires_at)"}},
  };
  return list;
}

// sqlite3_errstr names the error class only; sqlite3_errmsg could quote schema or values.
Error to_error(int rc) {
  std::string message = std::string("sqlite: ") + sqlite3_errstr(rc);
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        return {Error::Code::conflict, message};
      }
      return {Error::Code::invalid, message};
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return {Error::Code::invalid, message};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return {Error::Code::unavailable, message};
    default:
      return {Error::Code::internal, message};
  }
}

// A column as text, the form every driver returns. One sqlite3_column_value per column instead of
// three column calls (type, text, bytes), each of which enters and leaves the statement's API
// guard. The value is unprotected, which is safe here: it is read before the next step, by the
// one thread that holds the connection (opened NOMUTEX). Integers are formatted here: asking
// SQLite for their text makes it convert into a buffer it allocates for the purpose.
std::string column_text(sqlite3_stmt* st, int column) {
  sqlite3_value* value = sqlite3_column_value(st, column);
  if (sqlite3_value_type(value) == SQLITE_INTEGER) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, sqlite3_value_int64(value)).ptr;
    return std::string(digits, end);
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(value));
  return text ? std::string(text, size) : std::string();
}

class SqliteConnection final : public sql::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto* st : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }

  Result<sql::Rows> execute(const sql::Statement& statement,
                            std::span<const sql::Param> params) override {
    auto prepared = prepare(statement);
    if (!prepared) return prepared.error();
    sqlite3_stmt* st = *prepared;
    auto result = run(st, params);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return result;
  }

  Result<void> execute_simple(std::string_view text) override {
    std::string sql(text);
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return to_error(rc);
    return {};
  }

  bool broken() const noexcept override { return false; }

 private:
  Result<sqlite3_stmt*> prepare(const sql::Statement& statement) {
    if (cache_.size() <= statement.index) cache_.resize(statement.index + 1, nullptr);
    auto& slot = cache_[statement.index];
    if (slot == nullptr) {
      int rc =
          sqlite3_prepare_v3(db_, statement.text.data(), static_cast<int>(statement.text.size()),
                             SQLITE_PREPARE_PERSISTENT, &slot, nullptr);
      if (rc != SQLITE_OK) return to_error(rc);
    }
    return slot;
  }

  Result<sql::Rows> run(sqlite3_stmt* st, std::span<const sql::Param> params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      int rc;
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(st, index, *n);
      } else {
        auto s = std::get<std::string_view>(params[i]);
        rc = sqlite3_bind_text64(st, index, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) return to_error(rc);
    }
    sql::Rows out;
    int columns = sqlite3_column_count(st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      auto& row = out.rows.emplace_back();
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(column_text(st, c));
    }
    if (rc != SQLITE_DONE) return to_error(sqlite3_extended_errcode(db_));
    if (!sqlite3_stmt_readonly(st)) out.affected = sqlite3_changes64(db_);
    return out;
  }

  sqlite3* db_;
  std::vector<sqlite3_stmt*> cache_;
};

class SqliteDriver final : public sql::Driver {
 public:
  SqliteDriver(std::string uri, sql::ServerInfo info, bool file)
      : uri_(std::move(uri)), info_(std::move(info)), file_(file) {}
  ~SqliteDriver() override {
    if (anchor_ != nullptr) sqlite3_close_v2(anchor_);
  }

  // The anchor keeps an in-memory database alive while pooled connections come and go.
  Result<void> init() {
    auto anchor = open();
    if (!anchor) return anchor.error();
    anchor_ = *anchor;
    if (file_) {
      // WAL lets readers run beside the one writer; the setting persists in the file.
      int rc = sqlite3_exec(anchor_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) return to_error(rc);
    }
    return {};
  }

  const sql::ServerInfo& server() const noexcept override { return info_; }

  Result<std::unique_ptr<sql::Connection>> connect() override {
    auto db = open();
    if (!db) return db.error();
    return std::unique_ptr<sql::Connection>(std::make_unique<SqliteConnection>(*db));
  }

  std::string placeholder(int) const override { return "?"; }
  // IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading locks.
  std::string_view begin_write() const noexcept override { return "BEGIN IMMEDIATE"; }
  std::span<const sql::Migration> migrations() const noexcept override {
    return sqlite::migrations();
  }
  std::string_view create_migrations_table() const noexcept override {
    return "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, "
           "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
  }

 private:
  Result<sqlite3*> open() {
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(uri_.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_close_v2(db);
      return Error{Error::Code::unavailable,
                   std::string("sqlite: cannot open database: ") + sqlite3_errstr(rc)};
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    if (file_) sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    return db;
  }

  std::string uri_;
  sql::ServerInfo info_;
  bool file_;
  sqlite3* anchor_ = nullptr;
};

// Percent-encodes what SQLite's URI parser treats specially.
std::string file_uri(const std::string& path) {
  std::string out = "file:";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c <= 0x20) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Memory statistics make every SQLite allocation take one process-wide mutex, which the
// pool's connections then contend for (without them a get-client request took 13.4 instead of
// 15.0 us of CPU); we never read them. Only possible before SQLite initializes, so a failure (a
// host program got there first) just keeps the default.
void configure_library_once() {
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)configured;
}

}  // namespace

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions&) {
  configure_library_once();
  static std::atomic<unsigned> counter{0};
  sql::ServerInfo info{"sqlite", dsn.database, "", 0};
  bool file = dsn.kind == Dsn::Kind::kSqlite;
  std::string uri = file ? file_uri(dsn.path)
                         : "file:/argus-memory-" + std::to_string(::getpid()) + "-" +
                               std::to_string(counter.fetch_add(1)) + "?vfs=memdb";
  auto driver = std::make_unique<SqliteDriver>(std::move(uri), std::move(info), file);
  if (auto r = driver->init(); !r) return r.error();
  return std::unique_ptr<sql::Driver>(std::move(driver));
}

}  // namespace argus::store::sqlite
