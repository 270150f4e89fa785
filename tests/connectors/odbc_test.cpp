// The odbc connector against real databases, no mocks: PostgreSQL through
// psqlODBC (ctest fixture "postgres"), MariaDB through MariaDB
// Connector/ODBC (fixture "mariadb", tests/scripts/mariadb.sh) and SQLite
// through sqliteodbc (temp files). Drivers are registered for the suite in
// a temp odbcinst.ini/odbc.ini (ODBCSYSINI/ODBCINI); most tests name the
// driver library directly (Driver=/path/lib.so).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "connectors/odbc/odbc_checkpoint.h"
#include "core/util/error.h"
#include "tests/connectors/odbc_test_support.h"

using namespace odbc_test;
using govsync::Error;
using govsync::ErrorCode;
using govsync::connectors::FetchResult;

namespace govsync {
inline std::ostream& operator<<(std::ostream& out, ErrorCode code) { return out << errorCodeName(code); }
}  // namespace govsync

namespace {

/// Registers the drivers and a DSN for the whole suite, before any ODBC call.
struct OdbcIni {
  OdbcIni() {
    dir = tempDir("ini");
    std::ofstream(dir + "/odbcinst.ini") << "[PostgreSQL Unicode]\nDriver=" << driverPath("psqlodbcw.so")
                                         << "\n\n[MariaDB]\nDriver=" << driverPath("libmaodbc.so")
                                         << "\n\n[SQLite3]\nDriver=" << driverPath("libsqlite3odbc.so") << "\n";
    auto pg = pgInfo();
    std::ofstream(dir + "/odbc.ini") << "[govsync_pg]\nDriver=PostgreSQL Unicode\nServername=" << pg["host"]
                                     << "\nPort=" << pg["port"] << "\nDatabase=" << pg["dbname"]
                                     << "\nUsername=" << pg["user"] << "\n";
    setenv("ODBCSYSINI", dir.c_str(), 1);
    setenv("ODBCINI", (dir + "/odbc.ini").c_str(), 1);
    setenv("GOVSYNC_TEST_ODBC_PG_PASSWORD", pgPassword().c_str(), 1);
    setenv("GOVSYNC_TEST_ODBC_MARIADB_PASSWORD", mariadbPassword().c_str(), 1);
  }
  ~OdbcIni() { std::filesystem::remove_all(dir); }
  std::string dir;
};
BOOST_TEST_GLOBAL_FIXTURE(OdbcIni);

std::string pgOptions(const std::string& rest) {
  return "connection: \"" + pgConnection() + "\"\npassword: ${GOVSYNC_TEST_ODBC_PG_PASSWORD}\n" + rest;
}
std::string mariadbOptions(const std::string& rest, const std::string& extra = "") {
  return "connection: \"" + mariadbConnection("govsync", extra) +
         "\"\npassword: ${GOVSYNC_TEST_ODBC_MARIADB_PASSWORD}\n" + rest;
}

Session& pg() {
  static Session s(pgConnection() + ";PWD=" + pgPassword());
  return s;
}
Session& maria() {
  static Session s(mariadbConnection() + ";PWD=" + mariadbPassword());
  return s;
}

/// Runs `fn`, expecting a govsync::Error; returns it.
template <typename Fn>
Error expectError(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("expected a govsync::Error");
  return Error::internal("unreachable");
}

/// Fetches until no more rows are ready, collecting `column` values.
std::vector<std::string> drain(govsync::connectors::Connector& c, std::string& checkpoint, size_t maxRows,
                               const std::string& column) {
  std::vector<std::string> out;
  for (int i = 0; i < 100000; ++i) {
    auto r = c.fetch(checkpoint, maxRows);
    for (auto& v : columnOf(r.rows, column)) out.push_back(v);
    checkpoint = r.checkpoint;
    c.committed(r);
    if (!r.more) break;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(odbc_connector)

BOOST_AUTO_TEST_CASE(options_are_checked_with_file_and_line) {
  auto unknown = expectError([] { makeConnector("connection: DSN=x\nmode: key\nkey_colum: id\nquery: SELECT 1\n"); });
  BOOST_TEST(unknown.code() == ErrorCode::Config);
  BOOST_TEST(std::string(unknown.what()).find("test.yaml:3:1") != std::string::npos, unknown.what());
  BOOST_TEST(std::string(unknown.what()).find("did you mean 'key_column'") != std::string::npos, unknown.what());

  auto crossKey = expectError([] { makeConnector("connection: DSN=x\nmode: timestamp_key\nquery: SELECT 1\n"); });
  BOOST_TEST(std::string(crossKey.what()).find("test.yaml:2:7: key_column: required") != std::string::npos,
             crossKey.what());
  BOOST_TEST(std::string(crossKey.what()).find("timestamp_column: required") != std::string::npos, crossKey.what());

  auto both =
      expectError([] { makeConnector("connection: DSN=x\nmode: key\nkey_column: id\nquery: SELECT 1\ntable: t\n"); });
  BOOST_TEST(
      std::string(both.what()).find("test.yaml:5:8: table: set exactly one of query and table") != std::string::npos,
      both.what());

  auto badCount = expectError([] {
    makeConnector("connection: DSN=x\nmode: key\nkey_column: id\ntable: t\ncount_query: SELECT COUNT(*) FROM t\n");
  });
  BOOST_TEST(std::string(badCount.what()).find("count_query: needs exactly two ?") != std::string::npos,
             badCount.what());

  auto lag = expectError([] {
    makeConnector(
        "connection: DSN=x\nmode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: t\n"
        "safety_lag_seconds: 0\n");
  });
  BOOST_TEST(std::string(lag.what()).find("test.yaml:6:21") != std::string::npos, lag.what());

  // The password never shows, not even in describe().
  setenv("GOVSYNC_TEST_SECRET", "Very-Secret-123", 1);
  auto c = makeConnector(
      "connection: DSN=x;UID=u\npassword: ${GOVSYNC_TEST_SECRET}\nmode: key\nkey_column: id\n"
      "table: t\n");
  BOOST_TEST(c->describe().find("Very-Secret-123") == std::string::npos);
  BOOST_TEST(c->describe().find("DSN=x") != std::string::npos, c->describe());
}

BOOST_AUTO_TEST_CASE(checkpoint_text_round_trips_at_full_precision) {
  odbc::Checkpoint cp;
  cp.mode = "timestamp_key";
  cp.keyType = "string";
  cp.tsType = "timestamp";
  cp.ts = "2026-11-27 10:00:00.123456";
  cp.key = std::string("\xC5\xCC\xBD\xF5", 4);  // a GBK key: not UTF-8, kept as hex
  cp.now = "2026-11-27 10:01:00.000001";
  cp.window.remember("k1", "2026-11-27 10:00:00.123456", "hash1");
  cp.window.remember(std::string("\xC5\xCC", 2), "2026-11-27 09:59:30.5", "hash2");
  const auto text = odbc::encodeCheckpoint(cp);
  BOOST_TEST(text.find("\"value\":\"2026-11-27 10:00:00.123456\"") != std::string::npos, text);
  // The window's layout is the one checkpoints already stored carry (grouped by timestamp, GBK keys as hex).
  BOOST_TEST(text.find("\"seen\":[[\"2026-11-27 09:59:30.5\",[[{\"hex\":\"c5cc\"},\"hash2\"]]],"
                       "[\"2026-11-27 10:00:00.123456\",[[\"k1\",\"hash1\"]]]]") != std::string::npos,
             text);
  const auto back = odbc::decodeCheckpoint(text);
  BOOST_TEST(*back.ts == *cp.ts);
  BOOST_TEST(*back.key == *cp.key);
  BOOST_TEST(back.keyType == "string");
  BOOST_TEST(back.window.size() == 2u);
  BOOST_TEST(back.window.rows().at(std::string("\xC5\xCC", 2)).ts == "2026-11-27 09:59:30.5");
  BOOST_TEST(back.window.contains(std::string("\xC5\xCC", 2), "hash2"));
  BOOST_TEST(odbc::encodeCheckpoint(back) == text);

  // Timestamp arithmetic keeps the source's layout and precision.
  auto t = odbc::parseSourceTime("2026-03-01 00:00:04.123456");
  BOOST_REQUIRE(t);
  BOOST_TEST(odbc::formatSourceTime(odbc::addSeconds(*t, -5), *t) == "2026-02-28 23:59:59.123456");
  auto compact = odbc::parseSourceTime("20261127100000");
  BOOST_REQUIRE(compact);
  BOOST_TEST(odbc::formatSourceTime(odbc::addSeconds(*compact, -60), *compact) == "20261127095900");
  auto zoned = odbc::parseSourceTime("2026-11-27T10:00:00.5+08");
  BOOST_REQUIRE(zoned);
  BOOST_TEST(odbc::formatSourceTime(odbc::addSeconds(*zoned, 1), *zoned) == "2026-11-27T10:00:01.5+08");
  BOOST_TEST(!odbc::parseSourceTime("hello"));
  BOOST_CHECK_THROW(odbc::decodeCheckpoint("{\"v\":1}"), Error);
}

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

BOOST_AUTO_TEST_CASE(pg_timestamp_key_keeps_microseconds_ties_and_the_safety_lag) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_ev");
  s.exec("CREATE TABLE odbc_ev(id int PRIMARY KEY, ts timestamp(6), body text)");
  // Rows 1 and 2 share a timestamp (a tie across a batch boundary); row 3 is 1 µs later.
  s.exec(
      "INSERT INTO odbc_ev SELECT id, date_trunc('second', LOCALTIMESTAMP) - interval '1 hour' + "
      "interval '0.123456 second' + (CASE WHEN id = 3 THEN interval '1 microsecond' ELSE interval '0' END), "
      "'row ' || id FROM generate_series(1, 3) id");
  s.exec("INSERT INTO odbc_ev VALUES (4, LOCALTIMESTAMP + interval '10 seconds', 'not yet')");
  auto c = makeConnector(pgOptions("mode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: odbc_ev\n"));
  std::vector<std::string> ids;
  std::string cp;
  for (int i = 0; i < 3; ++i) {
    auto r = c->fetch(cp, 1);
    BOOST_TEST_REQUIRE(r.rows.size() == 1u);
    ids.push_back(*rowOf(r.rows, 0)["id"]);
    cp = r.checkpoint;
  }
  BOOST_TEST(ids == (std::vector<std::string>{"1", "2", "3"}), boost::test_tools::per_element());
  const std::string ts3 = s.scalar("SELECT ts::text FROM odbc_ev WHERE id = 3");
  BOOST_TEST(ts3.substr(ts3.size() - 7) == ".123457");
  const auto decoded = odbc::decodeCheckpoint(cp);
  BOOST_TEST(*decoded.ts == ts3);  // the source's text at full precision
  BOOST_TEST(decoded.tsType == "timestamp");
  BOOST_TEST(*decoded.key == "3");
  BOOST_TEST(decoded.window.size() == 3u);
  // Row 4 is after now − safety lag: left for later, not skipped.
  auto r = c->fetch(cp, 10);
  BOOST_TEST(r.rows.size() == 0u);
  BOOST_TEST(!r.more);
  cp = r.checkpoint;
  s.exec("UPDATE odbc_ev SET ts = LOCALTIMESTAMP - interval '10 seconds' WHERE id = 4");
  r = c->fetch(cp, 10);
  BOOST_TEST(columnOf(r.rows, "id") == (std::vector<std::string>{"4"}), boost::test_tools::per_element());
  // An update of a delivered row (new timestamp) is delivered again.
  cp = r.checkpoint;
  s.exec("UPDATE odbc_ev SET body = 'changed', ts = LOCALTIMESTAMP - interval '8 seconds' WHERE id = 2");
  r = c->fetch(cp, 10);
  BOOST_TEST(columnOf(r.rows, "body") == (std::vector<std::string>{"changed"}), boost::test_tools::per_element());

  // count_query for reconciliation: the day's bounds in the source's local time.
  auto counter =
      makeConnector(pgOptions("mode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: odbc_ev\n"
                              "count_query: SELECT COUNT(*) FROM odbc_ev WHERE ts >= ? AND ts < ?\n"));
  const std::string day = s.scalar("SELECT CAST(CAST(ts AS date) AS text) FROM odbc_ev WHERE id = 1");
  const std::string expected = s.scalar("SELECT COUNT(*) FROM odbc_ev WHERE CAST(ts AS date) = DATE '" + day + "'");
  BOOST_TEST(counter->countRows(day).value() == std::stoll(expected));
  BOOST_TEST(counter->countRows("1999-01-01").value() == 0);
  BOOST_TEST(!c->countRows(day).has_value());
}

BOOST_AUTO_TEST_CASE(pg_a_late_commit_arrives_through_the_overlap_window_exactly_once) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_late");
  s.exec("CREATE TABLE odbc_late(id int PRIMARY KEY, ts timestamp(6) NOT NULL, body text)");
  auto c =
      makeConnector(pgOptions("mode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: odbc_late\n"
                              "safety_lag_seconds: 1\noverlap_seconds: 60\n"));
  // Session A inserts a row stamped 30 s ago and does not commit yet.
  Session a(pgConnection() + ";PWD=" + pgPassword());
  a.autocommit(false);
  a.exec("INSERT INTO odbc_late VALUES (1, LOCALTIMESTAMP - interval '30 seconds', 'late writer')");
  // Meanwhile rows with later timestamps commit and are read: the cursor passes row 1's timestamp.
  s.exec(
      "INSERT INTO odbc_late VALUES (2, LOCALTIMESTAMP - interval '20 seconds', 'b'), "
      "(3, LOCALTIMESTAMP - interval '10 seconds', 'c')");
  std::string cp;
  BOOST_TEST(drain(*c, cp, 100, "id") == (std::vector<std::string>{"2", "3"}), boost::test_tools::per_element());
  a.commit();
  // The next pass re-reads the window: row 1 arrives, rows 2 and 3 do not come again.
  const auto before = c->stats();
  BOOST_TEST(drain(*c, cp, 100, "id") == (std::vector<std::string>{"1"}), boost::test_tools::per_element());
  BOOST_TEST(c->stats().lateRows == before.lateRows + 1);
  BOOST_TEST(c->stats().suppressedRows >= before.suppressedRows + 2);
  // And never again.
  BOOST_TEST(drain(*c, cp, 100, "id").empty());
  BOOST_TEST(drain(*c, cp, 100, "id").empty());
}

BOOST_AUTO_TEST_CASE(pg_a_bulk_load_with_one_timestamp_keeps_the_checkpoint_small) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_bulk");
  s.exec("CREATE TABLE odbc_bulk(id int PRIMARY KEY, ts timestamp(6) NOT NULL)");
  s.exec(
      "INSERT INTO odbc_bulk SELECT id, date_trunc('second', LOCALTIMESTAMP) - interval '1 minute' + "
      "(CASE WHEN id > 300 THEN interval '1 second' ELSE interval '0' END) FROM generate_series(1, 450) id");
  auto c =
      makeConnector(pgOptions("mode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: odbc_bulk\n"
                              "overlap_max_rows: 100\n"));
  std::string cp;
  auto ids = drain(*c, cp, 40, "id");
  BOOST_TEST(ids.size() == 450u);
  BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == 450u);  // each once
  const auto decoded = odbc::decodeCheckpoint(cp);
  BOOST_TEST(decoded.window.size() <= 150u);  // the 300-row group was forgotten whole
  BOOST_TEST(decoded.window.cutAt().has_value());
  BOOST_TEST(drain(*c, cp, 40, "id").empty());
}

