// The real `govsync` program (GOVSYNC_CLI), run as a subprocess: help,
// records in and the feed out on a temporary data dir (SQLite) and on the
// test PostgreSQL, configuration errors on stderr, audit verification.
#include <fcntl.h>
#include <postgresql/libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/record/record_rules.h"
#include "core/store/store.h"
#include "core/util/crypto.h"

extern char** environ;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "govsync-cli-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
    return file(name);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string cliPath() {
  if (const char* v = std::getenv("GOVSYNC_CLI"); v && *v) return v;
  if (const char* b = std::getenv("GOVSYNC_BINARY_DIR"); b && *b) return std::string(b) + "/cli/govsync";
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "build/cli/govsync").string();
}

struct Run {
  int exit = -1;
  std::string out, err;
};

std::ostream& operator<<(std::ostream& o, const Run& r) {
  return o << "exit " << r.exit << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err;
}

// Runs govsync with `args`; `input` on stdin; `env` added to the environment.
Run runGovsync(const std::vector<std::string>& args, const std::string& input = "",
               const std::vector<std::string>& env = {}) {
  TempDir io;
  const std::string in = io.write("stdin", input), out = io.file("stdout"), err = io.file("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string program = cliPath();
  std::vector<std::string> argStore{program};
  argStore.insert(argStore.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argStore) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStore;
  for (char** e = environ; *e; ++e) envStore.emplace_back(*e);
  envStore.insert(envStore.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : envStore) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + program + ": " + std::strerror(rc));
  int status = 0;
  waitpid(pid, &status, 0);
  Run r;
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readFile(out);
  r.err = readFile(err);
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

const char* kCase = R"({"kind":"CASE","source_system":"hotline12345","source_id":"WO-1","region_code":"211102",)"
                    R"("case_no":"WO-1","title":"路灯不亮","status":"RECEIVED","reporter_name":"张三",)"
                    R"("reporter_phone":"13812341234","reporter_id_no":"211102199001011234"})";
const char* kReview =
    R"({"kind":"REVIEW","source_system":"hcp","source_id":"EV-1","region_code":"211103","review_id":"EV-1",)"
    R"("level":5,"evaluated_at":"2022-09-25T06:03:00.000Z","evaluator_phone":"13912345678"})";

// The cursor printed by `feed read` on stderr ("next cursor: X (position ...").
std::string nextCursor(const std::string& err) {
  const auto at = err.find("next cursor: ");
  if (at == std::string::npos) return {};
  const auto start = at + 13;
  return err.substr(start, err.find(' ', start) - start);
}

// ------------------------------------------------------- PostgreSQL helpers

std::string testPgConninfo() {
  if (const char* v = std::getenv("GOVSYNC_TEST_PG_CONNINFO"); v && *v) return v;
  return "host=127.0.0.1 port=55432 dbname=govsync_test user=govsync password=govsync-test";
}

// Key/value pairs of a conninfo, without `drop`, with `set` applied.
std::string conninfoEdit(const std::string& conninfo, const std::string& drop, const std::string& key = "",
                         const std::string& value = "") {
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string out;
  for (auto* o = opts; o && o->keyword; ++o) {
    const std::string k = o->keyword;
    if (!o->val || k == drop || k == key) continue;
    out += (out.empty() ? "" : " ") + k + "=" + o->val;
  }
  PQconninfoFree(opts);
  if (!key.empty()) out += " " + key + "=" + value;
  return out;
}

std::string conninfoValue(const std::string& conninfo, const std::string& key) {
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string out;
  for (auto* o = opts; o && o->keyword; ++o)
    if (o->val && key == o->keyword) out = o->val;
  PQconninfoFree(opts);
  return out;
}

void pgExec(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
      error = PQresultErrorMessage(res);
    PQclear(res);
  }
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error("libpq: " + error);
}

