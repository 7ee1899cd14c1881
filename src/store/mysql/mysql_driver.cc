#include "store/mysql/mysql_driver.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace argus::store::mysql {
namespace {

constexpr std::string_view kTableOptions =
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

const std::vector<sql::Migration>& migrations() {
  // DDL commits implicitly in MySQL, so every statement is idempotent (IF NOT EXISTS) and a
  // migration interrupted half-way completes when run again.
  static const std::string clients =
      "CREATE TABLE IF NOT EXISTS oauth2_clients (client_id VARCHAR(255) NOT NULL PRIMARY KEY, "
      "client_name MEDIUMTEXT NOT NULL, client_secret_hash MEDIUMTEXT NOT NULL, "
      "grant_types MEDIUMTEXT NOT NULL, response_types MEDIUMTEXT NOT NULL, "
      "scope MEDIUMTEXT NOT NULL, audience MEDIUMTEXT NOT NULL, owner MEDIUMTEXT NOT NULL, "
      "redirect_uris MEDIUMTEXT NOT NULL, token_endpoint_auth_method MEDIUMTEXT NOT NULL, "
      "contacts MEDIUMTEXT NOT NULL, client_uri MEDIUMTEXT NOT NULL, "
      "logo_uri MEDIUMTEXT NOT NULL, policy_uri MEDIUMTEXT NOT NULL, "
      "tos_uri MEDIUMTEXT NOT NULL, metadata MEDIUMTEXT NOT NULL, created_at BIGINT NOT NULL, "
      "updated_at BIGINT NOT NULL, client_secret_expires_at BIGINT NOT NULL)" +
      std::string(kTableOptions);
  static const std::string tokens =
      "CREATE TABLE IF NOT EXISTS oauth2_access_tokens (signature VARCHAR(255) NOT NULL "
      "PRIMARY KEY, client_id VARCHAR(255) NOT NULL, subject MEDIUMTEXT NOT NULL, "
      "scope MEDIUMTEXT NOT NULL, audience MEDIUMTEXT NOT NULL, issued_at BIGINT NOT NULL, "
      "expires_at BIGINT NOT NULL, revoked SMALLINT NOT NULL, "
      "INDEX oauth2_access_tokens_client_id (client_id), "
      "INDEX oauth2_access_tokens_expires_at (expires_at))" +
      std::string(kTableOptions);
  static const std::vector<sql::Migration> list = {
      {1, "clients and access tokens", {clients, tokens}},
  };
  return list;
}

struct Mapped {
  Error error;
  bool broken;
};

// The error number decides; MySQL's message text can quote the duplicate key.
Mapped map_error(unsigned code, const char* sqlstate) {
  std::string message = "mysql: error " + std::to_string(code);
  if (sqlstate && *sqlstate) message += std::string(" (SQLSTATE ") + sqlstate + ")";
  switch (code) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
      return {{Error::Code::conflict, message}, false};
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_QUERY_INTERRUPTED:
      return {{Error::Code::unavailable, message}, true};
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_CON_COUNT_ERROR:
      return {{Error::Code::unavailable, message}, false};
    case ER_DATA_TOO_LONG:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_BAD_NULL_ERROR:
    case ER_INVALID_CHARACTER_STRING:
      return {{Error::Code::invalid, message}, false};
    default:
      // Client-side errors (2000-2999) leave the connection in an unknown state.
      return {{Error::Code::internal, message}, code >= 2000 && code < 3000};
  }
}

// Result columns are fetched as strings into buffers that grow to the longest value seen.
class ResultBuffers {
 public:
  explicit ResultBuffers(std::size_t columns)
      : binds_(columns), data_(columns, std::string(64, '\0')), lengths_(columns), nulls_(columns) {
    for (std::size_t c = 0; c < columns; ++c) bind(c);
  }
  MYSQL_BIND* binds() { return binds_.data(); }

