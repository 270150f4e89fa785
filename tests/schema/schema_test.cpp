// The unified schema's forms: a fully populated record of every kind (every
// field of the generated field tables set, so this suite grows with the IDL)
// survives the Thrift binary and JSON forms exactly; the JSON rules (names,
// enums, instants, omitted fields, masking); bad input is rejected field by
// field; corrupt bytes are an Error(Corrupt), never a crash.
#include <Poco/JSON/Parser.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/record/masking.h"
#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "schema/record_schema.h"

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::FieldInfo;
using govsync::schema::FieldType;
using govsync::schema::PiiKind;
using govsync::schema::Record;
using govsync::schema::RecordKind;

namespace {

const std::vector<RecordKind::type> kKinds = {RecordKind::CASE, RecordKind::REVIEW, RecordKind::OBSERVATION};

// 2022-09-25T06:03:00.000Z
constexpr int64_t kInstant = 1664085780000;

std::vector<const FieldInfo*> fieldsOf(RecordKind::type kind) {
  std::vector<const FieldInfo*> out;
  for (const auto& f : govsync::schema::envelopeFields()) out.push_back(&f);
  for (const auto& f : govsync::schema::bodyFields(kind)) out.push_back(&f);
  return out;
}

std::string sampleText(const FieldInfo& f) {
  switch (f.pii) {
    case PiiKind::Name: return "张三";
    case PiiKind::Phone: return "13812341234";
    case PiiKind::IdNo: return "211102199001011234";
    case PiiKind::None: break;
  }
  if (f.name == "region_code") return "211102";
  if (f.name == "source_system") return "hotline12345";
  // Quotes, backslashes, control characters and CJK: everything the JSON
  // form must escape and keep.
  return std::string(f.name) + " 值 \"q\" \\ \n\t\x01 ✓";
}

// Sets every field of `kind` to a distinct, valid, non-default value.
Record fullRecord(RecordKind::type kind) {
  Record r;
  r.envelope.kind = kind;
  int n = 0;
  for (const FieldInfo* f : fieldsOf(kind)) {
    ++n;
    switch (f->type) {
      case FieldType::String: *f->mutString(r) = sampleText(*f); break;
      case FieldType::Int32: *f->mutInt32(r) = 2; break;  // valid as level, eval_seq, satisfaction_level
      case FieldType::Int64: *f->mutInt64(r) = 1234567890123 + n; break;
      case FieldType::Instant: *f->mutInt64(r) = kInstant + 1001 * (n - 1) + (n % 2 ? 7 : 0); break;
      case FieldType::Double:
        *f->mutDouble(r) = f->name == "lon" ? 122.0712345678901 : f->name == "lat" ? 41.12345678901 : 0.1 * n - 3;
        break;
      case FieldType::Bool: *f->mutBool(r) = true; break;
      case FieldType::Enum:
        if (f->name == "kind")
          f->setEnum(r, kind);
        else
          f->setEnum(r, f->enumInfo->members[static_cast<size_t>(n) % f->enumInfo->members.size()].value);
        break;
      case FieldType::StringList: *f->mutList(r) = {"https://oss.example/a.jpg", "中文", ""}; break;
      case FieldType::StringMap: *f->mutMap(r) = {{"k1", "v1"}, {"键", "值"}, {"empty", ""}}; break;
    }
  }
  return r;
}

// The first instant field of the envelope gets exactly kInstant.
const FieldInfo& firstInstant(RecordKind::type kind) {
  for (const FieldInfo* f : fieldsOf(kind))
    if (f->type == FieldType::Instant) return *f;
  throw std::logic_error("no instant field");
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// Runs `fn`, expecting Error(InvalidInput); returns it.
template <typename Fn>
Error expectInvalid(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::InvalidInput));
    return e;
  }
  BOOST_FAIL("expected Error(InvalidInput)");
  throw std::logic_error("unreachable");
}

