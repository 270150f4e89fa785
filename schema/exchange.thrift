// The unified government data-exchange schema, v1 — the single source of truth.
//
// The Thrift API, the C++ record model, the JSON form and the mapping engine's
// target-field table are all generated or derived from this file at build time
// (see schema/gen_schema_tables.py). Add a field here and it appears everywhere.
//
// Conventions (docs/api.md and docs/mapping-guide.md describe them for users):
//  - names are snake_case; enums are served by name;
//  - `Instant` is milliseconds since the Unix epoch, served as RFC 3339 UTC
//    with milliseconds ("2022-09-25T06:03:00.000Z");
//  - coordinates are WGS-84 decimal degrees; `coord_sys_original` says what
//    the source sent;
//  - a canonical code sits beside its raw source value (`status` +
//    `status_raw`) wherever a mapping translated it;
//  - fields annotated (pii="name|phone|id_no") are personal data: stored,
//    but served masked unless the caller holds the `pii` scope.

namespace cpp govsync.schema
namespace py govsync_exchange

/** Milliseconds since 1970-01-01T00:00:00Z. */
typedef i64 Instant

enum RecordKind {
  CASE = 1,
  REVIEW = 2,
  OBSERVATION = 3,
}

enum CoordSys {
  wgs84 = 1,
  gcj02 = 2,
  bd09 = 3,
  cgcs2000 = 4,
}

enum CaseKind {
  hotline = 1,
  citizen_report = 2,
  grid_event = 3,
  complaint = 4,
  fault = 5,
  other = 6,
}

enum AppealType {
  consult = 1,
  help = 2,
  complaint = 3,
  report = 4,
  suggestion = 5,
  praise = 6,
  other = 7,
}

enum CaseChannel {
  phone = 1,
  web = 2,
  app = 3,
  wechat = 4,
  sms = 5,
  window = 6,
  self_service = 7,
  inspector = 8,
  video = 9,
  superior = 10,
}

enum Urgency {
  normal = 1,
  urgent = 2,
  emergency = 3,
}

enum CaseStatus {
  RECEIVED = 1,
  DISPATCHED = 2,
  ACCEPTED = 3,
  IN_PROGRESS = 4,
  RESPONDED = 5,
  REVISITED = 6,
  CLOSED = 7,
  RETURNED = 8,
  REOPENED = 9,
  CANCELLED = 10,
}

enum ReviewChannel {
  pc = 1,
  mobile = 2,
  qrcode = 3,
  hall_pad = 4,
  hall_terminal = 5,
  phone_12345 = 6,
  sms = 7,
  system_default = 8,
}

/**
 * Which numbering a source used for its rating. `level` is always 5 = 非常满意
 * … 1 = 非常不满意; `level_raw` keeps what the source sent.
 */
enum LevelScheme {
  hcp_interface = 1,  // 好差评 interface satisfaction/levelCode: 5 = 非常满意
  gb39046_a8 = 2,     // GB/T 39046 A.8 满意度代码: 1 = 非常满意
  label = 3,          // Chinese label 非常满意 … 非常不满意
  other = 4,
}

enum EvaluatorType {
  person = 1,
  legal_entity = 2,
}

enum RectifyState {
  NONE = 1,
  VERIFYING = 2,
  RECTIFYING = 3,
  FED_BACK = 4,
  REVISITED = 5,
  APPEALED = 6,
  REJECTED_MALICIOUS = 7,
}

enum SubjectType {
  vehicle = 1,
  monitor_station = 2,
  sensor = 3,
  camera = 4,
}

/** Carried by every record, whatever its kind. */
struct Envelope {
  /** UUIDv5 of source_system/kind/source_id: the same source row always has the same id. */
  1: optional string record_id
  2: required RecordKind kind
  3: required string source_system
  4: required string source_id
  5: optional string department
  /** GB/T 2260 division code, 6 digits, or the 12-digit statistical code. */
  6: optional string region_code
  7: optional string grid_code
  8: optional Instant source_updated_at
  9: optional Instant ingested_at
  /** Starts at 1; +1 only when the content changes. */
  10: optional i64 version
  11: optional bool deleted
  /** "name@version" of the mapping that produced the record. */
  12: optional string mapping
  13: optional string payload_sha256
  14: optional map<string, string> extensions
}

/** 12345 work orders, 随手拍 reports, grid events, complaints, fault tickets. */
struct CaseRecord {
  1: required string case_no
  2: optional CaseKind case_kind
  3: optional AppealType appeal_type
  4: optional CaseChannel channel
  5: optional string channel_raw
  6: optional string category_code
  7: optional string category_name
  8: optional string title
  9: optional string content
  10: optional Urgency urgency
  11: optional CaseStatus status
  12: optional string status_raw
  13: optional Instant received_at
  14: optional Instant dispatched_at
  15: optional Instant due_at
  16: optional Instant responded_at
  17: optional Instant closed_at
  /** GB 32100 unified social credit code. */
  18: optional string agency_code
  19: optional string agency_name
  20: optional string address
  21: optional double lon
  22: optional double lat
  23: optional CoordSys coord_sys_original
  24: optional string reporter_name (pii = "name")
  25: optional string reporter_phone (pii = "phone")
  26: optional string reporter_id_no (pii = "id_no")
  /** Salted HMAC of the reporter's ID number or phone: joins without revealing. */
  27: optional string reporter_key
  28: optional bool is_anonymous
  29: optional string result_text
  30: optional string return_reason
  31: optional i32 satisfaction_level
  32: optional list<string> media_urls
  /** A second contact number (e.g. the landline of "mobile/landline"). */
  33: optional string reporter_phone_2 (pii = "phone")
}

