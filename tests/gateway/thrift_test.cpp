// The Thrift gateway over TLS with a CA made in the test: the generated C++
// client and a Python client (`thrift --gen py`, Debian's python3-thrift)
// push, pull, long-poll, get and subscribe; every authentication failure is
// an AuthError; scopes give NotFound; bad input gives InvalidInput with
// per-field details; hostile frames (a 2 GiB frame header, a 2^31−1 string
// length, a billion-item list, 10,000-deep nesting) close only their own
// connection while a well-behaved client keeps being served; TLS 1.1 is
// refused; mutual TLS admits only listed certificate names; the thread
// count bounds concurrent clients.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "core/util/error.h"
#include "tests/gateway/thrift_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;
using Clock = std::chrono::steady_clock;

namespace {

std::string tinyRows(const std::string& from, int n) {
  std::string body = "[";
  for (int i = 0; i < n; ++i) {
    if (i) body += ",";
    body += R"({"id":")" + from + std::to_string(i) +
            R"(","title":"路灯不亮","region":"211102","name":"张三","phone":"13912345678","sat":"4"})";
  }
  return body + "]";
}

schema::PushRowsRequest rowsRequest(const std::string& platform, const std::string& body) {
  schema::PushRowsRequest r;
  r.platform = platform;
  r.body = body;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gateway_thrift)

