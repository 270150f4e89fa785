// The 好差评 operations of the service layer: the review feed (long-poll,
// the one feed's positions and cursors), satisfaction figures, and the
// rectification loop of bad reviews.
#include <algorithm>
#include <unordered_map>

#include "core/reviews/period.h"
#include "core/store/feed_cursor.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"
#include "gateway/service/exchange_service.h"

namespace govsync::gateway {

namespace {

/// Judges each entry of `result.page` by its review's current standing in
/// the review index (one store query per page): an old entry of a review
/// rectified since is not overdue, and a re-evaluation linked after the
/// entry was written shows the link.
void judgeByCurrentStanding(store::Store& store, ReviewFeedResult& result, int64_t now) {
  const auto& entries = result.page.entries;
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.push_back(e.recordId);
  std::unordered_map<std::string, store::ReviewStanding> standing;
  for (auto& s : store.reviewStandings(ids)) standing.emplace(s.recordId, std::move(s));
  result.overdue.assign(entries.size(), false);
  result.firstRecordIds.assign(entries.size(), "");
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto it = standing.find(entries[i].recordId);
    if (it == standing.end()) continue;
    const auto& s = it->second;
    result.overdue[i] = !s.deleted && reviews::isOpenPastDue(s.state, s.dueAt, now);
    result.firstRecordIds[i] = s.firstRecordId;
  }
}

}  // namespace

std::string ExchangeService::reviewDepartmentScope(const Principal& who, const std::string& requested,
                                                   const std::string& target) {
  if (who.canPull(schema::RecordKind::REVIEW)) return requested;
  // A department that rectifies its bad reviews (review:rectify) reads its
  // own reviews and figures, and only those.
  if (who.has("review:rectify") && !who.department.empty() && (requested.empty() || requested == who.department))
    return who.department;
  recordRefusal(who.name, target, "no pull scope for kind REVIEW", "");
  throw Error::notFound("no reviews");
}

ReviewFeedResult ExchangeService::reviewFeed(const Principal& who, const ReviewFeedRequest& req) {
  const std::string department = reviewDepartmentScope(who, req.department, "reviews/feed");
  for (auto level : req.levels)
    if (level < 1 || level > 5)
      throw Error::invalidFields("a review level is 1 to 5", {{"level", "1..5, e.g. level=1,2 for bad reviews"}});
  if (req.department.size() > 200 || req.window.size() > 200)
    throw Error::invalid("department and window are at most 200 bytes");
  store::ReviewFeedQuery q;
  q.after = store::decodeCursor(req.after);
  q.filter.levels = req.levels;
  q.filter.department = department;
  q.filter.windowId = req.window;
  const size_t limit = req.limit == 0 ? options_.defaultPageSize : std::min(req.limit, options_.maxPageSize);
  const int64_t wait = std::clamp<int64_t>(req.waitSeconds, 0, options_.maxWaitSeconds);

  ReviewFeedResult result;
  result.pii = who.pii();
  result.page = waitForPage(q.after, limit, wait, req.cancel,
                            [&](int64_t from, size_t n) {
                              auto query = q;
                              query.after = from;
                              query.limit = n;
                              return store_.readReviewFeed(query);
                            },
                            {});
  judgeByCurrentStanding(store_, result, nowMillis());
  result.next = store::encodeCursor(result.page.next);
  recordsPulled_ += result.page.entries.size();
  if (result.page.entries.empty() && !req.auditEmpty) return result;

  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("from");
  w.integer(q.after);
  w.key("to");
  w.integer(result.page.next);
  w.key("records");
  w.integer(static_cast<int64_t>(result.page.entries.size()));
  if (!req.levels.empty()) {
    w.key("levels");
    w.beginArray();
    for (auto l : req.levels) w.integer(l);
    w.endArray();
  }
  if (!req.department.empty()) {
    w.key("department");
    w.string(req.department);
  }
  if (!req.window.empty()) {
    w.key("window");
    w.string(req.window);
  }
  w.key("pii");
  w.boolean(result.pii);
  w.endObject();
  audit(who, "pull", "reviews/feed", std::move(detail), false);
  return result;
}