  // After a fetch: copies the row out, re-fetching truncated columns at their full length.
  bool read_row(MYSQL_STMT* st, std::vector<std::string>& row) {
    row.clear();
    for (std::size_t c = 0; c < binds_.size(); ++c) {
      if (nulls_[c]) {
        row.emplace_back();
        continue;
      }
      if (lengths_[c] > data_[c].size()) {
        data_[c].resize(lengths_[c]);
        bind(c);
        if (mysql_stmt_fetch_column(st, &binds_[c], static_cast<unsigned>(c), 0) != 0) return false;
      }
      row.emplace_back(data_[c].data(), lengths_[c]);
    }
    return true;
  }

 private:
  void bind(std::size_t c) {
    binds_[c] = MYSQL_BIND{};
    binds_[c].buffer_type = MYSQL_TYPE_STRING;
    binds_[c].buffer = data_[c].data();
    binds_[c].buffer_length = data_[c].size();
    binds_[c].length = &lengths_[c];
    binds_[c].is_null = &nulls_[c];
  }

  std::vector<MYSQL_BIND> binds_;
  std::vector<std::string> data_;
  std::vector<unsigned long> lengths_;
  std::vector<my_bool> nulls_;
};

class MyConnection final : public sql::Connection {
 public:
  explicit MyConnection(MYSQL* db) : db_(db) {}
  ~MyConnection() override {
    for (auto* st : cache_) {
      if (st) mysql_stmt_close(st);
    }
    mysql_close(db_);
  }

  Result<sql::Rows> execute(const sql::Statement& statement,
                            std::span<const sql::Param> params) override {
    auto prepared = prepare(statement);
    if (!prepared) return prepared.error();
    MYSQL_STMT* st = *prepared;
    std::vector<MYSQL_BIND> binds(params.size());
    std::vector<long long> numbers(params.size());
    std::vector<unsigned long> lengths(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      binds[i] = MYSQL_BIND{};
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        numbers[i] = *n;
        binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
        binds[i].buffer = &numbers[i];
      } else {
        auto s = std::get<std::string_view>(params[i]);
        lengths[i] = s.size();
        binds[i].buffer_type = MYSQL_TYPE_STRING;
        binds[i].buffer = const_cast<char*>(s.data());
        binds[i].buffer_length = s.size();
        binds[i].length = &lengths[i];
      }
    }
    if (!params.empty() && mysql_stmt_bind_param(st, binds.data())) return stmt_error(st);
    if (mysql_stmt_execute(st) != 0) return stmt_error(st);
    auto rows = fetch(st);
    mysql_stmt_free_result(st);
    return rows;
  }

  Result<void> execute_simple(std::string_view text) override {
    if (mysql_real_query(db_, text.data(), text.size()) != 0) {
      return fail(mysql_errno(db_), mysql_sqlstate(db_));
    }
    // Drain any result (none expected from BEGIN/COMMIT/DDL).
    if (MYSQL_RES* res = mysql_store_result(db_)) mysql_free_result(res);
    return {};
  }

  bool broken() const noexcept override { return broken_; }

 private:
  Result<MYSQL_STMT*> prepare(const sql::Statement& statement) {
    if (cache_.size() <= statement.index) cache_.resize(statement.index + 1, nullptr);
    auto& slot = cache_[statement.index];
    if (slot != nullptr) return slot;
    MYSQL_STMT* st = mysql_stmt_init(db_);
    if (st == nullptr) return Error{Error::Code::internal, "mysql: out of memory"};
    if (mysql_stmt_prepare(st, statement.text.data(), statement.text.size()) != 0) {
      auto error = stmt_error(st);
      mysql_stmt_close(st);
      return error;
    }
    slot = st;
    return slot;
  }

  Result<sql::Rows> fetch(MYSQL_STMT* st) {
    sql::Rows out;
    MYSQL_RES* meta = mysql_stmt_result_metadata(st);
    if (meta == nullptr) {
      out.affected = static_cast<std::int64_t>(mysql_stmt_affected_rows(st));
      return out;
    }
    std::size_t columns = mysql_num_fields(meta);
    mysql_free_result(meta);
    ResultBuffers buffers(columns);
    if (mysql_stmt_bind_result(st, buffers.binds())) return stmt_error(st);
    while (true) {
      int rc = mysql_stmt_fetch(st);
      if (rc == MYSQL_NO_DATA) break;
      if (rc == 1) return stmt_error(st);
      if (!buffers.read_row(st, out.rows.emplace_back())) return stmt_error(st);
    }
    return out;
  }

  Error stmt_error(MYSQL_STMT* st) { return fail(mysql_stmt_errno(st), mysql_stmt_sqlstate(st)); }
  Error fail(unsigned code, const char* sqlstate) {
    auto mapped = map_error(code, sqlstate);
    if (mapped.broken) broken_ = true;
    return mapped.error;
  }

  MYSQL* db_;
  std::vector<MYSQL_STMT*> cache_;
  bool broken_ = false;
};

