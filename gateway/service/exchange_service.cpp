#include "gateway/service/exchange_service.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <Poco/JSON/Parser.h>

#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/rows/row_readers.h"
#include "core/store/feed_cursor.h"
#include "core/store/sql_store.h"
#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"
#include "mappings/engine/domain/charset.h"

namespace govsync::gateway {

using connectors::RowResult;
using schema::RecordKind;

namespace {

std::string notFoundPlatform(const std::string& platform) { return "no platform named '" + platform + "'"; }

// A byte offset for messages about invalid UTF-8.
size_t firstInvalidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size() || !isValidUtf8(s.substr(i, n))) return i;
    i += n;
  }
  return s.size();
}

void writeRowResult(JsonWriter& w, const RowResult& r) {
  w.beginObject();
  w.key("row");
  w.integer(r.rowNumber);
  w.key("outcome");
  switch (r.kind) {
    case RowResult::Kind::Record:
      w.string("record");
      w.key("record_id");
      w.string(r.recordId);
      w.key("version");
      w.integer(r.version);
      w.key("changed");
      w.boolean(r.changed);
      break;
    case RowResult::Kind::Skipped: w.string("skipped"); break;
    case RowResult::Kind::DeadLetter:
      w.string("dead_letter");
      if (r.deadLetterId) {
        w.key("dead_letter_id");
        w.integer(r.deadLetterId);
      }
      w.key("stage");
      w.string(r.stage);
      for (auto [k, v] : {std::pair{"field", &r.field}, {"function", &r.function}, {"value", &r.value}})
        if (!v->empty()) {
          w.key(k);
          w.string(*v);
        }
      w.key("error");
      w.string(r.error);
      break;
  }
  if (!r.warnings.empty()) {
    w.key("warnings");
    w.beginArray();
    for (const auto& s : r.warnings) w.string(s);
    w.endArray();
  }
  w.endObject();
}

Poco::Dynamic::Var parseJson(std::string_view text) {
  Poco::JSON::Parser parser;
  parser.setDepth(kMaxJsonDepth);
  try {
    return parser.parse(std::string(text));
  } catch (const Poco::Exception& e) {
    throw Error::invalid("the body is not valid JSON: " + e.message());
  } catch (const std::exception& e) {
    throw Error::invalid(std::string("the body is not valid JSON: ") + e.what());
  }
}

std::string str(const Poco::JSON::Object& o, const std::string& key) {
  return o.has(key) ? o.getValue<std::string>(key) : std::string();
}
int64_t num(const Poco::JSON::Object& o, const std::string& key) { return o.has(key) ? o.getValue<int64_t>(key) : 0; }

}  // namespace

// --------------------------------------------------------------- JSON forms

std::string pushRowsResultToJson(const PushRowsResult& r) {
  std::string out;
  JsonWriter w(out);
  const auto& s = r.summary;
  w.beginObject();
  w.key("platform");
  w.string(r.platform);
  w.key("mapping");
  w.string(r.mapping);
  for (auto [k, v] : {std::pair{"rows", s.rows},
                      {"records", s.records},
                      {"changed", s.changed},
                      {"unchanged", s.unchanged},
                      {"skipped", s.skipped},
                      {"dead_letters", s.deadLetters},
                      {"warnings", s.warnings}}) {
    w.key(k);
    w.integer(static_cast<int64_t>(v));
  }
  w.key("cursor");
  w.string(store::encodeCursor(s.headPosition));
  w.key("results");
  w.raw(rowResultsToJson(r.rows));
  w.endObject();
  return out;
}

std::string rowResultsToJson(const std::vector<RowResult>& rows) {
  std::string out;
  JsonWriter w(out);
  w.beginArray();
  for (const auto& row : rows) writeRowResult(w, row);
  w.endArray();
  return out;
}

