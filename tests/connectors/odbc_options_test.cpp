// The odbc connector against real databases, no mocks: PostgreSQL through
// psqlODBC (ctest fixture "postgres"), MariaDB through MariaDB
// Connector/ODBC (fixture "mariadb", tests/scripts/mariadb.sh) and SQLite
// through sqliteodbc (temp files). Drivers are registered for the suite in
// a temp odbcinst.ini/odbc.ini (ODBCSYSINI/ODBCINI); most tests name the
// driver library directly (Driver=/path/lib.so).
// This part: option checking with file and line, and the checkpoint text.
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

BOOST_AUTO_TEST_SUITE_END()
