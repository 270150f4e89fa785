// The HTTP gateway with real clients (Poco's HTTPClientSession and curl) on a
// real server (127.0.0.1, port 0) over a SQLite store.
// This part: the OpenAPI document against the router, metrics, the admin
// routes (mappings, dead letters, audit, clients) and `govsync serve` end
// to end.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <set>
#include <string>

#include "core/util/json_writer.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/gateway/http_test_support.h"

using namespace govsync;
using namespace govsync::gwtest;

BOOST_AUTO_TEST_SUITE(gateway_http)

BOOST_AUTO_TEST_CASE(the_openapi_document_lists_exactly_the_routes_served) {
  TestGateway gw;
  auto r = curlRequest(gw.url("/v1/openapi.json"), "GET");
  BOOST_TEST_REQUIRE(r.status == 200, r);
  auto doc = r.json();
  BOOST_TEST(str(doc, "openapi").rfind("3.", 0) == 0);
  std::map<std::string, Poco::JSON::Object::Ptr> documented;
  auto paths = doc->getObject("paths");
  for (const auto& path : paths->getNames())
    for (const auto& method : paths->getObject(path)->getNames()) {
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented[upper + " " + path] = paths->getObject(path)->getObject(method);
    }
  std::set<std::string> served;
  for (const auto& route : gw.http->router().routes()) {
    served.insert(route.label());
    BOOST_TEST_CONTEXT(route.label()) {
      BOOST_TEST_REQUIRE(documented.count(route.label()), "served but not documented");
      auto op = documented[route.label()];
      std::set<std::string> query, path;
      if (op->has("parameters"))
        for (unsigned i = 0; i < op->getArray("parameters")->size(); ++i) {
          auto p = op->getArray("parameters")->getObject(i);
          if (str(p, "in") == "query") query.insert(str(p, "name"));
          if (str(p, "in") == "path") path.insert(str(p, "name"));
        }
      BOOST_TEST((query == std::set<std::string>(route.query.begin(), route.query.end())), "query parameters differ");
      std::set<std::string> patternParams;
      for (size_t at = route.pattern.find('{'); at != std::string::npos; at = route.pattern.find('{', at + 1))
        patternParams.insert(route.pattern.substr(at + 1, route.pattern.find('}', at) - at - 1));
      BOOST_TEST((path == patternParams), "path parameters differ");
      const bool isPublic = op->has("security") && op->getArray("security")->size() == 0;
      BOOST_TEST(isPublic == (route.access == gateway::Route::Access::Public));
      BOOST_TEST(op->has("requestBody") == route.readsBody);
    }
  }
  for (const auto& [label, op] : documented) BOOST_TEST(served.count(label), label << " documented but not served");
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_records_and_the_feed) {
  TestGateway gw;
  auto c = gw.addClient("c", "d", {"push:tiny", "pull:*"});
  BOOST_TEST_REQUIRE(gw.post("/v1/push/tiny", tinyRows(2, "Q"), c.bearer() + kJson).status == 200);
  BOOST_TEST_REQUIRE(gw.get("/v1/records", c.bearer()).status == 200);
  BOOST_TEST_REQUIRE(gw.get("/v1/records?kind=NOPE", c.bearer()).status == 400);
  BOOST_TEST_REQUIRE(gw.get("/nowhere").status == 404);
  auto m = curlRequest(gw.url("/metrics"), "GET");
  BOOST_TEST_REQUIRE(m.status == 200, m);
  BOOST_TEST(contains(m.header("content-type"), "text/plain; version=0.0.4"));
  for (const char* line :
       {"govsync_http_requests_total{route=\"GET /v1/records\",status=\"200\"} 1",
        "govsync_http_requests_total{route=\"GET /v1/records\",status=\"400\"} 1",
        "govsync_http_requests_total{route=\"POST /v1/push/{platform}\",status=\"200\"} 1",
        "govsync_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
        "govsync_http_request_duration_seconds_bucket{route=\"GET /v1/records\",le=\"+Inf\"} 2",
        "govsync_http_request_duration_seconds_count{route=\"GET /v1/records\"} 2", "govsync_records_pushed_total 2",
        "govsync_rows_pushed_total 2", "govsync_records_pulled_total 2", "govsync_feed_head_position 2",
        "# TYPE govsync_http_request_duration_seconds histogram", "# TYPE govsync_connector_rows_total counter"})
    BOOST_TEST(contains(m.body, line), line << " not in\n" << m.body);
}

