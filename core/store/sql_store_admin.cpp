// SqlStore: subscriptions, checkpoints, reconciliations, dead letters, API
// clients, nonces and idempotent answers (the audit chain is in
// sql_store_audit.cpp).
#include <Poco/JSON/Parser.h>

#include "core/store/sql_store.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"

namespace govsync::store {

// ---------------------------------------------------------------- filters

std::string feedFilterToJson(const FeedFilter& f) {
  std::string out;
  JsonWriter w(out);
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
  return out;
}

FeedFilter feedFilterFromJson(std::string_view json) {
  FeedFilter f;
  try {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    if (obj->has("kind")) f.kind = schema::kindFromName(obj->getValue<std::string>("kind"));
    if (obj->has("source")) f.sourceSystem = obj->getValue<std::string>("source");
    if (obj->has("region")) f.regionPrefix = obj->getValue<std::string>("region");
  } catch (const Poco::Exception& e) {
    throw Error::corrupt("stored subscription filter is not readable: " + e.displayText());
  }
  return f;
}

void checkFeedFilter(const FeedFilter& f) {
  for (char c : f.regionPrefix)
    if (c < '0' || c > '9')
      throw Error::invalid("a region filter is a GB/T 2260 code prefix of digits, not '" + f.regionPrefix + "'");
}

// ---------------------------------------------------------- subscriptions

namespace {
Subscription subscriptionFromRow(const SqlResult& rows, size_t r) {
  Subscription s;
  s.name = rows.text(r, 0);
  s.position = rows.integer(r, 1);
  s.filter = feedFilterFromJson(rows.text(r, 2));
  s.createdAt = rows.integer(r, 3);
  s.updatedAt = rows.integer(r, 4);
  return s;
}
constexpr const char* kSubscriptionColumns = "SELECT name, position, filter, created_at, updated_at FROM subscriptions";
}  // namespace

Subscription SqlStore::openSubscription(const std::string& name, const FeedFilter& filter, int64_t position) {
  checkFeedFilter(filter);
  auto conn = pool_.acquire();
  return inTransaction(*conn, true, [&] {
    const int64_t now = nowMillis();
    conn->query(
        "INSERT INTO subscriptions (name, position, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING",
        {name, position, feedFilterToJson(filter), now, now});
    auto rows = conn->query(std::string(kSubscriptionColumns) + " WHERE name = ?", {name});
    return subscriptionFromRow(rows, 0);
  });
}

std::optional<Subscription> SqlStore::getSubscription(const std::string& name) {
  auto conn = pool_.acquire();
  auto rows = conn->query(std::string(kSubscriptionColumns) + " WHERE name = ?", {name});
  if (rows.empty()) return std::nullopt;
  return subscriptionFromRow(rows, 0);
}

Subscription SqlStore::ackSubscription(const std::string& name, int64_t position) {
  auto conn = pool_.acquire();
  return inTransaction(*conn, true, [&] {
    const int64_t head = conn->query("SELECT position FROM feed_head WHERE id = 1").integer(0, 0);
    if (position < 0 || position > head)
      throw Error::invalid("cannot acknowledge position " + std::to_string(position) + ": the feed head is at " +
                           std::to_string(head));
    auto rows = conn->query("UPDATE subscriptions SET position = ?, updated_at = ? WHERE name = ? RETURNING name",
                            {position, nowMillis(), name});
    if (rows.empty()) throw Error::notFound("no subscription named '" + name + "'");
    return subscriptionFromRow(conn->query(std::string(kSubscriptionColumns) + " WHERE name = ?", {name}), 0);
  });
}

std::vector<Subscription> SqlStore::listSubscriptions() {
  auto conn = pool_.acquire();
  auto rows = conn->query(std::string(kSubscriptionColumns) + " ORDER BY name");
  std::vector<Subscription> out;
  for (size_t r = 0; r < rows.size(); ++r) out.push_back(subscriptionFromRow(rows, r));
  return out;
}

bool SqlStore::deleteSubscription(const std::string& name) {
  auto conn = pool_.acquire();
  return !conn->query("DELETE FROM subscriptions WHERE name = ? RETURNING name", {name}).empty();
}

// ------------------------------------------------------------ checkpoints

std::optional<Checkpoint> SqlStore::getCheckpoint(const std::string& connector) {
  auto conn = pool_.acquire();
  auto rows = conn->query("SELECT connector, value, updated_at FROM checkpoints WHERE connector = ?", {connector});
  if (rows.empty()) return std::nullopt;
  return Checkpoint{rows.text(0, 0), rows.text(0, 1), rows.integer(0, 2)};
}

std::vector<Checkpoint> SqlStore::listCheckpoints() {
  auto conn = pool_.acquire();
  auto rows = conn->query("SELECT connector, value, updated_at FROM checkpoints ORDER BY connector");
  std::vector<Checkpoint> out;
  for (size_t r = 0; r < rows.size(); ++r) out.push_back({rows.text(r, 0), rows.text(r, 1), rows.integer(r, 2)});
  return out;
}

void SqlStore::resetCheckpoint(const std::string& connector, const std::optional<std::string>& value) {
  auto conn = pool_.acquire();
  if (!value) {
    conn->query("DELETE FROM checkpoints WHERE connector = ?", {connector});
    return;
  }
  conn->query(
      "INSERT INTO checkpoints (connector, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (connector) DO UPDATE "
      "SET value = excluded.value, updated_at = excluded.updated_at",
      {connector, *value, nowMillis()});
}

// --------------------------------------------------------- reconciliation

Reconciliation SqlStore::reconcile(const std::string& connector, const std::string& sourceSystem,
                                   const std::string& day, std::optional<int64_t> sourceRows) {
  auto parsed = parseRfc3339(day + "T00:00:00+08:00");
  if (day.size() != 10 || !parsed) throw Error::invalid("day must be YYYY-MM-DD, got '" + day + "'");
  const int64_t start = *parsed, end = start + 86400000;
  auto conn = pool_.acquire();
  return inTransaction(*conn, true, [&] {
    Reconciliation r;
    r.connector = connector;
    r.day = day;
    r.sourceRows = sourceRows;
    r.records =
        conn->query("SELECT count(*) FROM records WHERE source_system = ? AND event_day = ?", {sourceSystem, day})
            .integer(0, 0);
    r.deadLetters =
        conn->query("SELECT count(*) FROM dead_letters WHERE source = ? AND created_at >= ? AND created_at < ?",
                    {connector, start, end})
            .integer(0, 0);
    r.checkedAt = nowMillis();
    const SqlValue source = sourceRows ? SqlValue{*sourceRows} : SqlValue{};
    conn->query(
        "INSERT INTO reconciliations (connector, day, source_rows, records, dead_letters, checked_at) VALUES (?, ?, "
        "?, ?, ?, ?) ON CONFLICT (connector, day) DO UPDATE SET source_rows = excluded.source_rows, records = "
        "excluded.records, dead_letters = excluded.dead_letters, checked_at = excluded.checked_at",
        {connector, day, source, r.records, r.deadLetters, r.checkedAt});
    return r;
  });
}

std::vector<Reconciliation> SqlStore::listReconciliations(const std::string& connector, size_t limit) {
  auto conn = pool_.acquire();
  auto rows = conn->query(
      "SELECT connector, day, source_rows, records, dead_letters, checked_at FROM reconciliations WHERE connector = ? "
      "ORDER BY day DESC LIMIT ?",
      {connector, static_cast<int64_t>(limit)});
  std::vector<Reconciliation> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    Reconciliation r;
    r.connector = rows.text(i, 0);
    r.day = rows.text(i, 1);
    if (!rows.isNull(i, 2)) r.sourceRows = rows.integer(i, 2);
    r.records = rows.integer(i, 3);
    r.deadLetters = rows.integer(i, 4);
    r.checkedAt = rows.integer(i, 5);
    out.push_back(std::move(r));
  }
  return out;
}

