// One statement's rows as the connector reads them: the current row's key,
// timestamp, content hash and raw JSON text, and appending it to a RowBatch.
// Internal to the odbc connector.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/odbc_connector.h"
#include "connectors/odbc/odbc_reader.h"
#include "connectors/odbc/snapshot_state.h"
#include "core/rows/row_batch.h"

namespace govsync::connectors::odbc {

struct OdbcConnector::Scan {
  std::unique_ptr<ResultReader> reader;
  int keyIndex = -1, tsIndex = -1;
  bool wide = false;
  Statement** activeSlot = nullptr;  ///< the connector's cancellable statement, cleared on destruction
  std::mutex* activeMutex = nullptr;

  Scan() = default;
  Scan(const Scan&) = delete;
  Scan& operator=(const Scan&) = delete;
  ~Scan();

  bool next() { return reader->next(); }
  bool isNull(int column) const { return reader->isNull(static_cast<size_t>(column)); }
  std::string key() const { return std::string(reader->cell(static_cast<size_t>(keyIndex))); }
  std::string ts() const { return std::string(reader->cell(static_cast<size_t>(tsIndex))); }
  /// A content hash of the whole row (column names, NULLs, bytes).
  std::string hash() const;
  /// The row as a JSON object: column → text (bytes as received; binary as
  /// "\\x<hex>"), NULL → null. What dead letters keep.
  std::string raw() const;
  /// Appends the current row to `batch` (its raw text included).
  void appendTo(RowBatch& batch, uint32_t number, const std::string& raw);

 private:
  RowBatch* mappedBatch_ = nullptr;
  std::vector<uint32_t> batchColumns_;
};

/// Snapshot changes of one fetch, applied to the state file by committed().
struct OdbcConnector::Pending {
  int64_t seq = 0, pass = 0;
  std::vector<SnapshotState::Row> changed;
  std::vector<std::string> seen, deleted;
};

/// "key_column 'x' is not a column of the query's result (columns: a, b)".
std::string missingColumn(const ResultReader& reader, const char* option, const std::string& name);

/// Compact encoding of a row's cells (for the snapshot state) and back.
std::string encodeCells(const RowBatch& batch, size_t row);
void appendEncodedRow(RowBatch& batch, std::string_view cells, std::string_view raw, uint32_t number);

}  // namespace govsync::connectors::odbc
