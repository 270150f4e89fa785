// The file connector against real files in a real folder: GB18030 CSV bytes
// kept exactly, NDJSON and JSON arrays (also GB18030 JSON decoded to UTF-8),
// half-written files left alone (mtime too new, no .done marker), exactly
// once across a simulated crash, unreadable files moved to failed/ with a
// reason, and a large file streamed in batches with bounded memory.
#include <iconv.h>
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "core/util/error.h"
#include "mappings/engine/domain/charset.h"
#include "tests/connectors/file_test_support.h"

using namespace govsync;
using namespace govsync::connectors;
using govsync::test::DropFolder;
namespace fs = std::filesystem;

namespace {

// UTF-8 → GB18030 with glibc iconv (the test's own encoder, independent of the code under test).
std::string toGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  BOOST_REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t inLeft = utf8.size();
  char* o = out.data();
  size_t outLeft = out.size();
  BOOST_REQUIRE(iconv(cd, &in, &inLeft, &o, &outLeft) != static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - outLeft);
  return out;
}

std::string cell(const RowBatch& b, size_t row, const std::string& column) {
  const auto& r = b.row(row);
  const auto* cells = b.cells(r);
  for (uint32_t i = 0; i < r.cellCount; ++i)
    if (b.columns()[cells[i].column] == column) return std::string(b.bytes(cells[i]));
  return "<missing>";
}

