// Tests of the mapping engine (compiler + runner), written from docs/mapping-guide.md: every worked example
// of the guide is a row of a table below — change the guide, change the row. Mappings are compiled from
// strings (compileMappingText with a path whose stem is the mapping name), rows come from the real readers,
// code tables are temp CSVs. Also: a file with many mistakes reports all of them with line:column, row
// outcomes, strict decoding, lookup misses, versions and hostile YAML.
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/rows/row_readers.h"
#include "core/util/time.h"
#include "mappings/engine/compiled_mapping.h"
#include "mappings/engine/mapping_compiler.h"

namespace govsync::mapping {
std::ostream& operator<<(std::ostream& os, RowOutcome::Kind k) {
  return os << (k == RowOutcome::Kind::Record ? "Record" : k == RowOutcome::Kind::Skipped ? "Skipped" : "DeadLetter");
}
}  // namespace govsync::mapping

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using namespace govsync;
using namespace govsync::mapping;

namespace {

// --- helpers ---------------------------------------------------------------------------------------------

// Temp folders made by the tests, removed when the test program exits.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};

std::string makeTempDir() {
  static TempDirs made;
  std::string templ = (fs::temp_directory_path() / "govsync-engine-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  made.dirs.push_back(templ);
  return templ;
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// The code tables the guide's examples use: rows copied from mappings/codes (same header, same labels).
const std::string& guideCodesDir() {
  static const std::string dir = [] {
    const std::string d = makeTempDir();
    writeFile(d + "/urgency.csv",
              "# version: govsync-urgency 2026.1\n"
              "# 1 普通 2 紧急 3 特急 are the water-utility codes\n"
              "raw,urgency\n一般,normal\n普通,normal\n紧急,urgent\n特急,emergency\n1,normal\n2,urgent\n3,emergency\n");
    writeFile(d + "/departments.csv",
              "# version: govsync-departments 2026.1\n"
              "code,name,credit_code\n"
              "PJ002,盘锦市公安局,112111005463841653\n"
              "PJ005,盘锦市城市管理综合行政执法局,11211100571890051Y\n"
              "PJ007,盘锦市水务集团有限公司,91211100535986945U\n");
    writeFile(d + "/case_status.csv",
              "# version: govsync-case-status 2026.1\n"
              "raw,status\n已派单,DISPATCHED\n已办结,CLOSED\n已退单,RETURNED\n已撤销,CANCELLED\n");
    writeFile(d + "/appeal_type.csv",
              "# version: govsync-appeal-type 2026.1\n"
              "raw,appeal_type\n咨询,consult\n求助,help\n投诉,complaint\n举报,report\n建议,suggestion\n表扬,praise\n");
    return d;
  }();
  return dir;
}

std::shared_ptr<const CompiledMapping> compile(const std::string& name, const std::string& text,
                                               const std::string& codesDir = guideCodesDir()) {
  CompileOptions options;
  options.codesDir = codesDir;
  return compileMappingText(text, "/tmp/x/" + name + ".yaml", options);
}

// The problems of a mapping that must not compile (fails the test if it compiles).
std::vector<CompileProblem> problemsOf(const std::string& name, const std::string& text,
                                       const std::string& codesDir = guideCodesDir()) {
  try {
    compile(name, text, codesDir);
  } catch (const MappingCompileError& e) {
    return e.problems();
  }
  BOOST_FAIL("mapping " + name + " compiled but should not have");
  return {};
}

RowBatch jsonRows(std::string_view ndjson) {
  RowBatch batch;
  const auto errors = readJsonRows(ndjson, batch);
  BOOST_REQUIRE_MESSAGE(errors.empty(), "readJsonRows: " + (errors.empty() ? "" : errors[0].message));
  return batch;
}

RowBatch csvRows(std::string_view csv, char delimiter = ',') {
  RowBatch batch;
  DelimitedOptions options;
  options.delimiter = delimiter;
  const auto errors = readDelimitedRows(csv, options, batch);
  BOOST_REQUIRE_MESSAGE(errors.empty(), "readDelimitedRows: " + (errors.empty() ? "" : errors[0].message));
  return batch;
}

// Maps every row of `batch`.
std::vector<RowOutcome> mapAll(const std::shared_ptr<const CompiledMapping>& m, const RowBatch& batch,
                               MappingStats* stats = nullptr) {
  MappingRunner runner(m);
  std::vector<RowOutcome> out(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) runner.map(batch, i, out[i]);
  if (stats) *stats = runner.takeStats();
  return out;
}

std::string describe(const RowOutcome& o) {
  switch (o.kind) {
    case RowOutcome::Kind::Record: return "record";
    case RowOutcome::Kind::Skipped: return "skipped";
    case RowOutcome::Kind::DeadLetter:
      return "dead letter [" + o.stage + "] " + o.field + " " + o.function + ": " + o.error + " (value '" + o.value +
             "')";
  }
  return "?";
}

// A field of a record as the guide shows it: text as is, numbers and booleans as written, instants in
// RFC 3339, enums by name, lists as ["a", "b"], map entries by "extensions.KEY". nullopt when not set.
std::optional<std::string> fieldText(const schema::Record& r, const std::string& target) {
  const auto dot = target.find('.');
  const std::string base = target.substr(0, dot);
  const auto* f = schema::findField(r.envelope.kind, base);
  BOOST_REQUIRE_MESSAGE(f, "no field " + base);
  if (!f->isSet(r)) return std::nullopt;
  switch (f->type) {
    case schema::FieldType::String: return *f->getString(r);
    case schema::FieldType::Int32: return std::to_string(*f->getInt32(r));
    case schema::FieldType::Int64: return std::to_string(*f->getInt64(r));
    case schema::FieldType::Instant: return formatRfc3339(*f->getInt64(r));
    case schema::FieldType::Bool: return *f->getBool(r) ? "true" : "false";
    case schema::FieldType::Enum: return std::string(*f->enumInfo->nameOf(*f->getEnum(r)));
    case schema::FieldType::Double: {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, *f->getDouble(r));
      return std::string(buf, res.ptr);
    }
    case schema::FieldType::StringList: {
      std::string s = "[";
      for (const auto& item : *f->getList(r)) s += (s.size() > 1 ? ", \"" : "\"") + item + "\"";
      return s + "]";
    }
    case schema::FieldType::StringMap: {
      const auto& map = *f->getMap(r);
      auto it = map.find(target.substr(dot + 1));
      if (it == map.end()) return std::nullopt;
      return it->second;
    }
  }
  return std::nullopt;
}

// fieldText as a printable string: "<unset>" when the field is not set.
const std::string kUnset = "<unset>";
std::string field(const schema::Record& r, const std::string& target) { return fieldText(r, target).value_or(kUnset); }

bool isDoubleField(const std::string& target) {
  const auto* f = schema::findField(schema::RecordKind::CASE, target);
  return f && f->type == schema::FieldType::Double;
}

// --- every function of the guide, with its worked examples ------------------------------------------------

struct FunctionExample {
  const char* function;        // as listed by `govsync mapping functions`
  const char* target;          // the unified field the rule fills
  const char* rule;            // the rule, as in the guide
  const char* row;             // the source row (JSON)
  const char* expect;          // the field afterwards (nullptr: left empty), or for a dead letter the reason's start
  bool fails = false;          // the row becomes a dead letter at stage map, function `function`
  const char* read = nullptr;  // read this field instead of `target` (e.g. extensions._warnings)
};
std::ostream& operator<<(std::ostream& os, const FunctionExample& e) {
  return os << e.function << " " << e.rule << " on " << e.row;
}

const FunctionExample kFunctionExamples[] = {
    // trim
    {"trim", "reporter_name", "{from: LDRXM, do: [trim]}", R"({"LDRXM": "张伟    "})", "张伟"},
    {"trim", "case_no", "{from: GDBH, do: [trim]}", R"({"GDBH": "\u3000GD202610050026\u00a0"})", "GD202610050026"},
    // collapse_spaces
    {"collapse_spaces", "address", "{from: address, do: [collapse_spaces]}",
     R"({"address": "辽宁省盘锦市  双台子区双兴北路159号 "})", "辽宁省盘锦市 双台子区双兴北路159号"},
    {"collapse_spaces", "reporter_name", "{from: LDRXM, do: [collapse_spaces]}", R"({"LDRXM": "王\u3000\u3000芳 "})",
     "王 芳"},
    // upper, lower
    {"upper", "reporter_id_no", "{from: SFZH, do: [upper]}", R"({"SFZH": "21110320020507825x"})", "21110320020507825X"},
    {"upper", "extensions.plate_no", "{from: plateNo, do: [upper]}", R"({"plateNo": "辽lj1676"})", "辽LJ1676"},
    {"lower", "coord_sys_original", "{from: coordType, do: [lower]}", R"({"coordType": "GCJ02"})", "gcj02"},
    // substring
    {"substring", "region_code", "{from: regionCode, do: [{substring: {start: 0, length: 6}}]}",
     R"({"regionCode": "211103001000"})", "211103"},
    {"substring", "address", "{from: address, do: [{substring: {start: 6}}]}",
     R"({"address": "辽宁省盘锦市大洼区新华路249号"})", "大洼区新华路249号"},
    // regex_extract
    {"regex_extract", "reporter_phone", R"({from: LXDH, do: [{regex_extract: '(1\d{10})'}]})",
     R"({"LXDH": "0427-2801234/13842712345"})", "13842712345"},
    {"regex_extract", "extensions.landline",
     R"({from: LXDH, do: [{regex_extract: {pattern: '(0427)-(\d{7})', group: 2}}]})",
     R"({"LXDH": "0427-2801234/13842712345"})", "2801234"},
    {"regex_extract", "reporter_phone", R"({from: LXDH, do: [{regex_extract: '(1\d{10})'}]})",
     R"({"LXDH": "0427-2801234"})", nullptr},
    {"regex_extract", "reporter_phone",
     R"({from: LXDH, do: [{regex_extract: {pattern: '(1\d{10})', required: true}}]})", R"({"LXDH": "0427-2801234"})",
     "text does not match the pattern", true},
    // regex_replace
    {"regex_replace", "reporter_phone", R"({from: LXDH, do: [{regex_replace: {pattern: '^\+86|[\s-]', with: ''}}]})",
     R"({"LXDH": "+86 138-4271-2345"})", "13842712345"},
    {"regex_replace", "extensions.accepted",
     R"({from: d, do: [{regex_replace: {pattern: '(\d+)/(\d+)/(\d+)', with: '$1年$2月$3日'}}]})",
     R"({"d": "2026/10/5"})", "2026年10月5日"},
    {"regex_replace", "received_at",
     R"({from: time, do: [{regex_replace: {pattern: '^(\d{12})$', with: '20$1'}}, {parse_time: YYYYMMDDhhmmss}]})",
     R"({"time": "261027141450"})", "2026-10-27T06:14:50.000Z"},
    // replace
    {"replace", "address", R"({from: address, do: [{replace: {from: 辽宁省盘锦市, to: ""}}, trim]})",
     R"({"address": "辽宁省盘锦市  双台子区双兴北路159号"})", "双台子区双兴北路159号"},
    {"replace", "reporter_phone", R"({from: LXDH, do: [{replace: {from: "+86"}}]})", R"({"LXDH": "+8613842712345"})",
     "13842712345"},
    // concat
    {"concat", "case_no", "{from: [办件编号, 评价次数], do: [{concat: \"-\"}]}",
     R"({"办件编号": "PJ2026092200020", "评价次数": "1"})", "PJ2026092200020-1"},
    {"concat", "address", "{from: [district, street], do: [concat]}",
     R"({"district": "大洼区", "street": "新华路249号"})", "大洼区新华路249号"},
    {"concat", "case_no", "{from: [办件编号, 评价次数], do: [{concat: \"-\"}]}",
     R"({"办件编号": "PJ2026092200020", "评价次数": ""})", "PJ2026092200020"},
    {"concat", "case_no", "{from: [办件编号, 评价次数], do: [{concat: {separator: \"-\", skip_empty: false}}]}",
     R"({"办件编号": "PJ2026092200020", "评价次数": ""})", "PJ2026092200020-"},
    {"concat", "case_no", "{from: 办件编号, do: [concat]}", R"({"办件编号": "PJ2026092200020"})",
     "concat combines several source fields (or a list); it cannot take a single value", true},
    // join
    {"join", "extensions.indicators", "{from: evalDetail, do: [{join: \",\"}]}",
     R"({"evalDetail": ["501", "502", "504"]})", "501,502,504"},
    {"join", "extensions.indicators", "{from: evalDetail, do: [{join: \",\"}]}", R"({"evalDetail": "501"})", "501"},
    // split
    {"split", "media_urls", "{from: photos, do: [{split: \";\"}]}", R"({"photos": "a.jpg; b.jpg;"})",
     R"(["a.jpg", "b.jpg"])"},
    {"split", "extensions.indicators", "{from: evalDetail, do: [{split: \",\"}, {join: \"|\"}]}",
     R"({"evalDetail": "502,504"})", "502|504"},
    {"split", "lon", "{from: JWD, do: [{split: \",\"}, {bd09_to_wgs84: lon}]}", R"({"JWD": "122.047923,41.273633"})",
     "122.036121"},
    {"split", "extensions.indicators", "{from: evalDetail, do: [{split: \",\"}, {concat: \"+\"}]}",
     R"({"evalDetail": "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20"})",
     "1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20"},
    // coalesce
    {"coalesce", "reporter_phone", "{from: [mobile, phone], do: [coalesce]}",
     R"({"mobile": "", "phone": "0427-2801234"})", "0427-2801234"},
    {"coalesce", "reporter_phone", "{from: [mobile, phone], do: [coalesce]}",
     R"({"mobile": "13842712345", "phone": "0427-2801234"})", "13842712345"},
    {"coalesce", "reporter_phone", "{from: [mobile, phone], do: [coalesce]}", R"({"mobile": ""})", nullptr},
    // default
    {"default", "reporter_name", "{from: realName, do: [trim, {default: 匿名}]}", R"({"realName": "  "})", "匿名"},
    {"default", "reporter_name", "{from: realName, do: [trim, {default: 匿名}]}", R"({"realName": null})", "匿名"},
    {"default", "reporter_name", "{from: realName, do: [trim, {default: 匿名}]}", R"({"realName": "韩志宏"})",
     "韩志宏"},
    // to_int
    {"to_int", "satisfaction_level", "{from: n, do: [to_int]}", R"({"n": " +4 "})", "4"},
    {"to_int", "extensions.category", "{from: categoryCode, do: [to_int]}", R"({"categoryCode": 101})", "101"},
    {"to_int", "satisfaction_level", "{from: n, do: [to_int]}", R"({"n": ""})", nullptr},
    {"to_int", "satisfaction_level", "{from: n, do: [to_int]}", R"({"n": "4.0"})", "not an integer", true},
    // to_float
    {"to_float", "extensions.speed", "{from: speed, do: [to_float]}", R"({"speed": "37.6"})", "37.6"},
    {"to_float", "extensions.speed", "{from: speed, do: [{to_float: {scale: 10}}]}", R"({"speed": 376})", "37.6"},
    {"to_float", "extensions.amount", "{from: amount, do: [to_float]}", R"({"amount": "1,234.5"})", "not a number",
     true},
    // range
    {"range", "extensions.heading", "{from: direction, do: [{range: {min: 0, max: 359}}]}", R"({"direction": 324})",
     "324"},
    {"range", "extensions.heading", "{from: direction, do: [{range: {min: 0, max: 359}}]}", R"({"direction": 400})",
     "outside the range 0..359", true},
    {"range", "extensions.heading", "{from: direction, do: [{range: {min: 0, max: 359}}]}", R"({"direction": "北"})",
     "not a number", true},
    // to_bool
    {"to_bool", "is_anonymous", "{from: SFNM, do: [to_bool]}", R"({"SFNM": "1"})", "true"},
    {"to_bool", "is_anonymous", "{from: SFNM, do: [to_bool]}", R"({"SFNM": "是"})", "true"},
    {"to_bool", "is_anonymous", "{from: SFNM, do: [to_bool]}", R"({"SFNM": "否"})", "false"},
    {"to_bool", "is_anonymous", "{from: SFNM, do: [to_bool]}", R"({"SFNM": "No"})", "false"},
    {"to_bool", "is_anonymous", "{from: anonymous, do: [to_bool]}", R"({"anonymous": true})", "true"},
    {"to_bool", "is_anonymous", "{from: SFNM, do: [to_bool]}", R"({"SFNM": "匿名"})",
     "not a boolean (expected true/false, 1/0, yes/no, 是/否)", true},
    // parse_time: each named format and the token patterns, zones
    {"parse_time", "received_at", "{from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}", R"({"SLSJ": "20261005083507"})",
     "2026-10-05T00:35:07.000Z"},
    {"parse_time", "received_at", "{from: 评价时间, do: [{parse_time: YYYYMMDDThhmmss}]}",
     R"({"评价时间": "20261001T084450"})", "2026-10-01T00:44:50.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: YYYY/M/D H:MM}]}", R"({"t": "2026/10/5 8:03"})",
     "2026-10-05T00:03:00.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: YYYY/M/D H:MM}]}", R"({"t": "2026/10/15 18:30"})",
     "2026-10-15T10:30:00.000Z"},
    {"parse_time", "received_at", "{from: assessTime, do: [{parse_time: yyyy-MM-dd HH:mm:ss}]}",
     R"({"assessTime": "2026-10-01 13:01:21"})", "2026-10-01T05:01:21.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: iso8601}]}", R"({"t": "2026-10-01T13:01:21+08:00"})",
     "2026-10-01T05:01:21.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: iso8601}]}", R"({"t": "2026-10-01 05:01:21.5Z"})",
     "2026-10-01T05:01:21.500Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: unix_s}]}", R"({"t": 1790820030})",
     "2026-10-01T02:00:30.000Z"},
    {"parse_time", "received_at", "{from: createTime, do: [{parse_time: unix_ms}]}", R"({"createTime": 1790820030152})",
     "2026-10-01T02:00:30.152Z"},
    {"parse_time", "due_at", "{from: 处置时限, do: [{parse_time: excel_days}]}", R"({"处置时限": "46300.5"})",
     "2026-10-05T04:00:00.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: {format: yyyy-MM-dd HH:mm:ss, zone: UTC}}]}",
     R"({"t": "2026-10-01 13:01:21"})", "2026-10-01T13:01:21.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: {format: yyyy-MM-dd HH:mm:ss, zone: \"+09:00\"}}]}",
     R"({"t": "2026-10-01 13:01:21"})", "2026-10-01T04:01:21.000Z"},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: yyyy年MM月dd日 HH时mm分}]}",
     R"({"t": "2026年10月05日 08时03分"})", "2026-10-05T00:03:00.000Z"},
    {"parse_time", "received_at", "{from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}", R"({"SLSJ": ""})", nullptr},
    {"parse_time", "received_at", "{from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}", R"({"SLSJ": "20261032144934"})",
     "'20261032144934' day 32 out of range (2026-10 has 31 days) for format YYYYMMDDhhmmss", true},
    {"parse_time", "received_at", "{from: 评价时间, do: [{parse_time: YYYYMMDDThhmmss}]}",
     R"({"评价时间": "20261026T243159"})", "'20261026T243159' hour 24 out of range for format YYYYMMDDThhmmss", true},
    {"parse_time", "received_at", "{from: t, do: [{parse_time: unix_s}]}", R"({"t": 1790820030152})",
     "'1790820030152' is out of range (years 0000-9999); it looks like milliseconds, use unix_ms", true},
    // rating: the three schemes
    {"rating", "satisfaction_level", "{from: satisfaction, do: [{rating: hcp_interface}]}", R"({"satisfaction": "5"})",
     "5"},
    {"rating", "satisfaction_level", "{from: satisfaction, do: [{rating: hcp_interface}]}", R"({"satisfaction": "1"})",
     "1"},
    {"rating", "satisfaction_level", "{from: 满意度代码, do: [{rating: gb39046_a8}]}", R"({"满意度代码": "1"})", "5"},
    {"rating", "satisfaction_level", "{from: 满意度代码, do: [{rating: gb39046_a8}]}", R"({"满意度代码": "4"})", "2"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "非常满意"})", "5"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "满意"})", "4"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "基本满意"})", "3"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "不满意"})", "2"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "非常不满意"})", "1"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "很满意"})", "5"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "比较满意"})", "4"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "一般"})", "3"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "很不满意"})", "1"},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": ""})", nullptr},
    {"rating", "satisfaction_level", "{from: satisfaction, do: [{rating: hcp_interface}]}", R"({"satisfaction": "7"})",
     "not a level 1..5 of scheme hcp_interface", true},
    {"rating", "satisfaction_level", "{from: HFMYD, do: [{rating: label}]}", R"({"HFMYD": "还行"})",
     "not a 好差评 label (expected 非常满意, 满意, 基本满意, 不满意 or 非常不满意)", true},
    // code_map
    {"code_map", "urgency", R"({from: urgency, do: [{code_map: {"1": normal, "2": urgent, "3": emergency}}]})",
     R"({"urgency": "2"})", "urgent"},
    {"code_map", "urgency", R"({from: urgency, do: [{code_map: {"1": normal, "2": urgent, "3": emergency}}]})",
     R"({"urgency": "9"})", "no code_map entry for this value and no else", true},
    {"code_map", "urgency",
     R"({from: urgency, do: [{code_map: {"1": normal, "2": urgent, "3": emergency, else: normal}}]})",
     R"({"urgency": "9"})", "normal"},
    {"code_map", "region_code", R"({from: XZQH, do: [{code_map: {"211121": "211104", else_keep: true}}]})",
     R"({"XZQH": "211121"})", "211104"},
    {"code_map", "region_code", R"({from: XZQH, do: [{code_map: {"211121": "211104", else_keep: true}}]})",
     R"({"XZQH": "211103"})", "211103"},
    // lookup
    {"lookup", "urgency", "{from: JJCD, do: [{lookup: {table: urgency, key: raw, value: urgency}}]}",
     R"({"JJCD": "紧急"})", "urgent"},
    {"lookup", "agency_name", "{from: CBDWBM, do: [{lookup: {table: departments}}]}", R"({"CBDWBM": "PJ002"})",
     "盘锦市公安局"},
    {"lookup", "agency_code", "{from: CBDWBM, do: [{lookup: {table: departments, value: credit_code}}]}",
     R"({"CBDWBM": "PJ002"})", "112111005463841653"},
    {"lookup", "status", "{from: GDZT, do: [{lookup: {table: case_status, key: raw, value: status}}]}",
     R"({"GDZT": "已挂起"})", "code not in table case_status (govsync-case-status 2026.1)", true},
    {"lookup", "status", "{from: GDZT, do: [{lookup: {table: case_status, key: raw, value: status, on_miss: null}}]}",
     R"({"GDZT": "已挂起"})", nullptr},
    {"lookup", "status_raw",
     "{from: GDZT, do: [{lookup: {table: case_status, key: raw, value: status, on_miss: keep}}]}",
     R"({"GDZT": "已挂起"})", "已挂起"},
    {"lookup", "appeal_type",
     "{from: LDLB, do: [{lookup: {table: appeal_type, key: raw, value: appeal_type, else: other}}]}",
     R"({"LDLB": "反映"})", "other"},
    {"lookup", "agency_code", "{from: CBDWBM, do: [{lookup: {table: departments, value: credit_code}}]}",
     R"({"CBDWBM": ""})", nullptr},
    // check_id
    {"check_id", "reporter_id_no", "{from: SFZH, do: [trim, check_id]}", R"({"SFZH": "211121197709020789"})",
     "211121197709020789"},
    {"check_id", "reporter_id_no", "{from: SFZH, do: [trim, check_id]}", R"({"SFZH": "21110320020507825x "})",
     "21110320020507825X"},
    {"check_id", "reporter_id_no", "{from: SFZH, do: [trim, check_id]}", R"({"SFZH": "211121770902078"})",
     "211121770902078"},
    {"check_id", "reporter_id_no", "{from: SFZH, do: [trim, check_id]}", R"({"SFZH": "211102199308258540"})",
     "not a valid GB 11643 citizen ID number: wrong check digit", true},
    {"check_id", "reporter_id_no", "{from: SFZH, do: [trim, check_id]}", R"({"SFZH": "211102199302308542"})",
     "not a valid GB 11643 citizen ID number: invalid birth date", true},
    // check_credit_code
    {"check_credit_code", "agency_code", "{from: deptCode, do: [check_credit_code]}",
     R"({"deptCode": "11211100571890051Y"})", "11211100571890051Y"},
    {"check_credit_code", "agency_code", "{from: deptCode, do: [check_credit_code]}",
     R"({"deptCode": "11211100571890051A"})", "11211100571890051A"},
    {"check_credit_code", "agency_code", "{from: deptCode, do: [check_credit_code]}",
     R"({"deptCode": "11211100571890051A"})",
     "credit code 11211100571890051A: wrong check character (kept: some early codes are legal without it)", false,
     "extensions._warnings"},
    {"check_credit_code", "agency_code", "{from: deptCode, do: [check_credit_code]}",
     R"({"deptCode": "1121110057189005"})",
     "not a GB 32100 unified social credit code: wrong length (a unified social credit code has 18 characters)", true},
    // mask_phone, mask_id, mask_name
    {"mask_phone", "extensions.phone_masked", "{from: LXDH, do: [mask_phone]}", R"({"LXDH": "13842712345"})",
     "138****2345"},
    {"mask_phone", "extensions.phone_masked", "{from: LXDH, do: [mask_phone]}", R"({"LXDH": "0427-2801234"})",
     "042*****1234"},
    {"mask_id", "extensions.id_masked", "{from: SFZH, do: [mask_id]}", R"({"SFZH": "211121197709020789"})",
     "211121********0789"},
    {"mask_name", "extensions.name_masked", "{from: LDRXM, do: [trim, mask_name]}", R"({"LDRXM": "张伟  "})", "张*"},
    {"mask_name", "extensions.name_masked", "{from: LDRXM, do: [trim, mask_name]}", R"({"LDRXM": "欧阳修"})", "欧**"},
    // hmac_key (GOVSYNC_HMAC_SALT=govsync-test-salt-0123456789, as ctest sets it)
    {"hmac_key", "reporter_key", "{from: LXDH, do: [hmac_key]}", R"({"LXDH": "13842712345"})",
     "bc6621c2c25a9e198f387ded0c124a0137b1657b377083d6d5ce4a0bca6b0c6f"},
    {"hmac_key", "reporter_key", "{from: SFZH, do: [hmac_key]}", R"({"SFZH": "21110320020507825X"})",
     "8d21244352daa35cf0092f7a65d7906708f07d0b3fd07a4e8960bee4c76980bb"},
    {"hmac_key", "reporter_key", "{from: SFZH, do: [hmac_key]}", R"({"SFZH": " 21110320020507825x"})",
     "8d21244352daa35cf0092f7a65d7906708f07d0b3fd07a4e8960bee4c76980bb"},
    // bd09_to_wgs84 (12345 hotline JD/WD), gcj02_to_wgs84 (随手拍, JT/T 808), wgs84
    {"bd09_to_wgs84", "lon", "{from: [JD, WD], do: [{bd09_to_wgs84: lon}]}",
     R"({"JD": "122.047923", "WD": "41.273633"})", "122.036121"},
    {"bd09_to_wgs84", "lat", "{from: [JD, WD], do: [{bd09_to_wgs84: lat}]}",
     R"({"JD": "122.047923", "WD": "41.273633"})", "41.265135"},
    {"bd09_to_wgs84", "lon", "{from: [JD, WD], do: [{bd09_to_wgs84: lon}]}", R"({"JD": "", "WD": ""})", nullptr},
    {"bd09_to_wgs84", "lon", "{from: [JD, WD], do: [{bd09_to_wgs84: lon}]}", R"({"JD": "0", "WD": "0"})",
     "coordinates (0, 0) are not a location (a device without a fix?)", true},
    {"gcj02_to_wgs84", "lon", "{from: [location.lng, location.lat], do: [{gcj02_to_wgs84: lon}]}",
     R"({"location": {"lng": 122.040957, "lat": 41.1448}})", "122.035537"},
    {"gcj02_to_wgs84", "lat", "{from: [location.lng, location.lat], do: [{gcj02_to_wgs84: lat}]}",
     R"({"location": {"lng": 122.040957, "lat": 41.1448}})", "41.142757"},
    {"gcj02_to_wgs84", "lon", "{from: [lon, lat], do: [{gcj02_to_wgs84: {part: lon, scale: 1000000}}]}",
     R"({"lon": 122059527, "lat": 41191302})", "122.054054"},
    {"gcj02_to_wgs84", "lat", "{from: [lon, lat], do: [{gcj02_to_wgs84: {part: lat, scale: 1000000}}]}",
     R"({"lon": 122059527, "lat": 41191302})", "41.189181"},
    {"gcj02_to_wgs84", "lon", "{from: [location.lng, location.lat], do: [{gcj02_to_wgs84: lon}]}",
     R"({"location": {"lng": 41.265162, "lat": 121.979791}})",
     "(41.265162, 121.979791) lies outside China (lon 72–138, lat 0.8–56): swapped, scaled or in another system?",
     true},
    {"wgs84", "lon", "{from: [lng, lat], do: [{wgs84: lon}]}", R"({"lng": "122.071234", "lat": "41.119876"})",
     "122.071234"},
    {"wgs84", "lat", "{from: [lng, lat], do: [{wgs84: {part: lat, scale: 1000000}}]}",
     R"({"lng": "122071234", "lat": "41119876"})", "41.119876"},
    {"wgs84", "lon", "{from: [lng, lat], do: [{wgs84: lon}]}", R"({"lng": "东经122度", "lat": "41.119876"})",
     "longitude/latitude are not numbers", true},
};

