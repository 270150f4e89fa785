// The http connector against a real legacy API (tests/connectors/
// http_test_server.h), paging: each pagination style (pages, offsets,
// cursors, next links), batches ending inside pages and resuming after a
// crash, incremental since with overlap in the source's own format, and
// paging in the JSON body of POST APIs.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "core/util/error.h"
#include "tests/connectors/http_connector_test_support.h"
#include "tests/connectors/http_test_server.h"

using namespace govsync;
using namespace govsync::connectors;
using govsync::test::LegacyApi;
using govsync::test::Rec;
using namespace http_connector_test;

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

BOOST_AUTO_TEST_CASE(post_apis_get_paging_in_a_json_body) {
  LegacyApi api;
  auto c = connector("url: " + api.base() +
                     "/post\nmethod: POST\nbody: '{\"token\": \"fixed\"}'\npagination: page\npage_param: pageNo\n"
                     "size_param: pageSize\npage_size: 10\nrecords_path: rows\n");
  std::string cp;
  BOOST_TEST(drain(*c, cp) == range(1, 25), boost::test_tools::per_element());
  BOOST_TEST(api.seen("/post").back().body == "{\"token\": \"fixed\",\"pageNo\":3,\"pageSize\":10}");
}

BOOST_AUTO_TEST_SUITE_END()
