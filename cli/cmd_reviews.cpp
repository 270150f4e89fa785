// `govsync reviews stats`: the 好差评 figures for people at a terminal — the
// same store query as GET /v1/reviews/stats, printed as a table.
#include <cstdio>
#include <iostream>

#include "cli/cli_common.h"
#include "core/reviews/period.h"
#include "core/util/error.h"
#include "core/util/text.h"
#include "core/util/time.h"

namespace govsync::cli {

namespace {

/// Columns a terminal gives `s`: East Asian wide characters (汉字, full-width
/// forms) take two, so Chinese department names line up.
size_t displayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t n = std::max<size_t>(1, utf8SequenceLength(s, i));
    uint32_t cp = static_cast<unsigned char>(s[i]);
    if (n > 1) {
      cp &= 0xFFu >> (n + 1);
      for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += n;
  }
  return width;
}

std::string percent(int64_t part, int64_t whole) {
  if (!whole) return "—";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

int reviewsStats(const std::vector<std::string>& argv) {
  Args args(argv, {"group-by", "month", "from", "to", "config", "data-dir"}, {});
  store::ReviewStatsQuery q;
  const auto groupBy = store::reviewGroupByFromName(args.getOr("group-by", "department"));
  if (!groupBy) throw Error::invalid("--group-by is department, window, item, channel, day or month");
  q.groupBy = *groupBy;
  const auto period = reviews::parsePeriod(args.getOr("month", ""), args.getOr("from", ""), args.getOr("to", ""));
  q.from = period.from;
  q.to = period.to;
  q.now = nowMillis();
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  auto groups = store->reviewStats(q);

  store::ReviewStats total;
  total.group = "total";
  for (const auto& g : groups) total.add(g);
  const std::vector<std::string> head = {std::string(store::reviewGroupByName(q.groupBy)),
                                         "reviews",
                                         "5 非常满意",
                                         "4 满意",
                                         "3 基本满意",
                                         "2 不满意",
                                         "1 非常不满意",
                                         "satisfaction",
                                         "bad",
                                         "due",
                                         "on time",
                                         "rectified",
                                         "overdue"};
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const store::ReviewStats& g) {
    rows.push_back({g.group.empty() ? "(none)" : g.group, std::to_string(g.total), std::to_string(g.levels[4]),
                    std::to_string(g.levels[3]), std::to_string(g.levels[2]), std::to_string(g.levels[1]),
                    std::to_string(g.levels[0]), percent(g.satisfied, g.valid), std::to_string(g.bad),
                    std::to_string(g.rectificationsDue), std::to_string(g.rectifiedOnTime),
                    percent(g.rectifiedOnTime, g.rectificationsDue), std::to_string(g.overdue)});
  };
  for (const auto& g : groups) add(g);
  add(total);
  std::vector<size_t> widths(head.size());
  for (size_t c = 0; c < head.size(); ++c) {
    widths[c] = displayWidth(head[c]);
    for (const auto& r : rows) widths[c] = std::max(widths[c], displayWidth(r[c]));
  }
  auto print = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - displayWidth(cells[c]), ' ');
      std::cout << (c ? "  " : "") << (c == 0 ? cells[c] + pad : pad + cells[c]);
    }
    std::cout << "\n";
  };
  std::cout << "好差评 by " << store::reviewGroupByName(q.groupBy) << ", evaluated "
            << (q.from ? formatRfc3339(*q.from) : std::string("from the start")) << " to "
            << (q.to ? formatRfc3339(*q.to) : std::string("now")) << " (deadlines as of " << formatRfc3339(q.now)
            << ")\n\n";
  print(head);
  size_t line = 0;
  for (auto w : widths) line += w + 2;
  std::cout << std::string(line - 2, '-') << "\n";
  for (size_t i = 0; i + 1 < rows.size(); ++i) print(rows[i]);
  std::cout << std::string(line - 2, '-') << "\n";
  print(rows.back());
  std::cout << "\nsatisfaction = levels 3–5 over valid reviews (those rejected as malicious are not valid); "
               "rectified = on time over due.\n";
  return 0;
}

}  // namespace

void addReviewCommands(std::vector<Command>& out) {
  out.push_back({"reviews stats", "好差评 figures per department, window, item, channel, day or month",
                 "[--group-by department|window|item|channel|day|month] [--month YYYY-MM | --from DATE --to DATE]",
                 reviewsStats});
}

}  // namespace govsync::cli
