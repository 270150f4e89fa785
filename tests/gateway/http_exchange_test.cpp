// The HTTP gateway with real clients (Poco's HTTPClientSession and curl) on a
// real server (127.0.0.1, port 0) over a SQLite store.
// This part: push (per-row results, dead letters, idempotency keys,
// validation), pull pages, long-poll and server-side subscriptions.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <thread>

#include "tests/gateway/gateway_test_support.h"
#include "tests/gateway/http_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

BOOST_AUTO_TEST_SUITE(gateway_http)

BOOST_AUTO_TEST_CASE(push_rows_gives_per_row_results_and_dead_letters_with_reasons) {
  TestGateway gw;
  auto admin = gw.addClient("centre", "大数据中心", {"admin", "pii", "pull:*"});
  auto pusher = gw.addClient("water-dept", "水务集团", {"push:tiny"});
  const std::string body = "[" + tinyRow("A1", ",\"name\":\"张三\",\"phone\":\"13812341234\",\"sat\":\"5\"") + "," +
                           tinyRow("A2", ",\"sat\":\"4.0\"") + "," + tinyRow("A3") + "]";
  auto r = gw.post("/v1/push/tiny", body, pusher.bearer() + kJson);
  BOOST_TEST_REQUIRE(r.status == 200, r);
  auto j = r.json();
  BOOST_TEST(intAt(j, "rows") == 3);
  BOOST_TEST(intAt(j, "records") == 2);
  BOOST_TEST(intAt(j, "dead_letters") == 1);
  BOOST_TEST(str(j, "mapping").rfind("tiny@", 0) == 0);
  BOOST_TEST(str(item(j, "results", 0), "outcome") == "record");
  BOOST_TEST(intAt(item(j, "results", 0), "version") == 1);
  auto dead = item(j, "results", 1);
  BOOST_TEST(str(dead, "outcome") == "dead_letter");
  BOOST_TEST(intAt(dead, "row") == 2);
  BOOST_TEST(str(dead, "stage") == "map");
  BOOST_TEST(str(dead, "field") == "satisfaction_level");
  BOOST_TEST(str(dead, "function") == "to_int");
  BOOST_TEST(contains(str(dead, "error"), "not an integer"), str(dead, "error"));
  BOOST_TEST(intAt(dead, "dead_letter_id") > 0);

  // The dead letter is kept with its reason and the pusher as its source.
  auto dl = gw.get("/v1/deadletters?source=push:water-dept", admin.bearer());
  BOOST_TEST_REQUIRE(dl.status == 200, dl);
  BOOST_TEST_REQUIRE(arraySize(dl.json(), "dead_letters") == 1u, dl);
  auto letter = item(dl.json(), "dead_letters", 0);
  BOOST_TEST(str(letter, "platform") == "tiny");
  BOOST_TEST(str(letter, "field") == "satisfaction_level");
  BOOST_TEST(contains(str(letter, "error"), "not an integer"));
  BOOST_TEST(str(letter, "value") == "4.0");  // the admin holds pii
  BOOST_TEST(contains(str(letter, "raw"), "\"A2\""));

  // curl, NDJSON.
  auto c = curlRequest(gw.url("/v1/push/tiny"), "POST", tinyRow("B1") + "\n" + tinyRow("B2") + "\n",
                       pusher.bearer() + Headers{{"Content-Type", "application/x-ndjson"}});
  BOOST_TEST_REQUIRE(c.status == 200, c);
  BOOST_TEST(intAt(c.json(), "records") == 2);
  BOOST_TEST(gw.store->headPosition() == 4);
}

