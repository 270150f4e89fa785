// The change feed follows commit order (store.h, "the change feed"), proven under load: while
// writer threads commit batches of random sizes (some very large, so their
// transactions stay open long) over overlapping records, readers page through
// the feed with small random page sizes following `next`. At the end every
// committed change must have been seen exactly once, in strictly increasing
// positions with no gaps, with versions 1, 2, 3, ... per record.
//
// On PostgreSQL an extra thread also holds row locks on random records from
// its own connection for random times, so store transactions that touch them
// stall in the middle — after writing other records, before taking feed
// positions — while other transactions commit around them: the window in
// which a sequence taken inside the transaction would let a reader skip a
// change. (SQLite has one writer at a time, so there is no such window to
// widen there: holding its write lock would only pause every writer.)
//
// GOVSYNC_FEED_TEST_ROUNDS (default 1) repeats each case on a fresh store.
#include <postgresql/libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/record/record_rules.h"
#include "core/store/feed_cursor.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "tests/core/store_test_support.h"

using govsync::schema::Record;
using govsync::schema::RecordKind;
using namespace govsync::store;
using namespace govsync::testing;
using Clock = std::chrono::steady_clock;

namespace {

int rounds() {
  const char* v = std::getenv("GOVSYNC_FEED_TEST_ROUNDS");
  const int n = v ? std::atoi(v) : 1;
  return n > 0 ? n : 1;
}

uint32_t baseSeed() {
  if (const char* v = std::getenv("GOVSYNC_FEED_TEST_SEED")) return static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
  return std::random_device{}();
}

// The shared key space: writers pick from it, so they overlap on records.
constexpr int kSharedKeys = 400;
const char* const kSystems[] = {"hotline", "hcp", "env", "grid"};
const char* const kRegions[] = {"211102", "211103", "211104001002", "210102"};

Record recordFor(int key, int variant, bool deleted) {
  const RecordKind::type kind = key % 3 == 0   ? RecordKind::CASE
                                : key % 3 == 1 ? RecordKind::REVIEW
                                               : RecordKind::OBSERVATION;
  const std::string system = kSystems[key % 4];
  const std::string id = "K" + std::to_string(key);
  if (deleted) return tombstone(system, kind, id);
  const std::string region = kRegions[(key / 4) % 4];
  switch (kind) {
    case RecordKind::CASE: return caseRecord(system, id, "title " + std::to_string(variant), region);
    case RecordKind::REVIEW: return reviewRecord(system, id, 1 + variant % 5, region);
    default: return observationRecord(system, id, variant * 0.5, region);
  }
}

bool matches(const FeedFilter& f, const Record& r) {
  if (f.kind && *f.kind != r.envelope.kind) return false;
  if (!f.sourceSystem.empty() && f.sourceSystem != r.envelope.source_system) return false;
  const std::string region = r.envelope.__isset.region_code ? r.envelope.region_code : "";
  return f.regionPrefix.empty() || region.rfind(f.regionPrefix, 0) == 0;
}

std::string describe(const FeedFilter& f) {
  std::string out;
  if (f.kind) out += "kind=" + std::string(govsync::schema::kindName(*f.kind)) + " ";
  if (!f.sourceSystem.empty()) out += "source=" + f.sourceSystem + " ";
  if (!f.regionPrefix.empty()) out += "region=" + f.regionPrefix + " ";
  return out.empty() ? "(none)" : out;
}

// One committed change, as its writer saw it.
struct Change {
  std::string recordId;
  int64_t version = 0;
  int64_t position = 0;
  Record record;  // as submitted (kind, source, region for the filters)
};

struct Shared {
  std::mutex mutex;
  std::vector<Change> changes;
  std::atomic<bool> writersDone{false};
  std::atomic<int> retries{0};
  std::atomic<int64_t> records{0};
  std::atomic<int> commits{0};
  std::atomic<int> blocks{0};
  std::vector<std::string> errors;
  void error(const std::string& e) {
    std::lock_guard lock(mutex);
    errors.push_back(e);
  }
};

// Commits `commits` batches; sizes in [minSize, maxSize]; pauses between commits.
void writer(Store& store, Shared& shared, int id, uint32_t seed, int commits, int minSize, int maxSize,
            int freshKeyBase) {
  std::mt19937 rng(seed);
  int fresh = freshKeyBase;
  int committed = 0;
  for (int c = 0; c < commits; ++c) {
    const int size = std::uniform_int_distribution<int>(minSize, maxSize)(rng);
    std::vector<std::pair<std::string, Record>> items;
    for (int i = 0; i < size; ++i) {
      // Large batches are mostly new records (long inserts); all touch shared ones.
      const bool shared_ = freshKeyBase == 0 || rng() % 100 < 30;
      const int key = shared_ ? static_cast<int>(rng() % kSharedKeys) : fresh++;
      Record r = recordFor(key, static_cast<int>(rng() % 3), shared_ && rng() % 100 < 5);
      items.emplace_back(govsync::computeRecordId(r.envelope.source_system, r.envelope.kind, r.envelope.source_id),
                         std::move(r));
    }
    // One lock order for everyone (as a connector's sorted batch would have):
    // the test is about commit order, not deadlock detection.
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    CommitBatch batch;
    for (auto& [rid, r] : items) batch.records.push_back(std::move(r));
    batch.checkpoint = Checkpoint{"writer-" + std::to_string(id), std::to_string(committed + 1), 0};
    for (int attempt = 1;; ++attempt) {
      try {
        auto result = store.commit(batch);
        ++committed;
        shared.commits++;
        shared.records += static_cast<int64_t>(batch.records.size());
        std::lock_guard lock(shared.mutex);
        for (size_t i = 0; i < result.outcomes.size(); ++i) {
          const auto& o = result.outcomes[i];
          if (o.changed)
            shared.changes.push_back({o.recordId, o.version, o.position, batch.records[i]});
          else if (o.position != 0)
            shared.errors.push_back("unchanged outcome with a position " + std::to_string(o.position));
        }
        break;
      } catch (const govsync::Error& e) {
        // A connector retries a retryable failure; nothing of it was committed.
        if (!e.retryable() || attempt == 10) {
          shared.error("writer " + std::to_string(id) + ": " + e.what());
          return;
        }
        shared.retries++;
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 4000));
  }
  auto cp = store.getCheckpoint("writer-" + std::to_string(id));
  if (!cp || cp->value != std::to_string(committed))
    shared.error("writer " + std::to_string(id) + ": checkpoint " + (cp ? cp->value : "(none)") + " after " +
                 std::to_string(committed) + " commits");
}

// PostgreSQL only: holds row locks on random shared records from a raw
// connection for random times until the writers are done.
void rowLocker(const std::string& conninfo, Shared& shared, uint32_t seed) {
  std::mt19937 rng(seed);
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    shared.error(std::string("row locker cannot connect: ") + PQerrorMessage(conn));
    PQfinish(conn);
    return;
  }
  auto exec = [&](const std::string& sql) {
    PGresult* res = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok) shared.error("row locker: " + std::string(PQresultErrorMessage(res)));
    const int rows = ok ? PQntuples(res) : 0;
    PQclear(res);
    return rows;
  };
  while (!shared.writersDone) {
    std::string ids;
    for (int i = 0; i < 3; ++i) {
      Record r = recordFor(static_cast<int>(rng() % kSharedKeys), 0, false);
      ids += std::string(ids.empty() ? "" : ",") + "'" +
             govsync::computeRecordId(r.envelope.source_system, r.envelope.kind, r.envelope.source_id) + "'";
    }
    exec("BEGIN");
    shared.blocks +=
        exec("SELECT record_id FROM records WHERE record_id IN (" + ids + ") ORDER BY record_id FOR UPDATE");
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 60));
    exec("COMMIT");
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 10));
  }
  PQfinish(conn);
}