std::string functionMapping(const FunctionExample& e) {
  return std::string("mapping: fn_example\nkind: CASE\nfields:\n  source_id: {value: \"1\"}\n  case_no: ") +
         (std::string(e.target) == "case_no" ? std::string(e.rule) + "\n"
                                             : "{value: \"1\"}\n  " + std::string(e.target) + ": " + e.rule + "\n");
}

// --- rule forms (guide §4) --------------------------------------------------------------------------------

struct RuleExample {
  const char* what;
  const char* fields;  // YAML lines under `fields:` besides source_id/case_no (indented 2)
  const char* row;     // JSON
  const char* target;  // field to read
  const char* expect;  // nullptr: left empty
};
std::ostream& operator<<(std::ostream& os, const RuleExample& e) { return os << e.what; }

const RuleExample kRuleExamples[] = {
    {"shorthand column", "  title: SQBT\n", R"({"SQBT": "井盖丢失"})", "title", "井盖丢失"},
    {"constant value", "  case_kind: {value: hotline}\n", R"({})", "case_kind", "hotline"},
    {"default when empty", "  urgency: {from: JJCD, default: normal}\n", R"({"JJCD": ""})", "urgency", "normal"},
    {"default when missing", "  urgency: {from: JJCD, default: normal}\n", R"({})", "urgency", "normal"},
    {"default-only rule", "  urgency: {default: normal}\n", R"({})", "urgency", "normal"},
    {"when/then/else then",
     "  urgency: {when: {field: JJCD, in: [紧急, 特急]}, then: {value: urgent}, else: {value: normal}}\n",
     R"({"JJCD": "特急"})", "urgency", "urgent"},
    {"when/then/else else",
     "  urgency: {when: {field: JJCD, in: [紧急, 特急]}, then: {value: urgent}, else: {value: normal}}\n",
     R"({"JJCD": "一般"})", "urgency", "normal"},
    {"when without else", "  coord_sys_original: {when: {field: JD, empty: false}, then: {value: bd09}}\n",
     R"({"JD": ""})", "coord_sys_original", nullptr},
    {"when with empty: false", "  coord_sys_original: {when: {field: JD, empty: false}, then: {value: bd09}}\n",
     R"({"JD": "122.047923"})", "coord_sys_original", "bd09"},
    {"then column shorthand", "  title: {when: {field: SQBT, empty: true}, then: SQNR, else: SQBT}\n",
     R"({"SQBT": "", "SQNR": "自来水发黄浑浊"})", "title", "自来水发黄浑浊"},
    {"equals", "  return_reason: {when: {field: GDZT, equals: 已退单}, then: THYY}\n",
     R"({"GDZT": "已退单", "THYY": "诉求地址不详"})", "return_reason", "诉求地址不详"},
    {"not_equals", "  return_reason: {when: {field: GDZT, not_equals: 已退单}, then: {value: 无}}\n",
     R"({"GDZT": "已退单"})", "return_reason", nullptr},
    {"matches is a whole match",
     "  extensions.kind: {when: {field: GDBH, matches: 'GD\\d+'}, then: {value: hotline}, else: {value: other}}\n",
     R"({"GDBH": "GD202610050026x"})", "extensions.kind", "other"},
    {"matches",
     "  extensions.kind: {when: {field: GDBH, matches: 'GD\\d+'}, then: {value: hotline}, else: {value: other}}\n",
     R"({"GDBH": "GD202610050026"})", "extensions.kind", "hotline"},
    {"all",
     "  urgency: {when: {all: [{field: JJCD, equals: 紧急}, {field: SLQD, equals: 上级交办}]}, then: {value: "
     "emergency}, else: {value: normal}}\n",
     R"({"JJCD": "紧急", "SLQD": "上级交办"})", "urgency", "emergency"},
    {"any",
     "  urgency: {when: {any: [{field: JJCD, equals: 特急}, {field: SLQD, equals: 上级交办}]}, then: {value: "
     "urgent}}\n",
     R"({"JJCD": "一般", "SLQD": "上级交办"})", "urgency", "urgent"},
    {"not",
     "  is_anonymous: {when: {not: {field: LDRXM, empty: true}}, then: {value: \"false\"}, else: {value: \"true\"}}\n",
     R"({"LDRXM": ""})", "is_anonymous", "true"},
    {"condition sees untrimmed text",
     "  urgency: {when: {field: JJCD, equals: 紧急}, then: {value: urgent}, else: {value: normal}}\n",
     R"({"JJCD": "紧急 "})", "urgency", "normal"},
    {"branch default", "  title: {when: {field: SQBT, empty: false}, then: SQBT, else: {default: （无标题）}}\n",
     R"({"SQBT": ""})", "title", "（无标题）"},
    {"rule default after when",
     "  urgency: {when: {field: JJCD, equals: 紧急}, then: {value: urgent}, default: normal}\n", R"({"JJCD": "一般"})",
     "urgency", "normal"},
    {"map field extensions", "  extensions.promise_type: promiseTime\n", R"({"promiseTime": 1})",
     "extensions.promise_type", "1"},
    {"nested JSON column", "  address: location.address\n", R"({"location": {"address": "兴隆台区泰山小区"}})",
     "address", "兴隆台区泰山小区"},
    {"JSON array to a list field", "  media_urls: photos\n", R"({"photos": ["a.jpg", "b.jpg"]})", "media_urls",
     R"(["a.jpg", "b.jpg"])"},
    {"empty JSON array", "  media_urls: photos\n", R"({"photos": []})", "media_urls", R"([])"},
    {"text to a list field", "  media_urls: photo\n", R"({"photo": "a.jpg"})", "media_urls", R"(["a.jpg"])"},
    {"text to an integer field", "  satisfaction_level: n\n", R"({"n": " 4 "})", "satisfaction_level", "4"},
    {"text to a number field", "  lon: x\n", R"({"x": "122.071234"})", "lon", "122.071234"},
    {"text to a boolean field", "  is_anonymous: SFNM\n", R"({"SFNM": "是"})", "is_anonymous", "true"},
    {"JSON boolean to a boolean field", "  is_anonymous: anonymous\n", R"({"anonymous": false})", "is_anonymous",
     "false"},
    {"RFC 3339 text to an instant", "  received_at: t\n", R"({"t": "2026-10-01T13:01:21+08:00"})", "received_at",
     "2026-10-01T05:01:21.000Z"},
    {"text to an enum", "  status: s\n", R"({"s": " CLOSED "})", "status", "CLOSED"},
    {"instant to text", "  extensions.received: {from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}\n",
     R"({"SLSJ": "20261005083507"})", "extensions.received", "2026-10-05T00:35:07.000Z"},
    {"source_system default", "  title: {value: x}\n", R"({})", "source_system", "rules"},
};

