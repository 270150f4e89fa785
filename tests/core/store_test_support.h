// Shared by the store suites: a fresh, empty store of either backend per
// test (SQLite in a temporary folder; PostgreSQL as a new database on the test
// server), raw SQL access beside the store (to tamper with it as an attacker
// or a broken disk would), and record builders.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/store/store.h"

namespace govsync::testing {

enum class Backend { Sqlite, Postgres };

std::ostream& operator<<(std::ostream& out, Backend backend);
/// Both backends; every store test runs on each.
std::vector<Backend> allBackends();

/// GOVSYNC_TEST_PG_CONNINFO (with its password), or the default of the test
/// server started by tests/scripts/postgres.sh.
std::string testPgConninfo();
/// `conninfo` with `key` set to `value` (added or replaced).
std::string conninfoWith(const std::string& conninfo, const std::string& key, const std::string& value);
/// The value of `key` in `conninfo` ("" if absent).
std::string conninfoValue(const std::string& conninfo, const std::string& key);

/// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& label = "govsync-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A new database on the test PostgreSQL server, dropped on destruction.
class PgDatabase {
 public:
  PgDatabase();
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  const std::string& name() const { return name_; }
  /// Conninfo of the database, password included.
  std::string conninfo() const;

 private:
  std::string name_;
};

/// Rows of text (NULL → "") from raw SQL.
using RawRows = std::vector<std::vector<std::string>>;

/// A fresh, empty store of one backend, with raw SQL access to its database.
class TestStore {
 public:
  explicit TestStore(Backend backend);
  ~TestStore();
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  Backend backend() const { return backend_; }
  store::Store& operator*() const { return *store_; }
  store::Store* operator->() const { return store_.get(); }
  store::Store& get() const { return *store_; }

  /// How the store was opened (password in postgresPassword, not conninfo).
  const store::StoreOptions& options() const { return options_; }
  /// Closes the store (every pooled connection).
  void close();
  /// Closes and opens the same database again.
  void reopen();

  /// Runs SQL outside the store, on its own connection (sqlite3 / libpq).
  RawRows sql(const std::string& text) const;

 private:
  Backend backend_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<PgDatabase> db_;
  store::StoreOptions options_;
  std::unique_ptr<store::Store> store_;
};

/// Raw SQL on an SQLite file / a PostgreSQL conninfo. Throws std::runtime_error.
RawRows sqliteExec(const std::string& path, const std::string& text);
RawRows pgExec(const std::string& conninfo, const std::string& text);

// ----------------------------------------------------------- record builders

/// A valid CASE record (source_id `id`) with PII and a title.
schema::Record caseRecord(const std::string& system, const std::string& id, const std::string& title = "路灯不亮",
                          const std::string& region = "211102");
/// A valid REVIEW record.
schema::Record reviewRecord(const std::string& system, const std::string& id, int level = 5,
                            const std::string& region = "211103");
/// A valid OBSERVATION record.
schema::Record observationRecord(const std::string& system, const std::string& id, double value = 1.5,
                                 const std::string& region = "211104");
/// A tombstone for (system, kind, id).
schema::Record tombstone(const std::string& system, schema::RecordKind::type kind, const std::string& id);

/// Every committed change of the feed from the start (pages of `pageSize`).
std::vector<store::FeedEntry> readWholeFeed(store::Store& store, const store::FeedFilter& filter = {},
                                            size_t pageSize = 100);

}  // namespace govsync::testing
