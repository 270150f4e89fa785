#include "core/store/postgres/pg_connection.h"

#include <charconv>

#include "core/util/error.h"

namespace govsync::store {

namespace {
constexpr Oid kInt8 = 20, kInt4 = 23, kInt2 = 21, kFloat8 = 701, kFloat4 = 700, kBool = 16, kBytea = 17,
              kNumeric = 1700;

struct ResultGuard {
  PGresult* res;
  ~ResultGuard() { PQclear(res); }
};
}  // namespace

std::string toDollarPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

PgConnection::PgConnection(const std::string& conninfo, std::string target) : target_(std::move(target)) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error::unavailable("cannot connect to the PostgreSQL store " + target_ + ": " + msg);
  }
  // Quiet NOTICEs (e.g. "relation already exists, skipping") off stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  execScript("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

void PgConnection::fail(const std::string& what, PGresult* res) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  lastState_ = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  msg = what + ": " + msg + " (PostgreSQL store " + target_ + ")";
  if (!healthy() || lastState_.rfind("08", 0) == 0 || lastState_.rfind("57P", 0) == 0 || lastState_ == "40001" ||
      lastState_ == "40P01" || lastState_ == "53300")
    throw Error::unavailable(msg);
  if (lastState_.rfind("23", 0) == 0) throw Error::conflict(msg);
  throw Error::internal(msg);
}

void PgConnection::execScript(std::string_view sql) {
  ResultGuard g{PQexec(conn_, std::string(sql).c_str())};
  const auto st = PQresultStatus(g.res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail("SQL failed", g.res);
}

SqlResult PgConnection::query(std::string_view sql, std::span<const SqlValue> params) {
  std::string key(sql);
  auto it = statements_.find(key);
  if (it == statements_.end()) {
    std::string name = "s" + std::to_string(statements_.size() + 1);
    ResultGuard g{PQprepare(conn_, name.c_str(), toDollarPlaceholders(sql).c_str(), 0, nullptr)};
    if (PQresultStatus(g.res) != PGRES_COMMAND_OK) fail("cannot prepare statement", g.res);
    it = statements_.emplace(std::move(key), std::move(name)).first;
  }
  const int n = static_cast<int>(params.size());
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size()), formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    if (std::holds_alternative<std::monostate>(p)) {
      values[i] = nullptr;
    } else if (auto* v = std::get_if<int64_t>(&p)) {
      texts[i] = std::to_string(*v);
      values[i] = texts[i].c_str();
    } else if (auto* d = std::get_if<double>(&p)) {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, *d);
      texts[i].assign(buf, r.ptr);
      values[i] = texts[i].c_str();
    } else if (auto* s = std::get_if<std::string>(&p)) {
      values[i] = s->c_str();
    } else if (auto* b = std::get_if<Blob>(&p)) {
      values[i] = b->bytes.data();
      lengths[i] = static_cast<int>(b->bytes.size());
      formats[i] = 1;  // binary: bytea as raw bytes
    }
  }
  ResultGuard g{PQexecPrepared(conn_, it->second.c_str(), n, values.data(), lengths.data(), formats.data(), 0)};
  const auto st = PQresultStatus(g.res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    if (!healthy()) statements_.clear();
    fail("statement failed", g.res);
  }
  SqlResult result;
  const int rows = PQntuples(g.res), cols = PQnfields(g.res);
  result.rows.resize(static_cast<size_t>(rows));
  for (int c = 0; c < cols; ++c) {
    const Oid type = PQftype(g.res, c);
    for (int r = 0; r < rows; ++r) {
      auto& row = result.rows[static_cast<size_t>(r)];
      if (c == 0) row.reserve(static_cast<size_t>(cols));
      if (PQgetisnull(g.res, r, c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      const char* v = PQgetvalue(g.res, r, c);
      const int len = PQgetlength(g.res, r, c);
      if (type == kInt8 || type == kInt4 || type == kInt2) {
        int64_t x = 0;
        std::from_chars(v, v + len, x);
        row.emplace_back(x);
      } else if (type == kFloat8 || type == kFloat4 || type == kNumeric) {
        row.emplace_back(std::strtod(v, nullptr));
      } else if (type == kBool) {
        row.emplace_back(static_cast<int64_t>(v[0] == 't'));
      } else if (type == kBytea) {
        size_t outLen = 0;
        unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &outLen);
        row.emplace_back(Blob{std::string(reinterpret_cast<char*>(raw), outLen)});
        PQfreemem(raw);
      } else {
        row.emplace_back(std::string(v, static_cast<size_t>(len)));
      }
    }
  }
  return result;
}

void PgConnection::begin(bool write) {
  // A read transaction needs one snapshot for the head position and the page
  // it bounds; REPEATABLE READ gives that.
  execScript(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}
void PgConnection::commit() { execScript("COMMIT"); }
void PgConnection::rollback() { execScript("ROLLBACK"); }

}  // namespace govsync::store
