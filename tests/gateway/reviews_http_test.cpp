// The 好差评 routes with real clients over a real gateway: the review feed
// (filters, cursors, long-poll, the overdue flag), server-sent events resumed
// from Last-Event-ID, stats against a hand-computed fixture, every
// rectification rule and its scope, and the HTML report opened in headless
// Chromium with the numbers read from the rendered page.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/store/feed_cursor.h"
#include "core/util/time.h"
#include "tests/gateway/gateway_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

namespace {

const Headers kJson = {{"Content-Type", "application/json"}};
constexpr int64_t kDay = 86400000;

/// A unified review as JSON, evaluated at `at` (ms).
std::string reviewAt(const std::string& id, const std::string& department, int level, int64_t at,
                     const std::string& window = "W1", const std::string& extra = "") {
  return R"({"kind":"REVIEW","source_system":"tinyreview","source_id":")" + id + R"(","department":")" + department +
         R"(","review_id":")" + id + R"(","level":)" + std::to_string(level) + R"(,"evaluated_at":")" +
         formatRfc3339(at) + R"(","window_id":")" + window + R"(","item_code":"I-)" + department +
         R"(","channel":"pc","evaluator_phone":"13912345678")" + extra + "}";
}

/// A unified review as JSON. `daysAgo` before now (fractions allowed).
std::string review(const std::string& id, const std::string& department, int level, double daysAgo,
                   const std::string& window = "W1", const std::string& extra = "") {
  return reviewAt(id, department, level, nowMillis() - static_cast<int64_t>(daysAgo * static_cast<double>(kDay)),
                  window, extra);
}

/// A Beijing wall-clock time as an instant.
int64_t beijing(int y, unsigned m, unsigned d, int hh, int mm = 0) {
  return daysFromCivil(y, m, d) * kDay + (hh * 60 + mm) * 60000LL - 8 * 3600 * 1000LL;
}

/// One review of the feed or the stream, as a client reads it.
struct FeedItem {
  std::string sourceId, state, firstRecordId;
  int64_t version = 0;
  bool overdue = false;
};

FeedItem feedItem(const Poco::JSON::Object::Ptr& o) {
  const auto record = o->getObject("record");
  return {str(record, "source_id"), record->optValue<std::string>("rectify_state", ""),
          o->optValue<std::string>("first_record_id", ""), intAt(record, "version"), o->getValue<bool>("overdue")};
}

/// The reviews of a feed page.
std::vector<FeedItem> pageItems(const Response& page) {
  std::vector<FeedItem> out;
  for (unsigned i = 0; i < arraySize(page.json(), "reviews"); ++i)
    out.push_back(feedItem(item(page.json(), "reviews", i)));
  return out;
}

/// The reviews of a server-sent event stream (the `data:` line of each event).
std::vector<FeedItem> streamItems(const Response& stream) {
  std::vector<FeedItem> out;
  std::istringstream lines(stream.body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("data: ", 0) == 0)
      out.push_back(feedItem(Poco::JSON::Parser().parse(line.substr(6)).extract<Poco::JSON::Object::Ptr>()));
  return out;
}

