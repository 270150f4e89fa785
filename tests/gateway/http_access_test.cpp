// The HTTP gateway with real clients (Poco's HTTPClientSession and curl) on a
// real server (127.0.0.1, port 0) over a SQLite store.
// This part: who may see what and how much — masking without the pii scope,
// scopes, every authentication failure, bad input and limits, rate limits,
// slow senders and bounded long polls.
#include <boost/test/unit_test.hpp>

#include <sys/socket.h>

#include <netinet/in.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "tests/gateway/gateway_test_support.h"
#include "tests/gateway/http_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

namespace {

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
    // The very answer a path that does not exist gets.
    BOOST_TEST(res.body == "{\"error\":\"not_found\",\"message\":\"no such path: " + path + "\"}", route.label());
    ++adminRoutes;
  }
  BOOST_TEST(adminRoutes == 12u);
  BOOST_TEST(pocoRequest(gw.port(), "GET", "/v1/nothing", "", water.bearer()).body ==
             "{\"error\":\"not_found\",\"message\":\"no such path: /v1/nothing\"}");
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
  std::set<std::string> actors;
  for (const auto& e : gw.store->listAudit(0, 1000))
    if (e.action == "refused") {
      reasons += e.detail + "\n";
      actors.insert(e.actor);
    }
  // A claimed key id is not a proven one: refusals name it as unverified.
  BOOST_TEST(actors.count("unverified:" + client.keyId) == 1u);
  BOOST_TEST(actors.count("anonymous") == 1u);
  BOOST_TEST(actors.count(client.keyId) == 0u);
  for (const char* why : {"no credentials", "wrong secret", "unknown key id", "revoked key", "timestamp outside",
                          "nonce already used", "signature mismatch", "malformed signature"})
    BOOST_TEST(contains(reasons, why), why << " not in\n" << reasons);
}

BOOST_AUTO_TEST_CASE(bad_input_gets_a_clear_4xx_and_the_server_keeps_serving) {
  gateway::HttpOptions options = TestGateway::defaults();
  options.maxBodyBytes = 4096;
  TestGateway gw(options);
  auto c = gw.addClient("c", "d", {"push:tiny", "pull:*", "admin"});
  // A well-behaved client pulls all through the barrage below, and is never refused.
  auto reader = gw.addClient("reader", "d", {"pull:*"});
  std::atomic<bool> done{false};
  std::atomic<int> served{0}, refused{0};
  std::thread wellBehaved([&] {
    while (!done) {
      const auto r = gw.get("/v1/records?limit=10", reader.bearer());
      ++(r.status == 200 ? served : refused);
    }
  });
  auto expect = [&](const std::string& what, const Response& r, int status, const std::string& code,
                    const std::string& text = "") {
    BOOST_TEST(r.status == status, what << ": " << r);
    if (r.status <= 0) return;
    BOOST_TEST(contains(r.header("content-type"), "application/json"), what);
    auto j = r.json();
    BOOST_TEST(str(j, "error") == code, what << ": " << r);
    if (!text.empty()) BOOST_TEST(contains(str(j, "message"), text), what << ": " << r);
    // No stack traces, server paths, SQL or library internals.
    for (const char* leak : {"SELECT", "INSERT", "sqlite", "libpq", ".cpp", ".h:", "std::", "Poco::", "Exception",
                             "/tmp/", "/work/", "/usr/"})
      BOOST_TEST(!contains(r.body, leak), what << " leaks '" << leak << "': " << r.body);
    BOOST_TEST(j->size() == 2u + (j->has("details") ? 1u : 0u), what << ": " << r.body);
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

  // Still serving, and it served the well-behaved client throughout.
  BOOST_TEST(gw.get("/healthz").status == 200);
  BOOST_TEST(gw.get("/readyz").status == 200);
  BOOST_TEST(gw.get("/v1/records", c.bearer()).status == 200);
  done = true;
  wellBehaved.join();
  BOOST_TEST(served.load() > 0);
  BOOST_TEST(refused.load() == 0);
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

BOOST_AUTO_TEST_SUITE_END()