// A value the target field's type cannot take (guide §5): a dead letter at stage map, without a function.
struct ConversionError {
  const char* target;
  const char* value;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const ConversionError& e) { return os << e.target << " = " << e.value; }

const ConversionError kConversionErrors[] = {
    {"satisfaction_level", "四", "'四' is not an integer"},
    {"lon", "东经122度", "'东经122度' is not a number"},
    {"is_anonymous", "匿名", "'匿名' is not a boolean (true/false, 1/0, 是/否)"},
    {"received_at", "2026-10-05 08:35:07",
     "'2026-10-05 08:35:07' is not a time with an offset; use parse_time with the source's format"},
    {"urgency", "紧急", "'紧急' is not a Urgency (normal, urgent, emergency)"},
    {"status", "closed",
     "'closed' is not a CaseStatus (RECEIVED, DISPATCHED, ACCEPTED, IN_PROGRESS, RESPONDED, "
     "REVISITED, CLOSED, RETURNED, REOPENED, CANCELLED)"},
};

// --- compile errors (guide §11) ---------------------------------------------------------------------------

// The guide's mapping with seven mistakes; every one is reported, with its line and column.
const char* const kSevenMistakes =
    "mapping: hotline_12345\n"                                                                   // 1
    "kind: CASE\n"                                                                               // 2
    "source_system: hotline_12345\n"                                                             // 3
    "encoding: gb18030\n"                                                                        // 4
    "fields:\n"                                                                                  // 5
    "  source_id: GDBH\n"                                                                        // 6
    "  received_at: {from: SLSJ, do: [trimm, {parse_time: YYYYMMDDhhmmsss}]}\n"                  // 7
    "  title: {from: SQBT, do: [{substring: {start: first}}]}\n"                                 // 8
    "  categry_code: FLBM\n"                                                                     // 9
    "  status: {from: GDZT, do: [{lookup: {table: case_statuses, key: raw, value: status}}]}\n"  // 10
    "  urgency: {from: JJCD, do: [{code_map: {一般: normal, 紧急: urgentt}}]}\n";                // 11

