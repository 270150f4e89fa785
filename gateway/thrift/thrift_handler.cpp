#include "gateway/thrift/thrift_handler.h"

#include <iostream>

#include <thrift/TApplicationException.h>

#include "core/record/record_json.h"
#include "core/store/feed_cursor.h"
#include "core/util/crypto.h"
#include "core/util/time.h"
#include "gateway/thrift/exception_table.h"

namespace govsync::gateway {

namespace {

// ---------------------------------------------------------- conversions

schema::RowResult toThrift(const connectors::RowResult& r) {
  schema::RowResult t;
  t.row = static_cast<int32_t>(r.rowNumber);
  switch (r.kind) {
    case connectors::RowResult::Kind::Record:
      t.outcome = schema::RowOutcome::RECORD;
      t.__set_record_id(r.recordId);
      t.__set_version(r.version);
      t.__set_changed(r.changed);
      break;
    case connectors::RowResult::Kind::Skipped: t.outcome = schema::RowOutcome::SKIPPED; break;
    case connectors::RowResult::Kind::DeadLetter:
      t.outcome = schema::RowOutcome::DEAD_LETTER;
      if (r.deadLetterId) t.__set_dead_letter_id(r.deadLetterId);
      t.__set_stage(r.stage);
      if (!r.field.empty()) t.__set_field(r.field);
      if (!r.function.empty()) t.__set_function_name(r.function);
      if (!r.value.empty()) t.__set_value(r.value);
      t.__set_reason(r.error);
      break;
  }
  if (!r.warnings.empty()) t.__set_warnings(r.warnings);
  return t;
}

void toThrift(schema::PushRowsResult& out, const PushRowsResult& r) {
  const auto& s = r.summary;
  out.platform = r.platform;
  out.mapping = r.mapping;
  out.rows = static_cast<int32_t>(s.rows);
  out.records = static_cast<int32_t>(s.records);
  out.changed = static_cast<int32_t>(s.changed);
  out.unchanged = static_cast<int32_t>(s.unchanged);
  out.skipped = static_cast<int32_t>(s.skipped);
  out.dead_letters = static_cast<int32_t>(s.deadLetters);
  out.warnings = static_cast<int32_t>(s.warnings);
  out.cursor = store::encodeCursor(s.headPosition);
  out.results.reserve(r.rows.size());
  for (const auto& row : r.rows) out.results.push_back(toThrift(row));
  out.replayed = r.replayed;
}

/// Records leave the service as their served JSON (masked unless the caller
/// holds `pii`); Thrift callers get the same values as typed records.
void toThrift(schema::FeedPage& out, const PullResult& r, TypedRecordCache& records) {
  out.records.reserve(r.page.entries.size());
  for (const auto& e : r.page.entries) out.records.push_back(*records.get(e, r.served(e), r.pii));
  out.next_cursor = r.next;
  out.head = store::encodeCursor(r.page.head);
}

/// A count or a wait from a client: never negative.
int64_t nonNegative(bool isSet, int32_t value, const char* field) {
  if (!isSet) return 0;
  if (value < 0) throw Error::invalidFields(std::string(field) + " is negative", {{field, "must be 0 or more"}});
  return value;
}

std::string kindOf(bool isSet, schema::RecordKind::type kind) {
  if (!isSet) return "";
  const auto name = schema::kindName(kind);
  if (name.empty()) throw Error::invalidFields("unknown record kind", {{"kind", "CASE, REVIEW or OBSERVATION"}});
  return std::string(name);
}

schema::ReviewStats toThrift(const store::ReviewStats& g) {
  schema::ReviewStats t;
  t.group = g.group;
  t.levels.assign(g.levels.begin(), g.levels.end());
  t.total = g.total;
  t.valid = g.valid;
  t.excluded = g.excluded;
  t.satisfied = g.satisfied;
  t.bad = g.bad;
  t.rectifications_due = g.rectificationsDue;
  t.rectified_on_time = g.rectifiedOnTime;
  t.overdue = g.overdue;
  if (g.valid) t.__set_satisfaction_rate(static_cast<double>(g.satisfied) / static_cast<double>(g.valid));
  if (g.rectificationsDue)
    t.__set_rectification_rate(static_cast<double>(g.rectifiedOnTime) / static_cast<double>(g.rectificationsDue));
  return t;
}

void toThrift(schema::Rectification& t, const store::ReviewRectification& r, int64_t version) {
  t.record_id = r.recordId;
  t.level = r.level;
  t.state = r.state;
  if (r.dueAt) t.__set_due_at(r.dueAt);
  if (r.rectifiedAt) t.__set_rectified_at(r.rectifiedAt);
  if (r.revisitedAt) t.__set_revisited_at(r.revisitedAt);
  t.overdue = reviews::isOpenPastDue(r.state, r.dueAt, nowMillis());
  t.excluded = r.excluded;
  t.note = r.note;
  if (!r.firstRecordId.empty()) t.__set_first_record_id(r.firstRecordId);
  if (!r.reEvaluations.empty()) t.__set_re_evaluations(r.reEvaluations);
  if (version) t.__set_version(version);
  t.allowed_next = reviews::allowedNextStates(r.state);
  for (const auto& s : r.steps) {
    schema::RectificationStep step;
    step.seq = s.seq;
    step.from_state = s.from;
    step.to_state = s.to;
    step.actor = s.actor;
    step.at = s.at;
    step.note = s.note;
    if (!s.reason.empty()) step.__set_reason(s.reason);
    t.steps.push_back(std::move(step));
  }
}

/// The page, filter and wait of a pull or subscription request (the two
/// share these fields in both the IDL and the service).
template <class ServiceRequest, class ThriftRequest>
void readPageRequest(ServiceRequest& req, const ThriftRequest& t, const std::atomic<bool>* cancel) {
  req.limit = static_cast<size_t>(nonNegative(t.__isset.limit, t.limit, "limit"));
  req.kind = kindOf(t.__isset.kind, t.kind);
  if (t.__isset.source) req.source = t.source;
  if (t.__isset.region) req.region = t.region;
  req.waitSeconds = nonNegative(t.__isset.wait_seconds, t.wait_seconds, "wait_seconds");
  req.cancel = cancel;
}

/// A Thrift credential in the form both fronts authenticate.
Credentials claimedBy(const schema::Credential& c) {
  Credentials cr;
  if (c.__isset.token) cr.authorization = "Bearer " + c.token;
  if (c.__isset.key_id) cr.keyId = c.key_id;
  if (c.__isset.timestamp) cr.timestamp = std::to_string(c.timestamp);
  if (c.__isset.nonce) cr.nonce = c.nonce;
  if (c.__isset.signature) cr.signature = c.signature;
  return cr;
}

}  // namespace

// ---------------------------------------------------------------- calls

Principal ThriftHandler::authenticate(const char* method, const schema::Credential& c, std::string_view payload) {
  const Credentials cr = claimedBy(c);
  switch (cr.form()) {
    case Credentials::Form::None: throw Error(ErrorCode::Unauthenticated, "no credentials");
    case Credentials::Form::Bearer: return s_.auth.authenticateBearer(cr);
    case Credentials::Form::Signature: return s_.auth.authenticateSignature(cr, "THRIFT", method, sha256Hex(payload));
  }
  throw Error(ErrorCode::Unauthenticated, "no credentials");
}

template <class Body>
void ThriftHandler::call(const char* method, const schema::Credential& credential, std::string_view payload,
                         Body&& body) {
  ++s_.calls;
  const std::string target = std::string("thrift/") + method;
  int64_t retry = 0;
  try {
    if (!s_.failureLimiter.allow(remote_, retry, false)) {
      s_.service.recordRefusal(claimedBy(credential).unverifiedActor(), target, "too many failed authentications",
                               remote_);
      throw Error(ErrorCode::RateLimited, "too many failed authentications from this address; retry later");
    }
    Principal who;
    try {
      who = authenticate(method, credential, payload);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Unauthenticated) throw;
      int64_t ignored = 0;
      s_.failureLimiter.allow(remote_, ignored, true);
      s_.service.recordRefusal(claimedBy(credential).unverifiedActor(), target, e.what(), remote_);
      throw;
    }
    if (!s_.service.auditFault().empty()) {
      retry = 30;
      s_.service.requireAuditable();
    }
    if (!s_.clientLimiter.allow(who.keyId, retry)) {
      s_.service.recordRefusal(who.name, target, "rate limit", remote_);
      throw Error(ErrorCode::RateLimited, "too many requests; retry after " + std::to_string(retry) + " s");
    }
    body(who);
  } catch (const Error& e) {
    ++s_.failedCalls;
    if (isServerSide(e))
      std::cerr << "govsync thrift: " << method << " failed (" << errorCodeName(e.code()) << "): " << e.what()
                << std::endl;
    throwThriftException(e, retry);
  } catch (const apache::thrift::TException&) {
    ++s_.failedCalls;
    throw;  // our own typed exceptions, already mapped
  } catch (const std::exception& e) {
    ++s_.failedCalls;
    std::cerr << "govsync thrift: " << method << " failed: " << e.what() << std::endl;
    throw apache::thrift::TApplicationException(apache::thrift::TApplicationException::INTERNAL_ERROR,
                                                "internal error; the server log has the details");
  }
}

