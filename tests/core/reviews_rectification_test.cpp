// 好差评 rectifications in the store, on both backends: opened by a bad
// review, moved on by people as new versions of the review, appeals,
// concurrent steps, re-evaluations, the feed judged by each review's current
// standing, and the overdue sweep.
//
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <set>

#include "tests/core/reviews_test_support.h"

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::Record;
using govsync::schema::RecordKind;
using S = govsync::schema::RectifyState;
using namespace govsync::reviews;
using namespace govsync::store;
using namespace govsync::testing;
using namespace govsync::reviews_test;

BOOST_AUTO_TEST_SUITE(review_store)

BOOST_DATA_TEST_CASE(a_bad_review_opens_a_rectification_when_stored, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  const int64_t evaluated = local(2026, 9, 30, 15);
  auto result = commitAll(*s, {review({"bad", 1, "市民政局", "W1", "I1", {}, evaluated}),
                               review({"good", 4, "市民政局", "W1", "I1", {}, evaluated})});
  BOOST_TEST(result.outcomes[0].version == 1);

  auto bad = s->getRectification(idOf("bad"));
  BOOST_TEST_REQUIRE(bad.has_value());
  BOOST_TEST(bad->state == S::VERIFYING);
  BOOST_TEST(bad->dueAt == endOf(2026, 10, 13));  // 5 working days over 国庆
  BOOST_TEST(bad->level == 1);
  BOOST_TEST_REQUIRE(bad->steps.size() == 1u);
  BOOST_TEST(bad->steps[0].from == S::NONE);
  BOOST_TEST(bad->steps[0].to == S::VERIFYING);
  BOOST_TEST(bad->steps[0].actor == "system");
  // The stored record and its feed entry carry it.
  auto stored = s->getRecord(idOf("bad"));
  BOOST_TEST(stored->record.review.rectify_state == S::VERIFYING);
  BOOST_TEST(stored->record.review.rectify_due_at == endOf(2026, 10, 13));
  auto feed = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(feed.size() == 2u);
  BOOST_TEST(contains(feed[0].jsonFull(), "\"rectify_state\":\"VERIFYING\""), feed[0].jsonFull());
  BOOST_TEST(contains(feed[0].jsonFull(), "\"rectify_due_at\":\"2026-10-13T15:59:59.999Z\""), feed[0].jsonFull());

  auto good = s->getRectification(idOf("good"));
  BOOST_TEST_REQUIRE(good.has_value());
  BOOST_TEST(good->state == S::NONE);
  BOOST_TEST(good->steps.empty());
  BOOST_TEST(!contains(feed[1].jsonFull(), "rectify_state"));
  BOOST_TEST(!s->getRectification("no-such-record").has_value());
}

