// SqlConnection over libpq. Statements are prepared once per connection
// (named by a counter) with `?` rewritten to $n; results are read in text
// form and typed by column OID. Connection loss marks the connection
// unhealthy so the pool replaces it; the error is Unavailable (retryable).
#pragma once

#include <libpq-fe.h>

#include <string>
#include <unordered_map>

#include "core/store/sql_connection.h"

namespace govsync::store {

class PgConnection final : public SqlConnection {
 public:
  /// Connects with a libpq conninfo string. `target` names the server for
  /// messages without revealing the password.
  PgConnection(const std::string& conninfo, std::string target);
  ~PgConnection() override;

  void execScript(std::string_view sql) override;
  SqlResult query(std::string_view sql, std::span<const SqlValue> params) override;
  void begin(bool write) override;
  void commit() override;
  void rollback() override;
  bool healthy() const override { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

  /// The SQLSTATE of the last failed statement ("" if none).
  const std::string& lastSqlState() const { return lastState_; }

 private:
  [[noreturn]] void fail(const std::string& what, PGresult* res);

  PGconn* conn_ = nullptr;
  std::string target_;
  std::string lastState_;
  std::unordered_map<std::string, std::string> statements_;  // sql → statement name
};

/// Rewrites `?` placeholders (outside quotes) to $1, $2, ...
std::string toDollarPlaceholders(std::string_view sql);

}  // namespace govsync::store
