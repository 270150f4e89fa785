// The route table and its handlers: each handler reads the HTTP request into
// a service call and writes the result as JSON. No business logic here.
#include <charconv>

#include <Poco/JSON/Parser.h>

#include "core/record/record_json.h"
#include "core/store/feed_cursor.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"
#include "gateway/http/gateway_impl.h"
#include "gateway/http/route_support.h"
#include "gateway/http/status_table.h"

namespace govsync::gateway {

namespace {

using Access = Route::Access;

// ------------------------------------------------------------ writing output

void writeFilter(JsonWriter& w, const store::FeedFilter& f) {
  w.beginObject();
  if (f.kind) {
    w.key("kind");
    w.string(schema::kindName(*f.kind));
  }
  if (!f.sourceSystem.empty()) {
    w.key("source");
    w.string(f.sourceSystem);
  }
  if (!f.regionPrefix.empty()) {
    w.key("region");
    w.string(f.regionPrefix);
  }
  w.endObject();
}

// The hot path: the records' served JSON forms are copied as they are.
void sendPage(HttpCall& call, const PullResult& r, std::string_view prefix) {
  size_t size = prefix.size() + 32 + r.next.size();
  for (const auto& e : r.page.entries) size += r.served(e).size() + 1;
  std::string out;
  out.reserve(size);
  out.append(prefix).append("\"records\":[");
  bool first = true;
  for (const auto& e : r.page.entries) {
    if (!first) out += ',';
    first = false;
    out.append(r.served(e));
  }
  out.append("],\"next\":\"").append(r.next).append("\"}");
  call.sendJson(200, out);
}

void writeMappingStatus(JsonWriter& w, const mapping::MappingStatus& s, bool close = true) {
  w.beginObject();
  w.key("name");
  w.string(s.name);
  w.key("version");
  w.string(s.version);
  w.key("kind");
  w.string(s.kind);
  w.key("label");
  w.string(s.label);
  w.key("file");
  w.string(s.file);
  w.key("error");
  if (s.error.empty())
    w.null();
  else
    w.string(s.error);
  writeInstant(w, "loaded_at", s.loadedAt);
  if (close) w.endObject();
}

void writeClient(JsonWriter& w, const ClientView& c, bool close = true) {
  w.beginObject();
  w.key("key_id");
  w.string(c.keyId);
  w.key("name");
  w.string(c.name);
  w.key("department");
  w.string(c.department);
  w.key("scopes");
  w.beginArray();
  for (const auto& s : c.scopes) w.string(s);
  w.endArray();
  writeInstant(w, "created_at", c.createdAt);
  writeInstant(w, "revoked_at", c.revokedAt);
  if (close) w.endObject();
}

// ------------------------------------------------------------------ handlers

struct Handlers {
  HttpGateway::Impl& g;
  ExchangeService& s() { return g.service; }

  void push(HttpCall& call) {
    const std::string contentType = call.header("Content-Type");
    const std::string media = mediaTypeOf(contentType);
    if (!media.empty() && media != "application/json" && media != "application/x-ndjson" &&
        media != "application/ndjson" && media != "application/jsonl" && media != "text/plain")
      throw Error::invalid("push takes application/json (an array of objects) or application/x-ndjson, not '" +
                           media.substr(0, 60) + "'");
    PushRowsRequest req;
    req.platform = call.param(0);
    req.body = call.body;
    req.charset = charsetOf(contentType);
    req.idempotencyKey = call.header("Idempotency-Key");
    const auto result = s().pushRows(call.who(), req);
    if (result.replayed) call.response.set("Idempotent-Replayed", "true");
    call.sendJson(200, pushRowsResultToJson(result));
  }

  void pushRecords(HttpCall& call) {
    const auto result = s().pushRecords(call.who(), recordsFromJson(call.body));
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("results");
    w.beginArray();
    for (const auto& o : result.outcomes) {
      w.beginObject();
      w.key("record_id");
      w.string(o.recordId);
      w.key("version");
      w.integer(o.version);
      w.key("changed");
      w.boolean(o.changed);
      w.endObject();
    }
    w.endArray();
    w.key("cursor");
    w.string(store::encodeCursor(result.headPosition));
    w.endObject();
    call.sendJson(200, out);
  }

