// The gateway over the PostgreSQL store: the store methods the gateway added
// (nonces, idempotent answers, batched audit appends) and the notifier-driven
// long-poll on the second backend, through the HTTP front.
#include <boost/test/unit_test.hpp>

#include <thread>

#include "tests/core/store_test_support.h"
#include "tests/gateway/gateway_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

BOOST_AUTO_TEST_SUITE(gateway_postgres)

BOOST_AUTO_TEST_CASE(push_pull_sign_and_audit_on_postgresql) {
  testing::PgDatabase db;
  store::StoreOptions so;
  so.backend = "postgres";
  so.postgresConninfo = db.conninfo();
  so.poolSize = 4;
  TestGateway gw(TestGateway::defaults(), so);
  BOOST_TEST(gw.store->backend() == "postgres");
  auto c = gw.addClient("c", "d", {"push:tiny", "pull:*", "admin", "pii"});
  const Headers json = {{"Content-Type", "application/json"}};

  const std::string body = R"([{"id":"PG1","title":"x","phone":"13812341234"},{"id":"PG2","sat":"4.0"}])";
  const Headers idem = c.bearer() + json + Headers{{"Idempotency-Key", "pg-1"}};
  auto first = gw.post("/v1/push/tiny", body, idem);
  BOOST_TEST_REQUIRE(first.status == 200, first);
  BOOST_TEST(first.json()->getValue<int64_t>("dead_letters") == 1);
  auto again = curlRequest(gw.url("/v1/push/tiny"), "POST", body, idem);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(again.header("idempotent-replayed") == "true");
  BOOST_TEST(gw.post("/v1/push/tiny", "[{\"id\":\"PG3\"}]", idem).status == 409);

  // Signed requests and their nonces.
  const auto signedGet = c.sign("GET", "/v1/records", "");
  BOOST_TEST(gw.get("/v1/records", signedGet).status == 200);
  BOOST_TEST(gw.get("/v1/records", signedGet).status == 401);

  // A long-poll wakes on a commit.
  const auto head = gw.get("/v1/records", c.bearer()).json()->getValue<std::string>("next");
  Response polled;
  std::thread poller([&] { polled = gw.get("/v1/records?wait=10&after=" + head, c.bearer()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST(gw.post("/v1/push/tiny", "[{\"id\":\"PG4\"}]", c.bearer() + json).status == 200);
  poller.join();
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count() <
             1000);
  BOOST_TEST(polled.json()->getArray("records")->size() == 1u, polled);

  auto audit = gw.get("/v1/audit?verify=true&limit=1000", c.bearer());
  BOOST_TEST_REQUIRE(audit.status == 200, audit);
  BOOST_TEST(audit.json()->getObject("verification")->getValue<bool>("ok"), audit);
  BOOST_TEST(audit.json()->getArray("entries")->size() >= 6u);
}

BOOST_AUTO_TEST_SUITE_END()
