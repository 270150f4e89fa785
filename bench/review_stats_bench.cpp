// Review statistics benchmark: loads N reviews (default 1,000,000, one year
// of 2026, 20 departments, 200 windows, 8 channels, ~4% bad — each bad one
// opens a rectification) into a fresh store through Store::commit, then times
// Store::reviewStats: one month by department (the report's everyday query),
// one month by window and by day, and the whole year by department; and a
// page of the review feed of bad reviews of one department. Load time is
// reported too (commit batches of 5,000, index rows included; one run).
// Prints one JSON line of figures (milliseconds: the median of 5 runs) and the
// query's bounds, so bench/run.sh can run the same SQL in the shells.
// With CSV, then writes the same N reviews (source_id, record JSON) there for
// the load baselines (sqlite3 .import, psql \copy) — after the timed parts.
//   review_stats_bench sqlite PATH [N [CSV]]
//   review_stats_bench postgres CONNINFO [N [CSV]]     (an empty database)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "core/record/record_json.h"
#include "core/reviews/working_days.h"
#include "core/store/store.h"
#include "core/util/time.h"

using namespace govsync;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

constexpr int kRuns = 5;

template <typename Fn>
double medianOf(int runs, Fn&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    fn();
    ms.push_back(msSince(start));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// Reviews arrive about in the order they are made: review i of n is made at
// i/n of the year, give or take an hour. (Strings are built by appending: GCC
// 12 warns, falsely, on "x" + std::string&&.)
schema::Record review(int64_t i, int64_t n, std::mt19937_64& rng, int64_t yearStart) {
  schema::Record r;
  auto& env = r.envelope;
  env.kind = schema::RecordKind::REVIEW;
  env.source_system = "hcp";
  env.source_id = std::string("R").append(std::to_string(i));
  env.__set_department(std::string("dept-").append(std::to_string(rng() % 20)));
  env.__set_region_code("211100");
  auto& v = r.review;
  v.review_id = env.source_id;
  const int64_t window = rng() % 200;
  v.__set_window_id(std::string("W").append(std::to_string(window)));
  v.__set_item_code(std::string("ITEM").append(std::to_string(rng() % 500)));
  v.__set_channel(static_cast<schema::ReviewChannel::type>(1 + rng() % 8));
  const int64_t roll = static_cast<int64_t>(rng() % 100);
  v.level = roll < 2 ? 1 : roll < 4 ? 2 : roll < 10 ? 3 : roll < 30 ? 4 : 5;
  v.evaluated_at = yearStart + 365 * kMillisPerDay / n * i + static_cast<int64_t>(rng() % 3600000);
  v.__set_case_no(std::string("CASE").append(std::to_string(i)));
  v.__set_eval_seq(1);
  r.__isset.review = true;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: review_stats_bench sqlite PATH [N [CSV]] | postgres CONNINFO [N [CSV]]\n";
    return 2;
  }
  const std::string backend = argv[1], target = argv[2];
  const int64_t n = argc > 3 ? std::stoll(argv[3]) : 1000000;
  const std::string csvPath = argc > 4 ? argv[4] : "";
  store::StoreOptions options;
  options.backend = backend;
  options.poolSize = 2;
  if (backend == "sqlite")
    options.sqlitePath = target;
  else
    options.postgresConninfo = target;
  auto store = store::openStore(options);
  if (store->headPosition() != 0) {
    std::cerr << "review_stats_bench needs an empty store\n";
    return 2;
  }

  const int64_t yearStart = daysFromCivil(2026, 1, 1) * kMillisPerDay - reviews::kShanghaiOffsetMs;
  std::mt19937_64 rng(20260101);
  const auto loadStart = Clock::now();
  for (int64_t i = 0; i < n;) {
    store::CommitBatch batch;
    for (int k = 0; k < 5000 && i < n; ++k, ++i) batch.records.push_back(review(i, n, rng, yearStart));
    store->commit(batch);
  }
  const double loadSeconds = msSince(loadStart) / 1000;

  const int64_t now = daysFromCivil(2027, 1, 1) * kMillisPerDay;
  const int64_t marchFrom = daysFromCivil(2026, 3, 1) * kMillisPerDay - reviews::kShanghaiOffsetMs;
  const int64_t marchTo = daysFromCivil(2026, 4, 1) * kMillisPerDay - reviews::kShanghaiOffsetMs;
  size_t groups = 0;
  int64_t counted = 0;
  auto stats = [&](store::ReviewGroupBy g, std::optional<int64_t> from, std::optional<int64_t> to) {
    return medianOf(kRuns, [&] {
      auto rows = store->reviewStats({g, from, to, now, ""});
      groups = rows.size();
      counted = 0;
      for (const auto& r : rows) counted += r.total;
    });
  };
  const double monthByDepartment = stats(store::ReviewGroupBy::Department, marchFrom, marchTo);
  const size_t monthGroups = groups;
  const int64_t monthReviews = counted;
  const double monthByWindow = stats(store::ReviewGroupBy::Window, marchFrom, marchTo);
  const double monthByDay = stats(store::ReviewGroupBy::Day, marchFrom, marchTo);
  const double yearByDepartment = stats(store::ReviewGroupBy::Department, std::nullopt, std::nullopt);
  const int64_t yearReviews = counted;
  store::ReviewFeedQuery feed;
  feed.limit = 100;
  feed.filter.levels = {1, 2};
  feed.filter.department = "dept-7";
  size_t feedEntries = 0;
  const double feedPage = medianOf(kRuns, [&] { feedEntries = store->readReviewFeed(feed).entries.size(); });

  if (!csvPath.empty()) {
    // The same reviews again (same seed), as CSV: source_id,"JSON with "" doubled".
    std::ofstream csv(csvPath, std::ios::binary | std::ios::trunc);
    std::mt19937_64 again(20260101);
    std::string quoted;
    for (int64_t i = 0; i < n; ++i) {
      const auto r = review(i, n, again, yearStart);
      const std::string json = recordToJson(r, false);
      quoted.clear();
      for (char c : json) {
        if (c == '"') quoted += '"';
        quoted += c;
      }
      csv << r.envelope.source_id << ",\"" << quoted << "\"\n";
    }
    if (!csv) {
      std::cerr << "review_stats_bench: cannot write " << csvPath << "\n";
      return 1;
    }
  }

  std::printf(
      "{\"bench\":\"review_stats\",\"backend\":\"%s\",\"reviews\":%lld,\"runs\":%d,\"load_seconds\":%.1f,"
      "\"load_reviews_per_second\":%.0f,\"month_reviews\":%lld,\"month_groups\":%zu,"
      "\"stats_month_by_department_ms\":%.1f,\"stats_month_by_window_ms\":%.1f,\"stats_month_by_day_ms\":%.1f,"
      "\"stats_year_by_department_ms\":%.1f,\"year_reviews\":%lld,\"review_feed_page_ms\":%.3f,"
      "\"review_feed_page_entries\":%zu,\"month_from_ms\":%lld,\"month_to_ms\":%lld,\"now_ms\":%lld}\n",
      backend.c_str(), static_cast<long long>(n), kRuns, loadSeconds, static_cast<double>(n) / loadSeconds,
      static_cast<long long>(monthReviews), monthGroups, monthByDepartment, monthByWindow, monthByDay, yearByDepartment,
      static_cast<long long>(yearReviews), feedPage, feedEntries, static_cast<long long>(marchFrom),
      static_cast<long long>(marchTo), static_cast<long long>(now));
  return 0;
}
