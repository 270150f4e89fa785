// The http connector against a real legacy API (tests/connectors/
// http_test_server.h): each pagination style, incremental since with
// overlap, every auth style verified by the server, 503 + Retry-After then
// success, 500 forever, a slow response, garbage and truncated bodies, one bad
// record among good ones, XML and GBK bodies, and HTTPS with a CA made by
// openssl in the test (the right CA passes; a wrong CA or a wrong name fails).
// Also end to end on a SQLite store: 好差评 evaluations pulled from a
// provincial interface through the window_review mapping, with the overlap
// window re-read on every pass and a bad evaluation one dead letter.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "connectors/connector.h"
#include "connectors/sync/sync_engine.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "mappings/engine/mapping_set.h"
#include "tests/connectors/http_test_certs.h"
#include "tests/connectors/http_test_server.h"

using namespace govsync;
using namespace govsync::connectors;
using govsync::test::LegacyApi;
using govsync::test::Rec;
using govsync::test::Review;

namespace {

std::unique_ptr<Connector> connector(const std::string& yaml) {
  static ConnectorRegistry registry = [] {
    ConnectorRegistry r;
    registerHttpConnector(r);
    return r;
  }();
  const auto& type = registry.get("http");
  ConnectorContext ctx{"api", Config::validate(type.options, YAML::Load(yaml), "test.yaml", "connectors[0].options"),
                       "/tmp"};
  return type.create(ctx);
}

std::string cell(const RowBatch& b, size_t row, const std::string& column) {
  const auto& r = b.row(row);
  const auto* cells = b.cells(r);
  for (uint32_t i = 0; i < r.cellCount; ++i) {
    if (b.columns()[cells[i].column] != column) continue;
    if (cells[i].flags & RowBatch::kNull) return "<null>";
    if (cells[i].flags & RowBatch::kList) {
      std::string out;
      b.forEachListItem(cells[i], [&](std::string_view item) {
        if (!out.empty()) out += '|';
        out += item;
      });
      return "[" + out + "]";
    }
    return std::string(b.bytes(cells[i]));
  }
  return "<missing>";
}

std::vector<std::string> ids(const RowBatch& b) {
  std::vector<std::string> out;
  for (size_t i = 0; i < b.size(); ++i) out.push_back(cell(b, i, "id"));
  return out;
}

std::vector<std::string> range(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
  return out;
}

// Fetches until a run ends; the ids of all rows, in order.
std::vector<std::string> drain(Connector& c, std::string& cp, size_t maxRows = 1000) {
  std::vector<std::string> all;
  for (int guard = 0; guard < 100; ++guard) {
    auto r = c.fetch(cp, maxRows);
    for (auto& id : ids(r.rows)) all.push_back(id);
    cp = r.checkpoint;
    if (!r.more) break;
  }
  return all;
}

template <typename Fn>
Error errorOf(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("no error was thrown");
  return Error::internal("unreachable");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
std::string code(const Error& e) { return std::string(errorCodeName(e.code())); }

}  // namespace

BOOST_AUTO_TEST_SUITE(http_connector)

BOOST_AUTO_TEST_CASE(page_pagination_reads_every_record_with_its_bytes) {
  LegacyApi api;
  auto c =
      connector("url: " + api.base() +
                "/page\npagination: page\npage_size: 10\nrecords_path: data.list\n"
                "success_path: code\nsuccess_values: ['0']\nheaders: ['X-Dept: 211100', 'X-Caller: govsync 盘锦']\n");
  auto r = c->fetch("", 1000);
  BOOST_TEST(ids(r.rows) == range(1, 25), boost::test_tools::per_element());
  BOOST_TEST(!r.more);
  BOOST_TEST(r.errors.empty());
  BOOST_TEST(r.rows.utf8());
  BOOST_TEST(cell(r.rows, 2, "title") == "工单3");
  BOOST_TEST(cell(r.rows, 2, "loc.lng") == "122.03");
  BOOST_TEST(cell(r.rows, 2, "tags") == "[a|b]");
  BOOST_TEST(std::string(r.rows.raw(r.rows.row(2))) == Rec::make(3).json());
  BOOST_TEST(r.rows.row(24).number == 25u);
  const auto seen = api.seen("/page");
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);  // 10 + 10 + 5: the short page is the last
  BOOST_TEST(seen[2].query == "page=3&page_size=10");
  BOOST_TEST(seen[0].headers.at("user-agent") == "govsync-http-connector");
  BOOST_TEST(seen[0].headers.at("x-dept") == "211100");
  BOOST_TEST(seen[0].headers.at("x-caller") == "govsync 盘锦");