BOOST_AUTO_TEST_CASE(an_idempotency_key_returns_the_first_answer) {
  TestGateway gw;
  auto pusher = gw.addClient("p", "d", {"push:tiny"});
  const std::string body = "[" + tinyRow("I1") + "," + tinyRow("I2", ",\"sat\":\"x\"") + "]";
  const Headers h = pusher.bearer() + kJson + Headers{{"Idempotency-Key", "order-2026-0001"}};
  auto first = gw.post("/v1/push/tiny", body, h);
  BOOST_TEST_REQUIRE(first.status == 200, first);
  BOOST_TEST(first.header("idempotent-replayed").empty());
  auto again = curlRequest(gw.url("/v1/push/tiny"), "POST", body, h);
  BOOST_TEST(again.status == 200, again);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(again.header("idempotent-replayed") == "true");
  store::DeadLetterQuery q;
  BOOST_TEST(gw.store->listDeadLetters(q).size() == 1u);  // not dead-lettered twice
  // The same key for another request is a conflict.
  auto other = gw.post("/v1/push/tiny", "[" + tinyRow("I3") + "]", h);
  BOOST_TEST(other.status == 409, other);
  BOOST_TEST(str(other.json(), "error") == "conflict");
  // Keys are per client.
  auto second = gw.addClient("p2", "d", {"push:tiny"});
  auto theirs = gw.post("/v1/push/tiny", "[" + tinyRow("I3") + "]",
                        second.bearer() + kJson + Headers{{"Idempotency-Key", "order-2026-0001"}});
  BOOST_TEST(theirs.status == 200, theirs);
}

BOOST_AUTO_TEST_CASE(pushed_records_are_validated_with_per_field_details) {
  TestGateway gw;
  auto pusher = gw.addClient("p", "水务集团", {"push:tiny", "pull:*", "pii"});
  const std::string bad = R"([
    {"kind":"CASE","source_system":"tiny","source_id":"R1","case_no":"R1","title":"fine"},
    {"kind":"CASE","source_system":"tiny","source_id":"","case_no":"R2","satisfaction_level":9},
    {"kind":"REVIEW","source_system":"tiny","source_id":"R3","review_id":"R3","level":"five"},
    {"kind":"CASE","source_system":"tiny","source_id":"R4","case_no":"R4","region_code":"21"}
  ])";
  auto r = gw.post("/v1/records", bad, pusher.bearer() + kJson);
  BOOST_TEST_REQUIRE(r.status == 422, r);
  auto j = r.json();
  BOOST_TEST(str(j, "error") == "invalid_input");
  std::set<std::string> fields;
  for (unsigned i = 0; i < j->getArray("details")->size(); ++i) fields.insert(str(item(j, "details", i), "field"));
  BOOST_TEST(fields.count("records[2].level"), r);  // wrong type, reported at parse
  BOOST_TEST(gw.store->headPosition() == 0);        // nothing committed

  // Parsed fine, invalid content: every problem of every record.
  const std::string invalid = R"([
    {"kind":"CASE","source_system":"tiny","source_id":"","case_no":"R2","satisfaction_level":9},
    {"kind":"CASE","source_system":"tiny","source_id":"R4","case_no":"R4","region_code":"21"}
  ])";
  r = gw.post("/v1/records", invalid, pusher.bearer() + kJson);
  BOOST_TEST_REQUIRE(r.status == 422, r);
  fields.clear();
  j = r.json();
  for (unsigned i = 0; i < j->getArray("details")->size(); ++i) fields.insert(str(item(j, "details", i), "field"));
  BOOST_TEST(fields.count("records[0].source_id"), r);
  BOOST_TEST(fields.count("records[0].satisfaction_level"), r);
  BOOST_TEST(fields.count("records[1].region_code"), r);

  auto ok =
      gw.post("/v1/records", R"({"records":[{"kind":"CASE","source_system":"tiny","source_id":"R1","case_no":"R1"}]})",
              pusher.bearer() + kJson);
  BOOST_TEST_REQUIRE(ok.status == 200, ok);
  const auto id = str(item(ok.json(), "results", 0), "record_id");
  auto rec = gw.get("/v1/records/" + id, pusher.bearer());
  BOOST_TEST_REQUIRE(rec.status == 200, rec);
  BOOST_TEST(str(rec.json(), "department") == "水务集团");  // the pusher's own department

  // Another department's records, another source system: refused.
  auto foreign =
      gw.post("/v1/records",
              R"([{"kind":"CASE","source_system":"tiny","source_id":"R5","case_no":"R5","department":"公安局"}])",
              pusher.bearer() + kJson);
  BOOST_TEST(foreign.status == 422, foreign);
  auto other = gw.post("/v1/records", R"([{"kind":"CASE","source_system":"water","source_id":"W1","case_no":"W1"}])",
                       pusher.bearer() + kJson);
  BOOST_TEST(other.status == 404, other);
}

