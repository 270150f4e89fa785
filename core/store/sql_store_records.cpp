// SqlStore: records, versions and the change feed.
#include <zlib.h>

#include <algorithm>
#include <span>
#include <unordered_map>

#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/store/sql_store.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::store {

using schema::Record;
using schema::RecordKind;

namespace {

int64_t servedFormsChecksum(const std::string& full, const std::string& masked) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(full.data()), static_cast<uInt>(full.size()));
  crc = crc32(crc, reinterpret_cast<const Bytef*>("\n"), 1);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(masked.data()), static_cast<uInt>(masked.size()));
  return static_cast<int64_t>(crc);
}

constexpr int kCommitAttempts = 5;

// The day (China Standard Time, UTC+8) a record's event happened, for
// reconciliation against the source's own daily counts: when the case was
// received, the review made, the observation taken; else the source's update
// time; else when we ingested it.
std::string eventDay(const Record& r, int64_t ingestedAt) {
  int64_t at = 0;
  if (r.__isset.case_record && r.case_record.__isset.received_at)
    at = r.case_record.received_at;
  else if (r.__isset.review && r.review.evaluated_at)
    at = r.review.evaluated_at;
  else if (r.__isset.observation && r.observation.observed_at)
    at = r.observation.observed_at;
  else if (r.envelope.__isset.source_updated_at)
    at = r.envelope.source_updated_at;
  else
    at = ingestedAt;
  return formatRfc3339(at + 8 * 3600 * 1000).substr(0, 10);
}

// Text columns take valid UTF-8 without NUL (PostgreSQL refuses anything
// else, and libpq would cut at a NUL). A dead letter's descriptive fields often
// quote the very bytes that failed to decode: those bytes become \xNN escapes
// rather than failing the whole batch. The raw row is a blob and keeps every byte.
std::string storableText(const std::string& s) {
  if (isValidUtf8(s) && s.find('\0') == std::string::npos) return s;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (c != 0 && i + n <= s.size() && isValidUtf8(std::string_view(s).substr(i, n))) {
      out.append(s, i, n);
      i += n;
    } else {
      out.append("\\x").push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
      ++i;
    }
  }
  return out;
}

}  // namespace

CommitResult SqlStore::commit(const CommitBatch& batch) {
  // Everything that needs no lock happens before the transaction starts.
  std::vector<PreparedRecord> prepared;
  prepared.reserve(batch.records.size());
  for (const auto& input : batch.records) {
    PreparedRecord p;
    p.record = input;
    p.tombstone = input.envelope.__isset.deleted && input.envelope.deleted;
    normalizeRecord(p.record);
    validateRecord(p.record);
    p.hash = p.incomingHash = contentHash(p.record);
    if (p.record.__isset.review) p.incomingRectify = reviews::rectificationOf(p.record.review);
    prepared.push_back(std::move(p));
  }
  for (int attempt = 1;; ++attempt) {
    auto conn = pool_.acquire();
    try {
      CommitResult result = inTransaction(*conn, true, [&] { return commitInTransaction(*conn, prepared, batch); });
      notifier_.publish(result.headPosition);
      return result;
    } catch (const Error& e) {
      // Deadlocks and dropped connections are worth one more try; the whole
      // transaction rolled back, so retrying cannot double-apply.
      if (!e.retryable() || attempt == kCommitAttempts) throw;
    }
  }
}

void ArrayLiteral::text(std::string_view v) {
  open();
  out_ += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out_ += '\\';
    out_ += c;
  }
  out_ += '"';
}

void ArrayLiteral::integer(int64_t v) {
  open();
  out_ += std::to_string(v);
}

void ArrayLiteral::null() {
  open();
  out_ += "NULL";
}

void ArrayLiteral::bytes(std::string_view b) {
  static const char* hex = "0123456789abcdef";
  open();
  out_ += "\"\\\\x";  // "\\x..." : bytea hex input, backslash escaped for the array literal
  for (unsigned char c : b) {
    out_ += hex[c >> 4];
    out_ += hex[c & 15];
  }
  out_ += '"';
}

void ArrayLiteral::value(const SqlValue& v) {
  if (auto* i = std::get_if<int64_t>(&v))
    integer(*i);
  else if (auto* t = std::get_if<std::string>(&v))
    text(*t);
  else if (auto* b = std::get_if<Blob>(&v))
    bytes(b->bytes);
  else if (auto* d = std::get_if<double>(&v))
    text(std::to_string(*d));
  else
    null();
}

