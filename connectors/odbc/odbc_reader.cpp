#include "connectors/odbc/odbc_reader.h"

#include <algorithm>
#include <cstring>

namespace govsync::connectors::odbc {

namespace {

constexpr size_t kMaxBoundBytes = 64 * 1024;  ///< wider declared sizes are not trusted
constexpr size_t kGuessBytes = 8 * 1024;      ///< buffer for TEXT-like columns until a value is longer
constexpr size_t kPieceBytes = 64 * 1024;     ///< SQLGetData piece for long columns

bool isCharacterType(SQLSMALLINT t) {
  switch (t) {
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_LONGVARCHAR:
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR: return true;
    default: return false;
  }
}

bool isBinaryType(SQLSMALLINT t) { return t == SQL_BINARY || t == SQL_VARBINARY || t == SQL_LONGVARBINARY; }

/// Bytes a C type appends after the data (the terminator).
size_t terminatorBytes(SQLSMALLINT cType) {
  return cType == SQL_C_CHAR ? 1 : cType == SQL_C_WCHAR ? sizeof(SQLWCHAR) : 0;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// UTF-16 units of a SQL_C_WCHAR value. `ind` should be its length in bytes,
/// but some drivers (MariaDB Connector/ODBC 3.1) report characters: the
/// NUL terminator the driver wrote tells which (data ends where it is).
size_t wideUnits(const SQLWCHAR* data, SQLLEN ind, size_t capacityUnits) {
  const size_t units = static_cast<size_t>(ind) / sizeof(SQLWCHAR);
  if (units < capacityUnits && data[units] != 0 && static_cast<size_t>(ind) < capacityUnits && data[ind] == 0)
    return static_cast<size_t>(ind);
  return units;
}

}  // namespace

ResultReader::ResultReader(Connection& connection, const ReaderSettings& settings, ReaderStats& stats,
                           const std::set<std::string>& longColumns)
    : connection_(connection),
      settings_(settings),
      stats_(stats),
      longColumns_(longColumns),
      stmt_(std::make_unique<Statement>(connection)) {}

ResultReader::~ResultReader() {
  if (stmt_) {
    stmt_->closeCursor();
    SQLFreeStmt(stmt_->handle(), SQL_UNBIND);
    SQLFreeStmt(stmt_->handle(), SQL_RESET_PARAMS);
  }
}

void ResultReader::bindParams(const std::vector<Param>& params) {
  // Bound buffers must stay put until SQLExecDirect returns: sized up front.
  wideParams_.assign(params.size(), {});
  paramIndicators_.assign(params.size(), 0);
  params_ = params;
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i];
    const auto n = static_cast<SQLUSMALLINT>(i + 1);
    SQLRETURN rc;
    if (p.kind == Param::Kind::Integer) {
      paramIndicators_[i] = 0;
      rc = SQLBindParameter(stmt_->handle(), n, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 0, 0, &p.integer, 0,
                            &paramIndicators_[i]);
    } else if (settings_.wideText) {
      wideParams_[i] = toUtf16(p.text);
      paramIndicators_[i] = static_cast<SQLLEN>(wideParams_[i].size() * sizeof(SQLWCHAR));
      rc = SQLBindParameter(stmt_->handle(), n, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR,
                            std::max<SQLULEN>(1, wideParams_[i].size()), 0, wideParams_[i].data(), paramIndicators_[i],
                            &paramIndicators_[i]);
    } else {
      paramIndicators_[i] = static_cast<SQLLEN>(p.text.size());
      rc = SQLBindParameter(stmt_->handle(), n, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
                            std::max<SQLULEN>(1, p.text.size()), 0, p.text.data(), paramIndicators_[i],
                            &paramIndicators_[i]);
    }
    check(rc, SQL_HANDLE_STMT, stmt_->handle(), "binding parameter " + std::to_string(n));
  }
}