BOOST_AUTO_TEST_CASE(admin_routes_manage_mappings_dead_letters_audit_and_clients) {
  TestGateway gw;
  auto admin = gw.addClient("admin", "大数据中心", {"admin", "pii", "push:tiny", "pull:*"});
  const auto h = admin.bearer() + kJson;

  auto list = gw.get("/v1/mappings", admin.bearer());
  BOOST_TEST_REQUIRE(list.status == 200, list);
  BOOST_TEST(arraySize(list.json(), "mappings") == 2u);
  auto one = gw.get("/v1/mappings/tiny", admin.bearer());
  BOOST_TEST_REQUIRE(one.status == 200, one);
  BOOST_TEST(str(one.json(), "source") == kTinyMapping);
  const auto version = str(one.json(), "version");
  BOOST_TEST(gw.get("/v1/mappings/nosuch", admin.bearer()).status == 404);

  // A mapping that does not compile is refused with every problem, and the running one stays.
  const std::string broken = std::string(kTinyMapping) + "  titel: title\n  urgency: {from: u, do: [nosuchfn]}\n";
  auto put = pocoRequest(gw.port(), "PUT", "/v1/mappings/tiny", broken,
                         admin.bearer() + Headers{{"Content-Type", "application/yaml"}});
  BOOST_TEST_REQUIRE(put.status == 422, put);
  auto details = put.json()->getArray("details");
  BOOST_TEST(details->size() >= 2u, put);
  BOOST_TEST(contains(put.body, "unknown target field 'titel'"), put);
  BOOST_TEST(contains(str(details->getObject(0), "field"), "tiny.yaml:"), put);
  BOOST_TEST(!contains(put.body, gw.dir.file("maps")), put);  // no server folders
  BOOST_TEST(contains(put.body, "(" + std::to_string(details->size()) + " problems)"), put);
  BOOST_TEST(str(gw.get("/v1/mappings/tiny", admin.bearer()).json(), "version") == version);

  // A dead letter, then the dry run, then the fix, then the replay.
  auto pushed = gw.post("/v1/push/tiny", "[" + tinyRow("D1", ",\"sat\":\"4.5\"") + "]", h);
  BOOST_TEST_REQUIRE(intAt(pushed.json(), "dead_letters") == 1);
  const std::string fixed =
      std::string(kTinyMapping).substr(0, std::string(kTinyMapping).find("  satisfaction")) + "  extensions.sat: sat\n";
  const int64_t head = gw.store->headPosition();
  auto dry = gw.post(
      "/v1/mappings/tiny/test",
      "{\"mapping\":" +
          [&] {
            std::string s;
            appendJsonString(s, fixed);
            return s;
          }() +
          ",\"rows\":[{\"id\":\"T1\",\"sat\":\"4.5\",\"phone\":\"13812341234\"}]}",
      h);
  BOOST_TEST_REQUIRE(dry.status == 200, dry);
  BOOST_TEST(arraySize(dry.json(), "records") == 1u);
  BOOST_TEST(item(dry.json(), "records", 0)->getObject("extensions")->getValue<std::string>("sat") == "4.5");
  BOOST_TEST(str(item(dry.json(), "records", 0), "reporter_phone") == "13812341234");  // the admin holds pii
  auto dryInstalled =
      gw.post("/v1/mappings/tiny/test", "{\"rows\":[{\"id\":\"T1\",\"sat\":\"4.5\"},{\"id\":\"T2\"}]}", h);
  BOOST_TEST_REQUIRE(dryInstalled.status == 200, dryInstalled);
  BOOST_TEST(arraySize(dryInstalled.json(), "records") == 1u);
  BOOST_TEST(str(item(dryInstalled.json(), "results", 0), "function") == "to_int");
  auto dryCsv = gw.post("/v1/mappings/tiny/test", "{\"csv\":\"id,title\\nC1,x\\nC2,y\\n\"}", h);
  BOOST_TEST(arraySize(dryCsv.json(), "records") == 2u, dryCsv);
  BOOST_TEST(gw.post("/v1/mappings/tiny/test", "{}", h).status == 422);
  BOOST_TEST(gw.store->headPosition() == head);  // dry runs commit nothing

  auto install = pocoRequest(
      gw.port(), "PUT", "/v1/mappings/tiny",
      "{\"source\":" +
          [&] {
            std::string s;
            appendJsonString(s, fixed);
            return s;
          }() +
          "}",
      h);
  BOOST_TEST_REQUIRE(install.status == 200, install);
  BOOST_TEST(str(install.json(), "version") != version);
  auto replay = gw.post("/v1/deadletters/replay", "", h);
  BOOST_TEST_REQUIRE(replay.status == 200, replay);
  BOOST_TEST(intAt(replay.json(), "resolved") == 1);
  BOOST_TEST(arraySize(gw.get("/v1/deadletters?resolved=false", admin.bearer()).json(), "dead_letters") == 0u);
  BOOST_TEST(arraySize(gw.get("/v1/deadletters?resolved=true", admin.bearer()).json(), "dead_letters") == 1u);

  // Connectors: none configured here.
  BOOST_TEST(gw.get("/v1/connectors", admin.bearer()).body == "{\"connectors\":[]}");
  BOOST_TEST(gw.post("/v1/connectors/nosuch/run", "", h).status == 404);

  // Clients: create, use, list (no secrets), revoke.
  auto created = gw.post("/v1/clients", R"({"name":"reader","department":"统计局","scopes":["pull:case"]})", h);
  BOOST_TEST_REQUIRE(created.status == 201, created);
  const auto token = str(created.json(), "token"), secret = str(created.json(), "secret");
  const auto keyId = str(created.json(), "key_id");
  BOOST_TEST(str(created.json(), "name") == "reader");
  BOOST_TEST(created.json()->getArray("scopes")->getElement<std::string>(0) == "pull:CASE");
  BOOST_TEST(gw.get("/v1/records", {{"Authorization", "Bearer " + token}}).status == 200);
  auto clients = gw.get("/v1/clients", admin.bearer());
  BOOST_TEST(contains(clients.body, keyId));
  BOOST_TEST(!contains(clients.body, secret));
  BOOST_TEST(gw.post("/v1/clients", R"({"name":"reader","department":"x","scopes":["pull:*"]})", h).status == 409);
  BOOST_TEST(gw.post("/v1/clients", R"({"name":"r2","department":"x","scopes":["root"]})", h).status == 422);
  BOOST_TEST(gw.post("/v1/clients", R"({"name":"r3","department":"x","scopes":"admin"})", h).status == 422);
  BOOST_TEST(pocoRequest(gw.port(), "DELETE", "/v1/clients/" + keyId, "", admin.bearer()).status == 200);
  BOOST_TEST(gw.get("/v1/records", {{"Authorization", "Bearer " + token}}).status == 401);
  BOOST_TEST(pocoRequest(gw.port(), "DELETE", "/v1/clients/" + keyId, "", admin.bearer()).status == 404);

  // The audit log: every action, chained intact.
  auto audit = gw.get("/v1/audit?verify=true&limit=1000", admin.bearer());
  BOOST_TEST_REQUIRE(audit.status == 200, audit);
  BOOST_TEST(audit.json()->getObject("verification")->getValue<bool>("ok"));
  std::set<std::string> actions;
  for (unsigned i = 0; i < audit.json()->getArray("entries")->size(); ++i)
    actions.insert(str(item(audit.json(), "entries", i), "action"));
  for (const char* a :
       {"push", "pull", "admin.mappings.list", "admin.mapping.get", "admin.mapping.put", "admin.mapping.test",
        "admin.deadletters.replay", "admin.deadletters.list", "admin.connectors.list", "admin.client.create",
        "admin.client.revoke", "admin.clients.list", "refused"})
    BOOST_TEST(actions.count(a), a);
}

