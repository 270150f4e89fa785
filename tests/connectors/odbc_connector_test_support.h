// Shared by the parts of the odbc connector suite (odbc_options_test.cpp,
// odbc_postgres_test.cpp, odbc_sqlite_mariadb_test.cpp): connector options
// for the test servers, one plain ODBC session per server for setting up
// tables, and expecting errors. The drivers and a DSN are registered for the
// whole suite by the global fixture in odbc_connector_test_support.cpp.
#pragma once

#include <boost/test/unit_test.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "core/util/error.h"
#include "tests/connectors/odbc_test_support.h"

namespace govsync {
inline std::ostream& operator<<(std::ostream& out, ErrorCode code) { return out << errorCodeName(code); }
}  // namespace govsync

namespace odbc_test {

inline std::string pgOptions(const std::string& rest) {
  return "connection: \"" + pgConnection() + "\"\npassword: ${GOVSYNC_TEST_ODBC_PG_PASSWORD}\n" + rest;
}
inline std::string mariadbOptions(const std::string& rest, const std::string& extra = "") {
  return "connection: \"" + mariadbConnection("govsync", extra) +
         "\"\npassword: ${GOVSYNC_TEST_ODBC_MARIADB_PASSWORD}\n" + rest;
}

inline Session& pg() {
  static Session s(pgConnection() + ";PWD=" + pgPassword());
  return s;
}
inline Session& maria() {
  static Session s(mariadbConnection() + ";PWD=" + mariadbPassword());
  return s;
}

/// Runs `fn`, expecting a govsync::Error; returns it.
template <typename Fn>
govsync::Error expectError(Fn&& fn) {
  try {
    fn();
  } catch (const govsync::Error& e) {
    return e;
  }
  BOOST_FAIL("expected a govsync::Error");
  return govsync::Error::internal("unreachable");
}

/// Fetches until no more rows are ready, collecting `column` values.
inline std::vector<std::string> drain(govsync::connectors::Connector& c, std::string& checkpoint, size_t maxRows,
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

}  // namespace odbc_test