struct ReaderLog {
  FeedFilter filter;
  std::vector<FeedEntry> seen;
  int pages = 0;
  std::vector<std::string> errors;
};

// Pages through the feed with small random page sizes while the writers run,
// then until it reaches the final head.
void reader(Store& store, Shared& shared, ReaderLog& log, uint32_t seed) {
  std::mt19937 rng(seed);
  int64_t after = 0;
  const auto deadline = Clock::now() + std::chrono::minutes(3);
  for (;;) {
    const bool done = shared.writersDone;  // read before the page: then the page sees every commit
    FeedQuery q;
    // The cursor travels as clients hold it.
    q.after = decodeCursor(encodeCursor(after));
    q.limit = 1 + rng() % 7;
    q.filter = log.filter;
    FeedPage page;
    try {
      page = store.readFeed(q);
    } catch (const std::exception& e) {
      log.errors.push_back(std::string("readFeed: ") + e.what());
      return;
    }
    ++log.pages;
    int64_t last = after;
    for (auto& e : page.entries) {
      if (e.position <= last)
        log.errors.push_back("position " + std::to_string(e.position) + " after " + std::to_string(last));
      last = e.position;
      log.seen.push_back(std::move(e));
    }
    if (page.next < after) log.errors.push_back("next moved back from " + std::to_string(after));
    if (page.entries.size() == q.limit && page.next != last)
      log.errors.push_back("a full page's next is not its last entry");
    if (page.entries.size() < q.limit && page.next != std::max(page.head, after))
      log.errors.push_back("a short page's next is not the head");
    after = page.next;
    if (done && page.entries.size() < q.limit && after >= store.headPosition()) return;
    if (Clock::now() > deadline) {
      log.errors.push_back("reader did not catch up within 3 minutes");
      return;
    }
    if (rng() % 8 == 0) store.notifier().waitBeyond(after, 2);  // sometimes long-poll briefly
  }
}

