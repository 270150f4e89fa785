#include "core/store/sqlite/sqlite_connection.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/util/error.h"

namespace govsync::store {

namespace {
/// A new store file is made readable by its owner only: it holds personal
/// data in clear, secret hashes and the audit log. SQLite gives its -wal and
/// -shm files the database file's mode. An existing file keeps the mode its
/// operator chose.
void createOwnerOnly(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // EEXIST and the rest: sqlite3_open_v2 reports what matters
}
}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) : path_(path) {
  createOwnerOnly(path);
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    throw Error::unavailable("cannot open the SQLite store at " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 30000);
  try {
    // WAL lets readers run beside the one writer; FULL syncs the WAL on every
    // commit, so an acknowledged commit survives a power loss, not just a crash.
    execScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    // Check the file really is a database we can read (a text file passes open).
    query("SELECT count(*) FROM sqlite_master", {});
  } catch (const Error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error::unavailable("cannot open the SQLite store at " + path + ": " + e.what());
  }
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close(db_);
}

void SqliteConnection::fail(const std::string& what, int rc) const {
  std::string msg = what + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)) + " (SQLite store " + path_ + ")";
  const int primary = rc & 0xFF;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR || primary == SQLITE_FULL ||
      primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_PROTOCOL)
    throw Error::unavailable(msg);
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) throw Error::corrupt(msg);
  if (primary == SQLITE_CONSTRAINT) throw Error::conflict(msg);
  throw Error::internal(msg);
}

void SqliteConnection::execScript(std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    fail("SQL failed (" + msg + ")", rc);
  }
}

sqlite3_stmt* SqliteConnection::prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail("cannot prepare statement", rc);
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

SqlResult SqliteConnection::query(std::string_view sql, std::span<const SqlValue> params) {
  sqlite3_stmt* stmt = prepare(sql);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (size_t i = 0; i < params.size(); ++i) {
    const int idx = static_cast<int>(i + 1);
    const auto& p = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(p))
      rc = sqlite3_bind_null(stmt, idx);
    else if (auto* n = std::get_if<int64_t>(&p))
      rc = sqlite3_bind_int64(stmt, idx, *n);
    else if (auto* d = std::get_if<double>(&p))
      rc = sqlite3_bind_double(stmt, idx, *d);
    else if (auto* s = std::get_if<std::string>(&p))
      rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    else if (auto* b = std::get_if<Blob>(&p))
      rc = sqlite3_bind_blob64(stmt, idx, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
    if (rc != SQLITE_OK) fail("cannot bind parameter", rc);
  }
  SqlResult result;
  const int cols = sqlite3_column_count(stmt);
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      sqlite3_reset(stmt);
      fail("statement failed", rc);
    }
    auto& row = result.rows.emplace_back();
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(stmt, c)); break;
        case SQLITE_BLOB: {
          const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          row.emplace_back(Blob{std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c)))});
          break;
        }
        default: {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
  }
  sqlite3_reset(stmt);
  return result;
}

void SqliteConnection::begin(bool write) { execScript(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
void SqliteConnection::commit() { execScript("COMMIT"); }
void SqliteConnection::rollback() {
  if (!sqlite3_get_autocommit(db_)) execScript("ROLLBACK");
}

}  // namespace govsync::store
