// 好差评 core: the working-day calendar, the rectification state machine, and
// the store's review feed, index backfill and statistics on both backends.
// The store's rectifications are in reviews_rectification_test.cpp.
//
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
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

BOOST_AUTO_TEST_SUITE(review_store)

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
  // Back to schema version 4: the review side never existed (migrations 6
  // and 8 change the reviews table).
  const int latest = s->schemaVersion();
  s.sql(
      "DROP TABLE reviews; DROP TABLE rectification_steps; DROP TABLE review_changes; "
      "DELETE FROM schema_migrations WHERE version IN (5, 6, 8)");
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
