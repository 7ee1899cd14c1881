// The Store implementation shared by every driver: the SQL text (one catalogue, rendered in the
// driver's placeholder syntax), transactions, retries after a lost connection, and spans.
#pragma once

#include <memory>
#include <vector>

#include "store/db_span.h"
#include "store/driver.h"
#include "store/pool.h"
#include "store/store.h"

namespace argus::store::sql {

enum class Stmt : std::size_t {
  kInsertClient,
  kSelectClient,
  kListClients,
  kUpdateClient,
  kDeleteClientTokens,
  kDeleteClient,
  kInsertToken,
  kSelectToken,
  kRevokeToken,
  kDeleteExpiredTokens,
  kDeleteExpiredTokensBatch,
  kPing,
  kSelectMigration,
  kInsertMigration,
  kCount
};

class Session;

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Driver> driver, const StoreOptions& options);

  std::string_view system() const noexcept override { return driver_->server().system; }
  Result<void> ping(const CallContext& ctx) override;
  Result<int> migrate(const CallContext& ctx) override;
  Result<Client> create_client(const Client& client, const CallContext& ctx) override;
  Result<Client> get_client(std::string_view client_id, const CallContext& ctx) override;
  Result<ClientPage> list_clients(const ClientFilter& filter, const PageRequest& page,
                                  const CallContext& ctx) override;
  Result<Client> update_client(const Client& client, const CallContext& ctx) override;
  Result<void> delete_client(std::string_view client_id, const CallContext& ctx) override;
  Result<void> insert_token(const AccessToken& token, const CallContext& ctx) override;
  Result<AccessToken> get_token(std::string_view signature, const CallContext& ctx) override;
  Result<RevokeOutcome> revoke_token(std::string_view signature, std::string_view client_id,
                                     const CallContext& ctx) override;
  Result<std::int64_t> delete_client_tokens(std::string_view client_id,
                                            const CallContext& ctx) override;
  Result<std::int64_t> delete_expired_tokens(std::int64_t now_unix_seconds,
                                             const CallContext& ctx) override;
  Result<std::int64_t> delete_expired_tokens_batch(const TokenPurgeBatch& batch,
                                                   const CallContext& ctx) override;

 private:
  friend class Session;
  // Runs `body` on a pooled connection; retries once on a fresh connection when a reused one
  // turns out dead before anything could have been committed.
  template <typename T, typename Body>
  Result<T> run(const CallContext& ctx, Body&& body);
  // One DELETE statement in a transaction of its own; returns how many rows it removed.
  Result<std::int64_t> delete_rows(Stmt statement, std::initializer_list<Param> params,
                                   const CallContext& ctx);

  std::unique_ptr<Driver> driver_;
  Pool pool_;
  DbSpans spans_;
  // What every span of a statement shares, made once (null when not tracing).
  std::unique_ptr<const trace::AttributeSet> begin_spans_, commit_spans_, rollback_spans_;
  std::vector<Statement> statements_;
  std::vector<std::unique_ptr<const trace::AttributeSet>> statement_spans_;  // by Stmt
};

}  // namespace argus::store::sql
