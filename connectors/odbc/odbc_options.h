// The odbc connector's options: declared once (type, default, doc) as a
// KeySpec the config engine validates key by key (unknown keys and wrong
// types with file:line), then read into OdbcOptions, where the rules that
// span keys are checked (a mode needs its columns, query xor table, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.h"

namespace govsync::connectors::odbc {

enum class Mode { Key, TimestampKey, Snapshot };

struct OdbcOptions {
  std::string connection;  ///< "DSN=..." or a full connection string
  std::string password;    ///< secret; appended as PWD={...}
  std::string query;       ///< a SELECT, wrapped as a derived table
  std::string table;       ///< or a table (+ columns)
  std::vector<std::string> columns;
  Mode mode = Mode::TimestampKey;
  std::string keyColumn;
  std::string keyType = "integer";  ///< integer | string
  std::string timestampColumn;
  std::string timestampType = "timestamp";  ///< timestamp | string | integer
  std::string timestampUnit = "seconds";    ///< integer timestamps: seconds | milliseconds
  int64_t safetyLagSeconds = 5;
  int64_t overlapSeconds = 60;
  int64_t overlapMaxRows = 20000;
  std::string nowQuery;  ///< "" = chosen from the DBMS
  int64_t rowArraySize = 500;
  int64_t statementTimeoutSeconds = 60;
  std::string limitSyntax = "auto";  ///< auto | limit | fetch_first | top | none
  std::string countQuery;
  bool wideText = false;  ///< text_as: wide
};

/// The options' declaration (a Section whose children are the keys).
KeySpec odbcOptionsSpec();

/// Reads validated options; throws Error(Config) listing every cross-key
/// problem, each with its file:line:column.
OdbcOptions readOdbcOptions(const Config& config);

const char* modeName(Mode mode);

}  // namespace govsync::connectors::odbc
