// The store's contract, proven once and run on both backends: every test
// case is a data test case over {sqlite, postgres}, each on a fresh store
// (SQLite in a temporary folder, PostgreSQL as a new database).
// This part: the change feed — subscriptions with consumer cursors, feed
// filters, next-cursor rules, long polling woken by commits, and opaque,
// checked cursors.
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (std::string operator+
// after inlining, GCC bug 105651); nothing of ours is involved.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <set>
#include <thread>

#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/store/feed_cursor.h"
#include "core/store/store.h"
#include "core/util/crypto.h"
#include "core/util/error.h"
#include "tests/core/store_contract_test_support.h"
#include "tests/core/store_test_support.h"

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::Record;
using govsync::schema::RecordKind;
using namespace govsync::store;
using namespace govsync::testing;
using namespace govsync::testing::store_contract;

BOOST_AUTO_TEST_SUITE(store_contract)

// ---------------------------------------------------------- subscriptions

BOOST_DATA_TEST_CASE(subscriptions_keep_consumer_cursors, kBackends, backend) {
  TestStore s(backend);
  commitRecords(*s, {caseRecord("a", "1"), caseRecord("a", "2"), caseRecord("a", "3")});
  FeedFilter filter;
  filter.kind = RecordKind::REVIEW;
  filter.sourceSystem = "hcp";
  filter.regionPrefix = "2111";

  auto sub = s->openSubscription("bigdata-reviews", filter, 0);
  BOOST_TEST(sub.name == "bigdata-reviews");
  BOOST_TEST(sub.position == 0);
  BOOST_TEST((sub.filter.kind == RecordKind::REVIEW));
  BOOST_TEST(sub.filter.sourceSystem == "hcp");
  BOOST_TEST(sub.filter.regionPrefix == "2111");
  BOOST_TEST(sub.createdAt > 0);

  // Opening again returns the existing one unchanged.
  auto again = s->openSubscription("bigdata-reviews", FeedFilter{}, 2);
  BOOST_TEST(again.position == 0);
  BOOST_TEST(again.filter.sourceSystem == "hcp");

  auto acked = s->ackSubscription("bigdata-reviews", 2);
  BOOST_TEST(acked.position == 2);
  BOOST_TEST(s->getSubscription("bigdata-reviews")->position == 2);
  BOOST_TEST(s->ackSubscription("bigdata-reviews", 3).position == 3);  // = head
  // Beyond the head, or negative: rejected, position unchanged.
  expectError(ErrorCode::InvalidInput, [&] { s->ackSubscription("bigdata-reviews", 4); });
  expectError(ErrorCode::InvalidInput, [&] { s->ackSubscription("bigdata-reviews", -1); });
  BOOST_TEST(s->getSubscription("bigdata-reviews")->position == 3);
  expectError(ErrorCode::NotFound, [&] { s->ackSubscription("nobody", 1); });
  BOOST_TEST(!s->getSubscription("nobody").has_value());

  s->openSubscription("all", FeedFilter{}, 1);
  auto list = s->listSubscriptions();
  BOOST_TEST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].name == "all");
  BOOST_TEST(list[0].filter.empty());
  BOOST_TEST(list[0].position == 1);
  BOOST_TEST(list[1].name == "bigdata-reviews");

  BOOST_TEST(s->deleteSubscription("all"));
  BOOST_TEST(!s->deleteSubscription("all"));
  BOOST_TEST(s->listSubscriptions().size() == 1u);
}

// ------------------------------------------------------------------- feed

