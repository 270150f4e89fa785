// The odbc connector against real databases, no mocks: PostgreSQL through
// psqlODBC (ctest fixture "postgres"), MariaDB through MariaDB
// Connector/ODBC (fixture "mariadb", tests/scripts/mariadb.sh) and SQLite
// through sqliteodbc (temp files). Drivers are registered for the suite in
// a temp odbcinst.ini/odbc.ini (ODBCSYSINI/ODBCINI); most tests name the
// driver library directly (Driver=/path/lib.so).
// This part: PostgreSQL through psqlODBC.
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

BOOST_AUTO_TEST_SUITE_END()
