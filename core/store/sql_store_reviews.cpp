// SqlStore: the review (好差评) side — the review index kept with every
// commit, rectification steps, the review feed and the statistics.
#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "core/config/config.h"
#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/store/sql_store.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::store {

using reviews::RectificationFields;
using reviews::RectifyState;
using schema::Record;
using schema::RecordKind;
using S = schema::RectifyState;

// ---------------------------------------------------------------- policy

void Store::setReviewPolicy(ReviewPolicy policy) {
  if (policy.rectifyWorkingDays < 0)
    throw Error::config("reviews.rectify_working_days cannot be negative: " +
                        std::to_string(policy.rectifyWorkingDays));
  std::lock_guard lock(policyMutex_);
  policy_ = std::move(policy);
}

ReviewPolicy Store::reviewPolicy() const {
  std::lock_guard lock(policyMutex_);
  return policy_;
}

ReviewPolicy reviewPolicyFromConfig(const Config& config) {
  ReviewPolicy policy;
  policy.rectifyWorkingDays = static_cast<int>(config.getInt("reviews.rectify_working_days"));
  const std::string file = config.getString("reviews.calendar_file");
  // The default is the shipped file relative to the working directory (like
  // mappings.dir); run elsewhere without setting the key, weekends only —
  // said in calendarSource, which `serve` prints. A file the configuration
  // names must load.
  std::error_code ec;
  if (!config.isSet("reviews.calendar_file") && !std::filesystem::exists(file, ec)) {
    policy.calendarSource = "weekends only (no " + file + " here; set reviews.calendar_file)";
    return policy;
  }
  policy.calendarSource = file;
  try {
    policy.calendar = std::make_shared<const reviews::WorkingCalendar>(reviews::WorkingCalendar::loadFile(file));
  } catch (const Error& e) {
    throw Error::config(std::string(e.what()) + " (reviews.calendar_file, " + config.whereIs("reviews.calendar_file") +
                        ")");
  }
  return policy;
}

namespace {

constexpr struct {
  ReviewGroupBy group;
  std::string_view name;
  const char* column;
} kGroups[] = {
    {ReviewGroupBy::Department, "department", "department"},
    {ReviewGroupBy::Window, "window", "window_id"},
    {ReviewGroupBy::Item, "item", "item_code"},
    {ReviewGroupBy::Channel, "channel", "channel"},
    {ReviewGroupBy::Day, "day", "event_day"},
    {ReviewGroupBy::Month, "month", "event_month"},
};

}  // namespace

std::string_view reviewGroupByName(ReviewGroupBy g) {
  for (const auto& k : kGroups)
    if (k.group == g) return k.name;
  return "?";
}

std::optional<ReviewGroupBy> reviewGroupByFromName(std::string_view name) {
  for (const auto& k : kGroups)
    if (k.name == name) return k.group;
  return std::nullopt;
}

// ------------------------------------------------------------ bulk insert

void insertRows(SqlConnection& conn, bool bulk, const std::string& table, const std::vector<std::string>& columns,
                const std::vector<std::string>& types, const std::vector<std::vector<SqlValue>>& rows,
                const std::string& tail) {
  if (rows.empty()) return;
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
  if (bulk) {
    std::vector<ArrayLiteral> arrays(columns.size());
    for (const auto& row : rows)
      for (size_t c = 0; c < columns.size(); ++c) arrays[c].value(row[c]);
    std::string unnest;
    std::vector<SqlValue> params;
    for (size_t c = 0; c < columns.size(); ++c) {
      unnest += std::string(c ? ", " : "") + "?::" + types[c] + "[]";
      params.emplace_back(arrays[c].str());
    }
    conn.query(
        "INSERT INTO " + table + " (" + names + ") SELECT * FROM unnest(" + unnest + ") AS u(" + names + ") " + tail,
        params);
    return;
  }
  std::string marks;
  for (size_t c = 0; c < columns.size(); ++c) marks += c ? ", ?" : "?";
  const std::string sql = "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ") " + tail;
  for (const auto& row : rows) conn.query(sql, row);
}

// ------------------------------------------------------------ the index