PushRowsResult pushRowsResultFromJson(std::string_view json) {
  PushRowsResult r;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    r.platform = str(*o, "platform");
    r.mapping = str(*o, "mapping");
    auto& s = r.summary;
    s.rows = static_cast<size_t>(num(*o, "rows"));
    s.records = static_cast<size_t>(num(*o, "records"));
    s.changed = static_cast<size_t>(num(*o, "changed"));
    s.unchanged = static_cast<size_t>(num(*o, "unchanged"));
    s.skipped = static_cast<size_t>(num(*o, "skipped"));
    s.deadLetters = static_cast<size_t>(num(*o, "dead_letters"));
    s.warnings = static_cast<size_t>(num(*o, "warnings"));
    s.headPosition = store::decodeCursor(str(*o, "cursor"));
    auto results = o->getArray("results");
    for (size_t i = 0; results && i < results->size(); ++i) {
      auto e = results->getObject(static_cast<unsigned>(i));
      RowResult row;
      row.rowNumber = static_cast<uint32_t>(num(*e, "row"));
      const auto outcome = str(*e, "outcome");
      row.kind = outcome == "record"    ? RowResult::Kind::Record
                 : outcome == "skipped" ? RowResult::Kind::Skipped
                                        : RowResult::Kind::DeadLetter;
      row.recordId = str(*e, "record_id");
      row.version = num(*e, "version");
      row.changed = e->has("changed") && e->getValue<bool>("changed");
      row.deadLetterId = num(*e, "dead_letter_id");
      row.stage = str(*e, "stage");
      row.field = str(*e, "field");
      row.function = str(*e, "function");
      row.value = str(*e, "value");
      row.error = str(*e, "error");
      if (auto warnings = e->getArray("warnings"))
        for (size_t k = 0; k < warnings->size(); ++k)
          row.warnings.push_back(warnings->getElement<std::string>(static_cast<unsigned>(k)));
      r.rows.push_back(std::move(row));
    }
  } catch (const Poco::Exception& e) {
    throw Error::corrupt("a stored idempotent answer is not readable: " + e.displayText());
  }
  return r;
}

std::vector<schema::Record> recordsFromJson(std::string_view json) {
  auto parsed = parseJson(json);
  Poco::JSON::Array::Ptr array;
  if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) {
    array = parsed.extract<Poco::JSON::Array::Ptr>();
  } else if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto obj = parsed.extract<Poco::JSON::Object::Ptr>();
    if (obj->has("records") && obj->isArray("records")) array = obj->getArray("records");
  }
  if (!array) throw Error::invalid("expected a JSON array of records, or {\"records\": [...]}");
  if (array->size() == 0) throw Error::invalid("no records: the array is empty");
  std::vector<schema::Record> out;
  std::vector<FieldIssue> issues;
  for (unsigned i = 0; i < array->size(); ++i) {
    const std::string prefix = "records[" + std::to_string(i) + "]";
    if (!array->isObject(i)) {
      issues.push_back({prefix, "must be a JSON object"});
      continue;
    }
    try {
      out.push_back(recordFromJson(*array->getObject(i)));
    } catch (const Error& e) {
      if (e.issues().empty()) issues.push_back({prefix, e.what()});
      for (const auto& issue : e.issues()) issues.push_back({prefix + "." + issue.field, issue.message});
    }
  }
  if (!issues.empty()) throw Error::invalidFields("the records do not match the schema", std::move(issues));
  return out;
}

// ------------------------------------------------------------------ service

ExchangeService::ExchangeService(store::Store& store, mapping::MappingSet& mappings, connectors::SyncEngine* engine,
                                 const MasterKey& masterKey, ServiceOptions options)
    : store_(store), mappings_(mappings), engine_(engine), masterKey_(masterKey), options_(options), audit_(store) {}

ExchangeService::~ExchangeService() {
  stop();
  audit_.stop();
}

void ExchangeService::stop() { stopping_ = true; }

void ExchangeService::audit(const Principal& who, const std::string& action, const std::string& target,
                            std::string detail, bool wait) {
  store::AuditEntry e;
  e.actor = who.name;
  e.action = action;
  e.target = target;
  e.detail = std::move(detail);
  if (wait)
    audit_.append(std::move(e));
  else
    audit_.enqueue(std::move(e));
}

void ExchangeService::recordRefusal(const std::string& actor, const std::string& target, const std::string& reason,
                                    const std::string& remote) {
  store::AuditEntry e;
  e.actor = actor.empty() ? "anonymous" : actor;
  e.action = "refused";
  e.target = target;
  JsonWriter w(e.detail);
  w.beginObject();
  w.key("reason");
  w.string(reason);
  if (!remote.empty()) {
    w.key("remote");
    w.string(remote);
  }
  w.endObject();
  audit_.post(std::move(e));
}

void ExchangeService::requireAdmin(const Principal& who, const std::string& what) {
  if (who.isAdmin()) return;
  recordRefusal(who.name, what, "no admin scope", "");
  throw Error::notFound("not found");
}

std::string ExchangeService::auditFault() const {
  {
    std::lock_guard lock(auditCheckMutex_);
    if (!auditCheckProblem_.empty()) return auditCheckProblem_;
  }
  return audit_.lastFailure();
}

