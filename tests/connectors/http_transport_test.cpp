// The http connector against a real legacy API (tests/connectors/
// http_test_server.h), transport: every auth style verified by the server,
// 503 + Retry-After then success, 500 forever, a slow response, HTTPS with a
// CA made by openssl in the test (the right CA passes; a wrong CA or a wrong
// name fails), options checked with secrets kept out of descriptions, and
// cancelling a retry wait.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "connectors/connector.h"
#include "core/util/error.h"
#include "tests/connectors/http_connector_test_support.h"
#include "tests/connectors/http_test_certs.h"
#include "tests/connectors/http_test_server.h"

using namespace govsync;
using namespace govsync::connectors;
using govsync::test::LegacyApi;
using namespace http_connector_test;

BOOST_AUTO_TEST_SUITE(http_connector)

BOOST_AUTO_TEST_CASE(every_auth_style_is_verified_by_the_server) {
  LegacyApi api;
  const std::string base = "url: " + api.base();
  auto ok = [&](const std::string& yaml) {
    auto r = connector(yaml)->fetch("", 10);
    BOOST_TEST(r.rows.size() == 1u, yaml);
  };
  ok(base + "/auth/basic\nrecords_path: data\nauth: basic\nusername: clerk\npassword: s3cret-密码\n");
  ok(base + "/auth/bearer\nrecords_path: data\nauth: bearer\ntoken: tok-123\n");
  ok(base + "/auth/apikey\nrecords_path: data\nauth: api_key\napi_key_header: X-App-Key\napi_key: k-456\n");
  const std::string hmac = base +
                           "/auth/hmac?region=211103&q=a%20b\nrecords_path: data\nauth: hmac\nhmac_key_id: dept-7\n"
                           "pagination: page\npage_size: 5\n";
  ok(hmac + "hmac_secret: hmac-secret-789\n");
  // POST: the body's SHA-256 is signed too.
  ok(hmac + "hmac_secret: hmac-secret-789\nmethod: POST\nparams_in: query\nbody: '{\"filter\":\"盘锦\"}'\n");
  // Alibaba-style headers, HMAC-SHA1, base64, milliseconds, other fields.
  ok(base +
     "/auth/hmac-sha1\nrecords_path: data\nauth: hmac\nhmac_key_id: dept-7\nhmac_secret: hmac-secret-789\n"
     "hmac_digest: sha1\nhmac_encoding: base64\nhmac_timestamp_unit: ms\nhmac_key_id_header: X-Ca-Key\n"
     "hmac_timestamp_header: X-Ca-Timestamp\nhmac_nonce_header: X-Ca-Nonce\nhmac_signature_header: X-Ca-Signature\n"
     "hmac_signed_fields: [key_id, timestamp, nonce, method, path]\n");

  // Wrong credentials: a configuration problem, not retried.
  for (const std::string& yaml :
       {base + "/auth/basic\nrecords_path: data\nauth: basic\nusername: clerk\npassword: wrong\n",
        base + "/auth/bearer\nrecords_path: data\nauth: bearer\ntoken: nope\n",
        hmac + "hmac_secret: not-the-secret\n"}) {
    const auto before = api.seen("/auth").size();
    const auto e = errorOf([&] { connector(yaml)->fetch("", 10); });
    BOOST_TEST(code(e) == "config");
    BOOST_TEST(contains(e.what(), "credentials rejected (HTTP 401"), e.what());
    BOOST_TEST(!contains(e.what(), "wrong"));  // no secret in the message
    BOOST_TEST(api.seen("/auth").size() == before + 1);
  }

  // The server's replay protection is real: the same signed request twice is refused.
  const auto signedOnce = api.seen("/auth/hmac").front();
  Poco::Net::HTTPClientSession session("127.0.0.1", api.port());
  Poco::Net::HTTPRequest replay("GET", signedOnce.path + "?" + signedOnce.query, "HTTP/1.1");
  for (const auto& [k, v] : signedOnce.headers) replay.set(k, v);
  session.sendRequest(replay);
  Poco::Net::HTTPResponse response;
  session.receiveResponse(response);
  BOOST_TEST(static_cast<int>(response.getStatus()) == 401);
}

