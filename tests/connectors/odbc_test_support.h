// Helpers for the odbc connector suite: where the Debian ODBC drivers are,
// connection strings for the test servers (PostgreSQL fixture "postgres",
// MariaDB fixture "mariadb", SQLite temp files), a plain ODBC session for
// setting up tables, and building connectors from YAML options exactly as
// the configuration does.
#pragma once

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/odbc/odbc_api.h"
#include "connectors/odbc/odbc_connector.h"
#include "core/config/config.h"

namespace odbc_test {

namespace odbc = govsync::connectors::odbc;
using govsync::RowBatch;

inline std::string env(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

/// A Debian ODBC driver library by file name.
inline std::string driverPath(const std::string& file) {
  for (const char* dir :
       {"/usr/lib/x86_64-linux-gnu/odbc", "/usr/lib/aarch64-linux-gnu/odbc", "/usr/lib/odbc", "/usr/local/lib/odbc"}) {
    const std::string p = std::string(dir) + "/" + file;
    if (std::filesystem::exists(p)) return p;
  }
  throw std::runtime_error(
      "ODBC driver " + file +
      " not found (install odbc-postgresql, libsqliteodbc, odbc-mariadb: scripts/install-deps.sh)");
}

/// Fields of a libpq conninfo ("host=... port=... dbname=... user=... password=...").
inline std::map<std::string, std::string> parseConninfo(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

inline std::map<std::string, std::string> pgInfo() {
  return parseConninfo(env("GOVSYNC_TEST_PG_CONNINFO",
                           "host=127.0.0.1 port=55432 dbname=govsync_test user=govsync password=govsync-test"));
}

/// psqlODBC connection string without the password.
inline std::string pgConnection() {
  auto i = pgInfo();
  return "Driver=" + driverPath("psqlodbcw.so") + ";Server=" + i["host"] + ";Port=" + i["port"] +
         ";Database=" + i["dbname"] + ";UID=" + i["user"];
}
inline std::string pgPassword() { return pgInfo()["password"]; }

inline std::string mariadbPort() { return env("GOVSYNC_TEST_MARIADB_PORT", "53306"); }
inline std::string mariadbConnection(const std::string& user = "govsync", const std::string& extra = "") {
  return "Driver=" + driverPath("libmaodbc.so") + ";Server=127.0.0.1;Port=" + mariadbPort() +
         ";Database=govsync_test;UID=" + user + extra;
}
inline std::string mariadbPassword() { return "govsync-test"; }
inline std::string mariadbScript() {
  return env("GOVSYNC_SOURCE_DIR", std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string()) +
         "/tests/scripts/mariadb.sh";
}

inline std::string sqliteConnection(const std::string& file) {
  return "Driver=" + driverPath("libsqlite3odbc.so") + ";Database=" + file;
}

/// A fresh temp folder for one test.
inline std::string tempDir(const std::string& tag) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("govsync-odbc-test-" + std::to_string(::getpid()) + "-" + tag);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

/// A plain ODBC session for setting up and changing test data.
class Session {
 public:
  explicit Session(const std::string& connection) : conn_(env_, connection, 20) {}
  void exec(const std::string& sql) {
    odbc::Statement st(conn_);
    const auto text = odbc::toUtf16(sql);
    odbc::check(SQLExecDirectW(st.handle(), reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(text.c_str())),
                               static_cast<SQLINTEGER>(text.size())),
                SQL_HANDLE_STMT, st.handle(), sql);
  }
  /// The first column of the first row as text ("" for NULL / no row).
  std::string scalar(const std::string& sql) {
    odbc::Statement st(conn_);
    const auto text = odbc::toUtf16(sql);
    odbc::check(SQLExecDirectW(st.handle(), reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(text.c_str())),
                               static_cast<SQLINTEGER>(text.size())),
                SQL_HANDLE_STMT, st.handle(), sql);
    if (SQLFetch(st.handle()) != SQL_SUCCESS) return "";
    char buf[4096] = {};
    SQLLEN ind = 0;
    SQLGetData(st.handle(), 1, SQL_C_CHAR, buf, sizeof buf, &ind);
    return ind == SQL_NULL_DATA ? "" : std::string(buf);
  }
  void autocommit(bool on) {
    SQLSetConnectAttr(conn_.handle(), SQL_ATTR_AUTOCOMMIT,
                      reinterpret_cast<SQLPOINTER>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF), 0);
  }
  void commit() { SQLEndTran(SQL_HANDLE_DBC, conn_.handle(), SQL_COMMIT); }

 private:
  odbc::Environment env_;
  odbc::Connection conn_;
};

inline govsync::connectors::ConnectorRegistry& registry() {
  static govsync::connectors::ConnectorRegistry r = [] {
    govsync::connectors::ConnectorRegistry reg;
    govsync::connectors::registerOdbcConnector(reg);
    return reg;
  }();
  return r;
}

/// Validates `yaml` as the options of an odbc connector (as govsync.yaml's
/// connectors[0].options would be) and builds the connector.
inline std::unique_ptr<odbc::OdbcConnector> makeConnector(const std::string& yaml, const std::string& name = "src",
                                                          const std::string& stateDir = "") {
  const auto& type = registry().get("odbc");
  govsync::connectors::ConnectorContext ctx;
  ctx.name = name;
  ctx.options = govsync::Config::validate(type.options, YAML::Load(yaml), "test.yaml", "connectors[0].options");
  ctx.stateDir = stateDir;
  auto c = type.create(ctx);
  return std::unique_ptr<odbc::OdbcConnector>(dynamic_cast<odbc::OdbcConnector*>(c.release()));
}

/// One row of a batch: column → value (nullopt for NULL).
inline std::map<std::string, std::optional<std::string>> rowOf(const RowBatch& b, size_t i) {
  std::map<std::string, std::optional<std::string>> out;
  const auto& r = b.row(i);
  const auto* cells = b.cells(r);
  for (uint32_t k = 0; k < r.cellCount; ++k) {
    const auto& name = b.columns()[cells[k].column];
    if (cells[k].flags & RowBatch::kNull)
      out[name] = std::nullopt;
    else
      out[name] = std::string(b.bytes(cells[k]));
  }
  return out;
}

/// The values of `column` over a batch's rows.
inline std::vector<std::string> columnOf(const RowBatch& b, const std::string& column) {
  std::vector<std::string> out;
  for (size_t i = 0; i < b.size(); ++i) {
    auto row = rowOf(b, i);
    out.push_back(row[column].value_or("<null>"));
  }
  return out;
}

/// Peak resident set (VmHWM) of this process in KiB.
inline long peakRssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}
/// Resets VmHWM to the current RSS (Linux ≥ 4.0); false if not allowed.
inline bool resetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out);
}
inline long currentRssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace odbc_test
