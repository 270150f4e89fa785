// The record store: unified records with their versions, the commit-ordered
// change feed, connector checkpoints, dead letters, server-side
// subscriptions, the hash-chained audit log and API clients — everything
// that must commit together lives in one database.
//
// Two implementations share one SQL code path (SqlStore): SQLite (embedded
// default) and PostgreSQL. All methods are thread-safe.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/reviews/rectification.h"
#include "core/reviews/working_days.h"
#include "schema/record_schema.h"

namespace govsync {
class Config;
}

namespace govsync::store {

/// A row that could not become a record, kept with everything needed to
/// understand and replay it.
struct DeadLetter {
  int64_t id = 0;
  std::string source;     ///< connector name, or "push" for pushed rows
  std::string platform;   ///< the mapping (platform) it was meant for
  std::string stage;      ///< fetch | decode | map | validate | store
  std::string error;      ///< the precise reason
  std::string field;      ///< target or source field, when known
  std::string function;   ///< mapping function, when known
  std::string value;      ///< the offending value, when known
  std::string mapping;    ///< "name@version" in force when it failed
  std::string raw;        ///< the raw row bytes, exactly as received
  std::string rawFormat;  ///< json | csv | ... : how to read `raw`
  std::string cells;      ///< the row's columns and values, encoded for replay (connectors/sync/ingest.h)
  int64_t createdAt = 0;
  bool resolved = false;
  int64_t resolvedAt = 0;
  std::string resolvedRecordId;
};

/// A connector's position in its source; opaque to the store.
struct Checkpoint {
  std::string connector;
  std::string value;
  int64_t updatedAt = 0;
};

/// Everything one transaction commits.
struct CommitBatch {
  /// Upserts, and tombstones (envelope.deleted = true).
  std::vector<schema::Record> records;
  std::vector<DeadLetter> deadLetters;
  /// Saved in the same transaction as the records it covers.
  std::optional<Checkpoint> checkpoint;
  /// Dead letters that a replay turned into records: id → record id.
  std::vector<std::pair<int64_t, std::string>> resolvedDeadLetters;
};

struct RecordOutcome {
  std::string recordId;
  int64_t version = 0;   ///< the record's version after the commit (0: none)
  bool changed = false;  ///< false: identical content, nothing written
  int64_t position = 0;  ///< feed position of the change (0 if unchanged)
};

struct CommitResult {
  std::vector<RecordOutcome> outcomes;  ///< one per batch record, same order
  std::vector<int64_t> deadLetterIds;   ///< one per batch dead letter
  int64_t headPosition = 0;
};

struct FeedFilter {
  std::optional<schema::RecordKind::type> kind;
  std::string sourceSystem;  ///< exact match; "" = any
  std::string regionPrefix;  ///< digits; "" = any
  bool empty() const { return !kind && sourceSystem.empty() && regionPrefix.empty(); }
};

struct FeedQuery {
  int64_t after = 0;  ///< position the reader has seen up to
  size_t limit = 100;
  FeedFilter filter;
};

/// One committed change, with the record's served forms ready to send.
struct FeedEntry {
  int64_t position = 0;
  std::string recordId;
  int64_t version = 0;
  schema::RecordKind::type kind = schema::RecordKind::CASE;
  std::string sourceSystem;
  std::string regionCode;
  std::string department;
  bool deleted = false;
  int64_t committedAt = 0;
  /// The record as JSON, PII in clear and masked: shared with the store's
  /// feed cache (immutable once read).
  std::shared_ptr<const std::string> full, masked;
  const std::string& jsonFull() const { return *full; }
  const std::string& jsonMasked() const { return *masked; }
};

struct FeedPage {
  std::vector<FeedEntry> entries;
  /// Where the next page starts. Past every entry returned, and past
  /// non-matching changes up to `head` when the page is not full.
  int64_t next = 0;
  int64_t head = 0;  ///< the newest committed position seen
};

struct StoredRecord {
  schema::Record record;
  int64_t position = 0;  ///< feed position of its latest change
};

/// A named consumer cursor kept by the store.
struct Subscription {
  std::string name;
  int64_t position = 0;
  FeedFilter filter;
  int64_t createdAt = 0;
  int64_t updatedAt = 0;
};

struct AuditEntry {
  int64_t seq = 0;
  int64_t at = 0;
  std::string actor;   ///< client name, "cli", "system"
  std::string action;  ///< push | pull | admin.* | refused | ...
  std::string target;
  std::string detail;  ///< JSON text
  std::string prevHash;
  std::string hash;
};

/// What the audit chain's key is derived under: deriveKey(master key, this)
/// (core/util/crypto.h). The master key is not in the database.
inline constexpr std::string_view kAuditKeyPurpose = "govsync audit chain v1";

struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;
  /// The first entry chained with the key (HMAC); entries before it were
  /// written before the key was introduced and keep their plain SHA-256
  /// hashes, covered by the first keyed entry's MAC. Past `entries`: none keyed yet.
  int64_t keyedFrom = 0;
  std::string headHash;   ///< the last entry's hash (compare between runs: a rollback shows)
  int64_t brokenSeq = 0;  ///< the first entry found broken (0 when ok)
  /// Why, when not ok: "changed", "deleted", "reordered", "recomputed without
  /// the key", "wrong key" or "not keyed".
  std::string reason;
  std::string problem;  ///< first inconsistency found, for people
};