// A new database on the test server, dropped at the end.
struct PgDatabase {
  std::string name;
  PgDatabase() {
    static std::atomic<int> n{0};
    name = "govsync_cli_" + std::to_string(getpid()) + "_" + std::to_string(++n);
    pgExec(testPgConninfo(), "CREATE DATABASE " + name);
  }
  ~PgDatabase() {
    try {
      pgExec(testPgConninfo(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (...) {
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(help_lists_the_subcommands) {
  BOOST_TEST_REQUIRE(std::filesystem::exists(cliPath()), "govsync binary not found at " << cliPath());
  for (const char* flag : {"--help", "-h", "help"}) {
    const Run r = runGovsync({flag});
    BOOST_TEST(r.exit == 0, r);
    for (const char* command : {"serve", "store status", "records put", "records get", "feed read", "audit verify",
                                "config check", "config keys"})
      BOOST_TEST(contains(r.out, "  " + std::string(command) + " "), command << " missing from\n" << r.out);
    BOOST_TEST(contains(r.out, "--data-dir"));
  }
  // No command: the help, but a failing exit.
  const Run none = runGovsync({});
  BOOST_TEST(none.exit == 2, none);
  BOOST_TEST(contains(none.out, "records put"));

  const Run sub = runGovsync({"feed", "read", "--help"});
  BOOST_TEST(sub.exit == 0, sub);
  BOOST_TEST(contains(sub.out, "usage: govsync feed read"), sub);
  BOOST_TEST(contains(sub.out, "--after CURSOR"), sub);

  const Run unknown = runGovsync({"frobnicate"});
  BOOST_TEST(unknown.exit == 2, unknown);
  BOOST_TEST(contains(unknown.err, "unknown command 'frobnicate'"), unknown);

  TempDir d;
  const Run badOption = runGovsync({"store", "status", "--data-dir", d.path(), "--bogus"});
  BOOST_TEST(badOption.exit == 2, badOption);
  BOOST_TEST(contains(badOption.err, "unknown option --bogus"), badOption);

  const Run keys = runGovsync({"config", "keys"});
  BOOST_TEST(keys.exit == 0, keys);
  BOOST_TEST(contains(keys.out, "store.postgres.conninfo"), keys);
  BOOST_TEST(contains(keys.out, "http.port  (default 8080)"), keys);
}

BOOST_AUTO_TEST_CASE(records_put_then_feed_read_on_a_data_dir) {
  TempDir d;
  const std::string data = d.file("data");
  const std::string file = d.write("records.ndjson", std::string(kCase) + "\n\n" + kReview + "\n");

  Run put = runGovsync({"records", "put", file, "--data-dir", data});
  BOOST_TEST_REQUIRE(put.exit == 0, put);
  BOOST_TEST(contains(put.out, "2 records, 2 changed, feed head 2"), put);
  const std::string caseId = govsync::computeRecordId("hotline12345", govsync::schema::RecordKind::CASE, "WO-1");
  BOOST_TEST(contains(put.out, caseId + " v1 changed"), put);
  BOOST_TEST(std::filesystem::exists(data + "/govsync.db"));

  // The feed, masked by default.
  Run feed = runGovsync({"feed", "read", "--data-dir", data});
  BOOST_TEST_REQUIRE(feed.exit == 0, feed);
  auto out = lines(feed.out);
  BOOST_TEST_REQUIRE(out.size() == 2u, feed);
  BOOST_TEST(contains(out[0], "\"record_id\":\"" + caseId + "\""), feed);
  BOOST_TEST(contains(out[0], "\"reporter_phone\":\"138****1234\""), feed);
  BOOST_TEST(contains(out[0], "\"reporter_name\":\"张*\""), feed);
  BOOST_TEST(contains(out[0], "\"reporter_id_no\":\"211102********1234\""), feed);
  BOOST_TEST(!contains(feed.out, "13812341234"), feed);
  BOOST_TEST(contains(out[1], "\"evaluated_at\":\"2022-09-25T06:03:00.000Z\""), feed);
  BOOST_TEST(contains(feed.err, "2 records; next cursor: "), feed);
  BOOST_TEST(contains(feed.err, "(position 2, head 2)"), feed);
  const std::string cursor = nextCursor(feed.err);
  BOOST_TEST(!cursor.empty());

  Run pii = runGovsync({"feed", "read", "--data-dir", data, "--pii"});
  BOOST_TEST(contains(pii.out, "\"reporter_phone\":\"13812341234\""), pii);

  Run reviews = runGovsync({"feed", "read", "--data-dir", data, "--kind", "REVIEW"});
  BOOST_TEST(lines(reviews.out).size() == 1u, reviews);
  BOOST_TEST(contains(reviews.out, "\"kind\":\"REVIEW\""), reviews);
  Run page = runGovsync({"feed", "read", "--data-dir", data, "--limit", "1"});
  BOOST_TEST(lines(page.out).size() == 1u, page);
  BOOST_TEST(contains(page.err, "(position 1, head 2)"), page);

  // Nothing new after the cursor; the same records again change nothing.
  Run after = runGovsync({"feed", "read", "--data-dir", data, "--after", cursor});
  BOOST_TEST(after.exit == 0, after);
  BOOST_TEST(after.out.empty(), after);
  BOOST_TEST(contains(after.err, "0 records"), after);
  Run again = runGovsync({"records", "put", file, "--data-dir", data});
  BOOST_TEST(contains(again.out, "2 records, 0 changed, feed head 2"), again);

  // A JSON array on stdin; a change and a new record.
  const std::string changed = std::string(kCase).replace(std::string(kCase).find("RECEIVED"), 8, "CLOSED");
  Run fromStdin = runGovsync({"records", "put", "-", "--data-dir", data}, "[" + changed + "]");
  BOOST_TEST(fromStdin.exit == 0, fromStdin);
  BOOST_TEST(contains(fromStdin.out, caseId + " v2 changed"), fromStdin);
  Run next = runGovsync({"feed", "read", "--data-dir", data, "--after", cursor});
  BOOST_TEST_REQUIRE(lines(next.out).size() == 1u, next);
  BOOST_TEST(contains(next.out, "\"status\":\"CLOSED\""), next);
  BOOST_TEST(contains(next.out, "\"version\":2"), next);

  Run get = runGovsync({"records", "get", caseId, "--data-dir", data});
  BOOST_TEST(get.exit == 0, get);
  BOOST_TEST(contains(get.out, "\"reporter_phone\":\"138****1234\""), get);
  Run getPii = runGovsync({"records", "get", caseId, "--data-dir", data, "--pii"});
  BOOST_TEST(contains(getPii.out, "\"reporter_phone\":\"13812341234\""), getPii);
  Run missing = runGovsync({"records", "get", "no-such-id", "--data-dir", data});
  BOOST_TEST(missing.exit == 1, missing);
  BOOST_TEST(contains(missing.err, "no record no-such-id"), missing);

  Run status = runGovsync({"store", "status", "--data-dir", data});
  BOOST_TEST(status.exit == 0, status);
  BOOST_TEST(contains(status.out, "sqlite " + data + "/govsync.db"), status);
  BOOST_TEST(contains(status.out, "feed head:      3"), status);

  // Bad input: nothing committed, the line and field named.
  const std::string bad = d.write("bad.ndjson", std::string(kReview) + "\n" +
                                                    R"({"kind":"CASE","source_system":"s","source_id":"2",)"
                                                    R"("case_no":"2","status":"OPEN"})" +
                                                    "\n");
  Run rejected = runGovsync({"records", "put", bad, "--data-dir", data});
  BOOST_TEST(rejected.exit == 2, rejected);
  BOOST_TEST(contains(rejected.err, "line 2"), rejected);
  BOOST_TEST(contains(rejected.err, "status: unknown value 'OPEN'"), rejected);
  Run invalid = runGovsync({"records", "put", "-", "--data-dir", data},
                           R"({"kind":"CASE","source_system":"s","source_id":"3","case_no":"3","region_code":"21"})");
  BOOST_TEST(invalid.exit == 2, invalid);
  BOOST_TEST(contains(invalid.err, "region_code"), invalid);
  BOOST_TEST(contains(runGovsync({"store", "status", "--data-dir", data}).out, "feed head:      3"));

  for (const char* limit : {"abc", "-1", "5x", "", "0"}) {
    Run badLimit = runGovsync({"feed", "read", "--data-dir", data, "--limit", limit});
    BOOST_TEST(badLimit.exit == 2, badLimit);
    BOOST_TEST(!contains(badLimit.err, "unexpected error"), badLimit);
  }

  Run badCursor = runGovsync({"feed", "read", "--data-dir", data, "--after", "not-a-cursor"});
  BOOST_TEST(badCursor.exit == 2, badCursor);
  BOOST_TEST(contains(badCursor.err, "is not a feed cursor"), badCursor);
}

BOOST_AUTO_TEST_CASE(reviews_stats_prints_a_table) {
  TempDir d;
  const std::string data = d.file("data");
  std::string reviews;
  const std::pair<const char*, int> given[] = {{"市民政局", 1}, {"市民政局", 5}, {"市民政局", 4}, {"市公安局", 2}};
  int n = 0;
  for (const auto& [department, level] : given) {
    const std::string id = "R" + std::to_string(++n);
    reviews += std::string(R"({"kind":"REVIEW","source_system":"hcp","source_id":")") + id + R"(","department":")" +
               department + R"(","review_id":")" + id + R"(","level":)" + std::to_string(level) +
               R"(,"evaluated_at":"2026-11-03T02:00:00.000Z"})" + "\n";
  }
  BOOST_TEST_REQUIRE(runGovsync({"records", "put", d.write("r.ndjson", reviews), "--data-dir", data}).exit == 0);
  Run r = runGovsync({"reviews", "stats", "--group-by", "department", "--month", "2026-11", "--data-dir", data});
  BOOST_TEST_REQUIRE(r.exit == 0, r);
  // group, reviews, levels 5..1, satisfaction, bad, …
  BOOST_TEST(contains(r.out, "2026-10-31T16:00:00.000Z to 2026-11-30T16:00:00.000Z"), r);
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& line : lines(r.out)) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string w; words >> w;) cells.push_back(w);
    if (!cells.empty()) rows[cells[0]] = cells;
  }
  const std::vector<std::string> civil = {"市民政局", "3", "1", "1", "0", "0", "1", "66.7%", "1"};
  BOOST_TEST_REQUIRE(rows.count("市民政局"), r);
  BOOST_TEST((std::vector<std::string>(rows["市民政局"].begin(), rows["市民政局"].begin() + 9) == civil), r);
  BOOST_TEST(rows["total"][1] == "4", r);
  BOOST_TEST(rows["total"][7] == "50.0%", r);  // 市公安局's 2 is bad
  // Another month: empty; a bad month: refused with the field named.
  Run other = runGovsync({"reviews", "stats", "--month", "2026-10", "--data-dir", data});
  BOOST_TEST(rows.count("市公安局") == 1u);
  BOOST_TEST(contains(other.out, "total"), other);
  Run bad = runGovsync({"reviews", "stats", "--month", "2026-13", "--data-dir", data});
  BOOST_TEST(bad.exit == 2, bad);
  BOOST_TEST(contains(bad.err, "month"), bad);
}

BOOST_AUTO_TEST_CASE(a_bad_config_file_is_reported_on_stderr) {
  TempDir d;
  const std::string config = d.write("govsync.yaml", "data_dir: " + d.file("data") +
                                                         "\n"
                                                         "http:\n"
                                                         "  port: 70000\n"
                                                         "stor:\n"
                                                         "  backend: postgres\n");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"config", "check", "--config", config},
                                               std::vector<std::string>{"records", "put", "-", "--config", config},
                                               std::vector<std::string>{"serve", "--config", config}}) {
    BOOST_TEST_CONTEXT(args[0] << " " << args[1]) {
      Run r = runGovsync(args, kCase);
      BOOST_TEST(r.exit == 2, r);
      BOOST_TEST(contains(r.err, config + ":3:9: http.port: must be between 0 and 65535"), r);
      BOOST_TEST(contains(r.err, config + ":4:1: stor: unknown key (did you mean 'store'?)"), r);
      BOOST_TEST((r.out.empty() || args[0] == "records"), r);
    }
  }
  BOOST_TEST(!std::filesystem::exists(d.file("data")));  // nothing was opened

  Run missing = runGovsync({"config", "check", "--config", d.file("nope.yaml")});
  BOOST_TEST(missing.exit == 2, missing);
  BOOST_TEST(contains(missing.err, d.file("nope.yaml")), missing);

  const std::string yaml = d.write("broken.yaml", "store: [unclosed\n");
  Run broken = runGovsync({"config", "check", "--config", yaml});
  BOOST_TEST(broken.exit == 2, broken);
  BOOST_TEST(contains(broken.err, yaml + ":"), broken);
  BOOST_TEST(contains(broken.err, "not valid YAML"), broken);
}