BOOST_DATA_TEST_CASE(rectification_steps_are_new_versions_in_the_feed, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  const Record original = review({"R1", 2, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)});
  commitAll(*s, {original, caseRecord("hotline", "C1")});
  const auto id = idOf("R1");

  const auto refused =
      errorOf(ErrorCode::InvalidInput, [&] { s->updateRectification(id, S::FED_BACK, "王科长", "", "", 0); });
  BOOST_TEST(contains(refused, "allowed next states are RECTIFYING, APPEALED"), refused);

  auto step = s->updateRectification(id, S::RECTIFYING, "王科长", "已联系办事群众", "", local(2026, 3, 3, 9));
  BOOST_TEST(step.outcome.changed);
  BOOST_TEST(step.outcome.version == 2);
  BOOST_TEST(step.outcome.position == 3);
  BOOST_TEST(step.headPosition == 3);
  BOOST_TEST(step.rectification.state == S::RECTIFYING);
  step = s->updateRectification(id, S::FED_BACK, "王科长", "窗口已整改", "", local(2026, 3, 5, 9));
  BOOST_TEST(step.rectification.rectifiedAt == local(2026, 3, 5, 9));
  step = s->updateRectification(id, S::REVISITED, "回访员", "群众满意", "", local(2026, 3, 6, 9));
  BOOST_TEST(step.rectification.revisitedAt == local(2026, 3, 6, 9));
  BOOST_TEST(step.outcome.version == 4);
  const auto final_ =
      errorOf(ErrorCode::InvalidInput, [&] { s->updateRectification(id, S::APPEALED, "王科长", "", "", 0); });
  BOOST_TEST(contains(final_, "final"), final_);

  auto r = s->getRectification(id);
  BOOST_TEST_REQUIRE(r->steps.size() == 4u);
  BOOST_TEST(r->steps[1].actor == "王科长");
  BOOST_TEST(r->steps[1].note == "已联系办事群众");
  BOOST_TEST(r->steps[3].from == S::FED_BACK);
  BOOST_TEST(r->steps[3].to == S::REVISITED);
  BOOST_TEST(r->steps[3].seq == 4);
  BOOST_TEST(r->note == "群众满意");

  // Every step is a version of the review in the feed, in order.
  ReviewFeedQuery q;
  q.filter.levels = {2};
  auto page = s->readReviewFeed(q);
  BOOST_TEST_REQUIRE(page.entries.size() == 4u);
  const char* states[] = {"VERIFYING", "RECTIFYING", "FED_BACK", "REVISITED"};
  for (size_t i = 0; i < 4; ++i) {
    BOOST_TEST(page.entries[i].version == static_cast<int64_t>(i + 1));
    BOOST_TEST(contains(page.entries[i].jsonFull(), std::string("\"rectify_state\":\"") + states[i] + "\""));
  }
  BOOST_TEST(contains(page.entries[3].jsonFull(), "\"rectify_note\":\"群众满意\""));

  // The source sending the review again cannot reset the loop: the same
  // content is a no-op, changed content keeps the store's rectification.
  auto again = commitAll(*s, {original});
  BOOST_TEST(!again.outcomes[0].changed);
  Record edited = original;
  edited.review.__set_comment_text("补充评价");
  auto changed = commitAll(*s, {edited});
  BOOST_TEST(changed.outcomes[0].version == 5);
  BOOST_TEST(s->getRecord(id)->record.review.rectify_state == S::REVISITED);
  BOOST_TEST(s->getRectification(id)->state == S::REVISITED);

  errorOf(ErrorCode::NotFound, [&] { s->updateRectification("nope", S::RECTIFYING, "a", "", "", 0); });
  const auto caseId = govsync::computeRecordId("hotline", RecordKind::CASE, "C1");
  errorOf(ErrorCode::NotFound, [&] { s->updateRectification(caseId, S::RECTIFYING, "a", "", "", 0); });
}

BOOST_DATA_TEST_CASE(appeals_fail_back_to_rectifying_or_exclude_the_review, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  commitAll(*s, {review({"R1", 1, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)})});
  const auto id = idOf("R1");
  s->updateRectification(id, S::APPEALED, "王科长", "评价人误操作", "", local(2026, 3, 2, 11));
  s->updateRectification(id, S::RECTIFYING, "复核组", "申诉不成立", "", local(2026, 3, 3, 11));
  s->updateRectification(id, S::APPEALED, "王科长", "再次申诉", "", local(2026, 3, 4, 11));
  const auto noReason = errorOf(ErrorCode::InvalidInput, [&] {
    s->updateRectification(id, S::REJECTED_MALICIOUS, "复核组", "", "", local(2026, 3, 5, 11));
  });
  BOOST_TEST(contains(noReason, "reason"));
  auto r = s->updateRectification(id, S::REJECTED_MALICIOUS, "复核组", "", "同一人一日内恶意差评20次",
                                  local(2026, 3, 5, 11));
  BOOST_TEST(r.rectification.excluded);
  BOOST_TEST(r.rectification.dueAt == endOf(2026, 3, 9));  // an appeal never moves the deadline
  BOOST_TEST_REQUIRE(r.rectification.steps.size() == 5u);
  BOOST_TEST(r.rectification.steps[4].reason == "同一人一日内恶意差评20次");
  auto stats = s->reviewStats({ReviewGroupBy::Department, {}, {}, local(2026, 3, 20), ""});
  BOOST_TEST_REQUIRE(stats.size() == 1u);
  BOOST_TEST(stats[0].total == 1);
  BOOST_TEST(stats[0].valid == 0);
  BOOST_TEST(stats[0].excluded == 1);
  BOOST_TEST(stats[0].bad == 0);
  BOOST_TEST(stats[0].overdue == 0);
}