BOOST_AUTO_TEST_CASE(push_pull_get_and_subscribe_with_the_cpp_client_over_tls) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  BOOST_TEST(gw.thrift->url().rfind("thrift+tls://127.0.0.1:", 0) == 0);
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:CASE"});
  auto centre = gw.addClient("centre", "大数据中心", {"pull:*", "pii"});

  ThriftClient c(gw.thrift->port(), &certs);
  schema::PushRowsResult pushed;
  c->pushRows(pushed, bearerCredential(dept), rowsRequest("tiny", tinyRows("T", 3)));
  BOOST_TEST(pushed.rows == 3);
  BOOST_TEST(pushed.records == 3);
  BOOST_TEST(pushed.changed == 3);
  BOOST_TEST_REQUIRE(pushed.results.size() == 3u);
  BOOST_TEST((pushed.results[0].outcome == schema::RowOutcome::RECORD));
  BOOST_TEST(pushed.mapping.rfind("tiny@", 0) == 0);

  // Same rows again: idempotent, nothing changes.
  c->pushRows(pushed, bearerCredential(dept), rowsRequest("tiny", tinyRows("T", 3)));
  BOOST_TEST(pushed.changed == 0);
  BOOST_TEST(pushed.unchanged == 3);

  // A dead letter with its reason.
  c->pushRows(pushed, bearerCredential(dept), rowsRequest("tiny", R"([{"id":"D1","sat":"many"}])"));
  BOOST_TEST_REQUIRE(pushed.results.size() == 1u);
  BOOST_TEST((pushed.results[0].outcome == schema::RowOutcome::DEAD_LETTER));
  BOOST_TEST(pushed.results[0].field == "satisfaction_level");
  BOOST_TEST(!pushed.results[0].reason.empty());

  // Pull without pii: masked; with pii: in clear. Typed records.
  schema::PullRequest pr;
  pr.__set_limit(2);
  schema::FeedPage page;
  c->pull(page, bearerCredential(dept), pr);
  BOOST_TEST_REQUIRE(page.records.size() == 2u);
  BOOST_TEST(page.records[0].case_record.reporter_phone == "139****5678");
  BOOST_TEST(page.records[0].case_record.reporter_name != "张三");
  BOOST_TEST(page.records[0].envelope.source_system == "tiny");
  pr.__set_after(page.next_cursor);
  pr.__set_limit(100);
  schema::FeedPage rest;
  c->pull(rest, bearerCredential(dept), pr);
  BOOST_TEST(rest.records.size() == 1u);

  schema::FeedPage clear;
  c->pull(clear, bearerCredential(centre), schema::PullRequest());
  BOOST_TEST_REQUIRE(clear.records.size() == 3u);
  BOOST_TEST(clear.records[0].case_record.reporter_phone == "13912345678");
  // Both forms are now kept decoded: each caller still gets its own.
  schema::FeedPage again;
  c->pull(again, bearerCredential(dept), schema::PullRequest());
  BOOST_TEST_REQUIRE(again.records.size() == 3u);
  BOOST_TEST(again.records[0].case_record.reporter_phone == "139****5678");
  BOOST_TEST((again.records[2] == rest.records[0]));  // served from the kept form, unchanged
  c->pull(clear, bearerCredential(centre), schema::PullRequest());
  BOOST_TEST(clear.records[2].case_record.reporter_phone == "13912345678");

  schema::Record one;
  c->getRecord(one, bearerCredential(centre), clear.records[1].envelope.record_id);
  BOOST_TEST(one.case_record.case_no == "T1");
  auto missing = expectThrow<schema::NotFound>([&] { c->getRecord(one, bearerCredential(centre), "no-such-id"); });
  BOOST_TEST(missing.message.find("no-such-id") != std::string::npos);

  // A kind outside the caller's scopes: NotFound, as for a real miss.
  schema::PullRequest reviews;
  reviews.__set_kind(schema::RecordKind::REVIEW);
  expectThrow<schema::NotFound>([&] { c->pull(page, bearerCredential(dept), reviews); });
  // Pushing to a platform it does not own: NotFound.
  expectThrow<schema::NotFound>(
      [&] { c->pushRows(pushed, bearerCredential(dept), rowsRequest("tinyreview", R"([{"id":"1"}])")); });

  // Subscriptions: the cursor stays on the server until acknowledged.
  schema::SubscriptionRequest sr;
  sr.name = "nightly";
  sr.__set_limit(2);
  schema::FeedPage s1, s2;
  c->subscriptionGet(s1, bearerCredential(centre), sr);
  BOOST_TEST(s1.records.size() == 2u);
  c->subscriptionGet(s2, bearerCredential(centre), sr);
  BOOST_TEST(s2.next_cursor == s1.next_cursor);  // not acknowledged: same page
  schema::SubscriptionState state;
  c->subscriptionAck(state, bearerCredential(centre), "nightly", s1.next_cursor);
  BOOST_TEST(state.cursor == s1.next_cursor);
  c->subscriptionGet(s2, bearerCredential(centre), sr);
  BOOST_TEST(s2.records.size() == 1u);

  const auto f = gw.thrift->figures();
  BOOST_TEST(f.calls >= 12u);
  BOOST_TEST(f.failedCalls >= 3u);
  // The Thrift front's counters are in the one /metrics.
  auto metrics = gw.get("/metrics");
  BOOST_TEST(contains(metrics.body, "govsync_thrift_calls_total " + std::to_string(gw.thrift->figures().calls)),
             metrics);
  BOOST_TEST(contains(metrics.body, "# TYPE govsync_thrift_transport_errors_total counter"), metrics);
}