struct ExpectedProblem {
  int line, column;
  const char* message;  // start of the message
  const char* hint;     // part of the hint ("" for none)
};

const ExpectedProblem kSevenProblems[] = {
    {7, 34, "unknown function 'trimm'", "did you mean 'trim'?"},
    {7, 54, "unparseable time format 'YYYYMMDDhhmmsss': time format 'YYYYMMDDhhmmsss': 'sss' at byte 12", "e.g."},
    {8, 48, "argument 'start' must be an integer, got 'first'", ""},
    {9, 3, "unknown target field 'categry_code' for kind CASE", "did you mean 'category_code'?"},
    {10, 46, "missing code table: code table file ", "named <table>.csv"},
    {11, 12, "'urgentt' is not a value of Urgency for field urgency", "one of normal, urgent, emergency"},
    {6, 3, "required unified field case_no has no rule", "add `case_no: <source column>` under fields"},
};

struct SingleProblem {
  const char* what;
  const char* fields;  // YAML under fields (source_id and case_no are given)
  int line, column;    // in the whole file (fields start at line 6)
  const char* message;
};
std::ostream& operator<<(std::ostream& os, const SingleProblem& p) { return os << p.what; }

// Each compile-time failure the guide's function reference shows, on line 6 of a small file.
const SingleProblem kSingleProblems[] = {
    {"substring start", "  title: {from: SQBT, do: [{substring: {start: -1}}]}\n", 6, 48,
     "substring start must be 0 or more"},
    {"substring unknown argument", "  title: {from: SQBT, do: [{substring: {start: 0, lenght: 6}}]}\n", 6, 51,
     "unknown argument 'lenght' of substring"},
    {"regex syntax", "  title: {from: SQBT, do: [{regex_extract: '(\\d+'}]}\n", 6, 44,
     "invalid regular expression '(\\d+': missing )"},
    {"regex_replace without pattern", "  title: {from: SQBT, do: [{regex_replace: {with: x}}]}\n", 6, 44,
     "missing argument 'pattern'"},
    {"replace without from", "  title: {from: SQBT, do: [{replace: {to: x}}]}\n", 6, 38, "missing argument 'from'"},
    {"split with an empty separator", "  media_urls: {from: photos, do: [{split: \"\"}]}\n", 6, 43,
     "split needs a non-empty separator"},
    {"default without a value", "  title: {from: SQBT, do: [{default: [a, b]}]}\n", 6, 38,
     "default needs a single value"},
    {"named formats are lower case", "  received_at: {from: t, do: [{parse_time: ISO8601}]}\n", 6, 44,
     "unparseable time format 'ISO8601': time format 'ISO8601': named formats are lower case; write iso8601"},
    {"two-digit year", "  received_at: {from: t, do: [{parse_time: YYMMDDhhmmss}]}\n", 6, 44,
     "unparseable time format 'YYMMDDhhmmss': time format 'YYMMDDhhmmss': 'YY' at byte 0: the year must be 4 "
     "letters"},
    {"unknown zone", "  received_at: {from: t, do: [{parse_time: {format: iso8601, zone: Asia/Panjin}}]}\n", 6, 68,
     "unknown time zone: time zone 'Asia/Panjin'"},
    {"unknown rating scheme", "  satisfaction_level: {from: s, do: [{rating: hcp}]}\n", 6, 47,
     "unknown rating scheme 'hcp'"},
    {"code_map output not in the enum", "  channel: {from: SLQD, do: [{code_map: {\"1\": phone, \"2\": mobile}}]}\n", 6,
     12, "'mobile' is not a value of CaseChannel for field channel"},
    {"constant not in the enum", "  status: {value: closed}\n", 6, 11, "'closed' is not a value of CaseStatus"},
    {"empty code_map", "  urgency: {from: JJCD, do: [{code_map: {}}]}\n", 6, 41,
     "code_map needs a table of CODE: VALUE pairs"},
    {"lookup column", "  urgency: {from: JJCD, do: [{lookup: {table: urgency, key: code, value: urgency}}]}\n", 6, 61,
     "code table urgency has no column 'code'"},
    {"lookup version pin",
     "  urgency: {from: JJCD, do: [{lookup: {table: urgency, key: raw, value: urgency, version: \"2025\"}}]}\n", 6, 91,
     "code table urgency is version 'govsync-urgency 2026.1', the mapping pins '2025'"},
    {"lookup on_miss",
     "  urgency: {from: JJCD, do: [{lookup: {table: urgency, key: raw, value: urgency, on_miss: skip}}]}\n", 6, 91,
     "on_miss must be fail, null or keep"},
    {"hmac_key without a salt", "  reporter_key: {from: SFZH, do: [{hmac_key: {salt_env: GOVSYNC_NO_SUCH_SALT}}]}\n", 6,
     46, "hmac_key needs a secret salt of at least 16 characters in environment variable GOVSYNC_NO_SUCH_SALT"},
    {"geo part", "  lon: {from: [JD, WD], do: [{bd09_to_wgs84: x}]}\n", 6, 46,
     "bd09_to_wgs84 needs which coordinate to yield: lon or lat"},
    {"two columns need a combiner", "  lat: {from: [JD, WD], do: [trim]}\n", 6, 15,
     "this rule reads 2 source fields: start `do` with a function that combines them"},
    {"unknown rule key", "  title: {from: SQBT, do: [trim], requird: true}\n", 6, 35, "unknown rule key 'requird'"},
    {"on_error value", "  title: {from: SQBT, on_error: ignore}\n", 6, 33, "on_error must be fail, warn or null"},
    {"on_error in a branch", "  title: {when: {field: a, empty: true}, then: {from: b, on_error: warn}}\n", 6, 68,
     "on_error belongs on the field's rule, not inside then/else"},
    {"reserved field", "  record_id: GDBH\n", 6, 3, "field record_id is set by govsync, not by a mapping"},
    {"map field without a key", "  extensions: GDBH\n", 6, 3, "extensions is a map: name the entry"},
    {"key on a plain field", "  title.x: GDBH\n", 6, 3, "title is not a map field; 'title.x' is not a field"},
    {"two rules for a field", "  title: a\n  title: b\n", 7, 3, "field title has two rules"},
    {"unknown condition", "  title: {when: {field: a, contains: b}, then: a}\n", 6, 28, "unknown condition 'contains'"},
    {"when with from", "  title: {from: a, when: {field: a, empty: true}, then: b}\n", 6, 26,
     "a when-rule computes its value in then/else, not beside them"},
};

