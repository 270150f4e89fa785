// The 好差评 routes: the review feed (long-poll and server-sent events),
// satisfaction figures, the monthly HTML report, and the rectification of
// bad reviews. Each handler reads the request into a service call and
// writes the result; the rules live in the service.
#include <Poco/Net/HTTPServerRequestImpl.h>

#include "core/store/feed_cursor.h"
#include "gateway/http/review_report.h"
#include "gateway/http/route_support.h"

namespace govsync::gateway {

namespace {

using Access = Route::Access;

/// A review stream waits for changes in slices of this many seconds, checking
/// between them that its client is still there.
constexpr int64_t kSliceSeconds = 5;

/// "1,2" → {1, 2}.
std::set<int32_t> levelsQuery(const HttpCall& call) {
  std::set<int32_t> levels;
  for (const auto& item : splitList(strQuery(call, "level"))) {
    if (item.size() != 1 || item[0] < '1' || item[0] > '5')
      throw Error::invalidFields("level is a list of 1..5", {{"level", "e.g. level=1,2 for bad reviews"}});
    levels.insert(item[0] - '0');
  }
  return levels;
}

/// {"overdue": …, "first_record_id": "…", "record": {…}} — one review of the
/// feed; first_record_id only for a linked re-evaluation.
void appendReview(std::string& out, const ReviewFeedResult& r, size_t i) {
  out.append("{\"overdue\":").append(r.overdue[i] ? "true" : "false");
  if (!r.firstRecordIds[i].empty()) {
    out.append(",\"first_record_id\":");
    appendJsonString(out, r.firstRecordIds[i]);
  }
  out.append(",\"record\":").append(r.served(r.page.entries[i])).append("}");
}

void writeRectification(JsonWriter& w, const store::ReviewRectification& r, int64_t version = 0) {
  using reviews::rectifyStateName;
  w.beginObject();
  w.key("record_id");
  w.string(r.recordId);
  w.key("level");
  w.integer(r.level);
  w.key("state");
  w.string(rectifyStateName(r.state));
  writeInstant(w, "due_at", r.dueAt);
  writeInstant(w, "rectified_at", r.rectifiedAt);
  writeInstant(w, "revisited_at", r.revisitedAt);
  w.key("overdue");
  w.boolean(reviews::isOpenPastDue(r.state, r.dueAt, nowMillis()));
  w.key("excluded");
  w.boolean(r.excluded);
  w.key("note");
  w.string(r.note);
  w.key("first_record_id");
  if (r.firstRecordId.empty())
    w.null();
  else
    w.string(r.firstRecordId);
  w.key("re_evaluations");
  w.beginArray();
  for (const auto& id : r.reEvaluations) w.string(id);
  w.endArray();
  if (version) {
    w.key("version");
    w.integer(version);
  }
  w.key("allowed_next");
  w.beginArray();
  for (auto s : reviews::allowedNextStates(r.state)) w.string(rectifyStateName(s));
  w.endArray();
  w.key("steps");
  w.beginArray();
  for (const auto& s : r.steps) {
    w.beginObject();
    w.key("seq");
    w.integer(s.seq);
    w.key("from");
    w.string(rectifyStateName(s.from));
    w.key("to");
    w.string(rectifyStateName(s.to));
    w.key("actor");
    w.string(s.actor);
    writeInstant(w, "at", s.at);
    w.key("note");
    w.string(s.note);
    if (!s.reason.empty()) {
      w.key("reason");
      w.string(s.reason);
    }
    w.endObject();
  }
  w.endArray();
  w.endObject();
}

struct ReviewHandlers {
  HttpGateway::Impl& g;
  ExchangeService& s() { return g.service; }

  ReviewFeedRequest feedRequest(HttpCall& call) {
    ReviewFeedRequest req;
    req.after = strQuery(call, "after");
    req.levels = levelsQuery(call);
    req.department = strQuery(call, "department");
    req.window = strQuery(call, "window");
    req.cancel = &g.stopping;
    return req;
  }

  void feed(HttpCall& call) {
    auto req = feedRequest(call);
    req.limit = static_cast<size_t>(intQuery(call, "limit", 0, 1, 1000000));
    req.waitSeconds = intQuery(call, "wait", 0, 0, 3600);
    WaitSlot slot(g, req.waitSeconds, call);
    const auto r = s().reviewFeed(call.who(), req);
    std::string out = "{\"reviews\":[";
    for (size_t i = 0; i < r.page.entries.size(); ++i) {
      if (i) out += ',';
      appendReview(out, r, i);
    }
    out.append("],\"next\":\"").append(r.next).append("\"}");
    call.sendJson(200, out);
  }

