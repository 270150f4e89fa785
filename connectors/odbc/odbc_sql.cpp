#include "connectors/odbc/odbc_sql.h"

#include <algorithm>
#include <cctype>

namespace govsync::connectors::odbc {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

bool isPlainIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x80 && (std::isalnum(u) || c == '_');
  });
}

}  // namespace

Dialect dialectFor(std::string_view dbmsName) {
  const std::string n = lower(dbmsName);
  Dialect d;
  if (contains(n, "postgres")) {
    d.family = "postgresql";
  } else if (contains(n, "kingbase")) {
    d.family = "kingbase";
  } else if (contains(n, "mariadb") || contains(n, "mysql")) {
    d.family = "mysql";
  } else if (contains(n, "sqlite")) {
    d.family = "sqlite";
  } else if (contains(n, "sql server")) {
    d.family = "sqlserver";
  } else if (n == "dm" || n.rfind("dm ", 0) == 0 || contains(n, "dameng") || n.rfind("dm8", 0) == 0 ||
             n.rfind("dm7", 0) == 0) {
    d.family = "dm";
  } else if (contains(n, "oracle")) {
    d.family = "oracle";
  } else if (contains(n, "informix") || contains(n, "gbase")) {
    d.family = "informix";
  } else if (contains(n, "db2")) {
    d.family = "db2";
  } else {
    d.family = "other";
  }
  if (d.family == "postgresql" || d.family == "kingbase") {
    d.limit = LimitSyntax::Limit;
    d.nowTimestamp = "SELECT CAST(LOCALTIMESTAMP AS VARCHAR(40))";
    d.nowEpochSeconds = "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP)) AS BIGINT)";
    d.nowEpochMillis = "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000) AS BIGINT)";
  } else if (d.family == "mysql") {
    d.limit = LimitSyntax::Limit;
    d.nowTimestamp = "SELECT CAST(NOW(6) AS CHAR)";
    d.nowEpochSeconds = "SELECT UNIX_TIMESTAMP()";
    d.nowEpochMillis = "SELECT CAST(FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)";
  } else if (d.family == "sqlite") {
    d.limit = LimitSyntax::Limit;
    d.nowTimestamp = "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')";
    d.nowEpochSeconds = "SELECT CAST(strftime('%s', 'now') AS INTEGER)";
    d.nowEpochMillis = "SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  } else if (d.family == "sqlserver") {
    d.limit = LimitSyntax::Top;
    d.nowTimestamp = "SELECT CONVERT(VARCHAR(27), SYSDATETIME(), 121)";
    d.nowEpochSeconds = "SELECT DATEDIFF_BIG(SECOND, '1970-01-01', SYSUTCDATETIME())";
    d.nowEpochMillis = "SELECT DATEDIFF_BIG(MILLISECOND, '1970-01-01', SYSUTCDATETIME())";
  } else if (d.family == "dm") {
    // DM8: TOP n is documented; LIMIT support not confirmed (domain-standards §7).
    d.limit = LimitSyntax::Top;
    d.nowTimestamp = "SELECT LOCALTIMESTAMP";
  } else if (d.family == "oracle") {
    d.limit = LimitSyntax::FetchFirst;  // 12c+
    d.nowTimestamp = "SELECT TO_CHAR(LOCALTIMESTAMP, 'YYYY-MM-DD HH24:MI:SS.FF6') FROM DUAL";
  } else if (d.family == "db2") {
    d.limit = LimitSyntax::FetchFirst;
    d.nowTimestamp = "SELECT CURRENT TIMESTAMP FROM SYSIBM.SYSDUMMY1";
  } else if (d.family == "informix") {
    d.limit = LimitSyntax::None;  // GBase 8s: SKIP/FIRST after SELECT; stop reading instead
    d.nowTimestamp = "SELECT CURRENT YEAR TO FRACTION(5) FROM sysmaster:sysdual";
  }
  return d;
}

LimitSyntax parseLimitSyntax(std::string_view name) {
  if (name == "limit") return LimitSyntax::Limit;
  if (name == "fetch_first") return LimitSyntax::FetchFirst;
  if (name == "top") return LimitSyntax::Top;
  return LimitSyntax::None;
}