// ----------------------------------------------------------- dead letters

namespace {
constexpr const char* kDeadLetterColumns =
    "SELECT id, source, platform, stage, error, field, function, value, mapping, raw, raw_format, created_at, "
    "resolved, resolved_at, resolved_record_id, cells FROM dead_letters";

DeadLetter deadLetterFromRow(const SqlResult& rows, size_t r) {
  DeadLetter d;
  d.id = rows.integer(r, 0);
  d.source = rows.text(r, 1);
  d.platform = rows.text(r, 2);
  d.stage = rows.text(r, 3);
  d.error = rows.text(r, 4);
  d.field = rows.text(r, 5);
  d.function = rows.text(r, 6);
  d.value = rows.text(r, 7);
  d.mapping = rows.text(r, 8);
  d.raw = rows.text(r, 9);
  d.rawFormat = rows.text(r, 10);
  d.createdAt = rows.integer(r, 11);
  d.resolved = rows.integer(r, 12) != 0;
  d.resolvedAt = rows.isNull(r, 13) ? 0 : rows.integer(r, 13);
  d.resolvedRecordId = rows.text(r, 14);
  d.cells = rows.text(r, 15);
  return d;
}
}  // namespace

std::vector<DeadLetter> SqlStore::listDeadLetters(const DeadLetterQuery& q) {
  std::string sql = std::string(kDeadLetterColumns) + " WHERE id > ?";
  std::vector<SqlValue> params{q.afterId};
  if (!q.source.empty()) {
    sql += " AND source = ?";
    params.emplace_back(q.source);
  }
  if (!q.platform.empty()) {
    sql += " AND platform = ?";
    params.emplace_back(q.platform);
  }
  if (q.resolved) {
    sql += " AND resolved = ?";
    params.emplace_back(int64_t{*q.resolved});
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(q.limit));
  auto conn = pool_.acquire();
  auto rows = conn->query(sql, params);
  std::vector<DeadLetter> out;
  for (size_t r = 0; r < rows.size(); ++r) out.push_back(deadLetterFromRow(rows, r));
  return out;
}

