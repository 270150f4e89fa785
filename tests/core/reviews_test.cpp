// 好差评 core: the working-day calendar, the rectification state machine, and
// the store's review side (index, rectifications as new versions, the review
// feed, statistics) on both backends.
//
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <atomic>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "core/config/config.h"
#include "core/record/record_rules.h"
#include "core/reviews/rectification.h"
#include "core/reviews/working_days.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "tests/core/store_test_support.h"

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::Record;
using govsync::schema::RecordKind;
using S = govsync::schema::RectifyState;
using namespace govsync::reviews;
using namespace govsync::store;
using namespace govsync::testing;

namespace {

// An Asia/Shanghai wall-clock time as an instant.
int64_t local(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return govsync::daysFromCivil(y, m, d) * govsync::kMillisPerDay + (hh * 60 + mm) * 60000LL - kShanghaiOffsetMs;
}
// The end of a local day (23:59:59.999).
int64_t endOf(int y, unsigned m, unsigned d) { return local(y, m, d + 1) - 1; }

std::shared_ptr<const WorkingCalendar> shippedCalendar() {
  const char* dir = std::getenv("GOVSYNC_SOURCE_DIR");
  const std::string root = dir ? dir : ".";
  return std::make_shared<const WorkingCalendar>(WorkingCalendar::loadFile(root + "/config/calendar/cn-holidays.csv"));
}

template <typename Fn>
std::string errorOf(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST(govsync::errorCodeName(e.code()) == govsync::errorCodeName(code), e.what());
    return e.what();
  }
  BOOST_FAIL("expected Error(" << govsync::errorCodeName(code) << "), nothing was thrown");
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const auto kBackends = bdata::make(allBackends());

}  // namespace

// ------------------------------------------------------------ working days

BOOST_AUTO_TEST_SUITE(working_days)

BOOST_AUTO_TEST_CASE(due_dates_over_weekends_holidays_and_makeup_days) {
  const auto cal = shippedCalendar();
  BOOST_TEST(cal->covers(2026));
  BOOST_TEST(!cal->covers(2027));
  struct Case {
    int64_t evaluated;
    int n;
    int64_t due;
    const char* why;
  };
  const Case cases[] = {
      {local(2026, 3, 6, 10), 5, endOf(2026, 3, 13), "Friday + 5: the weekend does not count"},
      {local(2026, 3, 6, 10), 0, endOf(2026, 3, 6), "0 days: the end of the evaluation day"},
      {local(2026, 3, 7, 1, 30), 1, endOf(2026, 3, 9), "Saturday 01:30 local (Friday in UTC) + 1: Monday"},
      {local(2026, 3, 6, 23, 59), 1, endOf(2026, 3, 9), "late Friday evening + 1: Monday, not Saturday"},
      {local(2026, 9, 30, 15), 5, endOf(2026, 10, 13), "国庆 1–7 off, 10月10日 (Sat) is a make-up working day"},
      {local(2026, 9, 18, 9), 2, endOf(2026, 9, 21), "9月20日 (Sun) is a make-up working day"},
      {local(2026, 2, 13, 9), 1, endOf(2026, 2, 14), "2月14日 (Sat) is a make-up working day"},
      {local(2026, 2, 14, 9), 1, endOf(2026, 2, 24), "春节 15–23 off"},
      {local(2026, 4, 3, 9), 1, endOf(2026, 4, 7), "清明 4–6 off, including the Monday"},
      {local(2026, 12, 31, 9), 1, endOf(2027, 1, 1), "2027 is not in the file: weekends only"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.why) {
      BOOST_TEST(govsync::formatRfc3339(addWorkingDays(c.evaluated, c.n, *cal)) == govsync::formatRfc3339(c.due));
    }
  }
  // Weekends only, the same National Day case ends a week earlier.
  BOOST_TEST(addWorkingDays(local(2026, 9, 30, 15), 5, WorkingCalendar{}) == endOf(2026, 10, 7));
  BOOST_TEST(govsync::formatRfc3339(endOf(2026, 3, 13)) == "2026-03-13T15:59:59.999Z");
  errorOf(ErrorCode::InvalidInput, [&] { addWorkingDays(0, -1, *cal); });
}

