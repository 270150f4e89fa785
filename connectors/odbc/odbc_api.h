// A thin RAII layer over unixODBC handles for the odbc connector: an
// environment, a connection and a statement, each freed by its destructor,
// and the diagnostics of a failed call collected into an OdbcFailure that the
// connector turns into a govsync::Error (it knows the source's name and which
// failures are retryable). Nothing here knows about checkpoints or modes.
//
// Thread safety: one thread uses a connection and its statements at a time;
// the one exception is Statement::cancel(), which ODBC allows from another
// thread (see OdbcConnector::cancel).
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace govsync::connectors::odbc {

/// One diagnostic record (SQLGetDiagRec).
struct Diagnostic {
  std::string state;  ///< SQLSTATE, 5 characters
  int32_t native = 0;
  std::string message;
};

/// An ODBC call failed: what we were doing and the driver's diagnostics.
class OdbcFailure : public std::exception {
 public:
  OdbcFailure(std::string step, std::vector<Diagnostic> diagnostics);
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& step() const { return step_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  /// The first diagnostic's SQLSTATE ("" when the driver gave none).
  std::string state() const { return diagnostics_.empty() ? "" : diagnostics_.front().state; }
  /// "[08001] message; [01000] message" — the driver's words.
  std::string details() const;

 private:
  std::string step_;
  std::vector<Diagnostic> diagnostics_;
  std::string text_;
};

/// Every diagnostic record of `handle`.
std::vector<Diagnostic> readDiagnostics(SQLSMALLINT handleType, SQLHANDLE handle);
/// Throws OdbcFailure when `rc` is an error (not for SUCCESS_WITH_INFO / NO_DATA).
void check(SQLRETURN rc, SQLSMALLINT handleType, SQLHANDLE handle, std::string_view step);

/// UTF-8 ↔ SQLWCHAR (UTF-16) for the W functions and SQL_C_WCHAR data.
std::u16string toUtf16(std::string_view utf8);
void appendUtf8(std::string& out, const SQLWCHAR* text, size_t units);

/// An ODBC 3 environment handle.
class Environment {
 public:
  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  SQLHENV handle() const { return env_; }

 private:
  SQLHENV env_ = SQL_NULL_HENV;
};

/// One connection made with SQLDriverConnect; disconnects on destruction.
class Connection {
 public:
  /// Connects with `connectionString`; `loginTimeout` seconds (0 = driver default).
  Connection(Environment& env, const std::string& connectionString, int loginTimeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  SQLHDBC handle() const { return dbc_; }
  /// SQLGetInfo for a string-valued item ("" when the driver has none).
  std::string infoString(SQLUSMALLINT item) const;
  /// SQLGetInfo for a 32-bit item (0 when the driver has none).
  uint32_t infoUInt(SQLUSMALLINT item) const;
  /// SQL_ATTR_CONNECTION_DEAD, when the driver can tell.
  bool dead() const;

 private:
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  bool connected_ = false;
};

/// One statement handle.
class Statement {
 public:
  explicit Statement(Connection& connection);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  SQLHSTMT handle() const { return stmt_; }
  /// Closes the open cursor, if any (the rest of the result is discarded).
  void closeCursor();
  /// SQLCancel; safe from another thread while this one executes or fetches.
  void cancel();

 private:
  SQLHSTMT stmt_ = SQL_NULL_HSTMT;
};

}  // namespace govsync::connectors::odbc
