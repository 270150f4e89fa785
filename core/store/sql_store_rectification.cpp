// SqlStore: the steps of a rectification — a person's (updateRectification)
// and the overdue sweep's (markOverdueRectifications). Each commits a new
// version of the review, so feed consumers see it.
#include "core/record/record_binary.h"
#include "core/record/record_rules.h"
#include "core/store/sql_store.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::store {

using reviews::RectifyState;
using S = schema::RectifyState;

RectificationResult SqlStore::updateRectification(const std::string& recordId, RectifyState toState,
                                                  const std::string& actor, const std::string& note,
                                                  const std::string& reason, int64_t nowMs) {
  const int64_t at = nowMs ? nowMs : nowMillis();
  auto conn = pool_.acquire();
  RectificationResult out = inTransaction(*conn, true, [&] {
    // The record row lock (PostgreSQL; SQLite has one writer) orders this
    // step against concurrent commits of the same review.
    auto rows = conn->query(
        "SELECT body, deleted FROM records WHERE record_id = ? AND kind = 'REVIEW'" + dialect_.forUpdate, {recordId});
    if (rows.empty() || rows.integer(0, 1) != 0) throw Error::notFound("no review with record id " + recordId);
    PreparedRecord p;
    p.record = deserializeRecord(rows.text(0, 0));
    const auto before = reviews::rectificationOf(p.record.review);
    reviews::checkTransition(before.state, toState, actor, reason);
    const int64_t seq =
        conn->query("SELECT coalesce(max(seq), 0) + 1 FROM rectification_steps WHERE record_id = ?", {recordId})
            .integer(0, 0);
    p.incomingRectify = reviews::afterStep(before, toState, at, note);
    reviews::setRectification(p.record.review, p.incomingRectify);
    p.hash = p.incomingHash = contentHash(p.record);
    p.rectifyAuthoritative = true;
    p.step = RectificationStep{seq, before.state, toState, actor, at, note, reason};
    std::vector<PreparedRecord> batch{std::move(p)};
    CommitResult committed = commitInTransaction(*conn, batch, CommitBatch{});
    RectificationResult r;
    r.outcome = committed.outcomes.at(0);
    r.headPosition = committed.headPosition;
    r.rectification = *readRectification(*conn, recordId);
    return r;
  });
  notifier_.publish(out.headPosition);
  return out;
}

size_t SqlStore::markOverdueRectifications(int64_t nowMs, size_t limit) {
  const int64_t now = nowMs ? nowMs : nowMillis();
  auto conn = pool_.acquire();
  const CommitResult committed = inTransaction(*conn, true, [&] {
    // reviews_awaiting_overdue (migration 8) holds exactly the candidates.
    const auto candidates = conn->query(
        "SELECT record_id FROM reviews WHERE overdue_at IS NULL AND deleted = 0 AND state IN (2, 3, 6) AND "
        "due_at IS NOT NULL AND due_at < ? ORDER BY due_at, record_id LIMIT ?",
        {now, static_cast<int64_t>(limit)});
    std::vector<PreparedRecord> batch;
    for (size_t i = 0; i < candidates.size(); ++i) {
      const std::string id = candidates.text(i, 0);
      auto rows = conn->query(
          "SELECT body FROM records WHERE record_id = ? AND kind = 'REVIEW' AND deleted = 0" + dialect_.forUpdate,
          {id});
      if (rows.empty()) continue;
      PreparedRecord p;
      p.record = deserializeRecord(rows.text(0, 0));
      auto fields = reviews::rectificationOf(p.record.review);
      // The body is the authority; the index only found the candidate.
      if (fields.overdueAt || !reviews::isOpenPastDue(fields.state, fields.dueAt, now)) continue;
      fields.overdueAt = now;
      reviews::setRectification(p.record.review, fields);
      p.incomingRectify = fields;
      p.hash = p.incomingHash = contentHash(p.record);
      p.rectifyAuthoritative = true;  // no step: nobody moved it, its deadline passed
      batch.push_back(std::move(p));
    }
    if (batch.empty()) return CommitResult{};
    return commitInTransaction(*conn, batch, CommitBatch{});
  });
  size_t marked = 0;
  for (const auto& o : committed.outcomes) marked += o.changed ? 1 : 0;
  if (marked) notifier_.publish(committed.headPosition);
  return marked;
}

}  // namespace govsync::store