std::set<std::string> issueFields(const Error& e) {
  std::set<std::string> out;
  for (const auto& i : e.issues()) out.insert(i.field);
  return out;
}

std::string issueText(const Error& e) {
  std::string out = e.what();
  for (const auto& i : e.issues()) out += "; " + i.field + ": " + i.message;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_forms)

BOOST_AUTO_TEST_CASE(field_tables_match_the_idl) {
  // Every kind has its envelope and body, names are snake_case and unique,
  // and findField finds each one.
  const std::regex snake("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");
  for (auto kind : kKinds) {
    std::set<std::string> names;
    BOOST_TEST(!govsync::schema::bodyFields(kind).empty());
    for (const FieldInfo* f : fieldsOf(kind)) {
      BOOST_TEST_CONTEXT(kind << "." << f->name) {
        BOOST_TEST(std::regex_match(std::string(f->name), snake));
        BOOST_TEST(names.insert(std::string(f->name)).second);
        BOOST_TEST(govsync::schema::findField(kind, f->name) == f);
        if (f->type == FieldType::Enum) BOOST_TEST(f->enumInfo != nullptr);
      }
    }
  }
  BOOST_TEST(govsync::schema::findField(RecordKind::CASE, "level") == nullptr);
  BOOST_TEST(govsync::schema::findField(RecordKind::REVIEW, "level") != nullptr);
  // The PII annotations of the IDL reach the tables.
  BOOST_TEST((govsync::schema::findField(RecordKind::CASE, "reporter_phone")->pii == PiiKind::Phone));
  BOOST_TEST((govsync::schema::findField(RecordKind::CASE, "reporter_id_no")->pii == PiiKind::IdNo));
  BOOST_TEST((govsync::schema::findField(RecordKind::REVIEW, "staff_name")->pii == PiiKind::Name));
}

BOOST_DATA_TEST_CASE(full_record_sets_every_field, bdata::make(kKinds), kind) {
  const Record r = fullRecord(kind);
  BOOST_TEST(govsync::schema::hasBody(r, kind));
  for (const FieldInfo* f : fieldsOf(kind)) BOOST_TEST_CONTEXT(f->name) {
      BOOST_TEST(f->isSet(r));
    }
  // The values are valid ones: the full record passes validation.
  Record normalized = r;
  govsync::normalizeRecord(normalized);
  BOOST_CHECK_NO_THROW(govsync::validateRecord(normalized));
}

BOOST_DATA_TEST_CASE(binary_round_trip_is_exact, bdata::make(kKinds), kind) {
  const Record r = fullRecord(kind);
  const std::string bytes = govsync::serializeRecord(r);
  const Record back = govsync::deserializeRecord(bytes);
  BOOST_TEST((back == r));
  BOOST_TEST(govsync::recordToJson(back) == govsync::recordToJson(r));
  BOOST_TEST(govsync::serializeRecord(back) == bytes);
  for (const FieldInfo* f : fieldsOf(kind)) BOOST_TEST_CONTEXT(f->name) {
      BOOST_TEST(f->isSet(back));
    }
}

BOOST_DATA_TEST_CASE(json_round_trip_is_exact, bdata::make(kKinds), kind) {
  const Record r = fullRecord(kind);
  const std::string json = govsync::recordToJson(r);
  Record back;
  try {
    back = govsync::recordFromJsonText(json);
  } catch (const Error& e) {
    BOOST_FAIL("full record JSON rejected: " << issueText(e) << "\n" << json);
  }
  BOOST_TEST((back == r), json);
  BOOST_TEST(govsync::recordToJson(back) == json);
  // And through the binary form again.
  BOOST_TEST((govsync::deserializeRecord(govsync::serializeRecord(back)) == r));
}