void ExchangeService::checkAudit(const std::string& anchorProblem) {
  std::string problem = anchorProblem;
  if (problem.empty()) {
    try {
      store_.checkAuditAppendable();
    } catch (const std::exception& e) {
      problem = e.what();
    }
  }
  std::string before;
  {
    std::lock_guard lock(auditCheckMutex_);
    before = auditCheckProblem_;
    auditCheckProblem_ = problem;
  }
  if (problem.empty()) {
    audit_.clearFailure();
    if (!before.empty()) std::cerr << "govsync: the audit log can be written again; serving" << std::endl;
  } else if (problem != before) {
    std::cerr << "govsync: the audit log cannot be written, so requests are refused until it can: " << problem
              << std::endl;
  }
}

void ExchangeService::requireAuditable() const {
  if (!auditFault().empty())
    throw Error::unavailable("the audit log cannot be written now; nothing is served until it can (retry later)");
}

bool ExchangeService::ready() {
  if (!auditFault().empty()) return false;
  try {
    store_.headPosition();
    return true;
  } catch (...) {
    return false;
  }
}

ServiceStats ExchangeService::stats() {
  ServiceStats s;
  try {
    s.feedHead = store_.headPosition();
  } catch (...) {
    s.feedHead = store_.notifier().head();
  }
  s.recordsPushed = recordsPushed_;
  s.rowsPushed = rowsPushed_;
  s.deadLettersPushed = deadLettersPushed_;
  s.recordsPulled = recordsPulled_;
  s.auditDropped = audit_.dropped();
  if (engine_) s.connectors = engine_->status();
  std::lock_guard lock(counterSourcesMutex_);
  for (const auto& [id, source] : counterSources_)
    for (auto& c : source()) s.frontCounters.push_back(std::move(c));
  return s;
}

int ExchangeService::addCounterSource(CounterSource source) {
  std::lock_guard lock(counterSourcesMutex_);
  counterSources_.emplace(++nextCounterSource_, std::move(source));
  return nextCounterSource_;
}

void ExchangeService::removeCounterSource(int id) {
  std::lock_guard lock(counterSourcesMutex_);
  counterSources_.erase(id);
}

// --------------------------------------------------------------------- push

PushRowsResult ExchangeService::pushRows(const Principal& who, const PushRowsRequest& req) {
  if (!who.canPush(req.platform)) {
    recordRefusal(who.name, "push/" + req.platform, "no push scope for the platform", "");
    throw Error::notFound(notFoundPlatform(req.platform));
  }
  auto compiled = mappings_.get(req.platform);
  if (!compiled) throw Error::notFound(notFoundPlatform(req.platform));
  if (req.idempotencyKey.empty()) return ingestRows(who, req, compiled);

  const auto& key = req.idempotencyKey;
  if (key.size() > 200 || std::any_of(key.begin(), key.end(), [](char c) { return c < '!' || c > '~'; }))
    throw Error::invalid("an idempotency key is 1 to 200 printable ASCII characters");
  const std::string requestHash = sha256Hex(req.platform + "\n" + req.charset + "\n" + std::string(req.body));
  auto sameRequestOrConflict = [&](const store::IdempotentAnswer& a) {
    if (a.requestHash != requestHash)
      throw Error::conflict("the idempotency key '" + key + "' was already used for a different request");
    auto first = pushRowsResultFromJson(a.body);
    first.replayed = true;
    return first;
  };
  if (auto earlier = store_.findIdempotent(who.keyId, key)) return sameRequestOrConflict(*earlier);
  const std::string flight = who.keyId + "\n" + key;
  {
    std::lock_guard lock(inFlightMutex_);
    if (!inFlightKeys_.insert(flight).second)
      throw Error::conflict("a request with the idempotency key '" + key + "' is still being answered; retry");
  }
  struct Release {
    ExchangeService& s;
    const std::string& k;
    ~Release() {
      std::lock_guard lock(s.inFlightMutex_);
      s.inFlightKeys_.erase(k);
    }
  } release{*this, flight};
  if (auto earlier = store_.findIdempotent(who.keyId, key)) return sameRequestOrConflict(*earlier);
  auto result = ingestRows(who, req, compiled);
  store::IdempotentAnswer answer{requestHash, 200, pushRowsResultToJson(result), nowMillis()};
  store_.saveIdempotent(who.keyId, key, answer, nowMillis() - options_.idempotencyTtlSeconds * 1000);
  return result;
}

