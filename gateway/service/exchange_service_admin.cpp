// ExchangeService: the administration operations (connectors, mappings,
// dead letters, audit, clients). Every one requires the admin scope and is audited.
#include <Poco/JSON/Parser.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include "core/record/masking.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/rows/row_readers.h"
#include "core/store/feed_cursor.h"
#include "core/store/sql_store.h"
#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"
#include "gateway/service/exchange_service.h"
#include "mappings/engine/domain/charset.h"

namespace govsync::gateway {

using connectors::RowResult;

// -------------------------------------------------------------------- admin

std::vector<connectors::ConnectorStatus> ExchangeService::listConnectors(const Principal& who) {
  requireAdmin(who, "connectors");
  audit(who, "admin.connectors.list", "connectors", "{}");
  return engine_ ? engine_->status() : std::vector<connectors::ConnectorStatus>{};
}

void ExchangeService::runConnector(const Principal& who, const std::string& name) {
  requireAdmin(who, "connectors/" + name);
  if (!engine_ || !engine_->trigger(name)) throw Error::notFound("no connector named '" + name.substr(0, 100) + "'");
  audit(who, "admin.connector.run", name, "{}");
}

std::vector<mapping::MappingStatus> ExchangeService::listMappings(const Principal& who) {
  requireAdmin(who, "mappings");
  audit(who, "admin.mappings.list", "mappings", "{}");
  return mappings_.status();
}

MappingDetail ExchangeService::getMapping(const Principal& who, const std::string& name) {
  requireAdmin(who, "mappings/" + name);
  auto status = mapping::isValidMappingName(name) ? mappings_.status(name) : std::nullopt;
  if (!status) throw Error::notFound("no mapping named '" + name.substr(0, 100) + "'");
  audit(who, "admin.mapping.get", name, "{}");
  return {*status, mappings_.source(name)};
}

namespace {
// Stands in for a value the caller may not see, in messages that quote it.
constexpr std::string_view kRedacted = "***";

/// A dead letter's reason as a caller without `pii` reads it: the offending
/// value, wherever quoted (whole or cut short), and whatever else it quotes
/// in '…' (a row that could not be read has no known value, yet its reason
/// quotes the row) become ***.
std::string withoutRowContent(const std::string& reason, const std::string& value) {
  return redactQuoted(redactValue(reason, value, kRedacted), kRedacted);
}

/// Every compiler problem as a field issue named by file name, line and
/// column — the file name only: the server's folders are no business of a
/// client's.
Error compileFailure(const std::string& name, const mapping::MappingCompileError& e) {
  std::vector<FieldIssue> issues;
  for (const auto& p : e.problems())
    issues.push_back({std::filesystem::path(p.file).filename().string() + ":" + std::to_string(p.line) + ":" +
                          std::to_string(p.column),
                      p.message + (p.hint.empty() ? "" : " (hint: " + p.hint + ")")});
  const size_t count = issues.size();  // before the move below
  return Error::invalidFields("mapping '" + name + "' does not compile (" + std::to_string(count) + " problem" +
                                  (count == 1 ? "" : "s") + "); nothing was changed",
                              std::move(issues));
}
}  // namespace

mapping::MappingStatus ExchangeService::putMapping(const Principal& who, const std::string& name,
                                                   const std::string& text) {
  requireAdmin(who, "mappings/" + name);
  if (!mapping::isValidMappingName(name))
    throw Error::invalid("a mapping name is letters, digits, '_' and '-' (it names the file)");
  if (!isValidUtf8(text)) throw Error::invalid("a mapping file is UTF-8 text");
  std::shared_ptr<const mapping::CompiledMapping> compiled;
  try {
    compiled = mappings_.install(name, text);
  } catch (const mapping::MappingCompileError& e) {
    std::string detail;
    JsonWriter w(detail);
    w.beginObject();
    w.key("rejected");
    w.integer(static_cast<int64_t>(e.problems().size()));
    w.endObject();
    audit(who, "admin.mapping.put", name, std::move(detail));
    throw compileFailure(name, e);
  }
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("version");
  w.string(compiled->version);
  w.endObject();
  audit(who, "admin.mapping.put", name, std::move(detail));
  auto status = mappings_.status(name);
  if (!status) throw Error::internal("mapping '" + name + "' was installed but is not in the set");
  return *status;
}

MappingTestResult ExchangeService::testMapping(const Principal& who, const MappingTestRequest& req) {
  requireAdmin(who, "mappings/" + req.name);
  if (!mapping::isValidMappingName(req.name))
    throw Error::invalid("a mapping name is letters, digits, '_' and '-' (it names the file)");
  std::shared_ptr<const mapping::CompiledMapping> compiled;
  if (req.mappingText.empty()) {
    compiled = mappings_.get(req.name);
    if (!compiled) throw Error::notFound("no mapping named '" + req.name + "'");
  } else {
    try {
      compiled = mappings_.compile(req.name, req.mappingText);
    } catch (const mapping::MappingCompileError& e) {
      throw compileFailure(req.name, e);
    }
  }
  if (req.rowsJson.empty() == req.csv.empty())
    throw Error::invalidFields("give sample rows", {{"rows", "either rows (JSON objects) or csv (text)"}});
  RowBatch rows;
  std::vector<RowError> readErrors;
  if (!req.csv.empty()) {
    DelimitedOptions o;
    o.delimiter = req.delimiter;
    readErrors = readDelimitedRows(req.csv, o, rows);
  } else {
    readErrors = readJsonRows(req.rowsJson, rows, kMaxJsonDepth);
  }
  if (rows.size() > 10000) throw Error(ErrorCode::TooLarge, "a dry run takes at most 10000 rows");
  MappingTestResult result;
  result.mapping = compiled->versionTag();
  for (const auto& e : readErrors) {
    RowResult r;
    r.rowNumber = static_cast<uint32_t>(e.rowNumber);
    r.kind = RowResult::Kind::DeadLetter;
    r.stage = "decode";
    r.error = e.message;
    result.outcomes.push_back(std::move(r));
  }
  mapping::MappingRunner runner(compiled);
  mapping::RowOutcome out;
  for (size_t i = 0; i < rows.size(); ++i) {
    runner.map(rows, i, out);
    RowResult r;
    r.rowNumber = rows.row(i).number;
    r.warnings = out.warnings;
    switch (out.kind) {
      case mapping::RowOutcome::Kind::Record:
        r.recordId = out.record.envelope.record_id;
        result.records.push_back(recordToJson(out.record, !who.pii()));
        break;
      case mapping::RowOutcome::Kind::Skipped: r.kind = RowResult::Kind::Skipped; break;
      case mapping::RowOutcome::Kind::DeadLetter:
        r.kind = RowResult::Kind::DeadLetter;
        r.stage = out.stage;
        r.field = out.field;
        r.function = out.function;
        r.value = who.pii() ? out.value : std::string();
        r.error = who.pii() ? out.error : withoutRowContent(out.error, out.value);
        break;
    }
    result.outcomes.push_back(std::move(r));
  }
  result.rows = result.outcomes.size();
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("mapping");
  w.string(result.mapping);
  w.key("rows");
  w.integer(static_cast<int64_t>(result.rows));
  w.key("records");
  w.integer(static_cast<int64_t>(result.records.size()));
  w.key("posted_mapping");
  w.boolean(!req.mappingText.empty());
  w.endObject();
  audit(who, "admin.mapping.test", req.name, std::move(detail));
  return result;
}

std::vector<store::DeadLetter> ExchangeService::listDeadLetters(const Principal& who,
                                                                const DeadLetterListRequest& req) {
  requireAdmin(who, "deadletters");
  store::DeadLetterQuery q;
  q.source = req.source;
  q.platform = req.platform;
  q.resolved = req.resolved;
  q.afterId = req.afterId;
  q.limit = std::clamp<size_t>(req.limit, 1, options_.maxDeadLetterPage);
  auto list = store_.listDeadLetters(q);
  for (auto& d : list) {
    d.cells.clear();
    if (!who.pii()) {  // the raw row and the offending value may be personal data
      d.error = withoutRowContent(d.error, d.value);
      d.raw.clear();
      d.value.clear();
    }
  }
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("returned");
  w.integer(static_cast<int64_t>(list.size()));
  w.key("after");
  w.integer(req.afterId);
  w.endObject();
  audit(who, "admin.deadletters.list", req.source.empty() ? "deadletters" : req.source, std::move(detail));
  return list;
}

ReplayReport ExchangeService::replayDeadLetters(const Principal& who, const ReplayOptions& options) {
  requireAdmin(who, "deadletters/replay");
  auto report = gateway::replayDeadLetters(store_, mappings_, options);
  for (auto& f : report.failures) {
    if (!who.pii()) f.error = withoutRowContent(f.error, f.value);  // as in the dead-letter list
    f.value.clear();
  }
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("resolved");
  w.integer(static_cast<int64_t>(report.resolved));
  w.key("still_failing");
  w.integer(static_cast<int64_t>(report.stillFailing));
  w.key("not_replayable");
  w.integer(static_cast<int64_t>(report.notReplayable));
  w.endObject();
  audit(who, "admin.deadletters.replay", options.source.empty() ? "deadletters" : options.source, std::move(detail));
  return report;
}

std::vector<store::AuditEntry> ExchangeService::listAudit(const Principal& who, int64_t afterSeq, size_t limit) {
  requireAdmin(who, "audit");
  audit(who, "admin.audit.list", "audit", "{}");
  audit_.flush();
  return store_.listAudit(afterSeq, std::clamp<size_t>(limit, 1, options_.maxAuditPage));
}

store::AuditVerification ExchangeService::verifyAudit(const Principal& who) {
  requireAdmin(who, "audit");
  audit(who, "admin.audit.verify", "audit", "{}");
  return store_.verifyAudit();
}

namespace {
ClientView viewOf(const store::ApiClient& c) {
  return {c.keyId, c.name, c.department, c.scopes, c.createdAt, c.revokedAt};
}
}  // namespace

std::vector<ClientView> ExchangeService::listClients(const Principal& who) {
  requireAdmin(who, "clients");
  audit(who, "admin.clients.list", "clients", "{}");
  std::vector<ClientView> out;
  for (const auto& c : store_.listClients()) out.push_back(viewOf(c));
  return out;
}

CreatedClient ExchangeService::createClient(const Principal& who, const std::string& name,
                                            const std::string& department, const std::vector<std::string>& scopes) {
  requireAdmin(who, "clients");
  auto made = makeClient(name, department, scopes, masterKey_);
  store_.addClient(made.client);
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("key_id");
  w.string(made.client.keyId);
  w.key("department");
  w.string(made.client.department);
  w.key("scopes");
  w.beginArray();
  for (const auto& s : made.client.scopes) w.string(s);
  w.endArray();
  w.endObject();
  audit(who, "admin.client.create", made.client.name, std::move(detail));
  return {viewOf(made.client), made.secret, made.token()};
}

void ExchangeService::revokeClient(const Principal& who, const std::string& keyId) {
  requireAdmin(who, "clients/" + keyId);
  if (keyId.empty() || keyId.size() > 200 || !store_.revokeClient(keyId))
    throw Error::notFound("no active client '" + keyId.substr(0, 100) + "'");
  audit(who, "admin.client.revoke", keyId, "{}");
}

}  // namespace govsync::gateway