ReviewStatsResult ExchangeService::reviewStats(const Principal& who, const ReviewStatsRequest& req) {
  store::ReviewStatsQuery q;
  q.department = reviewDepartmentScope(who, "", "reviews/stats");
  const auto groupBy = store::reviewGroupByFromName(req.groupBy.empty() ? "department" : req.groupBy);
  if (!groupBy)
    throw Error::invalidFields("unknown grouping", {{"group_by", "department, window, item, channel, day or month"}});
  q.groupBy = *groupBy;
  const auto period = reviews::parsePeriod(req.month, req.from, req.to);
  q.from = period.from;
  q.to = period.to;
  q.now = nowMillis();

  ReviewStatsResult result;
  result.groupBy = std::string(store::reviewGroupByName(q.groupBy));
  result.from = q.from;
  result.to = q.to;
  result.at = q.now;
  result.groups = store_.reviewStats(q);
  for (const auto& g : result.groups) result.total.add(g);

  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("group_by");
  w.string(result.groupBy);
  if (q.from) {
    w.key("from");
    w.integer(*q.from);
  }
  if (q.to) {
    w.key("to");
    w.integer(*q.to);
  }
  w.key("groups");
  w.integer(static_cast<int64_t>(result.groups.size()));
  w.endObject();
  audit(who, "reviews.stats", "reviews/stats", std::move(detail), false);
  return result;
}

store::ReviewRectification ExchangeService::getRectification(const Principal& who, const std::string& recordId) {
  std::optional<store::StoredRecord> stored;
  if (recordId.size() <= 64) stored = store_.getRecord(recordId);
  const bool isReview = stored && stored->record.envelope.kind == schema::RecordKind::REVIEW;
  const bool mayRead = who.canPull(schema::RecordKind::REVIEW) ||
                       (isReview && who.has("review:rectify") && stored->record.envelope.department == who.department);
  std::optional<store::ReviewRectification> r;
  if (isReview && mayRead) r = store_.getRectification(recordId);
  if (!r) {
    if (isReview) recordRefusal(who.name, "review/" + recordId, "no scope to read the review", "");
    throw Error::notFound("no review '" + recordId.substr(0, 64) + "'");
  }
  return *r;
}

store::RectificationResult ExchangeService::rectify(const Principal& who, const RectifyRequest& req) {
  const std::string target = "review/" + req.recordId.substr(0, 64);
  std::optional<store::StoredRecord> stored;
  if (req.recordId.size() <= 64) stored = store_.getRecord(req.recordId);
  const bool isReview = stored && stored->record.envelope.kind == schema::RecordKind::REVIEW;
  // Only the review's own department moves its rectification; anyone else is
  // told the review does not exist.
  if (!isReview || !who.has("review:rectify") || stored->record.envelope.department != who.department) {
    if (isReview) recordRefusal(who.name, target, "not review:rectify for the review's department", "");
    throw Error::notFound("no review '" + req.recordId.substr(0, 64) + "'");
  }
  const auto to = reviews::rectifyStateFromName(req.state);
  if (!to)
    throw Error::invalidFields(
        "unknown rectification state",
        {{"state", "VERIFYING, RECTIFYING, FED_BACK, REVISITED, APPEALED or REJECTED_MALICIOUS"}});
  if (req.note.size() > 4000 || req.reason.size() > 4000)
    throw Error::invalid("note and reason are at most 4000 bytes each");
  // Only bad reviews are rectified: a satisfied citizen has nothing to put right.
  if (const auto current = store_.getRectification(req.recordId);
      current && current->level >= 3 && current->state == schema::RectifyState::NONE)
    throw Error::invalidFields("review '" + req.recordId + "' is not a bad review (level " +
                                   std::to_string(current->level) + "): only 不满意 and 非常不满意 are rectified",
                               {{"state", "no rectification for a review of level 3 or more"}});
  auto result = store_.updateRectification(req.recordId, *to, who.name, req.note, req.reason);

  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("to");
  w.string(reviews::rectifyStateName(*to));
  w.key("version");
  w.integer(result.outcome.version);
  if (!req.reason.empty()) {
    w.key("reason");
    w.string(req.reason);
  }
  w.endObject();
  audit(who, "review.rectify", target, std::move(detail));
  return result;
}

}  // namespace govsync::gateway