BOOST_AUTO_TEST_CASE(config_check_never_prints_the_secret) {
  TempDir d;
  const std::string secret = "Sup3r-Secret-Value-42";
  const std::string config = d.write("govsync.yaml",
                                     "store:\n"
                                     "  postgres:\n"
                                     "    conninfo: \"host=db.internal dbname=govsync user=govsync\"\n"
                                     "    password: ${GOVSYNC_TEST_CLI_SECRET}\n"
                                     "http:\n"
                                     "  port: 18080\n");
  Run r = runGovsync({"config", "check", "--config", config}, "", {"GOVSYNC_TEST_CLI_SECRET=" + secret});
  BOOST_TEST(r.exit == 0, r);
  BOOST_TEST(contains(r.out, "configuration " + config + " is valid"), r);
  BOOST_TEST(contains(r.out, "store.postgres.password = (secret)"), r);
  BOOST_TEST(contains(r.out, "http.port = 18080   [" + config + ":6:9]"), r);
  BOOST_TEST(!contains(r.out + r.err, secret), r);

  const std::string literal = d.write("literal.yaml", "store:\n  postgres:\n    password: " + secret + "\n");
  Run l = runGovsync({"config", "check", "--config", literal});
  BOOST_TEST(l.exit == 0, l);
  BOOST_TEST(!contains(l.out + l.err, secret), l);

  // Unset: an error naming the variable, not a silent empty password.
  Run unset = runGovsync({"config", "check", "--config", config});
  BOOST_TEST(unset.exit == 2, unset);
  BOOST_TEST(contains(unset.err, config + ":4:15: store.postgres.password: environment variable "
                                          "GOVSYNC_TEST_CLI_SECRET is not set"),
             unset);
}

