// The one path every row takes, pulled or pushed: map → validate → commit,
// with dead letters for whatever fails and the connector's checkpoint in the
// same transaction. The sync engine, the push API and dead-letter replay all
// call this; nothing else turns rows into records.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/rows/row_readers.h"
#include "core/store/store.h"
#include "mappings/engine/compiled_mapping.h"

namespace govsync::connectors {

/// What became of one row.
struct RowResult {
  uint32_t rowNumber = 0;
  enum class Kind { Record, Skipped, DeadLetter } kind = Kind::Record;
  std::string recordId;
  int64_t version = 0;
  bool changed = false;
  int64_t deadLetterId = 0;
  std::string stage, field, function, value, error;
  std::vector<std::string> warnings;
};

struct IngestSummary {
  size_t rows = 0, records = 0, changed = 0, unchanged = 0, tombstones = 0, skipped = 0, deadLetters = 0, warnings = 0;
  std::map<std::string, size_t> lookupMisses;
  int64_t headPosition = 0;
  void add(const IngestSummary& other);
};

struct IngestRequest {
  const RowBatch* rows = nullptr;
  const std::vector<RowError>* readErrors = nullptr;  ///< dead letters at stage `readStage`
  std::string readStage = "fetch";
  const RowBatch* deletedRows = nullptr;  ///< snapshot deletes → tombstones
  std::optional<store::Checkpoint> checkpoint;
  /// Dead letters this batch replays: row i of `rows` resolves replayIds[i].
  /// A replayed row that fails again keeps its dead letter (no new one), so
  /// replaying twice changes nothing.
  std::vector<int64_t> replayIds;
  /// The department of records whose mapping sets none (a push: the pushing
  /// client's department, as for pushed unified records); "" = leave empty.
  std::string defaultDepartment;
};

/// Maps and commits batches for one source with one mapping; one per thread.
class Ingestor {
 public:
  /// `source`: the connector's name, or "push" for pushed rows.
  Ingestor(store::Store& store, std::shared_ptr<const mapping::CompiledMapping> mapping, std::string source);

  /// Maps every row, then commits records, tombstones, dead letters and the
  /// checkpoint in one transaction. `perRow`, when given, receives one
  /// result per input row (read errors first, then rows in order).
  IngestSummary ingest(const IngestRequest& request, std::vector<RowResult>* perRow = nullptr);

  const mapping::CompiledMapping& mapping() const { return runner_.mapping(); }

 private:
  store::Store& store_;
  mapping::MappingRunner runner_;
  std::string source_;
  mapping::RowOutcome outcome_;
};

/// The columns and values of one batch row, serialised so the row can be
/// rebuilt exactly for replay (dead_letters.cells).
std::string encodeRowCells(const RowBatch& batch, size_t row);
/// Appends the row encoded by encodeRowCells to `batch`; false if malformed.
bool decodeRowCells(std::string_view cells, RowBatch& batch, uint32_t rowNumber);

}  // namespace govsync::connectors
