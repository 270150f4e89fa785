// The sync engine: runs each configured connector on its interval — fetch a
// bounded batch, map it, commit it with its checkpoint, repeat while the
// source has more — under a global concurrency limit, with backoff while a
// source is down and recovery when it returns. Stopping lets the batch in
// flight commit or roll back; nothing is left half done.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/connector.h"
#include "connectors/sync/ingest.h"
#include "core/store/store.h"
#include "mappings/engine/mapping_set.h"

namespace govsync::connectors {

/// One configured connector (a `connectors:` entry).
struct ConnectorConfig {
  std::string name, type, mapping;
  bool enabled = true;
  int64_t intervalSeconds = 60;
  size_t batchRows = 5000;
  YAML::Node options;
  std::string where;  ///< file:line of the entry, for messages
};

/// The `connectors:` entries of a configuration.
std::vector<ConnectorConfig> connectorConfigs(const Config& config);

struct ConnectorStatus {
  std::string name, type, mapping, source;
  std::string state = "idle";  ///< idle | running | backoff | disabled | error
  int64_t lastRunAt = 0, lastSuccessAt = 0, caughtUpAt = 0, nextRunAt = 0;
  int consecutiveFailures = 0;
  std::string lastError;
  std::string checkpoint;
  IngestSummary totals;  ///< since start
  /// Seconds since the connector last read its source to the end (how stale
  /// its data may be); -1 before the first complete pass.
  int64_t lagSeconds = -1;
  /// The latest `govsync reconcile` result for this connector, if any.
  std::optional<store::Reconciliation> lastReconciliation;
};

struct SyncOptions {
  size_t maxConcurrent = 2;
  int64_t maxBackoffSeconds = 300;
  std::string stateDir = "data/connectors";
  std::string configFile = "(defaults)";
};

class SyncEngine {
 public:
  /// Builds every connector; throws Error(Config) naming the file, key and
  /// problem for an unknown type, bad options or an unknown mapping name.
  SyncEngine(store::Store& store, mapping::MappingSet& mappings, const ConnectorRegistry& registry,
             std::vector<ConnectorConfig> connectors, SyncOptions options);
  ~SyncEngine();

  /// One pass of one connector: batches until the source has no more (or
  /// stop()). Throws what the connector or the store threw.
  IngestSummary runOnce(const std::string& name);
  /// Starts the scheduler threads.
  void start();
  /// Stops: no new batches; waits for batches in flight.
  void stop();
  /// Wakes a connector now (POST /v1/connectors/{name}/run).
  bool trigger(const std::string& name);

  std::vector<ConnectorStatus> status() const;
  std::vector<std::string> names() const;
  /// The connector object (for reconciliation's countRows).
  Connector* connector(const std::string& name);

 private:
  struct Runtime;
  Runtime& runtime(const std::string& name);
  IngestSummary pass(Runtime& rt);
  void loop(Runtime& rt);

  store::Store& store_;
  mapping::MappingSet& mappings_;
  SyncOptions options_;
  std::vector<std::unique_ptr<Runtime>> runtimes_;
  std::atomic<bool> stopping_{false};
  std::mutex slotsMutex_;
  std::condition_variable slotsFree_;
  size_t busy_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace govsync::connectors
