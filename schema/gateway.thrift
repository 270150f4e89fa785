// The Thrift API of the govsync gateway: the same operations as the HTTP API
// (docs/api.md), over the one service layer. Binary protocol (strict), framed
// transport, TLS 1.2+ when configured.
//
// Every call carries the caller's Credential as its first argument. Failures
// are typed exceptions:
//   AuthError     the credential is missing, wrong, expired, replayed or revoked
//   Forbidden     the caller is known but may not do this
//   InvalidInput  the request is malformed; `details` names each bad field
//   NotFound      no such thing — also what a caller outside its scopes is told
//   Unavailable   retry later (rate limit, overload, the store is down)
// Anything else is a TApplicationException with a generic message; details
// stay in the server log.
//
// Records are exchange.Record values. Without the `pii` scope, names, phones
// and ID numbers in them arrive masked.

include "exchange.thrift"

namespace cpp govsync.api
namespace py govsync_gateway

/**
 * Who is calling. Set either `token` (the "key_id.secret" printed by `govsync
 * client add`, as for HTTP Bearer) or the four signing fields:
 *   signature = base64(HMAC-SHA256(secret,
 *       "THRIFT\n" + method + "\n" + timestamp + "\n" + nonce + "\n" + hex(SHA-256(payload))))
 * where `method` is the Thrift method name (e.g. "pull"), `timestamp` the Unix
 * time in seconds (within 300 s of the server's clock), `nonce` a value never
 * used before with this key, and `payload` the pushed body for pushRows and
 * empty for every other call. TLS protects the rest of the call.
 */
struct Credential {
  1: optional string token
  2: optional string key_id
  3: optional i64 timestamp
  4: optional string nonce
  5: optional string signature
}

struct FieldError {
  1: string field
  2: string message
}

exception AuthError {
  1: string message
}

exception Forbidden {
  1: string message
}

exception InvalidInput {
  /** invalid_input, too_large (over a size limit) or conflict (e.g. an idempotency key reused). */
  1: string code
  2: string message
  3: list<FieldError> details
}

exception NotFound {
  1: string message
}

exception Unavailable {
  1: string message
  /** Seconds to wait before retrying (0 = no advice). */
  2: i32 retry_after_seconds
}

// ------------------------------------------------------------------ push

struct PushRowsRequest {
  /** The platform (mapping) name, e.g. "hotline_12345". */
  1: string platform
  /** A JSON array of objects, or NDJSON. */
  2: binary body
  /** The body's charset: "" or UTF-8 (default), GBK, GB2312, GB18030. */
  3: optional string charset
  /** A retried request with the same key returns the first answer. */
  4: optional string idempotency_key
}

enum RowOutcome {
  RECORD = 1,
  SKIPPED = 2,
  DEAD_LETTER = 3,
}

struct RowResult {
  /** 1-based row number in the body. */
  1: i32 row
  2: RowOutcome outcome
  3: optional string record_id
  4: optional i64 version
  5: optional bool changed
  6: optional i64 dead_letter_id
  /** Dead letters: where and why. */
  7: optional string stage
  8: optional string field
  9: optional string function_name
  10: optional string value
  11: optional string reason
  12: optional list<string> warnings
}

struct PushRowsResult {
  1: string platform
  /** "name@version" of the mapping that mapped the rows. */
  2: string mapping
  3: i32 rows
  4: i32 records
  5: i32 changed
  6: i32 unchanged
  7: i32 skipped
  8: i32 dead_letters
  9: i32 warnings
  /** Feed cursor at the push's commit. */
  10: string cursor
  11: list<RowResult> results
  /** True when this is the stored first answer to the idempotency key. */
  12: bool replayed
}

struct RecordOutcome {
  1: string record_id
  2: i64 version
  3: bool changed
}

struct PushRecordsResult {
  1: list<RecordOutcome> outcomes
  2: string cursor
}

// ------------------------------------------------------------------ pull

struct PullRequest {
  /** Cursor from the previous page; "" = from the beginning. */
  1: optional string after
  /** Records per page (default 100, at most 1000). */
  2: optional i32 limit
  /** CASE, REVIEW or OBSERVATION; unset = every kind the caller may read. */
  3: optional exchange.RecordKind kind
  4: optional string source
  /** GB/T 2260 region code prefix. */
  5: optional string region
  /** Long-poll: wait up to this many seconds (at most 60) for a change. */
  6: optional i32 wait_seconds
}

struct FeedPage {
  1: list<exchange.Record> records
  /** Pass as `after` to read on; a page with no records still moves it. */
  2: string next_cursor
  /** The newest committed position the server saw. */
  3: string head
}