void ResultReader::execute(const std::string& sql, const std::vector<Param>& params) {
  if (settings_.timeoutSeconds > 0)
    SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_QUERY_TIMEOUT,
                   reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(settings_.timeoutSeconds)), 0);
  // A forward-only, read-only cursor: scrollable ones disable block fetch in
  // some drivers and make others materialise the whole result.
  SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_CURSOR_TYPE, reinterpret_cast<SQLPOINTER>(SQL_CURSOR_FORWARD_ONLY), 0);
  SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_CONCURRENCY, reinterpret_cast<SQLPOINTER>(SQL_CONCUR_READ_ONLY), 0);
  bindParams(params);
  const std::u16string text = toUtf16(sql);
  ++stats_.statements;
  const SQLRETURN rc = SQLExecDirectW(stmt_->handle(), reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(text.c_str())),
                                      static_cast<SQLINTEGER>(text.size()));
  check(rc, SQL_HANDLE_STMT, stmt_->handle(), "running the query");
  describe();
  setUpFetch();
}

void ResultReader::describe() {
  SQLSMALLINT count = 0;
  check(SQLNumResultCols(stmt_->handle(), &count), SQL_HANDLE_STMT, stmt_->handle(), "reading the result's columns");
  if (count <= 0) throw OdbcFailure("running the query", {{"07005", 0, "the statement returned no result set"}});
  columns_.assign(static_cast<size_t>(count), {});
  for (SQLUSMALLINT i = 1; i <= static_cast<SQLUSMALLINT>(count); ++i) {
    auto& c = columns_[i - 1];
    SQLWCHAR wname[512] = {};
    SQLSMALLINT nameLength = 0, type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    check(SQLDescribeColW(stmt_->handle(), i, wname, 512, &nameLength, &type, &size, &digits, &nullable),
          SQL_HANDLE_STMT, stmt_->handle(), "describing column " + std::to_string(i));
    appendUtf8(c.utf8Name, wname, std::min<size_t>(static_cast<size_t>(std::max<SQLSMALLINT>(nameLength, 0)), 511));
    if (settings_.wideText) {
      c.name = c.utf8Name;
    } else {
      // The name in the driver's own bytes, like the cells (the mapping
      // decodes both with the column's declared charset).
      SQLCHAR name[1024] = {};
      SQLSMALLINT length = 0;
      const SQLRETURN rc =
          SQLDescribeCol(stmt_->handle(), i, name, sizeof name, &length, nullptr, nullptr, nullptr, nullptr);
      c.name = (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO)
                   ? std::string(reinterpret_cast<char*>(name), strnlen(reinterpret_cast<char*>(name), sizeof name))
                   : c.utf8Name;
    }
    c.sqlType = type;
    c.size = size;
    c.character = isCharacterType(type);
    c.binary = isBinaryType(type);
    SQLLEN octets = 0, display = 0;
    SQLColAttribute(stmt_->handle(), i, SQL_DESC_OCTET_LENGTH, nullptr, 0, nullptr, &octets);
    SQLColAttribute(stmt_->handle(), i, SQL_DESC_DISPLAY_SIZE, nullptr, 0, nullptr, &display);
    size_t need = 0;
    if (c.character) {
      c.cType = settings_.wideText ? SQL_C_WCHAR : SQL_C_CHAR;
      // Up to 4 bytes per character (UTF-8, GB18030); UTF-16 up to 2 units.
      need = settings_.wideText ? (static_cast<size_t>(size) * 2 + 1) * sizeof(SQLWCHAR)
                                : std::max<size_t>(static_cast<size_t>(size) * 4, std::max<SQLLEN>(octets, 0)) + 1;
      if (size == 0 || need > kMaxBoundBytes) need = settings_.wideText ? kGuessBytes * 2 : kGuessBytes;
    } else if (c.binary) {
      c.cType = SQL_C_BINARY;
      need = std::max<size_t>(static_cast<size_t>(size), std::max<SQLLEN>(octets, 0));
      if (size == 0 || need > kMaxBoundBytes) need = kGuessBytes;
    } else {
      c.cType = SQL_C_CHAR;  // numbers, dates, GUIDs: the driver's text, full precision
      need = std::max<size_t>({static_cast<size_t>(std::max<SQLLEN>(display, 0)), static_cast<size_t>(size), 64}) + 1;
      if (need > kMaxBoundBytes) need = kGuessBytes;
    }
    // TEXT/BLOB-like columns (no size, or a huge or made-up one: SQLite TEXT
    // says 65536, psqlODBC text 8190) are bound with a guessed buffer, so
    // rows still come in blocks; a longer value shows up as truncation and
    // the caller re-reads with that column as long (SQLGetData, whole).
    c.isLong = longColumns_.count(c.utf8Name) > 0;
    c.bufferLength = c.isLong ? 0 : need;
  }
}