// The first mapping of the guide (§2), run on the 12345 hotline sample with the shipped code tables.
const char* const kFirstMapping =
    "mapping: hotline_12345\n"
    "version: \"2026.1\"                      # optional label for people; the real version is a hash (§9)\n"
    "description: 12345 hotline work orders (GB18030 CSV export)\n"
    "kind: CASE\n"
    "encoding: gb18030\n"
    "skip_when:\n"
    "  - {field: GDZT, equals: 已撤销}       # cancelled orders are not cases\n"
    "fields:\n"
    "  source_id: GDBH                       # shorthand: copy the column\n"
    "  case_no: {from: GDBH, do: [trim]}\n"
    "  case_kind: {value: hotline}           # a constant\n"
    "  received_at: {from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}   # Beijing time → UTC\n"
    "  status_raw: GDZT\n"
    "  status: {from: GDZT, do: [trim, {lookup: {table: case_status, key: raw, value: status}}]}\n"
    "  region_code: {from: XZQH, do: [{code_map: {\"211121\": \"211104\", else_keep: true}}]}  # 大洼县 → 大洼区\n"
    "  lon: {from: [JD, WD], do: [{bd09_to_wgs84: lon}]}                # Baidu → WGS-84\n"
    "  lat: {from: [JD, WD], do: [{bd09_to_wgs84: lat}]}\n"
    "  satisfaction_level: {from: HFMYD, do: [{rating: label}]}         # 非常满意 … 非常不满意 → 5 … 1\n";