BOOST_AUTO_TEST_CASE(bad_calendar_files_are_refused_with_file_and_line) {
  const std::string text =
      "# comment\n"
      "date,type,name\n"
      "2026-10-01,holiday,国庆节\n"
      "2026-10-08,workday,a Thursday\n"
      "2026-13-01,holiday,no such month\n"
      "2026-10-01,holiday,twice\n"
      "2026-10-02,party\n"
      "2026-10-03\n";
  const auto message = errorOf(ErrorCode::Config, [&] { WorkingCalendar::parse(text, "cal.csv"); });
  BOOST_TEST(contains(message, "cal.csv:4: 2026-10-08 is a weekday"), message);
  BOOST_TEST(contains(message, "cal.csv:5: 2026-13-01 is not a date"), message);
  BOOST_TEST(contains(message, "cal.csv:6: 2026-10-01 is listed twice"), message);
  BOOST_TEST(contains(message, "cal.csv:7: unknown type party"), message);
  BOOST_TEST(contains(message, "cal.csv:8: expected date,type[,name]"), message);
  const auto noHeader = errorOf(ErrorCode::Config, [&] { WorkingCalendar::parse("2026-10-01,holiday\n", "x.csv"); });
  BOOST_TEST(contains(noHeader, "x.csv:1: the first line must be the header"), noHeader);
  errorOf(ErrorCode::Config, [&] { WorkingCalendar::loadFile("/nonexistent/calendar.csv"); });
}

BOOST_AUTO_TEST_CASE(the_policy_comes_from_the_configuration) {
  TempDir dir;
  govsync::Config config;
  const char* source = std::getenv("GOVSYNC_SOURCE_DIR");
  config.set("reviews.calendar_file", std::string(source ? source : ".") + "/config/calendar/cn-holidays.csv");
  config.set("reviews.rectify_working_days", "3");
  const auto policy = reviewPolicyFromConfig(config);
  BOOST_TEST(policy.rectifyWorkingDays == 3);
  BOOST_TEST_REQUIRE(policy.calendar != nullptr);
  BOOST_TEST(policy.calendar->covers(2026));
  {
    std::ofstream bad(dir.file("bad.csv"));
    bad << "date,type,name\n2026-02-30,holiday,x\n";
  }
  config.set("reviews.calendar_file", dir.file("bad.csv"));
  const auto message = errorOf(ErrorCode::Config, [&] { reviewPolicyFromConfig(config); });
  BOOST_TEST(contains(message, dir.file("bad.csv") + ":2: 2026-02-30 is not a date"), message);
  BOOST_TEST(contains(message, "reviews.calendar_file"), message);
}

BOOST_AUTO_TEST_SUITE_END()

// ----------------------------------------------------------- state machine

BOOST_AUTO_TEST_SUITE(rectification_rules)