BOOST_AUTO_TEST_CASE(pushed_records_are_validated_with_per_field_details) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:*"});
  ThriftClient c(gw.thrift->port(), &certs);

  std::vector<schema::Record> records(2);
  records[0].envelope.kind = schema::RecordKind::CASE;
  records[0].envelope.source_system = "tiny";
  records[0].envelope.source_id = "R1";
  records[0].__set_case_record({});
  records[0].case_record.case_no = "R1";
  records[1] = records[0];
  records[1].envelope.source_id = "";
  records[1].envelope.__set_region_code("21");
  schema::PushRecordsResult result;
  auto invalid = expectThrow<schema::InvalidInput>([&] { c->pushRecords(result, bearerCredential(dept), records); });
  BOOST_TEST(invalid.code == "invalid_input");
  std::set<std::string> fields;
  for (const auto& d : invalid.details) fields.insert(d.field);
  BOOST_TEST(fields.count("records[1].source_id"));
  BOOST_TEST(fields.count("records[1].region_code"));
  BOOST_TEST(gw.store->headPosition() == 0);  // nothing committed

  records.pop_back();
  c->pushRecords(result, bearerCredential(dept), records);
  BOOST_TEST_REQUIRE(result.outcomes.size() == 1u);
  BOOST_TEST(result.outcomes[0].changed);
  BOOST_TEST(result.outcomes[0].version == 1);

  // Other bad input: a negative limit, a cursor we never issued, a body that
  // is not UTF-8, an unknown platform.
  schema::PullRequest pr;
  pr.__set_limit(-1);
  schema::FeedPage page;
  auto negative = expectThrow<schema::InvalidInput>([&] { c->pull(page, bearerCredential(dept), pr); });
  BOOST_TEST_REQUIRE(negative.details.size() == 1u);
  BOOST_TEST(negative.details[0].field == "limit");
  schema::PullRequest badCursor;
  badCursor.__set_after("not-a-cursor");
  expectThrow<schema::InvalidInput>([&] { c->pull(page, bearerCredential(dept), badCursor); });
  schema::PushRowsResult pushed;
  auto utf8 = expectThrow<schema::InvalidInput>(
      [&] { c->pushRows(pushed, bearerCredential(dept), rowsRequest("tiny", "[{\"id\":\"\xff\xfe\"}]")); });
  BOOST_TEST(utf8.message.find("UTF-8") != std::string::npos);
  expectThrow<schema::NotFound>([&] { c->pushRows(pushed, bearerCredential(dept), rowsRequest("nosuch", "[]")); });
  // The connection survived every refusal.
  c->pull(page, bearerCredential(dept), schema::PullRequest());
  BOOST_TEST(page.records.size() == 1u);
}

BOOST_AUTO_TEST_CASE(every_authentication_failure_is_an_auth_error) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:*"});
  ThriftClient c(gw.thrift->port(), &certs);
  schema::FeedPage page;
  schema::PushRowsResult pushed;
  const schema::PullRequest all;

  // Signed calls work, for pull and for a push whose body is signed.
  c->pull(page, signedCredential(dept, "pull"), all);
  const std::string body = tinyRows("S", 1);
  c->pushRows(pushed, signedCredential(dept, "pushRows", body), rowsRequest("tiny", body));
  BOOST_TEST(pushed.records == 1);

  auto refused = [&](const schema::Credential& cr, const std::string& why) {
    auto e = expectThrow<schema::AuthError>([&] { c->pull(page, cr, all); });
    BOOST_TEST(e.message == "authentication failed", why);
  };
  refused(schema::Credential(), "no credential");
  refused(bearerCredential({dept.keyId, "wrong-secret"}), "wrong secret");
  refused(signedCredential(dept, "pull", "", nowMillis() / 1000 - 301), "expired timestamp");
  refused(signedCredential({dept.keyId, "wrong-secret"}, "pull"), "wrong signing secret");
  refused(signedCredential(dept, "getRecord"), "signed for another method");
  auto once = signedCredential(dept, "pull");
  c->pull(page, once, all);
  refused(once, "replayed nonce");
  // A tampered body: signed over one body, another sent.
  auto tampered = expectThrow<schema::AuthError>(
      [&] { c->pushRows(pushed, signedCredential(dept, "pushRows", body), rowsRequest("tiny", tinyRows("X", 1))); });
  BOOST_TEST(tampered.message == "authentication failed");
  // A revoked key.
  gw.store->revokeClient(dept.keyId);
  refused(bearerCredential(dept), "revoked key");

  // Every refusal is in the audit log.
  gw.service->flushAudit();
  size_t refusals = 0;
  for (const auto& e : gw.store->listAudit(0, 1000))
    if (e.action == "refused" && e.target.rfind("thrift/", 0) == 0) ++refusals;
  BOOST_TEST(refusals >= 8u);
}

