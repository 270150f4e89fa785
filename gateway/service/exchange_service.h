// The gateway's one service layer: every operation the HTTP and Thrift fronts
// offer, taking an authenticated Principal and plain request structs and
// returning plain results. No transport types here; failures are
// govsync::Error codes, which each front maps to its own statuses in one
// table.
//
// Scope rule: outside its scopes a caller gets NotFound, worded exactly like
// a real miss, so it learns nothing about what exists. Every push, pull,
// admin action and refusal is appended to the audit log (detail as JSON,
// never record content).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/sync/ingest.h"
#include "connectors/sync/sync_engine.h"
#include "core/store/store.h"
#include "gateway/auth/keys.h"
#include "gateway/auth/principal.h"
#include "gateway/service/audit_writer.h"
#include "gateway/service/dead_letter_replay.h"
#include "mappings/engine/mapping_set.h"

namespace govsync::gateway {

/// Nesting allowed in JSON bodies (pushed rows, sample rows).
inline constexpr size_t kMaxJsonDepth = 32;

struct ServiceOptions {
  size_t maxPageSize = 1000;  ///< pull limits are clamped to this
  size_t defaultPageSize = 100;
  int64_t maxWaitSeconds = 60;  ///< long-poll waits are clamped to this
  int64_t idempotencyTtlSeconds = 86400;
  size_t maxDeadLetterPage = 1000;
  size_t maxAuditPage = 1000;
};

// ------------------------------------------------------------------ push

struct PushRowsRequest {
  std::string platform;
  std::string_view body;       ///< a JSON array of objects, or NDJSON
  std::string charset;         ///< of the body; "" = UTF-8
  std::string idempotencyKey;  ///< "" = none
};

struct PushRowsResult {
  std::string platform;
  std::string mapping;  ///< "name@version" that mapped the rows
  connectors::IngestSummary summary;
  std::vector<connectors::RowResult> rows;  ///< one per input row
  bool replayed = false;                    ///< the stored first answer to this idempotency key
};

struct PushRecordsResult {
  std::vector<store::RecordOutcome> outcomes;  ///< one per record, same order
  int64_t headPosition = 0;
};

// ------------------------------------------------------------------ pull

struct PullRequest {
  std::string after;  ///< cursor; "" = from the beginning
  size_t limit = 0;   ///< 0 = default; clamped to maxPageSize
  std::string kind;   ///< CASE | REVIEW | OBSERVATION | "" (every kind the caller may read)
  std::string source;
  std::string region;
  int64_t waitSeconds = 0;  ///< long-poll: wait up to this long for a change
  /// The front's own stop flag: a long-poll ends soon after it is set.
  const std::atomic<bool>* cancel = nullptr;
};

/// A page of the feed: the entries carry both served forms; the caller may
/// send only `served(entry)`.
struct PullResult {
  store::FeedPage page;
  bool pii = false;
  std::string next;  ///< cursor after this page
  const std::string& served(const store::FeedEntry& e) const { return pii ? e.jsonFull() : e.jsonMasked(); }
};

struct RecordView {
  std::string json;  ///< masked unless the caller holds `pii`
  int64_t version = 0;
  int64_t position = 0;
};

struct SubscriptionRequest {
  std::string name;
  size_t limit = 0;
  std::string kind, source, region;  ///< the filter, used when the subscription is created
  int64_t waitSeconds = 0;
  const std::atomic<bool>* cancel = nullptr;  ///< as PullRequest::cancel
};

struct SubscriptionState {
  std::string name;
  std::string cursor;
  store::FeedFilter filter;
  int64_t updatedAt = 0;
};

// --------------------------------------------------------------- reviews

struct ReviewFeedRequest {
  std::string after;         ///< cursor; "" = from the beginning
  size_t limit = 0;          ///< 0 = default; clamped to maxPageSize
  std::set<int32_t> levels;  ///< 1..5; empty = any
  std::string department;    ///< exact; "" = any
  std::string window;        ///< window_id, exact; "" = any
  int64_t waitSeconds = 0;   ///< long-poll
  const std::atomic<bool>* cancel = nullptr;
  bool auditEmpty = true;  ///< false: an empty page is not audited (a stream's keep-alive reads)
};

/// A page of the review feed: entries with both served forms and, for each,
/// what the review index says of the review now (not what the entry's
/// version said): whether its rectification is overdue as of the read (open,
/// due_at passed; never for a deleted review) and the first evaluation a
/// re-evaluation is linked to.
struct ReviewFeedResult {
  store::FeedPage page;
  std::vector<bool> overdue;                ///< one per entry
  std::vector<std::string> firstRecordIds;  ///< one per entry; "" = not a linked re-evaluation
  bool pii = false;
  std::string next;
  const std::string& served(const store::FeedEntry& e) const { return pii ? e.jsonFull() : e.jsonMasked(); }
};

struct ReviewStatsRequest {
  std::string groupBy = "department";  ///< department | window | item | channel | day | month
  std::string from, to;                ///< RFC 3339 instants or local dates YYYY-MM-DD (Beijing time); to is exclusive
  std::string month;                   ///< YYYY-MM (Beijing time): sets from and to
};

struct ReviewStatsResult {
  std::string groupBy;
  std::optional<int64_t> from, to;  ///< the bounds applied (ms)
  int64_t at = 0;                   ///< the instant deadlines were judged at
  std::vector<store::ReviewStats> groups;
  store::ReviewStats total;  ///< the sums of every group (group "")
};

struct RectifyRequest {
  std::string recordId;
  std::string state;  ///< the state to move to, e.g. "RECTIFYING"
  std::string note;
  std::string reason;  ///< required for REJECTED_MALICIOUS
};

// ----------------------------------------------------------------- admin

struct MappingDetail {
  mapping::MappingStatus status;
  std::string source;  ///< the mapping file's text
};

struct MappingTestRequest {
  std::string name;
  std::string mappingText;  ///< "" = test the installed mapping
  std::string rowsJson;     ///< JSON array of objects or NDJSON
  std::string csv;          ///< or delimited text (UTF-8)
  char delimiter = ',';
};

struct MappingTestResult {
  std::string mapping;  ///< name@version tested
  size_t rows = 0;
  std::vector<std::string> records;             ///< record JSON (masked unless pii)
  std::vector<connectors::RowResult> outcomes;  ///< one per row (dead letters with their reasons)
};

struct DeadLetterListRequest {
  std::string source, platform;
  std::optional<bool> resolved;
  int64_t afterId = 0;
  size_t limit = 100;
};

struct ClientView {
  std::string keyId, name, department;
  std::vector<std::string> scopes;
  int64_t createdAt = 0, revokedAt = 0;
};

struct CreatedClient {
  ClientView client;
  std::string secret;  ///< shown once
  std::string token;   ///< key_id.secret, for Authorization: Bearer
};

/// A counter another front reports through /metrics.
struct FrontCounter {
  std::string name;  ///< Prometheus name, e.g. "govsync_thrift_calls_total"
  std::string help;
  uint64_t value = 0;
};

/// What /metrics reports beyond the front's own counters.
struct ServiceStats {
  int64_t feedHead = 0;
  uint64_t recordsPushed = 0, rowsPushed = 0, deadLettersPushed = 0, recordsPulled = 0;
  uint64_t auditDropped = 0;
  std::vector<connectors::ConnectorStatus> connectors;
  std::vector<FrontCounter> frontCounters;  ///< from the other fronts (Thrift)
};

class ExchangeService {
 public:
  /// `engine` may be null (no connectors, e.g. in tests).
  ExchangeService(store::Store& store, mapping::MappingSet& mappings, connectors::SyncEngine* engine,
                  const MasterKey& masterKey, ServiceOptions options = {});
  ~ExchangeService();

