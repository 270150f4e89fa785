#include "gateway/http/review_report.h"

#include <map>

#include "core/reviews/working_days.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"

namespace govsync::gateway {

namespace {

void writeRate(JsonWriter& w, const char* key, int64_t part, int64_t whole) {
  w.key(key);
  if (whole)
    w.number(static_cast<double>(part) / static_cast<double>(whole));
  else
    w.null();  // no reviews to judge: no rate, rather than a misleading 0
}

/// Every local day (Beijing time) of the period `byDay` covers, each with its
/// figures: a day without reviews gets zeros, so the chart's axis has every
/// day of the month and not only the days someone gave a review.
std::vector<store::ReviewStats> everyDay(const ReviewStatsResult& byDay) {
  if (!byDay.from || !byDay.to) return byDay.groups;
  std::map<std::string, const store::ReviewStats*> reviewed;
  for (const auto& g : byDay.groups) reviewed[g.group] = &g;
  std::vector<store::ReviewStats> days;
  // Beijing keeps no daylight saving time: every local day is 24 hours long.
  for (int64_t at = *byDay.from; at < *byDay.to; at += kMillisPerDay) {
    const std::string day = formatRfc3339(at + reviews::kShanghaiOffsetMs).substr(0, 10);
    const auto it = reviewed.find(day);
    days.push_back(it == reviewed.end() ? store::ReviewStats{} : *it->second);
    days.back().group = day;
  }
  return days;
}

/// The figures as JSON, safe inside <script>: "</" cannot close the element.
std::string reportData(const std::string& month, const ReviewStatsResult& byDepartment,
                       const ReviewStatsResult& byDay) {
  std::string json;
  JsonWriter w(json);
  w.beginObject();
  w.key("month");
  w.string(month);
  w.key("generated_at");
  w.string(formatRfc3339(byDepartment.at));
  w.key("departments");
  w.beginArray();
  for (const auto& g : byDepartment.groups) writeReviewStats(w, g, true);
  w.endArray();
  w.key("total");
  writeReviewStats(w, byDepartment.total, false);
  w.key("days");
  w.beginArray();
  for (const auto& g : everyDay(byDay)) writeReviewStats(w, g, true);
  w.endArray();
  w.endObject();
  std::string safe;
  safe.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<') {
      safe += "\\u003c";
      continue;
    }
    safe += json[i];
  }
  return safe;
}

