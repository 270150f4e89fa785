#include "connectors/sync/sync_engine.h"

#include <filesystem>
#include <random>

#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::connectors {

std::vector<ConnectorConfig> connectorConfigs(const Config& config) {
  std::vector<ConnectorConfig> out;
  for (size_t i = 0; i < config.listSize("connectors"); ++i) {
    const std::string p = "connectors[" + std::to_string(i) + "].";
    ConnectorConfig c;
    c.name = config.getString(p + "name");
    c.type = config.getString(p + "type");
    c.mapping = config.getString(p + "mapping");
    c.enabled = config.getBool(p + "enabled");
    c.intervalSeconds = config.getInt(p + "interval_seconds");
    c.batchRows = static_cast<size_t>(config.getInt(p + "batch_rows"));
    c.options = config.node(p + "options");
    c.where = config.whereIs(p + "name");
    out.push_back(std::move(c));
  }
  return out;
}

struct SyncEngine::Runtime {
  ConnectorConfig config;
  std::unique_ptr<Connector> connector;
  mutable std::mutex mutex;  // guards status
  ConnectorStatus status;
  std::condition_variable wake;
  bool triggered = false;
};

SyncEngine::SyncEngine(store::Store& store, mapping::MappingSet& mappings, const ConnectorRegistry& registry,
                       std::vector<ConnectorConfig> connectors, SyncOptions options)
    : store_(store), mappings_(mappings), options_(std::move(options)) {
  for (auto& c : connectors) {
    const auto& type = registry.get(c.type);  // unknown type: a Config error listing the known ones
    for (char ch : c.name)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'))
        throw Error::config(c.where + ": connector name '" + c.name + "' may only use letters, digits, _ and -");
    if (!mappings_.get(c.mapping) && !mappings_.status(c.mapping))
      throw Error::config(c.where + ": connector " + c.name + " names mapping '" + c.mapping +
                          "', which is not a file in " + mappings_.dir());
    ConnectorContext ctx;
    ctx.name = c.name;
    ctx.stateDir = (std::filesystem::path(options_.stateDir) / c.name).string();
    std::error_code ec;
    std::filesystem::create_directories(ctx.stateDir, ec);
    ctx.options = Config::validate(type.options, c.options, options_.configFile, "connectors." + c.name + ".options");
    auto rt = std::make_unique<Runtime>();
    rt->connector = type.create(ctx);
    rt->status.name = c.name;
    rt->status.type = c.type;
    rt->status.mapping = c.mapping;
    rt->status.source = rt->connector->describe();
    rt->status.state = c.enabled ? "idle" : "disabled";
    rt->config = std::move(c);
    runtimes_.push_back(std::move(rt));
  }
}

SyncEngine::~SyncEngine() { stop(); }

SyncEngine::Runtime& SyncEngine::runtime(const std::string& name) {
  for (auto& rt : runtimes_)
    if (rt->config.name == name) return *rt;
  std::string known;
  for (auto& rt : runtimes_) known += (known.empty() ? "" : ", ") + rt->config.name;
  throw Error::notFound("no connector named '" + name + "'" + (known.empty() ? "" : "; configured: " + known));
}

Connector* SyncEngine::connector(const std::string& name) { return runtime(name).connector.get(); }

std::vector<std::string> SyncEngine::names() const {
  std::vector<std::string> out;
  for (const auto& rt : runtimes_) out.push_back(rt->config.name);
  return out;
}