std::string sourceDir() {
  const char* dir = std::getenv("GOVSYNC_SOURCE_DIR");
  return dir ? dir : ".";
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// docs/mapping-guide.md with the table escape `\|` read as `|`.
const std::string& guide() {
  static const std::string text = [] {
    std::string t = readText(sourceDir() + "/docs/mapping-guide.md");
    for (size_t pos; (pos = t.find("\\|")) != std::string::npos;) t.erase(pos, 1);
    return t;
  }();
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mapping_engine)

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(guide_examples)

BOOST_DATA_TEST_CASE(every_function_example, bdata::make(kFunctionExamples), e) {
  const auto m = compile("fn_example", functionMapping(e));
  const auto batch = jsonRows(e.row);
  const auto out = mapAll(m, batch);
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  const auto& o = out[0];
  if (e.fails) {
    BOOST_REQUIRE_MESSAGE(o.kind == RowOutcome::Kind::DeadLetter, "expected a dead letter, got " + describe(o));
    BOOST_TEST(o.stage == "map");
    BOOST_TEST(o.field == e.target);
    BOOST_TEST(o.function == e.function);
    BOOST_TEST(o.error.rfind(e.expect, 0) == 0, "reason '" << o.error << "' should start with '" << e.expect << "'");
    return;
  }
  BOOST_REQUIRE_MESSAGE(o.kind == RowOutcome::Kind::Record, describe(o));
  const std::string read = e.read ? e.read : e.target;
  const auto got = fieldText(o.record, read);
  if (!e.expect) {
    BOOST_TEST(!got.has_value(), read << " should be empty, is '" << got.value_or("") << "'");
    return;
  }
  BOOST_REQUIRE_MESSAGE(got.has_value(), read + " is empty");
  if (isDoubleField(read)) {
    BOOST_TEST(std::abs(std::stod(*got) - std::stod(e.expect)) < 1e-6,
               read << " = " << *got << ", guide says " << e.expect);
  } else {
    BOOST_TEST(*got == e.expect);
  }
}

// Every function `govsync mapping functions` lists has at least one worked example above.
BOOST_AUTO_TEST_CASE(every_listed_function_has_an_example) {
  for (const auto* spec : builtinFunctions().list()) {
    bool found = false;
    for (const auto& e : kFunctionExamples) found = found || spec->name == e.function;
    BOOST_TEST(found, "no worked example for " << spec->name);
  }
}

// The tables above are the guide's: each example's rule is written there as it is here.
BOOST_AUTO_TEST_CASE(the_guide_shows_these_examples) {
  for (const auto& e : kFunctionExamples) {
    const std::string rule = std::string(e.target) + ": " + e.rule;
    BOOST_TEST(guide().find("`" + rule + "`") != std::string::npos, "not in the guide: " << rule);
  }
  for (const auto& e : kRuleExamples) {
    std::string rule = e.fields;
    rule = rule.substr(2, rule.size() - 3);  // "  title: SQBT\n" → "title: SQBT"
    BOOST_TEST(guide().find(rule) != std::string::npos, "not in the guide: " << rule);
  }
  BOOST_TEST(guide().find(kFirstMapping) != std::string::npos);
  BOOST_TEST(guide().find(kSevenMistakes) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_first_mapping_on_the_hotline_sample) {
  const auto m = compile("hotline_12345", kFirstMapping, sourceDir() + "/mappings/codes");
  BOOST_TEST(m->label == "2026.1");
  RowBatch batch;
  const auto readErrors =
      readDelimitedRows(readText(sourceDir() + "/mappings/samples/hotline_12345.csv"), DelimitedOptions{}, batch);
  BOOST_TEST(readErrors.size() == 1u);  // row 55 is cut short
  MappingStats stats;
  const auto out = mapAll(m, batch, &stats);
  // Sample README, golden row 7 (data row 7 = batch row 6: the cut row is later).
  const auto& r7 = out.at(6);
  BOOST_REQUIRE_MESSAGE(r7.kind == RowOutcome::Kind::Record, describe(r7));
  BOOST_TEST(field(r7.record, "case_no") == "GD202610050026");
  BOOST_TEST(field(r7.record, "received_at") == "2026-10-05T00:35:07.000Z");
  BOOST_TEST(field(r7.record, "status") == "CLOSED");
  BOOST_TEST(field(r7.record, "status_raw") == "已办结");
  BOOST_TEST(field(r7.record, "region_code") == "211122");
  BOOST_TEST(std::abs(std::stod(field(r7.record, "lon")) - 122.036121) < 1e-6);
  BOOST_TEST(std::abs(std::stod(field(r7.record, "lat")) - 41.265135) < 1e-6);
  BOOST_TEST(field(r7.record, "satisfaction_level") == "4");
  // Golden row 11: legacy 211121 → 211104.
  BOOST_TEST(field(out.at(10).record, "region_code") == "211104");
  // Bad rows: 12 unparseable time, 28 unknown status, 35 no case number; row 44's invalid GB18030 bytes are
  // in LDRXM, which this mapping does not read, so that row maps.
  BOOST_TEST(out.at(11).function == "parse_time");
  BOOST_TEST(out.at(27).function == "lookup");
  BOOST_TEST(out.at(34).error == "required field source_id is empty");
  BOOST_TEST(out.at(43).kind == RowOutcome::Kind::Record);
  BOOST_TEST(stats.deadLetters == 3u);
  BOOST_TEST(stats.skipped + stats.records + stats.deadLetters == batch.size());
  BOOST_TEST(stats.skipped > 0u);
  BOOST_TEST((stats.lookupMisses == std::map<std::string, size_t>{{"case_status:已挂起", 1}}));
}

BOOST_DATA_TEST_CASE(every_rule_example, bdata::make(kRuleExamples), e) {
  const std::string text =
      std::string("mapping: rules\nkind: CASE\nfields:\n  source_id: {value: \"1\"}\n  case_no: {value: \"1\"}\n") +
      e.fields;
  const auto out = mapAll(compile("rules", text), jsonRows(e.row));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::Record, describe(out[0]));
  const auto got = fieldText(out[0].record, e.target);
  if (!e.expect) {
    BOOST_TEST(!got.has_value(), e.target << " should be empty, is '" << got.value_or("") << "'");
  } else {
    BOOST_REQUIRE_MESSAGE(got.has_value(), std::string(e.target) + " is empty");
    BOOST_TEST(*got == e.expect);
  }
}

BOOST_DATA_TEST_CASE(every_conversion_error, bdata::make(kConversionErrors), e) {
  const std::string text = std::string(
                               "mapping: convert\nkind: CASE\nfields:\n  source_id: {value: \"1\"}\n  case_no: "
                               "{value: \"1\"}\n  ") +
                           e.target + ": v\n";
  const auto out = mapAll(compile("convert", text), jsonRows(std::string(R"({"v": ")") + e.value + "\"}"));
  BOOST_REQUIRE_MESSAGE(out[0].kind == RowOutcome::Kind::DeadLetter, describe(out[0]));
  BOOST_TEST(out[0].stage == "map");
  BOOST_TEST(out[0].field == e.target);
  BOOST_TEST(out[0].function == "");
  BOOST_TEST(out[0].value == e.value);
  BOOST_TEST(out[0].error == e.reason);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(compile_errors)

BOOST_AUTO_TEST_CASE(seven_mistakes_in_one_file_are_all_reported_with_line_and_column) {
  const auto problems = problemsOf("hotline_12345", kSevenMistakes, makeTempDir());
  BOOST_REQUIRE_EQUAL(problems.size(), std::size(kSevenProblems));
  for (size_t i = 0; i < problems.size(); ++i) {
    const auto& p = problems[i];
    const auto& want = kSevenProblems[i];
    BOOST_TEST_CONTEXT(p.toString()) {
      BOOST_TEST(p.file == "/tmp/x/hotline_12345.yaml");
      BOOST_TEST(p.line == want.line);
      BOOST_TEST(p.column == want.column);
      BOOST_TEST(p.message.rfind(want.message, 0) == 0);
      BOOST_TEST(p.hint.find(want.hint) != std::string::npos);
      BOOST_TEST(p.toString().rfind("/tmp/x/hotline_12345.yaml:" + std::to_string(want.line) + ":" +
                                        std::to_string(want.column) + ": " + want.message,
                                    0) == 0);
    }
  }
}

BOOST_DATA_TEST_CASE(each_mistake_is_placed, bdata::make(kSingleProblems), p) {
  const std::string text =
      std::string("mapping: one\nkind: CASE\nfields:\n  source_id: GDBH\n  case_no: GDBH\n") + p.fields;
  const auto problems = problemsOf("one", text);
  BOOST_REQUIRE_MESSAGE(!problems.empty(), "no problem reported");
  bool found = false;
  for (const auto& got : problems)
    found = found || (got.line == p.line && got.column == p.column && got.message.rfind(p.message, 0) == 0);
  std::string all;
  for (const auto& got : problems) all += "\n  " + got.toString();
  BOOST_TEST(found, "expected " << p.line << ":" << p.column << ": " << p.message << "; got" << all);
}

BOOST_AUTO_TEST_CASE(header_mistakes) {
  const auto problems = problemsOf("hotline_12345",
                                   "mapping: hotline\n"
                                   "kind: CASES\n"
                                   "encoding: big5\n"
                                   "colums: {}\n"
                                   "fields: {}\n");
  std::vector<std::string> got;
  for (const auto& p : problems) got.push_back(p.toString());
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  BOOST_TEST(got[0].rfind("/tmp/x/hotline_12345.yaml:4:1: unknown top-level key 'colums'", 0) == 0);
  BOOST_TEST(got[1].rfind("/tmp/x/hotline_12345.yaml:1:10: mapping name 'hotline' differs from the file name "
                          "'hotline_12345'",
                          0) == 0);
  BOOST_TEST(got[2].rfind("/tmp/x/hotline_12345.yaml:2:7: unknown kind 'CASES'", 0) == 0);
  BOOST_TEST(got[3].rfind("/tmp/x/hotline_12345.yaml:3:11: unknown encoding 'big5'", 0) == 0);
}

BOOST_AUTO_TEST_CASE(required_false_on_a_required_field) {
  const auto problems = problemsOf("reviews",
                                   "mapping: reviews\nkind: REVIEW\nfields:\n  source_id: a\n  review_id: {from: a, "
                                   "required: false}\n  level: b\n  evaluated_at: c\n");
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 5);
  BOOST_TEST(problems[0].column == 34);
  BOOST_TEST(problems[0].message == "field review_id is required by the schema");
}

BOOST_AUTO_TEST_CASE(yaml_syntax_error) {
  const auto problems = problemsOf("syn",
                                   "mapping: syn\nkind: CASE\nfields:\n  source_id: GDBH\n  case_no: {from: "
                                   "GDBH, do: [trim}\n");
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].toString() == "/tmp/x/syn.yaml:5:34: not valid YAML: illegal flow end");
}

