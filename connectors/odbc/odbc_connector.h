// The odbc connector: reads a table or query of any ODBC source (psqlODBC,
// MariaDB, SQLite, DM8, KingbaseES, SQL Server ...) through unixODBC in one
// of three modes — key, timestamp_key (safety lag + overlap window), snapshot
// (diff against the previous pass) — see connectors/odbc/README.md.
//
// Errors: connection failures and timeouts throw Error(Unavailable,
// retryable); bad credentials and SQL that fails throw Error(Config). Each
// message names the connector and its source (never the password). After a
// failure the connection is dropped; the next call connects again.
//
// Thread safety: fetch/committed/countRows from one thread at a time;
// cancel(), describe() and stats() from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/odbc/odbc_api.h"
#include "connectors/odbc/odbc_checkpoint.h"
#include "connectors/odbc/odbc_options.h"
#include "connectors/odbc/odbc_reader.h"
#include "connectors/odbc/odbc_sql.h"
#include "connectors/odbc/snapshot_state.h"

namespace govsync::connectors::odbc {

/// Counters for status and tests (cumulative).
struct OdbcStats : ReaderStats {
  uint64_t connects = 0;
  uint64_t lateRows = 0;        ///< rows delivered by the overlap re-read (committed late)
  uint64_t suppressedRows = 0;  ///< re-read rows not delivered again (same content)
  uint64_t nullCursorRows = 0;  ///< rows reported for a NULL cursor value
};

class OdbcConnector : public Connector {
 public:
  OdbcConnector(const ConnectorContext& context, OdbcOptions options);
  ~OdbcConnector() override;

  FetchResult fetch(const std::string& checkpoint, size_t maxRows) override;
  void committed(const FetchResult& result) override;
  std::optional<int64_t> countRows(const std::string& day) override;
  void cancel() override;
  std::string describe() const override;

  OdbcStats stats() const;
  /// The SQL statements the last fetch or count ran (without parameter values).
  std::vector<std::string> lastStatements() const;

 private:
  struct Pending;  // snapshot changes waiting for committed()
  struct Scan;     // one statement's rows being read

  template <typename Fn>
  auto withConnection(const char* doing, Fn&& body);
  void connect();
  [[noreturn]] void raise(const OdbcFailure& failure, const char* doing);
  std::string sourceName() const;
  std::string scrub(std::string text) const;

  std::string sourceSql() const;
  std::string column(const std::string& name) const;
  Param keyParam(const std::string& text) const;
  size_t limitFor(size_t rows) const;
  std::string columnProblem();
  std::string scalar(const std::string& sql, const std::vector<Param>& params);
  void openScan(Scan& scan, const std::string& sql, const std::vector<Param>& params);

  void fetchKey(Checkpoint& cp, size_t maxRows, FetchResult& out);
  void fetchTimestampKey(Checkpoint& cp, size_t maxRows, FetchResult& out);
  void fetchSnapshot(Checkpoint& cp, size_t maxRows, FetchResult& out, Pending& pending);
  void checkNullCursors(Checkpoint& cp, FetchResult& out);
  Checkpoint startCheckpoint() const;
  Checkpoint readCheckpoint(const std::string& text) const;

  // Timestamp text helpers (by timestamp_type).
  int compareTs(const std::string& a, const std::string& b) const;
  std::string shiftTs(const std::string& text, int64_t seconds) const;
  void pruneWindow(Checkpoint& cp) const;

  std::string name_;
  OdbcOptions options_;
  std::string stateDir_;

  std::unique_ptr<Environment> env_;
  std::unique_ptr<Connection> connection_;
  std::string extraConnection_;  ///< settings we add (psqlODBC declare/fetch)
  bool driverChecked_ = false;
  Dialect dialect_;
  LimitSyntax limit_ = LimitSyntax::None;
  std::string quote_ = "\"";
  std::set<std::string> longColumns_;  ///< learned: bound buffers were too small
  std::unique_ptr<SnapshotState> state_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;
  ReaderStats readerStats_;  ///< updated by the fetching thread; merged into stats_

  mutable std::mutex infoMutex_;  ///< guards the fields below
  std::string dbms_, driver_, database_, dataSource_;
  OdbcStats stats_;
  std::vector<std::string> statements_;

  std::mutex cancelMutex_;
  Statement* active_ = nullptr;
  std::atomic<bool> cancelled_{false};
};

}  // namespace govsync::connectors::odbc
