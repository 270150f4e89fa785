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

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/store/feed_cache.h"
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

/// A record on its way into the store, prepared outside the transaction.
struct PreparedRecord {
  schema::Record record;
  std::string hash;  ///< content hash of `record` as it will be written
  bool tombstone = false;
  // REVIEW records (the review side of a commit, sql_store_reviews.cpp):
  reviews::RectificationFields incomingRectify;  ///< the rectify_* fields as given
  std::string incomingHash;                      ///< `hash` of the record as given
  bool rectifyAuthoritative = false;             ///< set by updateRectification: keep the given fields
  std::optional<RectificationStep> step;         ///< the step this version records, if any
};

/// Builds PostgreSQL array literals, so a batch is written with a few
/// statements over unnest() instead of several round trips per record.
class ArrayLiteral {
 public:
  void text(std::string_view v);
  void integer(int64_t v);
  void null();
  void bytes(std::string_view b);
  /// A value: NULL, an integer or text (a Blob as bytes).
  void value(const SqlValue& v);
  std::string str() const { return out_ + "}"; }

 private:
  void open() { out_ += out_.size() > 1 ? "," : ""; }
  std::string out_ = "{";
};

/// Inserts `rows` (each one value per column) into `table`: one statement
/// over unnest() of typed arrays on PostgreSQL (`bulk`), a prepared statement
/// per row on SQLite. `types` are the PostgreSQL array element types
/// ("text", "bigint"); `tail` follows the insert (e.g. an ON CONFLICT clause
/// — on PostgreSQL a key may then appear only once in `rows`).
void insertRows(SqlConnection& conn, bool bulk, const std::string& table, const std::vector<std::string>& columns,
                const std::vector<std::string>& types, const std::vector<std::vector<SqlValue>>& rows,
                const std::string& tail = "");

/// The review side of one commit transaction (sql_store_reviews.cpp): reads
/// the review index rows of the batch's reviews, opens rectifications and
/// carries the store's rectification into new versions (before the content
/// hashes are compared), and writes the index rows, the review feed and the
/// steps once positions are known.
class ReviewCommit {
 public:
  ReviewCommit(SqlConnection& conn, bool bulk, ReviewPolicy policy, int64_t now);
  ~ReviewCommit();
  /// Reads what the index holds for the batch's REVIEW records.
  void load(const std::vector<PreparedRecord>& records);
  /// Sets the review's rectify_* fields (and its hash) for this version.
  void prepare(PreparedRecord& p);
  /// Writes the index rows; `changed` are the indexes of the records whose
  /// change got a feed position (result.outcomes[i].position), in order.
  void write(const std::vector<PreparedRecord>& records, const std::vector<size_t>& changed,
             const CommitResult& result);

 private:
  struct Row;
  SqlConnection& conn_;
  bool bulk_;
  ReviewPolicy policy_;
  int64_t now_;
  std::unordered_map<std::string, Row> rows_;
};

class SqlStore final : public Store {
 public:
  SqlStore(Dialect dialect, std::string target, SqlPool::Factory factory, size_t poolSize, size_t feedCacheBytes);

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

  void setAuditKey(std::string key) override;
  AuditEntry appendAudit(const AuditEntry& entry) override;
  std::vector<AuditEntry> appendAuditBatch(const std::vector<AuditEntry>& entries) override;
  std::vector<AuditEntry> listAudit(int64_t afterSeq, size_t limit) override;
  AuditVerification verifyAudit() override;
  void checkAuditAppendable() override;
  int64_t auditKeyedFrom() override;

  void addClient(const ApiClient& client) override;
  std::optional<ApiClient> findClient(const std::string& keyId) override;
  std::vector<ApiClient> listClients() override;
  bool revokeClient(const std::string& keyIdOrName) override;

  bool recordNonce(const std::string& keyId, const std::string& nonce, int64_t expiresAt) override;
  std::optional<IdempotentAnswer> findIdempotent(const std::string& keyId, const std::string& key) override;
  IdempotentAnswer saveIdempotent(const std::string& keyId, const std::string& key, const IdempotentAnswer& answer,
                                  int64_t purgeBefore) override;

  FeedPage readReviewFeed(const ReviewFeedQuery& query) override;
  std::vector<ReviewStats> reviewStats(const ReviewStatsQuery& query) override;
  std::optional<ReviewRectification> getRectification(std::string_view recordId) override;
  std::vector<ReviewStanding> reviewStandings(const std::vector<std::string>& recordIds) override;
  RectificationResult updateRectification(const std::string& recordId, reviews::RectifyState toState,
                                          const std::string& actor, const std::string& note, const std::string& reason,
                                          int64_t nowMs) override;
  size_t markOverdueRectifications(int64_t nowMs, size_t limit) override;

 private:
  CommitResult commitInTransaction(SqlConnection& conn, std::vector<PreparedRecord>& records, const CommitBatch& batch);
  /// One feed page in a read transaction: `select` runs the page's query
  /// (one column, the positions in (after, head], ordered, ≤ limit rows);
  /// the entries come from the feed cache or `changes`.
  FeedPage readFeedPage(int64_t after, size_t limit,
                        const std::function<std::vector<int64_t>(SqlConnection&, int64_t head)>& select);
  std::optional<ReviewRectification> readRectification(SqlConnection& conn, const std::string& recordId);
  /// Fills the review index for reviews stored before it existed (migration 5).
  void backfillReviewIndex(SqlConnection& conn);

  /// The audit key, or Error(Config) when none was set.
  std::string auditKey() const;

  Dialect dialect_;
  std::string target_;
  SqlPool pool_;
  FeedCache feedCache_;
  mutable std::mutex auditKeyMutex_;
  std::string auditKey_;  ///< "" = none set
};

/// The positions in the first column of `rows`.
std::vector<int64_t> positionsOf(const SqlResult& rows);

/// The columns of `changes` a feed page selects, in readFeedPage's order.
extern const char* const kFeedColumns;

/// Feed filter ⇄ the JSON text kept with a subscription.
std::string feedFilterToJson(const FeedFilter& filter);
FeedFilter feedFilterFromJson(std::string_view json);
/// Throws InvalidInput unless the region prefix is digits (it becomes a LIKE
/// pattern: `%` or `_` would widen the filter).
void checkFeedFilter(const FeedFilter& filter);

}  // namespace govsync::store