  // --- push ---
  PushRowsResult pushRows(const Principal& who, const PushRowsRequest& request);
  PushRecordsResult pushRecords(const Principal& who, std::vector<schema::Record> records);

  // --- pull ---
  PullResult pull(const Principal& who, const PullRequest& request);
  RecordView getRecord(const Principal& who, const std::string& recordId);
  PullResult subscriptionGet(const Principal& who, const SubscriptionRequest& request);
  SubscriptionState subscriptionAck(const Principal& who, const std::string& name, const std::string& cursor);

  // --- reviews (scope pull:REVIEW; rectification: review:rectify for the review's department) ---
  ReviewFeedResult reviewFeed(const Principal& who, const ReviewFeedRequest& request);
  ReviewStatsResult reviewStats(const Principal& who, const ReviewStatsRequest& request);
  store::ReviewRectification getRectification(const Principal& who, const std::string& recordId);
  store::RectificationResult rectify(const Principal& who, const RectifyRequest& request);

  // --- admin (scope `admin`) ---
  std::vector<connectors::ConnectorStatus> listConnectors(const Principal& who);
  void runConnector(const Principal& who, const std::string& name);
  std::vector<mapping::MappingStatus> listMappings(const Principal& who);
  MappingDetail getMapping(const Principal& who, const std::string& name);
  /// Compiles first; throws InvalidInput with every compiler problem as a
  /// field issue ("file:line:col") and changes nothing when it does not.
  mapping::MappingStatus putMapping(const Principal& who, const std::string& name, const std::string& text);
  MappingTestResult testMapping(const Principal& who, const MappingTestRequest& request);
  std::vector<store::DeadLetter> listDeadLetters(const Principal& who, const DeadLetterListRequest& request);
  ReplayReport replayDeadLetters(const Principal& who, const ReplayOptions& options);
  std::vector<store::AuditEntry> listAudit(const Principal& who, int64_t afterSeq, size_t limit);
  store::AuditVerification verifyAudit(const Principal& who);
  std::vector<ClientView> listClients(const Principal& who);
  CreatedClient createClient(const Principal& who, const std::string& name, const std::string& department,
                             const std::vector<std::string>& scopes);
  void revokeClient(const Principal& who, const std::string& keyId);