  // At most max_pages_per_fetch requests per fetch: then the batch commits.
  auto onePage = connector("url: " + api.base() +
                           "/page\npagination: page\npage_size: 10\nrecords_path: data.list\nmax_pages_per_fetch: 1\n");
  auto first = onePage->fetch("", 1000);
  BOOST_TEST(ids(first.rows) == range(1, 10), boost::test_tools::per_element());
  BOOST_TEST(first.more);
  BOOST_TEST(ids(onePage->fetch(first.checkpoint, 1000).rows) == range(11, 20), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(batches_end_inside_pages_and_resume_after_a_crash) {
  LegacyApi api;
  const std::string yaml = "url: " + api.base() + "/page\npagination: page\npage_size: 10\nrecords_path: data.list\n";
  auto c = connector(yaml);
  auto r1 = c->fetch("", 7);
  BOOST_TEST(ids(r1.rows) == range(1, 7), boost::test_tools::per_element());
  BOOST_TEST(r1.more);
  auto lost = c->fetch(r1.checkpoint, 7);  // never committed
  BOOST_TEST(ids(lost.rows) == range(8, 14), boost::test_tools::per_element());
  BOOST_TEST(api.seen("/page").size() == 2u);  // page 1 once (kept for the second batch), then page 2

  // A restarted connector from the committed checkpoint: the same rows, numbers and bytes.
  auto again = connector(yaml)->fetch(r1.checkpoint, 7);
  BOOST_TEST(ids(again.rows) == ids(lost.rows), boost::test_tools::per_element());
  for (size_t i = 0; i < again.rows.size(); ++i) {
    BOOST_TEST(again.rows.row(i).number == lost.rows.row(i).number);
    BOOST_TEST(again.rows.raw(again.rows.row(i)) == lost.rows.raw(lost.rows.row(i)));
  }
  std::string cp = again.checkpoint;
  const auto rest = drain(*c, cp, 7);
  BOOST_TEST(rest == range(15, 25), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pages_read_before_a_failing_page_are_kept) {
  LegacyApi api;
  api.failPage = 3;
  auto c = connector("url: " + api.base() +
                     "/page\npagination: page\npage_size: 10\nrecords_path: data.list\nmax_retries: 0\n");
  auto r = c->fetch("", 1000);
  BOOST_TEST(ids(r.rows) == range(1, 20), boost::test_tools::per_element());
  BOOST_TEST(r.more);
  const auto e = errorOf([&] { c->fetch(r.checkpoint, 1000); });
  BOOST_TEST(contains(e.what(), "/page?page=3&page_size=10: HTTP 500"), e.what());
  api.failPage = 0;
  BOOST_TEST(ids(c->fetch(r.checkpoint, 1000).rows) == range(21, 25), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(offset_pagination_until_an_empty_page) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/offset\npagination: offset\npage_size: 10\nrecords_path: items\nstop_on_short_page: false\n");
  std::string cp;
  BOOST_TEST(drain(*c, cp) == range(1, 25), boost::test_tools::per_element());
  std::vector<std::string> offsets;
  for (const auto& s : api.seen("/offset")) offsets.push_back(s.param("offset") + "/" + s.param("limit"));
  BOOST_TEST(offsets == (std::vector<std::string>{"0/10", "10/10", "20/10", "25/10"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cursor_pagination_keeps_its_place_between_runs) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/cursor\npagination: cursor\ncursor_param: cursor\nsize_param: limit\npage_size: 10\n"
                     "records_path: data\nnext_cursor_path: paging.next_cursor\n");
  std::string cp;
  BOOST_TEST(drain(*c, cp) == range(1, 25), boost::test_tools::per_element());
  // Caught up: the API gave the same cursor with no data; the next run asks from there.
  BOOST_TEST(contains(cp, "\"cursor\":\"c25\""), cp);
  api.add(Rec::make(26));
  api.add(Rec::make(27));
  BOOST_TEST(drain(*c, cp) == range(26, 27), boost::test_tools::per_element());
  BOOST_TEST(api.seen("/cursor").back().param("cursor") == "c27");
}

BOOST_AUTO_TEST_CASE(next_links_from_the_link_header_or_the_body) {
  LegacyApi api;
  auto header = connector("url: " + api.base() + "/link\npagination: next_link\n");
  std::string cp;
  BOOST_TEST(drain(*header, cp) == range(1, 25), boost::test_tools::per_element());
  BOOST_TEST(api.seen("/link").back().query == "p=3");

  auto body = connector("url: " + api.base() + "/link-body\npagination: next_link\nrecords_path: records\n" +
                        "next_link_path: links.next\n");
  cp.clear();
  BOOST_TEST(drain(*body, cp) == range(1, 25), boost::test_tools::per_element());

  // A next link to another host is refused: the credentials would go there.
  auto evil = connector("url: " + api.base() + "/evil-link\npagination: next_link\nrecords_path: records\n" +
                        "next_link_path: links.next\nauth: bearer\ntoken: tok-123\n");
  const auto e = errorOf([&] { evil->fetch("", 10); });
  BOOST_TEST(code(e) == "config");
  BOOST_TEST(contains(e.what(), "points to another address"), e.what());
}

BOOST_AUTO_TEST_CASE(incremental_since_with_overlap_in_the_sources_own_format) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/since\npagination: page\npage_size: 10\nrecords_path: data.list\n"
                     "since_param: updated_since\nsince_field: updated_at\nsince_overlap_seconds: 60\n");
  std::string cp;
  BOOST_TEST(drain(*c, cp).size() == 25u);
  BOOST_TEST(api.seen("/since").front().param("updated_since").empty());  // the first run: everything
  BOOST_TEST(contains(cp, "\"since\":\"2024-05-01 10:25:00\""), cp);

  // The next run asks from the maximum minus the overlap, written like the source writes it. Records 24
  // and 25 come again, unchanged: the overlap window in the checkpoint recognises them.
  BOOST_TEST(drain(*c, cp).empty());
  BOOST_TEST(api.seen("/since").back().param("updated_since") == "2024-05-01 10:24:00");
  BOOST_TEST(contains(cp, "\"window\":[[\"2024-05-01 10:24:00\","), cp);

  // A late record with microseconds; one whose update time is unreadable is a dead letter alone.
  Rec late = Rec::make(26);
  late.updated = "2024-05-01 10:40:00.123456";
  api.add(late);
  Rec bad = Rec::make(27);
  bad.updated = "2024-05-01 9:61";
  api.add(bad);
  auto r = c->fetch(cp, 1000);
  BOOST_TEST(ids(r.rows) == (std::vector<std::string>{"26"}), boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(r.errors.size(), 1u);
  BOOST_TEST(contains(r.errors[0].message, "since_field updated_at is '2024-05-01 9:61'"), r.errors[0].message);
  BOOST_TEST(r.errors[0].raw == bad.json());
  BOOST_TEST(contains(r.checkpoint, "\"since\":\"2024-05-01 10:40:00.123456\""), r.checkpoint);
  // Re-read again: the late record and the bad one (whose time is unreadable, so the source keeps
  // sending it) are the same bytes: no row, no second error.
  r = c->fetch(r.checkpoint, 1000);
  BOOST_TEST(api.seen("/since").back().param("updated_since") == "2024-05-01 10:39:00.123456");
  BOOST_TEST(r.rows.size() == 0u);
  BOOST_TEST(r.errors.size() == 0u);
  // A record changed at the source inside the window is new work again.
  late.title = "工单26（已派单）";
  api.update(late);
  r = c->fetch(r.checkpoint, 1000);
  BOOST_TEST(ids(r.rows) == (std::vector<std::string>{"26"}), boost::test_tools::per_element());
  BOOST_TEST(cell(r.rows, 0, "title") == "工单26（已派单）");
  BOOST_TEST(r.errors.size() == 0u);
  // Once the source moves on by more than the overlap, what fell out of the window is forgotten.
  Rec later = Rec::make(28);
  later.updated = "2024-05-01 11:00:00";
  api.add(later);
  r = c->fetch(r.checkpoint, 1000);
  BOOST_TEST(ids(r.rows) == (std::vector<std::string>{"28"}), boost::test_tools::per_element());
  BOOST_TEST(r.errors.size() == 0u);  // the bad record: known while the source still sends it
  BOOST_TEST(!contains(r.checkpoint, "10:40:00.123456\",["), r.checkpoint);
}

// Issue 6: reviews arriving from a provincial 好差评 interface over HTTP.
BOOST_AUTO_TEST_CASE(hcp_reviews_over_http_become_review_records_and_a_bad_one_one_dead_letter) {
  namespace fs = std::filesystem;
  struct Dir {
    fs::path path = fs::temp_directory_path() / ("govsync-http-hcp-" + std::to_string(::getpid()));
    Dir() {
      fs::remove_all(path);
      fs::create_directories(path);
    }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } dir;
  LegacyApi api;
  // The interface scheme: 5 = 非常满意 … 1 = 非常不满意; the sixth (7) is no level of it.
  const std::vector<std::string> satisfaction = {"5", "4", "3", "2", "1", "7", "5", "3", "1", "4"};
  for (int i = 1; i <= 10; ++i) api.put(Review::make(i, satisfaction[static_cast<size_t>(i - 1)]));

  auto store = store::openStore({"sqlite", (dir.path / "g.db").string(), "", "", 2});
  const char* source = std::getenv("GOVSYNC_SOURCE_DIR");
  const char* salt = std::getenv("GOVSYNC_HMAC_SALT");
  BOOST_REQUIRE(source && salt);
  mapping::MappingSet maps(std::string(source) + "/mappings/platforms", std::string(source) + "/mappings/codes", salt);
  maps.loadAll();
  BOOST_REQUIRE(maps.get("window_review"));
  ConnectorRegistry registry;
  registerHttpConnector(registry);
  ConnectorConfig config;
  config.name = "hcp-reviews";
  config.type = "http";
  config.mapping = "window_review";
  config.batchRows = 4;  // batches end inside pages too
  config.where = "test.yaml:1:1";
  config.options = YAML::Load("{url: '" + api.base() +
                              "/reviews', records_path: data.list, success_path: code, success_values: ['0'], "
                              "message_path: msg, pagination: page, page_param: pageNo, size_param: pageSize, "
                              "page_size: 3, since_param: updateTimeStart, since_field: updateTime, "
                              "since_overlap_seconds: 600}");
  SyncOptions options;
  options.stateDir = (dir.path / "state").string();
  SyncEngine engine(*store, maps, registry, {config}, options);

  auto levels = [&] {
    std::map<std::string, int> out;  // review_id → level
    for (const auto& e : store->readFeed({0, 100, {}}).entries) {
      BOOST_TEST(static_cast<int>(e.kind) == static_cast<int>(schema::RecordKind::REVIEW));
      BOOST_TEST(e.department == "盘锦市市场监督管理局");
      const auto stored = store->getRecord(e.recordId);
      BOOST_REQUIRE(stored);
      out[stored->record.review.review_id] = stored->record.review.level;
    }
    return out;
  };
  auto id = [](int i) { return Review::make(i, "").projectNo() + "-1"; };
  store::DeadLetterQuery all;
  all.source = "hcp-reviews";

  const auto first = engine.runOnce("hcp-reviews");
  BOOST_TEST(first.rows == 10u);
  BOOST_TEST(first.records == 9u);
  BOOST_TEST(first.deadLetters == 1u);
  auto got = levels();
  BOOST_TEST(got.size() == 9u);
  for (int i = 1; i <= 10; ++i)
    if (i != 6) BOOST_TEST(got[id(i)] == std::stoi(satisfaction[static_cast<size_t>(i - 1)]), id(i));
  BOOST_TEST(!got.count(id(6)));
  auto dead = store->listDeadLetters(all);
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].stage == "map");
  BOOST_TEST(dead[0].field == "level");
  BOOST_TEST(dead[0].value == "7");
  BOOST_TEST(contains(dead[0].raw, Review::make(6, "").projectNo()), dead[0].raw);
  const int64_t head = store->headPosition();

  // Each later pass asks again from the newest update time minus 10 minutes: every evaluation, the bad
  // one included, comes again unchanged — no new work, no second dead letter.
  for (int pass = 0; pass < 3; ++pass) {
    const auto again = engine.runOnce("hcp-reviews");
    BOOST_TEST(again.rows == 0u);
    BOOST_TEST(again.records == 0u);
    BOOST_TEST(again.deadLetters == 0u);
  }
  BOOST_TEST(api.seen("/reviews").back().param("updateTimeStart") == "2026-10-01 13:00:00");
  BOOST_TEST(store->listDeadLetters(all).size() == 1u);
  BOOST_TEST(store->headPosition() == head);
  const auto totals = engine.status().at(0).totals;  // what the connector metrics show
  BOOST_TEST(totals.rows == 10u);
  BOOST_TEST(totals.records == 9u);
  BOOST_TEST(totals.deadLetters == 1u);

  // At the source the bad evaluation is corrected (with a new update time) and a late one arrives:
  // each is work once.
  Review corrected = Review::make(6, "2");
  corrected.updated = "2026-10-01 13:12:00";
  api.put(corrected);
  api.put(Review::make(11, "5"));
  auto next = engine.runOnce("hcp-reviews");
  BOOST_TEST(next.rows == 2u);
  BOOST_TEST(next.records == 2u);
  BOOST_TEST(next.deadLetters == 0u);
  got = levels();
  BOOST_TEST(got.size() == 11u);
  BOOST_TEST(got[id(6)] == 2);
  BOOST_TEST(got[id(11)] == 5);
  next = engine.runOnce("hcp-reviews");
  BOOST_TEST(next.rows == 0u);
  BOOST_TEST(store->listDeadLetters(all).size() == 1u);  // the first one, open for replay or review
}

BOOST_AUTO_TEST_CASE(every_auth_style_is_verified_by_the_server) {
  LegacyApi api;
  const std::string base = "url: " + api.base();
  auto ok = [&](const std::string& yaml) {
    auto r = connector(yaml)->fetch("", 10);
    BOOST_TEST(r.rows.size() == 1u, yaml);
  };
  ok(base + "/auth/basic\nrecords_path: data\nauth: basic\nusername: clerk\npassword: s3cret-密码\n");
  ok(base + "/auth/bearer\nrecords_path: data\nauth: bearer\ntoken: tok-123\n");
  ok(base + "/auth/apikey\nrecords_path: data\nauth: api_key\napi_key_header: X-App-Key\napi_key: k-456\n");
  const std::string hmac = base +
                           "/auth/hmac?region=211103&q=a%20b\nrecords_path: data\nauth: hmac\nhmac_key_id: dept-7\n"
                           "pagination: page\npage_size: 5\n";
  ok(hmac + "hmac_secret: hmac-secret-789\n");
  // POST: the body's SHA-256 is signed too.
  ok(hmac + "hmac_secret: hmac-secret-789\nmethod: POST\nparams_in: query\nbody: '{\"filter\":\"盘锦\"}'\n");
  // Alibaba-style headers, HMAC-SHA1, base64, milliseconds, other fields.
  ok(base +
     "/auth/hmac-sha1\nrecords_path: data\nauth: hmac\nhmac_key_id: dept-7\nhmac_secret: hmac-secret-789\n"
     "hmac_digest: sha1\nhmac_encoding: base64\nhmac_timestamp_unit: ms\nhmac_key_id_header: X-Ca-Key\n"
     "hmac_timestamp_header: X-Ca-Timestamp\nhmac_nonce_header: X-Ca-Nonce\nhmac_signature_header: X-Ca-Signature\n"
     "hmac_signed_fields: [key_id, timestamp, nonce, method, path]\n");

  // Wrong credentials: a configuration problem, not retried.
  for (const std::string& yaml :
       {base + "/auth/basic\nrecords_path: data\nauth: basic\nusername: clerk\npassword: wrong\n",
        base + "/auth/bearer\nrecords_path: data\nauth: bearer\ntoken: nope\n",
        hmac + "hmac_secret: not-the-secret\n"}) {
    const auto before = api.seen("/auth").size();
    const auto e = errorOf([&] { connector(yaml)->fetch("", 10); });
    BOOST_TEST(code(e) == "config");
    BOOST_TEST(contains(e.what(), "credentials rejected (HTTP 401"), e.what());
    BOOST_TEST(!contains(e.what(), "wrong"));  // no secret in the message
    BOOST_TEST(api.seen("/auth").size() == before + 1);
  }

  // The server's replay protection is real: the same signed request twice is refused.
  const auto signedOnce = api.seen("/auth/hmac").front();
  Poco::Net::HTTPClientSession session("127.0.0.1", api.port());
  Poco::Net::HTTPRequest replay("GET", signedOnce.path + "?" + signedOnce.query, "HTTP/1.1");
  for (const auto& [k, v] : signedOnce.headers) replay.set(k, v);
  session.sendRequest(replay);
  Poco::Net::HTTPResponse response;
  session.receiveResponse(response);
  BOOST_TEST(static_cast<int>(response.getStatus()) == 401);
}

BOOST_AUTO_TEST_CASE(service_unavailable_with_retry_after_then_success) {
  LegacyApi api;
  auto c = connector("url: " + api.base() + "/flaky\nrecords_path: data\nmax_retries: 3\nretry_backoff_ms: 10\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c->fetch("", 10);
  BOOST_TEST(r.rows.size() == 2u);
  const auto seen = api.seen("/flaky");
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);
  for (size_t i = 1; i < seen.size(); ++i)  // each wait honours Retry-After: 1 (not the 10 ms backoff)
    BOOST_TEST(std::chrono::duration<double>(seen[i].at - seen[i - 1].at).count() >= 0.95);
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5);

  // Retry-After as an HTTP date, measured against the server's Date header.
  api.failuresBeforeSuccess = 1;
  api.retryAfterAsDate = true;
  api.retryAfterSeconds = 2;
  r = c->fetch("", 10);
  BOOST_TEST(r.rows.size() == 2u);
  const auto dated = api.seen("/flaky");
  BOOST_TEST(std::chrono::duration<double>(dated[4].at - dated[3].at).count() >= 0.9);

  // A Retry-After beyond max_retry_after_seconds ends the fetch at once (retryable).
  api.failuresBeforeSuccess = 1;
  api.retryAfterAsDate = false;
  api.retryAfterSeconds = 3600;
  const auto e = errorOf([&] { c->fetch("", 10); });
  BOOST_TEST(code(e) == "unavailable");
  BOOST_TEST(e.retryable());
  BOOST_TEST(contains(e.what(), "Retry-After 3600 s"), e.what());
}

BOOST_AUTO_TEST_CASE(server_errors_after_the_retries_are_unavailable) {
  LegacyApi api;
  auto c = connector("url: " + api.base() + "/down\nrecords_path: data\nmax_retries: 2\nretry_backoff_ms: 20\n");
  const auto e = errorOf([&] { c->fetch("", 10); });
  BOOST_TEST(code(e) == "unavailable");
  BOOST_TEST(e.retryable());
  BOOST_TEST(contains(e.what(), "GET " + api.base() + "/down: HTTP 500"), e.what());
  BOOST_TEST(contains(e.what(), "3 attempts"), e.what());
  BOOST_TEST(api.seen("/down").size() == 3u);

  // Nothing listening: refused connections are retried, then Unavailable.
  Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
  const auto port = closed.address().port();
  closed.close();
  const auto refused = errorOf([&] {
    connector("url: http://127.0.0.1:" + std::to_string(port) + "/x\nmax_retries: 1\nretry_backoff_ms: 10\n")
        ->fetch("", 10);
  });
  BOOST_TEST(code(refused) == "unavailable");
  BOOST_TEST(contains(refused.what(), "connection refused"), refused.what());
}

BOOST_AUTO_TEST_CASE(a_response_slower_than_the_timeout) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/slow\nrecords_path: data\ntimeout_seconds: 1\nmax_retries: 1\nretry_backoff_ms: 10\n");
  const auto t0 = std::chrono::steady_clock::now();
  const auto e = errorOf([&] { c->fetch("", 10); });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(code(e) == "unavailable");
  BOOST_TEST(contains(e.what(), "no response within 1 s"), e.what());
  BOOST_TEST(api.seen("/slow").size() == 2u);
  BOOST_TEST(took >= 1.9);
  BOOST_TEST(took < 5);
}