BOOST_AUTO_TEST_CASE(pull_pages_follow_next_and_limits_are_clamped) {
  TestGateway gw;
  auto pusher = gw.addClient("p", "d", {"push:tiny", "push:tinyreview"});
  auto reader = gw.addClient("r", "d", {"pull:CASE"});
  BOOST_TEST_REQUIRE(gw.post("/v1/push/tiny", tinyRows(25, "P"), pusher.bearer() + kJson).status == 200);
  BOOST_TEST_REQUIRE(gw.post("/v1/push/tinyreview", "[" + reviewRow("V1") + "]", pusher.bearer() + kJson).status ==
                     200);
  std::string cursor;
  std::vector<size_t> pages;
  std::set<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    auto r = i % 2 ? curlRequest(gw.url("/v1/records?limit=10&after=" + cursor), "GET", "", reader.bearer())
                   : gw.get("/v1/records?limit=10&after=" + cursor, reader.bearer());
    BOOST_TEST_REQUIRE(r.status == 200, r);
    auto j = r.json();
    pages.push_back(arraySize(j, "records"));
    for (unsigned k = 0; k < j->getArray("records")->size(); ++k) {
      BOOST_TEST(str(item(j, "records", k), "kind") == "CASE");  // pull:CASE only
      seen.insert(str(item(j, "records", k), "source_id"));
    }
    const auto next = str(j, "next");
    if (pages.back() == 0) {
      BOOST_TEST(next == cursor);
      break;
    }
    cursor = next;
  }
  BOOST_TEST((pages == std::vector<size_t>{10, 10, 5, 0}));
  BOOST_TEST(seen.size() == 25u);

  auto huge = gw.get("/v1/records?limit=10000000", reader.bearer());
  BOOST_TEST_REQUIRE(huge.status == 200, huge);
  BOOST_TEST(arraySize(huge.json(), "records") == 25u);
  auto overflow = gw.get("/v1/records?limit=99999999999999999999999", reader.bearer());
  BOOST_TEST(overflow.status == 200, overflow);

  auto filtered = gw.get("/v1/records?kind=case&region=2111&source=tiny&limit=3", reader.bearer());
  BOOST_TEST_REQUIRE(filtered.status == 200, filtered);
  BOOST_TEST(arraySize(filtered.json(), "records") == 3u);
  auto none = gw.get("/v1/records?source=elsewhere", reader.bearer());
  BOOST_TEST(arraySize(none.json(), "records") == 0u);

  for (const char* bad : {"limit=0", "limit=ten", "limit=-1", "wait=soon", "after=not-a-cursor", "kind=PERSON",
                          "region=21%25", "bogus=1", "limit=1&limit=2"}) {
    auto r = gw.get(std::string("/v1/records?") + bad, reader.bearer());
    BOOST_TEST(r.status == 400, bad << ": " << r);
    BOOST_TEST(str(r.json(), "error") == "invalid_input", bad);
  }
}

