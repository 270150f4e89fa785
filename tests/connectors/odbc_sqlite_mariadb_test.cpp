// The odbc connector against real databases, no mocks: PostgreSQL through
// psqlODBC (ctest fixture "postgres"), MariaDB through MariaDB
// Connector/ODBC (fixture "mariadb", tests/scripts/mariadb.sh) and SQLite
// through sqliteodbc (temp files). Drivers are registered for the suite in
// a temp odbcinst.ini/odbc.ini (ODBCSYSINI/ODBCINI); most tests name the
// driver library directly (Driver=/path/lib.so).
// This part: SQLite through sqliteodbc and MariaDB through MariaDB Connector/ODBC.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "connectors/odbc/odbc_checkpoint.h"
#include "core/util/error.h"
#include "tests/connectors/odbc_connector_test_support.h"
#include "tests/connectors/odbc_test_support.h"

using namespace odbc_test;
using govsync::Error;
using govsync::ErrorCode;
using govsync::connectors::FetchResult;

BOOST_AUTO_TEST_SUITE(odbc_connector)

BOOST_AUTO_TEST_CASE(sqlite_key_mode_pages_keeps_nulls_gbk_bytes_and_wraps_the_query) {
  const auto dir = tempDir("sqlite-key");
  const auto file = dir + "/src.db";
  {
    Session s(sqliteConnection(file));
    s.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, note TEXT, kind TEXT)");
    for (int i = 1; i <= 8; ++i)
      s.exec("INSERT INTO t VALUES (" + std::to_string(i) + ", 'n" + std::to_string(i) + "', " +
             (i == 2 ? "NULL" : "'note " + std::to_string(i) + "'") + ", '" + (i % 2 ? "odd" : "even") + "')");
    s.exec("UPDATE t SET name = CAST(X'C5CCBDF5' AS TEXT) WHERE id = 4");  // 盘锦 in GBK
  }
  // The user's query has its own WHERE (KCJDBC#566): wrapped, not appended to.
  auto c = makeConnector("connection: \"" + sqliteConnection(file) +
                         "\"\nmode: key\nkey_column: id\nquery: SELECT id, name, note FROM t WHERE id <> 3;\n");
  auto r = c->fetch("", 3);
  BOOST_TEST(columnOf(r.rows, "id") == (std::vector<std::string>{"1", "2", "4"}), boost::test_tools::per_element());
  BOOST_TEST(r.more);
  BOOST_TEST(r.rows.rawFormat() == "odbc-json");
  BOOST_TEST(c->stats().blockFetches >= 1u);  // sqliteodbc fetches row arrays too
  BOOST_TEST(!r.rows.utf8());
  BOOST_TEST(r.checkpoint.find("\"key\":{\"type\":\"integer\",\"value\":\"4\"}") != std::string::npos, r.checkpoint);
  auto row2 = rowOf(r.rows, 1);
  BOOST_TEST(!row2["note"].has_value());  // NULL stays NULL
  BOOST_TEST(std::string(r.rows.raw(r.rows.row(1))) == "{\"id\":\"2\",\"name\":\"n2\",\"note\":null}");
  auto row4 = rowOf(r.rows, 2);
  BOOST_TEST(*row4["name"] == std::string("\xC5\xCC\xBD\xF5", 4));  // the source's bytes, untouched

  auto r2 = c->fetch(r.checkpoint, 3);
  BOOST_TEST(c->lastStatements().front() ==
             "SELECT * FROM (SELECT id, name, note FROM t WHERE id <> 3) src WHERE id > ? ORDER BY id LIMIT 3");
  BOOST_TEST(columnOf(r2.rows, "id") == (std::vector<std::string>{"5", "6", "7"}), boost::test_tools::per_element());
  auto r3 = c->fetch(r2.checkpoint, 3);
  BOOST_TEST(columnOf(r3.rows, "id") == (std::vector<std::string>{"8"}), boost::test_tools::per_element());
  BOOST_TEST(!r3.more);
  auto r4 = c->fetch(r3.checkpoint, 3);
  BOOST_TEST(r4.rows.size() == 0u);
  BOOST_TEST(r4.checkpoint == r3.checkpoint);

  // GROUP BY inside the query works too; a string key.
  auto g = makeConnector("connection: \"" + sqliteConnection(file) +
                         "\"\nmode: key\nkey_column: kind\nkey_type: string\n"
                         "query: SELECT kind, COUNT(*) AS n FROM t GROUP BY kind\n");
  auto gr = g->fetch("", 10);
  BOOST_TEST(columnOf(gr.rows, "kind") == (std::vector<std::string>{"even", "odd"}), boost::test_tools::per_element());
  BOOST_TEST(columnOf(gr.rows, "n") == (std::vector<std::string>{"4", "4"}), boost::test_tools::per_element());
  BOOST_TEST(gr.checkpoint.find("{\"type\":\"string\",\"value\":\"odd\"}") != std::string::npos, gr.checkpoint);

  // A key column that the query does not return: a clear configuration error.
  auto bad = makeConnector("connection: \"" + sqliteConnection(file) +
                           "\"\nmode: key\nkey_column: ident\nquery: SELECT id, name FROM t\n");
  auto e = expectError([&] { bad->fetch("", 10); });
  BOOST_TEST(e.code() == ErrorCode::Config);
  BOOST_TEST(std::string(e.what()).find(
                 "key_column 'ident' is not a column of the query's result (columns: id, name)") != std::string::npos,
             e.what());
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(sqlite_timestamp_key_with_text_and_epoch_timestamps) {
  const auto dir = tempDir("sqlite-ts");
  const auto file = dir + "/src.db";
  Session s(sqliteConnection(file));
  s.exec("CREATE TABLE ev(id INTEGER PRIMARY KEY, ts TEXT, v TEXT)");
  s.exec("INSERT INTO ev VALUES (1, strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', '-120 seconds'), 'a')");
  s.exec("INSERT INTO ev VALUES (2, strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', '-60 seconds'), 'b')");
  s.exec("INSERT INTO ev VALUES (3, strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', '+3600 seconds'), 'future')");
  auto c = makeConnector("connection: \"" + sqliteConnection(file) +
                         "\"\nmode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntimestamp_type: string\n"
                         "table: ev\nsafety_lag_seconds: 2\n");
  std::string cp;
  BOOST_TEST(drain(*c, cp, 10, "id") == (std::vector<std::string>{"1", "2"}), boost::test_tools::per_element());
  s.exec("INSERT INTO ev VALUES (4, strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', '-30 seconds'), 'c')");
  BOOST_TEST(drain(*c, cp, 10, "id") == (std::vector<std::string>{"4"}), boost::test_tools::per_element());
  BOOST_TEST(drain(*c, cp, 10, "id").empty());

  // Epoch-second timestamps (timestamp_type: integer), now from SQLite too.
  s.exec("CREATE TABLE ep(id INTEGER PRIMARY KEY, at INTEGER)");
  s.exec(
      "INSERT INTO ep VALUES (1, CAST(strftime('%s', 'now') AS INTEGER) - 100), "
      "(2, CAST(strftime('%s', 'now') AS INTEGER) - 50), (3, CAST(strftime('%s', 'now') AS INTEGER) + 3600)");
  auto e = makeConnector("connection: \"" + sqliteConnection(file) +
                         "\"\nmode: timestamp_key\nkey_column: id\ntimestamp_column: at\ntimestamp_type: integer\n"
                         "table: ep\n");
  std::string ecp;
  BOOST_TEST(drain(*e, ecp, 1, "id") == (std::vector<std::string>{"1", "2"}), boost::test_tools::per_element());
  BOOST_TEST(odbc::decodeCheckpoint(ecp).tsType == "integer");
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(mariadb_gbk_bytes_wide_text_and_timestamp_key) {
  auto& m = maria();
  m.exec("DROP TABLE IF EXISTS odbc_m");
  m.exec(
      "CREATE TABLE odbc_m(id int PRIMARY KEY, ts datetime(6), g varchar(20) CHARACTER SET gbk, "
      "doc mediumtext, n int)");
  m.exec("INSERT INTO odbc_m VALUES (1, NOW(6) - INTERVAL 50 SECOND, X'C5CCBDF5', REPEAT('y', 100000), NULL)");
  m.exec("INSERT INTO odbc_m VALUES (2, TIMESTAMP'2026-01-01 10:00:00.123456', X'C5CC', NULL, 7)");
  m.exec("INSERT INTO odbc_m VALUES (3, NOW(6) - INTERVAL 40 SECOND, NULL, REPEAT('盘', 10000), 8)");
  // Bytes: GBK text arrives as the source's bytes (the connection speaks GBK).
  auto c = makeConnector(mariadbOptions("mode: key\nkey_column: id\ntable: odbc_m\n", ";CHARSET=gbk"));
  auto r = c->fetch("", 10);
  BOOST_TEST_REQUIRE(r.rows.size() == 3u);
  BOOST_TEST((*rowOf(r.rows, 0)["g"] == std::string("\xC5\xCC\xBD\xF5", 4)));
  BOOST_TEST(rowOf(r.rows, 0)["doc"]->size() == 100000u);
  BOOST_TEST(!rowOf(r.rows, 0)["n"].has_value());
  // Wide: converted to UTF-8 by the driver, the batch says so.
  auto w = makeConnector(mariadbOptions("mode: key\nkey_column: id\ntable: odbc_m\ntext_as: wide\n"));
  auto wr = w->fetch("", 10);
  BOOST_TEST(wr.rows.utf8());
  // MariaDB Connector/ODBC reports SQL_C_WCHAR lengths in characters; the text still comes whole.
  BOOST_TEST(*rowOf(wr.rows, 0)["g"] == "盘锦");
  BOOST_TEST(rowOf(wr.rows, 0)["doc"]->size() == 100000u);
  std::string pan;
  for (int i = 0; i < 10000; ++i) pan += "盘";
  BOOST_TEST((*rowOf(wr.rows, 2)["doc"] == pan));
  // Alone (no longer value in its rowset to give it away): 10,000 characters
  // in an 8,191-unit buffer, reported as 10,000 "bytes", is still caught.
  auto w3 = makeConnector(
      mariadbOptions("mode: key\nkey_column: id\nquery: SELECT id, doc FROM odbc_m WHERE id = 3\ntext_as: wide\n"));
  BOOST_TEST((*rowOf(w3->fetch("", 10).rows, 0)["doc"] == pan));
  // timestamp_key: microseconds kept, now read from MariaDB.
  auto t = makeConnector(mariadbOptions("mode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: odbc_m\n"));
  auto tr = t->fetch("", 10);
  BOOST_TEST(columnOf(tr.rows, "id") == (std::vector<std::string>{"2", "1", "3"}), boost::test_tools::per_element());
  auto tr2 = t->fetch("", 1);
  BOOST_TEST(odbc::decodeCheckpoint(tr2.checkpoint).ts.value() == "2026-01-01 10:00:00.123456");
  // Row arrays on MariaDB (a query without long columns).
  auto blocks = makeConnector(mariadbOptions("mode: key\nkey_column: id\nquery: SELECT id, g, n FROM odbc_m\n"));
  BOOST_TEST(blocks->fetch("", 10).rows.size() == 3u);
  BOOST_TEST(blocks->stats().blockFetches == 1u);
  BOOST_TEST(blocks->stats().lastRowsetSize > 1u);
}

BOOST_AUTO_TEST_CASE(mariadb_wrong_password_then_fixed_and_a_stopped_server_then_back) {
  auto& m = maria();
  m.exec("DROP USER IF EXISTS 'odbc_pw'@'127.0.0.1'");
  m.exec("CREATE USER 'odbc_pw'@'127.0.0.1' IDENTIFIED BY 'first-password'");
  m.exec("GRANT SELECT ON govsync_test.* TO 'odbc_pw'@'127.0.0.1'");
  m.exec("DROP TABLE IF EXISTS odbc_out");
  m.exec("CREATE TABLE odbc_out(id int PRIMARY KEY, v varchar(10))");
  m.exec("INSERT INTO odbc_out VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  auto c = makeConnector("connection: \"" + mariadbConnection("odbc_pw") +
                             "\"\npassword: Second-Pass-42\nmode: key\nkey_column: id\ntable: odbc_out\n",
                         "maria");
  auto e = expectError([&] { c->fetch("", 2); });
  BOOST_TEST(e.code() == ErrorCode::Config);
  BOOST_TEST(std::string(e.what()).find("rejected the credentials") != std::string::npos, e.what());
  BOOST_TEST(std::string(e.what()).find("Access denied") != std::string::npos, e.what());
  BOOST_TEST(std::string(e.what()).find("Second-Pass-42") == std::string::npos, e.what());
  // The cause is fixed at the source: the same connector works on its next fetch.
  m.exec("ALTER USER 'odbc_pw'@'127.0.0.1' IDENTIFIED BY 'Second-Pass-42'");
  auto r = c->fetch("", 2);
  BOOST_TEST(columnOf(r.rows, "id") == (std::vector<std::string>{"1", "2"}), boost::test_tools::per_element());

  // The server stops: retryable errors naming the source; it returns: the
  // connector reconnects and goes on from its checkpoint.
  BOOST_REQUIRE(std::system((mariadbScript() + " stop >/dev/null").c_str()) == 0);
  auto down = expectError([&] { c->fetch(r.checkpoint, 2); });
  BOOST_TEST(down.code() == ErrorCode::Unavailable, down.what());
  BOOST_TEST(down.retryable());
  BOOST_TEST(std::string(down.what()).find("odbc connector 'maria'") != std::string::npos, down.what());
  auto still = expectError([&] { c->fetch(r.checkpoint, 2); });
  BOOST_TEST(still.code() == ErrorCode::Unavailable);
  BOOST_REQUIRE(std::system((mariadbScript() + " resume >/dev/null").c_str()) == 0);
  auto back = c->fetch(r.checkpoint, 2);
  BOOST_TEST(columnOf(back.rows, "id") == (std::vector<std::string>{"3"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
