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