struct SubscriptionRequest {
  1: string name
  2: optional i32 limit
  /** The filter, used when the subscription is created. */
  3: optional exchange.RecordKind kind
  4: optional string source
  5: optional string region
  6: optional i32 wait_seconds
}

struct SubscriptionState {
  1: string name
  2: string cursor
  3: i64 updated_at
}

// --------------------------------------------------------------- reviews

struct ReviewFeedRequest {
  1: optional string after
  2: optional i32 limit
  /** 1..5; unset or empty = any (e.g. [1, 2] for bad reviews). */
  3: optional list<i32> levels
  4: optional string department
  5: optional string window_id
  6: optional i32 wait_seconds
}

struct ReviewItem {
  1: exchange.Record record
  /** Its rectification is open past its due time. */
  2: bool overdue
}

struct ReviewFeedPage {
  1: list<ReviewItem> reviews
  2: string next_cursor
  3: string head
}

struct ReviewStatsRequest {
  /** department (default), window, item, channel, day or month. */
  1: optional string group_by
  /** A local date YYYY-MM-DD (Beijing time) or an RFC 3339 instant; `to_time` is exclusive. */
  2: optional string from_time
  3: optional string to_time
  /** YYYY-MM (Beijing time), instead of from_time and to_time. */
  4: optional string month
}

struct ReviewStats {
  1: string group
  /** Counts of levels 1..5, level 1 (非常不满意) first. */
  2: list<i64> levels
  3: i64 total
  4: i64 valid
  5: i64 excluded
  6: i64 satisfied
  7: i64 bad
  8: i64 rectifications_due
  9: i64 rectified_on_time
  10: i64 overdue
  /** satisfied / valid; unset when there is no valid review. */
  11: optional double satisfaction_rate
  /** rectified_on_time / rectifications_due; unset when none is due. */
  12: optional double rectification_rate
}

struct ReviewStatsResult {
  1: string group_by
  2: optional exchange.Instant from_time
  3: optional exchange.Instant to_time
  /** The instant deadlines were judged at. */
  4: exchange.Instant at
  5: list<ReviewStats> groups
  6: ReviewStats total
}

struct RectificationStep {
  1: i64 seq
  2: exchange.RectifyState from_state
  3: exchange.RectifyState to_state
  4: string actor
  5: exchange.Instant at
  6: string note
  7: optional string reason
}

struct Rectification {
  1: string record_id
  2: i32 level
  3: exchange.RectifyState state
  4: optional exchange.Instant due_at
  5: optional exchange.Instant rectified_at
  6: optional exchange.Instant revisited_at
  7: bool overdue
  8: bool excluded
  9: string note
  10: optional string first_record_id
  /** The review's new version (rectify only). */
  11: optional i64 version
  12: list<exchange.RectifyState> allowed_next
  13: list<RectificationStep> steps
}

struct RectifyRequest {
  1: string record_id
  2: exchange.RectifyState state
  3: optional string note
  /** Required for REJECTED_MALICIOUS. */
  4: optional string reason
}

service ExchangeGateway {
  /** Raw rows from a department through that platform's mapping (scope push:<platform>). */
  PushRowsResult pushRows(1: Credential credential, 2: PushRowsRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** Already-unified records, validated against the schema (scope push:<source_system>). */
  PushRecordsResult pushRecords(1: Credential credential, 2: list<exchange.Record> records)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** A page of the change feed (scope pull:<KIND> or pull:*). */
  FeedPage pull(1: Credential credential, 2: PullRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  exchange.Record getRecord(1: Credential credential, 2: string record_id)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** The next page after the subscription's server-kept cursor (it moves only on ack). */
  FeedPage subscriptionGet(1: Credential credential, 2: SubscriptionRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  SubscriptionState subscriptionAck(1: Credential credential, 2: string name, 3: string cursor)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** The 好差评 feed (scope pull:REVIEW or pull:*), with long-poll. */
  ReviewFeedPage reviewFeed(1: Credential credential, 2: ReviewFeedRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** Satisfaction figures per group (scope pull:REVIEW or pull:*). */
  ReviewStatsResult reviewStats(1: Credential credential, 2: ReviewStatsRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** A review's rectification (pull:REVIEW, or review:rectify for its department). */
  Rectification getRectification(1: Credential credential, 2: string record_id)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** Moves a bad review's rectification on (review:rectify for the review's department). */
  Rectification rectify(1: Credential credential, 2: RectifyRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)
}