namespace {

const std::vector<std::string> kReviewColumns{
    "record_id",    "source_system", "department", "agency_code",     "window_id",    "item_code",
    "channel",      "case_no",       "level",      "eval_seq",        "evaluated_at", "event_day",
    "event_month",  "deleted",       "position",   "state",           "due_at",       "rectified_at",
    "revisited_at", "note",          "excluded",   "first_record_id", "overdue_at"};
const std::vector<std::string> kReviewTypes{
    "text", "text",   "text",   "text",   "text",   "text",   "text",   "text", "bigint", "bigint", "bigint", "text",
    "text", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "text", "bigint", "text",   "bigint"};

std::string upsertTail() {
  std::string set;
  for (const auto& c : kReviewColumns) {
    if (c == "record_id") continue;
    set += (set.empty() ? "" : ", ") + c + " = " +
           (c == "first_record_id" ? "coalesce(excluded.first_record_id, reviews.first_record_id)" : "excluded." + c);
  }
  return "ON CONFLICT (record_id) DO UPDATE SET " + set;
}

SqlValue orNull(int64_t v) { return v ? SqlValue{v} : SqlValue{}; }

std::string channelName(const schema::ReviewRecord& r) {
  if (!r.__isset.channel) return "";
  auto it = schema::_ReviewChannel_VALUES_TO_NAMES.find(static_cast<int>(r.channel));
  return it == schema::_ReviewChannel_VALUES_TO_NAMES.end() ? "" : it->second;
}

// The first evaluation a re-evaluation names itself (extension first_review_id).
SqlValue namedFirstReview(const Record& record) {
  const auto& env = record.envelope;
  if (!env.__isset.extensions) return {};
  auto it = env.extensions.find("first_review_id");
  if (it == env.extensions.end() || it->second.empty()) return {};
  return computeRecordId(env.source_system, RecordKind::REVIEW, it->second);
}

// The index row of a stored (not deleted) review.
std::vector<SqlValue> indexRow(const Record& record, int64_t position) {
  const auto& env = record.envelope;
  const auto& r = record.review;
  const auto rect = reviews::rectificationOf(r);
  const std::string local = formatRfc3339(r.evaluated_at + reviews::kShanghaiOffsetMs);
  return {env.record_id,
          env.source_system,
          env.department,
          r.agency_code,
          r.window_id,
          r.item_code,
          channelName(r),
          r.case_no,
          int64_t{r.level},
          int64_t{r.__isset.eval_seq ? r.eval_seq : 1},
          r.evaluated_at,
          local.substr(0, 10),
          local.substr(0, 7),
          int64_t{0},
          position,
          int64_t{rect.state},
          orNull(rect.dueAt),
          orNull(rect.rectifiedAt),
          orNull(rect.revisitedAt),
          rect.note,
          int64_t{rect.state == S::REJECTED_MALICIOUS},
          namedFirstReview(record),
          orNull(rect.overdueAt)};
}

std::vector<SqlValue> stepRow(const std::string& recordId, const RectificationStep& s) {
  return {recordId, s.seq, int64_t{s.from}, int64_t{s.to}, s.actor, s.at, s.note, s.reason};
}
const std::vector<std::string> kStepColumns{"record_id", "seq", "from_state", "to_state",
                                            "actor",     "at",  "note",       "reason"};
const std::vector<std::string> kStepTypes{"text", "bigint", "bigint", "bigint", "text", "bigint", "text", "text"};

// Links re-evaluations (eval_seq ≥ 2) without a link to the eval_seq 1 review
// of the same source system and case_no, for the case numbers just written:
// whichever of the two arrived second makes the link.
void linkReevaluations(SqlConnection& conn, bool bulk, const std::set<std::pair<std::string, std::string>>& cases) {
  // reviews_unlinked (a partial index over exactly these rows) keeps this to
  // a few index probes per case, however many reviews are stored.
  static const std::string kSet =
      "UPDATE reviews SET first_record_id = (SELECT f.record_id FROM reviews f WHERE f.case_no = reviews.case_no "
      "AND f.source_system = reviews.source_system AND f.eval_seq = 1 AND f.deleted = 0 ORDER BY f.evaluated_at, "
      "f.record_id LIMIT 1)";
  static const std::string kUnlinked = "reviews.first_record_id IS NULL AND reviews.eval_seq >= 2";
  if (cases.empty()) return;
  if (bulk) {
    ArrayLiteral caseNos, systems;
    for (const auto& [system, caseNo] : cases) {
      systems.text(system);
      caseNos.text(caseNo);
    }
    conn.query(kSet + " FROM unnest(?::text[], ?::text[]) AS u(c, s) WHERE " + kUnlinked +
                   " AND reviews.case_no = u.c AND reviews.source_system = u.s",
               {caseNos.str(), systems.str()});
    return;
  }
  for (const auto& [system, caseNo] : cases)
    conn.query(kSet + " WHERE " + kUnlinked + " AND reviews.case_no = ? AND reviews.source_system = ?",
               {caseNo, system});
}

}  // namespace