/// The attributes of every `<tag …>` element of a rendered page, in document order.
std::vector<std::map<std::string, std::string>> elements(const std::string& html, const std::string& tag) {
  static const std::regex attribute(R"re(([\w-]+)="([^"]*)")re");
  std::vector<std::map<std::string, std::string>> out;
  const std::string open = "<" + tag + " ";
  for (size_t at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
    const std::string element = html.substr(at, html.find('>', at) - at);
    auto& attrs = out.emplace_back();
    for (std::sregex_iterator it(element.begin(), element.end(), attribute), end; it != end; ++it)
      attrs[(*it)[1]] = (*it)[2];
  }
  return out;
}

struct Fixture {
  TestGateway gw;
  TestClient admin = gw.addClient("hub", "大数据中心", {"push:tinyreview", "pull:*", "admin"});
  TestClient civil = gw.addClient("civil", "市民政局", {"review:rectify"});
  TestClient police = gw.addClient("police", "市公安局", {"review:rectify", "pull:REVIEW"});
  TestClient cases = gw.addClient("cases", "市民政局", {"pull:CASE"});
  std::map<std::string, std::string> ids;  ///< source id → record id

  void push(const std::vector<std::string>& reviews) {
    std::string body = "[";
    for (size_t i = 0; i < reviews.size(); ++i) body += (i ? "," : "") + reviews[i];
    auto r = gw.post("/v1/records", body + "]", admin.bearer() + kJson);
    BOOST_TEST_REQUIRE(r.status == 200, r);
    auto j = r.json();
    for (unsigned i = 0; i < arraySize(j, "results"); ++i) {
      const auto rec = gw.get("/v1/records/" + str(item(j, "results", i), "record_id"), admin.bearer()).json();
      ids[str(rec, "source_id")] = str(rec, "record_id");
    }
  }
  Response patch(const TestClient& who, const std::string& source, const std::string& body) {
    return pocoRequest(gw.port(), "PATCH", "/v1/reviews/" + ids.at(source) + "/rectification", body,
                       who.bearer() + kJson);
  }
  // The hand-computed fixture of stats_match_a_hand_computed_fixture.
  void load() {
    push({review("A1", "市民政局", 5, 3), review("A2", "市民政局", 5, 4), review("A3", "市民政局", 4, 5),
          review("A4", "市民政局", 3, 6), review("A5", "市民政局", 1, 0.01),          // bad, due in days
          review("B1", "市公安局", 2, 30, "W2"),                                      // bad, long overdue
          review("B2", "市公安局", 1, 20, "W2"),                                      // bad, will be rejected
          review("B3", "市公安局", 5, 10, "W2"), review("OLD", "市民政局", 1, 90)});  // outside the period asked for
  }
};

Poco::JSON::Object::Ptr groupOf(const Poco::JSON::Object::Ptr& stats, const std::string& name) {
  for (unsigned i = 0; i < arraySize(stats, "groups"); ++i)
    if (str(item(stats, "groups", i), "group") == name) return item(stats, "groups", i);
  return nullptr;
}

std::string period() {
  return "from=" + formatRfc3339(nowMillis() - 60 * kDay) + "&to=" + formatRfc3339(nowMillis() + kDay);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gateway_reviews)

BOOST_AUTO_TEST_CASE(every_rectification_rule_and_its_scope) {
  Fixture f;
  f.load();
  // A bad review opened its rectification when it was stored.
  auto r = f.gw.get("/v1/reviews/" + f.ids["A5"] + "/rectification", f.admin.bearer());
  BOOST_TEST_REQUIRE(r.status == 200, r);
  BOOST_TEST(str(r.json(), "state") == "VERIFYING");
  BOOST_TEST(!r.json()->getValue<bool>("overdue"));
  BOOST_TEST(r.json()->getArray("allowed_next")->size() == 2u);  // RECTIFYING, APPEALED

  // Another department, or no review:rectify: 404, as for a review that does not exist.
  BOOST_TEST(f.patch(f.police, "A5", R"({"state":"RECTIFYING"})").status == 404);
  BOOST_TEST(f.patch(f.admin, "A5", R"({"state":"RECTIFYING"})").status == 404);
  BOOST_TEST(f.gw.get("/v1/reviews/" + f.ids["A5"] + "/rectification", f.cases.bearer()).status == 404);
  // Its own department may read it without pull:REVIEW.
  BOOST_TEST(f.gw.get("/v1/reviews/" + f.ids["A5"] + "/rectification", f.civil.bearer()).status == 200);

  // An invalid step names the allowed ones.
  auto skip = f.patch(f.civil, "A5", R"({"state":"REVISITED"})");
  BOOST_TEST(skip.status == 422, skip);
  BOOST_TEST(contains(skip.body, "RECTIFYING"), skip);
  BOOST_TEST(contains(skip.body, "APPEALED"), skip);
  BOOST_TEST(f.patch(f.civil, "A5", R"({"state":"DONE"})").status == 422);
  BOOST_TEST(f.patch(f.civil, "A5", R"({"state":"RECTIFYING","colour":"red"})").status == 422);

  // The happy path, each step kept with who, when and the note; each a new version in the feed.
  const int64_t head = f.gw.store->headPosition();
  for (const char* step : {"RECTIFYING", "FED_BACK", "REVISITED"}) {
    auto moved = f.patch(f.civil, "A5", std::string(R"({"state":")") + step + R"(","note":"已处理 )" + step + "\"}");
    BOOST_TEST_REQUIRE(moved.status == 200, moved);
    BOOST_TEST(str(moved.json(), "state") == step);
  }
  auto done = f.gw.get("/v1/reviews/" + f.ids["A5"] + "/rectification", f.civil.bearer()).json();
  BOOST_TEST(done->getArray("allowed_next")->size() == 0u);
  const auto steps = done->getArray("steps");
  BOOST_TEST_REQUIRE(steps->size() == 4u);  // opened by the store, then the three moves
  BOOST_TEST(steps->getObject(3)->getValue<std::string>("actor") == "civil");
  BOOST_TEST(steps->getObject(3)->getValue<std::string>("note") == "已处理 REVISITED");
  BOOST_TEST(!done->isNull("rectified_at"));
  BOOST_TEST(f.gw.store->headPosition() == head + 3);
  auto version = f.gw.get("/v1/records/" + f.ids["A5"], f.admin.bearer()).json();
  BOOST_TEST(str(version, "rectify_state") == "REVISITED");
  BOOST_TEST(intAt(version, "version") == 4);

  // An appeal upheld: a reason is required; the review stops counting.
  BOOST_TEST(f.patch(f.police, "B2", R"({"state":"APPEALED","note":"申诉"})").status == 200);
  auto noReason = f.patch(f.police, "B2", R"({"state":"REJECTED_MALICIOUS"})");
  BOOST_TEST(noReason.status == 422, noReason);
  auto rejected = f.patch(f.police, "B2", R"({"state":"REJECTED_MALICIOUS","reason":"恶意差评，已核实"})");
  BOOST_TEST_REQUIRE(rejected.status == 200, rejected);
  BOOST_TEST(rejected.json()->getValue<bool>("excluded"));
  // A review that is not bad has nothing to rectify, not even by hand.
  BOOST_TEST(f.patch(f.civil, "A1", R"({"state":"RECTIFYING"})").status == 422);
  auto good = f.patch(f.civil, "A1", R"({"state":"VERIFYING"})");
  BOOST_TEST(good.status == 422, good);
  BOOST_TEST(contains(good.body, "not a bad review"), good);

  // Every move is audited.
  f.gw.service->flushAudit();
  int moves = 0;
  for (const auto& e : f.gw.store->listAudit(0, 1000)) moves += e.action == "review.rectify";
  BOOST_TEST(moves == 5);
}

BOOST_AUTO_TEST_CASE(stats_match_a_hand_computed_fixture) {
  Fixture f;
  f.load();
  BOOST_TEST_REQUIRE(f.patch(f.civil, "A5", R"({"state":"RECTIFYING"})").status == 200);
  BOOST_TEST_REQUIRE(f.patch(f.civil, "A5", R"({"state":"FED_BACK"})").status == 200);  // on time
  BOOST_TEST_REQUIRE(f.patch(f.police, "B2", R"({"state":"APPEALED"})").status == 200);
  BOOST_TEST_REQUIRE(f.patch(f.police, "B2", R"({"state":"REJECTED_MALICIOUS","reason":"恶意"})").status == 200);

  auto r = f.gw.get("/v1/reviews/stats?group_by=department&" + period(), f.admin.bearer());
  BOOST_TEST_REQUIRE(r.status == 200, r);
  auto j = r.json();
  BOOST_TEST(arraySize(j, "groups") == 2u);
  auto civil = groupOf(j, "市民政局"), police = groupOf(j, "市公安局"), total = j->getObject("total");
  BOOST_TEST_REQUIRE(civil);
  BOOST_TEST_REQUIRE(police);
  // 市民政局: 5,5,4,3,1 — OLD is outside the period.
  BOOST_TEST(intAt(civil, "total") == 5);
  BOOST_TEST(civil->getObject("levels")->getValue<int64_t>("5") == 2);
  BOOST_TEST(civil->getObject("levels")->getValue<int64_t>("1") == 1);
  BOOST_TEST(intAt(civil, "satisfied") == 4);
  BOOST_TEST(civil->getValue<double>("satisfaction_rate") == 0.8);
  BOOST_TEST(intAt(civil, "bad") == 1);
  BOOST_TEST(intAt(civil, "rectifications_due") == 1);
  BOOST_TEST(intAt(civil, "rectified_on_time") == 1);
  BOOST_TEST(civil->getValue<double>("rectification_rate") == 1.0);
  BOOST_TEST(intAt(civil, "overdue") == 0);
  // 市公安局: 2 (open, overdue), 1 (rejected as malicious: not valid), 5.
  BOOST_TEST(intAt(police, "total") == 3);
  BOOST_TEST(intAt(police, "valid") == 2);
  BOOST_TEST(intAt(police, "excluded") == 1);
  BOOST_TEST(police->getValue<double>("satisfaction_rate") == 0.5);
  BOOST_TEST(intAt(police, "bad") == 1);
  BOOST_TEST(intAt(police, "overdue") == 1);
  BOOST_TEST(intAt(police, "rectifications_due") == 1);
  BOOST_TEST(police->getValue<double>("rectification_rate") == 0.0);
  // The sums.
  BOOST_TEST(intAt(total, "total") == 8);
  BOOST_TEST(intAt(total, "valid") == 7);
  BOOST_TEST(intAt(total, "satisfied") == 5);
  BOOST_TEST(intAt(total, "overdue") == 1);

  // Other groupings partition the same reviews.
  for (const char* by : {"window", "item", "channel", "day", "month"}) {
    auto g = f.gw.get(std::string("/v1/reviews/stats?group_by=") + by + "&" + period(), f.admin.bearer());
    BOOST_TEST_REQUIRE(g.status == 200, g);
    int64_t sum = 0;
    for (unsigned i = 0; i < arraySize(g.json(), "groups"); ++i) sum += intAt(item(g.json(), "groups", i), "total");
    BOOST_TEST(sum == 8, by);
  }
  auto windows = f.gw.get("/v1/reviews/stats?group_by=window&" + period(), f.admin.bearer()).json();
  BOOST_TEST(intAt(groupOf(windows, "W2"), "total") == 3);
  // Without bounds, OLD counts too; a local date works as a bound.
  auto all = f.gw.get("/v1/reviews/stats", f.admin.bearer()).json();
  BOOST_TEST(intAt(all->getObject("total"), "total") == 9);

  // Bad input and scope.
  BOOST_TEST(f.gw.get("/v1/reviews/stats?group_by=colour", f.admin.bearer()).status == 422);
  BOOST_TEST(f.gw.get("/v1/reviews/stats?from=yesterday", f.admin.bearer()).status == 422);
  BOOST_TEST(f.gw.get("/v1/reviews/stats?month=2026-13", f.admin.bearer()).status == 422);
  BOOST_TEST(f.gw.get("/v1/reviews/stats?from=2026-11-02&to=2026-11-01", f.admin.bearer()).status == 422);
  BOOST_TEST(f.gw.get("/v1/reviews/stats?from=2026-11-01&to=2026-12-01", f.admin.bearer()).status == 200);
  BOOST_TEST(f.gw.get("/v1/reviews/stats", f.cases.bearer()).status == 404);
}

BOOST_AUTO_TEST_CASE(the_feed_filters_flags_overdue_and_long_polls) {
  Fixture f;
  f.load();
  // Bad reviews of 市公安局: B1 (overdue) and B2.
  auto r = f.gw.get("/v1/reviews/feed?level=1,2&department=" + std::string("%E5%B8%82%E5%85%AC%E5%AE%89%E5%B1%80"),
                    f.police.bearer());
  BOOST_TEST_REQUIRE(r.status == 200, r);
  auto j = r.json();
  BOOST_TEST_REQUIRE(arraySize(j, "reviews") == 2u);
  std::map<std::string, bool> overdue;
  for (unsigned i = 0; i < 2; ++i)
    overdue[str(item(j, "reviews", i)->getObject("record"), "source_id")] =
        item(j, "reviews", i)->getValue<bool>("overdue");
  BOOST_TEST(overdue["B1"]);
  BOOST_TEST(overdue["B2"]);
  // Masked without pii.
  BOOST_TEST(str(item(j, "reviews", 0)->getObject("record"), "evaluator_phone") == "139****5678");
  // A window filter, and paging with the cursor.
  auto w1 = f.gw.get("/v1/reviews/feed?window=W1&limit=2", f.admin.bearer()).json();
  BOOST_TEST(arraySize(w1, "reviews") == 2u);
  auto w1rest = f.gw.get("/v1/reviews/feed?window=W1&after=" + str(w1, "next"), f.admin.bearer()).json();
  BOOST_TEST(arraySize(w1rest, "reviews") == 4u);                      // A3, A4, A5, OLD
  BOOST_TEST(!item(w1rest, "reviews", 2)->getValue<bool>("overdue"));  // A5: due in days

  // Long-poll: a bad review pushed while waiting wakes the feed; a good one does not.
  const std::string next = str(j, "next");
  std::atomic<int64_t> answeredAt{0};
  Response woken;
  std::thread waiter([&] {
    woken = f.gw.get("/v1/reviews/feed?level=1,2&wait=20&after=" + next, f.police.bearer());
    answeredAt = nowMillis();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  f.push({review("B4", "市公安局", 5, 0)});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_TEST(answeredAt.load() == 0);  // a good review: still waiting
  f.push({review("B5", "市公安局", 1, 0, "W2")});
  const int64_t pushedAt = nowMillis();
  waiter.join();
  BOOST_TEST_REQUIRE(woken.status == 200, woken);
  BOOST_TEST(arraySize(woken.json(), "reviews") == 1u);
  BOOST_TEST(str(item(woken.json(), "reviews", 0)->getObject("record"), "source_id") == "B5");
  BOOST_TEST(answeredAt.load() - pushedAt < 1000);

  // A department that rectifies (review:rectify, no pull scope) reads its own reviews and figures only.
  auto own = f.gw.get("/v1/reviews/feed?level=1,2", f.civil.bearer());
  BOOST_TEST_REQUIRE(own.status == 200, own);
  for (unsigned i = 0; i < arraySize(own.json(), "reviews"); ++i)
    BOOST_TEST(str(item(own.json(), "reviews", i)->getObject("record"), "department") == "市民政局");
  BOOST_TEST(arraySize(own.json(), "reviews") == 2u);  // A5 and OLD
  BOOST_TEST(f.gw.get("/v1/reviews/feed?department=%E5%B8%82%E5%85%AC%E5%AE%89%E5%B1%80", f.civil.bearer()).status ==
             404);
  auto ownStats = f.gw.get("/v1/reviews/stats", f.civil.bearer());
  BOOST_TEST_REQUIRE(ownStats.status == 200, ownStats);
  BOOST_TEST(arraySize(ownStats.json(), "groups") == 1u);
  BOOST_TEST(str(item(ownStats.json(), "groups", 0), "group") == "市民政局");

  // Bad input and scope.
  BOOST_TEST(f.gw.get("/v1/reviews/feed?level=0", f.admin.bearer()).status == 422);
  BOOST_TEST(f.gw.get("/v1/reviews/feed?after=garbage", f.admin.bearer()).status == 400);
  BOOST_TEST(f.gw.get("/v1/reviews/feed", f.cases.bearer()).status == 404);
}

BOOST_AUTO_TEST_CASE(server_sent_events_resume_from_last_event_id) {
  Fixture f;
  f.push({review("S1", "市民政局", 1, 1), review("S2", "市民政局", 5, 1)});
  const std::vector<std::string> stream = {"-N", "--max-time", "2"};
  auto first = curlRequest(f.gw.url("/v1/reviews/stream"), "GET", "", f.admin.bearer(), stream);
  // curl ends the stream at --max-time (exit 28); the events came before.
  BOOST_TEST(contains(first.body, "event: review"), first);
  BOOST_TEST(contains(first.body, "\"source_id\":\"S1\""), first);
  BOOST_TEST(contains(first.body, "\"source_id\":\"S2\""), first);
  BOOST_TEST(contains(first.body, "retry: 3000"), first);
  // The last id, as EventSource keeps it.
  std::string lastId;
  for (size_t at = first.body.find("id: "); at != std::string::npos; at = first.body.find("id: ", at + 1))
    lastId = first.body.substr(at + 4, first.body.find('\n', at) - at - 4);
  BOOST_TEST_REQUIRE(!lastId.empty(), first);

  f.push({review("S3", "市民政局", 2, 0)});
  auto resumed = curlRequest(f.gw.url("/v1/reviews/stream?level=1,2"), "GET", "",
                             f.admin.bearer() + Headers{{"Last-Event-ID", lastId}}, stream);
  BOOST_TEST(contains(resumed.body, "\"source_id\":\"S3\""), resumed);
  BOOST_TEST(!contains(resumed.body, "\"source_id\":\"S1\""), resumed);
  BOOST_TEST(!contains(resumed.body, "\"source_id\":\"S2\""), resumed);

  // A client that went away gives its stream slot back within seconds.
  {
    auto o = TestGateway::defaults();
    o.maxWaitingPulls = 1;
    TestGateway one(o);
    auto hub = one.addClient("hub", "大数据中心", {"push:tinyreview", "pull:*", "admin"});
    const std::vector<std::string> brief = {"-N", "--max-time", "1"};
    auto gone = curlRequest(one.url("/v1/reviews/stream"), "GET", "", hub.bearer(), brief);
    BOOST_TEST(contains(gone.body, "retry: 3000"), gone);
    auto busy = curlRequest(one.url("/v1/reviews/stream"), "GET", "", hub.bearer(), brief);
    BOOST_TEST(busy.status == 429, busy);  // the slot is still held right after
    std::this_thread::sleep_for(std::chrono::seconds(7));
    auto again = curlRequest(one.url("/v1/reviews/stream"), "GET", "", hub.bearer(), brief);
    BOOST_TEST(contains(again.body, "retry: 3000"), again);
  }

  // Without the scope: a JSON 404 before any event.
  auto refused = curlRequest(f.gw.url("/v1/reviews/stream"), "GET", "", f.cases.bearer(), stream);
  BOOST_TEST(refused.status == 404, refused);
  BOOST_TEST(contains(refused.body, "\"error\":\"not_found\""), refused);
}

BOOST_AUTO_TEST_CASE(replaying_the_feed_judges_every_version_by_the_current_rectification) {
  Fixture f;
  f.load();
  // B1 (30 days ago, long past due) is rectified late and fed back; B2 (20 days ago) stays open.
  for (const char* step : {"RECTIFYING", "FED_BACK"})
    BOOST_TEST_REQUIRE(f.patch(f.police, "B1", std::string(R"({"state":")") + step + "\"}").status == 200);
  const std::string police = "level=1,2&department=%E5%B8%82%E5%85%AC%E5%AE%89%E5%B1%80";
  auto check = [](const std::vector<FeedItem>& items, const std::string& how) {
    BOOST_TEST_CONTEXT(how) {
      std::vector<std::string> b1States;
      int b2 = 0;
      for (const auto& i : items) {
        if (i.sourceId == "B1") {
          b1States.push_back(i.state);
          BOOST_TEST(!i.overdue, "B1 v" << i.version << " (" << i.state << ") is fed back: not overdue");
        } else if (i.sourceId == "B2") {
          ++b2;
          BOOST_TEST(i.overdue, "B2 is open past its due time");
        }
      }
      // The old versions are replayed as they were: only the flag is judged now.
      BOOST_TEST(b1States == (std::vector<std::string>{"VERIFYING", "RECTIFYING", "FED_BACK"}));
      BOOST_TEST(b2 == 1);
    }
  };
  auto page = f.gw.get("/v1/reviews/feed?" + police, f.admin.bearer());
  BOOST_TEST_REQUIRE(page.status == 200, page);
  check(pageItems(page), "the feed from the start");
  // Page by page, one entry at a time, the same.
  std::vector<FeedItem> paged;
  std::string after;
  for (int i = 0; i < 10; ++i) {
    auto p = f.gw.get("/v1/reviews/feed?limit=1&" + police + "&after=" + after, f.admin.bearer());
    BOOST_TEST_REQUIRE(p.status == 200, p);
    if (arraySize(p.json(), "reviews") == 0) break;
    paged.push_back(pageItems(p).at(0));
    after = str(p.json(), "next");
  }
  check(paged, "the feed a page of one at a time");
  auto stream =
      curlRequest(f.gw.url("/v1/reviews/stream?" + police), "GET", "", f.admin.bearer(), {"-N", "--max-time", "2"});
  check(streamItems(stream), "the stream from the start");
}

BOOST_AUTO_TEST_CASE(a_reevaluation_and_its_first_review_name_each_other) {
  Fixture f;
  // The re-evaluation (eval_seq 2) arrives before the first evaluation of the same matter (case_no).
  f.push({review("R2", "市民政局", 5, 0.5, "W1", R"(,"case_no":"BJ-2025-R","eval_seq":2)")});
  f.push({review("R1", "市民政局", 1, 3, "W1", R"(,"case_no":"BJ-2025-R","eval_seq":1)"),
          review("N1", "市民政局", 4, 1, "W1", R"(,"case_no":"BJ-2025-N","eval_seq":1)")});
  const std::string r1 = f.ids.at("R1"), r2 = f.ids.at("R2");

  // The feed and the stream: R2's entry names R1, although it was written before R1 arrived.
  auto check = [&](const std::vector<FeedItem>& items, const std::string& how) {
    BOOST_TEST_CONTEXT(how) {
      BOOST_TEST_REQUIRE(items.size() == 3u);
      for (const auto& i : items) BOOST_TEST(i.firstRecordId == (i.sourceId == "R2" ? r1 : ""), i.sourceId);
    }
  };
  auto page = f.gw.get("/v1/reviews/feed", f.admin.bearer());
  BOOST_TEST_REQUIRE(page.status == 200, page);
  check(pageItems(page), "the feed");
  BOOST_TEST(!item(page.json(), "reviews", 1)->has("first_record_id"));  // R1: absent, not null
  check(
      streamItems(curlRequest(f.gw.url("/v1/reviews/stream"), "GET", "", f.admin.bearer(), {"-N", "--max-time", "2"})),
      "the stream");

  // The rectification views: each names the other.
  auto first = f.gw.get("/v1/reviews/" + r1 + "/rectification", f.civil.bearer());
  BOOST_TEST_REQUIRE(first.status == 200, first);
  BOOST_TEST(first.json()->isNull("first_record_id"));
  BOOST_TEST_REQUIRE(first.json()->getArray("re_evaluations")->size() == 1u);
  BOOST_TEST(first.json()->getArray("re_evaluations")->getElement<std::string>(0) == r2);
  auto second = f.gw.get("/v1/reviews/" + r2 + "/rectification", f.civil.bearer());
  BOOST_TEST_REQUIRE(second.status == 200, second);
  BOOST_TEST(str(second.json(), "first_record_id") == r1);
  BOOST_TEST(second.json()->getArray("re_evaluations")->size() == 0u);
  // A PATCH answers with the same view.
  auto moved = f.patch(f.civil, "R1", R"({"state":"RECTIFYING"})");
  BOOST_TEST_REQUIRE(moved.status == 200, moved);
  BOOST_TEST(moved.json()->getArray("re_evaluations")->getElement<std::string>(0) == r2);
  // A review of another matter has neither.
  auto other = f.gw.get("/v1/reviews/" + f.ids.at("N1") + "/rectification", f.admin.bearer()).json();
  BOOST_TEST(other->isNull("first_record_id"));
  BOOST_TEST(other->getArray("re_evaluations")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_html_report_renders_in_headless_chromium) {
  Fixture f;
  // November 2025 (30 days, Beijing time), reviews on five days of it and just outside it.
  f.push({reviewAt("D01", "市民政局", 5, beijing(2025, 11, 1, 0, 10)),  // 2025-10-31 in UTC
          reviewAt("D03a", "市民政局", 5, beijing(2025, 11, 3, 10)),
          reviewAt("D03b", "市民政局", 1, beijing(2025, 11, 3, 11)),
          reviewAt("D03c", "市民政局", 4, beijing(2025, 11, 3, 12)),
          reviewAt("D04a", "市公安局", 2, beijing(2025, 11, 4, 9)),
          reviewAt("D04b", "市公安局", 1, beijing(2025, 11, 4, 15)),  // rejected as malicious below
          reviewAt("D17", "市公安局", 3, beijing(2025, 11, 17, 12)),
          reviewAt("D30", "市民政局", 1, beijing(2025, 11, 30, 23, 30)),  // 15:30 UTC
          reviewAt("DEC", "市民政局", 5, beijing(2025, 12, 1, 0, 30)),    // 2025-11-30 in UTC: December
          reviewAt("OCT", "市民政局", 1, beijing(2025, 10, 31, 23, 50))});
  BOOST_TEST_REQUIRE(f.patch(f.police, "D04b", R"({"state":"APPEALED"})").status == 200);
  BOOST_TEST_REQUIRE(f.patch(f.police, "D04b", R"({"state":"REJECTED_MALICIOUS","reason":"恶意"})").status == 200);
  const std::string month = "2025-11";
  auto stats = f.gw.get("/v1/reviews/stats?group_by=department&month=" + month, f.admin.bearer());
  BOOST_TEST_REQUIRE(stats.status == 200, stats);
  auto civil = groupOf(stats.json(), "市民政局");
  BOOST_TEST_REQUIRE(civil);
  auto byDay = f.gw.get("/v1/reviews/stats?group_by=day&month=" + month, f.admin.bearer());
  BOOST_TEST_REQUIRE(byDay.status == 200, byDay);
  BOOST_TEST(arraySize(byDay.json(), "groups") == 5u);  // 01, 03, 04, 17, 30

  // A browser authenticates with Basic (it prompts its user for key id and secret).
  auto challenge = curlRequest(f.gw.url("/v1/reviews/report?month=" + month), "GET");
  BOOST_TEST(challenge.status == 401);
  BOOST_TEST(contains(challenge.header("www-authenticate"), "Basic"), challenge.header("www-authenticate"));
  const std::string userinfo = f.admin.keyId + ":" + f.admin.secret + "@";
  const std::string url =
      "http://" + userinfo + "127.0.0.1:" + std::to_string(f.gw.port()) + "/v1/reviews/report?month=" + month;
  auto page = curlRequest(url, "GET");
  BOOST_TEST_REQUIRE(page.status == 200, page);
  BOOST_TEST(contains(page.header("content-type"), "text/html"));
  // Self-contained: nothing is fetched from elsewhere (the SVG namespace URI is a name, not a fetch).
  for (const char* ref : {"src=", "href=", "@import", "url(", "<link"}) BOOST_TEST(!contains(page.body, ref), ref);

  auto dom = runProgram({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--virtual-time-budget=5000", "--dump-dom", url});
  BOOST_TEST_REQUIRE(dom.exit == 0, dom);
  BOOST_TEST_REQUIRE(contains(dom.out, "data-rendered=\"true\""), dom);
  // The department's row, as the browser rendered it from the embedded figures.
  auto cell = [&](const std::string& group, const std::string& field) {
    const auto row = dom.out.find("data-group=\"" + group + "\"");
    if (row == std::string::npos) return std::string("(no row)");
    const auto at = dom.out.find("data-field=\"" + field + "\"", row);
    if (at == std::string::npos) return std::string("(no cell)");
    const auto start = dom.out.find('>', at) + 1;
    return dom.out.substr(start, dom.out.find('<', start) - start);
  };
  BOOST_TEST(cell("市民政局", "total") == std::to_string(intAt(civil, "total")));
  BOOST_TEST(cell("市民政局", "bad") == std::to_string(intAt(civil, "bad")));
  char rate[16];
  std::snprintf(rate, sizeof rate, "%.1f%%", 100 * civil->getValue<double>("satisfaction_rate"));
  BOOST_TEST(cell("市民政局", "satisfaction") == rate);
  BOOST_TEST(cell("合计", "total") == std::to_string(intAt(stats.json()->getObject("total"), "total")));

  // The chart, read from the rendered SVG: every day of the month on the
  // axis with its bar; a satisfaction point exactly on the days with valid
  // reviews, at the rate the stats route gives for that day.
  std::map<std::string, std::map<std::string, std::string>> bars, points;
  std::set<std::string> axis;
  for (auto& e : elements(dom.out, "rect")) bars[e["data-day"]] = e;
  for (auto& e : elements(dom.out, "circle")) points[e["data-day"]] = e;
  for (auto& e : elements(dom.out, "text"))
    if (e.count("data-axis-day")) axis.insert(e["data-axis-day"]);
  BOOST_TEST(axis.size() == 30u);
  BOOST_TEST(bars.size() == 30u);
  BOOST_TEST(points.size() == 5u);  // 01, 03, 04, 17, 30
  for (unsigned d = 1; d <= 30; ++d) {
    char day[16];
    std::snprintf(day, sizeof day, "2025-11-%02u", d);
    BOOST_TEST_CONTEXT(day) {
      const auto stat = groupOf(byDay.json(), day);
      BOOST_TEST(axis.count(day) == 1u);
      BOOST_TEST_REQUIRE(bars.count(day) == 1u);
      BOOST_TEST(bars[day]["data-bad"] == std::to_string(stat ? intAt(stat, "bad") : 0));
      BOOST_TEST(bars[day]["data-total"] == std::to_string(stat ? intAt(stat, "total") : 0));
      if (!stat || stat->isNull("satisfaction_rate")) {
        BOOST_TEST(points.count(day) == 0u);
        continue;
      }
      BOOST_TEST_REQUIRE(points.count(day) == 1u);
      const double shown = std::stod(points[day]["data-satisfaction"]);  // percent, one decimal
      BOOST_TEST(std::abs(shown - 100 * stat->getValue<double>("satisfaction_rate")) <= 0.05 + 1e-9,
                 shown << " vs " << stat->getValue<double>("satisfaction_rate"));
    }
  }
  // Hand-computed, so the comparison above cannot agree on nothing.
  BOOST_TEST(points["2025-11-03"]["data-satisfaction"] == "66.7");
  BOOST_TEST(bars["2025-11-03"]["data-bad"] == "1");
  BOOST_TEST(points["2025-11-04"]["data-satisfaction"] == "0.0");  // D04b rejected: not a valid review
  BOOST_TEST(bars["2025-11-04"]["data-bad"] == "1");
  BOOST_TEST(points["2025-11-01"]["data-satisfaction"] == "100.0");
  BOOST_TEST(bars["2025-11-30"]["data-bad"] == "1");
  BOOST_TEST(bars["2025-11-02"]["data-total"] == "0");
  BOOST_TEST(!contains(dom.out, "data-day=\"2025-12-01\""));
  BOOST_TEST(!contains(dom.out, "data-day=\"2025-10-31\""));
}

BOOST_AUTO_TEST_SUITE_END()
