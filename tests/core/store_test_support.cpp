#include "tests/core/store_test_support.h"

#include <postgresql/libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "core/record/record_rules.h"

namespace govsync::testing {

using schema::Record;
using schema::RecordKind;

std::ostream& operator<<(std::ostream& out, Backend backend) {
  return out << (backend == Backend::Sqlite ? "sqlite" : "postgres");
}

std::vector<Backend> allBackends() { return {Backend::Sqlite, Backend::Postgres}; }

std::string testPgConninfo() {
  if (const char* v = std::getenv("GOVSYNC_TEST_PG_CONNINFO"); v && *v) return v;
  return "host=127.0.0.1 port=55432 dbname=govsync_test user=govsync password=govsync-test";
}

namespace {
std::string quoteConninfo(const std::string& v) {
  std::string q = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') q += '\\';
    q += c;
  }
  return q + "'";
}
}  // namespace

std::string conninfoWith(const std::string& conninfo, const std::string& key, const std::string& value) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string msg = err ? err : "unparseable";
    PQfreemem(err);
    throw std::runtime_error("bad test conninfo: " + msg);
  }
  std::string out;
  for (auto* o = opts; o->keyword; ++o) {
    if (!o->val || key == o->keyword) continue;
    out += std::string(out.empty() ? "" : " ") + o->keyword + "=" + quoteConninfo(o->val);
  }
  PQconninfoFree(opts);
  if (!value.empty()) out += " " + key + "=" + quoteConninfo(value);
  return out;
}

std::string conninfoValue(const std::string& conninfo, const std::string& key) {
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), nullptr);
  if (!opts) return {};
  std::string out;
  for (auto* o = opts; o->keyword; ++o)
    if (o->val && key == o->keyword) out = o->val;
  PQconninfoFree(opts);
  return out;
}

// ------------------------------------------------------------------ TempDir

TempDir::TempDir(const std::string& label) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + label + "-XXXXXX";
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed for " + templ);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

// --------------------------------------------------------------- PgDatabase

PgDatabase::PgDatabase() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ =
      "govsync_t_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + std::to_string(rd() % 100000);
  pgExec(testPgConninfo(), "CREATE DATABASE " + name_);
}

