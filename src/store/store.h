// The storage interface of the argus OAuth2 service: one abstract Store, implemented by the
// SQLite (also "memory"), PostgreSQL and MariaDB/MySQL drivers, chosen by a DSN.
//
// Calls block (run them on a worker pool, never on I/O threads) and are thread-safe: each call
// takes a pooled connection. Every write runs in one transaction, so a failed call never leaves a
// half-written record. Failures are values: Result<T> carries a store::Error whose code tells the
// API layer what to answer (not_found 404, conflict 409, invalid 400, unavailable 503).
//
// Every SQL interaction (connection acquisition, BEGIN/COMMIT/ROLLBACK, each statement) is a
// client span following OpenTelemetry's database conventions; statements are recorded with
// placeholders only, never argument values. Spans are children of CallContext::parent when
// given, else of the thread's current span.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "argus/trace/expected.h"
#include "argus/trace/span_context.h"
#include "argus/trace/tracer.h"
#include "store/model.h"

namespace argus::store {

struct Error {
  enum class Code {
    not_found,    // no such record
    conflict,     // duplicate key (client_id, token signature)
    invalid,      // bad input: DSN, page token, over-long or non-UTF-8 field, NUL byte
    unavailable,  // database down or unreachable, pool exhausted past its timeout
    internal,     // anything else
  };
  Code code = Code::internal;
  std::string message;  // never contains argument values or secrets
};

std::string_view to_string(Error::Code code) noexcept;

// A value or a store Error (the trace library's Expected, with the store's error vocabulary).
template <typename T>
using Result = trace::Expected<T, Error>;

// The current time in the unit of every stored time: Unix seconds.
std::int64_t unix_now() noexcept;

// Per-call options. The API engineer passes the request span's context explicitly because calls
// run on worker threads where the thread-local current span is not the request's.
struct CallContext {
  const trace::SpanContext* parent = nullptr;  // nullptr: the thread's current span, if any
};

// One bounded purge step: at most `limit` tokens that expired before `expired_before` and were
// issued before `issued_before` (both unix seconds), oldest expiry first.
struct TokenPurgeBatch {
  std::int64_t expired_before = 0;
  std::int64_t issued_before = 0;
  std::size_t limit = 100;
};

struct StoreOptions {
  trace::Tracer* tracer = nullptr;  // nullptr: no spans; must outlive the store
  bool migrate_on_open = false;     // apply pending migrations in open_store()
  std::size_t max_connections = 8;  // pool bound; a DSN's max_conns parameter overrides it
  // Opening one connection, the handshake included; a DSN's connect_timeout parameter (seconds,
  // or a duration such as 500ms) overrides it. MySQL counts whole seconds.
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds acquire_timeout{3000};  // waiting for a free pooled connection
  // After a failed connect, calls that need a new connection fail fast with `unavailable`
  // (idle pooled connections are still used) until a backoff has passed; then one call probes.
  // The backoff doubles after each failed probe, up to the cap.
  std::chrono::milliseconds reconnect_backoff{250};
  std::chrono::milliseconds max_reconnect_backoff{5000};
  // The breaker's clock (tests); null: std::chrono::steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite", "postgresql" or "mysql" (OpenTelemetry's db.system values).
  virtual std::string_view system() const noexcept = 0;

  virtual Result<void> ping(const CallContext& ctx = {}) = 0;
  // Applies pending migrations; returns how many were applied.
  virtual Result<int> migrate(const CallContext& ctx = {}) = 0;

  // Clients. create: conflict if client_id exists. update: replaces every field except
  // created_at (kept from the stored record); not_found if absent. Both return the record as
  // stored (timestamps filled in).
  virtual Result<Client> create_client(const Client& client, const CallContext& ctx = {}) = 0;
  virtual Result<Client> get_client(std::string_view client_id, const CallContext& ctx = {}) = 0;
  virtual Result<ClientPage> list_clients(const ClientFilter& filter, const PageRequest& page,
                                          const CallContext& ctx = {}) = 0;
  virtual Result<Client> update_client(const Client& client, const CallContext& ctx = {}) = 0;
  // Deletes the client and its tokens in one transaction; not_found if absent.
  virtual Result<void> delete_client(std::string_view client_id, const CallContext& ctx = {}) = 0;

  // Access tokens, keyed by the HMAC signature the API layer computes.
  virtual Result<void> insert_token(const AccessToken& token, const CallContext& ctx = {}) = 0;
  virtual Result<AccessToken> get_token(std::string_view signature,
                                        const CallContext& ctx = {}) = 0;
  virtual Result<RevokeOutcome> revoke_token(std::string_view signature, std::string_view client_id,
                                             const CallContext& ctx = {}) = 0;
  // Deletes every token issued to the client (which need not exist); returns how many.
  virtual Result<std::int64_t> delete_client_tokens(std::string_view client_id,
                                                    const CallContext& ctx = {}) = 0;
  // Deletes tokens with expires_at < now_unix_seconds; returns how many.
  virtual Result<std::int64_t> delete_expired_tokens(std::int64_t now_unix_seconds,
                                                     const CallContext& ctx = {}) = 0;
  // One batch of the janitor's purge (store/janitor.h), in its own transaction; returns how many
  // were deleted (fewer than batch.limit: nothing more matches).
  virtual Result<std::int64_t> delete_expired_tokens_batch(const TokenPurgeBatch& batch,
                                                           const CallContext& ctx = {}) = 0;
};

// Opens a store for a DSN:
//   memory                                   SQLite in memory (private to this Store)
//   sqlite:///abs/path.db, sqlite://rel.db   SQLite file (query parameters ignored)
//   postgres://u:p@host:port/db?sslmode=...  also postgresql://
//   mysql://u:p@host:port/db                 also Hydra's mysql://u:p@tcp(host:port)/db?...
// Fails with invalid for a malformed DSN, unavailable if the database cannot be reached.
Result<std::unique_ptr<Store>> open_store(const std::string& dsn, StoreOptions options = {});

// `argus migrate sql DSN`: opens, applies pending migrations, closes. Returns how many applied.
Result<int> migrate(const std::string& dsn, StoreOptions options = {});

}  // namespace argus::store
