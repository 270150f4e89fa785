#include "gateway/http/metrics.h"

#include <cstdio>

namespace govsync::gateway {

namespace {

// Label values: backslash, quote and newline escaped.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, std::string_view name, const char* type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" ");
  out.append(type).append("\n");
}

void sample(std::string& out, const std::string& name, const std::string& labels, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(buf).append("\n");
}

}  // namespace

HttpMetrics::HttpMetrics(std::vector<std::string> routes) : labels_(std::move(routes)) {
  labels_.push_back("unmatched");
  for (size_t i = 0; i < labels_.size(); ++i) slots_.push_back(std::make_unique<Slot>());
}

void HttpMetrics::observe(size_t route, int status, double seconds) {
  if (route >= slots_.size()) route = slots_.size() - 1;
  auto& s = *slots_[route];
  if (status >= 100 && status < 600)
    s.byStatus[static_cast<size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sumMicros.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string HttpMetrics::render(const ServiceStats& st, const ServerFigures& sv) const {
  std::string out;
  out.reserve(16384);
  header(out, "govsync_http_requests_total", "counter", "HTTP requests by route and status.");
  for (size_t r = 0; r < slots_.size(); ++r)
    for (size_t i = 0; i < slots_[r]->byStatus.size(); ++i)
      if (auto n = slots_[r]->byStatus[i].load())
        sample(out, "govsync_http_requests_total",
               "route=\"" + label(labels_[r]) + "\",status=\"" + std::to_string(i + 100) + "\"",
               static_cast<double>(n));
  header(out, "govsync_http_request_duration_seconds", "histogram", "Time to answer a request, by route.");
  for (size_t r = 0; r < slots_.size(); ++r) {
    const auto& s = *slots_[r];
    if (!s.count.load()) continue;
    const std::string route = "route=\"" + label(labels_[r]) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += s.buckets[b].load();
      char le[32];
      if (b < kBuckets.size())
        std::snprintf(le, sizeof le, "%g", kBuckets[b]);
      else
        std::snprintf(le, sizeof le, "+Inf");
      sample(out, "govsync_http_request_duration_seconds_bucket", route + ",le=\"" + le + "\"",
             static_cast<double>(cumulative));
    }
    sample(out, "govsync_http_request_duration_seconds_sum", route, static_cast<double>(s.sumMicros.load()) / 1e6);
    sample(out, "govsync_http_request_duration_seconds_count", route, static_cast<double>(s.count.load()));
  }
  header(out, "govsync_http_connections", "gauge", "Connections being served now.");
  sample(out, "govsync_http_connections", "", sv.currentConnections);
  header(out, "govsync_http_queued_connections", "gauge", "Accepted connections waiting for a thread.");
  sample(out, "govsync_http_queued_connections", "", sv.queuedConnections);
  header(out, "govsync_http_refused_connections_total", "counter", "Connections refused because the queue was full.");
  sample(out, "govsync_http_refused_connections_total", "", sv.refusedConnections);
  header(out, "govsync_http_threads", "gauge", "Request threads running.");
  sample(out, "govsync_http_threads", "", sv.currentThreads);
  header(out, "govsync_http_waiting_pulls", "gauge", "Long-polls waiting for a change.");
  sample(out, "govsync_http_waiting_pulls", "", static_cast<double>(sv.waitingPulls));
  header(out, "govsync_http_shortened_waits_total", "counter",
         "Long-polls answered at once because max_waiting_pulls were already waiting.");
  sample(out, "govsync_http_shortened_waits_total", "", static_cast<double>(sv.shortenedWaits));
  header(out, "govsync_http_slow_requests_cut_total", "counter",
         "Connections closed because a request was not received within request_timeout_seconds.");
  sample(out, "govsync_http_slow_requests_cut_total", "", static_cast<double>(sv.slowRequestsCut));

  header(out, "govsync_rows_pushed_total", "counter", "Raw rows received by push.");
  sample(out, "govsync_rows_pushed_total", "", static_cast<double>(st.rowsPushed));
  header(out, "govsync_records_pushed_total", "counter", "Records committed from pushes (rows and unified records).");
  sample(out, "govsync_records_pushed_total", "", static_cast<double>(st.recordsPushed));
  header(out, "govsync_dead_letters_pushed_total", "counter", "Pushed rows that became dead letters.");
  sample(out, "govsync_dead_letters_pushed_total", "", static_cast<double>(st.deadLettersPushed));
  header(out, "govsync_records_pulled_total", "counter", "Records served by pulls and subscriptions.");
  sample(out, "govsync_records_pulled_total", "", static_cast<double>(st.recordsPulled));
  header(out, "govsync_feed_head_position", "gauge", "The newest committed change-feed position.");
  sample(out, "govsync_feed_head_position", "", static_cast<double>(st.feedHead));
  header(out, "govsync_audit_dropped_total", "counter",
         "Audit entries of refused requests dropped because the audit queue was full.");
  sample(out, "govsync_audit_dropped_total", "", static_cast<double>(st.auditDropped));
  for (const auto& c : st.frontCounters) {
    header(out, c.name, "counter", c.help);
    sample(out, c.name, "", static_cast<double>(c.value));
  }

  header(out, "govsync_connector_rows_total", "counter", "Rows a connector fetched since start.");
  for (const auto& c : st.connectors)
    sample(out, "govsync_connector_rows_total", "connector=\"" + label(c.name) + "\"",
           static_cast<double>(c.totals.rows));
  header(out, "govsync_connector_records_total", "counter", "Records a connector committed since start.");
  for (const auto& c : st.connectors)
    sample(out, "govsync_connector_records_total", "connector=\"" + label(c.name) + "\"",
           static_cast<double>(c.totals.records));
  header(out, "govsync_connector_dead_letters_total", "counter", "Dead letters a connector made since start.");
  for (const auto& c : st.connectors)
    sample(out, "govsync_connector_dead_letters_total", "connector=\"" + label(c.name) + "\"",
           static_cast<double>(c.totals.deadLetters));
  header(out, "govsync_connector_errors", "gauge", "A connector's consecutive failed passes (0 = healthy).");
  for (const auto& c : st.connectors)
    sample(out, "govsync_connector_errors", "connector=\"" + label(c.name) + "\"",
           static_cast<double>(c.consecutiveFailures));
  header(out, "govsync_connector_up", "gauge", "1 unless the connector is in backoff or error.");
  for (const auto& c : st.connectors)
    sample(out, "govsync_connector_up", "connector=\"" + label(c.name) + "\"",
           c.state == "backoff" || c.state == "error" ? 0 : 1);
  header(out, "govsync_connector_lag_seconds", "gauge",
         "Seconds since the connector last read its source to the end (-1: not yet).");
  for (const auto& c : st.connectors)
    sample(out, "govsync_connector_lag_seconds", "connector=\"" + label(c.name) + "\"",
           static_cast<double>(c.lagSeconds));
  header(out, "govsync_connector_reconciliation_missing", "gauge",
         "Source rows of the last reconciled day not accounted for by records or dead letters.");
  for (const auto& c : st.connectors)
    if (c.lastReconciliation && c.lastReconciliation->missing())
      sample(out, "govsync_connector_reconciliation_missing",
             "connector=\"" + label(c.name) + "\",day=\"" + label(c.lastReconciliation->day) + "\"",
             static_cast<double>(*c.lastReconciliation->missing()));
  return out;
}

}  // namespace govsync::gateway
