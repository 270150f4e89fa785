// Sync subcommands: one pass of the connectors, connector status and
// checkpoint reset, dead letters (list, replay), reconciliation.
#include <iomanip>
#include <iostream>

#include "cli/cli_common.h"
#include "connectors/sync/sync_engine.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "gateway/service/dead_letter_replay.h"

namespace govsync::cli {

namespace {

using connectors::IngestSummary;

/// Everything a sync command needs, built from the configuration.
struct SyncSetup {
  Config config;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<mapping::MappingSet> mappings;
  connectors::ConnectorRegistry registry;
  std::unique_ptr<connectors::SyncEngine> engine;

  explicit SyncSetup(const Args& args) : config(loadConfig(args)) {
    store = openConfiguredStore(config);
    mappings = std::make_unique<mapping::MappingSet>(config.getString("mappings.dir"),
                                                     config.getString("mappings.codes_dir"), hmacSalt(config, true));
    mappings->loadAll();
    connectors::registerBuiltinConnectors(registry);
    registry.loadPlugins(config.getString("sync.plugins_dir"));
    connectors::SyncOptions o;
    o.maxConcurrent = static_cast<size_t>(config.getInt("sync.max_concurrent"));
    o.maxBackoffSeconds = config.getInt("sync.max_backoff_seconds");
    o.stateDir = config.getString("data_dir") + "/connectors";
    o.configFile = config.source();
    engine =
        std::make_unique<connectors::SyncEngine>(*store, *mappings, registry, connectors::connectorConfigs(config), o);
  }
};

void printSummary(const std::string& name, const IngestSummary& s) {
  std::cout << name << ": " << s.rows << " rows, " << s.records << " records (" << s.changed << " changed, "
            << s.unchanged << " unchanged, " << s.tombstones << " deleted), " << s.skipped << " skipped, "
            << s.deadLetters << " dead letters, " << s.warnings << " warnings";
  if (!s.lookupMisses.empty()) std::cout << ", " << s.lookupMisses.size() << " distinct code-table misses";
  std::cout << "; feed head " << s.headPosition << "\n";
}

int syncOnce(const std::vector<std::string>& argv) {
  Args args(argv, {"connector"}, {"once"});
  if (!args.has("once"))
    throw Error::invalid("`govsync sync` runs one pass with --once; `govsync serve` runs the connectors continuously");
  SyncSetup setup(args);
  std::vector<std::string> names = setup.engine->names();
  if (auto one = args.get("connector")) names = {*one};
  if (names.empty()) std::cout << "no connectors configured (see connectors: in " << setup.config.source() << ")\n";
  int failed = 0;
  for (const auto& name : names) {
    try {
      printSummary(name, setup.engine->runOnce(name));
    } catch (const Error& e) {
      ++failed;
      std::cout << name << ": FAILED (" << errorCodeName(e.code()) << (e.retryable() ? ", will retry" : "")
                << "): " << e.what() << "\n";
    }
  }
  return failed ? 1 : 0;
}

int connectorTypes(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  const Config config = loadConfig(args);
  connectors::ConnectorRegistry registry;
  connectors::registerBuiltinConnectors(registry);
  for (const auto& f : registry.loadPlugins(config.getString("sync.plugins_dir"))) std::cout << "plugin " << f << "\n";
  for (const auto& name : registry.names()) {
    const auto& t = registry.get(name);
    std::cout << name << ": " << t.summary << "\n";
    for (const auto& k : t.options.children)
      std::cout << "  options." << k.name << (k.defaultValue.empty() ? "" : " (default " + k.defaultValue + ")")
                << "\n      " << k.doc << "\n";
  }
  return 0;
}

int connectorStatus(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  auto configs = connectors::connectorConfigs(config);
  if (!args.positional().empty()) {
    std::erase_if(configs, [&](const auto& c) { return c.name != args.positional()[0]; });
    if (configs.empty())
      throw Error::notFound("no connector named '" + args.positional()[0] + "' in " + config.source());
  }
  for (const auto& c : configs) {
    auto cp = store->getCheckpoint(c.name);
    store::DeadLetterQuery q;
    q.source = c.name;
    q.resolved = false;
    q.limit = 1000000;
    std::cout << c.name << " (" << c.type << " → " << c.mapping << (c.enabled ? "" : ", disabled") << ")\n"
              << "  checkpoint: " << (cp ? cp->value : "(none: starts from the beginning)") << "\n";
    if (cp) std::cout << "  saved at:   " << formatRfc3339(cp->updatedAt) << "\n";
    std::cout << "  open dead letters: " << store->listDeadLetters(q).size() << "\n";
    for (const auto& r : store->listReconciliations(c.name, 1))
      std::cout << "  last reconciliation: " << r.day << ": source "
                << (r.sourceRows ? std::to_string(*r.sourceRows) : "?") << ", records " << r.records
                << ", dead letters " << r.deadLetters
                << (r.missing() ? ", difference " + std::to_string(*r.missing()) : "") << "\n";
  }
  return 0;
}

int connectorReset(const std::vector<std::string>& argv) {
  Args args(argv, {"to"}, {});
  if (args.positional().size() != 1) throw Error::invalid("usage: govsync connector reset NAME [--to CHECKPOINT]");
  const Config config = loadConfig(args);
  const auto& name = args.positional()[0];
  bool known = false;
  for (const auto& c : connectors::connectorConfigs(config)) known = known || c.name == name;
  if (!known) throw Error::notFound("no connector named '" + name + "' in " + config.source());
  auto store = openConfiguredStore(config);
  keyAuditLog(*store, config, false);  // before the change it audits
  const auto before = store->getCheckpoint(name);
  store->resetCheckpoint(name, args.get("to"));
  store::AuditEntry audit;
  audit.actor = "cli";
  audit.action = "admin.connector.reset";
  audit.target = name;
  audit.detail = "{\"from\":" + std::string(before ? "\"saved\"" : "null") + "}";
  store->appendAudit(audit);
  std::cout << name << ": checkpoint "
            << (args.get("to") ? "set to " + *args.get("to") : "removed (next pass starts from the beginning)")
            << (before ? " (was " + before->value + ")" : "") << "\n";
  return 0;
}

int deadLettersList(const std::vector<std::string>& argv) {
  Args args(argv, {"connector", "limit", "after"}, {"all"});
  auto store = openConfiguredStore(loadConfig(args));
  store::DeadLetterQuery q;
  q.source = args.getOr("connector", "");
  if (!args.has("all")) q.resolved = false;
  q.limit = std::stoul(args.getOr("limit", "100"));
  q.afterId = std::stoll(args.getOr("after", "0"));
  const auto list = store->listDeadLetters(q);
  for (const auto& d : list) {
    std::cout << "#" << d.id << " " << formatRfc3339(d.createdAt) << " " << d.source << " → " << d.platform << " ["
              << d.stage << "] " << d.field << (d.function.empty() ? "" : " " + d.function) << ": " << d.error
              << (d.value.empty() ? "" : " (value '" + d.value + "')")
              << (d.resolved ? " RESOLVED → " + d.resolvedRecordId : "") << "\n    " << d.mapping << ", raw "
              << d.raw.size() << " bytes (" << d.rawFormat << ")\n";
  }
  std::cout << list.size() << " dead letters\n";
  return 0;
}

int deadLettersReplay(const std::vector<std::string>& argv) {
  Args args(argv, {"connector"}, {});
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  keyAuditLog(*store, config, false);  // before the replay it audits
  mapping::MappingSet mappings(config.getString("mappings.dir"), config.getString("mappings.codes_dir"),
                               hmacSalt(config, true));
  mappings.loadAll();
  gateway::ReplayOptions options;
  options.source = args.getOr("connector", "");
  // The same replay as POST /v1/deadletters/replay (gateway/service).
  const auto report = gateway::replayDeadLetters(*store, mappings, options);
  for (const auto& f : report.failures)
    std::cout << "  #" << f.deadLetterId << " still fails [" << f.stage << "] " << f.field << ": " << f.error << "\n";
  for (const auto& g : report.groups) {
    if (g.mapping.empty())
      std::cout << g.source << " → " << g.platform << ": mapping not loaded; " << g.deadLetters << " left open\n";
    else
      std::cout << g.source << " → " << g.mapping << ": " << g.records << " replayed into records, " << g.stillFailing
                << " still failing"
                << (g.notReplayable ? ", " + std::to_string(g.notReplayable) + " not replayable" : "") << "\n";
  }
  store::AuditEntry audit;
  audit.actor = "cli";
  audit.action = "admin.deadletters.replay";
  audit.target = options.source.empty() ? "deadletters" : options.source;
  audit.detail = "{\"resolved\":" + std::to_string(report.resolved) +
                 ",\"still_failing\":" + std::to_string(report.stillFailing) +
                 ",\"not_replayable\":" + std::to_string(report.notReplayable) + "}";
  store->appendAudit(audit);
  std::cout << report.resolved << " resolved, " << report.stillFailing << " still failing, " << report.notReplayable
            << " not replayable (rows that could not be read at all)\n";
  return 0;
}

int reconcile(const std::vector<std::string>& argv) {
  Args args(argv, {"connector", "day"}, {});
  const auto name = args.get("connector");
  if (!name) throw Error::invalid("usage: govsync reconcile --connector NAME [--day YYYY-MM-DD]");
  SyncSetup setup(args);
  // Default: yesterday, China Standard Time.
  const std::string day = args.getOr("day", formatRfc3339(nowMillis() + 8 * 3600 * 1000 - 86400000).substr(0, 10));
  std::string sourceSystem;
  for (const auto& c : connectors::connectorConfigs(setup.config))
    if (c.name == *name) {
      auto m = setup.mappings->get(c.mapping);
      if (!m) throw Error::config("mapping " + c.mapping + " of connector " + *name + " is not loaded");
      sourceSystem = m->sourceSystem;
    }
  auto* connector = setup.engine->connector(*name);
  const auto sourceRows = connector->countRows(day);
  const auto r = setup.store->reconcile(*name, sourceSystem, day, sourceRows);
  std::cout << *name << " on " << day << " (China Standard Time):\n"
            << "  rows at the source:  "
            << (r.sourceRows ? std::to_string(*r.sourceRows) : "(no count_query configured)")
            << "\n  records delivered:   " << r.records << " (source system " << sourceSystem << ")\n"
            << "  dead letters:        " << r.deadLetters << "\n";
  if (auto missing = r.missing()) {
    std::cout << "  difference:          " << *missing
              << (*missing == 0  ? " — complete"
                  : *missing > 0 ? " — rows not accounted for"
                                 : " — more arrived than the source counts")
              << "\n";
    return *missing == 0 ? 0 : 1;
  }
  return 0;
}

}  // namespace

void addSyncCommands(std::vector<Command>& out) {
  out.push_back(
      {"sync", "run one pass of every connector (or one) and print a summary", "--once [--connector NAME]", syncOnce});
  out.push_back({"connector status", "show connectors' checkpoints and open dead letters", "[NAME]", connectorStatus});
  out.push_back({"connector reset", "reset a connector's checkpoint (to the beginning, or to a value)",
                 "NAME [--to CHECKPOINT]", connectorReset});
  out.push_back(
      {"connector types", "list connector types (built-in and plugins) with their options", "", connectorTypes});
  out.push_back({"deadletters list", "list dead letters with their reasons (open ones unless --all)",
                 "[--connector NAME] [--all] [--limit N] [--after ID]", deadLettersList});
  out.push_back({"reconcile", "compare a day's rows at the source with records delivered and dead letters",
                 "--connector NAME [--day YYYY-MM-DD]", reconcile});
  out.push_back({"deadletters replay", "re-run open dead letters through the current mapping version",
                 "[--connector NAME]", deadLettersReplay});
}

}  // namespace govsync::cli