BOOST_AUTO_TEST_SUITE_END()

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

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(versions)

const char* const kVersioned =
    "mapping: versioned\nversion: \"2026.1\"\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n"
    "  urgency: {from: u, do: [{lookup: {table: urgency, key: raw, value: urgency}}]}\n";

BOOST_AUTO_TEST_CASE(the_version_is_a_hash_of_the_file_and_its_tables) {
  const std::string dir = makeTempDir();
  writeFile(dir + "/urgency.csv", "# version: u1\nraw,urgency\n一般,normal\n紧急,urgent\n");
  writeFile(dir + "/unused.csv", "code,name\n1,a\n");
  const auto a = compile("versioned", kVersioned, dir);
  BOOST_TEST(a->version.size() == 12u);
  BOOST_TEST(a->label == "2026.1");
  BOOST_TEST(a->versionTag() == "versioned@" + a->version);
  BOOST_TEST(a->tables.size() == 1u);

  // Same bytes, same version.
  BOOST_TEST(compile("versioned", kVersioned, dir)->version == a->version);
  // A comment changes the file, so the version.
  const auto b = compile("versioned", std::string(kVersioned) + "# reviewed 2026-11-02\n", dir);
  BOOST_TEST(b->version != a->version);
  // A table the mapping does not use changes nothing.
  writeFile(dir + "/unused.csv", "code,name\n1,b\n");
  BOOST_TEST(compile("versioned", kVersioned, dir)->version == a->version);
  // The table it uses: a new row changes the version even with the same label…
  writeFile(dir + "/urgency.csv", "# version: u1\nraw,urgency\n一般,normal\n紧急,urgent\n特急,emergency\n");
  const auto c = compile("versioned", kVersioned, dir);
  BOOST_TEST(c->version != a->version);
  // …and records carry name@version.
  const auto out = mapAll(c, jsonRows(R"({"a": "1", "u": "特急"})"));
  BOOST_REQUIRE(out[0].kind == RowOutcome::Kind::Record);
  BOOST_TEST(out[0].record.envelope.mapping == "versioned@" + c->version);
  // The label alone does not make the version.
  std::string relabelled = kVersioned;
  relabelled.replace(relabelled.find("2026.1"), 6, "2026.2");
  BOOST_TEST(compile("versioned", relabelled, dir)->version != c->version);
}