void ThriftHandler::pushRows(schema::PushRowsResult& out, const schema::Credential& credential,
                             const schema::PushRowsRequest& request) {
  call("pushRows", credential, request.body, [&](const Principal& who) {
    PushRowsRequest req;
    req.platform = request.platform;
    req.body = request.body;
    if (request.__isset.charset) req.charset = request.charset;
    if (request.__isset.idempotency_key) req.idempotencyKey = request.idempotency_key;
    toThrift(out, s_.service.pushRows(who, req));
  });
}

void ThriftHandler::pushRecords(schema::PushRecordsResult& out, const schema::Credential& credential,
                                const std::vector<schema::Record>& records) {
  call("pushRecords", credential, {}, [&](const Principal& who) {
    auto result = s_.service.pushRecords(who, records);
    out.outcomes.reserve(result.outcomes.size());
    for (const auto& o : result.outcomes) {
      schema::RecordOutcome t;
      t.record_id = o.recordId;
      t.version = o.version;
      t.changed = o.changed;
      out.outcomes.push_back(std::move(t));
    }
    out.cursor = store::encodeCursor(result.headPosition);
  });
}

void ThriftHandler::pull(schema::FeedPage& out, const schema::Credential& credential,
                         const schema::PullRequest& request) {
  call("pull", credential, {}, [&](const Principal& who) {
    PullRequest req;
    if (request.__isset.after) req.after = request.after;
    readPageRequest(req, request, &s_.stopping);
    toThrift(out, s_.service.pull(who, req), s_.records);
  });
}