/** 好差评 evaluations. */
struct ReviewRecord {
  1: required string review_id
  2: optional string case_no
  /** 实施编码 of the service item. */
  3: optional string item_code
  4: optional string item_name
  5: optional string agency_code
  6: optional string agency_name
  7: optional string window_id
  8: optional string staff_name (pii = "name")
  9: optional ReviewChannel channel
  10: optional string channel_raw
  /** 1..5, 5 = 非常满意 … 1 = 非常不满意, whatever scheme the source used. */
  11: required i32 level
  12: optional string level_raw
  13: optional LevelScheme level_scheme
  14: optional list<string> indicator_codes
  15: optional string comment_text
  16: required Instant evaluated_at
  /** 1 = first evaluation, 2 = re-evaluation after rectification. */
  17: optional i32 eval_seq
  18: optional EvaluatorType evaluator_type
  19: optional string evaluator_name (pii = "name")
  20: optional string evaluator_phone (pii = "phone")
  21: optional string evaluator_key
  22: optional bool is_anonymous
  /** level <= 2. */
  23: optional bool is_bad
  24: optional RectifyState rectify_state
  25: optional Instant rectify_due_at
  26: optional Instant rectified_at
  27: optional Instant revisited_at
  28: optional string rectify_note
  /** Set by govsync when it found the rectification still open after its due time; kept afterwards (it was late). */
  29: optional Instant rectify_overdue_at
}

/** Environment stations, water levels, hazardous-chemical vehicle positions. */
struct Observation {
  1: optional SubjectType subject_type
  2: required string subject_id
  3: optional string plate_no
  4: optional string metric_code
  5: optional double value
  6: optional string unit
  7: optional string quality_flag
  8: required Instant observed_at
  9: optional double lon
  10: optional double lat
  11: optional CoordSys coord_sys_original
  12: optional double altitude_m
  13: optional double speed_kmh
  14: optional double heading_deg
  15: optional map<string, string> attributes
}

/**
 * One unified record: the envelope and the body its kind names. A tombstone
 * (envelope.deleted) may carry no body.
 */
struct Record {
  1: required Envelope envelope
  2: optional CaseRecord case_record
  3: optional ReviewRecord review
  4: optional Observation observation
}

// ==========================================================================
// The gateway's API: the same operations as the HTTP API
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
// Records are the Record values above. Without the `pii` scope, names, phones
// and ID numbers in them arrive masked.

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
  3: optional RecordKind kind
  4: optional string source
  /** GB/T 2260 region code prefix. */
  5: optional string region
  /** Long-poll: wait up to this many seconds (at most 60) for a change. */
  6: optional i32 wait_seconds
}

struct FeedPage {
  1: list<Record> records
  /** Pass as `after` to read on; a page with no records still moves it. */
  2: string next_cursor
  /** The newest committed position the server saw. */
  3: string head
}

struct SubscriptionRequest {
  1: string name
  2: optional i32 limit
  /** The filter, used when the subscription is created. */
  3: optional RecordKind kind
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
  1: Record record
  /** Its rectification is open past its due time (the review's current state). */
  2: bool overdue
  /** For a re-evaluation (eval_seq 2) linked to a first review: that review's record id. */
  3: optional string first_record_id
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
  2: optional Instant from_time
  3: optional Instant to_time
  /** The instant deadlines were judged at. */
  4: Instant at
  5: list<ReviewStats> groups
  6: ReviewStats total
}

struct RectificationStep {
  1: i64 seq
  2: RectifyState from_state
  3: RectifyState to_state
  4: string actor
  5: Instant at
  6: string note
  7: optional string reason
}

struct Rectification {
  1: string record_id
  2: i32 level
  3: RectifyState state
  4: optional Instant due_at
  5: optional Instant rectified_at
  6: optional Instant revisited_at
  7: bool overdue
  8: bool excluded
  9: string note
  10: optional string first_record_id
  /** The review's new version (rectify only). */
  11: optional i64 version
  12: list<RectifyState> allowed_next
  13: list<RectificationStep> steps
  /** For a first evaluation: the record ids of its linked re-evaluations, oldest first. */
  14: optional list<string> re_evaluations
}

struct RectifyRequest {
  1: string record_id
  2: RectifyState state
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
  PushRecordsResult pushRecords(1: Credential credential, 2: list<Record> records)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  /** A page of the change feed (scope pull:<KIND> or pull:*). */
  FeedPage pull(1: Credential credential, 2: PullRequest request)
      throws (1: AuthError auth, 2: Forbidden forbidden, 3: InvalidInput invalid, 4: NotFound missing,
              5: Unavailable unavailable)

  Record getRecord(1: Credential credential, 2: string record_id)
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