BOOST_DATA_TEST_CASE(concurrent_steps_on_one_review_apply_once, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  commitAll(*s, {review({"R1", 1, "A", "W1", "I", {}, local(2026, 3, 2, 10)})});
  const auto id = idOf("R1");
  std::atomic<int> applied{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      try {
        s->updateRectification(id, S::RECTIFYING, "actor-" + std::to_string(i), "", "", 0);
        ++applied;
      } catch (const Error& e) {
        if (e.code() == ErrorCode::InvalidInput) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(applied.load() == 1);
  BOOST_TEST(refused.load() == 3);
  auto r = s->getRectification(id);
  BOOST_TEST(r->steps.size() == 2u);
  BOOST_TEST(s->getRecord(id)->record.envelope.version == 2);
}

BOOST_DATA_TEST_CASE(reevaluations_link_to_the_first_evaluation, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  const int64_t t = local(2026, 3, 2, 10);
  // Second evaluation first: linked when the first arrives.
  commitAll(*s, {review({"B2", 4, "d", "W", "I", {}, t + 5, "CASE-B", 2})});
  BOOST_TEST(s->getRectification(idOf("B2"))->firstRecordId.empty());
  commitAll(
      *s, {review({"B1", 1, "d", "W", "I", {}, t, "CASE-B", 1}), review({"A1", 2, "d", "W", "I", {}, t, "CASE-A", 1})});
  BOOST_TEST(s->getRectification(idOf("B2"))->firstRecordId == idOf("B1"));
  // First evaluation first.
  commitAll(*s, {review({"A2", 5, "d", "W", "I", {}, t + 9, "CASE-A", 2})});
  BOOST_TEST(s->getRectification(idOf("A2"))->firstRecordId == idOf("A1"));
  BOOST_TEST(s->getRectification(idOf("A1"))->firstRecordId.empty());
  // A named link wins over the case number.
  Record named = review({"X2", 5, "d", "W", "I", {}, t + 9, "CASE-A", 2});
  named.envelope.__set_extensions({{"first_review_id", "B1"}});
  commitAll(*s, {named});
  BOOST_TEST(s->getRectification(idOf("X2"))->firstRecordId == idOf("B1"));
  // The first evaluation lists its re-evaluations, oldest first; a deleted one drops out.
  using V = std::vector<std::string>;
  BOOST_TEST(s->getRectification(idOf("A1"))->reEvaluations == V{idOf("A2")});
  BOOST_TEST(s->getRectification(idOf("B1"))->reEvaluations == (V{idOf("B2"), idOf("X2")}));
  commitAll(*s, {tombstone("hcp", RecordKind::REVIEW, "B2")});
  BOOST_TEST(s->getRectification(idOf("B1"))->reEvaluations == V{idOf("X2")});
  BOOST_TEST(s->getRectification(idOf("X2"))->reEvaluations.empty());
}

BOOST_DATA_TEST_CASE(feed_entries_are_judged_by_the_reviews_current_standing, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  const int64_t t = local(2026, 3, 2, 10);
  commitAll(*s, {review({"fixed", 1, "A", "W", "I", {}, t, "C1", 1}), review({"open", 2, "A", "W", "I", {}, t}),
                 review({"gone", 2, "A", "W", "I", {}, t}), review({"again", 5, "A", "W", "I", {}, t + 9, "C1", 2})});
  s->updateRectification(idOf("fixed"), S::RECTIFYING, "王科长", "", "", local(2026, 3, 3, 9));
  s->updateRectification(idOf("fixed"), S::FED_BACK, "王科长", "", "", local(2026, 3, 4, 9));
  commitAll(*s, {tombstone("hcp", RecordKind::REVIEW, "gone")});
  // Every entry of the feed, old versions and repeats included, and more
  // unknown ids than one SQLite statement takes.
  std::vector<std::string> ids;
  for (const auto& e : s->readReviewFeed({}).entries) ids.push_back(e.recordId);
  BOOST_TEST(ids.size() == 7u);  // 4 reviews, 2 steps, 1 deletion
  for (int i = 0; i < 1200; ++i) ids.push_back("no-such-record-" + std::to_string(i));
  std::map<std::string, ReviewStanding> by;
  for (const auto& standing : s->reviewStandings(ids)) by[standing.recordId] = standing;
  BOOST_TEST_REQUIRE(by.size() == 4u);
  BOOST_TEST(by[idOf("fixed")].state == S::FED_BACK);  // its v1 in the feed still says VERIFYING
  BOOST_TEST(by[idOf("fixed")].dueAt == endOf(2026, 3, 9));
  BOOST_TEST(by[idOf("open")].state == S::VERIFYING);
  BOOST_TEST(!by[idOf("open")].deleted);
  BOOST_TEST(by[idOf("gone")].deleted);
  BOOST_TEST(by[idOf("again")].firstRecordId == idOf("fixed"));
  BOOST_TEST(by[idOf("fixed")].firstRecordId.empty());
  BOOST_TEST(s->reviewStandings({}).empty());
}

// A missed deadline is news: the sweep gives each open rectification past its
// due time one new version with rectify_overdue_at, which later versions keep.
BOOST_DATA_TEST_CASE(the_overdue_sweep_makes_a_missed_deadline_a_new_version, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  commitAll(*s, {review({"late", 1, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)}),      // due 2026-03-09
                 review({"appealed", 2, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)}),  // due 2026-03-09
                 review({"done", 2, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)}),      // fed back in time
                 review({"fresh", 1, "市民政局", "W1", "I1", {}, local(2026, 3, 6, 10)}),     // due 2026-03-13
                 review({"good", 5, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)})});
  s->updateRectification(idOf("appealed"), S::APPEALED, "王科长", "申诉", "", local(2026, 3, 3, 9));
  s->updateRectification(idOf("done"), S::RECTIFYING, "王科长", "", "", local(2026, 3, 3, 9));
  s->updateRectification(idOf("done"), S::FED_BACK, "王科长", "已整改", "", local(2026, 3, 4, 9));
  const int64_t head = s->headPosition();

  BOOST_TEST(s->markOverdueRectifications(local(2026, 3, 9, 12)) == 0u);  // not due yet: end of the day
  const int64_t sweep = local(2026, 3, 10, 1);
  BOOST_TEST(s->markOverdueRectifications(sweep) == 2u);          // late (VERIFYING) and appealed: the clock runs
  BOOST_TEST(s->markOverdueRectifications(sweep + 60000) == 0u);  // once only
  BOOST_TEST(s->headPosition() == head + 2);

  // Two new versions in the feed, each saying when the deadline was found missed.
  auto feed = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(feed.size() >= 2u);
  std::set<std::string> marked;
  for (size_t i = feed.size() - 2; i < feed.size(); ++i) {
    marked.insert(feed[i].recordId);
    BOOST_TEST(contains(feed[i].jsonFull(), "\"rectify_overdue_at\":\"2026-03-09T17:00:00.000Z\""), feed[i].jsonFull());
  }
  BOOST_TEST((marked == std::set<std::string>{idOf("late"), idOf("appealed")}));
  BOOST_TEST(s->getRecord(idOf("late"))->record.review.rectify_overdue_at == sweep);
  BOOST_TEST(!bool(s->getRecord(idOf("done"))->record.review.__isset.rectify_overdue_at));

  // Later steps keep the mark (it was late); the fresh one is marked when its turn comes.
  auto step = s->updateRectification(idOf("late"), S::RECTIFYING, "王科长", "补办", "", sweep + 3600000);
  BOOST_TEST(s->getRecord(idOf("late"))->record.review.rectify_overdue_at == sweep);
  BOOST_TEST(step.outcome.version == 3);
  BOOST_TEST(s->markOverdueRectifications(local(2026, 3, 14, 1)) == 1u);
  BOOST_TEST(bool(s->getRecord(idOf("fresh"))->record.review.__isset.rectify_overdue_at));
  // The source sending the review again does not clear it.
  Record again = review({"late", 1, "市民政局", "W1", "I1", {}, local(2026, 3, 2, 10)});
  again.review.__set_comment_text("补充");
  commitAll(*s, {again});
  BOOST_TEST(s->getRecord(idOf("late"))->record.review.rectify_overdue_at == sweep);
}

BOOST_AUTO_TEST_SUITE_END()
