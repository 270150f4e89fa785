#include "connectors/sync/ingest.h"

#include <cstring>

#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::connectors {

void IngestSummary::add(const IngestSummary& o) {
  rows += o.rows;
  records += o.records;
  changed += o.changed;
  unchanged += o.unchanged;
  tombstones += o.tombstones;
  skipped += o.skipped;
  deadLetters += o.deadLetters;
  warnings += o.warnings;
  for (const auto& [k, v] : o.lookupMisses) lookupMisses[k] += v;
  headPosition = std::max(headPosition, o.headPosition);
}

namespace {
void put16(std::string& out, uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }
void put32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
bool get16(std::string_view s, size_t& p, uint16_t& v) {
  if (p + 2 > s.size()) return false;
  std::memcpy(&v, s.data() + p, 2);
  p += 2;
  return true;
}
bool get32(std::string_view s, size_t& p, uint32_t& v) {
  if (p + 4 > s.size()) return false;
  std::memcpy(&v, s.data() + p, 4);
  p += 4;
  return true;
}
constexpr char kCellsVersion = 1;
}  // namespace

std::string encodeRowCells(const RowBatch& batch, size_t index) {
  const auto& row = batch.row(index);
  std::string out;
  out += kCellsVersion;
  out += static_cast<char>(batch.utf8() ? 1 : 0);
  put16(out, static_cast<uint16_t>(std::min<uint32_t>(row.cellCount, UINT16_MAX)));
  const auto* cells = batch.cells(row);
  for (uint32_t i = 0; i < row.cellCount && i < UINT16_MAX; ++i) {
    const auto& name = batch.columns()[cells[i].column];
    put16(out, static_cast<uint16_t>(std::min<size_t>(name.size(), UINT16_MAX)));
    out.append(name, 0, UINT16_MAX);
    out += static_cast<char>(cells[i].flags);
    const auto bytes = batch.bytes(cells[i]);
    put32(out, static_cast<uint32_t>(bytes.size()));
    out.append(bytes);
  }
  return out;
}

bool decodeRowCells(std::string_view s, RowBatch& batch, uint32_t rowNumber) {
  if (s.size() < 4 || s[0] != kCellsVersion) return false;
  batch.setUtf8(s[1] == 1);
  size_t p = 2;
  uint16_t n;
  if (!get16(s, p, n)) return false;
  batch.beginRow(rowNumber);
  for (uint16_t i = 0; i < n; ++i) {
    uint16_t nameLen;
    uint32_t len;
    if (!get16(s, p, nameLen) || p + nameLen + 1 > s.size()) return batch.abandonRow(), false;
    const auto name = s.substr(p, nameLen);
    p += nameLen;
    const auto flags = static_cast<uint8_t>(s[p++]);
    if (!get32(s, p, len) || p + len > s.size()) return batch.abandonRow(), false;
    const auto bytes = s.substr(p, len);
    p += len;
    const uint32_t column = batch.columnIndex(name);
    if (flags & RowBatch::kNull) {
      batch.addNull(column);
    } else if (flags & RowBatch::kList) {
      batch.beginList(column);
      size_t q = 0;
      uint32_t itemLen;
      while (get32(bytes, q, itemLen) && q + itemLen <= bytes.size()) {
        batch.appendListItem(bytes.substr(q, itemLen));
        q += itemLen;
      }
    } else {
      batch.addCell(column, bytes);
    }
  }
  batch.setRaw({});
  batch.endRow();
  return true;
}

Ingestor::Ingestor(store::Store& store, std::shared_ptr<const mapping::CompiledMapping> mapping, std::string source)
    : store_(store), runner_(std::move(mapping)), source_(std::move(source)) {}