// The master key as `serve` makes it: <data_dir>/master_key, 32 bytes, 0600.
void writeMasterKey(const std::string& dataDir, const std::string& key) {
  std::filesystem::create_directories(dataDir);
  const std::string path = dataDir + "/master_key";
  std::filesystem::remove(path);
  std::ofstream(path, std::ios::binary) << key;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// Runs SQL on an SQLite file; fails the test on an error.
void sqliteExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  BOOST_TEST(rc == SQLITE_OK, (error ? error : "") << " in " << sql);
  sqlite3_free(error);
  sqlite3_close(db);
}

// How an attacker without the key re-computes the chain: plain SHA-256 over
// the keyed chain's own text (sql_store_audit.cpp), from entry `from` on,
// and the head's hash; as SQL.
std::string plainRechainSql(const std::vector<govsync::store::AuditEntry>& entries, int64_t from) {
  std::string sql, prev;
  for (auto e : entries) {
    if (e.seq >= from) {
      e.prevHash = prev;
      std::string text = "govsync audit entry v1\n";
      for (const std::string& f :
           {e.prevHash, std::to_string(e.seq), std::to_string(e.at), e.actor, e.action, e.target, e.detail})
        text += std::to_string(f.size()) + ":" + f + ",";
      e.hash = govsync::sha256Hex(text);
      sql += "UPDATE audit_log SET prev_hash = '" + e.prevHash + "', hash = '" + e.hash +
             "' WHERE seq = " + std::to_string(e.seq) + ";";
    }
    prev = e.hash;
  }
  return sql + "UPDATE audit_head SET hash = '" + prev + "' WHERE id = 1;";
}

