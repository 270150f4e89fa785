// Tests of the mapping compiler (docs/mapping-guide.md §9, §11): a file with many mistakes reports all of
// them with line:column, each mistake of the function reference is placed, header mistakes, mapping versions
// (a hash of the file and its code tables) and hostile YAML, which gives a compile error and never a crash.
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "mappings/engine/compiled_mapping.h"
#include "mappings/engine/mapping_compiler.h"
#include "tests/mappings/engine_test_support.h"

namespace bdata = boost::unit_test::data;
using namespace govsync;
using namespace govsync::mapping;
using namespace govsync::mapping::engine_test;

namespace {

// --- compile errors (guide §11) ---------------------------------------------------------------------------

// The problems of kSevenMistakes (engine_test_support.h), in the order they are reported.
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

}  // namespace

BOOST_AUTO_TEST_SUITE(mapping_engine)

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
