// The HTTP gateway with real clients (Poco's HTTPClientSession and curl) on a
// real server (127.0.0.1, port 0) over a SQLite store: push, pull, long-poll,
// subscriptions, masking, scopes, every authentication failure, bad input and
// limits, admin routes, the OpenAPI document against the router, metrics —
// and `govsync serve` end to end.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <atomic>
#include <set>
#include <thread>

#include "core/util/json_writer.h"
#include "tests/gateway/gateway_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

namespace {

const Headers kJson = {{"Content-Type", "application/json"}};

std::string tinyRow(const std::string& id, const std::string& extra = "") {
  return "{\"id\":\"" + id + "\",\"title\":\"漏水 " + id + "\",\"region\":\"211102\"" + extra + "}";
}

std::string tinyRows(int n, const std::string& prefix) {
  std::string out = "[";
  for (int i = 1; i <= n; ++i) {
    if (i > 1) out += ',';
    out += tinyRow(prefix + std::to_string(i));
  }
  return out + "]";
}

std::string reviewRow(const std::string& id) {
  return "{\"id\":\"" + id + "\",\"level\":\"5\",\"at\":\"2026-10-01T13:01:21+08:00\",\"phone\":\"13912345678\"}";
}

// Raw bytes to the server and its whole answer, up to the server closing the
// connection (for requests no client library sends).
std::string rawExchange(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "connect failed";
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return answer;
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(records_are_masked_without_the_pii_scope) {
  TestGateway gw;
  auto pusher = gw.addClient("p", "d", {"push:tiny"});
  auto plain = gw.addClient("plain", "d", {"pull:CASE"});
  auto trusted = gw.addClient("trusted", "d", {"pull:CASE", "pii"});
  auto r = gw.post("/v1/push/tiny", "[" + tinyRow("M1", ",\"name\":\"张三丰\",\"phone\":\"13812341234\"") + "]",
                   pusher.bearer() + kJson);
  BOOST_TEST_REQUIRE(r.status == 200, r);
  const auto id = str(item(r.json(), "results", 0), "record_id");

  auto masked = gw.get("/v1/records/" + id, plain.bearer());
  BOOST_TEST_REQUIRE(masked.status == 200, masked);
  BOOST_TEST(str(masked.json(), "reporter_phone") == "138****1234");
  BOOST_TEST(str(masked.json(), "reporter_name") == "张**");
  auto clear = gw.get("/v1/records/" + id, trusted.bearer());
  BOOST_TEST(str(clear.json(), "reporter_phone") == "13812341234");
  BOOST_TEST(str(clear.json(), "reporter_name") == "张三丰");

  auto feed = curlRequest(gw.url("/v1/records"), "GET", "", plain.bearer());
  BOOST_TEST(contains(feed.body, "138****1234"));
  BOOST_TEST(!contains(feed.body, "13812341234"));
  BOOST_TEST(contains(gw.get("/v1/records", trusted.bearer()).body, "13812341234"));

  // Nor does personal data reach the audit log.
  gw.service->flushAudit();
  for (const auto& e : gw.store->listAudit(0, 1000)) BOOST_TEST(!contains(e.detail, "13812341234"), e.detail);
}

BOOST_AUTO_TEST_CASE(outside_its_scopes_a_caller_gets_not_found) {
  TestGateway gw;
  auto water = gw.addClient("water", "水务集团", {"push:tiny", "pull:CASE"});
  auto review = gw.addClient("review", "政务服务中心", {"push:tinyreview", "pull:REVIEW"});
  auto r = gw.post("/v1/push/tiny", "[" + tinyRow("C1") + "]", water.bearer() + kJson);
  BOOST_TEST_REQUIRE(r.status == 200, r);
  const auto caseId = str(item(r.json(), "results", 0), "record_id");
  BOOST_TEST_REQUIRE(gw.post("/v1/push/tinyreview", "[" + reviewRow("V1") + "]", review.bearer() + kJson).status ==
                     200);

  // A record of a kind outside the scopes looks exactly like one that does not exist.
  const std::string missing = "00000000-0000-5000-8000-000000000000";
  auto hidden = gw.get("/v1/records/" + caseId, review.bearer());
  auto absent = gw.get("/v1/records/" + missing, review.bearer());
  BOOST_TEST(hidden.status == 404);
  BOOST_TEST(absent.status == 404);
  BOOST_TEST(hidden.body == "{\"error\":\"not_found\",\"message\":\"no record '" + caseId + "'\"}", hidden);
  BOOST_TEST(absent.body == "{\"error\":\"not_found\",\"message\":\"no record '" + missing + "'\"}", absent);
  BOOST_TEST(gw.get("/v1/records/" + caseId, water.bearer()).status == 200);

  // The feed: only the kinds in scope; asking for another kind is not found.
  auto feed = gw.get("/v1/records", review.bearer());
  BOOST_TEST(arraySize(feed.json(), "records") == 1u);
  BOOST_TEST(str(item(feed.json(), "records", 0), "kind") == "REVIEW");
  BOOST_TEST(gw.get("/v1/records?kind=CASE", review.bearer()).status == 404);
  BOOST_TEST(gw.get("/v1/subscriptions/x?kind=CASE", review.bearer()).status == 404);

  // Pushing to another department's platform is refused like an unknown platform.
  auto foreign = gw.post("/v1/push/tinyreview", "[" + reviewRow("V2") + "]", water.bearer() + kJson);
  auto unknown = gw.post("/v1/push/nosuch", "[" + reviewRow("V2") + "]", water.bearer() + kJson);
  BOOST_TEST(foreign.status == 404, foreign);
  BOOST_TEST(unknown.status == 404, unknown);
  BOOST_TEST(foreign.body == "{\"error\":\"not_found\",\"message\":\"no platform named 'tinyreview'\"}");
  BOOST_TEST(gw.store->headPosition() == 2);

  // Every admin route, taken from the router table: not found for a department key.
  size_t adminRoutes = 0;
  for (const auto& route : gw.http->router().routes()) {
    if (!route.admin) continue;
    std::string path = route.pattern;
    for (size_t at; (at = path.find('{')) != std::string::npos;) path.replace(at, path.find('}') - at + 1, "tiny");
    auto res = pocoRequest(gw.port(), route.method, path, route.readsBody ? "{}" : "", water.bearer() + kJson);
    BOOST_TEST(res.status == 404, route.label() << ": " << res);
    BOOST_TEST(res.body == "{\"error\":\"not_found\",\"message\":\"not found\"}", route.label());
    ++adminRoutes;
  }
  BOOST_TEST(adminRoutes == 12u);
  BOOST_TEST(gw.get("/v1/mappings").status == 401);

  // The refusals are audited.
  gw.service->flushAudit();
  size_t refused = 0;
  for (const auto& e : gw.store->listAudit(0, 1000)) refused += e.action == "refused" ? 1 : 0;
  BOOST_TEST(refused >= 16u);
}

BOOST_AUTO_TEST_CASE(every_authentication_failure_gets_the_same_401) {
  TestGateway gw;
  auto client = gw.addClient("c", "d", {"push:tiny", "pull:*"});
  auto other = gw.addClient("o", "d", {"pull:*"});
  auto revoked = gw.addClient("gone", "d", {"pull:*"});
  BOOST_TEST_REQUIRE(gw.store->revokeClient("gone"));
  const std::string generic = "{\"error\":\"unauthenticated\",\"message\":\"authentication failed\"}";
  const std::string path = "/v1/records?limit=1";
  const std::string body = "[" + tinyRow("H1") + "]";
  const int64_t now = nowMillis() / 1000;

  // Signed requests that are right: GET and POST.
  auto ok = gw.get(path, client.sign("GET", path, ""));
  BOOST_TEST(ok.status == 200, ok);
  auto pushed = gw.post("/v1/push/tiny", body, client.sign("POST", "/v1/push/tiny", body) + kJson);
  BOOST_TEST(pushed.status == 200, pushed);
  auto viaCurl = curlRequest(gw.url(path), "GET", "", client.sign("GET", path, ""));
  BOOST_TEST(viaCurl.status == 200, viaCurl);

  const auto replayed = client.sign("GET", path, "", now, "nonce-used-once-0001");
  BOOST_TEST(gw.get(path, replayed).status == 200);

  auto withSignature = [&](Headers h, const std::string& name, const std::string& value) {
    for (auto& [k, v] : h)
      if (k == name) v = value;
    return h;
  };
  const std::vector<std::pair<std::string, std::function<Response()>>> failures = {
      {"no credential", [&] { return gw.get(path); }},
      {"empty bearer",
       [&] {
         return gw.get(path, {{"Authorization", "Bearer "}});
       }},
      {"malformed bearer",
       [&] {
         return gw.get(path, {{"Authorization", "Bearer nodot"}});
       }},
      {"basic auth",
       [&] {
         return gw.get(path, {{"Authorization", "Basic dXNlcjpwYXNz"}});
       }},
      {"wrong secret",
       [&] {
         return gw.get(path, {{"Authorization", "Bearer " + client.keyId + ".wrong"}});
       }},
      {"unknown key",
       [&] {
         return gw.get(path, {{"Authorization", "Bearer gk_0000000000000000.x"}});
       }},
      {"another key's secret",
       [&] {
         return gw.get(path, {{"Authorization", "Bearer " + client.keyId + "." + other.secret}});
       }},
      {"revoked key (bearer)", [&] { return gw.get(path, revoked.bearer()); }},
      {"revoked key (signed)", [&] { return gw.get(path, revoked.sign("GET", path, "")); }},
      {"expired timestamp", [&] { return gw.get(path, client.sign("GET", path, "", now - 301)); }},
      {"future timestamp", [&] { return gw.get(path, client.sign("GET", path, "", now + 400)); }},
      {"replayed nonce", [&] { return gw.get(path, replayed); }},
      {"tampered body",
       [&] { return gw.post("/v1/push/tiny", body + " ", client.sign("POST", "/v1/push/tiny", body) + kJson); }},
      {"tampered query", [&] { return gw.get("/v1/records?limit=2", client.sign("GET", path, "")); }},
      {"tampered method", [&] { return gw.get(path, client.sign("POST", path, "")); }},
      {"signed with another secret",
       [&] {
         TestClient forged{client.keyId, other.secret};
         return gw.get(path, forged.sign("GET", path, ""));
       }},
      {"malformed signature",
       [&] { return gw.get(path, withSignature(client.sign("GET", path, ""), "X-Gov-Signature", "!!!")); }},
      {"missing nonce", [&] { return gw.get(path, withSignature(client.sign("GET", path, ""), "X-Gov-Nonce", "")); }},
      {"malformed timestamp",
       [&] { return gw.get(path, withSignature(client.sign("GET", path, ""), "X-Gov-Timestamp", "yesterday")); }},
      {"curl, wrong secret",
       [&] {
         return curlRequest(gw.url(path), "GET", "", {{"Authorization", "Bearer " + client.keyId + ".nope"}});
       }},
  };
  for (const auto& [name, attempt] : failures) {
    auto r = attempt();
    BOOST_TEST(r.status == 401, name << ": " << r);
    BOOST_TEST(r.body == generic, name << ": " << r.body);
    BOOST_TEST(r.header("www-authenticate") == "Bearer realm=\"govsync\"", name);
  }
  BOOST_TEST(gw.store->headPosition() == 1);  // the tampered push committed nothing

  // The audit log says why, the clients never do.
  gw.service->flushAudit();
  std::string reasons;
  for (const auto& e : gw.store->listAudit(0, 1000))
    if (e.action == "refused") reasons += e.detail + "\n";
  for (const char* why : {"no credentials", "wrong secret", "unknown key id", "revoked key", "timestamp outside",
                          "nonce already used", "signature mismatch", "malformed signature"})
    BOOST_TEST(contains(reasons, why), why << " not in\n" << reasons);
}

BOOST_AUTO_TEST_CASE(bad_input_gets_a_clear_4xx_and_the_server_keeps_serving) {
  gateway::HttpOptions options = TestGateway::defaults();
  options.maxBodyBytes = 4096;
  TestGateway gw(options);
  auto c = gw.addClient("c", "d", {"push:tiny", "pull:*", "admin"});
  auto expect = [&](const std::string& what, const Response& r, int status, const std::string& code,
                    const std::string& text = "") {
    BOOST_TEST(r.status == status, what << ": " << r);
    if (r.status <= 0) return;
    BOOST_TEST(contains(r.header("content-type"), "application/json"), what);
    auto j = r.json();
    BOOST_TEST(str(j, "error") == code, what << ": " << r);
    if (!text.empty()) BOOST_TEST(contains(str(j, "message"), text), what << ": " << r);
  };
  const auto auth = c.bearer() + kJson;
  expect("malformed JSON", gw.post("/v1/push/tiny", "[{\"id\":", auth), 400, "invalid_input", "no row could be read");
  expect("not objects", gw.post("/v1/push/tiny", "42", auth), 400, "invalid_input");
  expect("empty body", gw.post("/v1/push/tiny", "", auth), 400, "invalid_input", "empty");
  expect("invalid UTF-8", gw.post("/v1/push/tiny", "[{\"id\":\"\xff\xfe\"}]", auth), 400, "invalid_input", "UTF-8");
  expect("unknown charset",
         gw.post("/v1/push/tiny", "[]", c.bearer() + Headers{{"Content-Type", "application/json; charset=latin9"}}),
         400, "invalid_input", "unsupported charset");
  expect("bad GBK",
         gw.post("/v1/push/tiny", "[{\"id\":\"\x81\x20\"}]",
                 c.bearer() + Headers{{"Content-Type", "application/json; charset=GBK"}}),
         400, "invalid_input", "GBK");
  expect("wrong media type", gw.post("/v1/push/tiny", "a,b\n", c.bearer() + Headers{{"Content-Type", "text/csv"}}), 400,
         "invalid_input");
  expect("unknown platform", gw.post("/v1/push/nosuch", "[{}]", auth), 404, "not_found");
  expect("record of wrong types", gw.post("/v1/records", "[{\"kind\":1,\"source_system\":[]}]", auth), 422,
         "invalid_input");
  expect("records not an array", gw.post("/v1/records", "{\"kind\":\"CASE\"}", auth), 400, "invalid_input");
  expect("unknown path", gw.get("/v2/records", c.bearer()), 404, "not_found");
  expect("unknown client member",
         gw.post("/v1/clients", "{\"name\":\"x\",\"department\":\"d\",\"scopes\":[\"admin\"],\"owner\":\"me\"}", auth),
         422, "invalid_input");
  auto wrongMethod = pocoRequest(gw.port(), "DELETE", "/v1/records", "", c.bearer());
  expect("wrong method", wrongMethod, 405, "method_not_allowed");
  BOOST_TEST(wrongMethod.header("allow") == "POST, GET");

  // One bad line of NDJSON is a dead letter; the others go through.
  auto mixed = gw.post("/v1/push/tiny", tinyRow("N1") + "\n{\"id\": nope}\n" + tinyRow("N3") + "\n",
                       c.bearer() + Headers{{"Content-Type", "application/x-ndjson"}});
  BOOST_TEST_REQUIRE(mixed.status == 200, mixed);
  BOOST_TEST(intAt(mixed.json(), "records") == 2);
  BOOST_TEST(str(item(mixed.json(), "results", 0), "stage") == "decode");

  // GBK, declared: decoded before mapping.
  auto gbk = gw.post("/v1/push/tiny", "[{\"id\":\"G1\",\"title\":\"\xc2\xa9\xcb\xae\"}]",
                     c.bearer() + Headers{{"Content-Type", "application/json; charset=GBK"}});
  BOOST_TEST_REQUIRE(gbk.status == 200, gbk);
  const auto id = str(item(gbk.json(), "results", 0), "record_id");
  BOOST_TEST(str(gw.get("/v1/records/" + id, c.bearer()).json(), "title") == "漏水");

  // Bodies over the cap: by Content-Length (refused before reading), chunked
  // (cut at the cap), and a declared 1 GiB that is never sent.
  const std::string big = "[" + std::string(5000, ' ') + "]";
  expect("over the cap", gw.post("/v1/push/tiny", big, auth), 413, "too_large");
  expect("over the cap, chunked", pocoRequest(gw.port(), "POST", "/v1/push/tiny", big, auth, true), 413, "too_large");
  expect("over the cap, curl", curlRequest(gw.url("/v1/push/tiny"), "POST", big, auth), 413, "too_large");
  const auto answer = rawExchange(gw.port(), "POST /v1/push/tiny HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                 c.token() + "\r\nContent-Length: 1073741824\r\n\r\n[");
  BOOST_TEST(answer.rfind("HTTP/1.1 413", 0) == 0, answer);

  // Header limits: a JSON 431, not a crash.
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) many += "X-Filler-" + std::to_string(i) + ": y\r\n";
  const auto tooMany = rawExchange(gw.port(), many + "\r\n");
  BOOST_TEST(tooMany.rfind("HTTP/1.1 431", 0) == 0, tooMany);
  BOOST_TEST(contains(tooMany, "\"error\":\"too_large\""), tooMany);
  const auto garbage = rawExchange(gw.port(), "HELLO\r\n\r\n");
  BOOST_TEST(garbage.rfind("HTTP/1.1 400", 0) == 0, garbage);
  // Body framing: a bad length, a length beside chunked encoding, no length at all.
  const std::string post = "POST /v1/push/tiny HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + c.token() + "\r\n";
  for (const char* framing :
       {"Content-Length: abc\r\n", "Content-Length: -5\r\n", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"}) {
    const auto a = rawExchange(gw.port(), post + framing + "\r\n[{}]\r\n");
    BOOST_TEST(a.rfind("HTTP/1.1 400", 0) == 0, framing << ": " << a);
    BOOST_TEST(contains(a, "\"error\":\"invalid_input\""), a);
  }
  const auto noLength = rawExchange(gw.port(), post + "Connection: close\r\n\r\n");
  BOOST_TEST(noLength.rfind("HTTP/1.1 400", 0) == 0, noLength);
  BOOST_TEST(contains(noLength, "the body is empty"), noLength);

  // No stack traces, paths or SQL in any error body seen above; still serving.
  BOOST_TEST(gw.get("/healthz").status == 200);
  BOOST_TEST(gw.get("/readyz").status == 200);
  BOOST_TEST(gw.get("/v1/records", c.bearer()).status == 200);
}

BOOST_AUTO_TEST_CASE(the_openapi_document_lists_exactly_the_routes_served) {
  TestGateway gw;
  auto r = curlRequest(gw.url("/v1/openapi.json"), "GET");
  BOOST_TEST_REQUIRE(r.status == 200, r);
  auto doc = r.json();
  BOOST_TEST(str(doc, "openapi").rfind("3.", 0) == 0);
  std::map<std::string, Poco::JSON::Object::Ptr> documented;
  auto paths = doc->getObject("paths");
  for (const auto& path : paths->getNames())
    for (const auto& method : paths->getObject(path)->getNames()) {
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented[upper + " " + path] = paths->getObject(path)->getObject(method);
    }
  std::set<std::string> served;
  for (const auto& route : gw.http->router().routes()) {
    served.insert(route.label());
    BOOST_TEST_CONTEXT(route.label()) {
      BOOST_TEST_REQUIRE(documented.count(route.label()), "served but not documented");
      auto op = documented[route.label()];
      std::set<std::string> query, path;
      if (op->has("parameters"))
        for (unsigned i = 0; i < op->getArray("parameters")->size(); ++i) {
          auto p = op->getArray("parameters")->getObject(i);
          if (str(p, "in") == "query") query.insert(str(p, "name"));
          if (str(p, "in") == "path") path.insert(str(p, "name"));
        }
      BOOST_TEST((query == std::set<std::string>(route.query.begin(), route.query.end())), "query parameters differ");
      std::set<std::string> patternParams;
      for (size_t at = route.pattern.find('{'); at != std::string::npos; at = route.pattern.find('{', at + 1))
        patternParams.insert(route.pattern.substr(at + 1, route.pattern.find('}', at) - at - 1));
      BOOST_TEST((path == patternParams), "path parameters differ");
      const bool isPublic = op->has("security") && op->getArray("security")->size() == 0;
      BOOST_TEST(isPublic == (route.access == gateway::Route::Access::Public));
      BOOST_TEST(op->has("requestBody") == route.readsBody);
    }
  }
  for (const auto& [label, op] : documented) BOOST_TEST(served.count(label), label << " documented but not served");
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_records_and_the_feed) {
  TestGateway gw;
  auto c = gw.addClient("c", "d", {"push:tiny", "pull:*"});
  BOOST_TEST_REQUIRE(gw.post("/v1/push/tiny", tinyRows(2, "Q"), c.bearer() + kJson).status == 200);
  BOOST_TEST_REQUIRE(gw.get("/v1/records", c.bearer()).status == 200);
  BOOST_TEST_REQUIRE(gw.get("/v1/records?kind=NOPE", c.bearer()).status == 400);
  BOOST_TEST_REQUIRE(gw.get("/nowhere").status == 404);
  auto m = curlRequest(gw.url("/metrics"), "GET");
  BOOST_TEST_REQUIRE(m.status == 200, m);
  BOOST_TEST(contains(m.header("content-type"), "text/plain; version=0.0.4"));
  for (const char* line :
       {"govsync_http_requests_total{route=\"GET /v1/records\",status=\"200\"} 1",
        "govsync_http_requests_total{route=\"GET /v1/records\",status=\"400\"} 1",
        "govsync_http_requests_total{route=\"POST /v1/push/{platform}\",status=\"200\"} 1",
        "govsync_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
        "govsync_http_request_duration_seconds_bucket{route=\"GET /v1/records\",le=\"+Inf\"} 2",
        "govsync_http_request_duration_seconds_count{route=\"GET /v1/records\"} 2", "govsync_records_pushed_total 2",
        "govsync_rows_pushed_total 2", "govsync_records_pulled_total 2", "govsync_feed_head_position 2",
        "# TYPE govsync_http_request_duration_seconds histogram", "# TYPE govsync_connector_rows_total counter"})
    BOOST_TEST(contains(m.body, line), line << " not in\n" << m.body);
}

BOOST_AUTO_TEST_CASE(clients_over_their_rate_get_429_with_retry_after) {
  gateway::HttpOptions options = TestGateway::defaults();
  options.ratePerSecond = 1;
  options.rateBurst = 3;
  options.authFailuresPerMinute = 3;
  TestGateway gw(options);
  auto a = gw.addClient("a", "d", {"pull:*"});
  auto b = gw.addClient("b", "d", {"pull:*"});
  std::vector<int> statuses;
  for (int i = 0; i < 5; ++i) statuses.push_back(gw.get("/v1/records", a.bearer()).status);
  BOOST_TEST((statuses == std::vector<int>{200, 200, 200, 429, 429}));
  auto limited = gw.get("/v1/records", a.bearer());
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(std::stoi(limited.header("retry-after")) >= 1);
  BOOST_TEST(str(limited.json(), "error") == "rate_limited");
  BOOST_TEST(gw.get("/v1/records", b.bearer()).status == 200);  // the other client is unaffected

  // Guessing secrets: after 3 failures from one address, 429 — even with a good key.
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(gw.get("/v1/records", {{"Authorization", "Bearer " + b.keyId + ".guess" + std::to_string(i)}}).status ==
               401);
  auto blocked = gw.get("/v1/records", b.bearer());
  BOOST_TEST(blocked.status == 429, blocked);
  BOOST_TEST(!blocked.header("retry-after").empty());
  BOOST_TEST(gw.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(admin_routes_manage_mappings_dead_letters_audit_and_clients) {
  TestGateway gw;
  auto admin = gw.addClient("admin", "大数据中心", {"admin", "pii", "push:tiny", "pull:*"});
  const auto h = admin.bearer() + kJson;

  auto list = gw.get("/v1/mappings", admin.bearer());
  BOOST_TEST_REQUIRE(list.status == 200, list);
  BOOST_TEST(arraySize(list.json(), "mappings") == 2u);
  auto one = gw.get("/v1/mappings/tiny", admin.bearer());
  BOOST_TEST_REQUIRE(one.status == 200, one);
  BOOST_TEST(str(one.json(), "source") == kTinyMapping);
  const auto version = str(one.json(), "version");
  BOOST_TEST(gw.get("/v1/mappings/nosuch", admin.bearer()).status == 404);

  // A mapping that does not compile is refused with every problem, and the running one stays.
  const std::string broken = std::string(kTinyMapping) + "  titel: title\n  urgency: {from: u, do: [nosuchfn]}\n";
  auto put = pocoRequest(gw.port(), "PUT", "/v1/mappings/tiny", broken,
                         admin.bearer() + Headers{{"Content-Type", "application/yaml"}});
  BOOST_TEST_REQUIRE(put.status == 422, put);
  auto details = put.json()->getArray("details");
  BOOST_TEST(details->size() >= 2u, put);
  BOOST_TEST(contains(put.body, "unknown target field 'titel'"), put);
  BOOST_TEST(contains(str(details->getObject(0), "field"), "tiny.yaml:"), put);
  BOOST_TEST(str(gw.get("/v1/mappings/tiny", admin.bearer()).json(), "version") == version);

  // A dead letter, then the dry run, then the fix, then the replay.
  auto pushed = gw.post("/v1/push/tiny", "[" + tinyRow("D1", ",\"sat\":\"4.5\"") + "]", h);
  BOOST_TEST_REQUIRE(intAt(pushed.json(), "dead_letters") == 1);
  const std::string fixed =
      std::string(kTinyMapping).substr(0, std::string(kTinyMapping).find("  satisfaction")) + "  extensions.sat: sat\n";
  const int64_t head = gw.store->headPosition();
  auto dry = gw.post(
      "/v1/mappings/tiny/test",
      "{\"mapping\":" +
          [&] {
            std::string s;
            appendJsonString(s, fixed);
            return s;
          }() +
          ",\"rows\":[{\"id\":\"T1\",\"sat\":\"4.5\",\"phone\":\"13812341234\"}]}",
      h);
  BOOST_TEST_REQUIRE(dry.status == 200, dry);
  BOOST_TEST(arraySize(dry.json(), "records") == 1u);
  BOOST_TEST(item(dry.json(), "records", 0)->getObject("extensions")->getValue<std::string>("sat") == "4.5");
  BOOST_TEST(str(item(dry.json(), "records", 0), "reporter_phone") == "13812341234");  // the admin holds pii
  auto dryInstalled =
      gw.post("/v1/mappings/tiny/test", "{\"rows\":[{\"id\":\"T1\",\"sat\":\"4.5\"},{\"id\":\"T2\"}]}", h);
  BOOST_TEST_REQUIRE(dryInstalled.status == 200, dryInstalled);
  BOOST_TEST(arraySize(dryInstalled.json(), "records") == 1u);
  BOOST_TEST(str(item(dryInstalled.json(), "results", 0), "function") == "to_int");
  auto dryCsv = gw.post("/v1/mappings/tiny/test", "{\"csv\":\"id,title\\nC1,x\\nC2,y\\n\"}", h);
  BOOST_TEST(arraySize(dryCsv.json(), "records") == 2u, dryCsv);
  BOOST_TEST(gw.post("/v1/mappings/tiny/test", "{}", h).status == 422);
  BOOST_TEST(gw.store->headPosition() == head);  // dry runs commit nothing

  auto install = pocoRequest(
      gw.port(), "PUT", "/v1/mappings/tiny",
      "{\"source\":" +
          [&] {
            std::string s;
            appendJsonString(s, fixed);
            return s;
          }() +
          "}",
      h);
  BOOST_TEST_REQUIRE(install.status == 200, install);
  BOOST_TEST(str(install.json(), "version") != version);
  auto replay = gw.post("/v1/deadletters/replay", "", h);
  BOOST_TEST_REQUIRE(replay.status == 200, replay);
  BOOST_TEST(intAt(replay.json(), "resolved") == 1);
  BOOST_TEST(arraySize(gw.get("/v1/deadletters?resolved=false", admin.bearer()).json(), "dead_letters") == 0u);
  BOOST_TEST(arraySize(gw.get("/v1/deadletters?resolved=true", admin.bearer()).json(), "dead_letters") == 1u);

  // Connectors: none configured here.
  BOOST_TEST(gw.get("/v1/connectors", admin.bearer()).body == "{\"connectors\":[]}");
  BOOST_TEST(gw.post("/v1/connectors/nosuch/run", "", h).status == 404);

  // Clients: create, use, list (no secrets), revoke.
  auto created = gw.post("/v1/clients", R"({"name":"reader","department":"统计局","scopes":["pull:case"]})", h);
  BOOST_TEST_REQUIRE(created.status == 201, created);
  const auto token = str(created.json(), "token"), secret = str(created.json(), "secret");
  const auto keyId = str(created.json(), "key_id");
  BOOST_TEST(str(created.json(), "name") == "reader");
  BOOST_TEST(created.json()->getArray("scopes")->getElement<std::string>(0) == "pull:CASE");
  BOOST_TEST(gw.get("/v1/records", {{"Authorization", "Bearer " + token}}).status == 200);
  auto clients = gw.get("/v1/clients", admin.bearer());
  BOOST_TEST(contains(clients.body, keyId));
  BOOST_TEST(!contains(clients.body, secret));
  BOOST_TEST(gw.post("/v1/clients", R"({"name":"reader","department":"x","scopes":["pull:*"]})", h).status == 409);
  BOOST_TEST(gw.post("/v1/clients", R"({"name":"r2","department":"x","scopes":["root"]})", h).status == 422);
  BOOST_TEST(gw.post("/v1/clients", R"({"name":"r3","department":"x","scopes":"admin"})", h).status == 422);
  BOOST_TEST(pocoRequest(gw.port(), "DELETE", "/v1/clients/" + keyId, "", admin.bearer()).status == 200);
  BOOST_TEST(gw.get("/v1/records", {{"Authorization", "Bearer " + token}}).status == 401);
  BOOST_TEST(pocoRequest(gw.port(), "DELETE", "/v1/clients/" + keyId, "", admin.bearer()).status == 404);

  // The audit log: every action, chained intact.
  auto audit = gw.get("/v1/audit?verify=true&limit=1000", admin.bearer());
  BOOST_TEST_REQUIRE(audit.status == 200, audit);
  BOOST_TEST(audit.json()->getObject("verification")->getValue<bool>("ok"));
  std::set<std::string> actions;
  for (unsigned i = 0; i < audit.json()->getArray("entries")->size(); ++i)
    actions.insert(str(item(audit.json(), "entries", i), "action"));
  for (const char* a :
       {"push", "pull", "admin.mappings.list", "admin.mapping.get", "admin.mapping.put", "admin.mapping.test",
        "admin.deadletters.replay", "admin.deadletters.list", "admin.connectors.list", "admin.client.create",
        "admin.client.revoke", "admin.clients.list", "refused"})
    BOOST_TEST(actions.count(a), a);
}

BOOST_AUTO_TEST_CASE(slow_senders_are_cut_off_and_long_polls_are_bounded) {
  gateway::HttpOptions options = TestGateway::defaults();
  options.requestTimeoutSeconds = 1;
  options.maxWaitingPulls = 1;
  TestGateway gw(options);
  auto c = gw.addClient("c", "d", {"pull:*", "push:tiny"});

  // One header line every 300 ms keeps the socket timeout from firing; the
  // whole-request deadline does not care.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(gw.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_TEST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const auto t0 = std::chrono::steady_clock::now();
  std::string line = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  bool cut = false;
  for (int i = 0; i < 20 && !cut; ++i) {
    if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) < 0) cut = true;
    line = "X-Slow-" + std::to_string(i) + ": y\r\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    char probe;
    if (::recv(fd, &probe, 1, MSG_DONTWAIT) == 0) cut = true;
  }
  ::close(fd);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  BOOST_TEST(cut, "a slow sender kept its connection for " << took.count() << " ms");
  BOOST_TEST(took.count() < 3000);
  BOOST_TEST(contains(gw.get("/metrics").body, "govsync_http_slow_requests_cut_total 1"));

  // Keep-alive: one client session, several requests.
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(gw.port()));
  session.setKeepAlive(true);
  for (int i = 0; i < 3; ++i) {
    Poco::Net::HTTPRequest req("GET", "/v1/records", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + c.token());
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::stringstream body;
    body << session.receiveResponse(resp).rdbuf();
    BOOST_TEST(resp.getStatus() == 200);
    BOOST_TEST(resp.getKeepAlive());
  }

  // One long-poll may wait (max_waiting_pulls = 1); the next is answered at once.
  Response first;
  std::chrono::steady_clock::time_point firstDone;
  std::thread waiting([&] {
    first = gw.get("/v1/records?wait=30", c.bearer());
    firstDone = std::chrono::steady_clock::now();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t1 = std::chrono::steady_clock::now();
  auto second = gw.get("/v1/records?wait=30", c.bearer());
  BOOST_TEST(second.status == 200, second);
  BOOST_TEST(second.header("x-gov-wait") == "0");
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t1).count() <
             1000);
  BOOST_TEST(contains(gw.get("/metrics").body, "govsync_http_waiting_pulls 1"));

  // Stopping does not wait for the long-poll's 30 s.
  const auto stopAt = std::chrono::steady_clock::now();
  gw.http->stop();
  waiting.join();
  BOOST_TEST(first.status == 200, first);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(firstDone - stopAt).count() < 1500);
}

BOOST_AUTO_TEST_CASE(govsync_serve_runs_the_gateway_end_to_end) {
  const char* cli = std::getenv("GOVSYNC_CLI");
  BOOST_TEST_REQUIRE(cli, "GOVSYNC_CLI is set by ctest");
  TempDir d;
  d.write("maps/tiny.yaml", kTinyMapping);
  fs::create_directories(d.file("codes"));
  // A file connector beside the gateway, so /metrics and /v1/connectors have a connector to show.
  d.write("drop/a.ndjson", tinyRow("F1") + "\n" + tinyRow("F2", ",\"sat\":\"x\"") + "\n");
  const std::string config = d.write(
      "govsync.yaml", "data_dir: " + d.file("data") + "\nmappings:\n  dir: " + d.file("maps") +
                          "\n  codes_dir: " + d.file("codes") +
                          "\nhttp:\n  port: 0\nthrift:\n  port: 0\nconnectors:\n  - name: drop\n    type: file\n" +
                          "    mapping: tiny\n    interval_seconds: 1\n    options:\n      dir: " + d.file("drop") +
                          "\n      pattern: \"*.ndjson\"\n      format: ndjson\n      stable_seconds: 0\n");
  auto add = runProgram({cli, "client", "add", "--config", config, "--name", "e2e", "--department", "水务集团",
                         "--scopes", "push:tiny,pull:*,admin"});
  BOOST_TEST_REQUIRE(add.exit == 0, add);
  const auto at = add.out.find("token:");
  BOOST_TEST_REQUIRE(at != std::string::npos, add);
  std::string token = add.out.substr(at + 6, add.out.find('\n', at) - at - 6);
  token.erase(0, token.find_first_not_of(' '));
  BOOST_TEST(((fs::status(d.file("data/master_key")).permissions() & fs::perms::group_all) == fs::perms::none));

  // serve in the background, its output in a file.
  const std::string log = d.file("serve.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {cli, "serve", "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  BOOST_TEST_REQUIRE(posix_spawn(&pid, cli, &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  std::string url;
  for (int i = 0; i < 200 && url.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto out = readFile(log);
    const auto p = out.find("listening on ");
    if (p != std::string::npos) url = out.substr(p + 13, out.find(' ', p + 13) - p - 13);
  }
  BOOST_TEST_REQUIRE(!url.empty(), readFile(log));
  BOOST_TEST(url.rfind("http://127.0.0.1:", 0) == 0, url);
  BOOST_TEST(contains(readFile(log), "thrift:        listening on thrift://127.0.0.1:"), readFile(log));

  const Headers auth = {{"Authorization", "Bearer " + token}};
  auto pushed = curlRequest(url + "/v1/push/tiny", "POST", "[" + tinyRow("E1") + "]", auth + kJson);
  BOOST_TEST(pushed.status == 200, pushed);
  auto pulled = curlRequest(url + "/v1/records", "GET", "", auth);
  BOOST_TEST(pulled.status == 200, pulled);
  BOOST_TEST(contains(pulled.body, "\"source_id\":\"E1\""), pulled);

  // The connector's figures, from the sync engine.
  std::string metrics;
  for (int i = 0; i < 100 && !contains(metrics, "govsync_connector_rows_total{connector=\"drop\"} 2"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    metrics = curlRequest(url + "/metrics", "GET").body;
  }
  BOOST_TEST(contains(metrics, "govsync_connector_rows_total{connector=\"drop\"} 2"), metrics);
  BOOST_TEST(contains(metrics, "govsync_connector_records_total{connector=\"drop\"} 1"), metrics);
  BOOST_TEST(contains(metrics, "govsync_connector_dead_letters_total{connector=\"drop\"} 1"), metrics);
  BOOST_TEST(contains(metrics, "govsync_connector_up{connector=\"drop\"} 1"), metrics);
  auto connectors = curlRequest(url + "/v1/connectors", "GET", "", auth);
  BOOST_TEST(contains(connectors.body, "\"name\":\"drop\",\"type\":\"file\",\"mapping\":\"tiny\""), connectors);
  BOOST_TEST(curlRequest(url + "/v1/connectors/drop/run", "POST", "", auth).status == 202);

  auto listed = runProgram({cli, "client", "list", "--config", config});
  BOOST_TEST(contains(listed.out, "e2e"), listed);
  auto revoke = runProgram({cli, "client", "revoke", "e2e", "--config", config});
  BOOST_TEST(revoke.exit == 0, revoke);
  BOOST_TEST(curlRequest(url + "/v1/records", "GET", "", auth).status == 401);
  BOOST_TEST(runProgram({cli, "client", "revoke", "e2e", "--config", config}).exit == 1);

  ::kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0, readFile(log));
  BOOST_TEST(contains(readFile(log), "govsync: stopped"), readFile(log));
}

BOOST_AUTO_TEST_SUITE_END()