struct ApiClient {
  std::string keyId;
  std::string name;
  std::string department;
  std::vector<std::string> scopes;
  std::string secretSalt;
  std::string secretHash;
  /// The secret, encrypted with the gateway's master key (which is not in the
  /// database), so the gateway can recompute request signatures; "" if none.
  std::string signingKeyEnc;
  int64_t createdAt = 0;
  int64_t revokedAt = 0;  ///< 0 = active
};

/// The first answer given to a request with an idempotency key.
struct IdempotentAnswer {
  std::string requestHash;  ///< what was asked (a second request must ask the same)
  int64_t status = 0;
  std::string body;
  int64_t createdAt = 0;
};

struct DeadLetterQuery {
  std::string source;    ///< "" = any
  std::string platform;  ///< "" = any
  std::optional<bool> resolved;
  int64_t afterId = 0;
  size_t limit = 100;
};

/// Rows at the source vs what arrived, for one connector and day.
struct Reconciliation {
  std::string connector;
  std::string day;                    ///< YYYY-MM-DD (China Standard Time)
  std::optional<int64_t> sourceRows;  ///< from the connector's count query, if it has one
  int64_t records = 0;                ///< records of its source system whose event falls on the day
  int64_t deadLetters = 0;            ///< its dead letters created that day
  int64_t checkedAt = 0;
  /// source − records − dead letters (0 when complete); nullopt without a count.
  std::optional<int64_t> missing() const {
    if (!sourceRows) return std::nullopt;
    return *sourceRows - records - deadLetters;
  }
};

// ------------------------------------------------------------- reviews (好差评)
//
// Every REVIEW record has a row in the store's review index, kept in the
// same transaction as the record. A bad review (level ≤ 2) opens a
// rectification (VERIFYING, due `ReviewPolicy::rectifyWorkingDays` working
// days after its evaluation, core/reviews/working_days.h) when it is stored;
// people move it on with Store::updateRectification
// (core/reviews/rectification.h has the state machine).
//
// Once a rectification exists the store is its authority: a later version
// of the review from its source carries the store's rectify_* fields (what the
// source sends there is ignored), so a source that re-sends the review cannot
// reset the loop. A review's first version may bring its own rectify_state
// (a source that runs the loop itself, a historical import): it is taken as
// is, recorded as a step by "source:<source_system>".
//
// A re-evaluation (eval_seq ≥ 2) is linked to the first evaluation of the
// same matter: the review of the same source system whose source_id is the
// extension `first_review_id`, if the record carries it; else the eval_seq 1
// review of the same source system with the same case_no (办件编号 — 一事一评).
// The link is made whichever of the two arrives first. Both evaluations count
// in the statistics; the link lets a report show the outcome of a rectification.

/// How rectifications are timed.
struct ReviewPolicy {
  /// Holidays and make-up working days; null = weekends only.
  std::shared_ptr<const reviews::WorkingCalendar> calendar;
  int rectifyWorkingDays = 5;                    ///< a bad review's rectification is due this many working days later
  std::string calendarSource = "weekends only";  ///< where the calendar came from, for people
};

/// The policy configured by reviews.rectify_working_days and
/// reviews.calendar_file (a relative path is taken from the working
/// directory). Throws Error(Config) naming the file, line and problem when the
/// calendar cannot be read or is wrong. The composition root passes it to
/// Store::setReviewPolicy.
ReviewPolicy reviewPolicyFromConfig(const Config& config);