BOOST_AUTO_TEST_CASE(audit_verify_reports_an_intact_and_a_tampered_log) {
  TempDir d;
  const std::string data = d.file("data");
  // It needs the master key, as serve does, and says so.
  Run noKey = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(noKey.exit == 2, noKey);
  BOOST_TEST(contains(noKey.err, "cannot be verified without the master key"), noKey);
  BOOST_TEST(contains(noKey.err, data + "/master_key"), noKey);
  BOOST_TEST(!std::filesystem::exists(data + "/master_key"));  // verify never makes one

  const std::string master(32, 'K');
  writeMasterKey(data, master);
  Run fresh = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(fresh.exit == 0, fresh);
  BOOST_TEST(contains(fresh.out, "audit log intact: 0 entries"), fresh);

  std::vector<govsync::store::AuditEntry> written;
  {
    govsync::store::StoreOptions o;
    o.sqlitePath = data + "/govsync.db";
    auto store = govsync::store::openStore(o);
    store->setAuditKey(govsync::deriveKey(master, govsync::store::kAuditKeyPurpose));
    for (int i = 1; i <= 3; ++i) {
      govsync::store::AuditEntry e;
      e.actor = "bigdata-centre";
      e.action = "pull";
      e.target = "feed";
      e.detail = "{\"n\":" + std::to_string(i) + "}";
      written.push_back(store->appendAudit(e));
    }
  }
  Run intact = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(intact.exit == 0, intact);
  BOOST_TEST(contains(intact.out, "audit log intact: 3 entries, hash chain verified"), intact);
  BOOST_TEST(contains(intact.out, "keyed with the master key from entry 1"), intact);
  BOOST_TEST(contains(intact.out, "head " + written.back().hash), intact);

  // Another master key: not verified, and not appended to either.
  writeMasterKey(data, std::string(32, 'W'));
  Run wrongKey = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(wrongKey.exit == 1, wrongKey);
  BOOST_TEST(contains(wrongKey.out, "audit log NOT VERIFIED: "), wrongKey);
  BOOST_TEST(contains(wrongKey.out, "another master key"), wrongKey);
  writeMasterKey(data, master);

  const std::string db = data + "/govsync.db";
  sqliteExec(db, "UPDATE audit_log SET detail = '{\"n\":20}' WHERE seq = 2");
  Run tampered = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(tampered.exit == 1, tampered);
  BOOST_TEST(contains(tampered.out, "audit log TAMPERED: entry 2 was changed"), tampered);
  BOOST_TEST(contains(tampered.out, "first broken entry: 2 (changed)"), tampered);

  // The same edit with every later hash and the head re-computed: still found.
  written[1].detail = "{\"n\":20}";
  sqliteExec(db, plainRechainSql(written, 2));
  Run rechained = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(rechained.exit == 1, rechained);
  BOOST_TEST(contains(rechained.out, "first broken entry: 2 (recomputed without the key)"), rechained);
  BOOST_TEST(contains(rechained.out, "re-computed without the key"), rechained);
}