  void pull(HttpCall& call) {
    PullRequest req;
    req.after = strQuery(call, "after");
    req.limit = static_cast<size_t>(intQuery(call, "limit", 0, 1, 1000000));
    req.kind = strQuery(call, "kind");
    req.source = strQuery(call, "source");
    req.region = strQuery(call, "region");
    req.waitSeconds = intQuery(call, "wait", 0, 0, 3600);
    req.cancel = &g.stopping;
    WaitSlot slot(g, req.waitSeconds, call);
    sendPage(call, s().pull(call.who(), req), "{");
  }

  void getRecord(HttpCall& call) { call.sendJson(200, s().getRecord(call.who(), call.param(0)).json); }

  void subscriptionGet(HttpCall& call) {
    SubscriptionRequest req;
    req.name = call.param(0);
    req.limit = static_cast<size_t>(intQuery(call, "limit", 0, 1, 1000000));
    req.kind = strQuery(call, "kind");
    req.source = strQuery(call, "source");
    req.region = strQuery(call, "region");
    req.waitSeconds = intQuery(call, "wait", 0, 0, 3600);
    req.cancel = &g.stopping;
    WaitSlot slot(g, req.waitSeconds, call);
    const auto page = s().subscriptionGet(call.who(), req);
    std::string prefix = "{\"name\":";
    appendJsonString(prefix, req.name);
    prefix += ',';
    sendPage(call, page, prefix);
  }

  void subscriptionAck(HttpCall& call) {
    JsonBody body(call.body);
    body.only({"cursor"});
    const auto cursor = body.string("cursor", true);
    body.check();
    const auto state = s().subscriptionAck(call.who(), call.param(0), cursor);
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("name");
    w.string(state.name);
    w.key("cursor");
    w.string(state.cursor);
    w.key("filter");
    writeFilter(w, state.filter);
    w.endObject();
    call.sendJson(200, out);
  }

  void connectors(HttpCall& call) {
    const auto list = s().listConnectors(call.who());
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("connectors");
    w.beginArray();
    for (const auto& c : list) {
      w.beginObject();
      for (auto [k, v] : {std::pair{"name", &c.name},
                          {"type", &c.type},
                          {"mapping", &c.mapping},
                          {"source", &c.source},
                          {"state", &c.state},
                          {"last_error", &c.lastError},
                          {"checkpoint", &c.checkpoint}}) {
        w.key(k);
        w.string(*v);
      }
      writeInstant(w, "last_run_at", c.lastRunAt);
      writeInstant(w, "last_success_at", c.lastSuccessAt);
      writeInstant(w, "caught_up_at", c.caughtUpAt);
      writeInstant(w, "next_run_at", c.nextRunAt);
      w.key("consecutive_failures");
      w.integer(c.consecutiveFailures);
      w.key("lag_seconds");
      w.integer(c.lagSeconds);
      if (const auto& r = c.lastReconciliation) {
        w.key("reconciliation");
        w.beginObject();
        w.key("day");
        w.string(r->day);
        w.key("source_rows");
        if (r->sourceRows)
          w.integer(*r->sourceRows);
        else
          w.null();
        w.key("records");
        w.integer(r->records);
        w.key("dead_letters");
        w.integer(r->deadLetters);
        w.key("missing");
        if (const auto m = r->missing())
          w.integer(*m);
        else
          w.null();
        w.endObject();
      }
      w.key("totals");
      w.beginObject();
      for (auto [k, v] : {std::pair{"rows", c.totals.rows},
                          {"records", c.totals.records},
                          {"changed", c.totals.changed},
                          {"skipped", c.totals.skipped},
                          {"dead_letters", c.totals.deadLetters},
                          {"warnings", c.totals.warnings}}) {
        w.key(k);
        w.integer(static_cast<int64_t>(v));
      }
      w.endObject();
      w.endObject();
    }
    w.endArray();
    w.endObject();
    call.sendJson(200, out);
  }

