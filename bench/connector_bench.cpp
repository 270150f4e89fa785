// Connector benchmark: pull + map + commit the hotline rows from PostgreSQL
// through psqlODBC (the odbc connector, key mode, batches of 5,000) into
//   map      — nothing (map only),
//   sqlite   — the SQLite store,
//   postgres — the PostgreSQL store,
//   export   — a CSV of (record_id, record JSON) for the write baselines.
// Prints one JSON line: rows, seconds, rows/s, peak RSS (VmHWM) of this
// process. bench/run.sh runs each mode in its own process beside psql \copy,
// COPY FROM and sqlite3 .import.
//   connector_bench MODE SRC_DIR ODBC_CONNECTION STORE_TARGET
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "connectors/connector.h"
#include "connectors/sync/ingest.h"
#include "core/record/record_json.h"
#include "mappings/engine/mapping_compiler.h"

using namespace govsync;

namespace {
long peakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: connector_bench map|sqlite|postgres|export SRC_DIR ODBC_CONNECTION STORE_TARGET\n";
    return 2;
  }
  const std::string mode = argv[1], src = argv[2], connection = argv[3], target = argv[4];
  mapping::CompileOptions co;
  co.codesDir = src + "/mappings/codes";
  co.hmacSalt = "bench-salt-0123456789abcdef";
  auto mapping = mapping::compileMappingFile(src + "/bench/hotline_bench.yaml", co);

  connectors::ConnectorRegistry registry;
  connectors::registerBuiltinConnectors(registry);
  const auto& type = registry.get("odbc");
  connectors::ConnectorContext ctx;
  ctx.name = "bench";
  ctx.stateDir = "/tmp/govsync-bench-state";
  std::filesystem::create_directories(ctx.stateDir);
  YAML::Node options;
  options["connection"] = connection;
  options["table"] = "hotline";
  options["mode"] = "key";
  options["key_column"] = "id";
  options["key_type"] = "integer";
  ctx.options = Config::validate(type.options, options, "(bench)", "options");
  auto connector = type.create(ctx);

  std::unique_ptr<store::Store> store;
  if (mode == "sqlite") store = store::openStore({"sqlite", target, "", "", 2});
  if (mode == "postgres") store = store::openStore({"postgres", "", target, "", 2});
  std::unique_ptr<connectors::Ingestor> ingestor;
  if (store) ingestor = std::make_unique<connectors::Ingestor>(*store, mapping, "bench");
  mapping::MappingRunner runner(mapping);
  mapping::RowOutcome out;
  std::ofstream csv;
  if (mode == "export") csv.open(target, std::ios::binary | std::ios::trunc);

  const auto t0 = std::chrono::steady_clock::now();
  std::string checkpoint;
  size_t rows = 0, records = 0;
  for (;;) {
    auto batch = connector->fetch(checkpoint, 5000);
    rows += batch.rows.size();
    if (ingestor) {
      connectors::IngestRequest req;
      req.rows = &batch.rows;
      req.checkpoint = store::Checkpoint{"bench", batch.checkpoint, 0};
      records += ingestor->ingest(req).records;
    } else {
      for (size_t i = 0; i < batch.rows.size(); ++i) {
        runner.map(batch.rows, i, out);
        if (out.kind != mapping::RowOutcome::Kind::Record) continue;
        ++records;
        if (csv.is_open()) {
          // CSV: record_id,"json with "" doubled"
          std::string json = recordToJson(out.record, false), quoted;
          quoted.reserve(json.size() + 16);
          for (char c : json) {
            if (c == '"') quoted += '"';
            quoted += c;
          }
          csv << out.record.envelope.record_id << ",\"" << quoted << "\"\n";
        }
      }
    }
    checkpoint = batch.checkpoint;
    if (!batch.more) break;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"bench\":\"connector\",\"mode\":\"%s\",\"rows\":%zu,\"records\":%zu,\"seconds\":%.2f,"
      "\"rows_per_s\":%.0f,\"peak_rss_mb\":%.1f}\n",
      mode.c_str(), rows, records, s, double(rows) / s, double(peakRssKb()) / 1024.0);
  return records == rows ? 0 : 1;
}