std::string decodeGb18030(const std::string& bytes) {
  mapping::CharsetDecoder d(mapping::Charset::Gb18030);
  std::string out, error;
  BOOST_REQUIRE_MESSAGE(d.decode(bytes, out, error), error);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(file_connector)

BOOST_AUTO_TEST_CASE(gb18030_csv_bytes_reach_the_mapping_exactly) {
  DropFolder drop;
  // 䘵 (U+4635, CJK Ext-A) is a four-byte GB18030 sequence; 盘锦 two-byte ones; a quoted field holds the
  // delimiter and a line break.
  const std::string utf8 =
      "编号,姓名,地址\r\n"
      "1,张三,盘锦市兴隆台区\r\n"
      "2,李䘵,\"大洼区,田家街道\n3号\"\r\n"
      "\r\n"
      "3,王五,双台子区\r\n";
  const std::string bytes = toGb18030(utf8);
  drop.writeOld("cases.csv", bytes);
  auto c = drop.connector("encoding: gb18030\nstable_seconds: 5\n");
  auto r = c->fetch("", 100);
  BOOST_TEST(r.errors.empty());
  BOOST_REQUIRE_EQUAL(r.rows.size(), 3u);
  BOOST_TEST(!r.rows.utf8());
  BOOST_TEST(r.rows.rawFormat() == "csv");
  // Column names and cells are the file's GB18030 bytes, untouched...
  const std::string name = toGb18030("姓名"), addr = toGb18030("地址");
  BOOST_TEST(cell(r.rows, 1, name) == toGb18030("李䘵"));
  BOOST_TEST(cell(r.rows, 1, addr) == toGb18030("大洼区,田家街道\n3号"));
  // ...so the mapping's strict decoder recovers the text, four-byte character included.
  BOOST_TEST(decodeGb18030(cell(r.rows, 1, name)) == "李䘵");
  BOOST_TEST(decodeGb18030(cell(r.rows, 2, addr)) == "双台子区");
  // Raw rows are the source lines (what a dead letter keeps); numbers skip the blank line.
  BOOST_TEST(std::string(r.rows.raw(r.rows.row(0))) == toGb18030("1,张三,盘锦市兴隆台区"));
  BOOST_TEST(r.rows.row(0).number == 1u);
  BOOST_TEST(r.rows.row(2).number == 3u);
  BOOST_TEST(!r.token.empty());
  c->committed(r);
  BOOST_TEST(fs::exists(drop.path("done/cases.csv")));
  BOOST_TEST(!fs::exists(drop.path("cases.csv")));
  BOOST_TEST(c->describe().find("GB18030") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_csv_rows_are_dead_letters_not_a_failed_file) {
  DropFolder drop;
  drop.writeOld("a.csv", "id;name\n1;a\n2;b;extra\n3;\"c\n");
  auto c = drop.connector("delimiter: ';'\n");
  auto r = c->fetch("", 100);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  BOOST_REQUIRE_EQUAL(r.errors.size(), 2u);
  BOOST_TEST(r.errors[0].rowNumber == 2u);
  BOOST_TEST(r.errors[0].raw == "2;b;extra");
  BOOST_TEST(contains(r.errors[0].message, "3 fields"));
  BOOST_TEST(r.errors[1].rowNumber == 3u);
  BOOST_TEST(contains(r.errors[1].message, "unterminated"));
  c->committed(r);
  BOOST_TEST(fs::exists(drop.path("done/a.csv")));
}

BOOST_AUTO_TEST_CASE(ndjson_rows_flatten_and_bad_lines_are_reported_alone) {
  DropFolder drop;
  drop.writeOld("events.ndjson",
                "{\"id\":1,\"loc\":{\"lng\":122.07,\"lat\":41.12},\"tags\":[\"a\",\"b\"],\"note\":null}\n"
                "\n"
                "[1,2]\n"
                "{\"id\":3,\"title\":\"盘锦\"}\n"
                "{\"id\":4,\"title\":\"bro\n");
  auto c = drop.connector("format: ndjson\npattern: '*.ndjson'\n");
  auto r = c->fetch("", 100);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 2u);
  BOOST_TEST(r.rows.utf8());
  BOOST_TEST(cell(r.rows, 0, "loc.lng") == "122.07");
  BOOST_TEST(cell(r.rows, 1, "title") == "盘锦");
  BOOST_TEST(r.rows.row(1).number == 3u);
  BOOST_REQUIRE_EQUAL(r.errors.size(), 2u);
  BOOST_TEST(r.errors[0].rowNumber == 2u);
  BOOST_TEST(r.errors[0].raw == "[1,2]");
  BOOST_TEST(r.errors[1].rowNumber == 4u);
}

BOOST_AUTO_TEST_CASE(a_first_batch_line_that_is_not_an_object_does_not_swallow_the_batch) {
  DropFolder drop;
  drop.writeOld("e.ndjson", "{\"id\":1}\n[\"x\"]\n{\"id\":3}\n");
  auto c = drop.connector("format: ndjson\npattern: '*.ndjson'\n");
  auto r1 = c->fetch("", 1);
  BOOST_REQUIRE_EQUAL(r1.rows.size(), 1u);
  auto r2 = c->fetch(r1.checkpoint, 2);
  BOOST_REQUIRE_EQUAL(r2.errors.size(), 1u);
  BOOST_TEST(r2.errors[0].rowNumber == 2u);
  BOOST_REQUIRE_EQUAL(r2.rows.size(), 1u);
  BOOST_TEST(cell(r2.rows, 0, "id") == "3");
  BOOST_TEST(r2.rows.row(0).number == 3u);
}

BOOST_AUTO_TEST_CASE(gb18030_json_array_is_decoded_before_parsing) {
  DropFolder drop;
  // Pretty-printed, multi-line; 㐀 and 䘵 are four-byte GB18030; "\u" escapes still work; one item is not an
  // object and is reported alone.
  const std::string utf8 =
      "[\n"
      "  {\"id\": 1, \"name\": \"张三\", \"addr\": {\"district\": \"兴隆台区\"}},\n"
      "  42,\n"
      "  {\"id\": 3, \"name\": \"李䘵㐀\", \"esc\": \"\\u76d8\\u9526\"}\n"
      "]\n";
  drop.writeOld("list.json", toGb18030(utf8));
  auto c = drop.connector("format: json\npattern: '*.json'\nencoding: GB18030\n");
  auto r = c->fetch("", 100);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 2u);
  BOOST_TEST(r.rows.utf8());
  BOOST_TEST(cell(r.rows, 0, "name") == "张三");
  BOOST_TEST(cell(r.rows, 0, "addr.district") == "兴隆台区");
  BOOST_TEST(cell(r.rows, 1, "name") == "李䘵㐀");
  BOOST_TEST(cell(r.rows, 1, "esc") == "盘锦");
  BOOST_TEST(r.rows.row(1).number == 3u);
  BOOST_TEST(contains(std::string(r.rows.raw(r.rows.row(1))), "\"李䘵㐀\""));
  BOOST_REQUIRE_EQUAL(r.errors.size(), 1u);
  BOOST_TEST(r.errors[0].rowNumber == 2u);
  BOOST_TEST(r.errors[0].raw == "42");
}