struct ReviewCommit::Row {
  bool exists = false;
  int64_t level = 0;
  std::string department, windowId;
  RectificationFields rect;
};

ReviewCommit::ReviewCommit(SqlConnection& conn, bool bulk, ReviewPolicy policy, int64_t now)
    : conn_(conn), bulk_(bulk), policy_(std::move(policy)), now_(now) {}

ReviewCommit::~ReviewCommit() = default;

void ReviewCommit::load(const std::vector<PreparedRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& p : records)
    if (p.record.envelope.kind == RecordKind::REVIEW) ids.push_back(p.record.envelope.record_id);
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  static const std::string kSelect =
      "SELECT record_id, level, department, window_id, state, due_at, rectified_at, revisited_at, note, overdue_at "
      "FROM reviews WHERE record_id ";
  auto take = [&](const SqlResult& rows) {
    for (size_t r = 0; r < rows.size(); ++r) {
      Row& row = rows_[rows.text(r, 0)];
      row.exists = true;
      row.level = rows.integer(r, 1);
      row.department = rows.text(r, 2);
      row.windowId = rows.text(r, 3);
      row.rect.state = static_cast<RectifyState>(rows.integer(r, 4));
      row.rect.dueAt = rows.isNull(r, 5) ? 0 : rows.integer(r, 5);
      row.rect.rectifiedAt = rows.isNull(r, 6) ? 0 : rows.integer(r, 6);
      row.rect.revisitedAt = rows.isNull(r, 7) ? 0 : rows.integer(r, 7);
      row.rect.note = rows.text(r, 8);
      row.rect.overdueAt = rows.isNull(r, 9) ? 0 : rows.integer(r, 9);
    }
  };
  if (bulk_) {
    ArrayLiteral arr;
    for (const auto& id : ids) arr.text(id);
    take(conn_.query(kSelect + "= ANY(?::text[])", {arr.str()}));
  } else {
    for (const auto& id : ids) take(conn_.query(kSelect + "= ?", {id}));
  }
}

void ReviewCommit::prepare(PreparedRecord& p) {
  if (p.tombstone || !p.record.__isset.review) return;
  auto& review = p.record.review;
  Row& row = rows_[p.record.envelope.record_id];
  RectificationFields fields = p.incomingRectify;
  if (!p.rectifyAuthoritative) {
    p.step.reset();
    auto dueAt = [&] {
      static const reviews::WorkingCalendar weekendsOnly;
      return reviews::addWorkingDays(review.evaluated_at, policy_.rectifyWorkingDays,
                                     policy_.calendar ? *policy_.calendar : weekendsOnly);
    };
    if (row.exists && row.rect.state != S::NONE) {
      fields = row.rect;  // the store runs this rectification now
    } else if (fields.state != S::NONE) {
      if (!fields.dueAt && !reviews::isClosedState(fields.state)) fields.dueAt = dueAt();
      p.step = RectificationStep{1,
                                 S::NONE,
                                 fields.state,
                                 "source:" + p.record.envelope.source_system,
                                 now_,
                                 "rectification state as the source system reported it",
                                 ""};
    } else if (review.level <= 2) {
      fields = RectificationFields{S::VERIFYING, dueAt(), 0, 0, ""};
      p.step = RectificationStep{
          1,        S::NONE, S::VERIFYING,
          "system", now_,    "bad review (level " + std::to_string(review.level) + "): rectification opened",
          ""};
    }
  }
  reviews::setRectification(review, fields);
  p.hash = fields == p.incomingRectify ? p.incomingHash : contentHash(p.record);
  // A later copy of the same review in this batch builds on this one.
  row.exists = true;
  row.level = review.level;
  row.department = p.record.envelope.department;
  row.windowId = review.window_id;
  row.rect = fields;
}

