// govsync's configuration: a valid file and the defaults; every kind of
// problem named with file, line, column and key; several problems reported
// at once.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/util/error.h"

using govsync::Config;
using govsync::Error;
using govsync::ErrorCode;

namespace {

// A temporary folder holding the YAML files of one test.
class Files {
 public:
  Files() {
    std::string templ = (std::filesystem::temp_directory_path() / "govsync-config-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
  }
  ~Files() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Loads `yaml` expecting Error(Config); returns its message.
std::string loadError(const Files& files, const std::string& yaml, const std::string& name = "govsync.yaml") {
  const std::string path = files.write(name, yaml);
  try {
    Config::load(path);
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Config), e.what());
    return e.what();
  }
  BOOST_FAIL("configuration was accepted:\n" << yaml);
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(defaults_without_a_file) {
  const Config c;
  BOOST_TEST(c.source() == "(defaults)");
  BOOST_TEST(c.getString("data_dir") == "./data");
  BOOST_TEST(c.getString("store.backend") == "sqlite");
  BOOST_TEST(c.getInt("store.pool_size") == 8);
  BOOST_TEST(c.getString("http.listen") == "127.0.0.1");  // loopback by default
  BOOST_TEST(c.getInt("http.port") == 8080);
  BOOST_TEST(c.getString("thrift.listen") == "127.0.0.1");
  BOOST_TEST(c.getInt("thrift.port") == 9090);
  BOOST_TEST(c.getString("log.level") == "information");
  BOOST_TEST(c.getString("store.postgres.password") == "");
  BOOST_TEST(c.sqlitePath() == "./data/govsync.db");
  BOOST_TEST(!c.isSet("http.port"));
  BOOST_TEST(c.whereIs("http.port") == "(defaults)");
  // Undeclared keys are a bug in the caller, not a user error.
  try {
    (void)c.getString("http.prot");
    BOOST_FAIL("undeclared key accepted");
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Internal));
  }
}

BOOST_AUTO_TEST_CASE(a_valid_file_sets_values_and_keeps_defaults) {
  Files files;
  ::setenv("GOVSYNC_TEST_PG_SECRET", "s3cr3t-from-env", 1);
  const std::string path = files.write("govsync.yaml",
                                       "# comment\n"
                                       "data_dir: /var/lib/govsync\n"
                                       "store:\n"
                                       "  backend: postgres\n"
                                       "  pool_size: 16\n"
                                       "  postgres:\n"
                                       "    conninfo: \"host=db port=5432 dbname=govsync user=govsync\"\n"
                                       "    password: ${GOVSYNC_TEST_PG_SECRET}\n"
                                       "http:\n"
                                       "  port: 18080\n"
                                       "log:\n"
                                       "  level: debug\n");
  const Config c = Config::load(path);
  BOOST_TEST(c.source() == path);
  BOOST_TEST(c.getString("data_dir") == "/var/lib/govsync");
  BOOST_TEST(c.getString("store.backend") == "postgres");
  BOOST_TEST(c.getInt("store.pool_size") == 16);
  BOOST_TEST(c.getString("store.postgres.conninfo") == "host=db port=5432 dbname=govsync user=govsync");
  BOOST_TEST(c.getString("store.postgres.password") == "s3cr3t-from-env");
  BOOST_TEST(c.getInt("http.port") == 18080);
  BOOST_TEST(c.getString("log.level") == "debug");
  // Not in the file: defaults.
  BOOST_TEST(c.getString("http.listen") == "127.0.0.1");
  BOOST_TEST(c.getInt("thrift.port") == 9090);
  BOOST_TEST(c.getString("mappings.dir") == "mappings/platforms");
  BOOST_TEST(c.sqlitePath() == "/var/lib/govsync/govsync.db");
  BOOST_TEST(c.isSet("http.port"));
  BOOST_TEST(!c.isSet("http.listen"));
  BOOST_TEST(c.whereIs("http.port") == path + ":10:9");
  BOOST_TEST(c.whereIs("store.backend") == path + ":4:12");
  ::unsetenv("GOVSYNC_TEST_PG_SECRET");
}