BOOST_AUTO_TEST_CASE(json_array_batches_resume_inside_the_array) {
  DropFolder drop;
  std::string text = "[";
  for (int i = 1; i <= 7; ++i) text += (i > 1 ? ",\n " : "") + std::string("{\"id\":") + std::to_string(i) + "}";
  text += "]";
  drop.writeOld("a.json", text);
  auto c = drop.connector("format: json\npattern: '*.json'\n");
  std::vector<std::string> ids;
  std::string cp;
  for (int guard = 0; guard < 10; ++guard) {
    auto r = c->fetch(cp, 3);
    for (size_t i = 0; i < r.rows.size(); ++i) {
      ids.push_back(cell(r.rows, i, "id"));
      BOOST_TEST(r.rows.row(i).number == static_cast<uint32_t>(ids.size()));
    }
    cp = r.checkpoint;
    c->committed(r);
    if (!r.more) break;
  }
  BOOST_TEST(ids == (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"}), boost::test_tools::per_element());
  BOOST_TEST(fs::exists(drop.path("done/a.json")));
}

BOOST_AUTO_TEST_CASE(half_written_files_are_left_alone) {
  DropFolder drop;
  // Just written (mtime now): not stable for 5 s yet.
  drop.write("fresh.csv", "id\n1\n");
  auto c = drop.connector("stable_seconds: 5\n");
  auto r = c->fetch("", 10);
  BOOST_TEST(r.rows.empty());
  BOOST_TEST(fs::exists(drop.path("fresh.csv")));
  // Unchanged for 10 s: taken.
  drop.age("fresh.csv", 10);
  r = c->fetch("", 10);
  BOOST_TEST(r.rows.size() == 1u);

  // With done markers, only a file whose <file>.done exists is taken, however old.
  DropFolder marked;
  marked.writeOld("b.csv", "id\n7\n");
  auto m = marked.connector("done_marker: true\n");
  r = m->fetch("", 10);
  BOOST_TEST(r.rows.empty());
  marked.write("b.csv.done", "");
  r = m->fetch("", 10);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  m->committed(r);
  BOOST_TEST(fs::exists(marked.path("done/b.csv")));
  BOOST_TEST(fs::exists(marked.path("done/b.csv.done")));
  BOOST_TEST(!fs::exists(marked.path("b.csv.done")));

  // Hidden files (uploaders' temporaries) and other names are never taken.
  DropFolder other;
  other.writeOld(".upload.csv", "id\n1\n");
  other.writeOld("readme.txt", "x");
  auto o = other.connector("");
  BOOST_TEST(o->fetch("", 10).rows.empty());
}

BOOST_AUTO_TEST_CASE(exactly_once_across_a_crash) {
  DropFolder drop;
  std::string text = "id,v\n";
  for (int i = 1; i <= 10; ++i) text += std::to_string(i) + ",row" + std::to_string(i) + "\n";
  drop.writeOld("a.csv", text);
  drop.writeOld("b.csv", "id,v\n11,row11\n", 5);  // newer: after a.csv

  std::vector<std::string> delivered;  // what "committed" in the store
  std::string committedCp;
  auto take = [&](const FetchResult& r) {
    for (size_t i = 0; i < r.rows.size(); ++i) delivered.push_back(cell(r.rows, i, "id"));
    committedCp = r.checkpoint;
  };

  auto c1 = drop.connector("");
  auto r1 = c1->fetch("", 4);
  BOOST_REQUIRE_EQUAL(r1.rows.size(), 4u);
  BOOST_TEST(r1.more);
  take(r1);
  c1->committed(r1);
  // Crash before the second batch commits: it is fetched, then lost.
  auto lost = c1->fetch(committedCp, 4);
  BOOST_REQUIRE_EQUAL(lost.rows.size(), 4u);
  c1.reset();

  // Restart from the committed checkpoint: the same rows again, exactly.
  auto c2 = drop.connector("");
  auto r2 = c2->fetch(committedCp, 4);
  BOOST_REQUIRE_EQUAL(r2.rows.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    BOOST_TEST(std::string(r2.rows.raw(r2.rows.row(i))) == std::string(lost.rows.raw(lost.rows.row(i))));
    BOOST_TEST(r2.rows.row(i).number == lost.rows.row(i).number);
  }
  BOOST_TEST(r2.checkpoint == lost.checkpoint);
  take(r2);
  c2->committed(r2);
  // The last batch of a.csv commits, then a crash before committed() moves the file.
  auto r3 = c2->fetch(committedCp, 4);
  BOOST_REQUIRE_EQUAL(r3.rows.size(), 2u);
  BOOST_TEST(!r3.token.empty());
  BOOST_TEST(r3.more);  // b.csv waits
  take(r3);
  c2.reset();
  BOOST_TEST(fs::exists(drop.path("a.csv")));

  // Restart: a.csv is finished (moved to done/, not read again), b.csv follows.
  auto c3 = drop.connector("");
  auto r4 = c3->fetch(committedCp, 4);
  BOOST_TEST(fs::exists(drop.path("done/a.csv")));
  BOOST_TEST(!fs::exists(drop.path("a.csv")));
  BOOST_REQUIRE_EQUAL(r4.rows.size(), 1u);
  take(r4);
  c3->committed(r4);
  BOOST_TEST(fs::exists(drop.path("done/b.csv")));
  BOOST_TEST(!c3->fetch(committedCp, 4).more);

  std::vector<std::string> expected;
  for (int i = 1; i <= 11; ++i) expected.push_back(std::to_string(i));
  BOOST_TEST(delivered == expected, boost::test_tools::per_element());

  // A new file under a finished file's name is a new file, read in full.
  drop.writeOld("a.csv", "id,v\n12,again\n");
  auto r5 = c3->fetch(committedCp, 4);
  BOOST_REQUIRE_EQUAL(r5.rows.size(), 1u);
  BOOST_TEST(cell(r5.rows, 0, "id") == "12");
  c3->committed(r5);
  BOOST_TEST(fs::exists(drop.path("done/a.1.csv")));  // done/a.csv is kept, not overwritten
}

BOOST_AUTO_TEST_CASE(unreadable_files_go_to_failed_with_the_reason) {
  DropFolder drop;
  // Not valid GB18030 (0x81 0x20 is no sequence), a truncated JSON array, invalid UTF-8 in NDJSON: each fails
  // as a whole, before any of its rows is handed out; the good file after them is read in the same fetch.
  drop.writeOld("1-bad-gb.json", std::string("[{\"name\":\"") + toGb18030("盘锦") + "\x81\x20\"}]", 0);
  drop.writeOld("2-truncated.json", "[{\"id\":1},{\"id\":2", 1);
  drop.writeOld("3-good.json", "[{\"id\":3}]", 2);
  auto c = drop.connector("format: json\npattern: '*.json'\nencoding: gb18030\n");
  auto r = c->fetch("", 100);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  BOOST_TEST(cell(r.rows, 0, "id") == "3");
  BOOST_TEST(fs::exists(drop.path("failed/1-bad-gb.json")));
  const std::string why1 = drop.read("failed/1-bad-gb.json.error");
  BOOST_TEST(contains(why1, "not valid GB18030"), why1);
  BOOST_TEST(fs::exists(drop.path("failed/2-truncated.json")));
  const std::string why2 = drop.read("failed/2-truncated.json.error");
  BOOST_TEST(contains(why2, "truncated"), why2);

  DropFolder nd;
  nd.writeOld("x.ndjson", "{\"id\":1}\n{\"id\":\"\xC3\x28\"}\n");
  auto n = nd.connector("format: ndjson\npattern: '*.ndjson'\n");
  r = n->fetch("", 100);
  BOOST_TEST(r.rows.empty());
  BOOST_TEST(contains(nd.read("failed/x.ndjson.error"), "not valid UTF-8: byte 17"), nd.read("failed/x.ndjson.error"));

  // A file the connector may not read at all.
  DropFolder perm;
  perm.writeOld("locked.csv", "id\n1\n");
  ::chmod(perm.path("locked.csv").c_str(), 0);
  if (::access(perm.path("locked.csv").c_str(), R_OK) != 0) {  // root reads anything
    auto p = perm.connector("");
    BOOST_TEST(p->fetch("", 10).rows.empty());
    BOOST_TEST(contains(perm.read("failed/locked.csv.error"), "cannot open"));
  }
}

BOOST_AUTO_TEST_CASE(empty_and_header_only_files_are_done_without_a_batch) {
  DropFolder drop;
  drop.writeOld("empty.csv", "", 0);
  drop.writeOld("header.csv", "id,name\r\n\r\n", 1);
  drop.writeOld("rows.csv", "id\n5\n", 2);
  auto c = drop.connector("");
  auto r = c->fetch("", 10);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  BOOST_TEST(fs::exists(drop.path("done/empty.csv")));
  BOOST_TEST(fs::exists(drop.path("done/header.csv")));
}

BOOST_AUTO_TEST_CASE(a_large_file_is_streamed_in_batches_with_bounded_memory) {
  DropFolder drop;
  // ~80 MB: 400,000 rows of ~200 bytes.
  const int rows = 400000;
  {
    std::ofstream out(drop.path("big.csv"), std::ios::binary);
    out << "id,name,addr,content\n";
    const std::string pad(150, 'x');
    for (int i = 1; i <= rows; ++i) out << i << ",name" << i << ",\"addr, " << i << "\"," << pad << "\n";
  }
  drop.age("big.csv", 60);
  const auto size = fs::file_size(drop.path("big.csv"));
  auto c = drop.connector("");
  const long before = govsync::test::peakRssKiB();
  const auto t0 = std::chrono::steady_clock::now();
  std::string cp;
  size_t total = 0, batches = 0;
  uint32_t lastNumber = 0;
  std::string lastId;
  while (true) {
    auto r = c->fetch(cp, 10000);
    BOOST_REQUIRE(r.errors.empty());
    if (r.rows.empty()) break;
    ++batches;
    for (size_t i = 0; i < r.rows.size(); ++i) {
      if (r.rows.row(i).number != lastNumber + 1) BOOST_FAIL("row numbers jump at " << lastNumber);
      lastNumber = r.rows.row(i).number;
    }
    lastId = cell(r.rows, r.rows.size() - 1, "id");
    total += r.rows.size();
    cp = r.checkpoint;
    c->committed(r);
    if (!r.more) break;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long grown = govsync::test::peakRssKiB() - before;
  BOOST_TEST_MESSAGE("streamed " << size / 1000000 << " MB in " << batches << " batches, " << seconds
                                 << " s; peak RSS grew " << grown / 1024 << " MiB");
  BOOST_TEST(total == static_cast<size_t>(rows));
  BOOST_TEST(batches == 40u);
  BOOST_TEST(lastId == std::to_string(rows));
  BOOST_TEST(fs::exists(drop.path("done/big.csv")));
  // About one batch (10,000 rows ≈ 2 MB of text, held as text, cells and raw rows) — never the 73 MB file.
  BOOST_TEST(grown < static_cast<long>(size / 1024 / 4),
             "peak RSS grew " << grown << " KiB for a " << size << " B file");
}

BOOST_AUTO_TEST_CASE(options_are_checked_with_every_problem_listed) {
  DropFolder drop;
  try {
    drop.connector("encoding: big5\ndelimiter: '||'\nheader: false\n");
    BOOST_FAIL("accepted");
  } catch (const Error& e) {
    const std::string m = e.what();
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Config));
    BOOST_TEST(contains(m, "3 problems"), m);
    BOOST_TEST(contains(m, "encoding: unknown charset 'big5'"), m);
    BOOST_TEST(contains(m, "delimiter: must be one ASCII character"), m);
    BOOST_TEST(contains(m, "columns: required when header is false"), m);
    BOOST_TEST(contains(m, "test.yaml:"), m);
  }
  try {
    drop.connector("encoding: gbk\ndelimiter: '|'\n");
    BOOST_FAIL("accepted");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "second byte of a gbk character"), e.what());
  }
  try {
    drop.connector("dir: /nonexistent/govsync-drop\n", false);
    BOOST_FAIL("accepted");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "is not a folder"), e.what());
  }
}

BOOST_AUTO_TEST_CASE(headerless_csv_with_declared_columns) {
  DropFolder drop;
  drop.writeOld("h.txt", "1\tA\n2\tB\n");
  auto c = drop.connector("pattern: '*.txt'\ndelimiter: tab\nheader: false\ncolumns: [id, code]\n");
  auto r = c->fetch("", 1);
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  auto r2 = c->fetch(r.checkpoint, 1);
  BOOST_REQUIRE_EQUAL(r2.rows.size(), 1u);
  BOOST_TEST(cell(r2.rows, 0, "code") == "B");
  BOOST_TEST(r2.rows.row(0).number == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