/// One step of a rectification, as kept by the store.
struct RectificationStep {
  int64_t seq = 0;  ///< 1, 2, … per review
  reviews::RectifyState from = schema::RectifyState::NONE;
  reviews::RectifyState to = schema::RectifyState::NONE;
  std::string actor;  ///< who: a person or client name; "system" when the store opened it
  int64_t at = 0;
  std::string note;
  std::string reason;  ///< required for REJECTED_MALICIOUS
};

/// A review's rectification as the store holds it.
struct ReviewRectification {
  std::string recordId;
  int32_t level = 0;
  bool deleted = false;
  reviews::RectifyState state = schema::RectifyState::NONE;
  int64_t dueAt = 0;  ///< 0 = none
  int64_t rectifiedAt = 0;
  int64_t revisitedAt = 0;
  std::string note;
  bool excluded = false;                   ///< REJECTED_MALICIOUS: not a valid review any more
  std::string firstRecordId;               ///< for a re-evaluation: the first evaluation's record id ("" if none)
  std::vector<std::string> reEvaluations;  ///< for a first evaluation: its linked re-evaluations, oldest first
  int64_t position = 0;                    ///< feed position of the review's latest change
  std::vector<RectificationStep> steps;    ///< in order
};

/// What the review index holds for a review now, whatever version of it a
/// feed entry carries: the feed judges `overdue` and shows the link by this.
struct ReviewStanding {
  std::string recordId;
  bool deleted = false;
  reviews::RectifyState state = schema::RectifyState::NONE;
  int64_t dueAt = 0;          ///< 0 = none
  std::string firstRecordId;  ///< for a re-evaluation: the first evaluation's record id ("" if none)
};

struct RectificationResult {
  ReviewRectification rectification;  ///< after the step
  RecordOutcome outcome;              ///< the review's new version and its feed position
  int64_t headPosition = 0;
};

/// The review feed: the changes of REVIEW records, positions of the one feed.
struct ReviewFeedFilter {
  std::set<int32_t> levels;  ///< 1..5; empty = any
  std::string department;    ///< envelope.department, exact; "" = any
  std::string windowId;      ///< exact; "" = any
};

struct ReviewFeedQuery {
  int64_t after = 0;
  size_t limit = 100;
  ReviewFeedFilter filter;
};

enum class ReviewGroupBy { Department, Window, Item, Channel, Day, Month };
/// "department", "window", "item", "channel", "day", "month".
std::string_view reviewGroupByName(ReviewGroupBy g);
std::optional<ReviewGroupBy> reviewGroupByFromName(std::string_view name);

struct ReviewStatsQuery {
  ReviewGroupBy groupBy = ReviewGroupBy::Department;
  std::optional<int64_t> from;  ///< evaluated_at ≥ from (ms); none = no bound
  std::optional<int64_t> to;    ///< evaluated_at < to (ms); none = no bound
  int64_t now = 0;              ///< the instant deadlines are judged at; 0 = the store's clock
  std::string department;       ///< only this department's reviews; "" = every department
};

/// Figures of one group (deleted reviews never count). Definitions:
/// - valid: reviews not rejected as malicious; satisfied: valid with level 3–5
///   (基本满意以上); bad: valid with level ≤ 2.
/// - a rectification is *closed* in FED_BACK or REVISITED (done and reported);
///   REJECTED_MALICIOUS ones are not rectifications any more and count nowhere
///   below.
/// - rectificationsDue: closed ones, plus open ones (VERIFYING, RECTIFYING,
///   APPEALED) whose deadline has passed (due_at < now).
/// - rectifiedOnTime: closed with rectified_at ≤ due_at (rectified_at is set
///   when the loop reaches FED_BACK).
/// - overdue: open with due_at < now (an appeal does not stop the clock).
/// So rectificationsDue = rectifiedOnTime + closed late + overdue.
struct ReviewStats {
  std::string group;                ///< the group's value ("" for reviews without one)
  std::array<int64_t, 5> levels{};  ///< [0] = level 1 … [4] = level 5
  int64_t total = 0;
  int64_t valid = 0;
  int64_t excluded = 0;  ///< REJECTED_MALICIOUS
  int64_t satisfied = 0;
  int64_t bad = 0;
  int64_t rectificationsDue = 0;
  int64_t rectifiedOnTime = 0;
  int64_t overdue = 0;
  /// Adds another group's figures (for totals over groups).
  void add(const ReviewStats& g) {
    for (size_t i = 0; i < levels.size(); ++i) levels[i] += g.levels[i];
    total += g.total;
    valid += g.valid;
    excluded += g.excluded;
    satisfied += g.satisfied;
    bad += g.bad;
    rectificationsDue += g.rectificationsDue;
    rectifiedOnTime += g.rectifiedOnTime;
    overdue += g.overdue;
  }
  /// satisfied / valid; 0 when there is no valid review.
  double satisfactionRate() const { return valid ? static_cast<double>(satisfied) / static_cast<double>(valid) : 0; }
};

