#include "gateway/service/dead_letter_replay.h"

#include <algorithm>
#include <map>

#include "connectors/sync/ingest.h"
#include "core/rows/row_readers.h"

namespace govsync::gateway {

ReplayReport replayDeadLetters(store::Store& store, const mapping::MappingSet& mappings, const ReplayOptions& o) {
  std::vector<store::DeadLetter> open;
  if (!o.ids.empty()) {
    for (auto id : o.ids) {
      auto d = store.getDeadLetter(id);
      if (d && !d->resolved && (o.source.empty() || d->source == o.source)) open.push_back(std::move(*d));
      if (open.size() >= o.limit) break;
    }
  } else {
    store::DeadLetterQuery q;
    q.source = o.source;
    q.resolved = false;
    q.limit = o.limit;
    open = store.listDeadLetters(q);
  }
  // Group by (source, mapping): each group replays as one batch through the
  // current version of its mapping.
  std::map<std::pair<std::string, std::string>, std::vector<store::DeadLetter>> groups;
  for (auto& d : open) groups[{d.source, d.platform}].push_back(std::move(d));

  ReplayReport report;
  for (auto& [key, letters] : groups) {
    ReplayGroup g;
    g.source = key.first;
    g.platform = key.second;
    g.deadLetters = letters.size();
    auto compiled = mappings.get(key.second);
    if (!compiled) {
      g.notReplayable = letters.size();
      report.notReplayable += letters.size();
      report.groups.push_back(std::move(g));
      continue;
    }
    g.mapping = compiled->versionTag();
    RowBatch rows;
    std::vector<int64_t> ids;
    for (const auto& d : letters) {
      if (d.cells.empty() && d.rawFormat == "json") {
        // A row that failed to parse: try its raw text again.
        RowBatch one;
        if (readJsonRows(d.raw, one).empty() && one.size() == 1) {
          connectors::decodeRowCells(connectors::encodeRowCells(one, 0), rows, 0);
          ids.push_back(d.id);
          continue;
        }
      }
      if (d.cells.empty() || !connectors::decodeRowCells(d.cells, rows, 0)) {
        ++g.notReplayable;
        continue;
      }
      ids.push_back(d.id);
    }
    report.notReplayable += g.notReplayable;
    if (!ids.empty()) {
      connectors::Ingestor ingestor(store, compiled, key.first);
      connectors::IngestRequest req;
      req.rows = &rows;
      req.replayIds = ids;
      std::vector<connectors::RowResult> results;
      ingestor.ingest(req, &results);
      for (const auto& r : results) {
        if (r.kind == connectors::RowResult::Kind::Record) {
          ++g.records;
        } else {
          ++g.stillFailing;
          report.failures.push_back({r.deadLetterId, r.stage, r.field, r.error, r.value});
        }
      }
    }
    report.resolved += g.records;
    report.stillFailing += g.stillFailing;
    report.groups.push_back(std::move(g));
  }
  return report;
}

}  // namespace govsync::gateway