BOOST_AUTO_TEST_CASE(pg_block_fetch_uses_row_arrays_and_long_text_arrives_whole) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_big");
  s.exec("CREATE TABLE odbc_big(id int PRIMARY KEY, payload varchar(100), free varchar, doc text)");
  s.exec("INSERT INTO odbc_big SELECT id, 'p' || id, NULL, NULL FROM generate_series(1, 2000) id");
  s.exec("UPDATE odbc_big SET doc = repeat('盘锦abc', 25000) WHERE id = 7");  // 225,000 bytes
  s.exec("UPDATE odbc_big SET free = repeat('x', 3000) WHERE id = 9");        // varchar without a length
  auto c =
      makeConnector(pgOptions("mode: key\nkey_column: id\nquery: SELECT id, payload FROM odbc_big\n"
                              "row_array_size: 500\n"));
  auto r = c->fetch("", 2000);
  BOOST_TEST(r.rows.size() == 2000u);
  const auto st = c->stats();
  BOOST_TEST(st.lastRowsetSize > 0u);
  BOOST_TEST(st.blockFetches >= 4u);
  BOOST_TEST(st.fetchCalls <= 8u, "SQLFetch calls: " << st.fetchCalls);  // not one per row
  BOOST_TEST(st.rowsFetched >= 2000u);

  auto d = makeConnector(pgOptions("mode: key\nkey_column: id\ntable: odbc_big\nrow_array_size: 500\n"));
  std::string cp;
  size_t rows = 0;
  for (;;) {
    auto b = d->fetch(cp, 600);
    for (size_t i = 0; i < b.rows.size(); ++i) {
      auto row = rowOf(b.rows, i);
      const std::string id = *row["id"];
      if (id == "7") {
        std::string expected;
        for (int k = 0; k < 25000; ++k) expected += "盘锦abc";
        BOOST_TEST(row["doc"]->size() == expected.size());
        BOOST_TEST((*row["doc"] == expected));
      } else {
        BOOST_TEST(!row["doc"].has_value());
      }
      if (id == "9") BOOST_TEST((*row["free"] == std::string(3000, 'x')));
      if (id == "10") BOOST_TEST(!row["free"].has_value());
    }
    rows += b.rows.size();
    cp = b.checkpoint;
    if (!b.more) break;
  }
  BOOST_TEST(rows == 2000u);
  // `text` (psqlODBC says 8190 long) is bound in row arrays until a longer
  // value shows up; then that column is read with SQLGetData, whole.
  BOOST_TEST(d->stats().truncationRetries >= 1u);
  BOOST_TEST(d->stats().longCellReads > 0u);
}