void ResultReader::setUpFetch() {
  const bool anyLong = std::any_of(columns_.begin(), columns_.end(), [](const ColumnInfo& c) { return c.isLong; });
  const uint32_t getData = connection_.infoUInt(SQL_GETDATA_EXTENSIONS);
  const bool anyColumn = (getData & SQL_GD_ANY_COLUMN) && (getData & SQL_GD_ANY_ORDER);
  size_t rowBytes = 0;
  bool pastLong = false;
  for (auto& c : columns_) {
    if (c.isLong) pastLong = true;
    // Without SQL_GD_ANY_COLUMN, SQLGetData works only after the last bound column.
    c.bound = !c.isLong && (anyColumn || !pastLong);
    if (c.bound) rowBytes += c.bufferLength + sizeof(SQLLEN);
  }
  size_t rows = anyLong ? 1 : std::max<size_t>(1, settings_.rowArraySize);
  if (rowBytes > 0) rows = std::min(rows, std::max<size_t>(1, settings_.maxRowsetBytes / rowBytes));
  SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), 0);
  SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(rows), 0);
  // The driver may have lowered it (01S02): use what it took.
  SQLULEN actual = 0;
  if (SQLGetStmtAttr(stmt_->handle(), SQL_ATTR_ROW_ARRAY_SIZE, &actual, 0, nullptr) != SQL_SUCCESS || actual == 0)
    actual = 1;
  rowsetSize_ = std::min<SQLULEN>(actual, rows);
  if (rowsetSize_ != actual)
    SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(rowsetSize_), 0);
  stats_.lastRowsetSize = rowsetSize_;
  rowStatus_.assign(rowsetSize_, SQL_ROW_SUCCESS);
  check(SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_ROWS_FETCHED_PTR, &fetched_, 0), SQL_HANDLE_STMT, stmt_->handle(),
        "setting up the block fetch");
  SQLSetStmtAttr(stmt_->handle(), SQL_ATTR_ROW_STATUS_PTR, rowStatus_.data(), 0);

  buffers_.assign(columns_.size(), {});
  unbound_.assign(columns_.size(), {});
  unboundNull_.assign(columns_.size(), 0);
  scratch_.assign(columns_.size(), {});
  for (size_t i = 0; i < columns_.size(); ++i) {
    auto& c = columns_[i];
    if (!c.bound) continue;
    auto& b = buffers_[i];
    b.data.assign(c.bufferLength * rowsetSize_, 0);
    b.indicators.assign(rowsetSize_, 0);
    check(SQLBindCol(stmt_->handle(), static_cast<SQLUSMALLINT>(i + 1), c.cType, b.data.data(),
                     static_cast<SQLLEN>(c.bufferLength), b.indicators.data()),
          SQL_HANDLE_STMT, stmt_->handle(), "binding column " + c.utf8Name);
  }
  if (anyLong) piece_.assign(kPieceBytes, 0);
  started_ = false;
  done_ = false;
  fetched_ = 0;
  position_ = 0;
}

bool ResultReader::fetchRowset() {
  fetched_ = 0;
  const SQLRETURN rc = SQLFetch(stmt_->handle());
  ++stats_.fetchCalls;
  if (rc == SQL_NO_DATA) return false;
  check(rc, SQL_HANDLE_STMT, stmt_->handle(), "fetching rows");
  if (fetched_ == 0) return false;
  stats_.rowsFetched += fetched_;
  if (fetched_ > 1) ++stats_.blockFetches;
  // A bound cell longer than its buffer: the driver under-reported the size.
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto& c = columns_[i];
    if (!c.bound) continue;
    size_t capacity = c.bufferLength - terminatorBytes(c.cType);
    // A driver that counts SQL_C_WCHAR lengths in characters (see wideUnits)
    // under-reports by half: compare with the buffer's units. A value longer
    // than half the buffer is then re-read as long — slower, never cut.
    if (c.cType == SQL_C_WCHAR) capacity /= sizeof(SQLWCHAR);
    for (SQLULEN r = 0; r < fetched_; ++r) {
      const SQLLEN ind = buffers_[i].indicators[r];
      if (ind == SQL_NULL_DATA) continue;
      if (ind == SQL_NO_TOTAL || static_cast<size_t>(ind) > capacity) {
        ++stats_.truncationRetries;
        throw TruncatedColumn{c.utf8Name};
      }
    }
  }
  return true;
}