std::optional<DeadLetter> SqlStore::getDeadLetter(int64_t id) {
  auto conn = pool_.acquire();
  auto rows = conn->query(std::string(kDeadLetterColumns) + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return deadLetterFromRow(rows, 0);
}

// ---------------------------------------------------------------- clients

namespace {
std::string joinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}
std::vector<std::string> splitScopes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}
ApiClient clientFromRow(const SqlResult& rows, size_t r) {
  ApiClient c;
  c.keyId = rows.text(r, 0);
  c.name = rows.text(r, 1);
  c.department = rows.text(r, 2);
  c.scopes = splitScopes(rows.text(r, 3));
  c.secretSalt = rows.text(r, 4);
  c.secretHash = rows.text(r, 5);
  c.createdAt = rows.integer(r, 6);
  c.revokedAt = rows.isNull(r, 7) ? 0 : rows.integer(r, 7);
  c.signingKeyEnc = rows.text(r, 8);
  return c;
}
constexpr const char* kClientColumns =
    "SELECT key_id, name, department, scopes, secret_salt, secret_hash, created_at, revoked_at, signing_key_enc FROM "
    "api_clients";
}  // namespace

void SqlStore::addClient(const ApiClient& c) {
  auto conn = pool_.acquire();
  try {
    conn->query(
        "INSERT INTO api_clients (key_id, name, department, scopes, secret_salt, secret_hash, created_at, "
        "signing_key_enc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {c.keyId, c.name, c.department, joinScopes(c.scopes), c.secretSalt, c.secretHash,
         c.createdAt ? c.createdAt : nowMillis(),
         c.signingKeyEnc.empty() ? SqlValue{} : SqlValue{Blob{c.signingKeyEnc}}});
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Conflict) throw Error::conflict("a client named '" + c.name + "' already exists");
    throw;
  }
}

std::optional<ApiClient> SqlStore::findClient(const std::string& keyId) {
  auto conn = pool_.acquire();
  auto rows = conn->query(std::string(kClientColumns) + " WHERE key_id = ?", {keyId});
  if (rows.empty()) return std::nullopt;
  return clientFromRow(rows, 0);
}

std::vector<ApiClient> SqlStore::listClients() {
  auto conn = pool_.acquire();
  auto rows = conn->query(std::string(kClientColumns) + " ORDER BY name");
  std::vector<ApiClient> out;
  for (size_t r = 0; r < rows.size(); ++r) out.push_back(clientFromRow(rows, r));
  return out;
}

bool SqlStore::revokeClient(const std::string& keyIdOrName) {
  auto conn = pool_.acquire();
  return !conn->query(
                  "UPDATE api_clients SET revoked_at = ? WHERE (key_id = ? OR name = ?) AND revoked_at IS NULL "
                  "RETURNING key_id",
                  {nowMillis(), keyIdOrName, keyIdOrName})
              .empty();
}

// ------------------------------------------- nonces and idempotent answers

bool SqlStore::recordNonce(const std::string& keyId, const std::string& nonce, int64_t expiresAt) {
  auto conn = pool_.acquire();
  return inTransaction(*conn, true, [&] {
    conn->query("DELETE FROM nonces WHERE expires_at < ?", {nowMillis()});
    return !conn->query(
                    "INSERT INTO nonces (key_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT (key_id, nonce) DO "
                    "NOTHING RETURNING key_id",
                    {keyId, nonce, expiresAt})
                .empty();
  });
}

namespace {
constexpr const char* kIdempotentColumns =
    "SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE key_id = ? AND idem_key = ?";
}

std::optional<IdempotentAnswer> SqlStore::findIdempotent(const std::string& keyId, const std::string& key) {
  auto conn = pool_.acquire();
  auto rows = conn->query(kIdempotentColumns, {keyId, key});
  if (rows.empty()) return std::nullopt;
  return IdempotentAnswer{rows.text(0, 0), rows.integer(0, 1), rows.text(0, 2), rows.integer(0, 3)};
}

IdempotentAnswer SqlStore::saveIdempotent(const std::string& keyId, const std::string& key,
                                          const IdempotentAnswer& answer, int64_t purgeBefore) {
  auto conn = pool_.acquire();
  return inTransaction(*conn, true, [&] {
    conn->query("DELETE FROM idempotency_keys WHERE created_at < ?", {purgeBefore});
    conn->query(
        "INSERT INTO idempotency_keys (key_id, idem_key, request_hash, status, response, created_at) VALUES (?, ?, ?, "
        "?, ?, ?) ON CONFLICT (key_id, idem_key) DO NOTHING",
        {keyId, key, answer.requestHash, answer.status, answer.body,
         answer.createdAt ? answer.createdAt : nowMillis()});
    auto rows = conn->query(kIdempotentColumns, {keyId, key});
    return IdempotentAnswer{rows.text(0, 0), rows.integer(0, 1), rows.text(0, 2), rows.integer(0, 3)};
  });
}

}  // namespace govsync::store
