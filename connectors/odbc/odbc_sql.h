// SQL text for the odbc connector: the per-DBMS defaults (how to read the
// source's now, how to limit rows), identifier quoting, the derived-table
// wrap of the user's query, and connection-string handling (keys, the
// password, a printable form without secrets).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govsync::connectors::odbc {

enum class LimitSyntax { Limit, FetchFirst, Top, None };

/// What we know of a DBMS from SQLGetInfo(SQL_DBMS_NAME).
struct Dialect {
  std::string family;  ///< postgresql, mysql, sqlite, sqlserver, dm, kingbase, oracle, informix, db2, other
  LimitSyntax limit = LimitSyntax::None;
  std::string nowTimestamp;     ///< SQL returning the local timestamp (text at full precision); "" unknown
  std::string nowEpochSeconds;  ///< SQL returning epoch seconds; "" unknown
  std::string nowEpochMillis;   ///< SQL returning epoch milliseconds; "" unknown
};

Dialect dialectFor(std::string_view dbmsName);
/// "limit" | "fetch_first" | "top" | "none" → LimitSyntax.
LimitSyntax parseLimitSyntax(std::string_view name);
const char* limitSyntaxName(LimitSyntax syntax);

/// A plain identifier ([A-Za-z_][A-Za-z0-9_]*) as is, so the DBMS folds its
/// case as usual; anything else (Chinese, spaces) quoted with `quote`; text
/// already quoted is left alone. Dotted names are quoted part by part.
std::string quoteIdentifier(std::string_view name, std::string_view quote, bool dotted = false);

/// SELECT <projection> FROM (<source>) src [WHERE where] [ORDER BY orderBy]
/// with `limit` rows at most (0 = none) in the given syntax.
std::string wrapSelect(std::string_view source, std::string_view where, std::string_view orderBy, size_t limit,
                       LimitSyntax syntax, std::string_view projection = "*");

/// The user's query without trailing semicolons and whitespace.
std::string trimQuery(std::string_view query);

/// key=value pairs of a connection string ({braced} values kept whole).
std::vector<std::pair<std::string, std::string>> parseConnectionString(std::string_view text);
/// Whether the connection string sets `key` (case-insensitive).
bool hasConnectionKey(std::string_view text, std::string_view key);
/// `value` as a connection-string value: {braced} with } doubled when needed.
std::string connectionValue(std::string_view value);
/// The connection string without PWD/PASSWORD values, for messages.
std::string printableConnection(std::string_view text);

}  // namespace govsync::connectors::odbc
