// Store over a SqlPool: the one implementation of the store's rules, run on
// SQLite or PostgreSQL through SqlConnection. What differs between the two
// engines (column types, row locking) is in Dialect.
//
// Feed positions follow commit order on both engines: positions are taken
// from the single `feed_head` row as the last step of a write transaction,
// so the row lock serialises that step and is held until COMMIT — a
// transaction can only take positions after every earlier holder has
// committed and become visible. A reader that sees head h in its snapshot
// therefore sees every change at positions ≤ h, and can never skip one.
#pragma once

#include <memory>
#include <string>

#include "core/store/sql_connection.h"
#include "core/store/store.h"

namespace govsync::store {

struct Dialect {
  std::string name;       ///< "sqlite" | "postgres"
  std::string bigint;     ///< 64-bit integer column type
  std::string blob;       ///< byte-string column type
  std::string autoId;     ///< auto-increment primary key column definition
  std::string forUpdate;  ///< row-lock suffix for SELECT ("" on SQLite)

  /// Substitutes {BIGINT}, {BLOB}, {AUTOID} in a DDL template.
  std::string ddl(std::string_view templ) const;
};

class SqlStore final : public Store {
 public:
  SqlStore(Dialect dialect, std::string target, SqlPool::Factory factory, size_t poolSize);

  /// Applies pending migrations; called once by openStore.
  void migrate();

  std::string_view backend() const override { return dialect_.name; }
  std::string target() const override { return target_; }
  int schemaVersion() override;

  CommitResult commit(const CommitBatch& batch) override;
  std::optional<StoredRecord> getRecord(std::string_view recordId) override;
  FeedPage readFeed(const FeedQuery& query) override;
  int64_t headPosition() override;

  Subscription openSubscription(const std::string& name, const FeedFilter& filter, int64_t position) override;
  std::optional<Subscription> getSubscription(const std::string& name) override;
  Subscription ackSubscription(const std::string& name, int64_t position) override;
  std::vector<Subscription> listSubscriptions() override;
  bool deleteSubscription(const std::string& name) override;

  std::optional<Checkpoint> getCheckpoint(const std::string& connector) override;
  std::vector<Checkpoint> listCheckpoints() override;
  void resetCheckpoint(const std::string& connector, const std::optional<std::string>& value) override;

  Reconciliation reconcile(const std::string& connector, const std::string& sourceSystem, const std::string& day,
                           std::optional<int64_t> sourceRows) override;
  std::vector<Reconciliation> listReconciliations(const std::string& connector, size_t limit) override;

  std::vector<DeadLetter> listDeadLetters(const DeadLetterQuery& query) override;
  std::optional<DeadLetter> getDeadLetter(int64_t id) override;

  AuditEntry appendAudit(const AuditEntry& entry) override;
  std::vector<AuditEntry> appendAuditBatch(const std::vector<AuditEntry>& entries) override;
  std::vector<AuditEntry> listAudit(int64_t afterSeq, size_t limit) override;
  AuditVerification verifyAudit() override;

  void addClient(const ApiClient& client) override;
  std::optional<ApiClient> findClient(const std::string& keyId) override;
  std::vector<ApiClient> listClients() override;
  bool revokeClient(const std::string& keyIdOrName) override;

  bool recordNonce(const std::string& keyId, const std::string& nonce, int64_t expiresAt) override;
  std::optional<IdempotentAnswer> findIdempotent(const std::string& keyId, const std::string& key) override;
  IdempotentAnswer saveIdempotent(const std::string& keyId, const std::string& key, const IdempotentAnswer& answer,
                                  int64_t purgeBefore) override;

 private:
  struct PreparedRecord;
  CommitResult commitInTransaction(SqlConnection& conn, std::vector<PreparedRecord>& records, const CommitBatch& batch);

  Dialect dialect_;
  std::string target_;
  SqlPool pool_;
};

/// Feed filter ⇄ the JSON text kept with a subscription.
std::string feedFilterToJson(const FeedFilter& filter);
FeedFilter feedFilterFromJson(std::string_view json);
/// Throws InvalidInput unless the region prefix is digits (it becomes a LIKE
/// pattern: `%` or `_` would widen the filter).
void checkFeedFilter(const FeedFilter& filter);

}  // namespace govsync::store