BOOST_AUTO_TEST_CASE(garbage_and_truncated_bodies_fail_the_fetch_naming_the_url) {
  LegacyApi api;
  auto garbage = errorOf([&] { connector("url: " + api.base() + "/garbage\nrecords_path: data\n")->fetch("", 10); });
  BOOST_TEST(contains(garbage.what(), api.base() + "/garbage: the response is not valid JSON"), garbage.what());
  BOOST_TEST(contains(garbage.what(), "<html><body><h1>502"), garbage.what());

  auto cut = errorOf([&] { connector("url: " + api.base() + "/cut-json\nrecords_path: data\n")->fetch("", 10); });
  BOOST_TEST(contains(cut.what(), "unexpected end of input"), cut.what());
  BOOST_TEST(contains(cut.what(), "truncated?"), cut.what());

  // Content-Length 500, 100 bytes sent, connection closed: retried, then Unavailable.
  auto truncated = errorOf([&] {
    connector("url: " + api.base() + "/truncated\nrecords_path: data\nmax_retries: 1\nretry_backoff_ms: 10\n")
        ->fetch("", 10);
  });
  BOOST_TEST_MESSAGE("garbage: " << garbage.what() << "\ntruncated: " << truncated.what());
  BOOST_TEST(code(truncated) == "unavailable");
  BOOST_TEST(contains(truncated.what(), "/truncated: truncated body: received 100 of 500 bytes"), truncated.what());
  BOOST_TEST(api.seen("/truncated").size() == 2u);

  // "No content": no records, not an error.
  BOOST_TEST(connector("url: " + api.base() + "/empty?status=204\nrecords_path: data\n")->fetch("", 10).rows.empty());
  BOOST_TEST(connector("url: " + api.base() + "/empty\nrecords_path: data\n")->fetch("", 10).rows.empty());

  // An API that says 200 but reports an error in its envelope.
  auto envelope = errorOf([&] {
    connector("url: " + api.base() +
              "/envelope-error\nrecords_path: data\nsuccess_path: code\nsuccess_values: ['0', '200']\n"
              "message_path: msg\n")
        ->fetch("", 10);
  });
  BOOST_TEST(code(envelope) == "unavailable");
  BOOST_TEST(contains(envelope.what(), "the API answered code = '500' (系统繁忙)"), envelope.what());
}

