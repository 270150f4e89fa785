#include "connectors/odbc/snapshot_state.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "core/util/error.h"

namespace govsync::connectors::odbc {

namespace {

struct Finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, Finalizer>;

void bindBlob(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string columnBlob(sqlite3_stmt* s, int i) {
  const void* p = sqlite3_column_blob(s, i);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

}  // namespace

SnapshotState::SnapshotState(const std::string& path) : path_(path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error::config("cannot open the snapshot state file " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec(
      "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS snapshot_rows(key BLOB PRIMARY KEY, hash BLOB NOT NULL, pass INTEGER NOT NULL,"
      " cells BLOB NOT NULL, raw BLOB NOT NULL) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS snapshot_rows_pass ON snapshot_rows(pass, key);");
}

SnapshotState::~SnapshotState() {
  if (db_) sqlite3_close(db_);
}

void SnapshotState::fail(const std::string& what) {
  throw Error::internal("snapshot state " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SnapshotState::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    throw Error::internal("snapshot state " + path_ + ": " + msg);
  }
}

sqlite3_stmt* SnapshotState::prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) fail("prepare");
  return s;
}

int64_t SnapshotState::appliedSeq() {
  Stmt s(prepare("SELECT v FROM meta WHERE k = 'applied_seq'"));
  return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

int64_t SnapshotState::maxPass() {
  Stmt s(prepare("SELECT COALESCE(MAX(pass), 0) FROM snapshot_rows"));
  return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

std::optional<std::string> SnapshotState::hashOf(std::string_view key) {
  Stmt s(prepare("SELECT hash FROM snapshot_rows WHERE key = ?"));
  bindBlob(s.get(), 1, key);
  if (sqlite3_step(s.get()) == SQLITE_ROW) return columnBlob(s.get(), 0);
  return std::nullopt;
}

std::vector<SnapshotState::Row> SnapshotState::staleRows(int64_t pass, size_t limit) {
  Stmt s(prepare("SELECT key, hash, cells, raw FROM snapshot_rows WHERE pass < ? ORDER BY pass, key LIMIT ?"));
  sqlite3_bind_int64(s.get(), 1, pass);
  sqlite3_bind_int64(s.get(), 2, static_cast<int64_t>(limit));
  std::vector<Row> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.push_back({columnBlob(s.get(), 0), columnBlob(s.get(), 1), columnBlob(s.get(), 2), columnBlob(s.get(), 3)});
  if (rc != SQLITE_DONE) fail("reading deleted rows");
  return out;
}

void SnapshotState::apply(int64_t seq, int64_t pass, const std::vector<Row>& changed,
                          const std::vector<std::string>& seen, const std::vector<std::string>& deleted) {
  exec("BEGIN IMMEDIATE");
  try {
    Stmt up(prepare(
        "INSERT INTO snapshot_rows(key, hash, pass, cells, raw) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
        "hash = excluded.hash, pass = excluded.pass, cells = excluded.cells, raw = excluded.raw"));
    for (const auto& r : changed) {
      bindBlob(up.get(), 1, r.key);
      bindBlob(up.get(), 2, r.hash);
      sqlite3_bind_int64(up.get(), 3, pass);
      bindBlob(up.get(), 4, r.cells);
      bindBlob(up.get(), 5, r.raw);
      if (sqlite3_step(up.get()) != SQLITE_DONE) fail("saving a row");
      sqlite3_reset(up.get());
    }
    Stmt mark(prepare("UPDATE snapshot_rows SET pass = ? WHERE key = ?"));
    for (const auto& k : seen) {
      sqlite3_bind_int64(mark.get(), 1, pass);
      bindBlob(mark.get(), 2, k);
      if (sqlite3_step(mark.get()) != SQLITE_DONE) fail("marking a row");
      sqlite3_reset(mark.get());
    }
    Stmt del(prepare("DELETE FROM snapshot_rows WHERE key = ?"));
    for (const auto& k : deleted) {
      bindBlob(del.get(), 1, k);
      if (sqlite3_step(del.get()) != SQLITE_DONE) fail("deleting a row");
      sqlite3_reset(del.get());
    }
    Stmt meta(prepare("INSERT OR REPLACE INTO meta(k, v) VALUES ('applied_seq', ?)"));
    sqlite3_bind_int64(meta.get(), 1, seq);
    if (sqlite3_step(meta.get()) != SQLITE_DONE) fail("saving the seq");
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace govsync::connectors::odbc