BOOST_AUTO_TEST_CASE(client_commands_append_only_with_the_master_key) {
  TempDir d;
  const std::string data = d.file("data");
  Run add = runGovsync(
      {"client", "add", "--data-dir", data, "--name", "water", "--department", "水务集团", "--scopes", "pull:CASE"});
  BOOST_TEST_REQUIRE(add.exit == 0, add);  // makes the master key, as serve does
  BOOST_TEST(std::filesystem::exists(data + "/master_key"));

  // Without the master key, a command that audits refuses before it acts.
  std::filesystem::rename(data + "/master_key", d.file("master_key.bak"));
  Run revoke = runGovsync({"client", "revoke", "water", "--data-dir", data});
  BOOST_TEST(revoke.exit == 2, revoke);
  BOOST_TEST(contains(revoke.err, "no master key"), revoke);
  BOOST_TEST(!contains(runGovsync({"client", "list", "--data-dir", data}).out, "REVOKED"));
  std::filesystem::rename(d.file("master_key.bak"), data + "/master_key");

  Run revoked = runGovsync({"client", "revoke", "water", "--data-dir", data});
  BOOST_TEST(revoked.exit == 0, revoked);
  Run verify = runGovsync({"audit", "verify", "--data-dir", data});
  BOOST_TEST(verify.exit == 0, verify);
  BOOST_TEST(contains(verify.out, "audit log intact: 2 entries"), verify);
}

