// What every subcommand shares: argument parsing, loading the configuration
// (--config, --data-dir), opening the store.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/store/store.h"
#include "gateway/auth/keys.h"

namespace govsync::cli {

/// Parsed arguments of one subcommand: --name value / --name=value options,
/// --flag switches, and positional arguments. Unknown options are errors.
class Args {
 public:
  /// `valueOptions` take a value; `flags` do not. Throws Error(InvalidInput).
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
       const std::set<std::string>& flags);

  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
  bool has(const std::string& flag) const { return flags_.count(flag) > 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

/// Options every subcommand accepts.
inline const std::set<std::string> kCommonOptions = {"config", "data-dir"};

/// The configuration named by --config (or the embedded defaults), with
/// --data-dir applied.
Config loadConfig(const Args& args);
/// Store options from the configuration.
store::StoreOptions storeOptions(const Config& config);
std::unique_ptr<store::Store> openConfiguredStore(const Config& config);
/// The master key, looked up as `serve` does (auth.master_key, else
/// <data_dir>/master_key — created when `create` is set), with `store`'s audit
/// chain keyed by the key derived from it. Every command that appends audit
/// entries or verifies them calls this before it acts: the store refuses both
/// without the key. Throws Error(Config) when there is no master key.
/// Before acting it checks that the log can be extended (the key matches,
/// the head holds up) and that <data_dir>/audit_anchor agrees with the
/// store on where the keyed chain starts (writing the anchor the first time
/// the log is found keyed); Error(Corrupt) or Error(Config) otherwise.
gateway::MasterKey keyAuditLog(store::Store& store, const Config& config, bool create);
/// What is wrong between <data_dir>/audit_anchor and the store's keyed
/// chain ("" = nothing): the anchor keeps, outside the database, the entry
/// the chain is keyed from, so a database whose key columns were reset (to
/// pass a rewritten log off as one never keyed) is caught. Writes a missing
/// anchor when `write` is set and the log is keyed.
std::string auditAnchorProblem(store::Store& store, const Config& config, const std::string& auditKey, bool write);
/// The installation's hmac_key salt: mappings.hmac_salt, else the
/// environment's GOVSYNC_HMAC_SALT, else <data_dir>/hmac_salt — created with
/// 256 random bits (mode 0600) the first time when `create` is set.
std::string hmacSalt(const Config& config, bool create);

/// One subcommand of `govsync`.
struct Command {
  std::string name;     ///< e.g. "serve", "feed read"
  std::string summary;  ///< one line for --help
  std::string usage;    ///< options, for `govsync NAME --help`
  std::function<int(const std::vector<std::string>&)> run;
};

/// Registered explicitly by each cli/cmd_*.cpp (no static self-registration).
void addServeCommands(std::vector<Command>& out);
void addStoreCommands(std::vector<Command>& out);
void addConfigCommands(std::vector<Command>& out);
void addMappingCommands(std::vector<Command>& out);
void addSyncCommands(std::vector<Command>& out);
void addClientCommands(std::vector<Command>& out);
void addReviewCommands(std::vector<Command>& out);

}  // namespace govsync::cli