BOOST_AUTO_TEST_CASE(service_unavailable_with_retry_after_then_success) {
  LegacyApi api;
  auto c = connector("url: " + api.base() + "/flaky\nrecords_path: data\nmax_retries: 3\nretry_backoff_ms: 10\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c->fetch("", 10);
  BOOST_TEST(r.rows.size() == 2u);
  const auto seen = api.seen("/flaky");
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);
  for (size_t i = 1; i < seen.size(); ++i)  // each wait honours Retry-After: 1 (not the 10 ms backoff)
    BOOST_TEST(std::chrono::duration<double>(seen[i].at - seen[i - 1].at).count() >= 0.95);
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5);

  // Retry-After as an HTTP date, measured against the server's Date header.
  api.failuresBeforeSuccess = 1;
  api.retryAfterAsDate = true;
  api.retryAfterSeconds = 2;
  r = c->fetch("", 10);
  BOOST_TEST(r.rows.size() == 2u);
  const auto dated = api.seen("/flaky");
  BOOST_TEST(std::chrono::duration<double>(dated[4].at - dated[3].at).count() >= 0.9);

  // A Retry-After beyond max_retry_after_seconds ends the fetch at once (retryable).
  api.failuresBeforeSuccess = 1;
  api.retryAfterAsDate = false;
  api.retryAfterSeconds = 3600;
  const auto e = errorOf([&] { c->fetch("", 10); });
  BOOST_TEST(code(e) == "unavailable");
  BOOST_TEST(e.retryable());
  BOOST_TEST(contains(e.what(), "Retry-After 3600 s"), e.what());
}

BOOST_AUTO_TEST_CASE(server_errors_after_the_retries_are_unavailable) {
  LegacyApi api;
  auto c = connector("url: " + api.base() + "/down\nrecords_path: data\nmax_retries: 2\nretry_backoff_ms: 20\n");
  const auto e = errorOf([&] { c->fetch("", 10); });
  BOOST_TEST(code(e) == "unavailable");
  BOOST_TEST(e.retryable());
  BOOST_TEST(contains(e.what(), "GET " + api.base() + "/down: HTTP 500"), e.what());
  BOOST_TEST(contains(e.what(), "3 attempts"), e.what());
  BOOST_TEST(api.seen("/down").size() == 3u);

  // Nothing listening: refused connections are retried, then Unavailable.
  Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
  const auto port = closed.address().port();
  closed.close();
  const auto refused = errorOf([&] {
    connector("url: http://127.0.0.1:" + std::to_string(port) + "/x\nmax_retries: 1\nretry_backoff_ms: 10\n")
        ->fetch("", 10);
  });
  BOOST_TEST(code(refused) == "unavailable");
  BOOST_TEST(contains(refused.what(), "connection refused"), refused.what());
}

BOOST_AUTO_TEST_CASE(a_response_slower_than_the_timeout) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/slow\nrecords_path: data\ntimeout_seconds: 1\nmax_retries: 1\nretry_backoff_ms: 10\n");
  const auto t0 = std::chrono::steady_clock::now();
  const auto e = errorOf([&] { c->fetch("", 10); });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(code(e) == "unavailable");
  BOOST_TEST(contains(e.what(), "no response within 1 s"), e.what());
  BOOST_TEST(api.seen("/slow").size() == 2u);
  BOOST_TEST(took >= 1.9);
  BOOST_TEST(took < 5);
}