BOOST_AUTO_TEST_CASE(a_long_poll_wakes_within_100_ms_of_a_commit) {
  TestGateway gw;
  auto pusher = gw.addClient("p", "d", {"push:tiny"});
  auto reader = gw.addClient("r", "d", {"pull:*"});
  auto first = gw.get("/v1/records", reader.bearer());
  const auto cursor = str(first.json(), "next");

  using Clock = std::chrono::steady_clock;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto head = str(gw.get("/v1/records?after=" + cursor + "&limit=1000", reader.bearer()).json(), "next");
    Response polled;
    Clock::time_point answered;
    const auto started = Clock::now();
    std::thread poller([&] {
      polled = gw.get("/v1/records?wait=10&after=" + head, reader.bearer());
      answered = Clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto pushAt = Clock::now();
    auto pushed = gw.post("/v1/push/tiny", "[" + tinyRow("L" + std::to_string(attempt)) + "]", pusher.bearer() + kJson);
    poller.join();
    BOOST_TEST_REQUIRE(pushed.status == 200, pushed);
    BOOST_TEST_REQUIRE(polled.status == 200, polled);
    BOOST_TEST(arraySize(polled.json(), "records") == 1u, polled);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(answered - started).count();
    const auto lag = std::chrono::duration_cast<std::chrono::milliseconds>(answered - pushAt).count();
    BOOST_TEST(waited >= 250, "answered before the commit: " << waited << " ms");
    BOOST_TEST(lag < 100, "answered " << lag << " ms after the push was sent");
  }

  // Nothing new: the wait runs out and the cursor stays.
  const auto head = str(gw.get("/v1/records?limit=1000", reader.bearer()).json(), "next");
  const auto t0 = Clock::now();
  auto idle = curlRequest(gw.url("/v1/records?wait=1&after=" + head), "GET", "", reader.bearer());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  BOOST_TEST(idle.status == 200, idle);
  BOOST_TEST(arraySize(idle.json(), "records") == 0u);
  BOOST_TEST(str(idle.json(), "next") == head);
  BOOST_TEST(took >= 900);
  BOOST_TEST(took < 3000);
}

BOOST_AUTO_TEST_CASE(subscriptions_keep_the_cursor_on_the_server) {
  TestGateway gw;
  auto pusher = gw.addClient("p", "d", {"push:tiny"});
  auto s = gw.addClient("consumer", "d", {"pull:*"});
  auto t = gw.addClient("other", "d", {"pull:*"});
  BOOST_TEST_REQUIRE(gw.post("/v1/push/tiny", tinyRows(3, "S"), pusher.bearer() + kJson).status == 200);

  auto page = gw.get("/v1/subscriptions/feed-1?limit=2&kind=CASE", s.bearer());
  BOOST_TEST_REQUIRE(page.status == 200, page);
  BOOST_TEST(arraySize(page.json(), "records") == 2u);
  BOOST_TEST(str(page.json(), "name") == "feed-1");
  const auto next = str(page.json(), "next");
  // Not acknowledged: the same page again.
  auto again = gw.get("/v1/subscriptions/feed-1?limit=2", s.bearer());
  BOOST_TEST(again.body == page.body);
  auto ack = gw.post("/v1/subscriptions/feed-1/ack", "{\"cursor\":\"" + next + "\"}", s.bearer() + kJson);
  BOOST_TEST_REQUIRE(ack.status == 200, ack);
  BOOST_TEST(str(ack.json(), "cursor") == next);
  auto rest = curlRequest(gw.url("/v1/subscriptions/feed-1?limit=2"), "GET", "", s.bearer());
  BOOST_TEST_REQUIRE(rest.status == 200, rest);
  BOOST_TEST(arraySize(rest.json(), "records") == 1u);
  BOOST_TEST(str(item(rest.json(), "records", 0), "source_id") == "S3");

  // Another client's subscription of the same name is its own.
  auto theirs = gw.get("/v1/subscriptions/feed-1", t.bearer());
  BOOST_TEST(arraySize(theirs.json(), "records") == 3u);
  // Another filter under the same name is a conflict.
  BOOST_TEST(gw.get("/v1/subscriptions/feed-1?kind=REVIEW", s.bearer()).status == 409);
  // Bad acknowledgements.
  BOOST_TEST(gw.post("/v1/subscriptions/feed-1/ack", "{\"cursor\":\"zzz\"}", s.bearer() + kJson).status == 400);
  BOOST_TEST(gw.post("/v1/subscriptions/feed-1/ack", "{}", s.bearer() + kJson).status == 422);
  BOOST_TEST(gw.post("/v1/subscriptions/feed-1/ack", "{\"cursor\":5}", s.bearer() + kJson).status == 422);
  BOOST_TEST(gw.post("/v1/subscriptions/nope/ack", "{\"cursor\":\"" + next + "\"}", s.bearer() + kJson).status == 404);
  BOOST_TEST(gw.get("/v1/subscriptions/bad%20name", s.bearer()).status == 400);
}

BOOST_AUTO_TEST_SUITE_END()
