// Connectors: how rows come in from a legacy platform. A Connector turns a
// checkpoint into the next batch of raw rows and the checkpoint after them.
// It knows nothing of mappings or the store: the sync engine maps the rows
// and commits them together with the new checkpoint, then tells the
// connector (committed) so it may tidy up (move a file to done/, save a
// snapshot).
//
// Types are registered by name in a ConnectorRegistry: the built-in ones
// explicitly (registerBuiltinConnectors), out-of-tree ones from shared
// libraries in the plugins folder (see docs/connector-guide.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/rows/row_batch.h"
#include "core/rows/row_readers.h"

namespace govsync::connectors {

/// What one fetch returns.
struct FetchResult {
  RowBatch rows;
  /// Rows the source sent that could not be read (→ dead letters, stage fetch).
  std::vector<RowError> errors;
  /// The checkpoint after these rows: committed in the same transaction.
  std::string checkpoint;
  /// More rows are ready now: the engine fetches again without waiting.
  bool more = false;
  /// Snapshot mode: the last known content of rows that disappeared from the
  /// source. They are mapped like any row and committed as tombstones.
  RowBatch deletedRows;
  /// Opaque state for committed() (e.g. which file this batch came from).
  std::string token;
};

/// Everything a connector instance is built from.
struct ConnectorContext {
  std::string name;      ///< the configured connector's unique name
  Config options;        ///< its `options:`, validated against the type's keys
  std::string stateDir;  ///< a folder of its own for state it must keep
};

class Connector {
 public:
  virtual ~Connector() = default;
  /// Reads at most `maxRows` rows after `checkpoint` ("" = from the start).
  /// Throws Error: retryable ones (source down, timeout, 5xx) are retried
  /// with backoff; others (bad credentials, a query that fails) too, but are
  /// shown as configuration problems in status. Must not throw for one bad
  /// row: that goes to FetchResult::errors.
  virtual FetchResult fetch(const std::string& checkpoint, size_t maxRows) = 0;
  /// Called after the batch's records and checkpoint committed.
  virtual void committed(const FetchResult&) {}
  /// Rows at the source created on `day` (YYYY-MM-DD, the source's local
  /// day) for reconciliation; nullopt when the connector has no count query.
  virtual std::optional<int64_t> countRows(const std::string& day) {
    (void)day;
    return std::nullopt;
  }
  /// Asks a fetch in progress on another thread to stop soon (shutdown).
  virtual void cancel() {}
  /// What it reads from, for status and logs — never a secret.
  virtual std::string describe() const = 0;
};

/// A connector type: its name, its options and how to build one.
struct ConnectorType {
  std::string name;
  std::string summary;
  KeySpec options;  ///< a Section whose children are the option keys
  std::function<std::unique_ptr<Connector>(const ConnectorContext&)> create;
};

/// Connector types by name. A duplicate name is an error; an unknown name is
/// an error that lists the known ones.
class ConnectorRegistry {
 public:
  void add(ConnectorType type);
  const ConnectorType& get(const std::string& name) const;
  const ConnectorType* find(const std::string& name) const;
  std::vector<std::string> names() const;

  /// Loads every *.so in `dir`: each must export
  ///   extern "C" int govsync_connector_abi();  // == kConnectorAbi
  ///   extern "C" void govsync_register_connectors(govsync::connectors::ConnectorRegistry&);
  /// Returns the files loaded; throws Error(Config) naming a file that fails.
  std::vector<std::string> loadPlugins(const std::string& dir);

 private:
  std::map<std::string, ConnectorType> types_;
  std::vector<void*> handles_;
};

/// Bumped whenever this header changes incompatibly.
constexpr int kConnectorAbi = 1;

/// Registers odbc, http and file.
void registerBuiltinConnectors(ConnectorRegistry& registry);
void registerOdbcConnector(ConnectorRegistry& registry);
void registerHttpConnector(ConnectorRegistry& registry);
void registerFileConnector(ConnectorRegistry& registry);

}  // namespace govsync::connectors