BOOST_AUTO_TEST_CASE(one_malformed_record_among_good_ones_is_a_dead_letter_alone) {
  LegacyApi api;
  auto r = connector("url: " + api.base() + "/bad-record\nrecords_path: data\n")->fetch("", 10);
  BOOST_TEST(ids(r.rows) == (std::vector<std::string>{"1", "4"}), boost::test_tools::per_element());
  BOOST_TEST(r.rows.row(1).number == 4u);
  BOOST_REQUIRE_EQUAL(r.errors.size(), 2u);
  BOOST_TEST(r.errors[0].rowNumber == 2u);
  BOOST_TEST(r.errors[0].raw == "\"oops\"");
  BOOST_TEST(contains(r.errors[0].message, "expected a JSON object"), r.errors[0].message);
  BOOST_TEST(r.errors[1].rowNumber == 3u);
  BOOST_TEST(contains(r.errors[1].message, "invalid UTF-8"), r.errors[1].message);
}

BOOST_AUTO_TEST_CASE(xml_bodies_in_gbk_become_rows) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/xml\nformat: xml\nrecords_path: Response/Records/Record\npagination: cursor\n"
                     "cursor_param: page\nnext_cursor_path: Response/Paging/Next\nsuccess_path: Response/Code\n"
                     "success_values: ['0']\n");
  auto r = c->fetch("", 100);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 3u);
  BOOST_TEST(r.rows.rawFormat() == "xml");
  BOOST_TEST(cell(r.rows, 0, "id") == "1");
  BOOST_TEST(cell(r.rows, 0, "type") == "hotline");
  BOOST_TEST(cell(r.rows, 0, "Title") == "漏水 & 停水");
  BOOST_TEST(cell(r.rows, 0, "Addr") == "兴隆台区");
  BOOST_TEST(cell(r.rows, 0, "Addr.code") == "211103");
  BOOST_TEST(cell(r.rows, 0, "Loc.Lng") == "122.07");
  BOOST_TEST(cell(r.rows, 0, "Tag") == "[a|b]");
  BOOST_TEST(cell(r.rows, 0, "Note") == "<null>");
  BOOST_TEST(std::string(r.rows.raw(r.rows.row(0))) == govsync::test::kXmlRecord1);
  BOOST_TEST(cell(r.rows, 2, "Title") == "<b>井盖</b>缺失");
  BOOST_TEST(r.rows.row(2).number == 3u);
  BOOST_TEST(api.seen("/xml").back().param("page") == "2");

  auto doctype = errorOf([&] {
    connector("url: " + api.base() + "/doctype\nformat: xml\nrecords_path: Response/Records/Record\n")->fetch("", 10);
  });
  BOOST_TEST(contains(doctype.what(), "DOCTYPE"), doctype.what());
}

