// The helpers of engine_test_support.h.
#include "tests/mappings/engine_test_support.h"

#include <boost/test/unit_test.hpp>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/util/time.h"

namespace govsync::mapping {
std::ostream& operator<<(std::ostream& os, RowOutcome::Kind k) {
  return os << (k == RowOutcome::Kind::Record ? "Record" : k == RowOutcome::Kind::Skipped ? "Skipped" : "DeadLetter");
}
}  // namespace govsync::mapping

namespace govsync::mapping::engine_test {

namespace fs = std::filesystem;

namespace {

// Temp folders made by the tests, removed when the test program exits.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};

}  // namespace

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
                                               const std::string& codesDir) {
  CompileOptions options;
  options.codesDir = codesDir;
  return compileMappingText(text, "/tmp/x/" + name + ".yaml", options);
}

std::vector<CompileProblem> problemsOf(const std::string& name, const std::string& text, const std::string& codesDir) {
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

RowBatch csvRows(std::string_view csv, char delimiter) {
  RowBatch batch;
  DelimitedOptions options;
  options.delimiter = delimiter;
  const auto errors = readDelimitedRows(csv, options, batch);
  BOOST_REQUIRE_MESSAGE(errors.empty(), "readDelimitedRows: " + (errors.empty() ? "" : errors[0].message));
  return batch;
}

std::vector<RowOutcome> mapAll(const std::shared_ptr<const CompiledMapping>& m, const RowBatch& batch,
                               MappingStats* stats) {
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

std::string field(const schema::Record& r, const std::string& target) { return fieldText(r, target).value_or(kUnset); }

}  // namespace govsync::mapping::engine_test