/// Wakes long-polling readers when a commit moves the feed head.
class FeedNotifier {
 public:
  void publish(int64_t head);
  /// Waits until the head passes `position` or `timeoutMs` elapses; returns
  /// the head it last saw.
  int64_t waitBeyond(int64_t position, int64_t timeoutMs);
  int64_t head() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int64_t head_ = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  /// "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
  /// Which database, for messages (never includes a password).
  virtual std::string target() const = 0;
  /// The schema version the store is at after migrations.
  virtual int schemaVersion() = 0;

  // --- records and the change feed ---
  /// Validates every record, then commits the whole batch atomically:
  /// identical content is a no-op; changed content gets version+1 and a
  /// feed position; the checkpoint and dead letters commit with it. Throws
  /// InvalidInput (nothing committed) if any record is invalid.
  virtual CommitResult commit(const CommitBatch& batch) = 0;
  virtual std::optional<StoredRecord> getRecord(std::string_view recordId) = 0;
  /// Every committed change after `query.after`, in commit order.
  virtual FeedPage readFeed(const FeedQuery& query) = 0;
  virtual int64_t headPosition() = 0;

  // --- subscriptions ---
  /// Creates the subscription at `position` if new; returns it either way.
  virtual Subscription openSubscription(const std::string& name, const FeedFilter& filter, int64_t position) = 0;
  virtual std::optional<Subscription> getSubscription(const std::string& name) = 0;
  /// Moves the subscription to `position` (must be ≤ head).
  virtual Subscription ackSubscription(const std::string& name, int64_t position) = 0;
  virtual std::vector<Subscription> listSubscriptions() = 0;
  virtual bool deleteSubscription(const std::string& name) = 0;

  // --- checkpoints ---
  virtual std::optional<Checkpoint> getCheckpoint(const std::string& connector) = 0;
  virtual std::vector<Checkpoint> listCheckpoints() = 0;
  /// Sets (or with nullopt, removes) a checkpoint outside a batch: reset.
  virtual void resetCheckpoint(const std::string& connector, const std::optional<std::string>& value) = 0;

  // --- reconciliation ---
  /// Counts the store's side for `day` and saves the result (with the
  /// source's count, if given) as the connector's latest reconciliation.
  virtual Reconciliation reconcile(const std::string& connector, const std::string& sourceSystem,
                                   const std::string& day, std::optional<int64_t> sourceRows) = 0;
  virtual std::vector<Reconciliation> listReconciliations(const std::string& connector, size_t limit) = 0;

  // --- dead letters ---
  virtual std::vector<DeadLetter> listDeadLetters(const DeadLetterQuery& query) = 0;
  virtual std::optional<DeadLetter> getDeadLetter(int64_t id) = 0;

  // --- audit ---
  /// Keys the audit chain: `key` is deriveKey(master key, kAuditKeyPurpose).
  /// Entries are chained with HMAC-SHA256 under it, so someone who can write
  /// the database but lacks the master key cannot re-compute the chain.
  /// Without a key, appendAudit(Batch) and verifyAudit throw Error(Config).
  virtual void setAuditKey(std::string key) = 0;
  /// Throws Error(Config) when the log is chained with another key, and
  /// Error(Corrupt) when its head was changed outside govsync (nothing is
  /// appended to a log that would hide it).
  virtual AuditEntry appendAudit(const AuditEntry& entry) = 0;
  /// Appends several entries, in order, in one transaction.
  virtual std::vector<AuditEntry> appendAuditBatch(const std::vector<AuditEntry>& entries) = 0;
  virtual std::vector<AuditEntry> listAudit(int64_t afterSeq, size_t limit) = 0;
  /// Checks the whole chain and its head; reports the first break.
  virtual AuditVerification verifyAudit() = 0;
  /// Throws what appendAudit would (wrong key, a head changed outside
  /// govsync) without appending: commands check before they act, and a
  /// gateway whose log cannot be written stops serving until it can.
  virtual void checkAuditAppendable() = 0;
  /// The first entry chained with the key — or to be, while none is yet (a
  /// new or just upgraded log): it never moves once migration 7 set it. 0
  /// when the head is missing or broken. Kept outside the database too
  /// (<data_dir>/audit_anchor, cli/cli_common.cpp), so that moving it in the
  /// database, to pass a rewritten log off as never keyed, is seen.
  virtual int64_t auditKeyedFrom() = 0;

