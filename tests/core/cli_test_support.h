// Helpers of the CLI tests (cli_test.cpp, cli_audit_test.cpp): the real
// `govsync` program (GOVSYNC_CLI) run as a subprocess, temporary folders,
// and databases on the test PostgreSQL.
#pragma once

#include <fcntl.h>
#include <postgresql/libpq-fe.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace govsync::clitest {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

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

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string cliPath() {
  if (const char* v = std::getenv("GOVSYNC_CLI"); v && *v) return v;
  if (const char* b = std::getenv("GOVSYNC_BINARY_DIR"); b && *b) return std::string(b) + "/cli/govsync";
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "build/cli/govsync").string();
}

struct Run {
  int exit = -1;
  std::string out, err;
};

inline std::ostream& operator<<(std::ostream& o, const Run& r) {
  return o << "exit " << r.exit << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err;
}

// Runs govsync with `args`; `input` on stdin; `env` added to the environment.
inline Run runGovsync(const std::vector<std::string>& args, const std::string& input = "",
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

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

inline const char* kCase = R"({"kind":"CASE","source_system":"hotline12345","source_id":"WO-1","region_code":"211102",)"
                           R"("case_no":"WO-1","title":"路灯不亮","status":"RECEIVED","reporter_name":"张三",)"
                           R"("reporter_phone":"13812341234","reporter_id_no":"211102199001011234"})";
inline const char* kReview =
    R"({"kind":"REVIEW","source_system":"hcp","source_id":"EV-1","region_code":"211103","review_id":"EV-1",)"
    R"("level":5,"evaluated_at":"2022-09-25T06:03:00.000Z","evaluator_phone":"13912345678"})";

// The cursor printed by `feed read` on stderr ("next cursor: X (position ...").
inline std::string nextCursor(const std::string& err) {
  const auto at = err.find("next cursor: ");
  if (at == std::string::npos) return {};
  const auto start = at + 13;
  return err.substr(start, err.find(' ', start) - start);
}

// ------------------------------------------------------- PostgreSQL helpers

inline std::string testPgConninfo() {
  if (const char* v = std::getenv("GOVSYNC_TEST_PG_CONNINFO"); v && *v) return v;
  return "host=127.0.0.1 port=55432 dbname=govsync_test user=govsync password=govsync-test";
}

// Key/value pairs of a conninfo, without `drop`, with `set` applied.
inline std::string conninfoEdit(const std::string& conninfo, const std::string& drop, const std::string& key = "",
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

inline std::string conninfoValue(const std::string& conninfo, const std::string& key) {
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string out;
  for (auto* o = opts; o && o->keyword; ++o)
    if (o->val && key == o->keyword) out = o->val;
  PQconninfoFree(opts);
  return out;
}

inline void pgExec(const std::string& conninfo, const std::string& sql) {
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

}  // namespace govsync::clitest
