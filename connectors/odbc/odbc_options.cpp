#include "connectors/odbc/odbc_options.h"

#include <algorithm>

#include "core/util/error.h"

namespace govsync::connectors::odbc {

namespace {

KeySpec key(std::string name, ValueKind kind, std::string defaultValue, std::string doc) {
  return declareKey(std::move(name), kind, std::move(defaultValue), std::move(doc));
}

KeySpec intKey(std::string name, std::string defaultValue, int64_t min, int64_t max, std::string doc) {
  KeySpec k = key(std::move(name), ValueKind::Int, std::move(defaultValue), std::move(doc));
  k.min = min;
  k.max = max;
  return k;
}

KeySpec enumKey(std::string name, std::string defaultValue, std::vector<std::string> choices, std::string doc) {
  KeySpec k = key(std::move(name), ValueKind::Enum, std::move(defaultValue), std::move(doc));
  k.choices = std::move(choices);
  return k;
}

}  // namespace

const char* modeName(Mode mode) {
  switch (mode) {
    case Mode::Key: return "key";
    case Mode::TimestampKey: return "timestamp_key";
    case Mode::Snapshot: return "snapshot";
  }
  return "?";
}

KeySpec odbcOptionsSpec() {
  KeySpec s;
  s.kind = ValueKind::Section;
  s.children = {
      key("connection", ValueKind::String, "",
          "DSN=name or a full ODBC connection string (Driver=...;Server=...); ${ENV} is expanded"),
      [] {
        KeySpec k = key("password", ValueKind::String, "", "the password, added as PWD=; use ${ENV}");
        k.secret = true;
        return k;
      }(),
      key("query", ValueKind::String, "",
          "a SELECT; read as SELECT * FROM (<query>) src WHERE <cursor> ORDER BY <cursor>, so it may have its own "
          "WHERE/GROUP BY (no ORDER BY)"),
      key("table", ValueKind::String, "", "a table (schema.table) to read instead of a query"),
      key("columns", ValueKind::StringList, "", "with table: the columns to read (default all)"),
      enumKey("mode", "", {"key", "timestamp_key", "snapshot"},
              "key: key > last; timestamp_key: (timestamp, key) after the last with a safety lag and an overlap "
              "window; snapshot: diff the whole table against the previous pass"),
      key("key_column", ValueKind::String, "", "the unique key column (all modes)"),
      enumKey("key_type", "integer", {"integer", "string"}, "how the key is compared and kept"),
      key("timestamp_column", ValueKind::String, "", "timestamp_key mode: the change timestamp column"),
      enumKey("timestamp_type", "timestamp", {"timestamp", "string", "integer"},
              "a TIMESTAMP/DATETIME column, a sortable text timestamp, or epoch numbers"),
      enumKey("timestamp_unit", "seconds", {"seconds", "milliseconds"}, "timestamp_type integer: the epoch unit"),
      intKey("safety_lag_seconds", "5", 1, 86400 * 7,
             "rows newer than the source's now minus this are left for a later pass (in-flight transactions)"),
      intKey("overlap_seconds", "60", 0, 86400 * 7,
             "each pass re-reads this far behind the cursor and delivers rows it has not delivered yet (late "
             "commits)"),
      intKey("overlap_max_rows", "20000", 100, 10000000,
             "at most this many rows of the overlap window are remembered in the checkpoint"),
      key("now_query", ValueKind::String, "", "SQL returning the source's current time (default: by DBMS)"),
      intKey("row_array_size", "500", 1, 100000, "rows per block fetch (SQL_ATTR_ROW_ARRAY_SIZE)"),
      intKey("statement_timeout_seconds", "60", 0, 86400, "SQL_ATTR_QUERY_TIMEOUT and login timeout; 0 = none"),
      enumKey("limit_syntax", "auto", {"auto", "limit", "fetch_first", "top", "none"},
              "how a pass's row limit is written (auto: by DBMS)"),
      key("count_query", ValueKind::String, "",
          "reconciliation: SQL with two ? (the day's start and end, source local time) returning a count"),
      enumKey("text_as", "bytes", {"bytes", "wide"},
              "bytes: character data as the source's bytes (the mapping decodes the charset); wide: SQL_C_WCHAR "
              "converted to UTF-8"),
  };
  return s;
}

OdbcOptions readOdbcOptions(const Config& c) {
  OdbcOptions o;
  std::vector<std::string> problems;
  auto problem = [&](const std::string& at, const std::string& keyName, const std::string& what) {
    problems.push_back(c.whereIs(at) + ": " + keyName + ": " + what);
  };
  o.connection = c.getString("connection");
  o.password = c.getString("password");
  o.query = c.getString("query");
  o.table = c.getString("table");
  o.columns = c.getList("columns");
  o.keyColumn = c.getString("key_column");
  o.keyType = c.getString("key_type");
  o.timestampColumn = c.getString("timestamp_column");
  o.timestampType = c.getString("timestamp_type");
  o.timestampUnit = c.getString("timestamp_unit");
  o.safetyLagSeconds = c.getInt("safety_lag_seconds");
  o.overlapSeconds = c.getInt("overlap_seconds");
  o.overlapMaxRows = c.getInt("overlap_max_rows");
  o.nowQuery = c.getString("now_query");
  o.rowArraySize = c.getInt("row_array_size");
  o.statementTimeoutSeconds = c.getInt("statement_timeout_seconds");
  o.limitSyntax = c.getString("limit_syntax");
  o.countQuery = c.getString("count_query");
  o.wideText = c.getString("text_as") == "wide";

  if (o.connection.empty()) problem("", "connection", "required (DSN=name or a connection string)");
  if (!o.password.empty()) {
    std::string lower = o.connection;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower.find("pwd=") != std::string::npos || lower.find("password=") != std::string::npos)
      problem("password", "password", "the connection string has a password too; keep it in one place");
  }
  if (o.query.empty() == o.table.empty())
    problem(o.query.empty() ? "" : "table", o.query.empty() ? "query" : "table", "set exactly one of query and table");
  if (!o.columns.empty() && o.table.empty()) problem("columns", "columns", "only with table (a query names its own)");