  void runConnector(HttpCall& call) {
    s().runConnector(call.who(), call.param(0));
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("name");
    w.string(call.param(0));
    w.key("triggered");
    w.boolean(true);
    w.endObject();
    call.sendJson(202, out);
  }

  void mappings(HttpCall& call) {
    sendList(call, "mappings", s().listMappings(call.who()),
             [](JsonWriter& w, const auto& item) { writeMappingStatus(w, item); });
  }

  void mapping(HttpCall& call) {
    const auto d = s().getMapping(call.who(), call.param(0));
    std::string out;
    JsonWriter w(out);
    writeMappingStatus(w, d.status, false);
    w.key("source");
    w.string(d.source);
    w.endObject();
    call.sendJson(200, out);
  }

  void putMapping(HttpCall& call) {
    // The YAML text itself, or {"source": "..."} as JSON.
    std::string text = call.body;
    if (mediaTypeOf(call.header("Content-Type")) == "application/json") {
      JsonBody body(call.body);
      body.only({"source"});
      text = body.string("source", true);
      body.check();
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw Error::invalid("no mapping text in the body");
    const auto status = s().putMapping(call.who(), call.param(0), text);
    std::string out;
    JsonWriter w(out);
    writeMappingStatus(w, status);
    call.sendJson(200, out);
  }

  void testMapping(HttpCall& call) {
    JsonBody body(call.body);
    body.only({"mapping", "rows", "csv", "delimiter"});
    MappingTestRequest req;
    req.name = call.param(0);
    req.mappingText = body.string("mapping", false);
    req.rowsJson = body.arrayText("rows");
    req.csv = body.string("csv", false);
    const auto delimiter = body.string("delimiter", false);
    body.check();
    if (delimiter.size() > 1) throw Error::invalidFields("bad delimiter", {{"delimiter", "one character"}});
    if (delimiter.size() == 1) req.delimiter = delimiter[0];
    const auto r = s().testMapping(call.who(), req);
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("mapping");
    w.string(r.mapping);
    w.key("rows");
    w.integer(static_cast<int64_t>(r.rows));
    w.key("records");
    w.beginArray();
    for (const auto& rec : r.records) w.raw(rec);
    w.endArray();
    w.key("results");
    w.raw(rowResultsToJson(r.outcomes));
    w.endObject();
    call.sendJson(200, out);
  }

  void deadLetters(HttpCall& call) {
    DeadLetterListRequest req;
    req.source = strQuery(call, "source");
    req.platform = strQuery(call, "platform");
    req.resolved = boolQuery(call, "resolved");
    req.afterId = intQuery(call, "after", 0, 0, INT64_MAX);
    req.limit = static_cast<size_t>(intQuery(call, "limit", 100, 1, 1000000));
    const auto list = s().listDeadLetters(call.who(), req);
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("dead_letters");
    w.beginArray();
    for (const auto& d : list) {
      w.beginObject();
      w.key("id");
      w.integer(d.id);
      for (auto [k, v] : {std::pair{"source", &d.source},
                          {"platform", &d.platform},
                          {"stage", &d.stage},
                          {"error", &d.error},
                          {"field", &d.field},
                          {"function", &d.function},
                          {"mapping", &d.mapping},
                          {"raw_format", &d.rawFormat}}) {
        w.key(k);
        w.string(*v);
      }
      if (call.who().pii()) {
        w.key("value");
        w.string(d.value);
        w.key("raw");
        w.string(d.raw);
      }
      writeInstant(w, "created_at", d.createdAt);
      w.key("resolved");
      w.boolean(d.resolved);
      if (d.resolved) {
        writeInstant(w, "resolved_at", d.resolvedAt);
        w.key("resolved_record_id");
        w.string(d.resolvedRecordId);
      }
      w.endObject();
    }
    w.endArray();
    w.key("next");
    w.integer(list.empty() ? req.afterId : list.back().id);
    w.endObject();
    call.sendJson(200, out);
  }

  void replay(HttpCall& call) {
    JsonBody body(call.body, false);
    body.only({"source", "ids"});
    ReplayOptions o;
    o.source = body.string("source", false);
    o.ids = body.integers("ids");
    body.check();
    const auto r = s().replayDeadLetters(call.who(), o);
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("resolved");
    w.integer(static_cast<int64_t>(r.resolved));
    w.key("still_failing");
    w.integer(static_cast<int64_t>(r.stillFailing));
    w.key("not_replayable");
    w.integer(static_cast<int64_t>(r.notReplayable));
    w.key("groups");
    w.beginArray();
    for (const auto& gr : r.groups) {
      w.beginObject();
      w.key("source");
      w.string(gr.source);
      w.key("platform");
      w.string(gr.platform);
      w.key("mapping");
      w.string(gr.mapping);
      for (auto [k, v] : {std::pair{"dead_letters", gr.deadLetters},
                          {"records", gr.records},
                          {"still_failing", gr.stillFailing},
                          {"not_replayable", gr.notReplayable}}) {
        w.key(k);
        w.integer(static_cast<int64_t>(v));
      }
      w.endObject();
    }
    w.endArray();
    w.key("failures");
    w.beginArray();
    for (const auto& f : r.failures) {
      w.beginObject();
      w.key("dead_letter_id");
      w.integer(f.deadLetterId);
      w.key("stage");
      w.string(f.stage);
      w.key("field");
      w.string(f.field);
      w.key("error");
      w.string(f.error);
      w.endObject();
    }
    w.endArray();
    w.endObject();
    call.sendJson(200, out);
  }

  void audit(HttpCall& call) {
    const auto after = intQuery(call, "after", 0, 0, INT64_MAX);
    const auto limit = static_cast<size_t>(intQuery(call, "limit", 100, 1, 1000000));
    const auto verify = boolQuery(call, "verify").value_or(false);
    std::optional<store::AuditVerification> verification;
    if (verify) verification = s().verifyAudit(call.who());
    const auto entries = s().listAudit(call.who(), after, limit);
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("entries");
    w.beginArray();
    for (const auto& e : entries) {
      w.beginObject();
      w.key("seq");
      w.integer(e.seq);
      writeInstant(w, "at", e.at);
      w.key("actor");
      w.string(e.actor);
      w.key("action");
      w.string(e.action);
      w.key("target");
      w.string(e.target);
      w.key("detail");
      w.raw(e.detail.empty() ? "{}" : e.detail);
      w.key("hash");
      w.string(e.hash);
      w.endObject();
    }
    w.endArray();
    w.key("next");
    w.integer(entries.empty() ? after : entries.back().seq);
    if (verification) {
      w.key("verification");
      w.beginObject();
      w.key("ok");
      w.boolean(verification->ok);
      w.key("entries");
      w.integer(verification->entries);
      if (!verification->ok) {
        w.key("problem");
        w.string(verification->problem);
      }
      w.endObject();
    }
    w.endObject();
    call.sendJson(200, out);
  }

  void clients(HttpCall& call) {
    sendList(call, "clients", s().listClients(call.who()),
             [](JsonWriter& w, const auto& item) { writeClient(w, item); });
  }

  void createClient(HttpCall& call) {
    JsonBody body(call.body);
    body.only({"name", "department", "scopes"});
    const auto name = body.string("name", true);
    const auto department = body.string("department", true);
    const auto scopes = body.strings("scopes", true);
    body.check();
    const auto c = s().createClient(call.who(), name, department, scopes);
    std::string out;
    JsonWriter w(out);
    writeClient(w, c.client, false);
    w.key("secret");
    w.string(c.secret);
    w.key("token");
    w.string(c.token);
    w.endObject();
    call.sendJson(201, out);
  }

  void revokeClient(HttpCall& call) {
    s().revokeClient(call.who(), call.param(0));
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("revoked");
    w.string(call.param(0));
    w.endObject();
    call.sendJson(200, out);
  }

  void healthz(HttpCall& call) { call.sendJson(200, "{\"status\":\"ok\"}"); }

  void readyz(HttpCall& call) {
    if (g.service.ready())
      call.sendJson(200, "{\"status\":\"ready\"}");
    else
      call.sendJson(503, errorBody("unavailable", "the store does not answer"));
  }

  void metrics(HttpCall& call) {
    call.send(200, "text/plain; version=0.0.4; charset=utf-8", g.metrics.render(s().stats(), g.figures()));
  }

  void openapi(HttpCall& call) { call.sendJson(200, openApiDocument()); }
};

}  // namespace

std::vector<Route> makeRoutes(HttpGateway::Impl& g) {
  auto h = std::make_shared<Handlers>(Handlers{g});
  auto bind = [h](void (Handlers::*fn)(HttpCall&)) { return [h, fn](HttpCall& call) { ((*h).*fn)(call); }; };
  const std::vector<std::string> feedQuery = {"after", "limit", "kind", "source", "region", "wait"};
  const std::vector<std::string> subscriptionQuery = {"limit", "kind", "source", "region", "wait"};
  std::vector<Route> routes = {
      {"POST", "/v1/push/{platform}", Access::Client, {}, true, bind(&Handlers::push)},
      {"POST", "/v1/records", Access::Client, {}, true, bind(&Handlers::pushRecords)},
      {"GET", "/v1/records", Access::Client, feedQuery, false, bind(&Handlers::pull)},
      {"GET", "/v1/records/{id}", Access::Client, {}, false, bind(&Handlers::getRecord)},
      {"GET", "/v1/subscriptions/{name}", Access::Client, subscriptionQuery, false, bind(&Handlers::subscriptionGet)},
      {"POST", "/v1/subscriptions/{name}/ack", Access::Client, {}, true, bind(&Handlers::subscriptionAck)},
      {"GET", "/v1/connectors", Access::Client, {}, false, bind(&Handlers::connectors)},
      {"POST", "/v1/connectors/{name}/run", Access::Client, {}, false, bind(&Handlers::runConnector)},
      {"GET", "/v1/mappings", Access::Client, {}, false, bind(&Handlers::mappings)},
      {"GET", "/v1/mappings/{name}", Access::Client, {}, false, bind(&Handlers::mapping)},
      {"PUT", "/v1/mappings/{name}", Access::Client, {}, true, bind(&Handlers::putMapping)},
      {"POST", "/v1/mappings/{name}/test", Access::Client, {}, true, bind(&Handlers::testMapping)},
      {"GET",
       "/v1/deadletters",
       Access::Client,
       {"source", "platform", "resolved", "after", "limit"},
       false,
       bind(&Handlers::deadLetters)},
      {"POST", "/v1/deadletters/replay", Access::Client, {}, true, bind(&Handlers::replay)},
      {"GET", "/v1/audit", Access::Client, {"after", "limit", "verify"}, false, bind(&Handlers::audit)},
      {"GET", "/v1/clients", Access::Client, {}, false, bind(&Handlers::clients)},
      {"POST", "/v1/clients", Access::Client, {}, true, bind(&Handlers::createClient)},
      {"DELETE", "/v1/clients/{key_id}", Access::Client, {}, false, bind(&Handlers::revokeClient)},
      {"GET", "/healthz", Access::Public, {}, false, bind(&Handlers::healthz)},
      {"GET", "/readyz", Access::Public, {}, false, bind(&Handlers::readyz)},
      {"GET", "/metrics", Access::Public, {}, false, bind(&Handlers::metrics)},
      {"GET", "/v1/openapi.json", Access::Public, {}, false, bind(&Handlers::openapi)},
  };
  for (auto& r : makeReviewRoutes(g)) routes.push_back(std::move(r));
  for (auto& r : routes)
    for (const char* prefix : {"/v1/connectors", "/v1/mappings", "/v1/deadletters", "/v1/audit", "/v1/clients"})
      if (r.pattern.rfind(prefix, 0) == 0) r.admin = true;
  return routes;
}

}  // namespace govsync::gateway