BOOST_DATA_TEST_CASE(json_follows_the_naming_rules, bdata::make(kKinds), kind) {
  Record r = fullRecord(kind);
  *firstInstant(kind).mutInt64(r) = kInstant;
  const std::string json = govsync::recordToJson(r);
  auto obj = parseObject(json);

  // Exactly the schema's field names, envelope first, then the body, in IDL order.
  std::set<std::string> expected;
  size_t lastPos = 0;
  for (const FieldInfo* f : fieldsOf(kind)) {
    expected.insert(std::string(f->name));
    const size_t pos = json.find("\"" + std::string(f->name) + "\":");
    BOOST_TEST_CONTEXT(f->name) {
      BOOST_TEST(pos != std::string::npos);
      BOOST_TEST(pos >= lastPos);
    }
    lastPos = pos;
  }
  std::set<std::string> actual;
  for (const auto& [name, value] : *obj) actual.insert(name);
  BOOST_TEST(actual == expected, boost::test_tools::per_element());

  const std::regex rfc3339("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$");
  for (const FieldInfo* f : fieldsOf(kind)) {
    BOOST_TEST_CONTEXT(f->name) {
      const auto v = obj->get(std::string(f->name));
      if (f->type == FieldType::Enum) {
        // Enums by name, never by number.
        BOOST_REQUIRE(v.isString());
        BOOST_TEST(v.extract<std::string>() == std::string(*f->enumInfo->nameOf(*f->getEnum(r))));
      } else if (f->type == FieldType::Instant) {
        BOOST_REQUIRE(v.isString());
        BOOST_TEST(std::regex_match(v.extract<std::string>(), rfc3339), v.extract<std::string>());
      }
    }
  }
  BOOST_TEST(obj->getValue<std::string>(std::string(firstInstant(kind).name)) == "2022-09-25T06:03:00.000Z");
  BOOST_TEST(obj->getValue<std::string>("kind") == std::string(govsync::schema::kindName(kind)));
}

