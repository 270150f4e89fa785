// A compiled mapping: the checked, ready-to-run form of one platform's
// mapping file. No YAML, no rule lookups by name and no regex compilation
// happen per row: rules are a vector in target order, source fields are
// slots bound once per batch, functions are pre-built objects.
//
// Thread safety: a CompiledMapping is immutable and shared; each thread maps
// rows with its own MappingRunner.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/rows/row_batch.h"
#include "mappings/engine/condition.h"
#include "mappings/engine/domain/charset.h"
#include "mappings/engine/function.h"
#include "schema/record_schema.h"

namespace govsync::mapping {

enum class OnError { Fail, Warn, Null };

/// How one unified field is computed.
struct Rule {
  const schema::FieldInfo* target = nullptr;
  std::string mapKey;       ///< for map fields: extensions.KEY / attributes.KEY
  std::string targetName;   ///< as written, for messages
  std::vector<int> inputs;  ///< source slots
  std::optional<std::string> constant;
  std::vector<std::unique_ptr<Function>> pipeline;
  std::optional<std::string> defaultValue;
  bool required = false;
  OnError onError = OnError::Fail;
  // when/then/else
  std::unique_ptr<Condition> when;
  std::unique_ptr<Rule> then, otherwise;
  int line = 0;
};

struct SourceField {
  std::string name;
  Charset encoding = Charset::Utf8;
};

/// What became of one source row.
struct RowOutcome {
  enum class Kind { Record, Skipped, DeadLetter };
  Kind kind = Kind::Record;
  schema::Record record;              ///< Kind::Record
  std::vector<std::string> warnings;  ///< problems kept under on_error: warn
  // Kind::DeadLetter:
  std::string stage;     ///< decode | map | validate
  std::string field;     ///< target (or source column, for decode)
  std::string function;  ///< the function that failed, if any
  std::string value;     ///< the offending value
  std::string error;     ///< the precise reason
};

struct MappingStats {
  size_t rows = 0, records = 0, skipped = 0, deadLetters = 0, warnings = 0;
  std::map<std::string, size_t> lookupMisses;  ///< "table:code" → count
};

class CompiledMapping {
 public:
  std::string name;     ///< the platform, = file stem
  std::string label;    ///< optional human label
  std::string version;  ///< content hash (mapping file + code tables it uses)
  std::string file;
  std::string description;
  schema::RecordKind::type kind = schema::RecordKind::CASE;
  std::string sourceSystem;
  std::vector<SourceField> sources;
  std::vector<std::unique_ptr<Condition>> skipWhen;
  std::vector<Rule> rules;
  std::map<std::string, std::string> tables;  ///< code tables used: name → version

  /// "name@version", as records carry it (set by the compiler).
  std::string tag;
  const std::string& versionTag() const { return tag; }
};

/// Maps rows with one CompiledMapping; one per thread.
class MappingRunner {
 public:
  explicit MappingRunner(std::shared_ptr<const CompiledMapping> mapping);
  ~MappingRunner();

  /// Maps row `index` of `batch` into `out` (reused between calls to spare
  /// allocations) and counts it in stats().
  void map(const RowBatch& batch, size_t index, RowOutcome& out);

  const MappingStats& stats() const { return stats_; }
  MappingStats takeStats();
  const CompiledMapping& mapping() const { return *mapping_; }

 private:
  bool bind(const RowBatch& batch);
  bool decode(const RowBatch& batch, const RowBatch::Row& row, RowOutcome& out);
  bool evaluate(const Rule& rule, RowOutcome& out, Value& result, std::string& failedFunction);
  bool runRule(const Rule& rule, RowOutcome& out);

  std::shared_ptr<const CompiledMapping> mapping_;
  const RowBatch* boundBatch_ = nullptr;
  size_t boundColumns_ = 0;
  std::vector<int> columnToSlot_;
  std::vector<Value> slots_;
  std::vector<std::unique_ptr<CharsetDecoder>> decoders_;  ///< per slot
  std::vector<std::string> decoded_;                       ///< per slot scratch
  std::optional<bool> utf8Decoders_;                       ///< decoders are all UTF-8 (JSON batch)
  EvalContext ctx_;
  MappingStats stats_;
  std::vector<Value> inputs_;
  std::string failedValue_;
};

}  // namespace govsync::mapping