// The page. Rates: satisfaction = levels 3–5 over valid reviews (malicious
// ones excluded); rectification = rectified on time over rectifications due.
constexpr const char* kPage = R"HTML(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政务服务好差评月报 @MONTH@</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #1f2933; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .meta { color: #616e7c; font-size: 13px; margin-bottom: 16px; }
  table { border-collapse: collapse; font-size: 14px; margin-bottom: 24px; }
  th, td { border: 1px solid #cbd2d9; padding: 4px 8px; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  thead th { background: #f0f4f8; }
  tfoot td { font-weight: bold; background: #f5f7fa; }
  .bad { color: #c81e1e; }
  svg text { font-size: 10px; fill: #52606d; }
</style>
</head>
<body>
<h1>政务服务好差评月报 <span id="month">@MONTH@</span></h1>
<div class="meta">govsync · 生成于 <span id="generated"></span> · 满意率 = 基本满意以上 / 有效评价；整改率 = 按期整改 / 应整改</div>
<table id="departments">
  <thead><tr><th>部门</th><th>评价数</th><th>非常满意</th><th>满意</th><th>基本满意</th><th>不满意</th><th>非常不满意</th>
  <th>满意率</th><th>差评</th><th>应整改</th><th>按期整改</th><th>整改率</th><th>超期</th></tr></thead>
  <tbody></tbody>
  <tfoot></tfoot>
</table>
<h2 style="font-size:16px">每日满意率与差评数</h2>
<svg id="chart" width="960" height="260" role="img" aria-label="satisfaction and bad reviews per day"></svg>
<script type="application/json" id="report-data">@DATA@</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  document.getElementById('generated').textContent = data.generated_at;
  function rate(part, whole) { return whole ? (100 * part / whole).toFixed(1) + '%' : '—'; }
  function row(parent, cellTag, g, name) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-group', name);
    var cells = [
      ['group', name], ['total', g.total], ['level5', g.levels['5']], ['level4', g.levels['4']],
      ['level3', g.levels['3']], ['level2', g.levels['2']], ['level1', g.levels['1']],
      ['satisfaction', rate(g.satisfied, g.valid)], ['bad', g.bad], ['due', g.rectifications_due],
      ['on_time', g.rectified_on_time], ['rectification', rate(g.rectified_on_time, g.rectifications_due)],
      ['overdue', g.overdue]];
    cells.forEach(function (c) {
      var td = document.createElement(cellTag);
      td.setAttribute('data-field', c[0]);
      td.textContent = String(c[1]);
      if ((c[0] === 'bad' || c[0] === 'overdue') && c[1] > 0) td.className = 'bad';
      tr.appendChild(td);
    });
    parent.appendChild(tr);
  }
  var body = document.querySelector('#departments tbody');
  data.departments.forEach(function (g) { row(body, 'td', g, g.group || '(未注明部门)'); });
  row(document.querySelector('#departments tfoot'), 'td', data.total, '合计');

  var svg = document.getElementById('chart'), ns = 'http://www.w3.org/2000/svg';
  var W = 960, H = 260, left = 40, right = 40, top = 16, bottom = 40;
  var days = data.days, n = Math.max(days.length, 1), step = (W - left - right) / n;
  var maxBad = Math.max.apply(null, [1].concat(days.map(function (d) { return d.bad; })));
  function el(name, attrs, text) {
    var e = document.createElementNS(ns, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  }
  el('line', {x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, stroke: '#9aa5b1'});
  // Every day of the month is on the axis (the server sends them all). A day
  // without valid reviews has no satisfaction point, and the line breaks
  // there rather than suggesting a rate nobody gave.
  var line = '', joined = false;
  days.forEach(function (d, i) {
    var x = left + i * step, h = (H - top - bottom) * d.bad / maxBad;
    el('rect', {x: x + step * 0.2, y: H - bottom - h, width: step * 0.6, height: h, fill: '#f29b9b',
                'data-day': d.group, 'data-bad': d.bad, 'data-total': d.total});
    if (d.valid) {
      var r = d.satisfied / d.valid, y = top + (H - top - bottom) * (1 - r), cx = (x + step / 2).toFixed(1);
      line += (joined ? ' L' : ' M') + cx + ',' + y.toFixed(1);
      el('circle', {cx: cx, cy: y.toFixed(1), r: 2.5, fill: '#2d6cdf',
                    'data-day': d.group, 'data-satisfaction': (100 * r).toFixed(1)});
    }
    joined = d.valid > 0;
    el('text', {x: x + step / 2, y: H - bottom + 14, 'text-anchor': 'middle', 'data-axis-day': d.group},
       d.group.slice(8));
  });
  if (line) el('path', {d: line.trim(), fill: 'none', stroke: '#2d6cdf', 'stroke-width': 1.5});
  el('text', {x: left - 4, y: top + 4, 'text-anchor': 'end'}, '100%');
  el('text', {x: W - right + 4, y: top + 4}, String(maxBad));
  el('text', {x: left, y: H - 8}, '蓝线：满意率　红柱：差评数');
  document.body.setAttribute('data-rendered', 'true');
})();
</script>
</body>
</html>
)HTML";

void replaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

void writeReviewStats(JsonWriter& w, const store::ReviewStats& g, bool withGroup) {
  w.beginObject();
  if (withGroup) {
    w.key("group");
    w.string(g.group);
  }
  w.key("levels");
  w.beginObject();
  for (int level = 1; level <= 5; ++level) {
    w.key(std::to_string(level));
    w.integer(g.levels[static_cast<size_t>(level - 1)]);
  }
  w.endObject();
  for (auto [k, v] : {std::pair{"total", g.total},
                      {"valid", g.valid},
                      {"excluded", g.excluded},
                      {"satisfied", g.satisfied},
                      {"bad", g.bad},
                      {"rectifications_due", g.rectificationsDue},
                      {"rectified_on_time", g.rectifiedOnTime},
                      {"overdue", g.overdue}}) {
    w.key(k);
    w.integer(v);
  }
  writeRate(w, "satisfaction_rate", g.satisfied, g.valid);
  writeRate(w, "rectification_rate", g.rectifiedOnTime, g.rectificationsDue);
  w.endObject();
}

std::string renderReviewReport(const std::string& month, const ReviewStatsResult& byDepartment,
                               const ReviewStatsResult& byDay) {
  std::string page = kPage;
  // The month was checked by the service (YYYY-MM): safe in HTML as it is.
  replaceAll(page, "@MONTH@", month);
  replaceAll(page, "@DATA@", reportData(month, byDepartment, byDay));
  return page;
}

}  // namespace govsync::gateway