BOOST_AUTO_TEST_CASE(a_gbk_json_body_is_decoded_from_its_declared_charset) {
  LegacyApi api;
  auto r = connector("url: " + api.base() + "/gbk-json\nrecords_path: data\n")->fetch("", 10);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  BOOST_TEST(cell(r.rows, 0, "title") == "盘锦市兴隆台区");
}

BOOST_AUTO_TEST_CASE(post_apis_get_paging_in_a_json_body) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/post\nmethod: POST\nbody: '{\"token\": \"fixed\"}'\npagination: page\npage_param: pageNo\n"
                     "size_param: pageSize\npage_size: 10\nrecords_path: rows\n");
  std::string cp;
  BOOST_TEST(drain(*c, cp) == range(1, 25), boost::test_tools::per_element());
  BOOST_TEST(api.seen("/post").back().body == "{\"token\": \"fixed\",\"pageNo\":3,\"pageSize\":10}");
}

BOOST_AUTO_TEST_CASE(https_verifies_the_server_against_the_configured_ca) {
  govsync::test::TestCertificates certs;
  LegacyApi api(certs.path("server.crt"), certs.path("server.key"));
  const std::string base = "url: " + api.base() + "/page\nrecords_path: data.list\nmax_retries: 0\n";
  auto r = connector(base + "ca_file: " + certs.path("ca.crt") + "\n")->fetch("", 100);
  BOOST_TEST(r.rows.size() == 10u);

  // By name too: the certificate's DNS name.
  auto byName = connector("url: https://localhost:" + std::to_string(api.port()) +
                          "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n");
  BOOST_TEST(byName->fetch("", 100).rows.size() == 10u);

  auto wrongCa = errorOf([&] { connector(base + "ca_file: " + certs.path("wrong-ca.crt") + "\n")->fetch("", 10); });
  BOOST_TEST_MESSAGE("wrong CA: " << wrongCa.what());
  BOOST_TEST(code(wrongCa) == "config");
  BOOST_TEST(contains(wrongCa.what(), "certificate"), wrongCa.what());

  // The system's CAs do not know the private CA.
  auto systemCas = errorOf([&] { connector(base)->fetch("", 10); });
  BOOST_TEST(code(systemCas) == "config");

  // Signed by the right CA for another name: refused, even on loopback.
  LegacyApi otherName(certs.path("other-name.crt"), certs.path("other-name.key"));
  auto name = errorOf([&] {
    connector("url: " + otherName.base() +
              "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n")
        ->fetch("", 10);
  });
  BOOST_TEST_MESSAGE("wrong name: " << name.what());
  BOOST_TEST(code(name) == "config");
  BOOST_TEST(contains(name.what(), "127.0.0.1"), name.what());
  auto otherByName = errorOf([&] {
    connector("url: https://localhost:" + std::to_string(otherName.port()) +
              "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n")
        ->fetch("", 10);
  });
  BOOST_TEST(contains(otherByName.what(), "hostname mismatch"), otherByName.what());
  BOOST_TEST(otherName.seen().empty());  // no request was sent

  // A source stuck on TLS 1.1: refused, whatever its certificate.
  LegacyApi oldTls(certs.path("server.crt"), certs.path("server.key"), true);
  auto tls11 = errorOf([&] {
    connector("url: " + oldTls.base() +
              "/page\nrecords_path: data.list\nmax_retries: 0\nca_file: " + certs.path("ca.crt") + "\n")
        ->fetch("", 10);
  });
  BOOST_TEST_MESSAGE("TLS 1.1 server: " << tls11.what());
  BOOST_TEST(code(tls11) == "config");
  BOOST_TEST(contains(tls11.what(), "does not offer TLS 1.2 or later"), tls11.what());
  BOOST_TEST(oldTls.seen().empty());
}

