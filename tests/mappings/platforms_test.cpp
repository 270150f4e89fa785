// The shipped platform mappings (mappings/platforms/*.yaml) against their samples (mappings/samples/,
// described in mappings/samples/README.md): every sample row must end up as the README says — a record,
// or a dead letter with the right stage, field and reason — and the README's golden rows must map to
// exactly the unified values listed there. What the README says of each platform is the table in
// platforms_expectations.cpp (its types in platforms_test_support.h).
//
// Each case compiles one mapping with the real code tables, reads its sample with the connector's row
// readers and maps every row with a MappingRunner. Rows the reader cannot split into fields (truncated
// CSV rows) count as dead letters of stage "decode" with no field, as they do for a connector.
//
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (std::string operator+
// after inlining, GCC bug 105651); nothing of ours is involved.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/record/record_json.h"
#include "core/rows/row_readers.h"
#include "core/util/crypto.h"
#include "mappings/engine/compiled_mapping.h"
#include "mappings/engine/mapping_compiler.h"
#include "tests/mappings/platforms_test_support.h"

namespace bdata = boost::unit_test::data;
using namespace govsync;
using namespace govsync::mapping;
using namespace govsync::mapping::platforms_test;

namespace {

constexpr const char* kTestSalt = "govsync-test-salt-0123456789";

std::string sourceDir() {
  const char* dir = std::getenv("GOVSYNC_SOURCE_DIR");
  return dir && *dir ? dir : ".";
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// What became of one sample row, by data-row number.
struct Result {
  RowOutcome::Kind kind = RowOutcome::Kind::Record;
  std::string stage, field, value, error;
  Poco::JSON::Object::Ptr record;
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// The value of expected key `key` in a record's JSON form; false when absent.
bool lookupActual(const Poco::JSON::Object& record, const std::string& key, bool observation, Poco::Dynamic::Var& out) {
  std::string map, entry = key;
  if (key == "lon_raw" || key == "lat_raw") {
    map = observation ? "attributes" : "extensions";
  } else if (auto dot = key.find('.'); dot != std::string::npos) {
    map = key.substr(0, dot);
    entry = key.substr(dot + 1);
  }
  if (!map.empty()) {
    if (!record.has(map)) return false;
    auto object = record.getObject(map);
    if (!object || !object->has(entry)) return false;
    out = object->get(entry);
    return true;
  }
  if (!record.has(entry) || record.isNull(entry)) return false;
  out = record.get(entry);
  return true;
}

std::string textOf(const Poco::JSON::Object& o, const std::string& key) {
  return o.has(key) && !o.isNull(key) ? o.get(key).toString() : std::string();
}

double asNumber(const Poco::Dynamic::Var& v) { return v.isString() ? std::stod(v.toString()) : v.convert<double>(); }

/// Checks every key of `expected.json` against the record's JSON form.
void checkValues(const Platform& p, const ExpectedRow& expected, const Poco::JSON::Object& record, bool observation) {
  Poco::JSON::Parser parser;
  const auto want = parser.parse(expected.json).extract<Poco::JSON::Object::Ptr>();
  std::vector<std::string> names;
  want->getNames(names);
  BOOST_TEST(!names.empty());
  for (const auto& key : names) {
    BOOST_TEST_CONTEXT(p.name << " row " << expected.row << " field " << key) {
      Poco::Dynamic::Var got;
      const bool present = lookupActual(record, key, observation, got);
      if (want->isNull(key)) {
        BOOST_TEST(!present, "expected no value, got " << (present ? got.toString() : ""));
        continue;
      }
      BOOST_TEST_REQUIRE(present, "missing");
      const auto w = want->get(key);
      if (key == "lon_raw" || key == "lat_raw") {
        // The source's own text ("41.1448" for the golden "41.144800"): compared as numbers.
        BOOST_TEST(std::abs(asNumber(got) - asNumber(w)) < 1e-9, got.toString() << " vs " << w.toString());
      } else if (w.isString()) {
        BOOST_TEST(got.isString());
        BOOST_TEST(got.toString() == w.toString());
      } else if (w.isBoolean()) {
        BOOST_TEST(got.isBoolean());
        BOOST_TEST(got.extract<bool>() == w.extract<bool>());
      } else if (w.isNumeric()) {
        BOOST_TEST(got.isNumeric());
        // WGS-84 coordinates: the README prints 6 decimals; anything else is exact.
        const double tolerance = (key == "lon" || key == "lat") ? 1e-6 : 1e-9;
        BOOST_TEST(std::abs(got.convert<double>() - w.convert<double>()) <= tolerance,
                   std::setprecision(12) << got.convert<double>() << " vs " << w.convert<double>());
      } else if (want->getArray(key)) {
        const auto wantList = want->getArray(key);
        const auto gotList = record.getArray(key);
        BOOST_TEST_REQUIRE(gotList);
        BOOST_TEST_REQUIRE(gotList->size() == wantList->size());
        for (size_t i = 0; i < wantList->size(); ++i)
          BOOST_TEST(gotList->get(i).toString() == wantList->get(i).toString());
      } else {
        BOOST_FAIL("unsupported expected value for " << key);
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(platform_mappings)

BOOST_DATA_TEST_CASE(sample_maps_as_the_readme_says, bdata::make(platforms()), p) {
  const std::string src = sourceDir();
  // hmac_key needs the installation's salt; ctest exports GOVSYNC_HMAC_SALT.
  const char* envSalt = std::getenv("GOVSYNC_HMAC_SALT");
  const std::string salt = envSalt && std::string_view(envSalt).size() >= 16 ? envSalt : kTestSalt;

  CompileOptions options;
  options.codesDir = src + "/mappings/codes";
  options.hmacSalt = salt;
  std::shared_ptr<const CompiledMapping> mapping;
  try {
    mapping = compileMappingFile(src + "/mappings/platforms/" + p.name + ".yaml", options);
  } catch (const MappingCompileError& e) {
    BOOST_FAIL("mapping " << p.name << " does not compile: " << e.what());
  }
  BOOST_TEST(mapping->name == p.name);
  BOOST_TEST(mapping->sourceSystem == p.sourceSystem);
  BOOST_TEST(mapping->version.size() == 12u);
  const std::string tag = mapping->name + "@" + mapping->version;
  const bool observation = mapping->kind == schema::RecordKind::OBSERVATION;

  // Read the sample as a connector would.
  const std::string text = readFile(src + "/mappings/samples/" + p.sample);
  RowBatch batch;
  std::vector<RowError> readErrors;
  if (p.delimiter) {
    DelimitedOptions o;
    o.delimiter = p.delimiter;
    readErrors = readDelimitedRows(text, o, batch);
  } else {
    readErrors = readJsonRows(text, batch);
  }
  BOOST_TEST_REQUIRE(batch.size() + readErrors.size() == p.rows);

  std::map<size_t, Result> results;
  std::set<size_t> unreadable;
  for (const auto& e : readErrors) {
    BOOST_TEST_REQUIRE(e.rowNumber >= 1u);
    unreadable.insert(e.rowNumber);
    Result r;
    r.kind = RowOutcome::Kind::DeadLetter;
    r.stage = "decode";
    r.error = e.message;
    results[e.rowNumber] = r;
  }

  // Map every row; batch rows are the data rows minus the unreadable ones, in order.
  MappingRunner runner(mapping);
  RowOutcome out;
  size_t rowNo = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    do ++rowNo;
    while (unreadable.count(rowNo));
    runner.map(batch, i, out);
    Result r;
    r.kind = out.kind;
    if (out.kind == RowOutcome::Kind::DeadLetter) {
      r.stage = out.stage;
      r.field = out.field;
      r.value = out.value;
      r.error = out.error;
    } else if (out.kind == RowOutcome::Kind::Record) {
      Poco::JSON::Parser parser;
      r.record = parser.parse(recordToJson(out.record, false)).extract<Poco::JSON::Object::Ptr>();
    }
    results[rowNo] = r;
  }

  // Exact counts.
  size_t records = 0, skipped = 0, dead = 0;
  for (const auto& [row, r] : results) {
    switch (r.kind) {
      case RowOutcome::Kind::Record: ++records; break;
      case RowOutcome::Kind::Skipped: ++skipped; break;
      case RowOutcome::Kind::DeadLetter: ++dead; break;
    }
  }
  BOOST_TEST(results.size() == p.rows);
  BOOST_TEST(records == p.records);
  BOOST_TEST(skipped == p.skipped);
  BOOST_TEST(dead == p.dead.size());
  BOOST_TEST(p.rows == p.records + p.skipped + p.dead.size());

  // Dead letters exactly for the README's bad rows, each failing where and why it should.
  std::set<size_t> expectedDead;
  for (const auto& d : p.dead) {
    expectedDead.insert(d.row);
    BOOST_TEST_CONTEXT(p.name << " bad row " << d.row) {
      BOOST_TEST_REQUIRE(results.count(d.row) == 1u);
      const auto& r = results[d.row];
      BOOST_TEST_REQUIRE((r.kind == RowOutcome::Kind::DeadLetter), "not a dead letter");
      BOOST_TEST(r.stage == d.stage);
      BOOST_TEST(r.field == d.field);
      BOOST_TEST(contains(r.error, d.reason), "reason: " << r.error);
      if (!d.value.empty()) BOOST_TEST(contains(r.value, d.value), "value: " << r.value);
    }
  }
  for (const auto& [row, r] : results)
    if (r.kind == RowOutcome::Kind::DeadLetter && !expectedDead.count(row))
      BOOST_ERROR(p.name << " row " << row << " is an unexpected dead letter [" << r.stage << "] " << r.field << ": "
                         << r.error << " (value '" << r.value << "')");

  // Only the deliberate code-table misses.
  std::set<std::string> misses;
  for (const auto& [code, n] : runner.stats().lookupMisses) misses.insert(code);
  BOOST_TEST(misses == p.misses, boost::test_tools::per_element());

  // Every record: the mapping's name@version, the source system, its kind, and warnings only where intended.
  std::map<size_t, const WarnedRow*> warned;
  for (const auto& w : p.warned) warned[w.row] = &w;
  for (const auto& [row, r] : results) {
    if (r.kind != RowOutcome::Kind::Record) continue;
    BOOST_TEST_CONTEXT(p.name << " row " << row) {
      const auto& rec = *r.record;
      BOOST_TEST(textOf(rec, "mapping") == tag);
      BOOST_TEST(textOf(rec, "source_system") == p.sourceSystem);
      BOOST_TEST(textOf(rec, "kind") == std::string(schema::kindName(mapping->kind)));
      BOOST_TEST(!textOf(rec, "record_id").empty());
      BOOST_TEST(!textOf(rec, "source_id").empty());
      const auto ext = rec.has("extensions") ? rec.getObject("extensions") : nullptr;
      const bool hasWarnings = ext && ext->has("_warnings");
      auto it = warned.find(row);
      if (it == warned.end()) {
        BOOST_TEST(!hasWarnings, "unexpected warning: " << (hasWarnings ? textOf(*ext, "_warnings") : ""));
      } else {
        BOOST_TEST_REQUIRE(hasWarnings, "the warning is missing");
        BOOST_TEST(contains(textOf(*ext, "_warnings"), it->second->warning), textOf(*ext, "_warnings"));
        for (const auto& f : it->second->absent) BOOST_TEST(!rec.has(f), f << " should be empty");
      }
    }
  }
  for (const auto& w : p.warned) {
    BOOST_TEST_CONTEXT(p.name << " warned row " << w.row) {
      BOOST_TEST_REQUIRE(results.count(w.row) == 1u);
      BOOST_TEST((results[w.row].kind == RowOutcome::Kind::Record), "a bad ID must not lose the record");
    }
  }

  // The README's golden rows, every listed field; then our own checks of quirks the golden rows don't show.
  for (const auto* list : {&p.golden, &p.extra}) {
    for (const auto& g : *list) {
      BOOST_TEST_CONTEXT(p.name << " row " << g.row) {
        BOOST_TEST_REQUIRE(results.count(g.row) == 1u);
        const auto& r = results[g.row];
        BOOST_TEST_REQUIRE((r.kind == RowOutcome::Kind::Record), "not a record: [" << r.stage << "] " << r.error);
        checkValues(p, g, *r.record, observation);
      }
    }
  }
  BOOST_TEST(p.golden.size() == 3u);

  // Personal keys are the salted HMAC of the normalised ID number or phone.
  for (const auto& k : p.keys) {
    BOOST_TEST_CONTEXT(p.name << " row " << k.row << " " << k.field) {
      BOOST_TEST_REQUIRE(results.count(k.row) == 1u);
      const auto& r = results[k.row];
      BOOST_TEST_REQUIRE((r.kind == RowOutcome::Kind::Record));
      BOOST_TEST_REQUIRE(r.record->has(k.field));
      const std::string key = textOf(*r.record, k.field);
      BOOST_TEST(key == hmacSha256Hex(salt, k.plain));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