BOOST_DATA_TEST_CASE(feed_filters_select_changes, kBackends, backend) {
  TestStore s(backend);
  commitRecords(*s, {
                        caseRecord("hotline", "1", "t", "211102"),        // 1
                        reviewRecord("hcp", "1", 5, "211103"),            // 2
                        observationRecord("env", "1", 1.0, "211104"),     // 3
                        caseRecord("grid", "1", "t", "211122001002"),     // 4
                        reviewRecord("hcp", "2", 1, "210102"),            // 5
                        caseRecord("hotline", "2", "t", "211102003000"),  // 6
                    });
  commitRecords(*s, {tombstone("hotline", RecordKind::CASE, "1")});  // 7 (region of the tombstone: none)

  auto positions = [&](const FeedFilter& f, size_t pageSize) {
    std::vector<int64_t> out;
    for (const auto& e : readWholeFeed(*s, f, pageSize)) out.push_back(e.position);
    return out;
  };
  for (size_t pageSize : {1, 2, 100}) {
    BOOST_TEST_CONTEXT("page size " << pageSize) {
      FeedFilter f;
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}),
                 boost::test_tools::per_element());
      f.kind = RecordKind::CASE;
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 4, 6, 7}), boost::test_tools::per_element());
      f = {};
      f.sourceSystem = "hcp";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{2, 5}), boost::test_tools::per_element());
      f = {};
      f.regionPrefix = "2111";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 2, 3, 4, 6}), boost::test_tools::per_element());
      f.regionPrefix = "211102";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 6}), boost::test_tools::per_element());
      f.regionPrefix = "211122001002";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{4}), boost::test_tools::per_element());
      f = {};
      f.kind = RecordKind::REVIEW;
      f.regionPrefix = "2111";
      f.sourceSystem = "hcp";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{2}), boost::test_tools::per_element());
      f.sourceSystem = "nobody";
      BOOST_TEST(positions(f, pageSize).empty());
    }
  }

  // Entries carry what they say.
  auto all = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(all.size() == 7u);
  const auto& review = all[1];
  BOOST_TEST((review.kind == RecordKind::REVIEW));
  BOOST_TEST(review.sourceSystem == "hcp");
  BOOST_TEST(review.regionCode == "211103");
  BOOST_TEST(review.department == "盘山县政务服务中心");
  BOOST_TEST(review.version == 1);
  BOOST_TEST(review.committedAt > 0);
  BOOST_TEST(!review.deleted);
  auto full = govsync::recordFromJsonText(review.jsonFull());
  auto stored = s->getRecord(review.recordId);
  BOOST_TEST((full == stored->record));
  BOOST_TEST(contains(review.jsonFull(), "\"evaluator_phone\":\"13912345678\""));
  BOOST_TEST(contains(review.jsonMasked(), "\"evaluator_phone\":\"139****5678\""));
  BOOST_TEST(contains(review.jsonMasked(), "\"evaluator_name\":\"李*\""));
  BOOST_TEST(!contains(review.jsonMasked(), "13912345678"));
  BOOST_TEST(contains(all[0].jsonMasked(), "\"reporter_id_no\":\"211102********1234\""));
  BOOST_TEST(all[6].deleted);
}

