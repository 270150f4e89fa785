// The http connector against a real legacy API (tests/connectors/
// http_test_server.h), bodies: garbage and truncated bodies, one bad record
// among good ones, XML and GBK bodies. Also end to end on a SQLite store:
// 好差评 evaluations pulled from a provincial interface through the
// window_review mapping, with the overlap window re-read on every pass and a
// bad evaluation one dead letter.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/sync/sync_engine.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "mappings/engine/mapping_set.h"
#include "tests/connectors/http_connector_test_support.h"
#include "tests/connectors/http_test_server.h"

using namespace govsync;
using namespace govsync::connectors;
using govsync::test::LegacyApi;
using govsync::test::Review;
using namespace http_connector_test;

BOOST_AUTO_TEST_SUITE(http_connector)

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

BOOST_AUTO_TEST_SUITE_END()