BOOST_AUTO_TEST_CASE(the_same_commands_on_postgresql) {
  PgDatabase db;
  const std::string base = testPgConninfo();
  const std::string password = conninfoValue(base, "password");
  const std::string conninfo = conninfoEdit(conninfoEdit(base, "password"), "", "dbname", db.name);
  TempDir d;
  const std::string config = d.write("pg.yaml",
                                     "store:\n"
                                     "  backend: postgres\n"
                                     "  postgres:\n"
                                     "    conninfo: \"" +
                                         conninfo +
                                         "\"\n"
                                         "    password: ${GOVSYNC_TEST_CLI_PG_PASSWORD}\n"
                                         "auth:\n"
                                         "  master_key: ${GOVSYNC_TEST_CLI_MASTER_KEY}\n");
  const std::vector<std::string> env = {"GOVSYNC_TEST_CLI_PG_PASSWORD=" + password,
                                        "GOVSYNC_TEST_CLI_MASTER_KEY=" + std::string(64, 'a')};
  Run put = runGovsync({"records", "put", "-", "--config", config}, std::string(kCase) + "\n" + kReview + "\n", env);
  BOOST_TEST_REQUIRE(put.exit == 0, put);
  BOOST_TEST(contains(put.out, "2 records, 2 changed, feed head 2"), put);
  Run feed = runGovsync({"feed", "read", "--config", config, "--region", "211103"}, "", env);
  BOOST_TEST(feed.exit == 0, feed);
  BOOST_TEST(lines(feed.out).size() == 1u, feed);
  BOOST_TEST(contains(feed.out, "\"evaluator_phone\":\"139****5678\""), feed);
  Run status = runGovsync({"store", "status", "--config", config}, "", env);
  BOOST_TEST(status.exit == 0, status);
  BOOST_TEST(contains(status.out, "store:          postgres "), status);
  BOOST_TEST(contains(status.out, "dbname=" + db.name), status);
  BOOST_TEST(!contains(status.out, password), status);
  Run audit = runGovsync({"audit", "verify", "--config", config}, "", env);
  BOOST_TEST(audit.exit == 0, audit);
  // The audit chain keyed with auth.master_key: a client added, then its entry changed.
  Run add = runGovsync(
      {"client", "add", "--config", config, "--name", "water", "--department", "水务集团", "--scopes", "pull:CASE"}, "",
      env);
  BOOST_TEST_REQUIRE(add.exit == 0, add);
  Run keyed = runGovsync({"audit", "verify", "--config", config}, "", env);
  BOOST_TEST(keyed.exit == 0, keyed);
  BOOST_TEST(contains(keyed.out,
                      "audit log intact: 1 entries, hash chain verified (keyed with the master key from "
                      "entry 1)"),
             keyed);
  pgExec(conninfoEdit(base, "", "dbname", db.name), "UPDATE audit_log SET target = 'other' WHERE seq = 1");
  Run tampered = runGovsync({"audit", "verify", "--config", config}, "", env);
  BOOST_TEST(tampered.exit == 1, tampered);
  BOOST_TEST(contains(tampered.out, "audit log TAMPERED: entry 1 was changed"), tampered);

  // A wrong password: a clear error naming the server, never the password.
  const std::string wrong = "Wr0ng-Pa55-" + std::to_string(getpid());
  Run denied =
      runGovsync({"store", "status", "--config", config}, "", {"GOVSYNC_TEST_CLI_PG_PASSWORD=" + wrong, env[1]});
  BOOST_TEST(denied.exit == 1, denied);
  BOOST_TEST(contains(denied.err, "cannot connect to the PostgreSQL store"), denied);
  BOOST_TEST(contains(denied.err, "host=" + conninfoValue(base, "host")), denied);
  BOOST_TEST(contains(denied.err, "port=" + conninfoValue(base, "port")), denied);
  BOOST_TEST(contains(denied.err, "dbname=" + db.name), denied);
  BOOST_TEST(!contains(denied.out + denied.err, wrong), denied);
}

BOOST_AUTO_TEST_SUITE_END()