void ReviewCommit::write(const std::vector<PreparedRecord>& records, const std::vector<size_t>& changed,
                         const CommitResult& result) {
  std::vector<std::vector<SqlValue>> feedRows, indexRows, steps;
  std::unordered_map<std::string, size_t> lastOf;  // record → its row in indexRows
  std::set<std::pair<std::string, std::string>> cases;
  for (size_t i : changed) {
    const auto& p = records[i];
    const auto& id = p.record.envelope.record_id;
    if (p.record.envelope.kind != RecordKind::REVIEW) continue;
    const int64_t position = result.outcomes[i].position;
    if (p.tombstone) {
      // Matched in the review feed by what the review was.
      const Row& row = rows_[id];
      feedRows.push_back({position, id, row.level, row.department, row.windowId});
      conn_.query("UPDATE reviews SET deleted = 1, position = ? WHERE record_id = ?", {position, id});
      if (auto it = lastOf.find(id); it != lastOf.end()) {  // upserted earlier in this batch
        indexRows[it->second][13] = int64_t{1};
        indexRows[it->second][14] = position;
      }
      continue;
    }
    feedRows.push_back(
        {position, id, int64_t{p.record.review.level}, p.record.envelope.department, p.record.review.window_id});
    if (auto it = lastOf.find(id); it != lastOf.end())
      indexRows[it->second] = indexRow(p.record, position);
    else
      lastOf[id] = indexRows.size(), indexRows.push_back(indexRow(p.record, position));
    if (p.step) steps.push_back(stepRow(id, *p.step));
    if (!p.record.review.case_no.empty()) cases.emplace(p.record.envelope.source_system, p.record.review.case_no);
  }
  insertRows(conn_, bulk_, "reviews", kReviewColumns, kReviewTypes, indexRows, upsertTail());
  insertRows(conn_, bulk_, "review_changes", {"position", "record_id", "level", "department", "window_id"},
             {"bigint", "text", "bigint", "text", "text"}, feedRows);
  insertRows(conn_, bulk_, "rectification_steps", kStepColumns, kStepTypes, steps);
  linkReevaluations(conn_, bulk_, cases);
}

void SqlStore::backfillReviewIndex(SqlConnection& conn) {
  // Reviews stored before the index existed get their rows as they are (no
  // rectification is opened here — that happens with their next version);
  // their feed changes are matched by their current level. A deleted review
  // keeps no body: it is indexed from its last served version.
  const bool bulk = dialect_.name == "postgres";
  std::string after;
  for (;;) {
    auto rows = conn.query(
        "SELECT r.record_id, r.body, r.deleted, (SELECT max(position) FROM changes c WHERE c.record_id = r.record_id), "
        "(SELECT c.json_full FROM changes c WHERE c.record_id = r.record_id AND c.deleted = 0 ORDER BY c.position DESC "
        "LIMIT 1) FROM records r WHERE r.kind = 'REVIEW' AND r.record_id > ? ORDER BY r.record_id LIMIT 1000",
        {after});
    if (rows.empty()) break;
    std::vector<std::vector<SqlValue>> indexRows;
    std::set<std::pair<std::string, std::string>> cases;
    for (size_t r = 0; r < rows.size(); ++r) {
      after = rows.text(r, 0);
      Record record = deserializeRecord(rows.text(r, 1));
      if (!record.__isset.review && !rows.isNull(r, 4)) record = recordFromJsonText(rows.text(r, 4));
      if (!record.__isset.review) continue;  // never had a body: nothing to index
      indexRows.push_back(indexRow(record, rows.isNull(r, 3) ? 0 : rows.integer(r, 3)));
      indexRows.back()[13] = rows.integer(r, 2);
      if (!record.review.case_no.empty()) cases.emplace(record.envelope.source_system, record.review.case_no);
    }
    insertRows(conn, bulk, "reviews", kReviewColumns, kReviewTypes, indexRows);
    linkReevaluations(conn, bulk, cases);
  }
  conn.query(
      "INSERT INTO review_changes (position, record_id, level, department, window_id) SELECT c.position, "
      "c.record_id, r.level, r.department, r.window_id FROM changes c JOIN reviews r ON r.record_id = c.record_id");
}

