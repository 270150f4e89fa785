// Tests of the mapping runner: what becomes of each row (record, skipped, dead letter, warning, null),
// strict decoding of GBK/GB18030/UTF-8 rows per platform and per column, and code tables (lookup misses
// counted per code, the table format, version pins, repeated keys).
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/rows/row_readers.h"
#include "mappings/engine/compiled_mapping.h"
#include "mappings/engine/mapping_compiler.h"
#include "tests/mappings/engine_test_support.h"

using namespace govsync;
using namespace govsync::mapping;
using namespace govsync::mapping::engine_test;

BOOST_AUTO_TEST_SUITE(mapping_engine)

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(row_outcomes)

const char* const kOutcomeMapping =
    "mapping: outcomes\n"
    "kind: CASE\n"
    "skip_when:\n"
    "  - {field: GDZT, equals: 已撤销}\n"
    "  - {all: [{field: GDZT, equals: 测试}, {field: GDBH, matches: 'TEST.*'}]}\n"
    "fields:\n"
    "  source_id: GDBH\n"
    "  case_no: GDBH\n"
    "  received_at: {from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}\n"
    "  region_code: {from: XZQH, do: [{code_map: {\"211121\": \"211104\", else_keep: true}}]}\n"
    "  satisfaction_level: {from: HFMYD, do: [{rating: label}], on_error: warn}\n"
    "  title: {from: SQBT, do: [{regex_extract: {pattern: '【(.+)】', required: true}}], on_error: null, default: "
    "（无标题）}\n";

BOOST_AUTO_TEST_CASE(record_skip_dead_letter_warn_null) {
  const auto m = compile("outcomes", kOutcomeMapping);
  const auto batch = csvRows(
      "GDBH,GDZT,SLSJ,XZQH,HFMYD,SQBT\n"
      "GD202610080063,已派单,20261008140335,211121,满意,【井盖丢失】\n"  // 1 record
      "GD202610080070,已撤销,20261008150000,211104,,\n"                  // 2 skipped
      "TEST0001,测试,20261008150000,211104,,\n"                          // 3 skipped (all)
      "GD202610080075,已派单,20261032144934,211104,,\n"                  // 4 dead letter: day 32
      "GD202610080080,已派单,20261008160000,211103,还行,井盖丢失\n"      // 5 warn + null→default
      ",已派单,20261008160000,211103,,\n"                                // 6 dead letter: required empty
      "GD202610080090,已派单,20261008160000,2111,,\n");                  // 7 validate: region_code
  MappingStats stats;
  const auto out = mapAll(m, batch, &stats);
  BOOST_REQUIRE_EQUAL(out.size(), 7u);

  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  BOOST_TEST(field(out[0].record, "region_code") == "211104");
  BOOST_TEST(field(out[0].record, "received_at") == "2026-10-08T06:03:35.000Z");
  BOOST_TEST(field(out[0].record, "satisfaction_level") == "4");
  BOOST_TEST(field(out[0].record, "title") == "井盖丢失");
  BOOST_TEST(out[0].record.envelope.mapping == m->versionTag());
  BOOST_TEST(out[0].record.envelope.source_system == "outcomes");
  BOOST_TEST(out[0].record.envelope.record_id.size() == 36u);
  BOOST_TEST(out[0].warnings.empty());

  BOOST_TEST(out[1].kind == RowOutcome::Kind::Skipped);
  BOOST_TEST(out[2].kind == RowOutcome::Kind::Skipped);

  BOOST_REQUIRE(out[3].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[3].stage == "map");
  BOOST_TEST(out[3].field == "received_at");
  BOOST_TEST(out[3].function == "parse_time");
  BOOST_TEST(out[3].value == "20261032144934");
  BOOST_TEST(out[3].error == "'20261032144934' day 32 out of range (2026-10 has 31 days) for format YYYYMMDDhhmmss");

  BOOST_REQUIRE_MESSAGE(out[4].kind == RowOutcome::Kind::Record, describe(out[4]));
  BOOST_TEST(field(out[4].record, "satisfaction_level") == kUnset);
  BOOST_TEST(field(out[4].record, "title") == "（无标题）");
  BOOST_REQUIRE_EQUAL(out[4].warnings.size(), 1u);
  BOOST_TEST(out[4].warnings[0] ==
             "satisfaction_level: rating: not a 好差评 label (expected 非常满意, 满意, 基本满意, 不满意 or 非常不满意) "
             "(value '还行')");
  BOOST_TEST(field(out[4].record, "extensions._warnings") == out[4].warnings[0]);

  BOOST_REQUIRE(out[5].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[5].stage == "map");
  BOOST_TEST(out[5].field == "source_id");
  BOOST_TEST(out[5].function == "");
  BOOST_TEST(out[5].error == "required field source_id is empty");

  BOOST_REQUIRE(out[6].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[6].stage == "validate");
  BOOST_TEST(out[6].field == "region_code");
  BOOST_TEST(out[6].error == "region_code: must be a GB/T 2260 code of 6 digits, or 9 or 12 digits, got '2111'");

  BOOST_TEST(stats.rows == 7u);
  BOOST_TEST(stats.records == 2u);
  BOOST_TEST(stats.skipped == 2u);
  BOOST_TEST(stats.deadLetters == 3u);
  BOOST_TEST(stats.warnings == 1u);
}

