// Mapping tools for IT staff: check mapping files, dry-run one on a sample
// file, list the unified schema's target fields and the mapping functions.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_common.h"
#include "core/record/record_json.h"
#include "core/rows/row_readers.h"
#include "core/util/error.h"
#include "mappings/engine/mapping_compiler.h"

namespace govsync::cli {

namespace {

using mapping::compileMappingFile;
using mapping::CompileOptions;
using mapping::MappingCompileError;

CompileOptions compileOptions(const Args& args, const Config& config) {
  CompileOptions o;
  o.codesDir = args.getOr("codes", config.getString("mappings.codes_dir"));
  // A dry run must not create state: use the configured or existing salt, or
  // a throwaway one (keys then differ from the server's, which is fine here).
  o.hmacSalt = hmacSalt(config, false);
  if (o.hmacSalt.empty()) o.hmacSalt = "dry-run-salt-not-the-servers";
  return o;
}

int check(const std::vector<std::string>& argv) {
  Args args(argv, {"codes"}, {});
  if (args.positional().empty()) throw Error::invalid("usage: govsync mapping check FILE...");
  const Config config = loadConfig(args);
  const auto options = compileOptions(args, config);
  int failed = 0;
  for (const auto& file : args.positional()) {
    try {
      auto m = compileMappingFile(file, options);
      std::cout << file << ": ok — " << m->versionTag() << (m->label.empty() ? "" : " (" + m->label + ")") << ", "
                << schema::kindName(m->kind) << ", " << m->rules.size() << " fields from " << m->sources.size()
                << " source columns\n";
    } catch (const MappingCompileError& e) {
      ++failed;
      std::cout << file << ": " << e.problems().size() << (e.problems().size() == 1 ? " problem\n" : " problems\n");
      for (const auto& p : e.problems()) std::cout << "  " << p.toString() << "\n";
    }
  }
  return failed ? 1 : 0;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::invalid("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

char sniffDelimiter(std::string_view text) {
  const auto firstLine = text.substr(0, text.find('\n'));
  char best = ',';
  size_t bestCount = 0;
  for (char c : {',', ';', '\t', '|'}) {
    const auto n = static_cast<size_t>(std::count(firstLine.begin(), firstLine.end(), c));
    if (n > bestCount) best = c, bestCount = n;
  }
  return best;
}

int test(const std::vector<std::string>& argv) {
  Args args(argv, {"input", "format", "delimiter", "codes", "limit"}, {"masked", "quiet"});
  if (args.positional().size() != 1 || !args.get("input"))
    throw Error::invalid("usage: govsync mapping test FILE --input SAMPLE [--format csv|json] [--delimiter C]");
  const Config config = loadConfig(args);
  std::shared_ptr<const mapping::CompiledMapping> m;
  try {
    m = compileMappingFile(args.positional()[0], compileOptions(args, config));
  } catch (const MappingCompileError& e) {
    std::cout << args.positional()[0] << ": " << e.what() << "\n";
    return 1;
  }
  const std::string input = *args.get("input");
  const std::string text = readFile(input);
  std::string format = args.getOr("format", "");
  if (format.empty()) {
    const auto ext = input.substr(input.find_last_of('.') + 1);
    format = (ext == "csv" || ext == "tsv" || ext == "txt") ? "csv" : "json";
  }
  RowBatch batch;
  std::vector<RowError> readErrors;
  if (format == "csv") {
    DelimitedOptions o;
    const std::string d = args.getOr("delimiter", "");
    o.delimiter = d.empty() ? sniffDelimiter(text) : (d == "\\t" || d == "tab" ? '\t' : d[0]);
    readErrors = readDelimitedRows(text, o, batch);
  } else if (format == "json") {
    readErrors = readJsonRows(text, batch);
  } else {
    throw Error::invalid("--format must be csv or json");
  }
  mapping::MappingRunner runner(m);
  mapping::RowOutcome out;
  const bool quiet = args.has("quiet");
  size_t records = 0, skipped = 0, dead = readErrors.size();
  for (const auto& e : readErrors)
    std::cout << "DEAD row " << e.rowNumber << " [read] " << e.message << "\n    raw: " << e.raw.substr(0, 300) << "\n";
  for (size_t i = 0; i < batch.size(); ++i) {
    runner.map(batch, i, out);
    switch (out.kind) {
      case mapping::RowOutcome::Kind::Record:
        ++records;
        if (!quiet) std::cout << recordToJson(out.record, args.has("masked")) << "\n";
        break;
      case mapping::RowOutcome::Kind::Skipped: ++skipped; break;
      case mapping::RowOutcome::Kind::DeadLetter:
        ++dead;
        std::cout << "DEAD row " << batch.row(i).number << " [" << out.stage << "] " << out.field
                  << (out.function.empty() ? "" : " " + out.function) << ": " << out.error
                  << (out.value.empty() ? "" : " (value '" + out.value + "')") << "\n";
        break;
    }
  }
  const auto& stats = runner.stats();
  for (const auto& [code, n] : stats.lookupMisses) std::cout << "MISS " << code << " ×" << n << "\n";
  std::cout << "summary: " << (batch.size() + readErrors.size()) << " rows, " << records << " records, " << skipped
            << " skipped, " << dead << " dead letters, " << stats.warnings << " warnings, " << stats.lookupMisses.size()
            << " distinct code-table misses — " << m->versionTag() << "\n";
  return dead ? 3 : 0;
}

int fields(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  std::vector<schema::RecordKind::type> kinds = {schema::RecordKind::CASE, schema::RecordKind::REVIEW,
                                                 schema::RecordKind::OBSERVATION};
  if (!args.positional().empty()) {
    auto k = schema::kindFromName(args.positional()[0]);
    if (!k) throw Error::invalid("kind must be CASE, REVIEW or OBSERVATION");
    kinds = {*k};
  }
  auto print = [](const schema::FieldInfo& f) {
    std::cout << "  " << f.name << "  " << schema::fieldTypeName(f.type);
    if (f.enumInfo) {
      std::cout << " " << f.enumInfo->name << " {";
      for (size_t i = 0; i < f.enumInfo->members.size(); ++i)
        std::cout << (i ? ", " : "") << f.enumInfo->members[i].name;
      std::cout << "}";
    }
    if (f.required) std::cout << "  REQUIRED";
    if (f.pii != schema::PiiKind::None) std::cout << "  (personal data: served masked)";
    if (!f.doc.empty()) std::cout << "\n      " << f.doc;
    std::cout << "\n";
  };
  std::cout << "envelope (every kind; record_id, kind, source_system, version, ingested_at, mapping, "
               "payload_sha256 and deleted are set by govsync):\n";
  for (const auto& f : schema::envelopeFields()) print(f);
  for (auto k : kinds) {
    std::cout << "\n" << schema::kindName(k) << ":\n";
    for (const auto& f : schema::bodyFields(k)) print(f);
  }
  return 0;
}

int functions(const std::vector<std::string>&) {
  for (const auto* spec : mapping::builtinFunctions().list())
    std::cout << "  " << spec->signature << "\n      " << spec->summary << "\n";
  return 0;
}

}  // namespace

void addMappingCommands(std::vector<Command>& out) {
  out.push_back({"mapping check", "compile mapping files and report every problem with file:line:column",
                 "FILE... [--codes DIR]", check});
  out.push_back({"mapping test", "dry-run a mapping on a sample file: records, dead letters with reasons, misses",
                 "FILE --input SAMPLE [--format csv|json] [--delimiter C] [--masked] [--quiet]", test});
  out.push_back({"mapping fields", "list the unified schema's target fields with types and enums", "[KIND]", fields});
  out.push_back({"mapping functions", "list the mapping functions with their arguments", "", functions});
}

}  // namespace govsync::cli