struct ConnectParams {
  std::string host, user, password, database;
  unsigned port = 3306;
  // Seconds, the connector's unit. The connect timeout covers the handshake too; the read and
  // write timeouts bound each wait on the socket of an established connection.
  unsigned connect_timeout = 3;
  unsigned read_timeout = 30;
  unsigned write_timeout = 30;
};

// go-sql-driver's readTimeout and writeTimeout, the names Hydra's MySQL DSNs use.
Result<void> apply_io_timeouts(const Dsn& dsn, ConnectParams& params) {
  const std::pair<const char*, unsigned*> keys[] = {{"readTimeout", &params.read_timeout},
                                                    {"writeTimeout", &params.write_timeout}};
  for (auto [key, target] : keys) {
    auto timeout = dsn_timeout(dsn, key, std::chrono::seconds(*target));
    if (!timeout) return timeout.error();
    *target = whole_seconds(*timeout);
  }
  return {};
}

class MyDriver final : public sql::Driver {
 public:
  MyDriver(ConnectParams params, sql::ServerInfo info)
      : params_(std::move(params)), info_(std::move(info)) {}

  const sql::ServerInfo& server() const noexcept override { return info_; }

  Result<std::unique_ptr<sql::Connection>> connect() override {
    MYSQL* db = mysql_init(nullptr);
    if (db == nullptr) return Error{Error::Code::internal, "mysql: out of memory"};
    unsigned timeout = params_.connect_timeout;
    unsigned read_timeout = params_.read_timeout;
    unsigned write_timeout = params_.write_timeout;
    unsigned protocol = MYSQL_PROTOCOL_TCP;  // "localhost" would otherwise mean a socket
    my_bool reconnect = 0;                   // the pool reconnects, statement caches included
    mysql_optionsv(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(db, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
    mysql_optionsv(db, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
    mysql_optionsv(db, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_optionsv(db, MYSQL_OPT_RECONNECT, &reconnect);
    mysql_optionsv(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(db, MYSQL_INIT_COMMAND,
                   "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
    if (mysql_real_connect(db, params_.host.c_str(), params_.user.c_str(), params_.password.c_str(),
                           params_.database.c_str(), params_.port, nullptr,
                           CLIENT_FOUND_ROWS) == nullptr) {
      // The server's message names the user and host, never the password.
      Error error{Error::Code::unavailable, std::string("mysql: ") + mysql_error(db)};
      mysql_close(db);
      return error;
    }
    return std::unique_ptr<sql::Connection>(std::make_unique<MyConnection>(db));
  }

  std::string placeholder(int) const override { return "?"; }
  std::string_view begin_write() const noexcept override { return "START TRANSACTION"; }
  std::span<const sql::Migration> migrations() const noexcept override {
    return mysql::migrations();
  }
  std::string_view create_migrations_table() const noexcept override {
    static const std::string text =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, "
        "name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)" +
        std::string(kTableOptions);
    return text;
  }

 private:
  ConnectParams params_;
  sql::ServerInfo info_;
};

}  // namespace

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
  ConnectParams params;
  params.host = dsn.host;
  params.user = dsn.user;
  params.password = dsn.password;
  params.database = dsn.database;
  if (dsn.port != 0) params.port = dsn.port;
  params.connect_timeout = whole_seconds(options.connect_timeout);
  if (auto r = apply_io_timeouts(dsn, params); !r) return r.error();
  sql::ServerInfo info{"mysql", dsn.database, dsn.host, static_cast<std::uint16_t>(params.port)};
  return std::unique_ptr<sql::Driver>(
      std::make_unique<MyDriver>(std::move(params), std::move(info)));
}

}  // namespace argus::store::mysql