BOOST_AUTO_TEST_CASE(conversion_to_the_target_field_fails_like_a_function) {
  const auto m = compile("convert",
                         "mapping: convert\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
                         "  urgency: u\n  satisfaction_level: {from: s, on_error: warn}\n"
                         "  received_at: {from: t, on_error: null}\n");
  const auto out = mapAll(m, jsonRows(R"({"a": "1", "u": "urgent", "s": "4", "t": "20261005083507"}
{"a": "2", "u": "紧急"}
{"a": "3", "s": "四"}
{"a": "4", "u": "", "s": "", "t": "2026-10-05 08:35:07"})"));
  BOOST_REQUIRE(out[0].kind == RowOutcome::Kind::Record);
  BOOST_TEST(field(out[0].record, "received_at") == kUnset);  // on_error: null
  BOOST_TEST(out[0].warnings.empty());
  BOOST_REQUIRE(out[1].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[1].stage == "map");
  BOOST_TEST(out[1].field == "urgency");
  BOOST_TEST(out[1].function == "");
  BOOST_TEST(out[1].value == "紧急");
  BOOST_TEST(out[1].error == "'紧急' is not a Urgency (normal, urgent, emergency)");
  BOOST_REQUIRE(out[2].kind == RowOutcome::Kind::Record);
  BOOST_REQUIRE_EQUAL(out[2].warnings.size(), 1u);
  BOOST_TEST(out[2].warnings[0] == "satisfaction_level: '四' is not an integer (value '四')");
  BOOST_REQUIRE(out[3].kind == RowOutcome::Kind::Record);
  BOOST_TEST(field(out[3].record, "urgency") == kUnset);
}

BOOST_AUTO_TEST_CASE(list_into_a_text_field_is_an_error) {
  const auto m = compile("lists",
                         "mapping: lists\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
                         "  title: photos\n");
  const auto out = mapAll(m, jsonRows(R"({"a": "1", "photos": ["a.jpg", "b.jpg"]})"));
  BOOST_REQUIRE(out[0].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[0].error == "a list cannot fill the text field title (use join)");
}

BOOST_AUTO_TEST_CASE(a_row_with_the_wrong_field_count_is_a_read_error) {
  RowBatch batch;
  const auto errors = readDelimitedRows("GDBH,GDZT,SQBT\nGD1,已派单,井盖丢失\nGD2,已派单\n", {}, batch);
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(errors[0].rowNumber == 2u);
  BOOST_TEST(errors[0].message == "row has 2 fields, the header has 3");
  BOOST_TEST(errors[0].raw == "GD2,已派单");
  BOOST_TEST(batch.size() == 1u);
}

BOOST_AUTO_TEST_CASE(warnings_do_not_leak_into_the_next_row) {
  const auto m = compile("leak",
                         "mapping: leak\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
                         "  agency_code: {from: c, do: [check_credit_code]}\n  extensions.x: x\n");
  const auto out = mapAll(m, jsonRows(R"({"a": "1", "c": "11211100571890051A", "x": "1"}
{"a": "2", "c": "11211100571890051Y"})"));
  BOOST_REQUIRE(out[1].kind == RowOutcome::Kind::Record);
  BOOST_TEST(out[0].warnings.size() == 1u);
  BOOST_TEST(out[1].warnings.empty());
  BOOST_TEST(field(out[1].record, "extensions._warnings") == kUnset);
  BOOST_TEST(field(out[1].record, "extensions.x") == kUnset);
}

BOOST_AUTO_TEST_CASE(a_warning_about_a_personal_field_quotes_its_value_masked) {
  // Warnings are kept in the record (extensions._warnings), which callers
  // without the pii scope read: an ID number or phone appears masked there.
  const auto m =
      compile("warnpii",
              "mapping: warnpii\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
              "  reporter_id_no: {from: id, do: [check_id], on_error: warn}\n"
              "  reporter_phone: {from: p, do: [{regex_extract: {pattern: '^(1\\d{10})$', required: true}}], "
              "on_error: warn}\n"
              "  title: {from: t, do: [to_int], on_error: warn}\n");
  const auto out = mapAll(m, jsonRows(R"({"a": "1", "id": "211102199001011235", "p": "tel 13912345678", "t": "x1y"})"));
  BOOST_REQUIRE(out[0].kind == RowOutcome::Kind::Record);
  BOOST_REQUIRE(out[0].warnings.size() == 3u);
  const std::string all = field(out[0].record, "extensions._warnings");
  BOOST_TEST(all.find("211102199001011235") == std::string::npos, all);
  BOOST_TEST(all.find("13912345678") == std::string::npos, all);
  BOOST_TEST(all.find("211102********1235") != std::string::npos, all);
  BOOST_TEST(all.find("x1y") != std::string::npos, all);  // not personal data: quoted as is
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(decoding)

// Bytes of a GBK/GB18030 CSV export of the environment-complaint platform.
std::string gbCsv() {
  std::string s = "ID,NAME,EVAL\n";
  s += "HJ1,\xCB\xD5\xC7\xEC,\xD5\xD4\x98\x38\xF5\x37\n";  // 苏庆 (GBK), 赵𫖯 (GB18030, 4-byte 0x98 0x38 0xF5 0x37)
  s += "HJ2,\x81\x20,ok\n";                                // 0x81 0x20: invalid in GBK and GB18030
  s += "HJ3,\xFD\x9C,ok\n";                                // GBK FD 9C = U+F92C, NFC 郎 U+90CE
  return s;
}

const char* const kGbMapping =
    "mapping: gb\nkind: CASE\nencoding: gbk\ncolumns:\n  EVAL: {encoding: gb18030}\n"
    "fields:\n  source_id: ID\n  case_no: ID\n  reporter_name: NAME\n  title: EVAL\n";

BOOST_AUTO_TEST_CASE(platform_and_column_encodings) {
  const auto out = mapAll(compile("gb", kGbMapping), csvRows(gbCsv()));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  BOOST_TEST(field(out[0].record, "reporter_name") == "苏庆");
  BOOST_TEST(field(out[0].record, "title") == "赵𫖯");

  BOOST_REQUIRE(out[1].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[1].stage == "decode");
  BOOST_TEST(out[1].field == "NAME");
  BOOST_TEST(out[1].error == "column NAME: invalid GBK byte sequence 0x81 0x20 at byte 0");

  BOOST_REQUIRE(out[2].kind == RowOutcome::Kind::Record);
  BOOST_TEST(field(out[2].record, "reporter_name") == "\u90CE");  // NFC, not U+F92C
}

BOOST_AUTO_TEST_CASE(gbk_cannot_decode_a_gb18030_four_byte_character) {
  std::string text = kGbMapping;
  text.replace(text.find("EVAL: {encoding: gb18030}"), 25, "EVAL: {encoding: gbk}    ");
  const auto out = mapAll(compile("gb", text), csvRows(gbCsv()));
  BOOST_REQUIRE(out[0].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[0].stage == "decode");
  BOOST_TEST(out[0].field == "EVAL");
  BOOST_TEST(out[0].error == "column EVAL: invalid GBK byte sequence 0x98 0x38 at byte 2");
}

BOOST_AUTO_TEST_CASE(gb18030_platform_decodes_four_byte_names) {
  const auto m = compile("gb",
                         "mapping: gb\nkind: REVIEW\nencoding: gb18030\nfields:\n  source_id: A\n"
                         "  review_id: A\n  level: {value: \"5\"}\n  evaluated_at: {value: "
                         "\"2026-10-01T00:44:50Z\"}\n  evaluator_name: B\n");
  const auto out = mapAll(m, csvRows("A,B\nPJ2026092200020-1,\xD5\xD4\x98\x38\xF5\x37\n"));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  BOOST_TEST(field(out[0].record, "evaluator_name") == "赵𫖯");
  BOOST_TEST(field(out[0].record, "is_bad") == "false");
}

BOOST_AUTO_TEST_CASE(a_gbk_header_matches_the_utf8_column_names_of_the_mapping) {
  // 投诉编号 and 投诉人 in GBK, as the 12369 platform's TSV export writes its header.
  std::string tsv = "\xCD\xB6\xCB\xDF\xB1\xE0\xBA\xC5\t\xCD\xB6\xCB\xDF\xC8\xCB\n";
  tsv += "HJTS202610030005\t\xCB\xD5\xC7\xEC\n";  // 苏庆
  const auto m = compile("env",
                         "mapping: env\nkind: CASE\nencoding: gbk\nfields:\n  source_id: 投诉编号\n"
                         "  case_no: 投诉编号\n  reporter_name: 投诉人\n");
  const auto out = mapAll(m, csvRows(tsv, '\t'));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  BOOST_TEST(field(out[0].record, "case_no") == "HJTS202610030005");
  BOOST_TEST(field(out[0].record, "reporter_name") == "苏庆");
}

BOOST_AUTO_TEST_CASE(json_rows_are_utf8_whatever_the_platform_encoding) {
  const auto out = mapAll(compile("gb", kGbMapping), jsonRows(R"({"ID": "1", "NAME": "苏庆", "EVAL": "Cafe\u0301"})"));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  BOOST_TEST(field(out[0].record, "reporter_name") == "苏庆");
  BOOST_TEST(field(out[0].record, "title") == "Caf\u00E9");  // NFC
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_utf8_csv_is_a_decode_dead_letter) {
  const auto m = compile("u8", "mapping: u8\nkind: CASE\nfields:\n  source_id: A\n  case_no: A\n  title: B\n");
  const auto out = mapAll(m, csvRows("A,B\n1,\xE4\xBD\n"));
  BOOST_REQUIRE(out[0].kind == RowOutcome::Kind::DeadLetter);
  BOOST_TEST(out[0].stage == "decode");
  BOOST_TEST(out[0].field == "B");
  BOOST_TEST(out[0].error == "column B: incomplete UTF-8 byte sequence 0xE4 0xBD at byte 0 (end of input)");
}

BOOST_AUTO_TEST_CASE(a_bad_byte_in_an_unused_column_is_ignored) {
  const auto m = compile("unused",
                         "mapping: unused\nkind: CASE\nencoding: gbk\nfields:\n  source_id: ID\n"
                         "  case_no: ID\n");
  const auto out = mapAll(m, csvRows(gbCsv()));
  BOOST_TEST(out[1].kind == RowOutcome::Kind::Record);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(code_tables)

BOOST_AUTO_TEST_CASE(lookup_misses_are_counted_per_code) {
  const auto m = compile("misses",
                         "mapping: misses\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
                         "  status: {from: s, do: [{lookup: {table: case_status, key: raw, value: status, "
                         "on_miss: null}}]}\n  urgency: {from: u, do: [{lookup: {table: urgency, key: raw, "
                         "value: urgency, else: normal}}]}\n");
  MappingStats stats;
  const auto out = mapAll(m, jsonRows(R"({"a": "1", "s": "已挂起", "u": "紧急"}
{"a": "2", "s": "已挂起", "u": "加急"}
{"a": "3", "s": "待核实", "u": ""}
{"a": "4", "s": "已办结"})"),
                          &stats);
  for (const auto& o : out) BOOST_TEST(o.kind == RowOutcome::Kind::Record);
  const std::map<std::string, size_t> want = {
      {"case_status:已挂起", 2}, {"case_status:待核实", 1}, {"urgency:加急", 1}};
  BOOST_TEST((stats.lookupMisses == want));
  BOOST_TEST(field(out[1].record, "urgency") == "normal");
  BOOST_TEST(field(out[3].record, "status") == "CLOSED");
}

BOOST_AUTO_TEST_CASE(table_format_and_pinning) {
  const std::string dir = makeTempDir();
  writeFile(dir + "/hcp_channel.csv",
            "# version: 2026.1\n# keyed by label\r\nraw,channel\r\n政务大厅平板电脑,hall_pad\r\n\"PC端\",pc\r\n");
  const std::string rule =
      "  channel: {from: pf, do: [{lookup: {table: hcp_channel, key: raw, value: channel, version: ";
  const std::string head =
      "mapping: pin\nkind: REVIEW\nfields:\n  source_id: a\n  review_id: a\n  level: {value: "
      "\"4\"}\n  evaluated_at: {value: \"2026-10-01T00:00:00Z\"}\n";
  const auto m = compile("pin", head + rule + "\"2026.1\"}}]}\n", dir);
  BOOST_TEST(m->tables.at("hcp_channel").rfind("2026.1#", 0) == 0);
  const auto out = mapAll(m, jsonRows(R"({"a": "1", "pf": "PC端"})"));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  BOOST_TEST(field(out[0].record, "channel") == "pc");

  const auto problems = problemsOf("pin", head + rule + "\"2025.1\"}}]}\n", dir);
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].message == "code table hcp_channel is version '2026.1', the mapping pins '2025.1'");
}

BOOST_AUTO_TEST_CASE(a_repeated_key_is_a_compile_error) {
  const std::string dir = makeTempDir();
  writeFile(dir + "/dup.csv", "raw,status\n已办结,CLOSED\n已办结,RESPONDED\n");
  const auto problems = problemsOf("dup",
                                   "mapping: dup\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
                                   "  status_raw: {from: s, do: [{lookup: {table: dup, key: raw, value: status}}]}\n",
                                   dir);
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].message.find("key '已办结' appears more than once in column raw") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