BOOST_AUTO_TEST_CASE(options_are_checked_and_secrets_stay_out_of_descriptions) {
  const auto e = errorOf([] {
    connector(
        "url: http://user:pw@example.org/x\npagination: cursor\nverify_certificate: false\nauth: hmac\n"
        "hmac_key_id: k\nhmac_signed_fields: [method, date]\nformat: xml\n");
  });
  const std::string m = e.what();
  BOOST_TEST(code(e) == "config");
  for (const char* part : {"url: must not carry credentials", "next_cursor_path: required for cursor pagination",
                           "verify_certificate: false is not supported", "hmac_secret: required for auth: hmac",
                           "hmac_signed_fields: unknown field 'date'", "records_path: required for xml", "test.yaml:"})
    BOOST_TEST(contains(m, part), m);
  BOOST_TEST(!contains(m, "pw@"), m);

  auto c = connector("url: https://api.example.org/v1/cases?appkey=visible\nauth: bearer\ntoken: top-secret\n");
  BOOST_TEST(c->describe() == "http GET https://api.example.org/v1/cases (json, no pagination, bearer auth)");
}

BOOST_AUTO_TEST_CASE(cancel_wakes_a_retry_wait) {
  LegacyApi api;
  api.failuresBeforeSuccess = 5;
  api.retryAfterSeconds = 30;
  auto c = connector("url: " + api.base() + "/flaky\nrecords_path: data\nmax_retries: 5\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto stopper = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c->cancel();
  });
  const auto e = errorOf([&] { c->fetch("", 10); });
  stopper.get();
  BOOST_TEST(contains(e.what(), "cancelled"), e.what());
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5);
}

BOOST_AUTO_TEST_SUITE_END()