BOOST_DATA_TEST_CASE(next_cursor_rules, kBackends, backend) {
  TestStore s(backend);
  // Empty feed: next stays where the reader is.
  auto empty = s->readFeed({});
  BOOST_TEST(empty.entries.empty());
  BOOST_TEST(empty.next == 0);
  BOOST_TEST(empty.head == 0);

  std::vector<Record> batch;
  for (int i = 1; i <= 10; ++i)
    batch.push_back(i % 2 ? caseRecord("hotline", std::to_string(i)) : reviewRecord("hcp", std::to_string(i)));
  commitRecords(*s, batch);  // 1..10; CASE at odd positions

  // A full page ends at its last entry.
  FeedQuery q;
  q.limit = 4;
  auto page = s->readFeed(q);
  BOOST_TEST(page.entries.size() == 4u);
  BOOST_TEST(page.next == 4);
  BOOST_TEST(page.head == 10);
  q.after = page.next;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.front().position == 5);
  BOOST_TEST(page.next == 8);
  // A short page jumps to the head.
  q.after = page.next;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.size() == 2u);
  BOOST_TEST(page.next == 10);
  q.after = page.next;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.empty());
  BOOST_TEST(page.next == 10);

  // With a filter: a full page ends at its last match even if non-matching
  // changes follow; a short page jumps past the non-matching ones to the head.
  FeedQuery f;
  f.filter.kind = RecordKind::CASE;
  f.limit = 2;
  page = s->readFeed(f);
  BOOST_TEST(page.entries.size() == 2u);
  BOOST_TEST(page.entries[1].position == 3);
  BOOST_TEST(page.next == 3);
  f.after = 7;
  f.limit = 5;
  page = s->readFeed(f);
  BOOST_TEST_REQUIRE(page.entries.size() == 1u);
  BOOST_TEST(page.entries[0].position == 9);
  BOOST_TEST(page.next == 10);
  f.filter.sourceSystem = "nobody";
  f.after = 0;
  page = s->readFeed(f);
  BOOST_TEST(page.entries.empty());
  BOOST_TEST(page.next == 10);

  // A reader at the head sees the next commit only.
  commitRecords(*s, {caseRecord("hotline", "11")});
  q.after = 10;
  q.limit = 100;
  page = s->readFeed(q);
  BOOST_TEST_REQUIRE(page.entries.size() == 1u);
  BOOST_TEST(page.entries[0].position == 11);
  BOOST_TEST(page.next == 11);

  // A cursor past the head is kept, not moved back.
  q.after = 50;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.empty());
  BOOST_TEST(page.next == 50);
  q.limit = 0;
  expectError(ErrorCode::InvalidInput, [&] { s->readFeed(q); });

  // A region prefix is digits: SQL wildcards are not a way to widen a filter.
  for (const char* bad : {"21_1", "%", "2111%", "21110 ", "２１"}) {
    BOOST_TEST_CONTEXT("region prefix '" << bad << "'") {
      FeedQuery r;
      r.filter.regionPrefix = bad;
      expectError(ErrorCode::InvalidInput, [&] { s->readFeed(r); });
      expectError(ErrorCode::InvalidInput, [&] { s->openSubscription("wild", r.filter, 0); });
    }
  }
  BOOST_TEST(!s->getSubscription("wild").has_value());
}

BOOST_DATA_TEST_CASE(commits_wake_long_polling_readers, kBackends, backend) {
  TestStore s(backend);
  auto& notifier = s->notifier();
  BOOST_TEST(notifier.head() == 0);
  BOOST_TEST(notifier.waitBeyond(0, 10) == 0);  // times out
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    commitRecords(*s, {caseRecord("a", "1"), caseRecord("a", "2")});
  });
  BOOST_TEST(notifier.waitBeyond(0, 10000) == 2);
  writer.join();
  // A reopened store starts its notifier at the stored head.
  s.reopen();
  BOOST_TEST(s->notifier().head() == 2);
}

BOOST_AUTO_TEST_CASE(cursors_are_opaque_and_checked) {
  for (int64_t p : {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, int64_t{1} << 40, INT64_MAX}) {
    const auto c = encodeCursor(p);
    BOOST_TEST(decodeCursor(c) == p);
    BOOST_TEST(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               std::string::npos);
    BOOST_TEST(c != std::to_string(p));
  }
  BOOST_TEST(decodeCursor("") == 0);
  std::string wrongVersion(9, '\0');
  wrongVersion[0] = 2;
  std::string negative(9, '\xff');
  negative[0] = 1;
  for (const std::string& bad :
       {std::string("abc"), std::string("!!!!!!!!!!!!"), std::string("12"), std::to_string(12345678901234LL),
        std::string(200, 'A'), encodeCursor(5) + "AAAA", encodeCursor(5).substr(1), std::string("AQAAAAAAAAA*"),
        govsync::base64UrlEncode(wrongVersion), govsync::base64UrlEncode(negative), std::string("\xff\xfe", 2)}) {
    BOOST_TEST_CONTEXT("cursor '" << bad << "'") {
      expectError(ErrorCode::InvalidInput, [&] { decodeCursor(bad); });
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
