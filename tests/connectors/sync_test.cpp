// The sync engine and the connector model, end to end on a real SQLite
// store: the registry's guard rails, a plugin built and loaded from the
// plugins folder, bounded batches committed with their checkpoints, a fault
// injected mid-pass (nothing lost, nothing doubled after recovery), dead
// letters replayed through a fixed mapping (idempotently), tombstones; the
// overlap window the odbc and http connectors keep in their checkpoints.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "connectors/sync/overlap_window.h"
#include "connectors/sync/sync_engine.h"
#include "core/store/feed_cursor.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace fs = std::filesystem;
using namespace govsync;
using namespace govsync::connectors;

namespace {

std::string pluginsDir() { return std::string(std::getenv("GOVSYNC_BINARY_DIR")) + "/plugins"; }

struct Sandbox {
  fs::path root;
  Sandbox() {
    root = fs::temp_directory_path() /
           ("govsync-sync-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(root / "maps");
    fs::create_directories(root / "codes");
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void writeMapping(const std::string& name, const std::string& text) {
    std::ofstream(root / "maps" / (name + ".yaml")) << text;
  }
};

const char* kSeqMapping = R"(mapping: seq
kind: CASE
fields:
  source_id: id
  case_no: id
  title: title
  extensions.seq: {from: seq, do: [to_int, {range: {min: 1, max: MAX}}]}
)";

std::string seqMapping(int max) {
  std::string s = kSeqMapping;
  s.replace(s.find("MAX"), 3, std::to_string(max));
  return s;
}

/// Wraps a connector and fails on cue (leveldb's fault-injection habit).
class FaultInjectingConnector : public Connector {
 public:
  FaultInjectingConnector(std::unique_ptr<Connector> inner, int failOnFetch)
      : inner_(std::move(inner)), failOn_(failOnFetch) {}
  FetchResult fetch(const std::string& cp, size_t maxRows) override {
    if (++fetches_ == failOn_) throw Error::unavailable("injected: source went away");
    return inner_->fetch(cp, maxRows);
  }
  std::string describe() const override { return "faulty " + inner_->describe(); }

