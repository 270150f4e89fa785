// The store's contract, proven once and run on both backends: every test
// case is a data test case over {sqlite, postgres}, each on a fresh store
// (SQLite in a temporary folder, PostgreSQL as a new database).
// This part: API clients, migrations (reopening, a newer schema), corrupt
// rows reported and not served, and clear errors for bad store targets (the
// audit chain is in store_audit_test.cpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
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

// ---------------------------------------------------------------- clients

BOOST_DATA_TEST_CASE(api_clients, kBackends, backend) {
  TestStore s(backend);
  ApiClient c;
  c.keyId = "gk_1";
  c.name = "bigdata-centre";
  c.department = "市大数据中心";
  c.scopes = {"pull:CASE", "pull:REVIEW", "pii"};
  c.secretSalt = "salt";
  c.secretHash = "hash";
  s->addClient(c);
  auto found = s->findClient("gk_1");
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(found->name == "bigdata-centre");
  BOOST_TEST(found->department == "市大数据中心");
  BOOST_TEST(found->scopes == c.scopes, boost::test_tools::per_element());
  BOOST_TEST(found->secretSalt == "salt");
  BOOST_TEST(found->secretHash == "hash");
  BOOST_TEST(found->createdAt > 0);
  BOOST_TEST(found->revokedAt == 0);
  BOOST_TEST(!s->findClient("gk_2").has_value());

  ApiClient dup = c;
  dup.keyId = "gk_2";
  auto e = expectError(ErrorCode::Conflict, [&] { s->addClient(dup); });
  BOOST_TEST(contains(e.what(), "bigdata-centre"));
  ApiClient sameKey = c;
  sameKey.name = "other";
  expectError(ErrorCode::Conflict, [&] { s->addClient(sameKey); });

  ApiClient b = c;
  b.keyId = "gk_3";
  b.name = "12345-hotline";
  b.scopes = {};
  s->addClient(b);
  auto list = s->listClients();
  BOOST_TEST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].name == "12345-hotline");
  BOOST_TEST(list[0].scopes.empty());

  BOOST_TEST(s->revokeClient("bigdata-centre"));
  BOOST_TEST(s->findClient("gk_1")->revokedAt > 0);
  BOOST_TEST(!s->revokeClient("bigdata-centre"));  // already revoked
  BOOST_TEST(s->revokeClient("gk_3"));             // by key id
  BOOST_TEST(!s->revokeClient("nobody"));
}

// ------------------------------------------------------------- migrations

BOOST_DATA_TEST_CASE(reopening_keeps_data, kBackends, backend) {
  TestStore s(backend);
  const int version = s->schemaVersion();
  BOOST_TEST(version >= 1);
  CommitBatch batch;
  batch.records = {caseRecord("a", "1"), reviewRecord("b", "1")};
  batch.checkpoint = Checkpoint{"a", "42", 0};
  batch.deadLetters = {deadLetter("a", "map", "e", "raw")};
  s->commit(batch);
  s->openSubscription("sub", {}, 1);
  const std::string auditKey = govsync::deriveKey(std::string(32, 'm'), kAuditKeyPurpose);
  s->setAuditKey(auditKey);
  s->appendAudit(AuditEntry{0, 0, "cli", "admin.test", "", "", "", ""});

  for (int i = 0; i < 2; ++i) {
    s.reopen();
    s->setAuditKey(auditKey);
    BOOST_TEST(s->schemaVersion() == version);
    BOOST_TEST(s->headPosition() == 2);
    BOOST_TEST(readWholeFeed(*s).size() == 2u);
    BOOST_TEST(s->getRecord(recordIdOf(caseRecord("a", "1"))).has_value());
    BOOST_TEST(s->getCheckpoint("a")->value == "42");
    BOOST_TEST(s->listDeadLetters({}).size() == 1u);
    BOOST_TEST(s->getSubscription("sub")->position == 1);
    BOOST_TEST(s->verifyAudit().entries == 1);
  }
  BOOST_TEST(s.sql("SELECT count(*) FROM schema_migrations").at(0).at(0) == std::to_string(version));
  // Positions continue after a reopen.
  BOOST_TEST(commitRecords(*s, {caseRecord("a", "2")}).outcomes[0].position == 3);
}

BOOST_DATA_TEST_CASE(newer_schema_is_refused, kBackends, backend) {
  TestStore s(backend);
  s.close();
  s.sql("INSERT INTO schema_migrations (version, description, applied_at) VALUES (999, 'from the future', 0)");
  auto e = expectError(ErrorCode::Config, [&] { s.reopen(); });
  BOOST_TEST_MESSAGE(e.what());
  BOOST_TEST(contains(e.what(), "999"), e.what());
  BOOST_TEST(contains(e.what(), "upgrade"), e.what());
  if (backend == Backend::Sqlite) BOOST_TEST(contains(e.what(), s.options().sqlitePath), e.what());
}