PushRowsResult ExchangeService::ingestRows(const Principal& who, const PushRowsRequest& req,
                                           std::shared_ptr<const mapping::CompiledMapping> compiled) {
  std::string_view text = req.body;
  std::string decoded;
  const auto charset =
      req.charset.empty() ? std::optional(mapping::Charset::Utf8) : mapping::charsetFromName(req.charset);
  if (!charset)
    throw Error::invalid("unsupported charset '" + req.charset.substr(0, 40) + "' (UTF-8, GBK, GB2312 or GB18030)");
  if (*charset != mapping::Charset::Utf8) {
    mapping::CharsetDecoder decoder(*charset);
    std::string error;
    if (!decoder.decode(text, decoded, error))
      throw Error::invalid("the body is not valid " + std::string(mapping::charsetName(*charset)) + ": " + error);
    text = decoded;
  } else if (!isValidUtf8(text)) {
    throw Error::invalid("the body is not valid UTF-8 (first bad byte at offset " +
                         std::to_string(firstInvalidUtf8(text)) + "); send UTF-8 or name the charset in Content-Type");
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw Error::invalid("no rows: the body is empty (send a JSON array of objects or NDJSON)");

  RowBatch rows;
  auto readErrors = readJsonRows(text, rows, kMaxJsonDepth);
  if (rows.size() == 0) {
    if (readErrors.empty()) throw Error::invalid("no rows: the body holds no JSON objects");
    throw Error::invalid("no row could be read: " + readErrors.front().message);
  }
  connectors::Ingestor ingestor(store_, compiled, "push:" + who.name);
  connectors::IngestRequest ir;
  ir.rows = &rows;
  ir.readErrors = &readErrors;
  ir.readStage = "decode";
  ir.defaultDepartment = who.department;
  PushRowsResult result;
  result.platform = req.platform;
  result.mapping = compiled->versionTag();
  result.summary = ingestor.ingest(ir, &result.rows);
  const auto& s = result.summary;
  recordsPushed_ += s.records;
  rowsPushed_ += s.rows;
  deadLettersPushed_ += s.deadLetters;

  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("mapping");
  w.string(result.mapping);
  for (auto [k, v] : {std::pair{"rows", s.rows},
                      {"records", s.records},
                      {"changed", s.changed},
                      {"skipped", s.skipped},
                      {"dead_letters", s.deadLetters}}) {
    w.key(k);
    w.integer(static_cast<int64_t>(v));
  }
  w.key("bytes");
  w.integer(static_cast<int64_t>(req.body.size()));
  if (!req.idempotencyKey.empty()) {
    w.key("idempotency_key");
    w.string(req.idempotencyKey);
  }
  w.key("head");
  w.integer(s.headPosition);
  w.endObject();
  audit(who, "push", req.platform, std::move(detail));
  return result;
}

PushRecordsResult ExchangeService::pushRecords(const Principal& who, std::vector<schema::Record> records) {
  if (records.empty()) throw Error::invalid("no records");
  for (const auto& r : records) {
    if (!who.canPush(r.envelope.source_system)) {
      recordRefusal(who.name, "push/" + r.envelope.source_system, "no push scope for the source system", "");
      throw Error::notFound(notFoundPlatform(r.envelope.source_system));
    }
  }
  std::vector<FieldIssue> issues;
  for (size_t i = 0; i < records.size(); ++i) {
    auto& r = records[i];
    const std::string prefix = "records[" + std::to_string(i) + "].";
    auto& e = r.envelope;
    if (e.department.empty()) {
      e.department = who.department;
      e.__isset.department = true;
    } else if (e.department != who.department && !who.isAdmin()) {
      issues.push_back({prefix + "department", "must be your own department '" + who.department + "'"});
    }
    if (e.mapping.empty()) {
      e.mapping = "push:" + who.name;
      e.__isset.mapping = true;
    }
    try {
      normalizeRecord(r);
      validateRecord(r);
    } catch (const Error& err) {
      if (err.issues().empty()) issues.push_back({prefix.substr(0, prefix.size() - 1), err.what()});
      for (const auto& issue : err.issues()) issues.push_back({prefix + issue.field, issue.message});
    }
  }
  if (!issues.empty()) throw Error::invalidFields("the records do not match the schema", std::move(issues));
  store::CommitBatch batch;
  batch.records = std::move(records);
  const auto committed = store_.commit(batch);
  PushRecordsResult result{committed.outcomes, committed.headPosition};
  size_t changed = 0;
  for (const auto& o : result.outcomes) changed += o.changed ? 1 : 0;
  recordsPushed_ += result.outcomes.size();
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("records");
  w.integer(static_cast<int64_t>(result.outcomes.size()));
  w.key("changed");
  w.integer(static_cast<int64_t>(changed));
  w.key("head");
  w.integer(result.headPosition);
  w.endObject();
  audit(who, "push.records", "records", std::move(detail));
  return result;
}

// --------------------------------------------------------------------- pull

}  // namespace govsync::gateway