BOOST_AUTO_TEST_CASE(https_verifies_the_server_against_the_configured_ca) {
  govsync::test::TestCertificates certs;
  LegacyApi api(certs.path("server.crt"), certs.path("server.key"));
  const std::string base = "url: " + api.base() + "/page\nrecords_path: data.list\nmax_retries: 0\n";
  auto r = connector(base + "ca_file: " + certs.path("ca.crt") + "\n")->fetch("", 100);
  BOOST_TEST(r.rows.size() == 10u);

  // By name too: the certificate's DNS name.
  auto byName = connector("url: https://localhost:" + std::to_string(api.port()) +
                          "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n");
  BOOST_TEST(byName->fetch("", 100).rows.size() == 10u);

  auto wrongCa = errorOf([&] { connector(base + "ca_file: " + certs.path("wrong-ca.crt") + "\n")->fetch("", 10); });
  BOOST_TEST_MESSAGE("wrong CA: " << wrongCa.what());
  BOOST_TEST(code(wrongCa) == "config");
  BOOST_TEST(contains(wrongCa.what(), "certificate"), wrongCa.what());

  // The system's CAs do not know the private CA.
  auto systemCas = errorOf([&] { connector(base)->fetch("", 10); });
  BOOST_TEST(code(systemCas) == "config");

  // Signed by the right CA for another name: refused, even on loopback.
  LegacyApi otherName(certs.path("other-name.crt"), certs.path("other-name.key"));
  auto name = errorOf([&] {
    connector("url: " + otherName.base() +
              "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n")
        ->fetch("", 10);
  });
  BOOST_TEST_MESSAGE("wrong name: " << name.what());
  BOOST_TEST(code(name) == "config");
  BOOST_TEST(contains(name.what(), "127.0.0.1"), name.what());
  auto otherByName = errorOf([&] {
    connector("url: https://localhost:" + std::to_string(otherName.port()) +
              "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n")
        ->fetch("", 10);
  });
  BOOST_TEST(contains(otherByName.what(), "hostname mismatch"), otherByName.what());
  BOOST_TEST(otherName.seen().empty());  // no request was sent

  // A source stuck on TLS 1.1: refused, whatever its certificate.
  LegacyApi oldTls(certs.path("server.crt"), certs.path("server.key"), true);
  auto tls11 = errorOf([&] {
    connector("url: " + oldTls.base() +
              "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n")
        ->fetch("", 10);
  });
  BOOST_TEST_MESSAGE("TLS 1.1 server: " << tls11.what());
  BOOST_TEST(code(tls11) == "config");
  BOOST_TEST(contains(tls11.what(), "does not offer TLS 1.2 or later"), tls11.what());
  BOOST_TEST(oldTls.seen().empty());
}

BOOST_AUTO_TEST_CASE(options_are_checked_and_secrets_stay_out_of_descriptions) {
  const auto e = errorOf([] {
    connector(
        "url: http://user:pw@example.org/x\npagination: cursor\nverify_certificate: false\nauth: hmac\n"
        "hmac_key_id: k\nhmac_signed_fields: [method, date]\nformat: xml\n");
  });
  const std::string m = e.what();
  BOOST_TEST(code(e) == "config");
  for (const char* part : {"url: must not carry credentials", "next_cursor_path: required for cursor pagination",
                           "verify_certificate: false is not supported", "hmac_secret: required for auth: hmac",
                           "hmac_signed_fields: unknown field 'date'", "records_path: required for xml", "test.yaml:"})
    BOOST_TEST(contains(m, part), m);
  BOOST_TEST(!contains(m, "pw@"), m);

  auto c = connector("url: https://api.example.org/v1/cases?appkey=visible\nauth: bearer\ntoken: top-secret\n");
  BOOST_TEST(c->describe() == "http GET https://api.example.org/v1/cases (json, no pagination, bearer auth)");
}

BOOST_AUTO_TEST_CASE(cancel_wakes_a_retry_wait) {
  LegacyApi api;
  api.failuresBeforeSuccess = 5;
  api.retryAfterSeconds = 30;
  auto c = connector("url: " + api.base() + "/flaky\nrecords_path: data\nmax_retries: 5\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto stopper = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c->cancel();
  });
  const auto e = errorOf([&] { c->fetch("", 10); });
  stopper.get();
  BOOST_TEST(contains(e.what(), "cancelled"), e.what());
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5);
}

BOOST_AUTO_TEST_SUITE_END()