BOOST_AUTO_TEST_CASE(pg_streams_with_bounded_memory) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_stream");
  s.exec("CREATE TABLE odbc_stream(id int PRIMARY KEY, payload varchar(600))");
  s.exec("INSERT INTO odbc_stream SELECT id, repeat(md5(id::text), 16) FROM generate_series(1, 200000) id");
  s.exec("ANALYZE odbc_stream");
  // No LIMIT: each pass opens a cursor over every remaining row (~110 MB in
  // all) and stops after 5,000. Only declare/fetch keeps that out of memory.
  auto c =
      makeConnector(pgOptions("mode: key\nkey_column: id\ntable: odbc_stream\nlimit_syntax: none\n"
                              "row_array_size: 1000\n"));
  auto warm = c->fetch("", 5000);  // connect and warm up allocations
  std::string cp = warm.checkpoint;
  size_t rows = warm.rows.size();
  const bool reset = resetPeakRss();
  const long base = reset ? currentRssKiB() : peakRssKiB();
  for (int i = 0; i < 100; ++i) {
    auto r = c->fetch(cp, 5000);
    rows += r.rows.size();
    cp = r.checkpoint;
    if (!r.more) break;
  }
  const long growthKiB = peakRssKiB() - base;
  BOOST_TEST(rows == 200000u);
  BOOST_TEST(growthKiB < 40 * 1024, "peak RSS grew by " << growthKiB << " KiB");
  BOOST_TEST(c->lastStatements().front().find("LIMIT") == std::string::npos);
  BOOST_TEST_MESSAGE("200,000 rows in batches of 5,000: peak RSS growth " << growthKiB << " KiB");

  // The control: the same read with declare/fetch turned off holds the whole
  // result in client memory, which the measure above would have caught.
  auto plain = makeConnector("connection: \"" + pgConnection() +
                             ";UseDeclareFetch=0\"\npassword: ${GOVSYNC_TEST_ODBC_PG_PASSWORD}\n"
                             "mode: key\nkey_column: id\ntable: odbc_stream\nlimit_syntax: none\n");
  odbc::Checkpoint nearEnd;
  nearEnd.mode = "key";
  nearEnd.keyType = "integer";
  nearEnd.key = "199990";
  plain->fetch(odbc::encodeCheckpoint(nearEnd), 1);  // connect, reading 10 rows
  if (resetPeakRss()) {
    const long before = currentRssKiB();
    BOOST_TEST(plain->fetch("", 5000).rows.size() == 5000u);
    const long plainGrowthKiB = peakRssKiB() - before;
    BOOST_TEST(plainGrowthKiB > 60 * 1024, "without declare/fetch: " << plainGrowthKiB << " KiB");
    BOOST_TEST_MESSAGE("control without declare/fetch, one batch: peak RSS growth " << plainGrowthKiB << " KiB");
  }
}

