// The global fixture of the odbc connector suite (odbc_connector_test_support.h).
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/connectors/odbc_test_support.h"

using namespace odbc_test;

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

}  // namespace