BOOST_DATA_TEST_CASE(corrupt_rows_are_reported_not_served, kBackends, backend) {
  TestStore s(backend);
  const Record a = caseRecord("hotline", "1"), b = caseRecord("hotline", "2"), c = caseRecord("hotline", "3"),
               d = caseRecord("hotline", "4");
  commitRecords(*s, {a, b, c, d});
  const std::string blobOf = backend == Backend::Sqlite ? "X'0c000102'" : "'\\x0c000102'::bytea";

  // A damaged body (unreadable bytes).
  s.sql("UPDATE records SET body = " + blobOf + " WHERE record_id = '" + recordIdOf(a) + "'");
  auto e1 = expectError(ErrorCode::Corrupt, [&] { s->getRecord(recordIdOf(a)); });
  BOOST_TEST(contains(e1.what(), "not readable"), e1.what());
  // A body swapped for another record's (well-formed, wrong record).
  s.sql("UPDATE records SET body = (SELECT body FROM records WHERE record_id = '" + recordIdOf(c) +
        "') WHERE record_id = '" + recordIdOf(b) + "'");
  auto e2 = expectError(ErrorCode::Corrupt, [&] { s->getRecord(recordIdOf(b)); });
  BOOST_TEST(contains(e2.what(), recordIdOf(b)), e2.what());
  // A changed content hash.
  s.sql("UPDATE records SET payload_sha256 = 'feedface' WHERE record_id = '" + recordIdOf(c) + "'");
  expectError(ErrorCode::Corrupt, [&] { s->getRecord(recordIdOf(c)); });
  // An untouched record is still served.
  BOOST_TEST(s->getRecord(recordIdOf(d)).has_value());

  // A feed entry whose served JSON was changed (before any read kept it in the feed cache).
  s.sql("UPDATE changes SET json_full = replace(json_full, '13812341234', '13800000000') WHERE position = 2");
  auto e3 = expectError(ErrorCode::Corrupt, [&] { readWholeFeed(*s); });
  BOOST_TEST(contains(e3.what(), "position 2"), e3.what());
  FeedQuery q;
  q.limit = 1;
  const auto first = s->readFeed(q);
  BOOST_TEST_REQUIRE(first.entries.size() == 1u);  // position 1 is fine
  // Once read and checked, an entry is served from memory: a later change in
  // the database is not seen (positions are immutable; the cache holds what
  // was verified).
  s.sql("UPDATE changes SET json_full = 'tampered' WHERE position = 1");
  BOOST_TEST(s->readFeed(q).entries.at(0).jsonFull() == first.entries[0].jsonFull());
  s.sql("UPDATE changes SET json_masked = replace(json_masked, '138****1234', '13812341234') WHERE position = 3");
  q.after = 2;
  expectError(ErrorCode::Corrupt, [&] { s->readFeed(q); });
}

// ------------------------------------------------------- bad store targets

BOOST_AUTO_TEST_CASE(bad_sqlite_targets_give_clear_errors) {
  TempDir dir;
  const std::string regularFile = dir.file("not-a-dir");
  std::ofstream(regularFile) << "just text\n";
  const std::string textFile = dir.file("notes.db");
  {
    std::ofstream out(textFile);
    for (int i = 0; i < 200; ++i) out << "this is not an SQLite database, line " << i << "\n";
  }
  std::filesystem::create_directories(dir.file("a-directory.db"));
  for (const std::string& path : {std::string("/proc/govsync/x.db"), regularFile + "/x.db", textFile,
                                  dir.file("a-directory.db"), std::string("/proc/version")}) {
    BOOST_TEST_CONTEXT(path) {
      StoreOptions o;
      o.backend = "sqlite";
      o.sqlitePath = path;
      auto e = expectError(ErrorCode::Unavailable, [&] { openStore(o); });
      BOOST_TEST_MESSAGE(e.what());
      BOOST_TEST(contains(e.what(), path), e.what());
      BOOST_TEST(e.retryable());
    }
  }
  StoreOptions o;
  o.backend = "oracle";
  auto e = expectError(ErrorCode::Config, [&] { openStore(o); });
  BOOST_TEST(contains(e.what(), "oracle"));
}

namespace {
// A TCP port on 127.0.0.1 that nothing listens on.
int closedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}
}  // namespace

BOOST_AUTO_TEST_CASE(bad_postgres_targets_give_clear_errors) {
  const std::string base = testPgConninfo();
  const std::string password = "Wr0ng-Pa55word-secret";
  struct Case {
    std::string label, conninfo, password;
    std::vector<std::string> mentions;
  };
  const std::string port = std::to_string(closedPort());
  const std::vector<Case> cases = {
      {"server down",
       conninfoWith(conninfoWith(base, "port", port), "password", ""),
       password,
       {"host=127.0.0.1", "port=" + port, "dbname=govsync_test"}},
      {"wrong password",
       conninfoWith(base, "password", ""),
       password,
       {"host=127.0.0.1", "port=" + conninfoValue(base, "port"), "dbname=govsync_test", "user=govsync"}},
      {"wrong password inside the conninfo",
       conninfoWith(base, "password", password),
       "",
       {"host=127.0.0.1", "dbname=govsync_test"}},
      {"no such database", conninfoWith(base, "dbname", "govsync_no_such_db"), "", {"dbname=govsync_no_such_db"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.label) {
      StoreOptions o;
      o.backend = "postgres";
      o.postgresConninfo = c.conninfo;
      o.postgresPassword = c.password;
      auto e = expectError(ErrorCode::Unavailable, [&] { openStore(o); });
      BOOST_TEST_MESSAGE(e.what());
      for (const auto& m : c.mentions) BOOST_TEST(contains(e.what(), m), "'" << m << "' not in: " << e.what());
      BOOST_TEST(!contains(e.what(), password), e.what());
      BOOST_TEST(!contains(e.what(), "govsync-test"), e.what());  // the right password either
      BOOST_TEST(e.retryable());
    }
  }
  StoreOptions o;
  o.backend = "postgres";
  o.postgresConninfo = "host='unterminated";
  expectError(ErrorCode::Config, [&] { openStore(o); });
}

BOOST_AUTO_TEST_SUITE_END()
