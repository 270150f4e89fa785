// Dead-letter replay: open dead letters go through the current version of
// their mapping again (the one ingest path, connectors::Ingestor). A row that
// now maps becomes a record and its dead letter is resolved in the same
// transaction; a row that still fails keeps its dead letter as it is, so
// replaying twice changes nothing. Used by `govsync deadletters replay` and
// POST /v1/deadletters/replay.
#pragma once

#include <string>
#include <vector>

#include "core/store/store.h"
#include "mappings/engine/mapping_set.h"

namespace govsync::gateway {

struct ReplayOptions {
  std::string source;        ///< only this source ("" = every source)
  std::vector<int64_t> ids;  ///< only these dead letters (empty = every open one)
  size_t limit = 1000000;    ///< at most this many dead letters
};

struct ReplayGroup {
  std::string source, platform;
  std::string mapping;     ///< "name@version" used; "" if the mapping is not loaded
  size_t deadLetters = 0;  ///< in the group
  size_t records = 0;      ///< replayed into records
  size_t stillFailing = 0;
  size_t notReplayable = 0;  ///< rows that could not be rebuilt, or no mapping
};

struct ReplayFailure {
  int64_t deadLetterId = 0;
  std::string stage, field, error;
  std::string value;  ///< the value `error` may quote (not served: ExchangeService redacts it)
};

struct ReplayReport {
  size_t resolved = 0, stillFailing = 0, notReplayable = 0;
  std::vector<ReplayGroup> groups;
  std::vector<ReplayFailure> failures;
};

ReplayReport replayDeadLetters(store::Store& store, const mapping::MappingSet& mappings, const ReplayOptions& options);

}  // namespace govsync::gateway
