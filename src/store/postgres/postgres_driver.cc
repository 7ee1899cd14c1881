#include "store/postgres/postgres_driver.h"

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/postgres/bounded_io.h"

namespace argus::store::postgres {
namespace {

const std::vector<sql::Migration>& migrations() {
  // COLLATE "C" keeps ids ordered bytewise, like the other back ends, whatever the locale.
  static const std::vector<sql::Migration> list = {
      {1,
       "clients and access tokens",
       {"CREATE TABLE oauth2_clients (client_id VARCHAR(255) COLLATE \"C\" NOT NULL PRIMARY KEY, "
        "client_name TEXT NOT NULL, client_secret_hash TEXT NOT NULL, grant_types TEXT NOT NULL, "
        "response_types TEXT NOT NULL, scope TEXT NOT NULL, audience TEXT NOT NULL, "
        "owner TEXT NOT NULL, redirect_uris TEXT NOT NULL, "
        "token_endpoint_auth_method TEXT NOT NULL, contacts TEXT NOT NULL, "
        "client_uri TEXT NOT NULL, logo_uri TEXT NOT NULL, policy_uri TEXT NOT NULL, "
        "tos_uri TEXT NOT NULL, metadata TEXT NOT NULL, created_at BIGINT NOT NULL, "
        "updated_at BIGINT NOT NULL, client_secret_expires_at BIGINT NOT NULL)",
        "CREATE TABLE oauth2_access_tokens (signature VARCHAR(255) COLLATE \"C\" NOT NULL "
        "PRIMARY KEY, client_id VARCHAR(255) COLLATE \"C\" NOT NULL, subject TEXT NOT NULL, "
        "scope TEXT NOT NULL, audience TEXT NOT NULL, issued_at BIGINT NOT NULL, "
        "expires_at BIGINT NOT NULL, revoked SMALLINT NOT NULL)",
        "CREATE INDEX oauth2_access_tokens_client_id ON oauth2_access_tokens (client_id)",
        "CREATE INDEX oauth2_access_tokens_expires_at ON oauth2_access_tokens (expires_at)"}},
  };
  return list;
}

// libpq's connection messages name hosts and users, never passwords; keep the first line.
std::string first_line(const char* text) {
  std::string s = text ? text : "";
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

// Every statement is sent with libpq's asynchronous API and its reply awaited by
// `read_timeout`: a server that stops answering costs one connection, not a worker forever.
class PgConnection final : public sql::Connection {
 public:
  PgConnection(PGconn* conn, std::chrono::milliseconds read_timeout)
      : conn_(conn), read_timeout_(read_timeout) {}
  ~PgConnection() override { PQfinish(conn_); }

  Result<sql::Rows> execute(const sql::Statement& statement,
                            std::span<const sql::Param> params) override {
    if (auto r = prepare(statement); !r) return r.error();
    // Text-format parameters must be NUL-terminated, so each is copied; the reserve keeps the
    // copies (and their c_str pointers) in place.
    std::vector<std::string> owned;
    std::vector<const char*> values(params.size());
    owned.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        values[i] = owned.emplace_back(std::to_string(*n)).c_str();
      } else {
        values[i] = owned.emplace_back(std::get<std::string_view>(params[i])).c_str();
      }
    }
    int sent =
        PQsendQueryPrepared(conn_, name(statement.index).c_str(), static_cast<int>(params.size()),
                            values.data(), nullptr, nullptr, 0);
    return collect(sent);
  }

  Result<void> execute_simple(std::string_view text) override {
    std::string sql(text);
    auto r = collect(PQsendQuery(conn_, sql.c_str()));
    if (!r) return r.error();
    return {};
  }

  bool broken() const noexcept override { return timed_out_ || PQstatus(conn_) != CONNECTION_OK; }

 private:
  static std::string name(std::size_t index) { return "argus_" + std::to_string(index); }

  Result<void> prepare(const sql::Statement& statement) {
    if (prepared_.size() <= statement.index) prepared_.resize(statement.index + 1, false);
    if (prepared_[statement.index]) return {};
    auto r = collect(
        PQsendPrepare(conn_, name(statement.index).c_str(), statement.text.c_str(), 0, nullptr));
    if (!r) return r.error();
    prepared_[statement.index] = true;
    return {};
  }

  // The reply to what a PQsend* call (returning `sent`) queued.
  Result<sql::Rows> collect(int sent) {
    if (sent == 0) return to_error(nullptr);
    Reply reply = await_reply(conn_, std::chrono::steady_clock::now() + read_timeout_);
    if (reply.timed_out) {
      timed_out_ = true;  // a reply may still be on its way: the connection cannot be reused
      return Error{Error::Code::unavailable, "postgresql: no reply within read_timeout (" +
                                                 std::to_string(read_timeout_.count()) + " ms)"};
    }
    return rows_of(reply.result);
  }