void ThriftHandler::getRecord(schema::Record& out, const schema::Credential& credential, const std::string& recordId) {
  call("getRecord", credential, {},
       [&](const Principal& who) { out = recordFromJsonText(s_.service.getRecord(who, recordId).json); });
}

void ThriftHandler::subscriptionGet(schema::FeedPage& out, const schema::Credential& credential,
                                    const schema::SubscriptionRequest& request) {
  call("subscriptionGet", credential, {}, [&](const Principal& who) {
    SubscriptionRequest req;
    req.name = request.name;
    readPageRequest(req, request, &s_.stopping);
    toThrift(out, s_.service.subscriptionGet(who, req), s_.records);
  });
}

void ThriftHandler::subscriptionAck(schema::SubscriptionState& out, const schema::Credential& credential,
                                    const std::string& name, const std::string& cursor) {
  call("subscriptionAck", credential, {}, [&](const Principal& who) {
    auto state = s_.service.subscriptionAck(who, name, cursor);
    out.name = state.name;
    out.cursor = state.cursor;
    out.updated_at = state.updatedAt;
  });
}

void ThriftHandler::reviewFeed(schema::ReviewFeedPage& out, const schema::Credential& credential,
                               const schema::ReviewFeedRequest& request) {
  call("reviewFeed", credential, {}, [&](const Principal& who) {
    ReviewFeedRequest req;
    if (request.__isset.after) req.after = request.after;
    req.limit = static_cast<size_t>(nonNegative(request.__isset.limit, request.limit, "limit"));
    if (request.__isset.levels) req.levels.insert(request.levels.begin(), request.levels.end());
    if (request.__isset.department) req.department = request.department;
    if (request.__isset.window_id) req.window = request.window_id;
    req.waitSeconds = nonNegative(request.__isset.wait_seconds, request.wait_seconds, "wait_seconds");
    req.cancel = &s_.stopping;
    const auto r = s_.service.reviewFeed(who, req);
    out.reviews.reserve(r.page.entries.size());
    for (size_t i = 0; i < r.page.entries.size(); ++i) {
      schema::ReviewItem item;
      item.record = *s_.records.get(r.page.entries[i], r.served(r.page.entries[i]), r.pii);
      item.overdue = r.overdue[i];
      if (!r.firstRecordIds[i].empty()) item.__set_first_record_id(r.firstRecordIds[i]);
      out.reviews.push_back(std::move(item));
    }
    out.next_cursor = r.next;
    out.head = store::encodeCursor(r.page.head);
  });
}

void ThriftHandler::reviewStats(schema::ReviewStatsResult& out, const schema::Credential& credential,
                                const schema::ReviewStatsRequest& request) {
  call("reviewStats", credential, {}, [&](const Principal& who) {
    ReviewStatsRequest req;
    if (request.__isset.group_by) req.groupBy = request.group_by;
    if (request.__isset.from_time) req.from = request.from_time;
    if (request.__isset.to_time) req.to = request.to_time;
    if (request.__isset.month) req.month = request.month;
    const auto r = s_.service.reviewStats(who, req);
    out.group_by = r.groupBy;
    if (r.from) out.__set_from_time(*r.from);
    if (r.to) out.__set_to_time(*r.to);
    out.at = r.at;
    for (const auto& g : r.groups) out.groups.push_back(toThrift(g));
    out.total = toThrift(r.total);
  });
}

void ThriftHandler::getRectification(schema::Rectification& out, const schema::Credential& credential,
                                     const std::string& recordId) {
  call("getRectification", credential, {},
       [&](const Principal& who) { toThrift(out, s_.service.getRectification(who, recordId), 0); });
}

void ThriftHandler::rectify(schema::Rectification& out, const schema::Credential& credential,
                            const schema::RectifyRequest& request) {
  call("rectify", credential, {}, [&](const Principal& who) {
    RectifyRequest req;
    req.recordId = request.record_id;
    req.state = std::string(reviews::rectifyStateName(request.state));
    if (request.__isset.note) req.note = request.note;
    if (request.__isset.reason) req.reason = request.reason;
    const auto r = s_.service.rectify(who, req);
    toThrift(out, r.rectification, r.outcome.version);
  });
}

}  // namespace govsync::gateway