  // --- API clients ---
  virtual void addClient(const ApiClient& client) = 0;
  virtual std::optional<ApiClient> findClient(const std::string& keyId) = 0;
  virtual std::vector<ApiClient> listClients() = 0;
  /// Revokes by key id or name; false if no such active client.
  virtual bool revokeClient(const std::string& keyIdOrName) = 0;

  // --- request replay protection and idempotency ---
  /// Records a signed request's nonce until `expiresAt` (ms); false when the
  /// same key already used it and it has not expired (a replay). Expired
  /// nonces are purged.
  virtual bool recordNonce(const std::string& keyId, const std::string& nonce, int64_t expiresAt) = 0;
  virtual std::optional<IdempotentAnswer> findIdempotent(const std::string& keyId, const std::string& key) = 0;
  /// Saves the answer unless one is already kept for (keyId, key); returns
  /// the answer that stands. Answers created before `purgeBefore` (ms) are
  /// deleted.
  virtual IdempotentAnswer saveIdempotent(const std::string& keyId, const std::string& key,
                                          const IdempotentAnswer& answer, int64_t purgeBefore) = 0;

  // --- reviews (好差评) ---
  /// The review feed: changes of REVIEW records after `query.after` that match
  /// the filter, in commit order, with the same cursor rules as readFeed (a
  /// deleted review's tombstone matches by the level, department and window it
  /// had).
  virtual FeedPage readReviewFeed(const ReviewFeedQuery& query) = 0;
  /// Per-group review figures, computed by the database (see ReviewStats).
  virtual std::vector<ReviewStats> reviewStats(const ReviewStatsQuery& query) = 0;
  /// The review's rectification with its steps; nullopt if no such review.
  virtual std::optional<ReviewRectification> getRectification(std::string_view recordId) = 0;
  /// The index's current standing of each of these reviews, in one round trip
  /// per few hundred ids (a feed page's worth); ids not in the index are left out.
  virtual std::vector<ReviewStanding> reviewStandings(const std::vector<std::string>& recordIds) = 0;
  /// Moves a review's rectification to `toState` at `nowMs` (0 = the store's
  /// clock): checks the step (InvalidInput naming the allowed next states;
  /// a reason is required for REJECTED_MALICIOUS), records it, and commits a
  /// new version of the review with its rectify_* fields updated, so feed
  /// consumers see it. NotFound if there is no such (undeleted) review.
  virtual RectificationResult updateRectification(const std::string& recordId, reviews::RectifyState toState,
                                                  const std::string& actor, const std::string& note,
                                                  const std::string& reason, int64_t nowMs = 0) = 0;
  /// The overdue sweep: marks up to `limit` open rectifications (VERIFYING,
  /// RECTIFYING, APPEALED) whose due time passed before `nowMs` (0 = now)
  /// and that are not marked yet — each gets a new version with
  /// rectify_overdue_at set, so the feed tells its readers the moment a
  /// deadline is missed, not only when they next read the review. Returns
  /// how many were marked; `govsync serve` runs it every
  /// reviews.overdue_sweep_seconds.
  virtual size_t markOverdueRectifications(int64_t nowMs = 0, size_t limit = 1000) = 0;

  /// Sets how rectifications are timed (default: 5 working days, weekends
  /// only). Applies to reviews stored afterwards.
  void setReviewPolicy(ReviewPolicy policy);
  ReviewPolicy reviewPolicy() const;

  FeedNotifier& notifier() { return notifier_; }

 protected:
  FeedNotifier notifier_;

 private:
  mutable std::mutex policyMutex_;
  ReviewPolicy policy_;
};

/// Where and how to open a store.
struct StoreOptions {
  std::string backend = "sqlite";  ///< sqlite | postgres
  std::string sqlitePath = "data/govsync.db";
  std::string postgresConninfo;  ///< libpq conninfo, password excluded
  std::string postgresPassword;  ///< from the environment, if any
  size_t poolSize = 8;
  size_t feedCacheBytes = 64 << 20;  ///< feed entries kept in memory (0 = none)
};

/// Opens the store, creating it if needed, and applies pending migrations.
/// Throws Error(Unavailable) naming the target when it cannot be opened, and
/// Error(Config) when the store's schema is newer than this program.
std::unique_ptr<Store> openStore(const StoreOptions& options);

}  // namespace govsync::store
