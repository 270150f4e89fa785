// SqlConnection over the SQLite C API: WAL journal, synchronous=FULL (a
// commit that gates an acknowledgement survives power loss), a busy timeout
// so concurrent writers queue instead of failing.
#pragma once

#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "core/store/sql_connection.h"

namespace govsync::store {

class SqliteConnection final : public SqlConnection {
 public:
  /// Opens (creating if needed) the database file at `path`. Throws
  /// Error(Unavailable) naming the path when it cannot be opened.
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection() override;

  void execScript(std::string_view sql) override;
  SqlResult query(std::string_view sql, std::span<const SqlValue> params) override;
  void begin(bool write) override;
  void commit() override;
  void rollback() override;
  bool healthy() const override { return db_ != nullptr; }

 private:
  [[noreturn]] void fail(const std::string& what, int rc) const;
  sqlite3_stmt* prepare(std::string_view sql);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace govsync::store