BOOST_AUTO_TEST_CASE(instants_are_rfc3339_utc_with_milliseconds) {
  BOOST_TEST(govsync::formatRfc3339(kInstant) == "2022-09-25T06:03:00.000Z");
  BOOST_TEST(govsync::formatRfc3339(kInstant + 7) == "2022-09-25T06:03:00.007Z");
  BOOST_TEST(govsync::formatRfc3339(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(govsync::formatRfc3339(-1) == "1969-12-31T23:59:59.999Z");
  BOOST_TEST(govsync::formatRfc3339(951782400123) == "2000-02-29T00:00:00.123Z");
  // Parsing accepts offsets and converts to UTC.
  BOOST_TEST(govsync::parseRfc3339("2022-09-25T14:03:00.000+08:00").value_or(0) == kInstant);
  BOOST_TEST(govsync::parseRfc3339("2022-09-25T06:03:00Z").value_or(0) == kInstant);
  BOOST_TEST(govsync::parseRfc3339("2022-09-25T06:03:00.123456789Z").value_or(0) == kInstant + 123);
  for (const char* bad : {"", "2022-09-25", "2022-09-25T06:03:00", "2022-02-30T00:00:00Z", "2022-09-25T24:00:00Z",
                          "2022-09-25T06:03:00.Z", "2022-09-25T06:03:00+0800", "yesterday", "2022-09-25T06:03:00Zjunk"})
    BOOST_TEST(!govsync::parseRfc3339(bad).has_value(), bad);
}

BOOST_DATA_TEST_CASE(absent_optional_fields_are_omitted, bdata::make(kKinds), kind) {
  const Record full = fullRecord(kind);
  for (const FieldInfo* f : fieldsOf(kind)) {
    if (f->required) continue;
    BOOST_TEST_CONTEXT(f->name) {
      Record r = full;
      f->clear(r);
      BOOST_TEST(!f->isSet(r));
      const std::string json = govsync::recordToJson(r);
      auto obj = parseObject(json);
      BOOST_TEST(!obj->has(std::string(f->name)));
      BOOST_TEST(obj->size() == fieldsOf(kind).size() - 1);
      BOOST_TEST((govsync::recordFromJsonText(json) == r));
    }
  }
  // A record with only its required fields shows only those.
  Record minimal;
  minimal.envelope.kind = kind;
  minimal.envelope.source_system = "s";
  minimal.envelope.source_id = "1";
  std::set<std::string> required;
  for (const FieldInfo* f : fieldsOf(kind))
    if (f->required) required.insert(std::string(f->name));
  for (const FieldInfo* f : fieldsOf(kind))
    if (f->required && f->part != govsync::schema::RecordPart::Envelope) {
      if (f->type == FieldType::String) *f->mutString(minimal) = "x";
      if (f->type == FieldType::Int32) *f->mutInt32(minimal) = 3;
      if (f->type == FieldType::Instant) *f->mutInt64(minimal) = kInstant;
    }
  auto obj = parseObject(govsync::recordToJson(minimal));
  std::set<std::string> keys;
  for (const auto& [name, value] : *obj) keys.insert(name);
  BOOST_TEST(keys == required, boost::test_tools::per_element());
  // JSON null means absent.
  auto withNull = govsync::recordFromJsonText(R"({"kind":"CASE","source_system":"s","source_id":"1",)"
                                              R"("case_no":"c","department":null,"title":null})");
  BOOST_TEST(!withNull.envelope.__isset.department);
  BOOST_TEST(!withNull.case_record.__isset.title);
}

BOOST_AUTO_TEST_CASE(masks_follow_gbt35273_practice) {
  BOOST_TEST(govsync::maskPhone("13812341234") == "138****1234");
  BOOST_TEST(govsync::maskIdNo("211102199001011234") == "211102********1234");
  BOOST_TEST(govsync::maskIdNo("21110219900101123X") == "211102********123X");
  BOOST_TEST(govsync::maskName("张三") == "张*");
  BOOST_TEST(govsync::maskName("欧阳修") == "欧**");
  BOOST_TEST(govsync::maskName("") == "");
  BOOST_TEST(govsync::maskPhone("1234") == "****");
  BOOST_TEST(govsync::maskIdNo("12345") == "*****");
  // Short local numbers keep at most a third visible.
  BOOST_TEST(govsync::maskPhone("2812345") == "28***45");
  // Broken UTF-8 never makes the mask read past the end.
  BOOST_TEST(govsync::maskName("\xE5") == "\xE5");
}

// Messages that quote a value a caller may not see: every occurrence goes,
// and so does a long value quoted cut short ("..." or "…").
BOOST_AUTO_TEST_CASE(redacting_a_quoted_value) {
  using govsync::redactValue;
  BOOST_TEST(redactValue("'13912345678' is not a date; 13912345678", "13912345678", "***") ==
             "'***' is not a date; ***");
  BOOST_TEST(redactValue("'4' is not a level", "4", "***") == "'4' is not a level");  // too short to matter
  const std::string longValue = "来电人 13912345678 反映 " + std::string(80, 'x');
  const std::string cut = "'" + longValue.substr(0, 64) + "...' expected a 4-digit year for format YYYYMMDD";
  BOOST_TEST(redactValue(cut, longValue, "***") == "'***' expected a 4-digit year for format YYYYMMDD");
  const std::string shown = longValue.substr(0, 40) + "…";  // a dead letter keeps a long value cut short too
  BOOST_TEST(redactValue("'" + longValue.substr(0, 30) + "…' bad", shown, "***") == "'***' bad");
  // A reason that quotes a row nobody could read: every quoted span.
  BOOST_TEST(govsync::redactQuoted("invalid literal '张三 1391' at 'x', line 2", "***") ==
             "invalid literal '***' at '***', line 2");
  BOOST_TEST(govsync::redactQuoted("an unpaired ' stays", "***") == "an unpaired ' stays");
}

BOOST_DATA_TEST_CASE(masked_json_masks_every_pii_field, bdata::make(kKinds), kind) {
  const Record r = fullRecord(kind);
  auto clear = parseObject(govsync::recordToJson(r, false));
  auto masked = parseObject(govsync::recordToJson(r, true));
  int piiFields = 0;
  for (const FieldInfo* f : fieldsOf(kind)) {
    BOOST_TEST_CONTEXT(f->name) {
      const std::string name(f->name);
      if (f->pii == PiiKind::None) {
        BOOST_TEST(clear->get(name).toString() == masked->get(name).toString());
        continue;
      }
      ++piiFields;
      const std::string value = clear->getValue<std::string>(name);
      const std::string shown = masked->getValue<std::string>(name);
      BOOST_TEST(shown == govsync::maskAs(f->pii, value));
      BOOST_TEST(shown != value);
      if (f->pii == PiiKind::Phone) BOOST_TEST(shown == "138****1234");
      if (f->pii == PiiKind::IdNo) BOOST_TEST(shown == "211102********1234");
      if (f->pii == PiiKind::Name) BOOST_TEST(shown == "张*");
    }
  }
  if (kind != RecordKind::OBSERVATION) BOOST_TEST(piiFields > 0);
  // The clear values appear nowhere in the masked form.
  const std::string maskedText = govsync::recordToJson(r, true);
  for (const char* secret : {"13812341234", "211102199001011234", "张三"})
    BOOST_TEST(maskedText.find(secret) == std::string::npos, secret);
}

// ------------------------------------------------------------- bad input

struct BadJson {
  const char* label;
  const char* json;
  std::vector<std::string> fields;  ///< fields the issues must name
};
std::ostream& operator<<(std::ostream& out, const BadJson& b) { return out << b.label; }

const std::vector<BadJson> kBadJson = {
    {"unknown field",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","colour":"red"})",
     {"colour"}},
    {"field of another kind",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","level":3})",
     {"level"}},
    {"string as number", R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","title":5})", {"title"}},
    {"number as string", R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","lon":"122.1"})", {"lon"}},
    {"bool as string",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","is_anonymous":"yes"})",
     {"is_anonymous"}},
    {"bool as double",
     R"({"kind":"OBSERVATION","source_system":"s","source_id":"1","subject_id":"x","value":true,)"
     R"("observed_at":"2022-09-25T06:03:00.000Z"})",
     {"value"}},
    {"bool as i32",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","satisfaction_level":true})",
     {"satisfaction_level"}},
    {"bool as i64",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","version":false})",
     {"version"}},
    {"float as integer",
     R"({"kind":"REVIEW","source_system":"s","source_id":"1","review_id":"r","level":4.5,)"
     R"("evaluated_at":"2022-09-25T06:03:00.000Z"})",
     {"level"}},
    {"i32 out of range",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","satisfaction_level":99999999999})",
     {"satisfaction_level"}},
    {"bad enum", R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","status":"OPEN"})", {"status"}},
    {"enum by number", R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","status":1})", {"status"}},
    {"enum in wrong case",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","status":"closed"})",
     {"status"}},
    {"instant without offset",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","received_at":"2022-09-25 06:03:00"})",
     {"received_at"}},
    {"instant as text",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","due_at":"tomorrow"})",
     {"due_at"}},
    {"instant impossible date",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","due_at":"2022-02-30T00:00:00Z"})",
     {"due_at"}},
    {"instant as number",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","due_at":1664085780000})",
     {"due_at"}},
    {"list of numbers",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","media_urls":[1,2]})",
     {"media_urls"}},
    {"list as string",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","media_urls":"a"})",
     {"media_urls"}},
    {"map of numbers",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","extensions":{"a":1}})",
     {"extensions"}},
    {"no kind", R"({"source_system":"s","source_id":"1"})", {"kind"}},
    {"unknown kind", R"({"kind":"TICKET","source_system":"s","source_id":"1"})", {"kind"}},
    {"kind as number", R"({"kind":1,"source_system":"s","source_id":"1"})", {"kind"}},
    {"every problem at once",
     R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c","colour":"red","title":5,)"
     R"("status":"OPEN","received_at":"yesterday","lat":true})",
     {"colour", "title", "status", "received_at", "lat"}},
};

BOOST_DATA_TEST_CASE(bad_json_names_each_bad_field, bdata::make(kBadJson), bad) {
  const Error e = expectInvalid([&] { govsync::recordFromJsonText(bad.json); });
  const auto fields = issueFields(e);
  BOOST_TEST(e.issues().size() >= bad.fields.size(), issueText(e));
  for (const auto& f : bad.fields) BOOST_TEST(fields.count(f) == 1u, f << " not named in: " << issueText(e));
  for (const auto& i : e.issues()) BOOST_TEST(!i.message.empty());
}

BOOST_AUTO_TEST_CASE(bad_json_messages_say_what_was_expected) {
  const Error e = expectInvalid([] {
    govsync::recordFromJsonText(R"({"kind":"CASE","source_system":"s","source_id":"1","case_no":"c",)"
                                R"("status":"OPEN","received_at":"yesterday","colour":1})");
  });
  for (const auto& i : e.issues()) {
    if (i.field == "status") BOOST_TEST(i.message.find("RECEIVED") != std::string::npos, i.message);
    if (i.field == "received_at") BOOST_TEST(i.message.find("RFC 3339") != std::string::npos, i.message);
    if (i.field == "colour") BOOST_TEST(i.message.find("unknown field") != std::string::npos, i.message);
  }
}

BOOST_AUTO_TEST_CASE(not_a_json_object_is_invalid_input) {
  for (const char* text : {"", "{", "[1,2]", "\"CASE\"", "null", "{\"kind\":\"CASE\",}", "\xff\xfe"}) {
    BOOST_TEST_CONTEXT(text) {
      expectInvalid([&] { govsync::recordFromJsonText(text); });
    }
  }
}

// ----------------------------------------------------------------- rules

BOOST_AUTO_TEST_CASE(validation_lists_every_problem) {
  Record r = fullRecord(RecordKind::CASE);
  r.envelope.__set_deleted(false);
  r.envelope.source_id = "";
  r.envelope.region_code = "2111";
  r.case_record.lat = 95;
  r.case_record.title = "\xC3\x28 broken";  // not UTF-8
  r.case_record.status = static_cast<govsync::schema::CaseStatus::type>(42);
  r.__isset.review = true;  // a body of another kind
  const Error e = expectInvalid([&] { govsync::validateRecord(r); });
  const auto fields = issueFields(e);
  for (const char* f : {"source_id", "region_code", "lat", "title", "status", "REVIEW"})
    BOOST_TEST(fields.count(f) == 1u, f << " not named in: " << issueText(e));
}

BOOST_AUTO_TEST_CASE(record_ids_are_deterministic_uuid_v5) {
  const auto id = govsync::computeRecordId("hotline12345", RecordKind::CASE, "WO-1");
  BOOST_TEST(id == govsync::computeRecordId("hotline12345", RecordKind::CASE, "WO-1"));
  BOOST_TEST(id != govsync::computeRecordId("hotline12345", RecordKind::REVIEW, "WO-1"));
  BOOST_TEST(id != govsync::computeRecordId("grid", RecordKind::CASE, "WO-1"));
  BOOST_TEST(std::regex_match(id, std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
             id);
}

BOOST_AUTO_TEST_CASE(content_hash_ignores_what_the_store_sets) {
  Record r = fullRecord(RecordKind::REVIEW);
  const auto hash = govsync::contentHash(r);
  Record s = r;
  s.envelope.version = 99;
  s.envelope.ingested_at = 1;
  s.envelope.mapping = "other@2";
  s.envelope.payload_sha256 = "x";
  s.envelope.record_id = "y";
  BOOST_TEST(govsync::contentHash(s) == hash);
  s.review.comment_text += "!";
  BOOST_TEST(govsync::contentHash(s) != hash);
  // deleted:false and no deleted are the same content.
  Record a = fullRecord(RecordKind::CASE), b = a;
  a.envelope.__set_deleted(false);
  b.envelope.__isset.deleted = false;
  BOOST_TEST(govsync::contentHash(a) == govsync::contentHash(b));
}

// ---------------------------------------------------------- corrupt bytes

namespace {
// Deserializes `bytes`; only success or Error(Corrupt) are acceptable.
void expectCorruptOrValid(const std::string& bytes, const std::string& what) {
  try {
    (void)govsync::deserializeRecord(bytes);
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Corrupt), what << ": " << e.what());
  } catch (const std::exception& e) {
    BOOST_ERROR(what << ": escaped as a non-govsync exception: " << e.what());
  }
}
void expectCorrupt(const std::string& bytes, const std::string& what) {
  try {
    (void)govsync::deserializeRecord(bytes);
    BOOST_ERROR(what << ": accepted");
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(ErrorCode::Corrupt), what << ": " << e.what());
  } catch (const std::exception& e) {
    BOOST_ERROR(what << ": escaped as a non-govsync exception: " << e.what());
  }
}
}  // namespace