IngestSummary Ingestor::ingest(const IngestRequest& req, std::vector<RowResult>* perRow) {
  using mapping::RowOutcome;
  IngestSummary summary;
  store::CommitBatch batch;
  batch.checkpoint = req.checkpoint;
  const auto& m = runner_.mapping();
  const int64_t now = nowMillis();
  // Where each committed record / dead letter goes back to in perRow.
  std::vector<size_t> recordRow, deadRow;
  std::vector<RowResult> results;

  auto deadLetter = [&](const std::string& stage, const std::string& field, const std::string& function,
                        const std::string& value, const std::string& error, std::string_view raw,
                        const std::string& rawFormat, std::string cells) {
    store::DeadLetter d;
    d.source = source_;
    d.platform = m.name;
    d.stage = stage;
    d.error = error;
    d.field = field;
    d.function = function;
    d.value = value;
    d.mapping = m.versionTag();
    d.raw = std::string(raw);
    d.rawFormat = rawFormat;
    d.cells = std::move(cells);
    d.createdAt = now;
    batch.deadLetters.push_back(std::move(d));
  };

  if (req.readErrors) {
    for (const auto& e : *req.readErrors) {
      RowResult r;
      r.rowNumber = static_cast<uint32_t>(e.rowNumber);
      r.kind = RowResult::Kind::DeadLetter;
      r.stage = req.readStage;
      r.error = e.message;
      deadRow.push_back(results.size());
      results.push_back(std::move(r));
      deadLetter(req.readStage, "", "", "", e.message, e.raw, req.rows ? req.rows->rawFormat() : "", "");
      ++summary.deadLetters;
    }
    summary.rows += req.readErrors->size();
  }

  auto mapRows = [&](const RowBatch& rows, bool tombstones) {
    for (size_t i = 0; i < rows.size(); ++i) {
      runner_.map(rows, i, outcome_);
      RowResult r;
      r.rowNumber = rows.row(i).number;
      r.warnings = outcome_.warnings;
      summary.warnings += outcome_.warnings.size();
      switch (outcome_.kind) {
        case RowOutcome::Kind::Record: {
          r.recordId = outcome_.record.envelope.record_id;
          if (tombstones) {
            outcome_.record.envelope.deleted = true;
            outcome_.record.envelope.__isset.deleted = true;
          }
          if (!tombstones && i < req.replayIds.size())
            batch.resolvedDeadLetters.emplace_back(req.replayIds[i], r.recordId);
          if (!req.defaultDepartment.empty() && outcome_.record.envelope.department.empty())
            outcome_.record.envelope.__set_department(req.defaultDepartment);
          recordRow.push_back(results.size());
          batch.records.push_back(outcome_.record);
          break;
        }
        case RowOutcome::Kind::Skipped:
          r.kind = RowResult::Kind::Skipped;
          ++summary.skipped;
          break;
        case RowOutcome::Kind::DeadLetter:
          r.kind = RowResult::Kind::DeadLetter;
          r.stage = outcome_.stage;
          r.field = outcome_.field;
          r.function = outcome_.function;
          r.value = outcome_.value;
          r.error = tombstones ? "deleted at the source, but its last content does not map: " + outcome_.error
                               : outcome_.error;
          if (!tombstones && i < req.replayIds.size()) {
            r.deadLetterId = req.replayIds[i];  // still failing: the open dead letter stays as it is
          } else {
            deadRow.push_back(results.size());
            deadLetter(outcome_.stage, outcome_.field, outcome_.function, outcome_.value, r.error,
                       rows.raw(rows.row(i)), rows.rawFormat(), encodeRowCells(rows, i));
          }
          ++summary.deadLetters;
          break;
      }
      results.push_back(std::move(r));
      ++summary.rows;
    }
  };
  if (req.rows) mapRows(*req.rows, false);
  if (req.deletedRows) mapRows(*req.deletedRows, true);
  for (const auto& [k, v] : runner_.takeStats().lookupMisses) summary.lookupMisses[k] += v;

  const auto committed = store_.commit(batch);
  summary.headPosition = committed.headPosition;
  for (size_t k = 0; k < committed.outcomes.size(); ++k) {
    auto& r = results[recordRow[k]];
    const auto& o = committed.outcomes[k];
    r.recordId = o.recordId;
    r.version = o.version;
    r.changed = o.changed;
    ++summary.records;
    if (batch.records[k].envelope.__isset.deleted && batch.records[k].envelope.deleted) ++summary.tombstones;
    (o.changed ? summary.changed : summary.unchanged)++;
  }
  for (size_t k = 0; k < committed.deadLetterIds.size() && k < deadRow.size(); ++k)
    results[deadRow[k]].deadLetterId = committed.deadLetterIds[k];
  if (perRow) *perRow = std::move(results);
  return summary;
}

}  // namespace govsync::connectors
