// The real `govsync` program (GOVSYNC_CLI), run as a subprocess: help,
// records in and the feed out on a temporary data dir (SQLite), reviews
// stats, configuration errors on stderr. The audit commands are in
// cli_audit_test.cpp.
#include <fcntl.h>
#include <spawn.h>
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

#include "tests/core/cli_test_support.h"

using namespace govsync::clitest;

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
    const std::string id = std::string("R").append(std::to_string(++n));  // (GCC 12: no false -Wrestrict)
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

BOOST_AUTO_TEST_SUITE_END()