 private:
  std::unique_ptr<Connector> inner_;
  int failOn_;
  int fetches_ = 0;
};

ConnectorConfig seqConnector(const std::string& name, int total, size_t batch, const std::string& type = "sequence") {
  ConnectorConfig c;
  c.name = name;
  c.type = type;
  c.mapping = "seq";
  c.batchRows = batch;
  c.intervalSeconds = 1;
  // Each connector numbers its own rows, so two connectors never share ids.
  c.options =
      YAML::Load("{total_rows: " + std::to_string(total) + ", prefix: " + (name == "seq1" ? "S-" : name + "-") + "}");
  c.where = "test.yaml:1:1";
  return c;
}

std::set<std::string> feedIds(store::Store& s) {
  std::set<std::string> ids;
  int64_t after = 0;
  for (;;) {
    auto page = s.readFeed({after, 500, {}});
    for (const auto& e : page.entries)
      BOOST_REQUIRE_MESSAGE(ids.insert(e.recordId + "#" + std::to_string(e.version)).second,
                            "duplicate change " + e.recordId);
    if (page.next == after) break;
    after = page.next;
  }
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sync_engine)

BOOST_AUTO_TEST_CASE(registry_guard_rails_and_plugin_loading) {
  ConnectorRegistry r;
  registerBuiltinConnectors(r);
  BOOST_CHECK_THROW(registerBuiltinConnectors(r), Error);  // duplicate names
  try {
    r.get("ftp");
    BOOST_FAIL("unknown type accepted");
  } catch (const Error& e) {
    BOOST_CHECK_EQUAL(static_cast<int>(e.code()), static_cast<int>(ErrorCode::Config));
    BOOST_CHECK(std::string(e.what()).find("known types: file, http, odbc") != std::string::npos);
  }
  const auto loaded = r.loadPlugins(pluginsDir());
  BOOST_REQUIRE_EQUAL(loaded.size(), 1u);
  BOOST_CHECK(r.find("sequence") != nullptr);
  BOOST_CHECK_THROW(r.loadPlugins(pluginsDir()), Error);  // registering "sequence" again
  // A library that is not a govsync plugin is refused with its name.
  Sandbox box;
  fs::create_directories(box.root / "plugins");
  fs::copy_file("/lib/x86_64-linux-gnu/libz.so.1", box.root / "plugins" / "notaplugin.so");
  ConnectorRegistry r2;
  try {
    r2.loadPlugins((box.root / "plugins").string());
    BOOST_FAIL("foreign library accepted");
  } catch (const Error& e) {
    BOOST_CHECK(std::string(e.what()).find("notaplugin.so") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(bounded_batches_commit_with_checkpoints) {
  Sandbox box;
  box.writeMapping("seq", seqMapping(1000000));
  auto store = store::openStore({"sqlite", (box.root / "g.db").string(), "", "", 4});
  mapping::MappingSet maps((box.root / "maps").string(), (box.root / "codes").string());
  maps.loadAll();
  ConnectorRegistry r;
  registerBuiltinConnectors(r);
  r.loadPlugins(pluginsDir());
  SyncOptions o;
  o.stateDir = (box.root / "state").string();
  SyncEngine engine(*store, maps, r, {seqConnector("seq1", 1000, 64)}, o);
  auto s = engine.runOnce("seq1");
  BOOST_CHECK_EQUAL(s.rows, 1000u);
  BOOST_CHECK_EQUAL(s.changed, 1000u);
  BOOST_CHECK_EQUAL(store->getCheckpoint("seq1")->value, "1000");
  BOOST_CHECK_EQUAL(feedIds(*store).size(), 1000u);
  // A second pass finds nothing new and writes nothing.
  s = engine.runOnce("seq1");
  BOOST_CHECK_EQUAL(s.rows, 0u);
  BOOST_CHECK_EQUAL(store->headPosition(), 1000);
}

BOOST_AUTO_TEST_CASE(unknown_mapping_and_bad_options_refuse_to_start) {
  Sandbox box;
  box.writeMapping("seq", seqMapping(5));
  auto store = store::openStore({"sqlite", (box.root / "g.db").string(), "", "", 2});
  mapping::MappingSet maps((box.root / "maps").string(), (box.root / "codes").string());
  maps.loadAll();
  ConnectorRegistry r;
  registerBuiltinConnectors(r);
  r.loadPlugins(pluginsDir());
  SyncOptions o;
  o.stateDir = (box.root / "state").string();
  auto c = seqConnector("seq1", 10, 5);
  c.mapping = "nope";
  BOOST_CHECK_THROW(SyncEngine(*store, maps, r, {c}, o), Error);
  c = seqConnector("seq1", 10, 5);
  c.options = YAML::Load("{total_rows: many}");
  try {
    SyncEngine e(*store, maps, r, {c}, o);
    BOOST_FAIL("bad options accepted");
  } catch (const Error& e) {
    BOOST_CHECK(std::string(e.what()).find("total_rows") != std::string::npos);
    BOOST_CHECK(std::string(e.what()).find("expected an integer") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_fault_mid_pass_loses_and_doubles_nothing) {
  Sandbox box;
  box.writeMapping("seq", seqMapping(1000000));
  auto store = store::openStore({"sqlite", (box.root / "g.db").string(), "", "", 4});
  mapping::MappingSet maps((box.root / "maps").string(), (box.root / "codes").string());
  maps.loadAll();
  ConnectorRegistry r;
  r.loadPlugins(pluginsDir());
  // "faulty-sequence": the plugin's connector, failing on its 4th fetch.
  KeySpec opts = r.get("sequence").options;
  auto inner = r.get("sequence").create;
  r.add({"faulty-sequence", "test", opts, [inner](const ConnectorContext& ctx) -> std::unique_ptr<Connector> {
           return std::make_unique<FaultInjectingConnector>(inner(ctx), 4);
         }});
  SyncOptions o;
  o.stateDir = (box.root / "state").string();
  SyncEngine engine(*store, maps, r, {seqConnector("seq1", 500, 50, "faulty-sequence")}, o);
  BOOST_CHECK_THROW(engine.runOnce("seq1"), Error);
  BOOST_CHECK_EQUAL(store->getCheckpoint("seq1")->value, "150");  // three batches committed
  BOOST_CHECK_EQUAL(engine.status()[0].state, "error");
  BOOST_CHECK(engine.status()[0].lastError.find("injected") != std::string::npos);
  const auto s = engine.runOnce("seq1");  // recovers from the saved checkpoint
  BOOST_CHECK_EQUAL(s.rows, 350u);
  BOOST_CHECK_EQUAL(feedIds(*store).size(), 500u);
  BOOST_CHECK_EQUAL(engine.status()[0].state, "idle");
}

BOOST_AUTO_TEST_CASE(dead_letters_replay_through_the_fixed_mapping_once) {
  Sandbox box;
  box.writeMapping("seq", seqMapping(5));
  auto store = store::openStore({"sqlite", (box.root / "g.db").string(), "", "", 4});
  mapping::MappingSet maps((box.root / "maps").string(), (box.root / "codes").string());
  maps.loadAll();
  ConnectorRegistry r;
  r.loadPlugins(pluginsDir());
  SyncOptions o;
  o.stateDir = (box.root / "state").string();
  SyncEngine engine(*store, maps, r, {seqConnector("seq1", 10, 4)}, o);
  const auto s = engine.runOnce("seq1");
  BOOST_CHECK_EQUAL(s.records, 5u);
  BOOST_CHECK_EQUAL(s.deadLetters, 5u);
  store::DeadLetterQuery q;
  q.source = "seq1";
  q.resolved = false;
  auto open = store->listDeadLetters(q);
  BOOST_REQUIRE_EQUAL(open.size(), 5u);
  BOOST_CHECK_EQUAL(open[0].stage, "map");
  BOOST_CHECK_EQUAL(open[0].field, "extensions.seq");
  BOOST_CHECK_EQUAL(open[0].function, "range");
  BOOST_CHECK_EQUAL(open[0].value, "6");
  BOOST_CHECK(open[0].raw.find("\"S-6\"") != std::string::npos);
  BOOST_CHECK(open[0].mapping.rfind("seq@", 0) == 0);

  // The IT staff fix the mapping; replay resolves every dead letter once.
  maps.install("seq", seqMapping(100));
  auto replay = [&] {
    RowBatch rows;
    std::vector<int64_t> ids;
    for (const auto& d : store->listDeadLetters(q)) {
      BOOST_REQUIRE(decodeRowCells(d.cells, rows, 0));
      ids.push_back(d.id);
    }
    Ingestor ingestor(*store, maps.get("seq"), "seq1");
    IngestRequest req;
    req.rows = &rows;
    req.replayIds = ids;
    return ingestor.ingest(req);
  };
  const auto first = replay();
  BOOST_CHECK_EQUAL(first.records, 5u);
  BOOST_CHECK_EQUAL(store->listDeadLetters(q).size(), 0u);
  const auto second = replay();
  BOOST_CHECK_EQUAL(second.rows, 0u);
  BOOST_CHECK_EQUAL(feedIds(*store).size(), 10u);
}

BOOST_AUTO_TEST_CASE(scheduler_runs_and_stops_cleanly) {
  Sandbox box;
  box.writeMapping("seq", seqMapping(1000000));
  auto store = store::openStore({"sqlite", (box.root / "g.db").string(), "", "", 4});
  mapping::MappingSet maps((box.root / "maps").string(), (box.root / "codes").string());
  maps.loadAll();
  ConnectorRegistry r;
  r.loadPlugins(pluginsDir());
  SyncOptions o;
  o.stateDir = (box.root / "state").string();
  o.maxConcurrent = 1;
  SyncEngine engine(*store, maps, r, {seqConnector("a", 300, 50), seqConnector("b", 200, 50)}, o);
  engine.start();
  for (int i = 0; i < 100 && store->headPosition() < 500; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  engine.stop();
  for (const auto& st : engine.status()) BOOST_TEST_MESSAGE(st.name << " " << st.state << " " << st.lastError);
  BOOST_CHECK_EQUAL(store->headPosition(), 500);
  BOOST_CHECK_EQUAL(store->getCheckpoint("a")->value, "300");
  BOOST_CHECK_EQUAL(store->getCheckpoint("b")->value, "200");
}

BOOST_AUTO_TEST_CASE(reconciliation_counts_records_and_dead_letters_of_the_day) {
  Sandbox box;
  box.writeMapping("seq", seqMapping(7));
  auto store = store::openStore({"sqlite", (box.root / "g.db").string(), "", "", 2});
  mapping::MappingSet maps((box.root / "maps").string(), (box.root / "codes").string());
  maps.loadAll();
  ConnectorRegistry r;
  r.loadPlugins(pluginsDir());
  SyncOptions o;
  o.stateDir = (box.root / "state").string();
  SyncEngine engine(*store, maps, r, {seqConnector("seq1", 10, 4)}, o);
  engine.runOnce("seq1");
  // The records have no event time of their own: their day is the ingest day (UTC+8).
  const std::string today = formatRfc3339(nowMillis() + 8 * 3600 * 1000).substr(0, 10);
  auto rec = store->reconcile("seq1", "seq", today, 12);
  BOOST_CHECK_EQUAL(rec.records, 7);
  BOOST_CHECK_EQUAL(rec.deadLetters, 3);
  BOOST_REQUIRE(rec.missing());
  BOOST_CHECK_EQUAL(*rec.missing(), 2);  // 12 at the source, 10 accounted for
  const auto saved = store->listReconciliations("seq1", 5);
  BOOST_REQUIRE_EQUAL(saved.size(), 1u);
  BOOST_CHECK_EQUAL(*saved[0].sourceRows, 12);
  BOOST_CHECK_THROW(store->reconcile("seq1", "seq", "27/11/2026", 1), Error);
  // Connector status (GET /v1/connectors, /metrics) carries the figure and the lag.
  const auto status = engine.status().at(0);
  BOOST_REQUIRE(status.lastReconciliation);
  BOOST_CHECK_EQUAL(*status.lastReconciliation->missing(), 2);
  BOOST_CHECK_GE(status.lagSeconds, 0);
}

BOOST_AUTO_TEST_CASE(overlap_window_remembers_prunes_bounds_and_round_trips) {
  // Positions compare as numbers here; "" (not known yet) after any.
  const auto compare = [](const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return static_cast<int>(a.empty()) - static_cast<int>(b.empty());
    return std::stoi(a) < std::stoi(b) ? -1 : std::stoi(a) > std::stoi(b) ? 1 : 0;
  };
  OverlapWindow w;
  const std::string h1 = contentHash("{\"id\":1}"), h2 = contentHash("{\"id\":2}");
  BOOST_CHECK_EQUAL(h1.size(), 16u);
  BOOST_CHECK_NE(h1, h2);
  w.remember("k1", "10", h1);
  BOOST_CHECK(w.contains("k1", h1));
  BOOST_CHECK(!w.contains("k1", h2));  // changed content: new work
  w.remember("k1", "11", h2);          // the newer content replaces the old under the key
  BOOST_CHECK(w.contains("k1", h2));
  BOOST_CHECK_EQUAL(w.size(), 1u);
  w.remember("12", h1);  // keyless: the content is the identity
  BOOST_CHECK(w.contains(h1));
  w.remember("", contentHash("no time"));
  w.remember(std::string("\xC5\xCC", 2), "13", h1);  // a GBK key

  std::string text;
  JsonWriter jw(text);
  w.write(jw);
  BOOST_CHECK_EQUAL(text, "[[\"\",[\"" + contentHash("no time") + "\"]],[\"11\",[[\"k1\",\"" + h2 +
                              "\"]]],[\"12\",[\"" + h1 + "\"]],[\"13\",[[{\"hex\":\"c5cc\"},\"" + h1 + "\"]]]]");
  OverlapWindow back;
  std::string error;
  BOOST_REQUIRE(back.read(text, error));
  BOOST_CHECK_EQUAL(back.size(), 4u);
  BOOST_CHECK(back.contains(std::string("\xC5\xCC", 2), h1));
  BOOST_CHECK(back.contains(h1));
  BOOST_CHECK(!back.read("[[\"1\",[7]]]", error));
  BOOST_CHECK(!back.read("{}", error));

  // Rows before `from` go; a placeholder position is kept until restamped.
  w.prune("12", 100, compare);
  BOOST_CHECK_EQUAL(w.size(), 3u);
  BOOST_CHECK(!w.contains("k1", h2));
  w.restamp("", "20");
  w.prune("15", 100, compare);
  BOOST_CHECK_EQUAL(w.size(), 1u);
  BOOST_CHECK(w.contains(contentHash("no time")));
  BOOST_CHECK(!w.cutAt());

  // Over the bound the oldest positions go whole, and the window says where it was cut.
  OverlapWindow big;
  for (int i = 0; i < 6; ++i) big.remember("a" + std::to_string(i), "30", contentHash("a" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) big.remember("b" + std::to_string(i), "31", contentHash("b" + std::to_string(i)));
  big.prune("0", 4, compare);
  BOOST_CHECK_EQUAL(big.size(), 3u);  // all six at 30 forgotten, not five of them
  BOOST_REQUIRE(big.cutAt());
  BOOST_CHECK_EQUAL(*big.cutAt(), "30");
  BOOST_CHECK(big.cutExclusive());
  big.prune("31", 4, compare);  // the cut is behind the window now
  BOOST_CHECK(!big.cutAt());
}

BOOST_AUTO_TEST_SUITE_END()