void runRound(Backend backend, const std::vector<FeedFilter>& filters, uint32_t seed, int round) {
  const auto started = Clock::now();
  TestStore s(backend);
  Shared shared;
  std::vector<ReaderLog> logs(filters.size());
  for (size_t i = 0; i < filters.size(); ++i) logs[i].filter = filters[i];

  std::vector<std::thread> readers, writers;
  for (size_t i = 0; i < logs.size(); ++i)
    readers.emplace_back(reader, std::ref(*s), std::ref(shared), std::ref(logs[i]),
                         seed + 100 + static_cast<uint32_t>(i));
  std::thread locker;
  if (backend == Backend::Postgres)
    locker =
        std::thread(rowLocker, conninfoWith(s.options().postgresConninfo, "password", s.options().postgresPassword),
                    std::ref(shared), seed + 200);
  // Four writers with batches of 1..50 over the shared records, and one with
  // batches of 300..1500 (mostly new records: long transactions).
  for (int w = 0; w < 4; ++w) writers.emplace_back(writer, std::ref(*s), std::ref(shared), w, seed + w, 30, 1, 50, 0);
  writers.emplace_back(writer, std::ref(*s), std::ref(shared), 4, seed + 4, 3, 300, 1500, 100000);
  for (auto& t : writers) t.join();
  shared.writersDone = true;
  if (locker.joinable()) locker.join();
  for (auto& t : readers) t.join();

  BOOST_TEST_CONTEXT(backend << " round " << round << " seed " << seed) {
    for (const auto& e : shared.errors) BOOST_ERROR(e);
    for (const auto& l : logs)
      for (const auto& e : l.errors) BOOST_ERROR("reader " << describe(l.filter) << ": " << e);

    // What the writers committed: one position per change, versions 1, 2, ... per record.
    const int64_t head = s->headPosition();
    std::map<int64_t, const Change*> byPosition;
    std::map<std::pair<std::string, int64_t>, int64_t> byVersion;
    for (const auto& c : shared.changes) {
      if (!byPosition.emplace(c.position, &c).second)
        BOOST_ERROR("position " << c.position << " was given to two changes");
      if (!byVersion.emplace(std::make_pair(c.recordId, c.version), c.position).second)
        BOOST_ERROR("record " << c.recordId << " version " << c.version << " was committed twice (positions "
                              << byVersion[std::make_pair(c.recordId, c.version)] << " and " << c.position << ")");
    }
    BOOST_TEST(static_cast<int64_t>(byPosition.size()) == head);
    BOOST_TEST((byPosition.empty() || (byPosition.begin()->first == 1 && byPosition.rbegin()->first == head)));
    std::map<std::string, int64_t> lastVersion;
    int versionErrors = 0;
    for (const auto& [position, c] : byPosition) {
      auto& v = lastVersion[c->recordId];
      if (c->version != v + 1 && ++versionErrors <= 5)
        BOOST_ERROR("record " << c->recordId << ": version " << c->version << " at position " << position
                              << " follows version " << v);
      v = c->version;
    }
    BOOST_TEST(versionErrors == 0);

    // What each reader saw: exactly the matching committed changes, once each, in order.
    for (const auto& l : logs) {
      BOOST_TEST_CONTEXT("filter " << describe(l.filter)) {
        std::vector<int64_t> expected, seen;
        for (const auto& [position, c] : byPosition)
          if (matches(l.filter, c->record)) expected.push_back(position);
        int mismatches = 0;
        for (const auto& e : l.seen) {
          seen.push_back(e.position);
          auto it = byPosition.find(e.position);
          if (it == byPosition.end() || it->second->recordId != e.recordId || it->second->version != e.version)
            if (++mismatches <= 5)
              BOOST_ERROR("entry at position " << e.position << " is not the change committed there");
        }
        BOOST_TEST(mismatches == 0);
        BOOST_TEST(seen.size() == expected.size());
        if (seen != expected) {
          std::vector<int64_t> missing, extra;
          std::set_difference(expected.begin(), expected.end(), seen.begin(), seen.end(), std::back_inserter(missing));
          std::set_difference(seen.begin(), seen.end(), expected.begin(), expected.end(), std::back_inserter(extra));
          std::ostringstream m;
          m << missing.size() << " committed changes never seen (first:";
          for (size_t i = 0; i < missing.size() && i < 10; ++i) m << " " << missing[i];
          m << "), " << extra.size() << " seen but not expected";
          BOOST_ERROR(m.str());
        }
        // Once more, all at once after the writers: the same changes.
        std::vector<int64_t> again;
        for (const auto& e : readWholeFeed(*s, l.filter, 500)) again.push_back(e.position);
        BOOST_TEST((again == expected));
      }
    }
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  std::ostringstream summary;
  summary << backend << " round " << round << " (seed " << seed << "): " << shared.commits << " commits, "
          << shared.records << " records, " << shared.changes.size() << " changes, " << shared.retries
          << " retried commits, " << shared.blocks << " rows held by the locker; readers:";
  for (const auto& l : logs)
    summary << " [" << describe(l.filter) << l.seen.size() << " entries in " << l.pages << " pages]";
  summary << "; " << ms << " ms";
  BOOST_TEST_MESSAGE(summary.str());
}

void run(Backend backend, const std::vector<FeedFilter>& filters) {
  const uint32_t seed = baseSeed();
  for (int round = 1; round <= rounds(); ++round) {
    runRound(backend, filters, seed + static_cast<uint32_t>(round) * 1000, round);
    const auto id = boost::unit_test::framework::current_test_case().p_id;
    if (!boost::unit_test::results_collector.results(id).passed()) break;  // one failing round is enough to read
  }
}

std::vector<FeedFilter> someFilters() {
  FeedFilter byKind, bySourceAndRegion, byRegion;
  byKind.kind = RecordKind::REVIEW;
  bySourceAndRegion.sourceSystem = "hotline";
  bySourceAndRegion.regionPrefix = "2111";
  byRegion.regionPrefix = "211104";
  return {byKind, bySourceAndRegion, byRegion};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(feed_concurrency)

BOOST_AUTO_TEST_CASE(sqlite_commit_order) { run(Backend::Sqlite, {FeedFilter{}}); }
BOOST_AUTO_TEST_CASE(sqlite_commit_order_filtered) { run(Backend::Sqlite, someFilters()); }
BOOST_AUTO_TEST_CASE(postgres_commit_order) { run(Backend::Postgres, {FeedFilter{}}); }
BOOST_AUTO_TEST_CASE(postgres_commit_order_filtered) { run(Backend::Postgres, someFilters()); }

BOOST_AUTO_TEST_SUITE_END()
