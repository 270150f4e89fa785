// Mapping benchmark: the 12345 hotline mapping (bench/hotline_bench.yaml) on
// N synthetic rows, single thread — rows/s from already-decoded rows and from
// NDJSON text — and, in the same run, two baselines: for the decoded rows, a
// plain copy of each row's values into a new row of strings (no transform: the
// data movement any mapping of these rows does at least); for NDJSON, the same
// transform in jq (bench/hotline_bench.jq) on the same NDJSON file. Each figure
// is the median of REPEATS runs. Prints one JSON object for bench/run.sh to
// write into BENCHMARKS.md.
//   mapping_bench SRC_DIR [ROWS] [REPEATS] [nojq]
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/rows/row_readers.h"
#include "core/util/json_writer.h"
#include "mappings/engine/mapping_compiler.h"

using Clock = std::chrono::steady_clock;
using govsync::RowBatch;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Deterministic rows in the shape of the hotline export, as NDJSON.
std::string makeRows(size_t n) {
  std::mt19937_64 rng(20261127);
  const char* statuses[] = {"已受理", "已派单", "处理中", "已回复", "已办结", "待受理"};
  const char* appeals[] = {"咨询", "求助", "投诉", "举报", "建议", "表扬"};
  const char* regions[] = {"211102", "211103", "211104", "211121", "211122"};
  const char* categories[] = {"0101", "0102", "0201", "0301", "0302", "0401", "0402", "0501", "9999"};
  const char* names[] = {"张伟  ", " 王芳", "李娜", "刘洋    ", "陈静", "欧阳修"};
  const char* titles[] = {"路灯不亮", "小区噪声扰民", "道路积水", "供暖不热", "占道经营", "井盖缺失"};
  std::string out;
  out.reserve(n * 420);
  std::string line;
  for (size_t i = 0; i < n; ++i) {
    line.clear();
    govsync::JsonWriter w(line);
    char buf[64];
    w.beginObject();
    std::snprintf(buf, sizeof buf, "GD2026%08zu", i);
    w.key("GDBH");
    w.string(buf);
    std::snprintf(buf, sizeof buf, " 202611%02d%02d%02d%02d ", int(rng() % 28 + 1), int(rng() % 24), int(rng() % 60),
                  int(rng() % 60));
    w.key("SLSJ");
    w.string(buf);
    w.key("ZT");
    w.string(statuses[rng() % 6]);
    w.key("LDLB");
    w.string(appeals[rng() % 6]);
    w.key("FLBM");
    w.string(categories[rng() % 9]);
    w.key("XZQH");
    w.string(regions[rng() % 5]);
    w.key("LDRXM");
    w.string(names[rng() % 6]);
    std::snprintf(buf, sizeof buf, " 13%09llu", static_cast<unsigned long long>(rng() % 1000000000));
    w.key("LXDH");
    w.string(buf);
    std::snprintf(buf, sizeof buf, "2111031980%02d%02d%03d%d", int(rng() % 12 + 1), int(rng() % 28 + 1),
                  int(rng() % 1000), int(rng() % 10));
    w.key("SFZH");
    w.string(buf);
    w.key("SQBT");
    w.string(titles[rng() % 6]);
    std::snprintf(buf, sizeof buf, "%.6f", 122.0 + double(rng() % 100000) / 1e6 + 0.05);
    w.key("JD");
    w.string(buf);
    std::snprintf(buf, sizeof buf, "%.6f", 41.1 + double(rng() % 60000) / 1e6);
    w.key("WD");
    w.string(buf);
    w.endObject();
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: mapping_bench SRC_DIR [ROWS] [REPEATS]\n";
    return 2;
  }
  const std::string src = argv[1];
  const size_t rows = argc > 2 ? std::stoul(argv[2]) : 1000000;
  const int repeats = argc > 3 ? std::stoi(argv[3]) : 3;
  govsync::mapping::CompileOptions options;
  options.codesDir = src + "/mappings/codes";
  auto mapping = govsync::mapping::compileMappingFile(src + "/bench/hotline_bench.yaml", options);

  const std::string ndjson = makeRows(rows);
  const std::string tmp = "/tmp/govsync-bench-hotline.ndjson";
  std::ofstream(tmp, std::ios::binary) << ndjson;

  // (a) from decoded rows: parsing is done before the clock starts.
  RowBatch decoded;
  govsync::readJsonRows(ndjson, decoded);
  std::vector<double> fromDecoded, fromNdjson;
  size_t records = 0;
  for (int r = 0; r < repeats; ++r) {
    govsync::mapping::MappingRunner runner(mapping);
    govsync::mapping::RowOutcome out;
    const auto t0 = Clock::now();
    for (size_t i = 0; i < decoded.size(); ++i) runner.map(decoded, i, out);
    fromDecoded.push_back(double(decoded.size()) / seconds(t0, Clock::now()));
    records = runner.stats().records;
  }
  // (a') baseline for (a): the same decoded rows, each row's values copied
  // into a new row of strings — no transform, no record.
  std::vector<double> copyRates;
  size_t copiedBytes = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    for (size_t i = 0; i < decoded.size(); ++i) {
      const auto& row = decoded.row(i);
      const auto* cells = decoded.cells(row);
      std::vector<std::string> values(decoded.columns().size());
      for (uint32_t c = 0; c < row.cellCount; ++c) values[cells[c].column].assign(decoded.bytes(cells[c]));
      for (const auto& v : values) copiedBytes += v.size();
    }
    copyRates.push_back(double(decoded.size()) / seconds(t0, Clock::now()));
  }
  // (b) from NDJSON text: parse in 10,000-row chunks, then map.
  for (int r = 0; r < repeats; ++r) {
    govsync::mapping::MappingRunner runner(mapping);
    govsync::mapping::RowOutcome out;
    const auto t0 = Clock::now();
    size_t pos = 0;
    RowBatch batch;
    while (pos < ndjson.size()) {
      size_t end = pos;
      for (int k = 0; k < 10000 && end < ndjson.size(); ++k) end = ndjson.find('\n', end) + 1;
      batch.clear();
      govsync::readJsonRows(std::string_view(ndjson).substr(pos, end - pos), batch);
      for (size_t i = 0; i < batch.size(); ++i) runner.map(batch, i, out);
      pos = end;
    }
    fromNdjson.push_back(double(rows) / seconds(t0, Clock::now()));
  }
  // (c) jq, same transform, same file (a 1/10 sample: jq is ~50× slower).
  double jqRate = 0;
  const size_t jqRows = std::max<size_t>(rows / 10, 1000);
  if (!(argc > 4 && std::string(argv[4]) == "nojq")) {
    std::ofstream cat("/tmp/govsync-bench-category.json");
    cat << "{";
    std::ifstream in(src + "/mappings/codes/case_category.csv");
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line.rfind("code,", 0) == 0) continue;
      const auto c1 = line.find(','), c2 = line.find(',', c1 + 1);
      cat << (first ? "" : ",") << "\"" << line.substr(0, c1) << "\":\"" << line.substr(c1 + 1, c2 - c1 - 1) << "\"";
      first = false;
    }
    cat << "}";
    std::string cmd = "head -n " + std::to_string(jqRows) + " " + tmp +
                      " > /tmp/govsync-bench-jq.ndjson && jq -c --slurpfile cat /tmp/govsync-bench-category.json -f " +
                      src + "/bench/hotline_bench.jq /tmp/govsync-bench-jq.ndjson > /dev/null";
    std::vector<double> jq;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = Clock::now();
      const int rc = std::system(cmd.c_str());
      const double s = seconds(t0, Clock::now());
      if (rc != 0) {
        std::cerr << "jq failed (" << rc << ")\n";
        break;
      }
      jq.push_back(double(jqRows) / s);
    }
    if (!jq.empty()) jqRate = median(jq);
  }
  const double a = median(fromDecoded), b = median(fromNdjson), copy = median(copyRates);
  std::printf(
      "{\"bench\":\"mapping\",\"rows\":%zu,\"records\":%zu,\"repeats\":%d,\"decoded_rows_per_s\":%.0f,"
      "\"copy_rows_per_s\":%.0f,\"copy_columns\":%zu,\"copied_bytes\":%zu,\"decoded_vs_copy\":%.3f,"
      "\"ndjson_rows_per_s\":%.0f,\"jq_rows\":%zu,\"jq_rows_per_s\":%.0f,\"ndjson_vs_jq\":%.1f,\"mapping\":\"%s\"}\n",
      rows, records, repeats, a, copy, decoded.columns().size(), copiedBytes / size_t(repeats), a / copy, b, jqRows,
      jqRate, jqRate > 0 ? b / jqRate : 0.0, mapping->versionTag().c_str());
  return records == rows ? 0 : 1;
}
