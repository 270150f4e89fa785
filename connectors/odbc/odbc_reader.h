// ResultReader: runs one SELECT and hands its rows out one at a time while
// fetching them from the driver in blocks — column-wise bound buffers,
// SQL_ATTR_ROW_ARRAY_SIZE rows per SQLFetch — so a rowset costs one driver
// call, not one per row or per cell. The rowset is also bounded in bytes
// (sized from the column metadata), so memory stays flat whatever the result
// size: the driver is left to stream (psqlODBC declare/fetch, a LIMIT).
//
// Long data never gets cut short. Columns with a trusted size are bound at
// that size; TEXT/BLOB-like ones (no size, or more than 64 KiB, or a made-up
// one) get an 8 KiB guess so rows still come in blocks. A value longer than
// its buffer throws TruncatedColumn: the caller re-runs the query with that
// column read as long — one row per SQLFetch, the long cells with
// SQLGetData in 64 KiB pieces — and remembers it for later statements.
//
// Cells come back as bytes: character data as the source's bytes
// (SQL_C_CHAR) or, with wideText, as UTF-8 converted from SQL_C_WCHAR;
// binary data as its bytes; everything else (numbers, dates) as the
// driver's text rendering at full precision.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/odbc_api.h"

namespace govsync::connectors::odbc {

/// Counters for status and tests (cumulative over a connector's life).
struct ReaderStats {
  uint64_t statements = 0;     ///< statements executed
  uint64_t fetchCalls = 0;     ///< SQLFetch calls
  uint64_t rowsFetched = 0;    ///< rows the driver returned
  uint64_t blockFetches = 0;   ///< SQLFetch calls that returned more than one row
  uint64_t longCellReads = 0;  ///< cells read with SQLGetData (long columns)
  uint64_t truncationRetries = 0;
  size_t lastRowsetSize = 0;  ///< rows per SQLFetch of the last statement
};

/// A statement parameter, bound with its type.
struct Param {
  enum class Kind { Text, Integer } kind = Kind::Text;
  std::string text;  ///< Text: bytes (UTF-8 when the reader is wide)
  int64_t integer = 0;
  static Param ofText(std::string t) { return {Kind::Text, std::move(t), 0}; }
  static Param ofInteger(int64_t v) { return {Kind::Integer, {}, v}; }
};

struct ReaderSettings {
  size_t rowArraySize = 500;
  int timeoutSeconds = 60;  ///< SQL_ATTR_QUERY_TIMEOUT; 0 = none
  bool wideText = false;    ///< SQL_C_WCHAR → UTF-8 instead of SQL_C_CHAR bytes
  size_t maxRowsetBytes = 32u << 20;
};

/// A bound column's data was longer than its buffer (the driver under-reported
/// its size): re-run with the column read as long.
struct TruncatedColumn {
  std::string column;  ///< its UTF-8 name
};

struct ColumnInfo {
  std::string name;      ///< as delivered: the driver's bytes, or UTF-8 when wide
  std::string utf8Name;  ///< UTF-8, for matching configured names
  SQLSMALLINT sqlType = 0;
  SQLULEN size = 0;
  bool character = false, binary = false, isLong = false, bound = false;
  SQLSMALLINT cType = SQL_C_CHAR;
  size_t bufferLength = 0;  ///< bytes per row of a bound column
};

class ResultReader {
 public:
  /// Allocates the statement (so it can be cancelled while it runs).
  /// `longColumns`: UTF-8 names to read as long whatever the driver says.
  ResultReader(Connection& connection, const ReaderSettings& settings, ReaderStats& stats,
               const std::set<std::string>& longColumns);
  ~ResultReader();
  ResultReader(const ResultReader&) = delete;
  ResultReader& operator=(const ResultReader&) = delete;

  /// Runs `sql` (UTF-8) with `params` and prepares the block fetch. Once per reader.
  void execute(const std::string& sql, const std::vector<Param>& params);
  const std::vector<ColumnInfo>& columns() const { return columns_; }
  /// Index of the column named `utf8Name` (case-insensitive), or -1.
  int findColumn(std::string_view utf8Name) const;
  /// The next row; false at the end.
  bool next();
  bool isNull(size_t column) const;
  /// The current row's cell (valid until the next call to next()).
  std::string_view cell(size_t column);
  /// Non-empty when the driver flagged the current row (SQL_ROW_ERROR).
  const std::string& rowError() const { return rowError_; }
  /// Closes the cursor; the rest of the result is discarded.
  void close();
  /// The statement, for SQLCancel from another thread.
  Statement* statement() { return stmt_.get(); }

 private:
  struct Buffer {
    std::vector<char> data;
    std::vector<SQLLEN> indicators;
  };
  void bindParams(const std::vector<Param>& params);
  void describe();
  void setUpFetch();
  bool fetchRowset();
  void readUnbound();

  Connection& connection_;
  ReaderSettings settings_;
  ReaderStats& stats_;
  const std::set<std::string>& longColumns_;
  std::vector<ColumnInfo> columns_;
  std::vector<Buffer> buffers_;       ///< per column (bound ones)
  std::vector<std::string> unbound_;  ///< per column: SQLGetData value of the current row
  std::vector<char> unboundNull_;     ///< per column
  std::vector<std::string> scratch_;  ///< per column: UTF-8 of a wide bound cell
  std::vector<SQLUSMALLINT> rowStatus_;
  std::vector<Param> params_;  ///< bound by address until the statement ran
  std::vector<std::u16string> wideParams_;
  std::vector<SQLLEN> paramIndicators_;
  std::vector<char> piece_;
  SQLULEN rowsetSize_ = 1;
  SQLULEN fetched_ = 0;
  size_t position_ = 0;
  bool started_ = false, done_ = false;
  std::string rowError_;
  std::unique_ptr<Statement> stmt_;  ///< last: freed before the buffers it points into
};

}  // namespace govsync::connectors::odbc