void ResultReader::readUnbound() {
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto& c = columns_[i];
    if (c.bound) continue;
    auto& out = unbound_[i];
    out.clear();
    unboundNull_[i] = 0;
    const size_t term = terminatorBytes(c.cType);
    const size_t capacity = piece_.size() - term;
    for (;;) {
      SQLLEN ind = 0;
      const SQLRETURN rc = SQLGetData(stmt_->handle(), static_cast<SQLUSMALLINT>(i + 1), c.cType, piece_.data(),
                                      static_cast<SQLLEN>(piece_.size()), &ind);
      if (rc == SQL_NO_DATA) break;
      check(rc, SQL_HANDLE_STMT, stmt_->handle(), "reading column " + c.utf8Name);
      if (ind == SQL_NULL_DATA) {
        unboundNull_[i] = 1;
        break;
      }
      size_t got = (ind == SQL_NO_TOTAL || static_cast<size_t>(ind) > capacity) ? capacity : ind;
      if (c.cType == SQL_C_WCHAR && got < capacity)
        got = wideUnits(reinterpret_cast<const SQLWCHAR*>(piece_.data()), ind, capacity / sizeof(SQLWCHAR)) *
              sizeof(SQLWCHAR);
      out.append(piece_.data(), got);
      if (rc == SQL_SUCCESS) break;  // the last piece; SUCCESS_WITH_INFO (01004) means more
    }
    ++stats_.longCellReads;
    if (c.cType == SQL_C_WCHAR && !unboundNull_[i]) {
      std::string utf8;
      appendUtf8(utf8, reinterpret_cast<const SQLWCHAR*>(out.data()), out.size() / sizeof(SQLWCHAR));
      out = std::move(utf8);
    }
  }
}

bool ResultReader::next() {
  rowError_.clear();
  for (;;) {
    if (started_ && position_ + 1 < fetched_) {
      ++position_;
    } else {
      if (done_) return false;
      if (!fetchRowset()) {
        done_ = true;
        return false;
      }
      started_ = true;
      position_ = 0;
    }
    const SQLUSMALLINT status = rowStatus_[position_];
    if (status == SQL_ROW_NOROW) continue;
    if (status == SQL_ROW_ERROR) {
      const auto diags = readDiagnostics(SQL_HANDLE_STMT, stmt_->handle());
      rowError_ = diags.empty() ? "the driver could not read this row" : OdbcFailure("", diags).details();
    }
    if (rowsetSize_ == 1) readUnbound();
    return true;
  }
}

bool ResultReader::isNull(size_t column) const {
  const auto& c = columns_[column];
  if (!c.bound) return unboundNull_[column] != 0;
  return buffers_[column].indicators[position_] == SQL_NULL_DATA;
}

std::string_view ResultReader::cell(size_t column) {
  const auto& c = columns_[column];
  if (!c.bound) return unbound_[column];
  const auto& b = buffers_[column];
  const SQLLEN ind = b.indicators[position_];
  if (ind == SQL_NULL_DATA) return {};
  const char* data = b.data.data() + position_ * c.bufferLength;
  if (c.cType == SQL_C_WCHAR) {
    auto& s = scratch_[column];
    s.clear();
    const auto* text = reinterpret_cast<const SQLWCHAR*>(data);
    appendUtf8(s, text, wideUnits(text, ind, (c.bufferLength - sizeof(SQLWCHAR)) / sizeof(SQLWCHAR)));
    return s;
  }
  return {data, static_cast<size_t>(ind)};
}

int ResultReader::findColumn(std::string_view utf8Name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].utf8Name == utf8Name) return static_cast<int>(i);
  for (size_t i = 0; i < columns_.size(); ++i)
    if (equalsIgnoreCase(columns_[i].utf8Name, utf8Name)) return static_cast<int>(i);
  return -1;
}

void ResultReader::close() {
  if (stmt_) stmt_->closeCursor();
}

}  // namespace govsync::connectors::odbc