PgDatabase::~PgDatabase() {
  try {
    pgExec(testPgConninfo(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // Leave it: a later run's databases have other names.
  }
}

std::string PgDatabase::conninfo() const { return conninfoWith(testPgConninfo(), "dbname", name_); }

// ----------------------------------------------------------------- raw SQL

RawRows sqliteExec(const std::string& path, const std::string& text) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("raw sqlite open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 30000);
  RawRows rows;
  char* err = nullptr;
  const int rc = sqlite3_exec(
      db, text.c_str(),
      [](void* out, int n, char** values, char**) {
        auto& r = static_cast<RawRows*>(out)->emplace_back();
        for (int i = 0; i < n; ++i) r.emplace_back(values[i] ? values[i] : "");
        return 0;
      },
      &rows, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("raw sqlite: " + msg + " in: " + text);
  return rows;
}

RawRows pgExec(const std::string& conninfo, const std::string& text) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("raw libpq connect: " + msg);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  RawRows rows;
  std::string error;
  PQsendQuery(conn, text.c_str());
  while (PGresult* res = PQgetResult(conn)) {
    const auto st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK) {
      for (int r = 0; r < PQntuples(res); ++r) {
        auto& row = rows.emplace_back();
        for (int c = 0; c < PQnfields(res); ++c) row.emplace_back(PQgetisnull(res, r, c) ? "" : PQgetvalue(res, r, c));
      }
    } else if (st != PGRES_COMMAND_OK && error.empty()) {
      error = PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error("raw libpq: " + error + " in: " + text);
  return rows;
}

// ---------------------------------------------------------------- TestStore

TestStore::TestStore(Backend backend) : backend_(backend) {
  if (backend == Backend::Sqlite) {
    dir_ = std::make_unique<TempDir>("govsync-store");
    options_.backend = "sqlite";
    options_.sqlitePath = dir_->file("govsync.db");
  } else {
    db_ = std::make_unique<PgDatabase>();
    options_.backend = "postgres";
    // The password travels separately, as it does from the configuration.
    options_.postgresPassword = conninfoValue(db_->conninfo(), "password");
    options_.postgresConninfo = conninfoWith(db_->conninfo(), "password", "");
  }
  options_.poolSize = 8;
  store_ = store::openStore(options_);
}

TestStore::~TestStore() {
  store_.reset();  // connections closed before the database is dropped
  db_.reset();
}

void TestStore::close() { store_.reset(); }

void TestStore::reopen() {
  store_.reset();
  store_ = store::openStore(options_);
}

RawRows TestStore::sql(const std::string& text) const {
  if (backend_ == Backend::Sqlite) return sqliteExec(options_.sqlitePath, text);
  return pgExec(db_->conninfo(), text);
}

// ---------------------------------------------------------- record builders

namespace {
void envelope(Record& r, RecordKind::type kind, const std::string& system, const std::string& id,
              const std::string& region) {
  r.envelope.kind = kind;
  r.envelope.source_system = system;
  r.envelope.source_id = id;
  r.envelope.__set_department("盘山县政务服务中心");
  r.envelope.__set_region_code(region);
  r.envelope.__set_source_updated_at(1664085780000);
  r.envelope.__set_mapping(system + "@1");
}
}  // namespace

Record caseRecord(const std::string& system, const std::string& id, const std::string& title,
                  const std::string& region) {
  Record r;
  envelope(r, RecordKind::CASE, system, id, region);
  auto& c = r.case_record;
  c.case_no = "C-" + id;
  c.__set_case_kind(schema::CaseKind::hotline);
  c.__set_title(title);
  c.__set_status(schema::CaseStatus::RECEIVED);
  c.__set_status_raw("已受理");
  c.__set_received_at(1664085780000);
  c.__set_reporter_name("张三");
  c.__set_reporter_phone("13812341234");
  c.__set_reporter_id_no("211102199001011234");
  c.__set_lon(122.07);
  c.__set_lat(41.12);
  r.__isset.case_record = true;
  return r;
}

Record reviewRecord(const std::string& system, const std::string& id, int level, const std::string& region) {
  Record r;
  envelope(r, RecordKind::REVIEW, system, id, region);
  auto& v = r.review;
  v.review_id = "R-" + id;
  v.level = level;
  v.evaluated_at = 1664085780000;
  v.__set_level_scheme(schema::LevelScheme::hcp_interface);
  v.__set_evaluator_name("李四");
  v.__set_evaluator_phone("13912345678");
  v.__set_comment_text("办事效率高");
  r.__isset.review = true;
  return r;
}

Record observationRecord(const std::string& system, const std::string& id, double value, const std::string& region) {
  Record r;
  envelope(r, RecordKind::OBSERVATION, system, id, region);
  auto& o = r.observation;
  o.subject_id = "S-" + id;
  o.observed_at = 1664085780000;
  o.__set_subject_type(schema::SubjectType::monitor_station);
  o.__set_metric_code("water_level");
  o.__set_value(value);
  o.__set_unit("m");
  r.__isset.observation = true;
  return r;
}

Record tombstone(const std::string& system, RecordKind::type kind, const std::string& id) {
  Record r;
  r.envelope.kind = kind;
  r.envelope.source_system = system;
  r.envelope.source_id = id;
  r.envelope.__set_deleted(true);
  return r;
}

std::vector<store::FeedEntry> readWholeFeed(store::Store& store, const store::FeedFilter& filter, size_t pageSize) {
  std::vector<store::FeedEntry> out;
  store::FeedQuery q;
  q.limit = pageSize;
  q.filter = filter;
  for (;;) {
    auto page = store.readFeed(q);
    for (auto& e : page.entries) out.push_back(std::move(e));
    if (page.next == q.after) break;
    q.after = page.next;
  }
  return out;
}

}  // namespace govsync::testing