BOOST_AUTO_TEST_CASE(the_documented_example_is_valid) {
  const char* source = std::getenv("GOVSYNC_SOURCE_DIR");
  const std::string root =
      source ? std::string(source) : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
  const std::string path = root + "/config/govsync.yaml";
  BOOST_TEST_REQUIRE(std::filesystem::exists(path), path);
  const Config c = Config::load(path);
  const Config defaults;
  // The example documents the defaults: loading it changes nothing.
  for (const char* key : {"data_dir", "store.backend", "store.pool_size", "http.listen", "http.port", "thrift.listen",
                          "thrift.port", "mappings.dir", "mappings.codes_dir", "log.level"})
    BOOST_TEST(c.getString(key) == defaults.getString(key), key);
}

BOOST_AUTO_TEST_CASE(empty_file_means_defaults) {
  Files files;
  const Config c = Config::load(files.write("empty.yaml", "# nothing set\n"));
  BOOST_TEST(c.getInt("http.port") == 8080);
  BOOST_TEST(c.sqlitePath() == "./data/govsync.db");
}

BOOST_AUTO_TEST_CASE(data_dir_override) {
  Files files;
  Config c = Config::load(files.write("a.yaml", "data_dir: /srv/a\n"));
  BOOST_TEST(c.sqlitePath() == "/srv/a/govsync.db");
  c.set("data_dir", "/tmp/override");  // what --data-dir does
  BOOST_TEST(c.getString("data_dir") == "/tmp/override");
  BOOST_TEST(c.sqlitePath() == "/tmp/override/govsync.db");
  BOOST_TEST(c.whereIs("data_dir") == c.source());  // not from the file any more

  // An explicit store.sqlite.path wins over data_dir.
  Config explicitPath = Config::load(files.write("b.yaml", "store:\n  sqlite:\n    path: /db/x.db\n"));
  explicitPath.set("data_dir", "/tmp/override");
  BOOST_TEST(explicitPath.sqlitePath() == "/db/x.db");

  // Overrides are validated like the file.
  try {
    c.set("http.port", "99999");
    BOOST_FAIL("out-of-range override accepted");
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Config));
    BOOST_TEST(contains(e.what(), "http.port"), e.what());
  }
}

// ------------------------------------------------------------- problems

struct Problem {
  const char* label;
  const char* yaml;
  std::vector<std::string> mentions;  ///< each must appear in the message
};

const std::vector<Problem> kProblems = {
    {"unknown top-level key",
     "data_dir: ./d\nstor:\n  backend: sqlite\n",
     {"govsync.yaml:2:1: stor: unknown key", "did you mean 'store'?"}},
    {"unknown nested key",
     "store:\n  backnd: postgres\n",
     {"govsync.yaml:2:3: store.backnd: unknown key", "did you mean 'backend'?", "known here: backend, pool_size"}},
    {"unknown key, nothing close", "telemetry: on\n", {"govsync.yaml:1:1: telemetry: unknown key", "known here:"}},
    {"wrong type: scalar for a section", "http: 8080\n", {"govsync.yaml:1:7: http:", "a section"}},
    {"wrong type: list for an integer", "http:\n  port: [1, 2]\n", {"govsync.yaml:2:9: http.port:", "an integer"}},
    {"wrong type: text for an integer", "http:\n  port: eighty\n", {"govsync.yaml:2:9: http.port:", "'eighty'"}},
    {"wrong type: map for a string", "data_dir:\n  a: b\n", {"govsync.yaml:2:3: data_dir:", "a string"}},
    {"out-of-range int", "http:\n  port: 70000\n", {"govsync.yaml:2:9: http.port:", "between 0 and 65535", "70000"}},
    {"out-of-range pool", "store:\n  pool_size: 0\n", {"govsync.yaml:2:14: store.pool_size:", "between 1 and 256"}},
    {"integer overflow", "store:\n  pool_size: 99999999999999999999\n", {"govsync.yaml:2:14: store.pool_size:"}},
    {"bad enum",
     "log:\n  level: verbose\n",
     {"govsync.yaml:2:10: log.level:", "expected one of error, warning, information, debug", "'verbose'"}},
    {"bad backend", "store:\n  backend: mysql\n", {"govsync.yaml:2:12: store.backend:", "sqlite, postgres"}},
    {"postgres without conninfo",
     "store:\n  backend: postgres\n",
     {"govsync.yaml:2:12: store.postgres.conninfo: required when store.backend is postgres"}},
    {"unset environment variable",
     "store:\n  postgres:\n    password: ${GOVSYNC_TEST_SURELY_UNSET_VAR}\n",
     {"govsync.yaml:3:15: store.postgres.password:", "GOVSYNC_TEST_SURELY_UNSET_VAR is not set"}},
    {"missing value", "http:\n  port:\n  listen: 127.0.0.1\n", {"govsync.yaml:2:3: http.port: a value is required"}},
    {"missing value at the end", "http:\n  port:\n", {"govsync.yaml:2:3: http.port: a value is required"}},
    {"invalid YAML: bad indentation",
     "store:\n  backend: sqlite\n pool_size: 3\n",
     {"govsync.yaml:3:", "not valid YAML"}},
    {"invalid YAML: unclosed list",
     "http:\n  port: [1, 2\nlog:\n  level: debug\n",
     {"govsync.yaml:", "not valid YAML"}},
    {"invalid YAML: tab indentation", "store:\n\tbackend: sqlite\n", {"govsync.yaml:2:", "not valid YAML"}},
    {"not a map at the top", "- a\n- b\n", {"govsync.yaml:1:1:", "a section"}},
};