BOOST_AUTO_TEST_CASE(a_long_poll_returns_soon_after_a_commit) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:*"});
  ThriftClient waiter(gw.thrift->port(), &certs), pusher(gw.thrift->port(), &certs);
  schema::FeedPage head;
  waiter->pull(head, bearerCredential(dept), schema::PullRequest());

  std::atomic<int64_t> returnedAt{0};
  schema::FeedPage woken;
  std::thread t([&] {
    schema::PullRequest pr;
    pr.__set_after(head.next_cursor);
    pr.__set_wait_seconds(20);
    waiter->pull(woken, bearerCredential(dept), pr);
    returnedAt = nowMillis();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_TEST(returnedAt.load() == 0);  // still waiting
  schema::PushRowsResult pushed;
  pusher->pushRows(pushed, bearerCredential(dept), rowsRequest("tiny", tinyRows("L", 1)));
  const int64_t committedAt = nowMillis();
  t.join();
  BOOST_TEST(woken.records.size() == 1u);
  BOOST_TEST(returnedAt.load() - committedAt < 1000);
}

BOOST_AUTO_TEST_CASE(the_python_client_generated_by_thrift_works_over_tls) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:*"});
  auto gone = gw.addClient("gone", "水务集团", {"pull:*"});
  gw.store->revokeClient(gone.keyId);
  const std::string binaryDir = std::getenv("GOVSYNC_BINARY_DIR") ? std::getenv("GOVSYNC_BINARY_DIR") : "build";
  const std::string sourceDir = std::getenv("GOVSYNC_SOURCE_DIR") ? std::getenv("GOVSYNC_SOURCE_DIR") : ".";
  auto run = runProgram({"/usr/bin/python3", sourceDir + "/tests/gateway/thrift_client.py", binaryDir + "/gen/py",
                         std::to_string(gw.thrift->port()), certs.path("ca.crt"), dept.keyId, dept.secret,
                         gone.keyId + "." + gone.secret});
  BOOST_TEST_REQUIRE(run.exit == 0, run);
  // The script prints one line per check; each must say ok.
  for (const char* check :
       {"push ok", "pull ok", "masked ok", "signed ok", "auth_error ok", "not_found ok", "invalid_input ok",
        "replay ok", "no_credential ok", "expired ok", "tampered ok", "wrong_method ok", "revoked ok", "wrong_scope ok",
        "hostile_frame_closed ok", "still_serving ok"})
    BOOST_TEST(contains(run.out, check), check << "\n" << run);
  BOOST_TEST(gw.store->headPosition() > 0);
}

