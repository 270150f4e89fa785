// Tests of the mapping engine (compiler + runner) against docs/mapping-guide.md: every worked example of the
// guide is a row of a table below — change the guide, change the row. Mappings are compiled from strings
// (compileMappingText with a path whose stem is the mapping name), rows come from the real readers, code
// tables are temp CSVs (engine_test_support.h). Also: the guide's first mapping on the hotline sample.
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/rows/row_readers.h"
#include "mappings/engine/compiled_mapping.h"
#include "mappings/engine/mapping_compiler.h"
#include "tests/mappings/engine_test_support.h"

namespace bdata = boost::unit_test::data;
using namespace govsync;
using namespace govsync::mapping;
using namespace govsync::mapping::engine_test;

namespace {

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

BOOST_AUTO_TEST_SUITE_END()