IngestSummary SyncEngine::pass(Runtime& rt) {
  auto compiled = mappings_.get(rt.config.mapping);
  if (!compiled) {
    const auto s = mappings_.status(rt.config.mapping);
    throw Error::config("mapping " + rt.config.mapping + " is not loaded" +
                        (s && !s->error.empty() ? ": " + s->error : ""));
  }
  Ingestor ingestor(store_, compiled, rt.config.name);
  IngestSummary total;
  {
    std::lock_guard lock(rt.mutex);
    rt.status.state = "running";
    rt.status.lastRunAt = nowMillis();
  }
  while (!stopping_) {
    const auto saved = store_.getCheckpoint(rt.config.name);
    FetchResult batch = rt.connector->fetch(saved ? saved->value : "", rt.config.batchRows);
    IngestRequest req;
    req.rows = &batch.rows;
    req.readErrors = &batch.errors;
    req.deletedRows = batch.deletedRows.empty() ? nullptr : &batch.deletedRows;
    req.checkpoint = store::Checkpoint{rt.config.name, batch.checkpoint, 0};
    // Records, dead letters and the checkpoint commit in one transaction; the
    // connector hears about it only afterwards, so a crash in between
    // re-reads the batch (and identical content is a no-op in the store).
    const auto summary = ingestor.ingest(req);
    rt.connector->committed(batch);
    total.add(summary);
    {
      std::lock_guard lock(rt.mutex);
      rt.status.totals.add(summary);
      rt.status.checkpoint = batch.checkpoint;
    }
    if (!batch.more) {
      std::lock_guard lock(rt.mutex);
      rt.status.caughtUpAt = nowMillis();
      break;
    }
  }
  std::lock_guard lock(rt.mutex);
  rt.status.lastSuccessAt = nowMillis();
  rt.status.consecutiveFailures = 0;
  rt.status.lastError.clear();
  rt.status.state = "idle";
  return total;
}

IngestSummary SyncEngine::runOnce(const std::string& name) {
  auto& rt = runtime(name);
  try {
    return pass(rt);
  } catch (const std::exception& e) {
    std::lock_guard lock(rt.mutex);
    rt.status.state = "error";
    rt.status.lastError = e.what();
    ++rt.status.consecutiveFailures;
    throw;
  }
}

void SyncEngine::loop(Runtime& rt) {
  std::mt19937_64 rng(std::random_device{}());
  while (!stopping_) {
    // Take a slot (global concurrency limit).
    {
      std::unique_lock lock(slotsMutex_);
      slotsFree_.wait(lock, [&] { return stopping_ || busy_ < options_.maxConcurrent; });
      if (stopping_) return;
      ++busy_;
    }
    int64_t delayMs = rt.config.intervalSeconds * 1000;
    try {
      pass(rt);
    } catch (const std::exception& e) {
      std::lock_guard lock(rt.mutex);
      ++rt.status.consecutiveFailures;
      rt.status.lastError = e.what();
      const auto* err = dynamic_cast<const Error*>(&e);
      rt.status.state = err && err->code() == ErrorCode::Config ? "error" : "backoff";
      // Exponential backoff with full jitter, capped.
      const int shift = std::min(rt.status.consecutiveFailures, 20);
      const int64_t cap = std::min<int64_t>(options_.maxBackoffSeconds * 1000, 1000LL << shift);
      delayMs = 1000 + static_cast<int64_t>(rng() % static_cast<uint64_t>(std::max<int64_t>(cap, 1)));
    }
    {
      std::lock_guard lock(slotsMutex_);
      --busy_;
    }
    slotsFree_.notify_one();
    std::unique_lock lock(rt.mutex);
    rt.status.nextRunAt = nowMillis() + delayMs;
    rt.wake.wait_for(lock, std::chrono::milliseconds(delayMs), [&] { return stopping_.load() || rt.triggered; });
    rt.triggered = false;
  }
}

void SyncEngine::start() {
  stopping_ = false;
  for (auto& rt : runtimes_)
    if (rt->config.enabled) threads_.emplace_back([this, r = rt.get()] { loop(*r); });
}

void SyncEngine::stop() {
  stopping_ = true;
  for (auto& rt : runtimes_) {
    rt->connector->cancel();
    std::lock_guard lock(rt->mutex);
    rt->wake.notify_all();
  }
  slotsFree_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool SyncEngine::trigger(const std::string& name) {
  auto& rt = runtime(name);
  std::lock_guard lock(rt.mutex);
  rt.triggered = true;
  rt.wake.notify_all();
  return true;
}

std::vector<ConnectorStatus> SyncEngine::status() const {
  std::vector<ConnectorStatus> out;
  const int64_t now = nowMillis();
  for (const auto& rt : runtimes_) {
    {
      std::lock_guard lock(rt->mutex);
      out.push_back(rt->status);
    }
    auto& s = out.back();
    if (s.caughtUpAt) s.lagSeconds = (now - s.caughtUpAt) / 1000;
    try {
      const auto recent = store_.listReconciliations(s.name, 1);
      if (!recent.empty()) s.lastReconciliation = recent.front();
    } catch (const std::exception&) {
      // Status must answer even while the store is down; the error shows elsewhere.
    }
  }
  return out;
}

}  // namespace govsync::connectors