BOOST_AUTO_TEST_CASE(hostile_frames_close_only_their_connection) {
  test::TestCertificates certs;
  TestGateway gw;
  auto o = tlsThrift(certs);
  o.maxFrameBytes = 1 << 20;
  o.maxStringBytes = 1 << 19;
  o.maxContainerItems = 1000;
  gw.startThrift(o);
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:*"});
  {
    ThriftClient c(gw.thrift->port(), &certs);
    schema::PushRowsResult pushed;
    c->pushRows(pushed, bearerCredential(dept), rowsRequest("tiny", tinyRows("H", 5)));
  }

  // A well-behaved client keeps pulling throughout.
  std::atomic<bool> done{false};
  std::atomic<int> good{0}, bad{0};
  std::thread legit([&] {
    ThriftClient c(gw.thrift->port(), &certs);
    while (!done) {
      try {
        schema::FeedPage page;
        c->pull(page, bearerCredential(dept), schema::PullRequest());
        if (page.records.size() == 5u)
          ++good;
        else
          ++bad;
      } catch (const std::exception&) {
        ++bad;
      }
    }
  });

  const std::string pullName = "pull";
  // A frame header announcing 2 GiB (and one just under): closed before any allocation.
  for (uint32_t size : {0x80000000u, 0x7fffffffu}) {
    RawTlsPipe p(gw.thrift->port(), certs);
    p.send(be32(size) + "abcd");
    BOOST_TEST(p.closedByServer(), "frame of " << size << " bytes");
  }
  // A string (the credential's token) declaring 2^31−1 bytes.
  {
    RawTlsPipe p(gw.thrift->port(), certs);
    const std::string msg = callHeader(pullName) + "\x0c" + be16(1) + "\x0b" + be16(1) + be32(0x7fffffffu) + "xy";
    p.send(frame(msg));
    BOOST_TEST(p.closedByServer(), "string of 2^31-1 bytes");
  }
  // A list declaring a billion items (pushRecords' records).
  {
    RawTlsPipe p(gw.thrift->port(), certs);
    const std::string msg =
        callHeader("pushRecords") + "\x0c" + be16(1) + "\x00" + "\x0f" + be16(2) + "\x0c" + be32(1000000000u) + "\x00";
    p.send(frame(msg));
    BOOST_TEST(p.closedByServer(), "list of a billion items");
  }
  // Structs nested 10,000 deep in an unknown field: the recursion limit.
  {
    RawTlsPipe p(gw.thrift->port(), certs);
    std::string nested = callHeader(pullName) + "\x0c" + be16(1);
    for (int i = 0; i < 10000; ++i) nested += std::string("\x0c") + be16(99);
    p.send(frame(nested));
    BOOST_TEST(p.closedByServer(), "nesting 10,000 deep");
  }
  // Not Thrift at all.
  {
    RawTlsPipe p(gw.thrift->port(), certs);
    p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(p.closedByServer(), "an HTTP request");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  done = true;
  legit.join();
  BOOST_TEST(good.load() > 0);
  BOOST_TEST(bad.load() == 0);
  BOOST_TEST(gw.thrift->figures().transportErrors >= 5u);

  // And the server still takes new clients.
  ThriftClient after(gw.thrift->port(), &certs);
  schema::FeedPage page;
  after->pull(page, bearerCredential(dept), schema::PullRequest());
  BOOST_TEST(page.records.size() == 5u);
}

BOOST_AUTO_TEST_CASE(https_and_thrift_over_tls_run_in_one_process) {
  // Both fronts build OpenSSL contexts in the same process: one's leftover
  // OpenSSL error must not make the other refuse to start.
  test::TestCertificates certs;
  auto https = TestGateway::defaults();
  https.tlsCertFile = certs.path("server.crt");
  https.tlsKeyFile = certs.path("server.key");
  TestGateway gw(https);
  gw.startThrift(tlsThrift(certs));
  auto dept = gw.addClient("dept", "水务集团", {"push:tiny", "pull:*"});
  auto pushed =
      curlRequest(gw.url("/v1/push/tiny"), "POST", tinyRows("B", 2),
                  dept.bearer() + Headers{{"Content-Type", "application/json"}}, {"--cacert", certs.path("ca.crt")});
  BOOST_TEST(pushed.status == 200, pushed.body);
  ThriftClient c(gw.thrift->port(), &certs);
  schema::FeedPage page;
  c->pull(page, bearerCredential(dept), schema::PullRequest());
  BOOST_TEST(page.records.size() == 2u);
  // Forward-secret ciphers only on TLS 1.2, as for HTTPS.
  auto rsaKex = tlsHandshake(gw.thrift->port(), "tls1_2", "AES256-GCM-SHA384");
  BOOST_TEST(rsaKex.exit != 0, rsaKex);
}

BOOST_AUTO_TEST_CASE(a_second_server_on_a_taken_port_refuses_to_start) {
  // Without SO_REUSEPORT: a second instance must fail loudly, not share the
  // port and take half the connections.
  TestGateway first;
  first.startThrift();
  auto http = TestGateway::defaults();
  http.port = first.port();
  gateway::HttpGateway second(*first.service, *first.auth, http);
  try {
    second.start();
    BOOST_ERROR("a second HTTP server started on a taken port");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "cannot serve HTTP on 127.0.0.1:" + std::to_string(first.port())), e.what());
  }
  auto thrift = TestGateway::thriftDefaults();
  thrift.port = first.thrift->port();
  gateway::ThriftGateway secondThrift(*first.service, *first.auth, thrift);
  BOOST_CHECK_THROW(secondThrift.start(), Error);
  BOOST_TEST(first.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(tls_1_1_and_plain_connections_are_refused) {
  test::TestCertificates certs;
  TestGateway gw;
  gw.startThrift(tlsThrift(certs));
  auto old = tlsHandshake(gw.thrift->port(), "tls1_1");
  BOOST_TEST(old.exit != 0, old);
  auto tls12 = tlsHandshake(gw.thrift->port(), "tls1_2");
  BOOST_TEST(tls12.exit == 0, tls12);
  auto tls13 = tlsHandshake(gw.thrift->port(), "tls1_3");
  BOOST_TEST(tls13.exit == 0, tls13);
  // A plain (non-TLS) Thrift client gets no answer.
  auto dept = gw.addClient("dept", "水务集团", {"pull:*"});
  ThriftClient plain(gw.thrift->port());
  schema::FeedPage page;
  BOOST_CHECK_THROW(plain->pull(page, bearerCredential(dept), schema::PullRequest()), apache::thrift::TException);
}

BOOST_AUTO_TEST_CASE(mutual_tls_admits_only_listed_certificate_names) {
  test::TestCertificates certs;
  certs.issue("dept-a", "subjectAltName=DNS:dept-a.client");
  certs.issue("dept-b", "subjectAltName=DNS:dept-b.client");
  TestGateway gw;
  auto o = tlsThrift(certs);
  o.tlsCaFile = certs.path("ca.crt");
  o.requireClientCert = true;
  o.allowedPeers = {"dept-a.client"};
  gw.startThrift(o);
  auto dept = gw.addClient("dept", "水务集团", {"pull:*"});
  schema::FeedPage page;

  ThriftClient a(gw.thrift->port(), &certs, "dept-a");
  a->pull(page, bearerCredential(dept), schema::PullRequest());  // admitted
  auto refusedWith = [&](const std::string& cert) {
    try {
      ThriftClient c(gw.thrift->port(), &certs, cert);
      c->pull(page, bearerCredential(dept), schema::PullRequest());
    } catch (const apache::thrift::TException&) {
      return true;
    }
    return false;
  };
  BOOST_TEST(refusedWith("dept-b"));                             // same CA, name not listed
  BOOST_TEST(refusedWith(""));                                   // no certificate
  a->pull(page, bearerCredential(dept), schema::PullRequest());  // still served
}

BOOST_AUTO_TEST_CASE(threads_bound_concurrent_clients_and_idle_ones_are_cut) {
  TestGateway gw;
  auto o = TestGateway::thriftDefaults();
  o.threads = 2;
  o.timeoutSeconds = 2;
  gw.startThrift(o);
  auto dept = gw.addClient("dept", "水务集团", {"pull:*"});
  // Connections that send nothing are not even accepted (Thrift's listener
  // sets TCP_DEFER_ACCEPT); two that stall inside a frame header take both
  // workers...
  att::TSocket idle1("127.0.0.1", gw.thrift->port()), idle2("127.0.0.1", gw.thrift->port());
  for (auto* s : {&idle1, &idle2}) {
    s->open();
    s->write(reinterpret_cast<const uint8_t*>("\0\0"), 2);
    s->flush();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_TEST(gw.thrift->figures().connections == 2u);
  // ...so a third client waits until the receive timeout cuts them.
  const auto start = Clock::now();
  ThriftClient c(gw.thrift->port());
  schema::FeedPage page;
  c->pull(page, bearerCredential(dept), schema::PullRequest());
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  BOOST_TEST(waited >= 1000);
  BOOST_TEST(waited < 10000);
}

BOOST_AUTO_TEST_SUITE_END()