// --------------------------------------------------------------- the feed

FeedPage SqlStore::readReviewFeed(const ReviewFeedQuery& q) {
  std::vector<int64_t> levels(q.filter.levels.begin(), q.filter.levels.end());
  for (auto l : levels)
    if (l < 1 || l > 5) throw Error::invalid("a review level is 1..5, not " + std::to_string(l));
  if (levels.empty()) levels = {1, 2, 3, 4, 5};
  // One ordered index range per level (review_changes_by_level / _by_department
  // / _by_window), merged: each stops after `limit` rows, so a page costs
  // about levels × limit index entries however sparse the matches are.
  std::string part = "SELECT position FROM review_changes WHERE level = ? AND position > ? AND position <= ?";
  if (!q.filter.department.empty()) part += " AND department = ?";
  if (!q.filter.windowId.empty()) part += " AND window_id = ?";
  part += " ORDER BY position LIMIT ?";
  std::string positions;
  for (size_t i = 0; i < levels.size(); ++i)
    positions += std::string(i ? " UNION ALL " : "") + "SELECT position FROM (" + part + ") AS l" + std::to_string(i);
  const std::string sql =
      "SELECT position FROM changes WHERE position IN (" + positions + ") ORDER BY position LIMIT ?";
  return readFeedPage(q.after, q.limit, [&](SqlConnection& conn, int64_t head) {
    std::vector<SqlValue> params;
    for (auto level : levels) {
      params.insert(params.end(), {level, q.after, head});
      if (!q.filter.department.empty()) params.emplace_back(q.filter.department);
      if (!q.filter.windowId.empty()) params.emplace_back(q.filter.windowId);
      params.emplace_back(static_cast<int64_t>(q.limit));
    }
    params.emplace_back(static_cast<int64_t>(q.limit));
    return positionsOf(conn.query(sql, params));
  });
}

// ---------------------------------------------------------- statistics

std::vector<ReviewStats> SqlStore::reviewStats(const ReviewStatsQuery& q) {
  const char* column = nullptr;
  for (const auto& k : kGroups)
    if (k.group == q.groupBy) column = k.column;
  if (!column) throw Error::invalid("unknown review grouping");
  const int64_t now = q.now ? q.now : nowMillis();
  // Integer states (schema RectifyState): 2 VERIFYING, 3 RECTIFYING,
  // 4 FED_BACK, 5 REVISITED, 6 APPEALED, 7 REJECTED_MALICIOUS.
  const std::string open = "state IN (" + std::to_string(S::VERIFYING) + ", " + std::to_string(S::RECTIFYING) + ", " +
                           std::to_string(S::APPEALED) + ")";
  const std::string closed = "state IN (" + std::to_string(S::FED_BACK) + ", " + std::to_string(S::REVISITED) + ")";
  auto count = [](const std::string& condition) { return "sum(CASE WHEN " + condition + " THEN 1 ELSE 0 END)"; };
  std::string sql = std::string("SELECT ") + column + ", ";
  for (int level = 1; level <= 5; ++level) sql += count("level = " + std::to_string(level)) + ", ";
  sql += "count(*), " + count("excluded = 1") + ", " + count("excluded = 0 AND level >= 3") + ", " +
         count("excluded = 0 AND level <= 2") + ", " + count(closed + " OR (" + open + " AND due_at < ?)") + ", " +
         count(closed + " AND rectified_at <= due_at") + ", " + count(open + " AND due_at < ?") +
         " FROM reviews WHERE deleted = 0";
  std::vector<SqlValue> params{now, now};
  if (q.from) sql += " AND evaluated_at >= ?", params.emplace_back(*q.from);
  if (q.to) sql += " AND evaluated_at < ?", params.emplace_back(*q.to);
  if (!q.department.empty()) sql += " AND department = ?", params.emplace_back(q.department);
  sql += std::string(" GROUP BY ") + column + " ORDER BY " + column;

  auto conn = pool_.acquire();
  auto rows = conn->query(sql, params);
  std::vector<ReviewStats> out(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    auto& s = out[r];
    s.group = rows.text(r, 0);
    for (size_t l = 0; l < 5; ++l) s.levels[l] = rows.integer(r, 1 + l);
    s.total = rows.integer(r, 6);
    s.excluded = rows.integer(r, 7);
    s.valid = s.total - s.excluded;
    s.satisfied = rows.integer(r, 8);
    s.bad = rows.integer(r, 9);
    s.rectificationsDue = rows.integer(r, 10);
    s.rectifiedOnTime = rows.integer(r, 11);
    s.overdue = rows.integer(r, 12);
  }
  return out;
}

