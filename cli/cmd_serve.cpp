// `govsync serve`: the long-lived process. Opens the configured store, loads
// the platform mappings and keeps them current (a changed file is recompiled;
// one that fails to compile never replaces the running version), runs the
// sync engine, then serves the HTTP and Thrift gateways — until SIGINT or
// SIGTERM, when the gateways stop first (no new requests; those in flight
// finish) and the sync engine after them.
#include <signal.h>

#include <chrono>
#include <iostream>

#include "cli/cli_common.h"
#include "connectors/sync/sync_engine.h"
#include "core/reviews/working_days.h"
#include "core/util/time.h"
#include "gateway/auth/authenticator.h"
#include "gateway/http/http_gateway.h"
#include "gateway/service/exchange_service.h"
#include "gateway/thrift/thrift_gateway.h"
#include "mappings/engine/mapping_set.h"

namespace govsync::cli {

namespace {

// Waits up to `ms` for SIGINT/SIGTERM (blocked in every thread); 0 = none.
int waitForSignal(const sigset_t& set, int64_t ms) {
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  const int sig = sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

void printMappingStatus(const mapping::MappingStatus& s) {
  if (s.error.empty())
    std::cout << "  mapping " << s.name << "@" << s.version << " (" << s.kind << ") loaded\n";
  else if (s.version.empty())
    std::cout << "  mapping " << s.name << " NOT loaded: " << s.error << "\n";
  else
    std::cout << "  mapping " << s.name << " kept at @" << s.version
              << "; the changed file does not compile: " << s.error << "\n";
}

int serve(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  const Config config = loadConfig(args);
  const auto httpOptions = gateway::HttpOptions::fromConfig(config);
  const auto thriftOptions = gateway::ThriftOptions::fromConfig(config);
  auto store = openConfiguredStore(config);
  const auto masterKey = keyAuditLog(*store, config, true);
  mapping::MappingSet mappings(config.getString("mappings.dir"), config.getString("mappings.codes_dir"),
                               hmacSalt(config, true));
  std::cout << "govsync serving\n"
            << "  configuration: " << config.source() << "\n"
            << "  store:         " << store->backend() << " " << store->target() << " (schema v"
            << store->schemaVersion() << ", feed head " << store->headPosition() << ")\n"
            << "  mappings:      " << mappings.dir() << " (codes " << mappings.codesDir() << ")\n"
            << "  reviews:       bad reviews rectified within " << store->reviewPolicy().rectifyWorkingDays
            << " working days; calendar " << store->reviewPolicy().calendarSource << "\n";
  for (const auto& s : mappings.loadAll()) printMappingStatus(s);
  // Deadlines over holidays the calendar does not know come out too early: say so.
  if (const auto& calendar = store->reviewPolicy().calendar) {
    int64_t year = 0;
    unsigned month = 0, day = 0;
    civilFromDays(reviews::shanghaiDay(nowMillis()), year, month, day);
    for (int64_t y : {year, year + 1})
      if ((y == year || month == 12) && !calendar->covers(y))
        std::cout << "  warning:       the working-day calendar lists no holidays for " << y
                  << ": rectification deadlines in " << y << " count weekends only (add them to "
                  << store->reviewPolicy().calendarSource << ")\n";
  }

  connectors::ConnectorRegistry registry;
  connectors::registerBuiltinConnectors(registry);
  for (const auto& f : registry.loadPlugins(config.getString("sync.plugins_dir")))
    std::cout << "  plugin:        " << f << "\n";
  connectors::SyncOptions syncOptions;
  syncOptions.maxConcurrent = static_cast<size_t>(config.getInt("sync.max_concurrent"));
  syncOptions.maxBackoffSeconds = config.getInt("sync.max_backoff_seconds");
  syncOptions.stateDir = config.getString("data_dir") + "/connectors";
  syncOptions.configFile = config.source();
  connectors::SyncEngine engine(*store, mappings, registry, connectors::connectorConfigs(config), syncOptions);
  for (const auto& c : engine.status())
    std::cout << "  connector " << c.name << " (" << c.type << " → " << c.mapping << "): " << c.source << " ["
              << c.state << "]\n";
  engine.start();

  // The gateway: after the engine, so pushes and pulls meet a running system.
  gateway::ExchangeService service(*store, mappings, &engine, masterKey);
  gateway::Authenticator authenticator(*store, masterKey, httpOptions.signatureWindowSeconds);
  gateway::HttpGateway http(service, authenticator, httpOptions);
  gateway::ThriftGateway thrift(service, authenticator, thriftOptions);
  try {
    http.start();
    if (thriftOptions.enabled) thrift.start();
  } catch (...) {
    http.stop();
    engine.stop();
    throw;
  }
  std::cout << "  http:          listening on " << http.url() << (httpOptions.requireClientCert ? " (mutual TLS)" : "")
            << " (" << httpOptions.threads << " threads, body cap " << httpOptions.maxBodyBytes << " bytes)\n";
  if (thriftOptions.enabled)
    std::cout << "  thrift:        listening on " << thrift.url()
              << (thriftOptions.requireClientCert ? " (mutual TLS)" : "") << " (" << thriftOptions.threads
              << " threads, frame cap " << thriftOptions.maxFrameBytes << " bytes)\n";
  else
    std::cout << "  thrift:        off (thrift.enabled: false)\n";
  std::cout << "Press Ctrl-C to stop." << std::endl;

  // The audit log, checked every 10 s: a key or head changed outside
  // govsync (or an anchor that disagrees) stops the serving of requests
  // until it is resolved, rather than letting them go unaudited.
  const std::string auditKey = masterKey.derive(store::kAuditKeyPurpose);
  int64_t lastAuditCheck = 0;
  auto checkAudit = [&] {
    if (nowMillis() - lastAuditCheck < 10000) return;
    lastAuditCheck = nowMillis();
    std::string anchorProblem;
    try {
      anchorProblem = auditAnchorProblem(*store, config, auditKey, true);
    } catch (const std::exception& e) {
      anchorProblem = e.what();
    }
    service.checkAudit(anchorProblem);
  };

  // The overdue sweep: a missed deadline becomes a new version of the
  // review, so feed and stream readers hear of it when it happens.
  const int64_t sweepEvery = config.getInt("reviews.overdue_sweep_seconds") * 1000;
  int64_t lastSweep = 0;
  auto sweepOverdue = [&] {
    if (!sweepEvery || nowMillis() - lastSweep < sweepEvery) return;
    lastSweep = nowMillis();
    try {
      size_t marked = 0;
      for (size_t n; (n = store->markOverdueRectifications()) > 0 && marked < 100000;) marked += n;
      if (marked) std::cout << "  reviews:       " << marked << " rectification(s) now overdue" << std::endl;
    } catch (const std::exception& e) {
      std::cerr << "govsync: the overdue sweep failed (will retry): " << e.what() << std::endl;
    }
  };
  sweepOverdue();

  int sig = 0;
  while (!(sig = waitForSignal(set, 2000))) {
    checkAudit();
    sweepOverdue();
    for (const auto& name : mappings.reloadChanged()) {
      if (auto s = mappings.status(name))
        printMappingStatus(*s);
      else
        std::cout << "  mapping " << name << " removed\n";
      std::cout.flush();
    }
  }
  std::cout << "govsync: stopping on " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << "; letting requests and batches in flight finish" << std::endl;
  http.stop();
  thrift.stop();
  engine.stop();
  std::cout << "govsync: stopped" << std::endl;
  return 0;
}

}  // namespace

void addServeCommands(std::vector<Command>& out) {
  out.push_back({"serve", "run the gateway and the sync engine on the configured store",
                 "[--config FILE] [--data-dir DIR]", serve});
}

}  // namespace govsync::cli