BOOST_AUTO_TEST_CASE(govsync_serve_runs_the_gateway_end_to_end) {
  const char* cli = std::getenv("GOVSYNC_CLI");
  BOOST_TEST_REQUIRE(cli, "GOVSYNC_CLI is set by ctest");
  TempDir d;
  d.write("maps/tiny.yaml", kTinyMapping);
  d.write("maps/tinyreview.yaml", kTinyReviewMapping);
  fs::create_directories(d.file("codes"));
  // A file connector beside the gateway, so /metrics and /v1/connectors have a connector to show.
  d.write("drop/a.ndjson", tinyRow("F1") + "\n" + tinyRow("F2", ",\"sat\":\"x\"") + "\n");
  const std::string config = d.write(
      "govsync.yaml", "data_dir: " + d.file("data") + "\nmappings:\n  dir: " + d.file("maps") +
                          "\n  codes_dir: " + d.file("codes") +
                          "\nhttp:\n  port: 0\nthrift:\n  port: 0\nreviews:\n  overdue_sweep_seconds: 1\nconnectors:\n "
                          " - name: drop\n    type: file\n" +
                          "    mapping: tiny\n    interval_seconds: 1\n    options:\n      dir: " + d.file("drop") +
                          "\n      pattern: \"*.ndjson\"\n      format: ndjson\n      stable_seconds: 0\n");
  auto add = runProgram({cli, "client", "add", "--config", config, "--name", "e2e", "--department", "水务集团",
                         "--scopes", "push:tiny,push:tinyreview,pull:*,admin"});
  BOOST_TEST_REQUIRE(add.exit == 0, add);
  const auto at = add.out.find("token:");
  BOOST_TEST_REQUIRE(at != std::string::npos, add);
  std::string token = add.out.substr(at + 6, add.out.find('\n', at) - at - 6);
  token.erase(0, token.find_first_not_of(' '));
  BOOST_TEST(((fs::status(d.file("data/master_key")).permissions() & fs::perms::group_all) == fs::perms::none));

  // serve in the background, its output in a file.
  const std::string log = d.file("serve.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {cli, "serve", "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  BOOST_TEST_REQUIRE(posix_spawn(&pid, cli, &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  std::string url;
  for (int i = 0; i < 200 && url.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto out = readFile(log);
    const auto p = out.find("listening on ");
    if (p != std::string::npos) url = out.substr(p + 13, out.find(' ', p + 13) - p - 13);
  }
  BOOST_TEST_REQUIRE(!url.empty(), readFile(log));
  BOOST_TEST(url.rfind("http://127.0.0.1:", 0) == 0, url);
  BOOST_TEST(contains(readFile(log), "thrift:        listening on thrift://127.0.0.1:"), readFile(log));

  const Headers auth = {{"Authorization", "Bearer " + token}};
  auto pushed = curlRequest(url + "/v1/push/tiny", "POST", "[" + tinyRow("E1") + "]", auth + kJson);
  BOOST_TEST(pushed.status == 200, pushed);
  auto pulled = curlRequest(url + "/v1/records", "GET", "", auth);
  BOOST_TEST(pulled.status == 200, pulled);
  BOOST_TEST(contains(pulled.body, "\"source_id\":\"E1\""), pulled);

  // A bad review long past its deadline: serve's overdue sweep gives it a new version.
  auto bad = curlRequest(url + "/v1/push/tinyreview", "POST",
                         R"([{"id":"RV1","level":"1","at":"2026-01-05T02:00:00Z"}])", auth + kJson);
  BOOST_TEST_REQUIRE(bad.status == 200, bad);
  const std::string reviewId = str(item(bad.json(), "results", 0), "record_id");
  std::string review;
  for (int i = 0; i < 100 && !contains(review, "rectify_overdue_at"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    review = curlRequest(url + "/v1/records/" + reviewId, "GET", "", auth).body;
  }
  BOOST_TEST(contains(review, "\"rectify_overdue_at\""), review);
  BOOST_TEST(contains(review, "\"version\":2"), review);
  BOOST_TEST(contains(readFile(log), "1 rectification(s) now overdue"), readFile(log));

  // The connector's figures, from the sync engine.
  std::string metrics;
  for (int i = 0; i < 100 && !contains(metrics, "govsync_connector_rows_total{connector=\"drop\"} 2"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    metrics = curlRequest(url + "/metrics", "GET").body;
  }
  BOOST_TEST(contains(metrics, "govsync_connector_rows_total{connector=\"drop\"} 2"), metrics);
  BOOST_TEST(contains(metrics, "govsync_connector_records_total{connector=\"drop\"} 1"), metrics);
  BOOST_TEST(contains(metrics, "govsync_connector_dead_letters_total{connector=\"drop\"} 1"), metrics);
  BOOST_TEST(contains(metrics, "govsync_connector_up{connector=\"drop\"} 1"), metrics);
  auto connectors = curlRequest(url + "/v1/connectors", "GET", "", auth);
  BOOST_TEST(contains(connectors.body, "\"name\":\"drop\",\"type\":\"file\",\"mapping\":\"tiny\""), connectors);
  BOOST_TEST(curlRequest(url + "/v1/connectors/drop/run", "POST", "", auth).status == 202);

  auto listed = runProgram({cli, "client", "list", "--config", config});
  BOOST_TEST(contains(listed.out, "e2e"), listed);
  auto revoke = runProgram({cli, "client", "revoke", "e2e", "--config", config});
  BOOST_TEST(revoke.exit == 0, revoke);
  BOOST_TEST(curlRequest(url + "/v1/records", "GET", "", auth).status == 401);
  BOOST_TEST(runProgram({cli, "client", "revoke", "e2e", "--config", config}).exit == 1);

  ::kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0, readFile(log));
  BOOST_TEST(contains(readFile(log), "govsync: stopped"), readFile(log));
}

BOOST_AUTO_TEST_CASE(dead_letters_quote_their_value_only_to_pii_holders) {
  TestGateway gw;
  auto withPii = gw.addClient("ops-pii", "大数据中心", {"admin", "pii"});
  auto noPii = gw.addClient("ops", "大数据中心", {"admin"});
  store::CommitBatch batch;
  store::DeadLetter d;
  d.source = "hotline-odbc";
  d.platform = "tiny";
  d.stage = "map";
  d.field = "received_at";
  d.function = "parse_time";
  d.value = "来电 13912345678";
  d.error = "'来电 13912345678' expected a 4-digit year for format YYYYMMDDhhmmss";
  d.raw = "{\"SLSJ\":\"来电 13912345678\"}";
  // A row that could not be read: no value is known, yet the reason quotes the row.
  store::DeadLetter unread = d;
  unread.stage = "decode";
  unread.field = unread.function = unread.value = "";
  unread.error = "invalid literal '张三 13912345678' in line 1";
  batch.deadLetters = {d, unread};
  gw.store->commit(batch);

  auto hidden = gw.get("/v1/deadletters", noPii.bearer());
  BOOST_TEST_REQUIRE(hidden.status == 200, hidden);
  BOOST_TEST(
      str(item(hidden.json(), "dead_letters", 0), "error") == "'***' expected a 4-digit year for format YYYYMMDDhhmmss",
      hidden);
  BOOST_TEST(str(item(hidden.json(), "dead_letters", 1), "error") == "invalid literal '***' in line 1", hidden);
  BOOST_TEST(!contains(hidden.body, "13912345678"), hidden);
  auto shown = gw.get("/v1/deadletters", withPii.bearer());
  BOOST_TEST(str(item(shown.json(), "dead_letters", 0), "error") == d.error, shown);
  BOOST_TEST(str(item(shown.json(), "dead_letters", 0), "value") == d.value, shown);
}

// Nothing is served that could not be audited: while the audit log cannot be
// written (here its key check changed in the database), client requests get
// 503 and /readyz fails; once it can again, they are served.
BOOST_AUTO_TEST_CASE(requests_are_refused_while_the_audit_log_cannot_be_written) {
  TestGateway gw;
  auto c = gw.addClient("c", "水务集团", {"pull:*"});
  BOOST_TEST(gw.get("/v1/records", c.bearer()).status == 200);
  gw.service->flushAudit();
  const std::string db = gw.dir.file("govsync.db");
  const auto keyCheck = runProgram({"sqlite3", db, "SELECT key_check FROM audit_head WHERE id = 1"});
  BOOST_TEST_REQUIRE(keyCheck.exit == 0, keyCheck);
  BOOST_TEST_REQUIRE(runProgram({"sqlite3", db, "UPDATE audit_head SET key_check = 'x' WHERE id = 1"}).exit == 0);
  gw.service->checkAudit("");
  BOOST_TEST(!gw.service->auditFault().empty());
  auto refused = gw.get("/v1/records", c.bearer());
  BOOST_TEST(refused.status == 503, refused);
  BOOST_TEST(refused.header("retry-after") == "30");
  BOOST_TEST(str(refused.json(), "error") == "unavailable", refused);
  BOOST_TEST(gw.get("/readyz").status == 503);
  BOOST_TEST(gw.get("/healthz").status == 200);  // alive, not ready

  std::string check = keyCheck.out;
  check.erase(check.find_last_not_of("\n") + 1);
  BOOST_TEST_REQUIRE(
      runProgram({"sqlite3", db, "UPDATE audit_head SET key_check = '" + check + "' WHERE id = 1"}).exit == 0);
  gw.service->checkAudit("");
  BOOST_TEST(gw.service->auditFault().empty());
  BOOST_TEST(gw.get("/v1/records", c.bearer()).status == 200);
  BOOST_TEST(gw.get("/readyz").status == 200);
  // And an anchor problem found by serve's check refuses likewise.
  gw.service->checkAudit("the audit log was keyed from entry 1, but the database now says it was never keyed");
  BOOST_TEST(gw.get("/v1/records", c.bearer()).status == 503);
  gw.service->checkAudit("");
  BOOST_TEST(gw.get("/v1/records", c.bearer()).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