BOOST_AUTO_TEST_CASE(every_transition_is_allowed_or_refused_naming_the_allowed_ones) {
  const std::map<S::type, std::vector<S::type>> allowed = {
      {S::NONE, {S::VERIFYING}},
      {S::VERIFYING, {S::RECTIFYING, S::APPEALED}},
      {S::RECTIFYING, {S::FED_BACK, S::APPEALED}},
      {S::FED_BACK, {S::REVISITED}},
      {S::REVISITED, {}},
      {S::APPEALED, {S::RECTIFYING, S::REJECTED_MALICIOUS}},
      {S::REJECTED_MALICIOUS, {}},
  };
  for (const auto& [from, next] : allowed) {
    BOOST_TEST(allowedNextStates(from) == next);
    for (const auto& [to, unused] : allowed) {
      const bool ok = std::find(next.begin(), next.end(), to) != next.end();
      BOOST_TEST_CONTEXT(rectifyStateName(from) << " → " << rectifyStateName(to)) {
        if (ok) {
          BOOST_CHECK_NO_THROW(checkTransition(from, to, "王科长", "a reason"));
          continue;
        }
        const auto message = errorOf(ErrorCode::InvalidInput, [&] { checkTransition(from, to, "王科长", "x"); });
        if (next.empty()) BOOST_TEST(contains(message, "it is final"), message);
        for (auto n : next) BOOST_TEST(contains(message, std::string(rectifyStateName(n))), message);
      }
    }
  }
  const auto noReason =
      errorOf(ErrorCode::InvalidInput, [] { checkTransition(S::APPEALED, S::REJECTED_MALICIOUS, "王科长", ""); });
  BOOST_TEST(contains(noReason, "reason"));
  errorOf(ErrorCode::InvalidInput, [] { checkTransition(S::VERIFYING, S::RECTIFYING, "", ""); });
  BOOST_TEST(isClosedState(S::FED_BACK));
  BOOST_TEST(!isClosedState(S::APPEALED));
  BOOST_CHECK(rectifyStateFromName("fed_back") == std::optional<RectifyState>(S::FED_BACK));
  BOOST_TEST(!rectifyStateFromName("DONE").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------- the store

namespace {

struct ReviewSpec {
  std::string id;
  int level;
  std::string department, window, item;
  std::optional<govsync::schema::ReviewChannel::type> channel;
  int64_t evaluatedAt;
  std::string caseNo = "";
  int evalSeq = 1;
};

Record review(const ReviewSpec& s) {
  Record r = reviewRecord("hcp", s.id, s.level);
  r.envelope.__set_department(s.department);
  r.review.__set_window_id(s.window);
  r.review.__set_item_code(s.item);
  if (s.channel) r.review.__set_channel(*s.channel);
  r.review.evaluated_at = s.evaluatedAt;
  if (!s.caseNo.empty()) r.review.__set_case_no(s.caseNo);
  r.review.__set_eval_seq(s.evalSeq);
  return r;
}

std::string idOf(const std::string& sourceId) { return govsync::computeRecordId("hcp", RecordKind::REVIEW, sourceId); }

CommitResult commitAll(Store& store, std::vector<Record> records) {
  CommitBatch batch;
  batch.records = std::move(records);
  return store.commit(batch);
}

void usePolicy(Store& store) { store.setReviewPolicy({shippedCalendar(), 5}); }

}  // namespace

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

BOOST_DATA_TEST_CASE(the_review_feed_filters_by_level_department_and_window, kBackends, backend) {
  TestStore s(backend);
  usePolicy(*s);
  const int64_t t = local(2026, 3, 2, 10);
  commitAll(*s, {caseRecord("hotline", "C1"), review({"a1", 1, "A", "W1", "I", {}, t}),
                 review({"a5", 5, "A", "W2", "I", {}, t}), observationRecord("env", "O1"),
                 review({"b2", 2, "B", "W1", "I", {}, t}), review({"b4", 4, "B", "W3", "I", {}, t})});
  auto ids = [](const FeedPage& page) {
    std::vector<std::string> out;
    for (const auto& e : page.entries) out.push_back(e.recordId);
    return out;
  };
  auto read = [&](std::set<int32_t> levels, std::string dept, std::string window, int64_t after = 0,
                  size_t limit = 100) {
    ReviewFeedQuery q;
    q.after = after;
    q.limit = limit;
    q.filter = {std::move(levels), std::move(dept), std::move(window)};
    return s->readReviewFeed(q);
  };
  using V = std::vector<std::string>;
  BOOST_TEST(ids(read({}, "", "")) == (V{idOf("a1"), idOf("a5"), idOf("b2"), idOf("b4")}));
  BOOST_TEST(ids(read({1, 2}, "", "")) == (V{idOf("a1"), idOf("b2")}));
  BOOST_TEST(ids(read({}, "A", "")) == (V{idOf("a1"), idOf("a5")}));
  BOOST_TEST(ids(read({}, "", "W1")) == (V{idOf("a1"), idOf("b2")}));
  BOOST_TEST(ids(read({1, 2}, "B", "")) == (V{idOf("b2")}));
  BOOST_TEST(ids(read({4}, "A", "W1")).empty());
  errorOf(ErrorCode::InvalidInput, [&] { read({0}, "", ""); });

  // Cursor paging: full pages end at their last entry, a short one at the head.
  auto p1 = read({1, 2}, "", "", 0, 1);
  BOOST_TEST(ids(p1) == V{idOf("a1")});
  BOOST_TEST(p1.next == p1.entries[0].position);
  auto p2 = read({1, 2}, "", "", p1.next, 1);
  BOOST_TEST(ids(p2) == V{idOf("b2")});
  auto p3 = read({1, 2}, "", "", p2.next, 1);
  BOOST_TEST(p3.entries.empty());
  BOOST_TEST(p3.next == p3.head);
  BOOST_TEST(p3.head == 6);

  // Later changes follow: a rectification step and a deletion (matched by
  // what the review was).
  s->updateRectification(idOf("b2"), S::RECTIFYING, "王科长", "", "", 0);
  commitAll(*s, {tombstone("hcp", RecordKind::REVIEW, "a1")});
  auto p4 = read({1, 2}, "", "", p3.next);
  BOOST_TEST(ids(p4) == (V{idOf("b2"), idOf("a1")}));
  BOOST_TEST(p4.entries[0].version == 2);
  BOOST_TEST(p4.entries[1].deleted);
  BOOST_TEST(ids(read({1}, "A", "W1", p3.next)) == V{idOf("a1")});
  BOOST_TEST(s->getRectification(idOf("a1"))->deleted);
}

BOOST_DATA_TEST_CASE(reviews_stored_before_the_index_are_backfilled, kBackends, backend) {
  TestStore s(backend);
  const int64_t t = local(2026, 3, 2, 10);
  commitAll(*s, {review({"old1", 1, "A", "W1", "I", {}, t, "CASE-1", 1}), caseRecord("hotline", "C1"),
                 review({"old2", 4, "A", "W2", "I", {}, t, "CASE-1", 2}), review({"gone", 2, "B", "W1", "I", {}, t})});
  commitAll(*s, {tombstone("hcp", RecordKind::REVIEW, "gone")});
  // Back to schema version 4: the review side never existed (migration 6 is
  // an index on the reviews table).
  const int latest = s->schemaVersion();
  s.sql(
      "DROP TABLE reviews; DROP TABLE rectification_steps; DROP TABLE review_changes; "
      "DELETE FROM schema_migrations WHERE version IN (5, 6)");
  s.reopen();
  BOOST_TEST(s->schemaVersion() == latest);
  auto old1 = s->getRectification(idOf("old1"));
  BOOST_TEST_REQUIRE(old1.has_value());
  BOOST_TEST(old1->state == S::VERIFYING);  // as the stored record says
  BOOST_TEST(old1->position == 1);
  BOOST_TEST(s->getRectification(idOf("old2"))->firstRecordId == idOf("old1"));
  BOOST_TEST(old1->reEvaluations == std::vector<std::string>{idOf("old2")});
  BOOST_TEST(s->getRectification(idOf("gone"))->deleted);
  ReviewFeedQuery q;
  q.filter.levels = {1, 2};
  auto page = s->readReviewFeed(q);
  BOOST_TEST_REQUIRE(page.entries.size() == 3u);  // old1, gone, gone's tombstone
  BOOST_TEST(page.entries[2].deleted);
  auto stats = s->reviewStats({ReviewGroupBy::Department, {}, {}, local(2026, 3, 20), ""});
  BOOST_TEST_REQUIRE(stats.size() == 1u);
  BOOST_TEST(stats[0].total == 2);
  BOOST_TEST(stats[0].overdue == 1);
}

BOOST_DATA_TEST_CASE(statistics_match_a_hand_computed_fixture, kBackends, backend) {
  using C = govsync::schema::ReviewChannel;
  TestStore s(backend);
  usePolicy(*s);
  const int64_t mar2 = local(2026, 3, 2, 10);  // every March 2 review is due at the end of March 9
  commitAll(*s, {
                    review({"r1", 5, "A", "A1", "I1", C::pc, mar2}),
                    review({"r2", 4, "A", "A1", "I1", C::mobile, mar2}),
                    review({"r3", 3, "A", "A2", "I2", C::pc, local(2026, 3, 3, 10)}),
                    review({"r4", 1, "A", "A2", "I2", C::pc, mar2}),
                    review({"r5", 2, "A", "A1", "I1", C::mobile, mar2}),
                    review({"r6", 1, "B", "B1", "I3", C::qrcode, mar2}),
                    review({"r7", 2, "B", "B1", "I3", C::pc, mar2}),
                    review({"r8", 5, "B", "B1", "I3", C::pc, local(2026, 4, 1, 10)}),
                    review({"r9", 2, "B", "B2", "I3", {}, local(2026, 3, 16, 10)}),
                    review({"r10", 1, "A", "A1", "I1", C::pc, mar2}),
                });
  commitAll(*s, {tombstone("hcp", RecordKind::REVIEW, "r10")});
  auto step = [&](const std::string& id, S::type to, int64_t at, const std::string& reason = "") {
    s->updateRectification(idOf(id), to, "王科长", "", reason, at);
  };
  step("r4", S::RECTIFYING, local(2026, 3, 3, 9));
  step("r4", S::FED_BACK, local(2026, 3, 5, 9));  // on time
  step("r6", S::APPEALED, local(2026, 3, 3, 9));
  step("r6", S::REJECTED_MALICIOUS, local(2026, 3, 4, 9), "恶意差评");
  step("r7", S::RECTIFYING, local(2026, 3, 3, 9));
  step("r7", S::FED_BACK, local(2026, 3, 12, 9));  // late
  step("r7", S::REVISITED, local(2026, 3, 13, 9));
  // r5 stays VERIFYING (overdue by March 20); r9 is due March 23 (not yet).
  const int64_t now = local(2026, 3, 20, 12);

  auto byGroup = [&](ReviewGroupBy g, std::optional<int64_t> from, std::optional<int64_t> to) {
    std::map<std::string, ReviewStats> out;
    for (auto& st : s->reviewStats({g, from, to, now, ""})) out[st.group] = st;
    return out;
  };
  const auto march = byGroup(ReviewGroupBy::Department, local(2026, 3, 1), local(2026, 4, 1));
  BOOST_TEST_REQUIRE(march.size() == 2u);
  const auto& a = march.at("A");
  BOOST_TEST(a.levels == (std::array<int64_t, 5>{1, 1, 1, 1, 1}));
  BOOST_TEST(a.total == 5);
  BOOST_TEST(a.valid == 5);
  BOOST_TEST(a.excluded == 0);
  BOOST_TEST(a.satisfied == 3);
  BOOST_TEST(a.satisfactionRate() == 0.6);
  BOOST_TEST(a.bad == 2);
  BOOST_TEST(a.rectificationsDue == 2);
  BOOST_TEST(a.rectifiedOnTime == 1);
  BOOST_TEST(a.overdue == 1);
  const auto& b = march.at("B");
  BOOST_TEST(b.levels == (std::array<int64_t, 5>{1, 2, 0, 0, 0}));
  BOOST_TEST(b.total == 3);
  BOOST_TEST(b.valid == 2);
  BOOST_TEST(b.excluded == 1);
  BOOST_TEST(b.satisfied == 0);
  BOOST_TEST(b.satisfactionRate() == 0.0);
  BOOST_TEST(b.bad == 2);
  BOOST_TEST(b.rectificationsDue == 1);  // r7 (closed late); r9 not yet due; r6 excluded
  BOOST_TEST(b.rectifiedOnTime == 0);
  BOOST_TEST(b.overdue == 0);

  // Bounds: without them April's r8 counts; `to` is exclusive, `from` inclusive.
  const auto all = byGroup(ReviewGroupBy::Department, std::nullopt, std::nullopt);
  BOOST_TEST(all.at("B").total == 4);
  BOOST_TEST(all.at("B").satisfied == 1);
  BOOST_TEST(byGroup(ReviewGroupBy::Department, local(2026, 4, 1, 10), std::nullopt).at("B").total == 1);
  BOOST_TEST(byGroup(ReviewGroupBy::Department, std::nullopt, local(2026, 4, 1, 10)).at("B").total == 3);
  BOOST_TEST(byGroup(ReviewGroupBy::Department, local(2026, 5, 1), std::nullopt).empty());

  // On April 10 r9 is overdue too.
  auto later = s->reviewStats({ReviewGroupBy::Department, {}, {}, local(2026, 4, 10), ""});
  BOOST_TEST(later[1].group == "B");
  BOOST_TEST(later[1].overdue == 1);
  BOOST_TEST(later[1].rectificationsDue == 2);

  auto totals = [&](ReviewGroupBy g) {
    std::map<std::string, int64_t> out;
    for (const auto& [k, v] : byGroup(g, std::nullopt, std::nullopt)) out[k] = v.total;
    return out;
  };
  using M = std::map<std::string, int64_t>;
  BOOST_TEST((totals(ReviewGroupBy::Window) == M{{"A1", 3}, {"A2", 2}, {"B1", 3}, {"B2", 1}}));
  BOOST_TEST((totals(ReviewGroupBy::Item) == M{{"I1", 3}, {"I2", 2}, {"I3", 4}}));
  BOOST_TEST((totals(ReviewGroupBy::Channel) == M{{"", 1}, {"mobile", 2}, {"pc", 5}, {"qrcode", 1}}));
  BOOST_TEST(
      (totals(ReviewGroupBy::Day) == M{{"2026-03-02", 6}, {"2026-03-03", 1}, {"2026-03-16", 1}, {"2026-04-01", 1}}));
  BOOST_TEST((totals(ReviewGroupBy::Month) == M{{"2026-03", 8}, {"2026-04", 1}}));
  const auto windows = byGroup(ReviewGroupBy::Window, std::nullopt, std::nullopt);
  BOOST_TEST(windows.at("A1").overdue == 1);
  BOOST_TEST(windows.at("A2").rectifiedOnTime == 1);

  BOOST_TEST(reviewGroupByName(ReviewGroupBy::Window) == "window");
  BOOST_CHECK(reviewGroupByFromName("month") == std::optional<ReviewGroupBy>(ReviewGroupBy::Month));
  BOOST_TEST(!reviewGroupByFromName("region").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