  // --- for the fronts ---
  /// Throws NotFound (and audits the refusal) unless `who` holds `admin`:
  /// fronts call it before reading an admin request's input.
  void requireAdmin(const Principal& who, const std::string& target);
  /// Audits a refused request (authentication failure, scope, limits) without
  /// waiting. `actor` is the claimed client (or "anonymous").
  void recordRefusal(const std::string& actor, const std::string& target, const std::string& reason,
                     const std::string& remote);
  /// Whether the store answers.
  /// Why client requests are refused now ("" = they are not): the audit log
  /// could not be written (the last append failed), or checkAudit found it
  /// cannot be. Nothing is served that could not be audited.
  std::string auditFault() const;
  /// Serve's periodic check: whether the log can be extended now (the key
  /// matches, its head holds up), with `anchorProblem` from the check of
  /// <data_dir>/audit_anchor. Sets or clears auditFault().
  void checkAudit(const std::string& anchorProblem);
  /// Throws Error(Unavailable) while auditFault() is set.
  void requireAuditable() const;
  bool ready();
  ServiceStats stats();
  /// A front's counters for stats(); the returned id removes them
  /// (removeCounterSource) before the front goes away.
  using CounterSource = std::function<std::vector<FrontCounter>()>;
  int addCounterSource(CounterSource source);
  void removeCounterSource(int id);
  /// Ends every long-poll of every front soon and makes new ones return at
  /// once (process shutdown). A single front stopping sets its own
  /// PullRequest::cancel flag instead.
  void stop();
  /// Waits until every audit entry queued so far is written.
  void flushAudit() { audit_.flush(); }

  store::Store& store() { return store_; }

 private:
  /// Pushes and admin actions wait until their entry is durable; pulls
  /// (`wait` false) are written in the next batch, within milliseconds.
  void audit(const Principal& who, const std::string& action, const std::string& target, std::string detail,
             bool wait = true);
  store::FeedFilter filterFor(const Principal& who, const std::string& kind, const std::string& source,
                              const std::string& region, const std::string& target);
  PullResult readPage(const Principal& who, int64_t after, size_t limit, const store::FeedFilter& filter,
                      int64_t waitSeconds, const std::atomic<bool>* cancel);
  /// Reads pages (`read(after, limit)`) until one has an entry `keep` accepts
  /// (null: any), or — with a wait — until a commit past what was seen, the
  /// deadline or a cancel: the long-poll of every feed.
  using PageReader = std::function<store::FeedPage(int64_t after, size_t limit)>;
  using EntryFilter = std::function<bool(const store::FeedEntry&)>;
  store::FeedPage waitForPage(int64_t after, size_t limit, int64_t waitSeconds, const std::atomic<bool>* cancel,
                              const PageReader& read, const EntryFilter& keep);
  /// The department filter a review read may use: the requested one with
  /// pull:REVIEW; the caller's own with review:rectify alone; else NotFound.
  std::string reviewDepartmentScope(const Principal& who, const std::string& requested, const std::string& target);
  PushRowsResult ingestRows(const Principal& who, const PushRowsRequest& request,
                            std::shared_ptr<const mapping::CompiledMapping> compiled);

  store::Store& store_;
  mapping::MappingSet& mappings_;
  connectors::SyncEngine* engine_;
  const MasterKey& masterKey_;
  ServiceOptions options_;
  AuditWriter audit_;
  mutable std::mutex auditCheckMutex_;
  std::string auditCheckProblem_;  ///< from checkAudit; guarded by auditCheckMutex_
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> recordsPushed_{0}, rowsPushed_{0}, deadLettersPushed_{0}, recordsPulled_{0};
  std::mutex counterSourcesMutex_;
  std::map<int, CounterSource> counterSources_;
  int nextCounterSource_ = 0;
  std::mutex inFlightMutex_;
  std::set<std::string> inFlightKeys_;  ///< idempotency keys being answered
};

/// JSON forms of service results shared by the fronts and the idempotency
/// store (the first answer is kept as this text).
std::string pushRowsResultToJson(const PushRowsResult& result);
PushRowsResult pushRowsResultFromJson(std::string_view json);
/// A JSON array with one object per row result.
std::string rowResultsToJson(const std::vector<connectors::RowResult>& rows);

/// Parses unified records from a JSON array (or {"records": [...]}) — every
/// problem of every record at once, as field issues "records[i].field".
std::vector<schema::Record> recordsFromJson(std::string_view json);

}  // namespace govsync::gateway