  // Server-sent events for dashboards: one `review` event per change, its id
  // the cursor after it, so a reconnecting EventSource resumes exactly where
  // it stopped (Last-Event-ID). A comment every 15 s keeps proxies from
  // closing an idle stream; the stream ends after an hour (the browser
  // reconnects) or when the gateway stops.
  void stream(HttpCall& call) {
    auto req = feedRequest(call);
    if (auto last = call.header("Last-Event-ID"); !last.empty()) req.after = last;
    req.limit = 100;
    int64_t wait = kSliceSeconds;
    WaitSlot slot(g, wait, call);
    if (!slot.held) throw Error(ErrorCode::RateLimited, "too many streams and long-polls at once; retry later");
    // The first page is read before answering, so a bad cursor or a missing
    // scope is still a plain JSON error.
    req.waitSeconds = 0;
    auto r = s().reviewFeed(call.who(), req);
    call.response.setChunkedTransferEncoding(true);
    call.response.setKeepAlive(false);
    call.response.setContentType("text/event-stream; charset=utf-8");
    call.response.set("Cache-Control", "no-store");
    call.response.set("X-Accel-Buffering", "no");
    call.sent = true;
    call.status = 200;
    std::ostream& out = call.response.send();
    out << "retry: 3000\n\n";
    out.flush();
    // A client that went away is noticed within a wait slice (its end of the
    // connection becomes readable with nothing to read), not only when a
    // write fails: it must not hold its stream slot for long.
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(call.request).socket();
    auto peerGone = [&] {
      try {
        return socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ) && socket.available() == 0;
      } catch (const Poco::Exception&) {
        return true;
      }
    };
    const auto end = std::chrono::steady_clock::now() + std::chrono::hours(1);
    std::string event;
    int idleSlices = 0;
    while (out && !g.stopping && std::chrono::steady_clock::now() < end) {
      event.clear();
      for (size_t i = 0; i < r.page.entries.size(); ++i) {
        event.append("id: ").append(store::encodeCursor(r.page.entries[i].position)).append("\nevent: review\ndata: ");
        appendReview(event, r, i);
        event.append("\n\n");
      }
      if (!event.empty())
        idleSlices = 0;
      else if (++idleSlices * kSliceSeconds >= 15)
        event = ": keep-alive\n\n", idleSlices = 0;
      if (!event.empty()) {
        out << event;
        out.flush();
      }
      if (peerGone()) break;
      req.after = r.next;
      req.waitSeconds = kSliceSeconds;
      req.auditEmpty = false;
      r = s().reviewFeed(call.who(), req);
    }
  }

  void stats(HttpCall& call) {
    ReviewStatsRequest req;
    req.groupBy = strQuery(call, "group_by");
    req.from = strQuery(call, "from");
    req.to = strQuery(call, "to");
    req.month = strQuery(call, "month");
    const auto r = s().reviewStats(call.who(), req);
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("group_by");
    w.string(r.groupBy);
    writeInstant(w, "from", r.from.value_or(0));
    writeInstant(w, "to", r.to.value_or(0));
    writeInstant(w, "at", r.at);
    w.key("groups");
    w.beginArray();
    for (const auto& group : r.groups) writeReviewStats(w, group, true);
    w.endArray();
    w.key("total");
    writeReviewStats(w, r.total, false);
    w.endObject();
    call.sendJson(200, out);
  }

  void report(HttpCall& call) {
    const auto month = strQuery(call, "month");
    if (month.empty()) throw Error::invalidFields("month is required", {{"month", "YYYY-MM, e.g. 2026-11"}});
    ReviewStatsRequest req;
    req.month = month;
    req.groupBy = "department";
    const auto byDepartment = s().reviewStats(call.who(), req);
    req.groupBy = "day";
    const auto byDay = s().reviewStats(call.who(), req);
    call.send(200, "text/html; charset=utf-8", renderReviewReport(month, byDepartment, byDay));
  }

  void rectification(HttpCall& call) {
    const auto r = s().getRectification(call.who(), call.param(0));
    std::string out;
    JsonWriter w(out);
    writeRectification(w, r);
    call.sendJson(200, out);
  }

  void rectify(HttpCall& call) {
    JsonBody body(call.body);
    body.only({"state", "note", "reason"});
    RectifyRequest req;
    req.recordId = call.param(0);
    req.state = body.string("state", true);
    req.note = body.string("note", false);
    req.reason = body.string("reason", false);
    body.check();
    const auto result = s().rectify(call.who(), req);
    std::string out;
    JsonWriter w(out);
    writeRectification(w, result.rectification, result.outcome.version);
    call.sendJson(200, out);
  }
};

}  // namespace

std::vector<Route> makeReviewRoutes(HttpGateway::Impl& g) {
  auto h = std::make_shared<ReviewHandlers>(ReviewHandlers{g});
  auto bind = [h](void (ReviewHandlers::*fn)(HttpCall&)) { return [h, fn](HttpCall& call) { ((*h).*fn)(call); }; };
  return {
      {"GET",
       "/v1/reviews/feed",
       Access::Client,
       {"after", "limit", "level", "department", "window", "wait"},
       false,
       bind(&ReviewHandlers::feed)},
      {"GET",
       "/v1/reviews/stream",
       Access::Client,
       {"after", "level", "department", "window"},
       false,
       bind(&ReviewHandlers::stream)},
      {"GET",
       "/v1/reviews/stats",
       Access::Client,
       {"group_by", "from", "to", "month"},
       false,
       bind(&ReviewHandlers::stats)},
      {"GET", "/v1/reviews/report", Access::Client, {"month"}, false, bind(&ReviewHandlers::report)},
      {"GET", "/v1/reviews/{id}/rectification", Access::Client, {}, false, bind(&ReviewHandlers::rectification)},
      {"PATCH", "/v1/reviews/{id}/rectification", Access::Client, {}, true, bind(&ReviewHandlers::rectify)},
  };
}

}  // namespace govsync::gateway
