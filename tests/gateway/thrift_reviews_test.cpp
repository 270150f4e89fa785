// The 好差评 methods of the Thrift front over TLS: reviews pushed as typed
// records, the review feed (filters, overdue, long-poll), stats, and the
// rectification loop with its department scope.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/util/time.h"
#include "tests/gateway/thrift_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;
using Clock = std::chrono::steady_clock;

BOOST_AUTO_TEST_SUITE(gateway_thrift)

BOOST_AUTO_TEST_CASE(reviews_feed_stats_and_rectification_over_thrift) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  auto hub = gw.addClient("hub", "市民政局", {"push:tinyreview", "pull:*"});
  auto civil = gw.addClient("civil", "市民政局", {"review:rectify"});
  auto police = gw.addClient("police", "市公安局", {"review:rectify"});
  ThriftClient c(gw.thrift->port(), &certs);

  auto review = [](const std::string& id, int level, int64_t daysAgo) {
    schema::Record r;
    r.envelope.kind = schema::RecordKind::REVIEW;
    r.envelope.source_system = "tinyreview";
    r.envelope.source_id = id;
    r.envelope.__set_department("市民政局");
    r.__set_review({});
    r.review.review_id = id;
    r.review.level = level;
    r.review.evaluated_at = nowMillis() - daysAgo * 86400000;
    r.review.__set_window_id("W1");
    return r;
  };
  schema::PushRecordsResult pushed;
  c->pushRecords(pushed, bearerCredential(hub), {review("G1", 5, 1), review("B1", 1, 30), review("B2", 2, 0)});
  BOOST_TEST_REQUIRE(pushed.outcomes.size() == 3u);

  schema::ReviewFeedRequest fr;
  fr.__set_levels({1, 2});
  schema::ReviewFeedPage page;
  c->reviewFeed(page, bearerCredential(hub), fr);
  BOOST_TEST_REQUIRE(page.reviews.size() == 2u);
  BOOST_TEST(page.reviews[0].record.review.review_id == "B1");
  BOOST_TEST(page.reviews[0].overdue);   // 30 days ago: past its deadline
  BOOST_TEST(!page.reviews[1].overdue);  // just now
  BOOST_TEST((page.reviews[1].record.review.rectify_state == schema::RectifyState::VERIFYING));

  schema::ReviewStatsRequest sr;
  sr.__set_group_by("department");
  schema::ReviewStatsResult stats;
  c->reviewStats(stats, bearerCredential(hub), sr);
  BOOST_TEST_REQUIRE(stats.groups.size() == 1u);
  BOOST_TEST(stats.groups[0].group == "市民政局");
  BOOST_TEST(stats.groups[0].total == 3);
  BOOST_TEST(stats.groups[0].levels[0] == 1);  // level 1
  BOOST_TEST(stats.groups[0].satisfaction_rate == 1.0 / 3.0);
  BOOST_TEST(stats.groups[0].overdue == 1);

  const std::string b2 = pushed.outcomes[2].record_id;
  schema::Rectification rect;
  schema::RectifyRequest rr;
  rr.record_id = b2;
  rr.state = schema::RectifyState::REVISITED;  // skips steps
  auto invalid = expectThrow<schema::InvalidInput>([&] { c->rectify(rect, bearerCredential(civil), rr); });
  BOOST_TEST(invalid.message.find("RECTIFYING") != std::string::npos, invalid.message);
  rr.state = schema::RectifyState::RECTIFYING;
  expectThrow<schema::NotFound>([&] { c->rectify(rect, bearerCredential(police), rr); });  // another department
  rr.__set_note("已联系窗口");
  c->rectify(rect, bearerCredential(civil), rr);
  BOOST_TEST((rect.state == schema::RectifyState::RECTIFYING));
  BOOST_TEST(rect.version == 2);
  BOOST_TEST(rect.steps.size() == 2u);
  BOOST_TEST(rect.steps[1].actor == "civil");
  schema::Rectification read;
  c->getRectification(read, bearerCredential(civil), b2);
  BOOST_TEST(read.note == "已联系窗口");
  BOOST_TEST(read.allowed_next.size() == 2u);  // FED_BACK, APPEALED

  // Long-poll: from the head, reviewFeed waits until a bad review commits.
  schema::ReviewFeedPage head;
  fr.__set_limit(1000);
  c->reviewFeed(head, bearerCredential(hub), fr);
  fr.__set_after(head.next_cursor);
  fr.__set_wait_seconds(10);
  std::atomic<int64_t> committedAt{0};
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ThriftClient pusher(gw.thrift->port(), &certs);
    schema::PushRecordsResult r;
    committedAt = nowMillis();
    pusher->pushRecords(r, bearerCredential(hub), {review("G2", 4, 0), review("B3", 1, 0)});
  });
  schema::ReviewFeedPage woken;
  const auto start = Clock::now();
  c->reviewFeed(woken, bearerCredential(hub), fr);
  const int64_t returnedAt = nowMillis();
  late.join();
  BOOST_TEST_REQUIRE(woken.reviews.size() == 1u);  // the good review is filtered out
  BOOST_TEST(woken.reviews[0].record.review.review_id == "B3");
  BOOST_TEST(returnedAt - committedAt.load() < 1000);
  BOOST_TEST((Clock::now() - start >= std::chrono::milliseconds(250)));  // it did wait
}

BOOST_AUTO_TEST_SUITE_END()
