// The snapshot mode's memory of the source table: per key, the content hash
// and last content (cells and raw text, for tombstones) of every row as of
// the last committed batch, in a SQLite file in the connector's state
// folder. It changes only in apply(), which the connector calls from
// committed(): a crash before the store committed leaves it untouched, so
// the next pass re-emits. `appliedSeq` tells the connector whether the file
// caught up with the checkpoint the store holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace govsync::connectors::odbc {

class SnapshotState {
 public:
  /// Opens or creates the file (and its folder). Throws Error(Internal/Config).
  explicit SnapshotState(const std::string& path);
  ~SnapshotState();
  SnapshotState(const SnapshotState&) = delete;
  SnapshotState& operator=(const SnapshotState&) = delete;

  /// The checkpoint seq of the last applied batch (0 for a new file).
  int64_t appliedSeq();
  /// The highest pass any row was seen in.
  int64_t maxPass();
  /// The stored hash of `key`, if the key is known.
  std::optional<std::string> hashOf(std::string_view key);

  struct Row {
    std::string key, hash, cells, raw;
  };
  /// Rows not seen since before `pass` (deleted at the source), by key.
  std::vector<Row> staleRows(int64_t pass, size_t limit);

  /// One transaction: upsert `changed` and mark `seen` with `pass`, delete
  /// `deleted`, record `seq`.
  void apply(int64_t seq, int64_t pass, const std::vector<Row>& changed, const std::vector<std::string>& seen,
             const std::vector<std::string>& deleted);

  const std::string& path() const { return path_; }

 private:
  void exec(const char* sql);
  sqlite3_stmt* prepare(const char* sql);
  [[noreturn]] void fail(const std::string& what);

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace govsync::connectors::odbc
