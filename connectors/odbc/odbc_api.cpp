#include "connectors/odbc/odbc_api.h"

#include "core/util/text.h"

#include <cstring>

namespace govsync::connectors::odbc {

OdbcFailure::OdbcFailure(std::string step, std::vector<Diagnostic> diagnostics)
    : step_(std::move(step)), diagnostics_(std::move(diagnostics)) {
  text_ = step_ + ": " + details();
}

std::string OdbcFailure::details() const {
  if (diagnostics_.empty()) return "the driver reported an error without diagnostics";
  std::string out;
  for (const auto& d : diagnostics_) {
    if (!out.empty()) out += "; ";
    out += "[" + d.state + "] " + d.message;
  }
  return out;
}

std::vector<Diagnostic> readDiagnostics(SQLSMALLINT handleType, SQLHANDLE handle) {
  std::vector<Diagnostic> out;
  if (!handle) return out;
  for (SQLSMALLINT i = 1; i <= 8; ++i) {
    SQLCHAR state[8] = {};
    SQLINTEGER native = 0;
    SQLCHAR message[2048] = {};
    SQLSMALLINT length = 0;
    const SQLRETURN rc = SQLGetDiagRec(handleType, handle, i, state, &native, message, sizeof message, &length);
    if (rc != SQL_SUCCESS && rc != SQL_SUCCESS_WITH_INFO) break;
    Diagnostic d;
    d.state = reinterpret_cast<const char*>(state);
    d.native = native;
    d.message = reinterpret_cast<const char*>(message);
    while (!d.message.empty() && (d.message.back() == '\n' || d.message.back() == '\r')) d.message.pop_back();
    out.push_back(std::move(d));
  }
  return out;
}

void check(SQLRETURN rc, SQLSMALLINT handleType, SQLHANDLE handle, std::string_view step) {
  if (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO || rc == SQL_NO_DATA) return;
  if (rc == SQL_INVALID_HANDLE) throw OdbcFailure(std::string(step), {{"HY000", 0, "invalid handle"}});
  throw OdbcFailure(std::string(step), readDiagnostics(handleType, handle));
}

std::u16string toUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F), n = 2;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F), n = 3;
    } else if ((c & 0xF8) == 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F), n = 4;
    }
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

void appendUtf8(std::string& out, const SQLWCHAR* text, size_t units) {
  for (size_t i = 0; i < units; ++i) {
    uint32_t cp = text[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;  // a lone surrogate
    }
    govsync::appendUtf8(out, cp);
  }
}

Environment::Environment() {
  if (SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_) != SQL_SUCCESS)
    throw OdbcFailure("allocating the ODBC environment", {{"HY001", 0, "SQLAllocHandle(ENV) failed"}});
  check(SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0), SQL_HANDLE_ENV, env_,
        "setting ODBC version 3");
}

Environment::~Environment() {
  if (env_) SQLFreeHandle(SQL_HANDLE_ENV, env_);
}

Connection::Connection(Environment& env, const std::string& connectionString, int loginTimeout) {
  check(SQLAllocHandle(SQL_HANDLE_DBC, env.handle(), &dbc_), SQL_HANDLE_ENV, env.handle(),
        "allocating a connection handle");
  if (loginTimeout > 0) {
    SQLSetConnectAttr(dbc_, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(loginTimeout)),
                      0);
    SQLSetConnectAttr(dbc_, SQL_ATTR_CONNECTION_TIMEOUT,
                      reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(loginTimeout)), 0);
  }
  const std::u16string wide = toUtf16(connectionString);
  SQLWCHAR out[1024];
  SQLSMALLINT outLength = 0;
  const SQLRETURN rc =
      SQLDriverConnectW(dbc_, nullptr, reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(wide.c_str())),
                        static_cast<SQLSMALLINT>(wide.size()), out, 1024, &outLength, SQL_DRIVER_NOPROMPT);
  if (rc != SQL_SUCCESS && rc != SQL_SUCCESS_WITH_INFO) {
    auto diagnostics = readDiagnostics(SQL_HANDLE_DBC, dbc_);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
    dbc_ = SQL_NULL_HDBC;
    throw OdbcFailure("connecting", std::move(diagnostics));
  }
  connected_ = true;
}

Connection::~Connection() {
  if (!dbc_) return;
  if (connected_) SQLDisconnect(dbc_);
  SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
}

std::string Connection::infoString(SQLUSMALLINT item) const {
  char buffer[512] = {};
  SQLSMALLINT length = 0;
  const SQLRETURN rc = SQLGetInfo(dbc_, item, buffer, sizeof buffer, &length);
  if (rc != SQL_SUCCESS && rc != SQL_SUCCESS_WITH_INFO) return {};
  return std::string(buffer, strnlen(buffer, sizeof buffer));
}

uint32_t Connection::infoUInt(SQLUSMALLINT item) const {
  SQLUINTEGER value = 0;
  const SQLRETURN rc = SQLGetInfo(dbc_, item, &value, sizeof value, nullptr);
  return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO ? value : 0;
}

bool Connection::dead() const {
  SQLUINTEGER value = SQL_CD_FALSE;
  const SQLRETURN rc = SQLGetConnectAttr(dbc_, SQL_ATTR_CONNECTION_DEAD, &value, 0, nullptr);
  return (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) && value == SQL_CD_TRUE;
}

Statement::Statement(Connection& connection) {
  check(SQLAllocHandle(SQL_HANDLE_STMT, connection.handle(), &stmt_), SQL_HANDLE_DBC, connection.handle(),
        "allocating a statement");
}

Statement::~Statement() {
  if (stmt_) SQLFreeHandle(SQL_HANDLE_STMT, stmt_);
}

void Statement::closeCursor() { SQLFreeStmt(stmt_, SQL_CLOSE); }

void Statement::cancel() { SQLCancel(stmt_); }

}  // namespace govsync::connectors::odbc