BOOST_AUTO_TEST_CASE(compile_file_reads_the_file) {
  const std::string dir = makeTempDir();
  writeFile(dir + "/water_fault.yaml", "mapping: water_fault\nkind: CASE\nfields:\n  source_id: a\n  case_no: a\n");
  CompileOptions options;
  options.codesDir = dir;
  const auto m = compileMappingFile(dir + "/water_fault.yaml", options);
  BOOST_TEST(m->name == "water_fault");
  BOOST_TEST(m->sourceSystem == "water_fault");
  BOOST_TEST(m->version == compile("water_fault",
                                   "mapping: water_fault\nkind: CASE\nfields:\n  source_id: a\n  "
                                   "case_no: a\n")
                               ->version);
  BOOST_CHECK_THROW(compileMappingFile(dir + "/missing.yaml", options), MappingCompileError);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(hostile_yaml)

struct Hostile {
  const char* what;
  std::string (*text)();
  const char* message;  // start of the first problem
};
std::ostream& operator<<(std::ostream& os, const Hostile& h) { return os << h.what; }

const Hostile kHostile[] = {
    {"10,000 [", [] { return std::string(10000, '['); }, "mapping nests deeper than 64 levels"},
    {"10,000 { after a key", [] { return "mapping: x\nfields: " + std::string(10000, '{'); },
     "mapping nests deeper than 64 levels"},
    {"alias bomb",
     [] {
       std::string s = "mapping: bomb\nkind: CASE\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
       for (int i = 1; i < 10; ++i) {
         s += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
         for (int k = 0; k < 9; ++k) s += (k ? ", *a" : "*a") + std::to_string(i - 1);
         s += "]\n";
       }
       return s + "fields: {source_id: *a9}\n";
     },
     "mapping is too large"},
    {"alias bomb in deep block nesting",
     [] {
       std::string s = "mapping: bomb\nkind: CASE\nfields: {source_id: a, case_no: a}\nskip_when:\n  all:\n";
       std::string indent = "  ";
       for (int i = 0; i < 210; ++i) {
         indent += "  ";
         s += indent + "- all:\n";
         indent += "  ";
       }
       s += indent + "- &c0 {field: x, equals: y}\n";
       for (int k = 1; k < 9; ++k) {
         s += indent + "- &c" + std::to_string(k) + " {all: [";
         for (int j = 0; j < 9; ++j) s += (j ? ", *c" : "*c") + std::to_string(k - 1);
         s += "]}\n";
       }
       return s;
     },
     "mapping is too large"},
    {"2 MB file", [] { return "mapping: big\nkind: CASE\n# " + std::string(2 * 1024 * 1024, 'x') + "\n"; },
     "mapping file is larger than 1 MiB"},
    {"deep block maps",
     [] {
       std::string s;
       for (int i = 0; i < 1000; ++i) s += std::string(static_cast<size_t>(i), ' ') + "k:\n";
       return s;
     },
     ""},
    {"nested block sequences",
     [] {
       std::string s;
       for (int i = 0; i < 2000; ++i) s += "- ";
       return s + "x\n";
     },
     ""},
    {"undefined alias", [] { return std::string("mapping: x\nkind: CASE\nfields: {source_id: *nope}\n"); },
     "not valid YAML"},
    {"not a map", [] { return std::string("- mapping\n- kind\n"); }, "a mapping file must be a YAML map"},
    {"empty file", [] { return std::string(); }, "a mapping file must be a YAML map"},
    {"only comments", [] { return std::string("# hotline\n# mapping: hotline_12345\n"); },
     "a mapping file must be a YAML map"},
    {"binary garbage", [] { return std::string("\xFF\xFE\x00\x01mapping: [\x80\x81", 16); }, ""},
    {"unterminated quote", [] { return std::string("mapping: x\nkind: CASE\nfields: {source_id: \"GDBH"); },
     "not valid YAML"},
};

BOOST_DATA_TEST_CASE(gives_a_compile_error_never_a_crash, bdata::make(kHostile), h) {
  std::vector<CompileProblem> problems;
  try {
    compile("x", h.text());
    BOOST_FAIL("compiled");
  } catch (const MappingCompileError& e) {
    problems = e.problems();
  }
  BOOST_REQUIRE(!problems.empty());
  BOOST_TEST(problems[0].message.rfind(h.message, 0) == 0, problems[0].toString());
  for (const auto& p : problems) BOOST_TEST((p.line >= 1 && p.column >= 1), p.toString());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