const char* limitSyntaxName(LimitSyntax syntax) {
  switch (syntax) {
    case LimitSyntax::Limit: return "limit";
    case LimitSyntax::FetchFirst: return "fetch_first";
    case LimitSyntax::Top: return "top";
    case LimitSyntax::None: return "none";
  }
  return "none";
}

std::string quoteIdentifier(std::string_view name, std::string_view quote, bool dotted) {
  const std::string q = trim(quote).empty() ? std::string("\"") : trim(quote);
  if (dotted) {
    std::string out;
    size_t start = 0;
    while (true) {
      const size_t dot = name.find('.', start);
      const auto part = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (!out.empty()) out += '.';
      out += quoteIdentifier(part, quote, false);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return out;
  }
  if (isPlainIdentifier(name)) return std::string(name);
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '`' || name.front() == '[')) return std::string(name);
  const char open = q[0], close = q[0] == '[' ? ']' : q[0];
  std::string out(1, open);
  for (char c : name) {
    out += c;
    if (c == close) out += c;
  }
  out += close;
  return out;
}

std::string wrapSelect(std::string_view source, std::string_view where, std::string_view orderBy, size_t limit,
                       LimitSyntax syntax, std::string_view projection) {
  std::string sql = "SELECT ";
  if (limit > 0 && syntax == LimitSyntax::Top) sql += "TOP " + std::to_string(limit) + " ";
  sql += projection;
  sql += " FROM (";
  sql += source;
  sql += ") src";
  if (!where.empty()) sql += " WHERE " + std::string(where);
  if (!orderBy.empty()) sql += " ORDER BY " + std::string(orderBy);
  if (limit > 0 && syntax == LimitSyntax::Limit) sql += " LIMIT " + std::to_string(limit);
  if (limit > 0 && syntax == LimitSyntax::FetchFirst) sql += " FETCH FIRST " + std::to_string(limit) + " ROWS ONLY";
  return sql;
}

std::string trimQuery(std::string_view query) {
  std::string q = trim(query);
  while (!q.empty() && (q.back() == ';' || std::isspace(static_cast<unsigned char>(q.back())))) q.pop_back();
  return q;
}

std::vector<std::pair<std::string, std::string>> parseConnectionString(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t p = 0;
  while (p < s.size()) {
    const size_t eq = s.find('=', p);
    if (eq == std::string_view::npos) {
      const std::string rest = trim(s.substr(p));
      if (!rest.empty()) out.emplace_back(rest, "");
      break;
    }
    std::string key = trim(s.substr(p, eq - p));
    p = eq + 1;
    std::string value;
    if (p < s.size() && s[p] == '{') {
      ++p;
      while (p < s.size()) {
        if (s[p] == '}') {
          if (p + 1 < s.size() && s[p + 1] == '}') {
            value += '}';
            p += 2;
            continue;
          }
          ++p;
          break;
        }
        value += s[p++];
      }
      const size_t semi = s.find(';', p);
      p = semi == std::string_view::npos ? s.size() : semi + 1;
    } else {
      const size_t semi = s.find(';', p);
      value = trim(s.substr(p, semi == std::string_view::npos ? std::string_view::npos : semi - p));
      p = semi == std::string_view::npos ? s.size() : semi + 1;
    }
    if (!key.empty()) out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

bool hasConnectionKey(std::string_view text, std::string_view key) {
  const std::string want = lower(key);
  for (const auto& [k, v] : parseConnectionString(text))
    if (lower(k) == want) return true;
  return false;
}

std::string connectionValue(std::string_view value) {
  const bool plain = std::none_of(value.begin(), value.end(), [](char c) {
    return c == ';' || c == '{' || c == '}' || c == '=' || std::isspace(static_cast<unsigned char>(c));
  });
  if (plain && !value.empty()) return std::string(value);
  std::string out = "{";
  for (char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

std::string printableConnection(std::string_view text) {
  std::string out;
  for (const auto& [k, v] : parseConnectionString(text)) {
    const std::string lk = lower(k);
    if (!out.empty()) out += ';';
    if (lk == "pwd" || lk == "password" || contains(lk, "secret") || contains(lk, "token"))
      out += k + "=***";
    else
      out += k + "=" + connectionValue(v);
  }
  return out;
}

}  // namespace govsync::connectors::odbc
