// `govsync audit verify` and the commands that append to the audit log, run
// as the real program on a temporary data dir (SQLite) and on the test
// PostgreSQL: an intact log, a tampered one, a re-computed one, a wrong key.
#include <fcntl.h>
#include <postgresql/libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include "core/record/record_rules.h"
#include "core/store/store.h"
#include "core/util/crypto.h"

#include "tests/core/cli_test_support.h"

using namespace govsync::clitest;

namespace {

// The master key as `serve` makes it: <data_dir>/master_key, 32 bytes, 0600.
void writeMasterKey(const std::string& dataDir, const std::string& key) {
  std::filesystem::create_directories(dataDir);
  const std::string path = dataDir + "/master_key";
  std::filesystem::remove(path);
  std::ofstream(path, std::ios::binary) << key;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// Runs SQL on an SQLite file; fails the test on an error.
void sqliteExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  BOOST_TEST(rc == SQLITE_OK, (error ? error : "") << " in " << sql);
  sqlite3_free(error);
  sqlite3_close(db);
}

// How an attacker without the key re-computes the chain: plain SHA-256 over
// the keyed chain's own text (sql_store_audit.cpp), from entry `from` on,
// and the head's hash; as SQL.
std::string plainRechainSql(const std::vector<govsync::store::AuditEntry>& entries, int64_t from) {
  std::string sql, prev;
  for (auto e : entries) {
    if (e.seq >= from) {
      e.prevHash = prev;
      std::string text = "govsync audit entry v1\n";
      for (const std::string& f :
           {e.prevHash, std::to_string(e.seq), std::to_string(e.at), e.actor, e.action, e.target, e.detail})
        text += std::to_string(f.size()) + ":" + f + ",";
      e.hash = govsync::sha256Hex(text);
      sql += "UPDATE audit_log SET prev_hash = '" + e.prevHash + "', hash = '" + e.hash +
             "' WHERE seq = " + std::to_string(e.seq) + ";";
    }
    prev = e.hash;
  }
  return sql + "UPDATE audit_head SET hash = '" + prev + "' WHERE id = 1;";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(audit_verify_reports_an_intact_and_a_tampered_log) {
  TempDir d;
  const std::string data = d.file("data");
  // It needs the master key, as serve does, and says so.
  Run noKey = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(noKey.exit == 2, noKey);
  BOOST_TEST(contains(noKey.err, "cannot be verified without the master key"), noKey);
  BOOST_TEST(contains(noKey.err, data + "/master_key"), noKey);
  BOOST_TEST(!std::filesystem::exists(data + "/master_key"));  // verify never makes one

  const std::string master(32, 'K');
  writeMasterKey(data, master);
  Run fresh = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(fresh.exit == 0, fresh);
  BOOST_TEST(contains(fresh.out, "audit log intact: 0 entries"), fresh);

  std::vector<govsync::store::AuditEntry> written;
  {
    govsync::store::StoreOptions o;
    o.sqlitePath = data + "/govsync.db";
    auto store = govsync::store::openStore(o);
    store->setAuditKey(govsync::deriveKey(master, govsync::store::kAuditKeyPurpose));
    for (int i = 1; i <= 3; ++i) {
      govsync::store::AuditEntry e;
      e.actor = "bigdata-centre";
      e.action = "pull";
      e.target = "feed";
      e.detail = "{\"n\":" + std::to_string(i) + "}";
      written.push_back(store->appendAudit(e));
    }
  }
  Run intact = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(intact.exit == 0, intact);
  BOOST_TEST(contains(intact.out, "audit log intact: 3 entries, hash chain verified"), intact);
  BOOST_TEST(contains(intact.out, "keyed with the master key from entry 1"), intact);
  BOOST_TEST(contains(intact.out, "head " + written.back().hash), intact);

  // Another master key: not verified, and not appended to either.
  writeMasterKey(data, std::string(32, 'W'));
  Run wrongKey = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(wrongKey.exit == 1, wrongKey);
  BOOST_TEST(contains(wrongKey.out, "audit log NOT VERIFIED: "), wrongKey);
  BOOST_TEST(contains(wrongKey.out, "another master key"), wrongKey);
  writeMasterKey(data, master);

  const std::string db = data + "/govsync.db";
  sqliteExec(db, "UPDATE audit_log SET detail = '{\"n\":20}' WHERE seq = 2");
  Run tampered = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(tampered.exit == 1, tampered);
  BOOST_TEST(contains(tampered.out, "audit log TAMPERED: entry 2 was changed"), tampered);
  BOOST_TEST(contains(tampered.out, "first broken entry: 2 (changed)"), tampered);

  // The same edit with every later hash and the head re-computed: still found.
  written[1].detail = "{\"n\":20}";
  sqliteExec(db, plainRechainSql(written, 2));
  Run rechained = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(rechained.exit == 1, rechained);
  BOOST_TEST(contains(rechained.out, "first broken entry: 2 (recomputed without the key)"), rechained);
  BOOST_TEST(contains(rechained.out, "re-computed without the key"), rechained);
}

BOOST_AUTO_TEST_CASE(client_commands_append_only_with_the_master_key) {
  TempDir d;
  const std::string data = d.file("data");
  Run add = runGovsync(
      {"client", "add", "--data-dir", data, "--name", "water", "--department", "水务集团", "--scopes", "pull:CASE"});
  BOOST_TEST_REQUIRE(add.exit == 0, add);  // makes the master key, as serve does
  BOOST_TEST(std::filesystem::exists(data + "/master_key"));
  BOOST_TEST(std::filesystem::exists(data + "/audit_anchor"));  // before its first keyed entry

  // Without the master key, a command that audits refuses before it acts.
  std::filesystem::rename(data + "/master_key", d.file("master_key.bak"));
  Run revoke = runGovsync({"client", "revoke", "water", "--data-dir", data});
  BOOST_TEST(revoke.exit == 2, revoke);
  BOOST_TEST(contains(revoke.err, "no master key"), revoke);
  BOOST_TEST(!contains(runGovsync({"client", "list", "--data-dir", data}).out, "REVOKED"));
  std::filesystem::rename(d.file("master_key.bak"), data + "/master_key");

  Run revoked = runGovsync({"client", "revoke", "water", "--data-dir", data});
  BOOST_TEST(revoked.exit == 0, revoked);
  Run verify = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(verify.exit == 0, verify);
  BOOST_TEST(contains(verify.out, "audit log intact: 2 entries"), verify);

  // The first command anchored where the keyed chain starts, outside the
  // database: resetting the key columns in the database (to pass a
  // rewritten log off as never keyed, which the next append would key) is
  // caught before any command acts, and by verify.
  BOOST_TEST_REQUIRE(std::filesystem::exists(data + "/audit_anchor"));
  sqliteExec(data + "/govsync.db",
             "UPDATE audit_head SET key_check = NULL, head_mac = NULL, keyed_from = seq + 1 WHERE id = 1");
  Run stripped = runGovsync(
      {"client", "add", "--data-dir", data, "--name", "forged", "--department", "水务集团", "--scopes", "pull:CASE"});
  BOOST_TEST(stripped.exit != 0, stripped);
  BOOST_TEST(contains(stripped.err, "its key columns were changed outside govsync"), stripped);
  BOOST_TEST(!contains(runGovsync({"client", "list", "--data-dir", data}).out, "forged"));
  Run caught = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(caught.exit == 1, caught);
  BOOST_TEST(contains(caught.out, "audit log TAMPERED"), caught);
}

BOOST_AUTO_TEST_CASE(the_same_commands_on_postgresql) {
  PgDatabase db;
  const std::string base = testPgConninfo();
  const std::string password = conninfoValue(base, "password");
  const std::string conninfo = conninfoEdit(conninfoEdit(base, "password"), "", "dbname", db.name);
  TempDir d;
  const std::string config = d.write("pg.yaml",
                                     "store:\n"
                                     "  backend: postgres\n"
                                     "  postgres:\n"
                                     "    conninfo: \"" +
                                         conninfo +
                                         "\"\n"
                                         "    password: ${GOVSYNC_TEST_CLI_PG_PASSWORD}\n"
                                         "auth:\n"
                                         "  master_key: ${GOVSYNC_TEST_CLI_MASTER_KEY}\n");
  const std::vector<std::string> env = {"GOVSYNC_TEST_CLI_PG_PASSWORD=" + password,
                                        "GOVSYNC_TEST_CLI_MASTER_KEY=" + std::string(64, 'a')};
  Run put = runGovsync({"records", "put", "-", "--config", config}, std::string(kCase) + "\n" + kReview + "\n", env);
  BOOST_TEST_REQUIRE(put.exit == 0, put);
  BOOST_TEST(contains(put.out, "2 records, 2 changed, feed head 2"), put);
  Run feed = runGovsync({"feed", "read", "--config", config, "--region", "211103"}, "", env);
  BOOST_TEST(feed.exit == 0, feed);
  BOOST_TEST(lines(feed.out).size() == 1u, feed);
  BOOST_TEST(contains(feed.out, "\"evaluator_phone\":\"139****5678\""), feed);
  Run status = runGovsync({"store", "status", "--config", config}, "", env);
  BOOST_TEST(status.exit == 0, status);
  BOOST_TEST(contains(status.out, "store:          postgres "), status);
  BOOST_TEST(contains(status.out, "dbname=" + db.name), status);
  BOOST_TEST(!contains(status.out, password), status);
  Run audit = runGovsync({"audit", "verify", "--config", config}, "", env);
  BOOST_TEST(audit.exit == 0, audit);
  // The audit chain keyed with auth.master_key: a client added, then its entry changed.
  Run add = runGovsync(
      {"client", "add", "--config", config, "--name", "water", "--department", "水务集团", "--scopes", "pull:CASE"}, "",
      env);
  BOOST_TEST_REQUIRE(add.exit == 0, add);
  Run keyed = runGovsync({"audit", "verify", "--config", config}, "", env);
  BOOST_TEST(keyed.exit == 0, keyed);
  BOOST_TEST(contains(keyed.out,
                      "audit log intact: 1 entries, hash chain verified (keyed with the master key from "
                      "entry 1)"),
             keyed);
  pgExec(conninfoEdit(base, "", "dbname", db.name), "UPDATE audit_log SET target = 'other' WHERE seq = 1");
  Run tampered = runGovsync({"audit", "verify", "--config", config}, "", env);
  BOOST_TEST(tampered.exit == 1, tampered);
  BOOST_TEST(contains(tampered.out, "audit log TAMPERED: entry 1 was changed"), tampered);

  // A wrong password: a clear error naming the server, never the password.
  const std::string wrong = "Wr0ng-Pa55-" + std::to_string(getpid());
  Run denied =
      runGovsync({"store", "status", "--config", config}, "", {"GOVSYNC_TEST_CLI_PG_PASSWORD=" + wrong, env[1]});
  BOOST_TEST(denied.exit == 1, denied);
  BOOST_TEST(contains(denied.err, "cannot connect to the PostgreSQL store"), denied);
  BOOST_TEST(contains(denied.err, "host=" + conninfoValue(base, "host")), denied);
  BOOST_TEST(contains(denied.err, "port=" + conninfoValue(base, "port")), denied);
  BOOST_TEST(contains(denied.err, "dbname=" + db.name), denied);
  BOOST_TEST(!contains(denied.out + denied.err, wrong), denied);
}

BOOST_AUTO_TEST_SUITE_END()
