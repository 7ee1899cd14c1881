#include "store/sql_store.h"

#include <array>
#include <charconv>
#include <chrono>
#include <initializer_list>

#include "store/codec.h"

namespace argus::store::sql {
namespace {

constexpr std::string_view kClientColumns =
    "client_id, client_name, client_secret_hash, grant_types, response_types, scope, audience, "
    "owner, redirect_uris, token_endpoint_auth_method, contacts, client_uri, logo_uri, "
    "policy_uri, tos_uri, metadata, created_at, updated_at, client_secret_expires_at";
constexpr std::string_view kTokenColumns =
    "signature, client_id, subject, scope, audience, issued_at, expires_at, revoked";

struct StatementSpec {
  Stmt id;
  std::string_view name;
  std::string_view operation;
  std::string_view table;
  std::string text;  // '?' placeholders
};

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

std::vector<StatementSpec> statement_specs() {
  const std::string client_select = cat({"SELECT ", kClientColumns, " FROM oauth2_clients "});
  return {
      {Stmt::kInsertClient, "INSERT oauth2_clients", "INSERT", "oauth2_clients",
       cat({"INSERT INTO oauth2_clients (", kClientColumns,
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})},
      {Stmt::kSelectClient, "SELECT oauth2_clients", "SELECT", "oauth2_clients",
       client_select + "WHERE client_id = ?"},
      {Stmt::kListClients, "SELECT oauth2_clients", "SELECT", "oauth2_clients",
       client_select +
           "WHERE client_id > ? AND (? = '' OR client_name = ?) AND (? = '' OR owner = ?) "
           "ORDER BY client_id LIMIT ?"},
      {Stmt::kUpdateClient, "UPDATE oauth2_clients", "UPDATE", "oauth2_clients",
       "UPDATE oauth2_clients SET client_name = ?, client_secret_hash = ?, grant_types = ?, "
       "response_types = ?, scope = ?, audience = ?, owner = ?, redirect_uris = ?, "
       "token_endpoint_auth_method = ?, contacts = ?, client_uri = ?, logo_uri = ?, "
       "policy_uri = ?, tos_uri = ?, metadata = ?, updated_at = ?, client_secret_expires_at = ? "
       "WHERE client_id = ?"},
      {Stmt::kDeleteClientTokens, "DELETE oauth2_access_tokens", "DELETE", "oauth2_access_tokens",
       "DELETE FROM oauth2_access_tokens WHERE client_id = ?"},
      {Stmt::kDeleteClient, "DELETE oauth2_clients", "DELETE", "oauth2_clients",
       "DELETE FROM oauth2_clients WHERE client_id = ?"},
      {Stmt::kInsertToken, "INSERT oauth2_access_tokens", "INSERT", "oauth2_access_tokens",
       cat({"INSERT INTO oauth2_access_tokens (", kTokenColumns,
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"})},
      {Stmt::kSelectToken, "SELECT oauth2_access_tokens", "SELECT", "oauth2_access_tokens",
       cat({"SELECT ", kTokenColumns, " FROM oauth2_access_tokens WHERE signature = ?"})},
      {Stmt::kRevokeToken, "UPDATE oauth2_access_tokens", "UPDATE", "oauth2_access_tokens",
       "UPDATE oauth2_access_tokens SET revoked = 1 WHERE signature = ? AND client_id = ?"},
      {Stmt::kDeleteExpiredTokens, "DELETE oauth2_access_tokens", "DELETE", "oauth2_access_tokens",
       "DELETE FROM oauth2_access_tokens WHERE expires_at < ?"},
      // No DELETE ... LIMIT in PostgreSQL, and MariaDB rejects LIMIT in an IN subquery and a
      // subquery on the table being deleted from: a derived table with LIMIT is materialised
      // first, which every back end accepts.
      {Stmt::kDeleteExpiredTokensBatch, "DELETE oauth2_access_tokens", "DELETE",
       "oauth2_access_tokens",
       "DELETE FROM oauth2_access_tokens WHERE signature IN (SELECT signature FROM (SELECT "
       "signature FROM oauth2_access_tokens WHERE expires_at < ? AND issued_at < ? ORDER BY "
       "expires_at LIMIT ?) AS batch)"},
      {Stmt::kPing, "SELECT", "SELECT", "", "SELECT 1"},
      {Stmt::kSelectMigration, "SELECT schema_migrations", "SELECT", "schema_migrations",
       "SELECT version FROM schema_migrations WHERE version = ?"},
      {Stmt::kInsertMigration, "INSERT schema_migrations", "INSERT", "schema_migrations",
       "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"},
  };
}

std::string render(std::string_view text, const Driver& driver) {
  std::string out;
  int n = 0;
  for (char c : text) {
    if (c == '?') {
      out += driver.placeholder(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Error{Error::Code::internal, "stored integer is malformed"};
  }
  return value;
}

Error not_found(std::string_view what) {
  return Error{Error::Code::not_found, std::string(what) + " not found"};
}

}  // namespace

// One leased connection for one store call, with a span around everything it does.
class Session {
 public:
  Session(SqlStore& store, Lease lease, const CallContext& ctx)
      : store_(store), lease_(std::move(lease)), ctx_(ctx) {}

  Result<Rows> exec(Stmt id, std::initializer_list<Param> params) {
    const auto index = static_cast<std::size_t>(id);
    const auto& st = store_.statements_[index];
    auto span = store_.spans_.start(st.name, st.text, st.operation, st.table, ctx_,
                                    store_.statement_spans_[index].get());
    auto rows = lease_->execute(st, std::span<const Param>(params.begin(), params.size()));
    if (!rows) return failed(span, rows.error());
    DbSpans::set_rows(span, st.operation, *rows);
    return rows;
  }

  Result<void> simple(std::string_view text, std::string_view name,
                      const trace::AttributeSet* shared = nullptr) {
    auto span = store_.spans_.start(name, text, name, "", ctx_, shared);
    auto r = lease_->execute_simple(text);
    if (!r) return failed(span, r.error());
    return r;
  }

  Result<void> begin() {
    return simple(store_.driver_->begin_write(), "BEGIN", store_.begin_spans_.get());
  }
  Result<void> commit() {
    commit_sent_ = true;
    return simple("COMMIT", "COMMIT", store_.commit_spans_.get());
  }
  void rollback() {
    if (!lease_->broken()) (void)simple("ROLLBACK", "ROLLBACK", store_.rollback_spans_.get());
  }

  // The connection died (server restarted or gone).
  bool lost() const noexcept { return lost_; }
  // Safe to run the whole call again: the dead connection was an old one and no COMMIT was
  // sent, so nothing of this call can have been written.
  bool retryable() const noexcept { return lost_ && !lease_.fresh() && !commit_sent_; }

 private:
  Error failed(trace::Span& span, Error error) {
    if (error.code == Error::Code::unavailable && lease_->broken()) lost_ = true;
    DbSpans::fail(span, error);
    return error;
  }

  SqlStore& store_;
  Lease lease_;
  const CallContext& ctx_;
  bool commit_sent_ = false;
  bool lost_ = false;
};

namespace {

// BEGIN, body, COMMIT; ROLLBACK when the body or the commit fails.
template <typename T, typename Body>
Result<T> transact(Session& s, Body&& body) {
  if (auto r = s.begin(); !r) return r.error();
  Result<T> result = body();
  if (!result) {
    s.rollback();
    return result;
  }
  if (auto r = s.commit(); !r) {
    s.rollback();
    return r.error();
  }
  return result;
}

// The decoders take the row's strings (it is a temporary of the query's result).
Result<Client> decode_client(std::vector<std::string>&& row) {
  if (row.size() != 19) return Error{Error::Code::internal, "unexpected column count"};
  Client c;
  c.client_id = std::move(row[0]);
  c.client_name = std::move(row[1]);
  c.client_secret_hash = std::move(row[2]);
  std::vector<std::string>* lists[] = {&c.grant_types, &c.response_types, &c.audience,
                                       &c.redirect_uris, &c.contacts};
  const std::size_t list_columns[] = {3, 4, 6, 8, 10};
  for (std::size_t i = 0; i < 5; ++i) {
    auto list = codec::decode_list(row[list_columns[i]]);
    if (!list) return list.error();
    *lists[i] = std::move(*list);
  }
  c.scope = std::move(row[5]);
  c.owner = std::move(row[7]);
  c.token_endpoint_auth_method = std::move(row[9]);
  c.client_uri = std::move(row[11]);
  c.logo_uri = std::move(row[12]);
  c.policy_uri = std::move(row[13]);
  c.tos_uri = std::move(row[14]);
  c.metadata = std::move(row[15]);
  std::int64_t* times[] = {&c.created_at, &c.updated_at, &c.client_secret_expires_at};
  for (std::size_t i = 0; i < 3; ++i) {
    auto v = to_int(row[16 + i]);
    if (!v) return v.error();
    *times[i] = *v;
  }
  return c;
}

Result<AccessToken> decode_token(std::vector<std::string>&& row) {
  if (row.size() != 8) return Error{Error::Code::internal, "unexpected column count"};
  AccessToken t;
  t.signature = std::move(row[0]);
  t.client_id = std::move(row[1]);
  t.subject = std::move(row[2]);
  t.scope = std::move(row[3]);
  auto audience = codec::decode_list(row[4]);
  if (!audience) return audience.error();
  t.audience = std::move(*audience);
  auto issued = to_int(row[5]);
  auto expires = to_int(row[6]);
  auto revoked = to_int(row[7]);
  if (!issued || !expires || !revoked) return Error{Error::Code::internal, "bad stored token"};
  t.issued_at = *issued;
  t.expires_at = *expires;
  t.revoked = *revoked != 0;
  return t;
}

struct EncodedLists {
  explicit EncodedLists(const Client& c)
      : grant_types(codec::encode_list(c.grant_types)),
        response_types(codec::encode_list(c.response_types)),
        audience(codec::encode_list(c.audience)),
        redirect_uris(codec::encode_list(c.redirect_uris)),
        contacts(codec::encode_list(c.contacts)) {}
  std::string grant_types, response_types, audience, redirect_uris, contacts;
};

}  // namespace

SqlStore::SqlStore(std::unique_ptr<Driver> driver, const StoreOptions& options)
    : driver_(std::move(driver)),
      pool_(
          *driver_, options.max_connections, options.acquire_timeout,
          BreakerOptions{options.reconnect_backoff, options.max_reconnect_backoff, options.clock}),
      spans_(options.tracer, driver_->server()),
      begin_spans_(spans_.shared(driver_->begin_write(), "BEGIN", "")),
      commit_spans_(spans_.shared("COMMIT", "COMMIT", "")),
      rollback_spans_(spans_.shared("ROLLBACK", "ROLLBACK", "")) {
  auto specs = statement_specs();
  statements_.resize(static_cast<std::size_t>(Stmt::kCount));
  statement_spans_.resize(statements_.size());
  for (auto& spec : specs) {
    auto index = static_cast<std::size_t>(spec.id);
    statements_[index] =
        Statement{index, render(spec.text, *driver_), spec.name, spec.operation, spec.table};
    const Statement& st = statements_[index];
    statement_spans_[index] = spans_.shared(st.text, st.operation, st.table);
  }
}

template <typename T, typename Body>
Result<T> SqlStore::run(const CallContext& ctx, Body&& body) {
  for (int attempt = 0;; ++attempt) {
    auto span = spans_.start_acquire(ctx);
    auto lease = pool_.acquire();
    if (!lease) {
      DbSpans::fail(span, lease.error());
      return lease.error();
    }
    if (span.is_recording()) span.set_attribute("db.connection.new", lease->fresh());
    span.end();
    Session session(*this, std::move(*lease), ctx);
    Result<T> result = body(session);
    if (result || !session.lost()) return result;
    pool_.invalidate();
    if (attempt > 0 || !session.retryable()) return result;
  }
}

Result<void> SqlStore::ping(const CallContext& ctx) {
  auto done = run<bool>(ctx, [](Session& s) -> Result<bool> {
    auto rows = s.exec(Stmt::kPing, {});
    if (!rows) return rows.error();
    return true;
  });
  if (!done) return done.error();
  return {};
}

Result<int> SqlStore::migrate(const CallContext& ctx) {
  return run<int>(ctx, [&](Session& s) -> Result<int> {
    if (auto r = s.simple(driver_->create_migrations_table(), "CREATE"); !r) return r.error();
    int applied = 0;
    for (const auto& m : driver_->migrations()) {
      auto done = transact<bool>(s, [&]() -> Result<bool> {
        auto rows = s.exec(Stmt::kSelectMigration, {std::int64_t{m.version}});
        if (!rows) return rows.error();
        if (!rows->rows.empty()) return false;
        for (auto text : m.statements) {
          if (auto r = s.simple(text, "MIGRATE"); !r) return r.error();
        }
        auto ins = s.exec(Stmt::kInsertMigration, {std::int64_t{m.version}, m.name, unix_now()});
        if (!ins) return ins.error();
        return true;
      });
      if (!done) return done.error();
      applied += *done ? 1 : 0;
    }
    return applied;
  });
}

Result<Client> SqlStore::create_client(const Client& in, const CallContext& ctx) {
  if (auto r = codec::check_client(in); !r) return r.error();
  Client c = in;
  auto now = unix_now();
  if (c.created_at == 0) c.created_at = now;
  if (c.updated_at == 0) c.updated_at = now;
  EncodedLists lists(c);
  return run<Client>(ctx, [&](Session& s) {
    return transact<Client>(s, [&]() -> Result<Client> {
      auto r = s.exec(
          Stmt::kInsertClient,
          {c.client_id, c.client_name, c.client_secret_hash, lists.grant_types,
           lists.response_types, c.scope, lists.audience, c.owner, lists.redirect_uris,
           c.token_endpoint_auth_method, lists.contacts, c.client_uri, c.logo_uri, c.policy_uri,
           c.tos_uri, c.metadata, c.created_at, c.updated_at, c.client_secret_expires_at});
      if (!r) {
        if (r.error().code == Error::Code::conflict) {
          return Error{Error::Code::conflict, "client_id already exists"};
        }
        return r.error();
      }
      return c;
    });
  });
}

Result<Client> SqlStore::get_client(std::string_view id, const CallContext& ctx) {
  if (auto r = codec::check_key(id, "client_id"); !r) {
    return r.error().code == Error::Code::invalid ? not_found("client") : r.error();
  }
  return run<Client>(ctx, [&](Session& s) -> Result<Client> {
    auto rows = s.exec(Stmt::kSelectClient, {id});
    if (!rows) return rows.error();
    if (rows->rows.empty()) return not_found("client");
    return decode_client(std::move(rows->rows.front()));
  });
}

Result<ClientPage> SqlStore::list_clients(const ClientFilter& filter, const PageRequest& page,
                                          const CallContext& ctx) {
  std::string after;
  if (!page.page_token.empty()) {
    auto decoded = codec::decode_page_token(page.page_token);
    if (!decoded) return decoded.error();
    after = std::move(*decoded);
  }
  if (auto r = codec::check_text(filter.client_name, "client_name"); !r) return r.error();
  if (auto r = codec::check_text(filter.owner, "owner"); !r) return r.error();
  std::size_t size = page.page_size == 0 ? PageRequest::kDefaultSize
                                         : std::min(page.page_size, PageRequest::kMaxSize);
  return run<ClientPage>(ctx, [&](Session& s) -> Result<ClientPage> {
    // One row more than asked tells whether another page follows.
    auto rows =
        s.exec(Stmt::kListClients, {after, filter.client_name, filter.client_name, filter.owner,
                                    filter.owner, static_cast<std::int64_t>(size + 1)});
    if (!rows) return rows.error();
    ClientPage out;
    for (std::size_t i = 0; i < rows->rows.size() && i < size; ++i) {
      auto c = decode_client(std::move(rows->rows[i]));
      if (!c) return c.error();
      out.clients.push_back(std::move(*c));
    }
    if (rows->rows.size() > size) {
      out.next_page_token = codec::encode_page_token(out.clients.back().client_id);
    }
    return out;
  });
}

Result<Client> SqlStore::update_client(const Client& in, const CallContext& ctx) {
  if (auto r = codec::check_client(in); !r) return r.error();
  Client c = in;
  if (c.updated_at == 0) c.updated_at = unix_now();
  EncodedLists lists(c);
  return run<Client>(ctx, [&](Session& s) {
    return transact<Client>(s, [&]() -> Result<Client> {
      auto r = s.exec(
          Stmt::kUpdateClient,
          {c.client_name, c.client_secret_hash, lists.grant_types, lists.response_types, c.scope,
           lists.audience, c.owner, lists.redirect_uris, c.token_endpoint_auth_method,
           lists.contacts, c.client_uri, c.logo_uri, c.policy_uri, c.tos_uri, c.metadata,
           c.updated_at, c.client_secret_expires_at, c.client_id});
      if (!r) return r.error();
      if (r->affected == 0) return not_found("client");
      auto rows = s.exec(Stmt::kSelectClient, {c.client_id});
      if (!rows) return rows.error();
      if (rows->rows.empty()) return not_found("client");
      return decode_client(std::move(rows->rows.front()));
    });
  });
}

Result<void> SqlStore::delete_client(std::string_view id, const CallContext& ctx) {
  if (auto r = codec::check_key(id, "client_id"); !r) return not_found("client");
  auto done = run<bool>(ctx, [&](Session& s) {
    return transact<bool>(s, [&]() -> Result<bool> {
      if (auto r = s.exec(Stmt::kDeleteClientTokens, {id}); !r) return r.error();
      auto r = s.exec(Stmt::kDeleteClient, {id});
      if (!r) return r.error();
      if (r->affected == 0) return not_found("client");
      return true;
    });
  });
  if (!done) return done.error();
  return {};
}

Result<void> SqlStore::insert_token(const AccessToken& t, const CallContext& ctx) {
  if (auto r = codec::check_token(t); !r) return r.error();
  auto audience = codec::encode_list(t.audience);
  auto done = run<bool>(ctx, [&](Session& s) {
    return transact<bool>(s, [&]() -> Result<bool> {
      auto r =
          s.exec(Stmt::kInsertToken, {t.signature, t.client_id, t.subject, t.scope, audience,
                                      t.issued_at, t.expires_at, std::int64_t{t.revoked ? 1 : 0}});
      if (!r) {
        if (r.error().code == Error::Code::conflict) {
          return Error{Error::Code::conflict, "token signature already exists"};
        }
        return r.error();
      }
      return true;
    });
  });
  if (!done) return done.error();
  return {};
}

Result<AccessToken> SqlStore::get_token(std::string_view signature, const CallContext& ctx) {
  if (auto r = codec::check_key(signature, "signature"); !r) return not_found("token");
  return run<AccessToken>(ctx, [&](Session& s) -> Result<AccessToken> {
    auto rows = s.exec(Stmt::kSelectToken, {signature});
    if (!rows) return rows.error();
    if (rows->rows.empty()) return not_found("token");
    return decode_token(std::move(rows->rows.front()));
  });
}

Result<RevokeOutcome> SqlStore::revoke_token(std::string_view signature, std::string_view client_id,
                                             const CallContext& ctx) {
  if (!codec::check_key(signature, "signature")) return RevokeOutcome::kNotFound;
  if (auto r = codec::check_key(client_id, "client_id"); !r) return r.error();
  return run<RevokeOutcome>(ctx, [&](Session& s) {
    return transact<RevokeOutcome>(s, [&]() -> Result<RevokeOutcome> {
      auto r = s.exec(Stmt::kRevokeToken, {signature, client_id});
      if (!r) return r.error();
      if (r->affected > 0) return RevokeOutcome::kRevoked;
      auto rows = s.exec(Stmt::kSelectToken, {signature});
      if (!rows) return rows.error();
      return rows->rows.empty() ? RevokeOutcome::kNotFound : RevokeOutcome::kNotOwner;
    });
  });
}

Result<std::int64_t> SqlStore::delete_rows(Stmt statement, std::initializer_list<Param> params,
                                           const CallContext& ctx) {
  return run<std::int64_t>(ctx, [&](Session& s) {
    return transact<std::int64_t>(s, [&]() -> Result<std::int64_t> {
      auto r = s.exec(statement, params);
      if (!r) return r.error();
      return r->affected;
    });
  });
}

Result<std::int64_t> SqlStore::delete_client_tokens(std::string_view id, const CallContext& ctx) {
  if (!codec::check_key(id, "client_id")) return std::int64_t{0};  // no such client can exist
  return delete_rows(Stmt::kDeleteClientTokens, {id}, ctx);
}

Result<std::int64_t> SqlStore::delete_expired_tokens(std::int64_t now, const CallContext& ctx) {
  return delete_rows(Stmt::kDeleteExpiredTokens, {now}, ctx);
}

Result<std::int64_t> SqlStore::delete_expired_tokens_batch(const TokenPurgeBatch& batch,
                                                           const CallContext& ctx) {
  if (batch.limit == 0) return std::int64_t{0};
  const auto limit = static_cast<std::int64_t>(batch.limit);
  return delete_rows(Stmt::kDeleteExpiredTokensBatch,
                     {batch.expired_before, batch.issued_before, limit}, ctx);
}

}  // namespace argus::store::sql

namespace argus::store {

std::int64_t unix_now() noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace argus::store