  Result<sql::Rows> rows_of(PGresult* res) {
    auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      auto error = to_error(res);
      PQclear(res);
      return error;
    }
    sql::Rows out;
    int rows = PQntuples(res);
    int cols = PQnfields(res);
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      auto& row = out.rows.emplace_back();
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        row.emplace_back(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c)));
      }
    }
    const char* affected = PQcmdTuples(res);
    if (affected && *affected) out.affected = std::strtoll(affected, nullptr, 10);
    PQclear(res);
    return out;
  }

  // The SQLSTATE decides; PostgreSQL's message text can quote the conflicting key.
  Error to_error(PGresult* res) const {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (PQstatus(conn_) != CONNECTION_OK || state == nullptr) {
      return {Error::Code::unavailable, "postgresql: connection lost"};
    }
    std::string code(state);
    std::string message = "postgresql: SQLSTATE " + code;
    if (code == "23505") return {Error::Code::conflict, message};
    if (code.starts_with("22") || code.starts_with("23")) return {Error::Code::invalid, message};
    if (code.starts_with("08") || code.starts_with("57P") || code.starts_with("53") ||
        code == "40001" || code == "40P01") {
      return {Error::Code::unavailable, message};
    }
    return {Error::Code::internal, message};
  }

  PGconn* conn_;
  std::chrono::milliseconds read_timeout_;
  bool timed_out_ = false;
  std::vector<bool> prepared_;
};

class PgDriver final : public sql::Driver {
 public:
  PgDriver(std::vector<std::pair<std::string, std::string>> params, sql::ServerInfo info,
           std::chrono::milliseconds connect_timeout, std::chrono::milliseconds read_timeout)
      : params_(std::move(params)),
        info_(std::move(info)),
        connect_timeout_(connect_timeout),
        read_timeout_(read_timeout) {}

  const sql::ServerInfo& server() const noexcept override { return info_; }

  Result<std::unique_ptr<sql::Connection>> connect() override {
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : params_) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectStartParams(keys.data(), values.data(), 0);
    if (conn == nullptr) return Error{Error::Code::internal, "postgresql: out of memory"};
    const bool bad = PQstatus(conn) == CONNECTION_BAD;
    const Deadline deadline = std::chrono::steady_clock::now() + connect_timeout_;
    // Non-blocking sends, so that a full socket buffer cannot hold a worker either.
    if (bad || !finish_connect(conn, deadline) || PQstatus(conn) != CONNECTION_OK ||
        PQsetnonblocking(conn, 1) != 0) {
      std::string why = first_line(PQerrorMessage(conn));
      if (!bad && why.empty()) why = "connect timed out";
      Error error{Error::Code::unavailable, "postgresql: " + why};
      PQfinish(conn);
      return error;
    }
    return std::unique_ptr<sql::Connection>(std::make_unique<PgConnection>(conn, read_timeout_));
  }

  std::string placeholder(int n) const override { return "$" + std::to_string(n); }
  std::span<const sql::Migration> migrations() const noexcept override {
    return postgres::migrations();
  }
  std::string_view create_migrations_table() const noexcept override {
    return "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, "
           "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
  }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
  sql::ServerInfo info_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds read_timeout_;
};

// Query parameters libpq understands; Hydra's pool settings (max_conns, ...) are ours.
bool libpq_param(const std::string& key) {
  static const char* const kKnown[] = {"sslmode",       "sslrootcert",     "sslcert",
                                       "sslkey",        "sslcrl",          "application_name",
                                       "options",       "channel_binding", "target_session_attrs",
                                       "keepalives",    "keepalives_idle", "gssencmode",
                                       "sslcompression"};
  for (const char* k : kKnown) {
    if (key == k) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions& options) {
  // How long a statement may wait for the server's reply: 30 s, as MySQL's readTimeout.
  auto reply_timeout = dsn_timeout(dsn, "read_timeout", std::chrono::seconds(30));
  if (!reply_timeout) return reply_timeout.error();
  std::vector<std::pair<std::string, std::string>> params = {
      {"host", dsn.host},
      {"dbname", dsn.database},
      {"client_encoding", "UTF8"},
      {"connect_timeout", std::to_string(whole_seconds(options.connect_timeout))},
      // A server that vanishes without closing the socket (host down, network cut) is noticed
      // within seconds instead of blocking a worker thread indefinitely.
      {"keepalives", "1"},
      {"keepalives_idle", "10"},
      {"keepalives_interval", "2"},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", "10000"},
  };
  if (dsn.port != 0) params.emplace_back("port", std::to_string(dsn.port));
  if (!dsn.user.empty()) params.emplace_back("user", dsn.user);
  if (!dsn.password.empty()) params.emplace_back("password", dsn.password);
  for (const auto& [k, v] : dsn.params) {
    if (libpq_param(k)) params.emplace_back(k, v);
  }
  sql::ServerInfo info{"postgresql", dsn.database, dsn.host,
                       dsn.port ? dsn.port : std::uint16_t{5432}};
  return std::unique_ptr<sql::Driver>(std::make_unique<PgDriver>(
      std::move(params), std::move(info), options.connect_timeout, *reply_timeout));
}

}  // namespace argus::store::postgres