CommitResult SqlStore::commitInTransaction(SqlConnection& conn, std::vector<PreparedRecord>& records,
                                           const CommitBatch& batch) {
  struct Current {
    int64_t version;
    std::string hash;
  };
  struct Change {
    size_t index;
    std::string jsonFull, jsonMasked;
  };
  const int64_t now = nowMillis();
  // PostgreSQL: a few set-based statements per batch (round trips dominate);
  // SQLite: prepared statements per row (in-process, and one writer at a time).
  const bool bulk = dialect_.name == "postgres";
  CommitResult result;
  result.outcomes.resize(records.size());

  // 1. What the store holds now. On PostgreSQL the rows are locked FOR UPDATE
  //    in record_id order, so concurrent batches neither build on the same
  //    version nor deadlock; a record that does not exist yet is guarded by
  //    the insert below.
  std::unordered_map<std::string, Current> stored;
  if (bulk) {
    std::vector<std::string> ids;
    for (const auto& p : records) ids.push_back(p.record.envelope.record_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ArrayLiteral arr;
    for (const auto& id : ids) arr.text(id);
    auto rows = conn.query(
        "SELECT record_id, version, payload_sha256 FROM records WHERE record_id = ANY(?::text[]) ORDER BY "
        "record_id FOR UPDATE",
        {arr.str()});
    for (size_t r = 0; r < rows.size(); ++r) stored[rows.text(r, 0)] = Current{rows.integer(r, 1), rows.text(r, 2)};
  } else {
    for (const auto& p : records) {
      const auto& id = p.record.envelope.record_id;
      if (stored.count(id)) continue;
      auto rows = conn.query("SELECT version, payload_sha256 FROM records WHERE record_id = ?", {id});
      if (!rows.empty()) stored[id] = Current{rows.integer(0, 0), rows.text(0, 1)};
    }
  }
  const std::unordered_map<std::string, Current> before = stored;
  ReviewCommit reviewSide(conn, bulk, reviewPolicy(), now);
  reviewSide.load(records);

  // 2. Decide, in batch order (a record may appear more than once).
  std::vector<Change> changes;
  std::unordered_map<std::string, size_t> lastChangeOf;  // record → its last change in this batch
  for (size_t i = 0; i < records.size(); ++i) {
    auto& p = records[i];
    auto& env = p.record.envelope;
    auto& outcome = result.outcomes[i];
    outcome.recordId = env.record_id;
    if (env.kind == RecordKind::REVIEW) reviewSide.prepare(p);
    auto it = stored.find(env.record_id);
    const bool exists = it != stored.end();
    if ((!exists && p.tombstone) || (exists && it->second.hash == p.hash)) {
      outcome.version = exists ? it->second.version : 0;  // nothing to delete, or nothing changed
      continue;
    }
    env.version = exists ? it->second.version + 1 : 1;
    env.ingested_at = now;
    env.payload_sha256 = p.hash;
    env.__isset.version = env.__isset.ingested_at = env.__isset.payload_sha256 = true;
    if (p.tombstone) env.__isset.deleted = true;
    stored[env.record_id] = Current{env.version, p.hash};
    outcome.version = env.version;
    outcome.changed = true;
    lastChangeOf[env.record_id] = changes.size();
    changes.push_back({i, recordToJson(p.record, false), recordToJson(p.record, true)});
  }

  // 3. Write each changed record's final state.
  static const std::string kColumns =
      "record_id, source_system, kind, source_id, version, deleted, payload_sha256, department, region_code, "
      "mapping, ingested_at, body, event_day";
  if (bulk && !lastChangeOf.empty()) {
    ArrayLiteral id[2], system[2], kind[2], sourceId[2], version[2], deleted[2], hash[2], dept[2], region[2],
        mapping[2], body[2], day[2];
    size_t counts[2] = {0, 0};  // [0] new records, [1] existing ones
    for (const auto& [rid, k] : lastChangeOf) {
      const auto& p = records[changes[k].index];
      const auto& env = p.record.envelope;
      const int w = before.count(rid) ? 1 : 0;
      ++counts[w];
      id[w].text(env.record_id);
      system[w].text(env.source_system);
      kind[w].text(schema::kindName(env.kind));
      sourceId[w].text(env.source_id);
      version[w].integer(env.version);
      deleted[w].integer(int64_t{p.tombstone});
      hash[w].text(p.hash);
      dept[w].text(env.department);
      region[w].text(env.region_code);
      mapping[w].text(env.mapping);
      body[w].bytes(serializeRecord(p.record));
      day[w].text(eventDay(p.record, now));
    }
    static const std::string kUnnest =
        "unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], "
        "?::text[], ?::text[], ?::bytea[], ?::text[]) AS u(record_id, source_system, kind, source_id, version, "
        "deleted, payload_sha256, department, region_code, mapping, body, event_day)";
    auto params = [&](int w) {
      return std::vector<SqlValue>{now,
                                   id[w].str(),
                                   system[w].str(),
                                   kind[w].str(),
                                   sourceId[w].str(),
                                   version[w].str(),
                                   deleted[w].str(),
                                   hash[w].str(),
                                   dept[w].str(),
                                   region[w].str(),
                                   mapping[w].str(),
                                   body[w].str(),
                                   day[w].str()};
    };
    if (counts[1]) {  // existing records: locked above, so a plain update is safe
      conn.query(
          "UPDATE records r SET version = u.version, deleted = u.deleted, payload_sha256 = u.payload_sha256, "
          "department = u.department, region_code = u.region_code, mapping = u.mapping, ingested_at = ?, "
          "body = u.body, event_day = u.event_day FROM " +
              kUnnest + " WHERE r.record_id = u.record_id",
          params(1));
    }
    if (counts[0]) {
      SqlResult inserted;
      try {
        inserted = conn.query("INSERT INTO records (" + kColumns +
                                  ") SELECT u.record_id, u.source_system, u.kind, u.source_id, u.version, u.deleted, "
                                  "u.payload_sha256, u.department, u.region_code, u.mapping, ?, u.body, u.event_day "
                                  "FROM " +
                                  kUnnest + " ON CONFLICT (record_id) DO NOTHING RETURNING record_id",
                              params(0));
      } catch (const Error& e) {
        // Another transaction inserted one of these records meanwhile and
        // PostgreSQL reported it on the (source_system, kind, source_id)
        // constraint: retry the whole transaction, which then sees it.
        if (e.code() != ErrorCode::Conflict) throw;
        throw Error(ErrorCode::Conflict, std::string("a record was inserted concurrently: ") + e.what(), true);
      }
      if (inserted.size() != counts[0])
        throw Error(ErrorCode::Conflict, "a record of this batch was inserted concurrently; retrying", true);
    }
  } else if (!bulk) {
    for (const auto& [rid, k] : lastChangeOf) {
      const auto& p = records[changes[k].index];
      const auto& env = p.record.envelope;
      conn.query("INSERT INTO records (" + kColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET "
                     "version = excluded.version, deleted = excluded.deleted, payload_sha256 = "
                     "excluded.payload_sha256, department = excluded.department, region_code = excluded.region_code, "
                     "mapping = excluded.mapping, ingested_at = excluded.ingested_at, body = excluded.body, "
                     "event_day = excluded.event_day",
                 {env.record_id, env.source_system, std::string(schema::kindName(env.kind)), env.source_id, env.version,
                  int64_t{p.tombstone}, p.hash, env.department, env.region_code, env.mapping, now,
                  Blob{serializeRecord(p.record)}, eventDay(p.record, now)});
    }
  }

  // 4. Positions last: the feed_head row lock is held from here to COMMIT.
  if (!changes.empty()) {
    const auto n = static_cast<int64_t>(changes.size());
    auto head = conn.query("UPDATE feed_head SET position = position + ? WHERE id = 1 RETURNING position", {n});
    const int64_t last = head.integer(0, 0);
    int64_t position = last - n + 1;
    if (bulk) {
      ArrayLiteral pos, rid, ver, kind, system, region, dept, del, full, masked, sum;
      for (auto& c : changes) {
        const auto& env = records[c.index].record.envelope;
        pos.integer(position);
        rid.text(env.record_id);
        ver.integer(env.version);
        kind.text(schema::kindName(env.kind));
        system.text(env.source_system);
        region.text(env.region_code);
        dept.text(env.department);
        del.integer(int64_t{records[c.index].tombstone});
        full.text(c.jsonFull);
        masked.text(c.jsonMasked);
        sum.integer(servedFormsChecksum(c.jsonFull, c.jsonMasked));
        result.outcomes[c.index].position = position++;
      }
      conn.query(
          "INSERT INTO changes (position, record_id, version, kind, source_system, region_code, department, deleted, "
          "committed_at, json_full, json_masked, checksum) SELECT u.p, u.r, u.v, u.k, u.s, u.g, u.d, u.x, ?, u.f, "
          "u.m, u.c FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], "
          "?::bigint[], ?::text[], ?::text[], ?::bigint[]) AS u(p, r, v, k, s, g, d, x, f, m, c)",
          {now, pos.str(), rid.str(), ver.str(), kind.str(), system.str(), region.str(), dept.str(), del.str(),
           full.str(), masked.str(), sum.str()});
    } else {
      for (auto& c : changes) {
        const auto& env = records[c.index].record.envelope;
        const int64_t checksum = servedFormsChecksum(c.jsonFull, c.jsonMasked);
        conn.query(
            "INSERT INTO changes (position, record_id, version, kind, source_system, region_code, department, "
            "deleted, committed_at, json_full, json_masked, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {position, env.record_id, env.version, std::string(schema::kindName(env.kind)), env.source_system,
             env.region_code, env.department, int64_t{records[c.index].tombstone}, now, std::move(c.jsonFull),
             std::move(c.jsonMasked), checksum});
        result.outcomes[c.index].position = position++;
      }
    }
    result.headPosition = last;
    std::vector<size_t> changed;
    changed.reserve(changes.size());
    for (const auto& c : changes) changed.push_back(c.index);
    reviewSide.write(records, changed, result);
  } else {
    result.headPosition = conn.query("SELECT position FROM feed_head WHERE id = 1").integer(0, 0);
  }

  for (const auto& d : batch.deadLetters) {
    auto rows = conn.query(
        "INSERT INTO dead_letters (source, platform, stage, error, field, function, value, mapping, raw, "
        "raw_format, cells, created_at, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
        {storableText(d.source), storableText(d.platform), storableText(d.stage), storableText(d.error),
         storableText(d.field), storableText(d.function), storableText(d.value), storableText(d.mapping), Blob{d.raw},
         storableText(d.rawFormat), Blob{d.cells}, d.createdAt ? d.createdAt : now});
    result.deadLetterIds.push_back(rows.integer(0, 0));
  }
  for (const auto& [id, recordId] : batch.resolvedDeadLetters) {
    conn.query("UPDATE dead_letters SET resolved = 1, resolved_at = ?, resolved_record_id = ? WHERE id = ?",
               {now, recordId, id});
  }
  if (batch.checkpoint) {
    conn.query(
        "INSERT INTO checkpoints (connector, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (connector) DO "
        "UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        {batch.checkpoint->connector, batch.checkpoint->value, now});
  }
  return result;
}

std::optional<StoredRecord> SqlStore::getRecord(std::string_view recordId) {
  auto conn = pool_.acquire();
  return inTransaction(*conn, false, [&]() -> std::optional<StoredRecord> {
    const std::string id(recordId);
    auto rows = conn->query("SELECT body, payload_sha256 FROM records WHERE record_id = ?", {id});
    if (rows.empty()) return std::nullopt;
    StoredRecord out;
    out.record = deserializeRecord(rows.text(0, 0));
    if (out.record.envelope.record_id != id || contentHash(out.record) != rows.text(0, 1))
      throw Error::corrupt("record " + id + " in the " + dialect_.name + " store failed its integrity check");
    auto pos = conn->query("SELECT max(position) FROM changes WHERE record_id = ?", {id});
    out.position = pos.isNull(0, 0) ? 0 : pos.integer(0, 0);
    return out;
  });
}

const char* const kFeedColumns =
    "position, record_id, version, kind, source_system, region_code, department, deleted, committed_at, json_full, "
    "json_masked, checksum";

FeedPage SqlStore::readFeed(const FeedQuery& q) {
  checkFeedFilter(q.filter);
  if (q.filter.empty()) {
    // Every position up to the head is a change (positions are taken from
    // feed_head in the committing transaction, so a rollback returns them):
    // the page's positions need no query.
    return readFeedPage(q.after, q.limit, [&](SqlConnection&, int64_t head) {
      std::vector<int64_t> positions;
      for (int64_t p = q.after + 1; p <= head && positions.size() < q.limit; ++p) positions.push_back(p);
      return positions;
    });
  }
  std::string sql = "SELECT position FROM changes WHERE position > ? AND position <= ?";
  if (q.filter.kind) sql += " AND kind = ?";
  if (!q.filter.sourceSystem.empty()) sql += " AND source_system = ?";
  if (!q.filter.regionPrefix.empty()) sql += " AND region_code LIKE ?";
  sql += " ORDER BY position LIMIT ?";
  return readFeedPage(q.after, q.limit, [&](SqlConnection& conn, int64_t head) {
    std::vector<SqlValue> params{q.after, head};
    if (q.filter.kind) params.emplace_back(std::string(schema::kindName(*q.filter.kind)));
    if (!q.filter.sourceSystem.empty()) params.emplace_back(q.filter.sourceSystem);
    if (!q.filter.regionPrefix.empty()) params.emplace_back(q.filter.regionPrefix + "%");
    params.emplace_back(static_cast<int64_t>(q.limit));
    return positionsOf(conn.query(sql, params));
  });
}

std::vector<int64_t> positionsOf(const SqlResult& rows) {
  std::vector<int64_t> out(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) out[r] = rows.integer(r, 0);
  return out;
}

FeedPage SqlStore::readFeedPage(int64_t after, size_t limit,
                                const std::function<std::vector<int64_t>(SqlConnection&, int64_t head)>& select) {
  if (limit == 0) throw Error::invalid("a feed page needs a limit of at least 1");
  auto conn = pool_.acquire();
  return inTransaction(*conn, false, [&] {
    FeedPage page;
    page.head = conn->query("SELECT position FROM feed_head WHERE id = 1").integer(0, 0);
    // The page's positions from the indexes; entries from the cache, and
    // only the ones it lacks from `changes` (read, checked, then kept).
    const auto positions = select(*conn, page.head);
    std::vector<std::optional<FeedEntry>> slots(positions.size());
    std::vector<SqlValue> missing;
    std::unordered_map<int64_t, size_t> slotOf;
    for (size_t r = 0; r < positions.size(); ++r) {
      const int64_t position = positions[r];
      slots[r] = feedCache_.get(position);
      if (!slots[r]) {
        slotOf[position] = r;
        missing.emplace_back(position);
      }
    }
    constexpr size_t kChunk = 500;
    for (size_t from = 0; from < missing.size(); from += kChunk) {
      const size_t n = std::min(kChunk, missing.size() - from);
      std::string sql = std::string("SELECT ") + kFeedColumns + " FROM changes WHERE position IN (?";
      for (size_t i = 1; i < n; ++i) sql += ",?";
      sql += ") ORDER BY position";  // checked in feed order: a damaged entry stops the page where it is
      auto rows = conn->query(sql, std::span<const SqlValue>(missing.data() + from, n));
      for (size_t r = 0; r < rows.size(); ++r) {
        FeedEntry e;
        e.position = rows.integer(r, 0);
        e.recordId = rows.text(r, 1);
        e.version = rows.integer(r, 2);
        e.kind = schema::kindFromName(rows.text(r, 3)).value_or(RecordKind::CASE);
        e.sourceSystem = rows.text(r, 4);
        e.regionCode = rows.text(r, 5);
        e.department = rows.text(r, 6);
        e.deleted = rows.integer(r, 7) != 0;
        e.committedAt = rows.integer(r, 8);
        auto full = std::make_shared<std::string>(std::move(std::get<std::string>(rows.rows[r][9])));
        auto masked = std::make_shared<std::string>(std::move(std::get<std::string>(rows.rows[r][10])));
        if (servedFormsChecksum(*full, *masked) != rows.integer(r, 11))
          throw Error::corrupt("feed entry at position " + std::to_string(e.position) + " (record " + e.recordId +
                               ") in the " + dialect_.name + " store failed its integrity check");
        e.full = std::move(full);
        e.masked = std::move(masked);
        feedCache_.put(e);
        slots[slotOf.at(e.position)] = std::move(e);
      }
    }
    page.entries.reserve(slots.size());
    for (auto& slot : slots)
      if (slot) page.entries.push_back(std::move(*slot));  // (a position without a change is skipped)
    // A full page ends at its last position; a short one has seen everything
    // up to the head, matching or not.
    page.next = positions.size() == limit ? positions.back() : std::max(page.head, after);
    return page;
  });
}

int64_t SqlStore::headPosition() {
  auto conn = pool_.acquire();
  return conn->query("SELECT position FROM feed_head WHERE id = 1").integer(0, 0);
}

}  // namespace govsync::store
