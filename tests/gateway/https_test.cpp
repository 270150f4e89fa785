// HTTPS: the gateway with a certificate from a test CA made by the openssl CLI.
// curl trusting that CA succeeds, curl trusting another CA fails, TLS 1.1 is
// refused by the server (the client is told to allow it), and with
// require_client_cert only a client certificate from the configured CA gets in.
#include <boost/test/unit_test.hpp>

#include "core/util/error.h"
#include "tests/connectors/http_test_certs.h"
#include "tests/gateway/gateway_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

namespace {

gateway::HttpOptions tlsOptions(const test::TestCertificates& certs) {
  auto o = TestGateway::defaults();
  o.tlsCertFile = certs.path("server.crt");
  o.tlsKeyFile = certs.path("server.key");
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gateway_https)

BOOST_AUTO_TEST_CASE(https_with_a_test_ca_tls_1_2_or_later_only) {
  test::TestCertificates certs;
  TestGateway gw(tlsOptions(certs));
  BOOST_TEST(gw.http->url().rfind("https://127.0.0.1:", 0) == 0);
  auto c = gw.addClient("c", "d", {"push:tiny", "pull:*"});
  const std::vector<std::string> trustCa = {"--cacert", certs.path("ca.crt")};

  auto health = curlRequest(gw.url("/healthz"), "GET", "", {}, trustCa);
  BOOST_TEST(health.status == 200, health);
  auto pushed = curlRequest(gw.url("/v1/push/tiny"), "POST", R"([{"id":"T1","title":"x"}])",
                            c.bearer() + Headers{{"Content-Type", "application/json"}}, trustCa);
  BOOST_TEST(pushed.status == 200, pushed);
  auto pulled = curlRequest(gw.url("/v1/records"), "GET", "", c.bearer(), trustCa);
  BOOST_TEST(pulled.status == 200, pulled);
  BOOST_TEST(contains(pulled.body, "\"source_id\":\"T1\""), pulled);

  // A client that trusts another CA refuses the server (curl: exit 60).
  auto wrongCa = curlRequest(gw.url("/healthz"), "GET", "", {}, {"--cacert", certs.path("wrong-ca.crt")});
  BOOST_TEST(wrongCa.status == -60, wrongCa);
  // Plain HTTP to the HTTPS port gets no HTTP answer.
  auto plain = curlRequest("http://127.0.0.1:" + std::to_string(gw.port()) + "/healthz", "GET");
  BOOST_TEST(plain.status != 200, plain);

  // TLS 1.1 is refused; TLS 1.2 and 1.3 are fine.
  auto old = tlsHandshake(gw.port(), "tls1_1");
  BOOST_TEST(old.exit != 0, old);
  BOOST_TEST(!contains(old.out + old.err, "Protocol version: TLSv1.1"), old);
  auto tls12 = tlsHandshake(gw.port(), "tls1_2");
  BOOST_TEST(tls12.exit == 0, tls12);
  BOOST_TEST(contains(tls12.out + tls12.err, "TLSv1.2"), tls12);
  auto tls13 = tlsHandshake(gw.port(), "tls1_3");
  BOOST_TEST(tls13.exit == 0, tls13);

  // Still serving after the refused handshakes.
  BOOST_TEST(curlRequest(gw.url("/healthz"), "GET", "", {}, trustCa).status == 200);
}

BOOST_AUTO_TEST_CASE(mutual_tls_admits_only_client_certificates_from_the_ca) {
  test::TestCertificates certs;
  auto o = tlsOptions(certs);
  o.tlsCaFile = certs.path("ca.crt");
  o.requireClientCert = true;
  TestGateway gw(o);
  const std::vector<std::string> trustCa = {"--cacert", certs.path("ca.crt")};

  auto none = curlRequest(gw.url("/healthz"), "GET", "", {}, trustCa);
  BOOST_TEST(none.status < 0, none);
  auto signedByCa = curlRequest(gw.url("/healthz"), "GET", "", {},
                                {"--cacert", certs.path("ca.crt"), "--cert", certs.path("other-name.crt"), "--key",
                                 certs.path("other-name.key")});
  BOOST_TEST(signedByCa.status == 200, signedByCa);
  auto foreign = curlRequest(
      gw.url("/healthz"), "GET", "", {},
      {"--cacert", certs.path("ca.crt"), "--cert", certs.path("wrong-ca.crt"), "--key", certs.path("wrong-ca.key")});
  BOOST_TEST(foreign.status < 0, foreign);
}

BOOST_AUTO_TEST_CASE(a_listed_client_certificate_is_the_credential) {
  test::TestCertificates certs;
  certs.issue("dept-a", "subjectAltName=DNS:dept-a.client");
  auto o = tlsOptions(certs);
  o.tlsCaFile = certs.path("ca.crt");  // certificates optional, verified when sent
  o.certClients = {{"dept-a.client", "water"}};
  TestGateway gw(o);
  auto water = gw.addClient("water", "水务集团", {"push:tiny", "pull:*"});
  auto withCert = [&](const std::string& cert) {
    return std::vector<std::string>{"--cacert", certs.path("ca.crt"),     "--cert", certs.path(cert + ".crt"),
                                    "--key",    certs.path(cert + ".key")};
  };
  // The mapped certificate pushes and pulls as `water`, with no other credential.
  auto pushed = curlRequest(gw.url("/v1/push/tiny"), "POST", R"([{"id":"M1","title":"x"}])",
                            {{"Content-Type", "application/json"}}, withCert("dept-a"));
  BOOST_TEST(pushed.status == 200, pushed);
  auto pulled = curlRequest(gw.url("/v1/records"), "GET", "", {}, withCert("dept-a"));
  BOOST_TEST(pulled.status == 200, pulled);
  BOOST_TEST(contains(pulled.body, "\"source_id\":\"M1\""), pulled);
  BOOST_TEST(contains(pulled.body, "\"department\":\"水务集团\""), pulled);  // the pusher's, as the mapping sets none
  // A certificate from the CA that is not listed, or none: 401 as for any failure.
  BOOST_TEST(curlRequest(gw.url("/v1/records"), "GET", "", {}, withCert("other-name")).status == 401);
  BOOST_TEST(curlRequest(gw.url("/v1/records"), "GET", "", {}, {"--cacert", certs.path("ca.crt")}).status == 401);
  // Other credentials still work beside it; a revoked client's certificate stops working.
  BOOST_TEST(curlRequest(gw.url("/v1/records"), "GET", "", water.bearer(), {"--cacert", certs.path("ca.crt")}).status ==
             200);
  gw.store->revokeClient("water");
  BOOST_TEST(curlRequest(gw.url("/v1/records"), "GET", "", {}, withCert("dept-a")).status == 401);
}

BOOST_AUTO_TEST_CASE(tls_settings_are_checked_at_start) {
  test::TestCertificates certs;
  auto o = tlsOptions(certs);
  o.tlsKeyFile = certs.path("missing.key");
  TempDir d;
  store::StoreOptions so;
  so.sqlitePath = d.file("g.db");
  auto store = store::openStore(so);
  mapping::MappingSet mappings(d.file("maps"), d.file("codes"));
  const auto key = gateway::MasterKey::fromBytes(randomBytes(32));
  gateway::ExchangeService service(*store, mappings, nullptr, key);
  gateway::Authenticator auth(*store, key);
  gateway::HttpGateway http(service, auth, o);
  try {
    http.start();
    BOOST_FAIL("started with a missing key file");
  } catch (const govsync::Error& e) {
    BOOST_TEST((e.code() == govsync::ErrorCode::Config));
    BOOST_TEST(contains(e.what(), "cannot serve HTTPS on 127.0.0.1:0"), e.what());
  }
}

BOOST_AUTO_TEST_SUITE_END()