BOOST_AUTO_TEST_CASE(pg_a_null_cursor_value_is_reported_once) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_nulls");
  s.exec("CREATE TABLE odbc_nulls(id int PRIMARY KEY, ts timestamp(6), body text)");
  s.exec(
      "INSERT INTO odbc_nulls VALUES (1, LOCALTIMESTAMP - interval '1 minute', 'ok'), (2, NULL, 'no time'), "
      "(3, LOCALTIMESTAMP - interval '30 seconds', 'ok too')");
  auto c = makeConnector(pgOptions("mode: timestamp_key\nkey_column: id\ntimestamp_column: ts\ntable: odbc_nulls\n"));
  auto r = c->fetch("", 100);
  BOOST_TEST(columnOf(r.rows, "id") == (std::vector<std::string>{"1", "3"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(r.errors.size() == 1u);
  BOOST_TEST(r.errors[0].message.find("timestamp_column 'ts' is NULL") != std::string::npos, r.errors[0].message);
  BOOST_TEST(r.errors[0].raw.find("\"body\":\"no time\"") != std::string::npos, r.errors[0].raw);
  auto r2 = c->fetch(r.checkpoint, 100);
  BOOST_TEST(r2.errors.empty());
  BOOST_TEST(r2.rows.size() == 0u);
  // Once it has a timestamp, it is read like any row.
  s.exec("UPDATE odbc_nulls SET ts = LOCALTIMESTAMP - interval '10 seconds' WHERE id = 2");
  auto r3 = c->fetch(r2.checkpoint, 100);
  BOOST_TEST(columnOf(r3.rows, "id") == (std::vector<std::string>{"2"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pg_snapshot_emits_inserts_updates_and_deletes) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_snap");
  s.exec("CREATE TABLE odbc_snap(id int PRIMARY KEY, name text, grade int)");
  s.exec("INSERT INTO odbc_snap VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', NULL)");
  const auto state = tempDir("snapshot");
  auto c = makeConnector(pgOptions("mode: snapshot\nkey_column: id\ntable: odbc_snap\n"), "snap", state);
  auto r = c->fetch("", 2);  // a pass in two batches
  BOOST_TEST(columnOf(r.rows, "id") == (std::vector<std::string>{"1", "2"}), boost::test_tools::per_element());
  BOOST_TEST(r.more);
  c->committed(r);
  auto r2 = c->fetch(r.checkpoint, 2);
  BOOST_TEST(columnOf(r2.rows, "id") == (std::vector<std::string>{"3"}), boost::test_tools::per_element());
  BOOST_TEST(r2.deletedRows.size() == 0u);
  c->committed(r2);
  std::string cp = r2.checkpoint;
  auto same = c->fetch(cp, 10);  // nothing changed
  BOOST_TEST(same.rows.size() == 0u);
  BOOST_TEST(same.deletedRows.size() == 0u);
  c->committed(same);
  cp = same.checkpoint;

  s.exec("UPDATE odbc_snap SET grade = 5 WHERE id = 2");
  s.exec("DELETE FROM odbc_snap WHERE id = 3");
  s.exec("INSERT INTO odbc_snap VALUES (4, 'd', 4)");
  auto ch = c->fetch(cp, 10);
  BOOST_TEST(columnOf(ch.rows, "id") == (std::vector<std::string>{"2", "4"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(ch.deletedRows.size() == 1u);
  auto gone = rowOf(ch.deletedRows, 0);  // its last known content, for the tombstone
  BOOST_TEST(*gone["id"] == "3");
  BOOST_TEST(*gone["name"] == "c");
  BOOST_TEST(!gone["grade"].has_value());
  BOOST_TEST(std::string(ch.deletedRows.raw(ch.deletedRows.row(0))).find("\"name\":\"c\"") != std::string::npos);

  // A crash before the batch committed: committed() never ran, the store
  // still has the old checkpoint — the same changes come again.
  auto c2 = makeConnector(pgOptions("mode: snapshot\nkey_column: id\ntable: odbc_snap\n"), "snap", state);
  auto again = c2->fetch(cp, 10);
  BOOST_TEST(columnOf(again.rows, "id") == (std::vector<std::string>{"2", "4"}), boost::test_tools::per_element());
  BOOST_TEST(columnOf(again.deletedRows, "id") == (std::vector<std::string>{"3"}), boost::test_tools::per_element());
  c2->committed(again);
  auto quiet = c2->fetch(again.checkpoint, 10);
  BOOST_TEST(quiet.rows.size() == 0u);
  BOOST_TEST(quiet.deletedRows.size() == 0u);
  c2->committed(quiet);

  // The state file lost a batch (committed after the store, then a crash
  // before committed()): the connector notices and rescans; nothing is
  // wrongly called deleted.
  s.exec("UPDATE odbc_snap SET name = 'A' WHERE id = 1");
  auto lost = c2->fetch(quiet.checkpoint, 10);  // committed() "lost"
  BOOST_TEST(columnOf(lost.rows, "id") == (std::vector<std::string>{"1"}), boost::test_tools::per_element());
  auto after = c2->fetch(lost.checkpoint, 10);
  BOOST_TEST(columnOf(after.rows, "id") == (std::vector<std::string>{"1"}), boost::test_tools::per_element());
  BOOST_TEST(after.deletedRows.size() == 0u);
  c2->committed(after);
  BOOST_TEST(std::filesystem::exists(state + "/odbc-snapshot.sqlite"));
  std::filesystem::remove_all(state);
}

BOOST_AUTO_TEST_CASE(pg_errors_are_clear_and_the_next_fetch_recovers) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_err");
  s.exec("CREATE TABLE odbc_err(id int PRIMARY KEY, v text)");
  s.exec("INSERT INTO odbc_err SELECT id, 'v' || id FROM generate_series(1, 50) id");

  // A server that is not there (a closed port): retryable, names the source.
  auto down = makeConnector("connection: \"Driver=" + driverPath("psqlodbcw.so") +
                                ";Server=127.0.0.1;Port=1;Database=x;UID=govsync\"\npassword: Pw-Not-Shown-9\n"
                                "mode: key\nkey_column: id\ntable: odbc_err\n",
                            "cases");
  auto e = expectError([&] { down->fetch("", 10); });
  BOOST_TEST(e.code() == ErrorCode::Unavailable);
  BOOST_TEST(e.retryable());
  BOOST_TEST(std::string(e.what()).find("odbc connector 'cases'") != std::string::npos, e.what());
  BOOST_TEST(std::string(e.what()).find("Port=1") != std::string::npos, e.what());
  BOOST_TEST(std::string(e.what()).find("unreachable") != std::string::npos, e.what());
  BOOST_TEST(std::string(e.what()).find("Pw-Not-Shown-9") == std::string::npos, e.what());

  // Wrong credentials: a configuration problem, the password not shown.
  auto wrong = makeConnector("connection: \"" + pgConnection() +
                             "\"\npassword: Wrong-Pass-77\nmode: key\n"
                             "key_column: id\ntable: odbc_err\n");
  auto w = expectError([&] { wrong->fetch("", 10); });
  BOOST_TEST(w.code() == ErrorCode::Config);
  BOOST_TEST(std::string(w.what()).find("password authentication failed") != std::string::npos, w.what());
  BOOST_TEST(std::string(w.what()).find("Wrong-Pass-77") == std::string::npos, w.what());

  // A database that does not exist: Config.
  auto noDb = makeConnector("connection: \"Driver=" + driverPath("psqlodbcw.so") + ";Server=" + pgInfo()["host"] +
                            ";Port=" + pgInfo()["port"] + ";Database=odbc_no_such_db;UID=" + pgInfo()["user"] +
                            "\"\npassword: ${GOVSYNC_TEST_ODBC_PG_PASSWORD}\nmode: key\nkey_column: id\ntable: t\n");
  auto nd = expectError([&] { noDb->fetch("", 10); });
  BOOST_TEST(nd.code() == ErrorCode::Config, nd.what());
  BOOST_TEST(std::string(nd.what()).find("odbc_no_such_db") != std::string::npos, nd.what());

  // SQL that fails: Config, with the driver's words.
  auto badSql = makeConnector(pgOptions("mode: key\nkey_column: id\nquery: SELECT id FROM odbc_no_such_table\n"));
  auto b = expectError([&] { badSql->fetch("", 10); });
  BOOST_TEST(b.code() == ErrorCode::Config);
  BOOST_TEST(std::string(b.what()).find("odbc_no_such_table") != std::string::npos, b.what());

  // A statement timeout: retryable.
  auto slow =
      makeConnector(pgOptions("mode: key\nkey_column: id\nstatement_timeout_seconds: 1\n"
                              "query: SELECT id, pg_sleep(3)::text AS s FROM odbc_err WHERE id = 1\n"));
  const auto t0 = std::chrono::steady_clock::now();
  auto t = expectError([&] { slow->fetch("", 10); });
  BOOST_TEST(t.code() == ErrorCode::Unavailable);
  BOOST_TEST(std::string(t.what()).find("timed out") != std::string::npos, t.what());
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  BOOST_TEST(waited.count() < 3000);

  // The connection dies mid-batch (the server ends the session while rows
  // stream): retryable; the next fetch reconnects and reads from the checkpoint.
  auto mid =
      makeConnector("connection: \"" + pgConnection() +
                        ";pqopt={application_name=odbc_midbatch}\"\n"
                        "password: ${GOVSYNC_TEST_ODBC_PG_PASSWORD}\nmode: key\nkey_column: id\nrow_array_size: 10\n"
                        "query: SELECT g AS id, pg_sleep(0.005)::text AS s FROM generate_series(1, 400) g\n",
                    "midbatch");
  auto first = mid->fetch("", 5);
  BOOST_TEST(first.rows.size() == 5u);
  auto killer = std::async(std::launch::async, [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Session k(pgConnection() + ";PWD=" + pgPassword());
    k.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'odbc_midbatch'");
  });
  auto m = expectError([&] { mid->fetch(first.checkpoint, 1000); });
  killer.get();
  BOOST_TEST(m.code() == ErrorCode::Unavailable, m.what());
  BOOST_TEST(m.retryable());
  BOOST_TEST(std::string(m.what()).find("odbc connector 'midbatch'") != std::string::npos, m.what());
  auto next = mid->fetch(first.checkpoint, 5);
  BOOST_TEST(columnOf(next.rows, "id") == (std::vector<std::string>{"6", "7", "8", "9", "10"}),
             boost::test_tools::per_element());

  // cancel() from another thread stops a fetch in progress.
  auto cancelled = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mid->cancel();
  });
  auto cx = expectError([&] { mid->fetch(next.checkpoint, 1000); });
  cancelled.get();
  BOOST_TEST(std::string(cx.what()).find("cancel") != std::string::npos, cx.what());
}

BOOST_AUTO_TEST_CASE(pg_through_a_dsn_and_wide_text) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_wide");
  s.exec("CREATE TABLE odbc_wide(id int PRIMARY KEY, city varchar(20))");
  s.exec("INSERT INTO odbc_wide VALUES (1, '盘锦'), (2, NULL)");
  auto c = makeConnector(
      "connection: DSN=govsync_pg\npassword: ${GOVSYNC_TEST_ODBC_PG_PASSWORD}\nmode: key\nkey_column: id\n"
      "table: odbc_wide\ntext_as: wide\n");
  auto r = c->fetch("", 10);
  BOOST_TEST(r.rows.utf8());
  BOOST_TEST(columnOf(r.rows, "city") == (std::vector<std::string>{"盘锦", "<null>"}),
             boost::test_tools::per_element());
  const auto d = c->describe();
  BOOST_TEST(d.find("DSN=govsync_pg") != std::string::npos, d);
  BOOST_TEST(d.find("PostgreSQL") != std::string::npos, d);
  BOOST_TEST(d.find(pgInfo()["dbname"]) != std::string::npos, d);
  BOOST_TEST(d.find(pgPassword()) == std::string::npos, d);
}

BOOST_AUTO_TEST_CASE(pg_string_keys_with_chinese_text_page_in_both_text_modes) {
  auto& s = pg();
  s.exec("DROP TABLE IF EXISTS odbc_skey");
  s.exec("CREATE TABLE odbc_skey(code varchar(20) PRIMARY KEY, name text)");
  s.exec("INSERT INTO odbc_skey VALUES ('盘锦-001', 'a'), ('盘锦-002', 'b'), ('大洼-001', 'c'), ('A-1', 'd')");
  const std::string expected = s.scalar("SELECT string_agg(code, ',' ORDER BY code) FROM odbc_skey");
  for (const char* textAs : {"bytes", "wide"}) {
    auto c = makeConnector(pgOptions(std::string("mode: key\nkey_column: code\nkey_type: string\ntable: odbc_skey\n"
                                                 "text_as: ") +
                                     textAs + "\n"));
    std::string cp, got;
    for (const auto& code : drain(*c, cp, 1, "code")) got += (got.empty() ? "" : ",") + code;
    BOOST_TEST(got == expected, textAs);
  }
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