// -------------------------------------------------------- rectification

std::optional<ReviewRectification> SqlStore::readRectification(SqlConnection& conn, const std::string& recordId) {
  auto rows = conn.query(
      "SELECT level, deleted, state, due_at, rectified_at, revisited_at, note, excluded, first_record_id, position "
      "FROM reviews WHERE record_id = ?",
      {recordId});
  if (rows.empty()) return std::nullopt;
  ReviewRectification out;
  out.recordId = recordId;
  out.level = static_cast<int32_t>(rows.integer(0, 0));
  out.deleted = rows.integer(0, 1) != 0;
  out.state = static_cast<RectifyState>(rows.integer(0, 2));
  out.dueAt = rows.isNull(0, 3) ? 0 : rows.integer(0, 3);
  out.rectifiedAt = rows.isNull(0, 4) ? 0 : rows.integer(0, 4);
  out.revisitedAt = rows.isNull(0, 5) ? 0 : rows.integer(0, 5);
  out.note = rows.text(0, 6);
  out.excluded = rows.integer(0, 7) != 0;
  out.firstRecordId = rows.text(0, 8);
  out.position = rows.integer(0, 9);
  // reviews_by_first (migration 6) finds them without a scan.
  auto later = conn.query(
      "SELECT record_id FROM reviews WHERE first_record_id = ? AND deleted = 0 ORDER BY evaluated_at, record_id",
      {recordId});
  for (size_t r = 0; r < later.size(); ++r) out.reEvaluations.push_back(later.text(r, 0));
  auto steps = conn.query(
      "SELECT seq, from_state, to_state, actor, at, note, reason FROM rectification_steps WHERE record_id = ? ORDER "
      "BY seq",
      {recordId});
  for (size_t r = 0; r < steps.size(); ++r) {
    out.steps.push_back({steps.integer(r, 0), static_cast<RectifyState>(steps.integer(r, 1)),
                         static_cast<RectifyState>(steps.integer(r, 2)), steps.text(r, 3), steps.integer(r, 4),
                         steps.text(r, 5), steps.text(r, 6)});
  }
  return out;
}

std::optional<ReviewRectification> SqlStore::getRectification(std::string_view recordId) {
  auto conn = pool_.acquire();
  return inTransaction(*conn, false, [&] { return readRectification(*conn, std::string(recordId)); });
}

std::vector<ReviewStanding> SqlStore::reviewStandings(const std::vector<std::string>& recordIds) {
  std::vector<std::string> ids(recordIds);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<ReviewStanding> out;
  if (ids.empty()) return out;
  static const std::string kSelect =
      "SELECT record_id, deleted, state, due_at, first_record_id FROM reviews WHERE record_id ";
  auto take = [&](const SqlResult& rows) {
    for (size_t r = 0; r < rows.size(); ++r)
      out.push_back({rows.text(r, 0), rows.integer(r, 1) != 0, static_cast<RectifyState>(rows.integer(r, 2)),
                     rows.isNull(r, 3) ? 0 : rows.integer(r, 3), rows.text(r, 4)});
  };
  auto conn = pool_.acquire();
  if (dialect_.name == "postgres") {
    ArrayLiteral arr;
    for (const auto& id : ids) arr.text(id);
    take(conn->query(kSelect + "= ANY(?::text[])", {arr.str()}));
    return out;
  }
  // SQLite: IN lists well under its limit of bound parameters.
  constexpr size_t kChunk = 500;
  for (size_t from = 0; from < ids.size(); from += kChunk) {
    const size_t n = std::min(kChunk, ids.size() - from);
    std::string marks;
    std::vector<SqlValue> params;
    for (size_t i = 0; i < n; ++i) {
      marks += i ? ", ?" : "?";
      params.emplace_back(ids[from + i]);
    }
    take(conn->query(kSelect + "IN (" + marks + ")", params));
  }
  return out;
}

}  // namespace govsync::store
