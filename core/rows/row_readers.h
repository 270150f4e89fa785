// Readers that turn common legacy row formats into a RowBatch: NDJSON, a
// JSON array of objects, and delimited text (CSV/TSV/...). Used by the file
// connector, the push API and `govsync mapping test`. Hand-written because
// they sit on the hot path of every pushed or dropped row (a general JSON
// DOM costs 10–50× more per row).
//
// A row that cannot be read (malformed JSON, a CSV row with the wrong number
// of fields) is not dropped: it comes back as a RowError with its raw bytes,
// for the caller to dead-letter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/rows/row_batch.h"

namespace govsync {

struct RowError {
  size_t rowNumber;  ///< 1-based data row (NDJSON line / CSV record / array item)
  std::string raw;   ///< the bytes of that row as received
  std::string message;
};

/// Reads JSON rows: NDJSON (one object per line; blank lines ignored) or a
/// single JSON array of objects — detected from the first non-blank byte.
/// Nested objects flatten to dotted column names ("location.lng"); arrays
/// of scalars become list cells; other arrays keep their JSON text; numbers
/// and booleans keep their literal text; null is a NULL cell. Appends to
/// `batch` (marked UTF-8) and returns the rows that could not be read.
std::vector<RowError> readJsonRows(std::string_view text, RowBatch& batch, size_t maxDepth = 32);

struct DelimitedOptions {
  char delimiter = ',';
  char quote = '"';
  bool header = true;  ///< the first record names the columns
  /// Column names when there is no header.
  std::vector<std::string> columns;
};

/// Reads delimited text (RFC 4180 quoting, CRLF or LF, quoted fields may hold
/// delimiters and newlines, a leading UTF-8 BOM is skipped). Bytes are kept
/// raw — the mapping engine decodes them per the declared charset — which is
/// safe for GBK/GB18030 with ',', ';', tab and '"' (none is a GBK trail byte).
std::vector<RowError> readDelimitedRows(std::string_view text, const DelimitedOptions& options, RowBatch& batch);

}  // namespace govsync