  const std::string mode = c.getString("mode");
  if (mode.empty())
    problem("", "mode", "required: key, timestamp_key or snapshot");
  else
    o.mode = mode == "key" ? Mode::Key : mode == "snapshot" ? Mode::Snapshot : Mode::TimestampKey;
  if (!mode.empty() && o.keyColumn.empty()) problem("mode", "key_column", "required in " + mode + " mode");
  if (o.mode == Mode::TimestampKey && !mode.empty()) {
    if (o.timestampColumn.empty()) problem("mode", "timestamp_column", "required in timestamp_key mode");
  } else {
    for (const char* k : {"timestamp_column", "timestamp_type", "timestamp_unit", "safety_lag_seconds",
                          "overlap_seconds", "overlap_max_rows", "now_query"})
      if (c.isSet(k)) problem(k, k, "only used in timestamp_key mode");
  }
  if (c.isSet("timestamp_unit") && o.timestampType != "integer")
    problem("timestamp_unit", "timestamp_unit", "only for timestamp_type integer");
  if (!o.countQuery.empty()) {
    const auto marks = std::count(o.countQuery.begin(), o.countQuery.end(), '?');
    if (marks != 2)
      problem("count_query", "count_query",
              "needs exactly two ? (the day's start and end), found " + std::to_string(marks));
  }
  if (!problems.empty()) {
    std::string msg = "odbc connector options have " + std::to_string(problems.size()) +
                      (problems.size() == 1 ? " problem:" : " problems:");
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error::config(msg);
  }
  return o;
}

}  // namespace govsync::connectors::odbc