BOOST_DATA_TEST_CASE(corrupt_binary_is_an_error_never_a_crash, bdata::make(kKinds), kind) {
  const std::string bytes = govsync::serializeRecord(fullRecord(kind));
  // Every truncation.
  for (size_t n = 0; n < bytes.size(); ++n) expectCorrupt(bytes.substr(0, n), "truncated to " + std::to_string(n));
  // Trailing garbage.
  expectCorrupt(bytes + std::string(1, '\0'), "trailing byte");
  // Every single-byte change, then random multi-byte damage.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0xFF);
    expectCorruptOrValid(damaged, "byte " + std::to_string(i) + " flipped");
  }
  std::mt19937 rng(20220925);
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = bytes;
    const int hits = 1 + static_cast<int>(rng() % 8);
    for (int h = 0; h < hits; ++h) damaged[rng() % damaged.size()] = static_cast<char>(rng());
    expectCorruptOrValid(damaged, "random damage round " + std::to_string(round));
  }
}

BOOST_AUTO_TEST_CASE(hostile_binary_is_bounded) {
  using namespace std::string_literals;
  expectCorrupt("", "empty");
  expectCorrupt("\x00"s, "no envelope (required)");
  // Envelope { record_id: string of length 2^31-1 } with 3 bytes present.
  expectCorrupt(
      "\x0c\x00\x01\x0b\x00\x01\x7f\xff\xff\xff"
      "abc"s,
      "huge string length");
  expectCorrupt(
      "\x0c\x00\x01\x0b\x00\x01\xff\xff\xff\xff"
      "abc"s,
      "negative string length");
  // Envelope { extensions: map<string,string> of 2^31-1 entries }.
  expectCorrupt("\x0c\x00\x01\x0d\x00\x0e\x0b\x0b\x7f\xff\xff\xff"s, "huge map");
  // Case { media_urls: list of 2^31-1 strings }.
  expectCorrupt("\x0c\x00\x02\x0f\x00\x20\x0b\x7f\xff\xff\xff"s, "huge list");
  // Unknown fields nested 100000 structs deep: the recursion limit holds.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "\x0c\x00\x63"s;
  expectCorrupt(deep, "deep nesting");
  // A wrong wire type for a known field is skipped, leaving required fields unset.
  expectCorrupt("\x08\x00\x01\x00\x00\x00\x01\x00"s, "envelope as i32");
}

BOOST_AUTO_TEST_SUITE_END()