BOOST_AUTO_TEST_CASE(each_problem_names_file_line_column_and_key) {
  for (const auto& problem : kProblems) BOOST_TEST_CONTEXT(problem.label) {
      Files files;
      const std::string message = loadError(files, problem.yaml);
      BOOST_TEST_MESSAGE(message);
      for (const auto& m : problem.mentions) {
        // "govsync.yaml:..." mentions must appear with the file's full path.
        const std::string expected = m.rfind("govsync.yaml", 0) == 0 ? files.dir() + "/" + m : m;
        BOOST_TEST(contains(message, expected), "'" << expected << "' not in:\n" << message);
      }
      // Every problem names the file with a line number.
      BOOST_TEST(std::regex_search(message, std::regex("/govsync\\.yaml:[1-9][0-9]*:")), message);
    }
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_at_once) {
  Files files;
  const std::string message = loadError(files,
                                        "data_dir: ./data\n"                          // 1
                                        "stor:\n"                                     // 2
                                        "  backend: sqlite\n"                         // 3
                                        "http:\n"                                     // 4
                                        "  port: 70000\n"                             // 5
                                        "  listn: 0.0.0.0\n"                          // 6
                                        "log:\n"                                      // 7
                                        "  level: verbose\n"                          // 8
                                        "thrift:\n"                                   // 9
                                        "  port: ${GOVSYNC_TEST_SURELY_UNSET_VAR}\n"  // 10
  );
  BOOST_TEST_MESSAGE(message);
  const std::string f = files.dir() + "/govsync.yaml";
  BOOST_TEST(contains(message, "has 6 problems"), message);  // port 10: unset and then not an integer
  BOOST_TEST(contains(message, f + ":2:1: stor: unknown key"), message);
  BOOST_TEST(contains(message, f + ":5:9: http.port: must be between 0 and 65535"), message);
  BOOST_TEST(contains(message, f + ":6:3: http.listn: unknown key (did you mean 'listen'?)"), message);
  BOOST_TEST(contains(message, f + ":8:10: log.level: expected one of"), message);
  BOOST_TEST(contains(message, f + ":10:9: thrift.port: environment variable GOVSYNC_TEST_SURELY_UNSET_VAR is not set"),
             message);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_named) {
  Files files;
  const std::string path = files.dir() + "/nope.yaml";
  try {
    Config::load(path);
    BOOST_FAIL("missing file accepted");
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Config));
    BOOST_TEST(contains(e.what(), path), e.what());
  }
  try {
    Config::load(files.dir());  // a folder
    BOOST_FAIL("folder accepted");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), files.dir()), e.what());
  }
}

BOOST_AUTO_TEST_CASE(environment_references_expand) {
  ::setenv("GOVSYNC_TEST_DIR_PART", "srv", 1);
  std::vector<std::string> missing;
  BOOST_TEST(govsync::expandEnvironment("/${GOVSYNC_TEST_DIR_PART}/data", missing) == "/srv/data");
  BOOST_TEST(missing.empty());
  BOOST_TEST(govsync::expandEnvironment("a${GOVSYNC_TEST_SURELY_UNSET_VAR}b${GOVSYNC_TEST_DIR_PART}", missing) ==
             "absrv");
  BOOST_TEST(missing == std::vector<std::string>{"GOVSYNC_TEST_SURELY_UNSET_VAR"}, boost::test_tools::per_element());
  missing.clear();
  BOOST_TEST(govsync::expandEnvironment("$HOME ${unclosed", missing) == "$HOME ${unclosed");
  BOOST_TEST(missing.empty());
  ::unsetenv("GOVSYNC_TEST_DIR_PART");
}

BOOST_AUTO_TEST_SUITE_END()
