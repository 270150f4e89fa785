// Versioned schema migrations of the store, one DDL text for both engines
// ({BIGINT}, {BLOB}, {AUTOID} are filled in per Dialect). Append new
// migrations at the end; never edit one that has shipped.
#include <set>
#include <string>
#include <vector>

#include "core/store/sql_store.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::store {

namespace {

struct Migration {
  int version;
  const char* description;
  const char* ddl;
};

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "records, change feed, checkpoints, dead letters, subscriptions, audit, clients", R"SQL(
CREATE TABLE records (
  record_id TEXT PRIMARY KEY,
  source_system TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_id TEXT NOT NULL,
  version {BIGINT} NOT NULL,
  deleted {BIGINT} NOT NULL,
  payload_sha256 TEXT NOT NULL,
  department TEXT NOT NULL,
  region_code TEXT NOT NULL,
  mapping TEXT NOT NULL,
  ingested_at {BIGINT} NOT NULL,
  body {BLOB} NOT NULL,
  UNIQUE (source_system, kind, source_id)
);
CREATE TABLE feed_head (id {BIGINT} PRIMARY KEY CHECK (id = 1), position {BIGINT} NOT NULL);
INSERT INTO feed_head (id, position) VALUES (1, 0);
CREATE TABLE changes (
  position {BIGINT} PRIMARY KEY,
  record_id TEXT NOT NULL,
  version {BIGINT} NOT NULL,
  kind TEXT NOT NULL,
  source_system TEXT NOT NULL,
  region_code TEXT NOT NULL,
  department TEXT NOT NULL,
  deleted {BIGINT} NOT NULL,
  committed_at {BIGINT} NOT NULL,
  json_full TEXT NOT NULL,
  json_masked TEXT NOT NULL,
  checksum {BIGINT} NOT NULL
);
CREATE INDEX changes_by_kind ON changes (kind, position);
CREATE INDEX changes_by_source ON changes (source_system, position);
CREATE INDEX changes_by_region ON changes (region_code, position);
CREATE INDEX changes_by_record ON changes (record_id, position);
CREATE TABLE checkpoints (
  connector TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at {BIGINT} NOT NULL
);
CREATE TABLE dead_letters (
  id {AUTOID},
  source TEXT NOT NULL,
  platform TEXT NOT NULL,
  stage TEXT NOT NULL,
  error TEXT NOT NULL,
  field TEXT NOT NULL,
  function TEXT NOT NULL,
  value TEXT NOT NULL,
  mapping TEXT NOT NULL,
  raw {BLOB} NOT NULL,
  raw_format TEXT NOT NULL,
  created_at {BIGINT} NOT NULL,
  resolved {BIGINT} NOT NULL,
  resolved_at {BIGINT},
  resolved_record_id TEXT
);
CREATE INDEX dead_letters_by_source ON dead_letters (source, resolved, id);
CREATE INDEX dead_letters_by_time ON dead_letters (created_at);
CREATE TABLE subscriptions (
  name TEXT PRIMARY KEY,
  position {BIGINT} NOT NULL,
  filter TEXT NOT NULL,
  created_at {BIGINT} NOT NULL,
  updated_at {BIGINT} NOT NULL
);
CREATE TABLE audit_log (
  seq {BIGINT} PRIMARY KEY,
  at {BIGINT} NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_head (id {BIGINT} PRIMARY KEY CHECK (id = 1), seq {BIGINT} NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
CREATE TABLE api_clients (
  key_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  department TEXT NOT NULL,
  scopes TEXT NOT NULL,
  secret_salt TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at {BIGINT} NOT NULL,
  revoked_at {BIGINT}
);
)SQL"},
      {2, "dead letters keep the row's cells for replay", R"SQL(
ALTER TABLE dead_letters ADD COLUMN cells {BLOB};
)SQL"},
      {3, "reconciliation: records keep their event day; results are kept per connector and day", R"SQL(
ALTER TABLE records ADD COLUMN event_day TEXT;
CREATE INDEX records_by_day ON records (source_system, event_day);
CREATE TABLE reconciliations (
  connector TEXT NOT NULL,
  day TEXT NOT NULL,
  source_rows {BIGINT},
  records {BIGINT} NOT NULL,
  dead_letters {BIGINT} NOT NULL,
  checked_at {BIGINT} NOT NULL,
  PRIMARY KEY (connector, day)
);
)SQL"},
      {4, "gateway: signing keys encrypted at rest, request nonces, idempotent answers", R"SQL(
ALTER TABLE api_clients ADD COLUMN signing_key_enc {BLOB};
CREATE TABLE nonces (
  key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at {BIGINT} NOT NULL,
  UNIQUE (key_id, nonce)
);
CREATE INDEX nonces_by_expiry ON nonces (expires_at);
CREATE TABLE idempotency_keys (
  key_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status {BIGINT} NOT NULL,
  response TEXT NOT NULL,
  created_at {BIGINT} NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX idempotency_by_time ON idempotency_keys (created_at);
)SQL"},
      // The review index is filled from existing records by backfillReviewIndex.
      {5, "reviews: an index row per review with its rectification, rectification steps, the review feed", R"SQL(
CREATE TABLE reviews (
  record_id TEXT PRIMARY KEY,
  source_system TEXT NOT NULL,
  department TEXT NOT NULL,
  agency_code TEXT NOT NULL,
  window_id TEXT NOT NULL,
  item_code TEXT NOT NULL,
  channel TEXT NOT NULL,
  case_no TEXT NOT NULL,
  level {BIGINT} NOT NULL,
  eval_seq {BIGINT} NOT NULL,
  evaluated_at {BIGINT} NOT NULL,
  event_day TEXT NOT NULL,
  event_month TEXT NOT NULL,
  deleted {BIGINT} NOT NULL,
  position {BIGINT} NOT NULL,
  state {BIGINT} NOT NULL,
  due_at {BIGINT},
  rectified_at {BIGINT},
  revisited_at {BIGINT},
  note TEXT NOT NULL,
  excluded {BIGINT} NOT NULL,
  first_record_id TEXT
);
CREATE INDEX reviews_by_time ON reviews (evaluated_at);
CREATE INDEX reviews_by_case ON reviews (case_no, source_system, eval_seq);
CREATE INDEX reviews_unlinked ON reviews (case_no, source_system) WHERE first_record_id IS NULL AND eval_seq >= 2;
CREATE TABLE rectification_steps (
  record_id TEXT NOT NULL,
  seq {BIGINT} NOT NULL,
  from_state {BIGINT} NOT NULL,
  to_state {BIGINT} NOT NULL,
  actor TEXT NOT NULL,
  at {BIGINT} NOT NULL,
  note TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (record_id, seq)
);
CREATE TABLE review_changes (
  position {BIGINT} PRIMARY KEY,
  record_id TEXT NOT NULL,
  level {BIGINT} NOT NULL,
  department TEXT NOT NULL,
  window_id TEXT NOT NULL
);
CREATE INDEX review_changes_by_level ON review_changes (level, position);
CREATE INDEX review_changes_by_department ON review_changes (department, level, position);
CREATE INDEX review_changes_by_window ON review_changes (window_id, level, position);
)SQL"},
      {6, "reviews: a first evaluation finds its re-evaluations by index", R"SQL(
CREATE INDEX reviews_by_first ON reviews (first_record_id) WHERE first_record_id IS NOT NULL;
)SQL"},
      // Entries from keyed_from on are chained with HMAC under a key derived
      // from the master key; those before keep their plain SHA-256 hashes.
      // key_check identifies the key and head_mac authenticates the head; both
      // are written with the first keyed entry (sql_store_admin.cpp).
      {7, "audit: the chain is keyed (HMAC) from the next entry on", R"SQL(
ALTER TABLE audit_head ADD COLUMN keyed_from {BIGINT};
ALTER TABLE audit_head ADD COLUMN key_check TEXT;
ALTER TABLE audit_head ADD COLUMN head_mac TEXT;
UPDATE audit_head SET keyed_from = seq + 1;
)SQL"},
      // The overdue sweep (Store::markOverdueRectifications) finds open
      // rectifications (VERIFYING 2, RECTIFYING 3, APPEALED 6) past their due
      // time that it has not marked yet, through a partial index over exactly
      // those. Reviews already overdue are found by the first sweep.
      {8, "reviews: open rectifications found overdue are marked (overdue_at)", R"SQL(
ALTER TABLE reviews ADD COLUMN overdue_at {BIGINT};
CREATE INDEX reviews_awaiting_overdue ON reviews (due_at)
  WHERE overdue_at IS NULL AND deleted = 0 AND state IN (2, 3, 6) AND due_at IS NOT NULL;
)SQL"},
  };
  return all;
}

}  // namespace

std::string Dialect::ddl(std::string_view templ) const {
  std::string out(templ);
  auto replaceAll = [&](const std::string& token, const std::string& with) {
    for (size_t pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos + with.size()))
      out.replace(pos, token.size(), with);
  };
  replaceAll("{BIGINT}", bigint);
  replaceAll("{BLOB}", blob);
  replaceAll("{AUTOID}", autoId);
  return out;
}

void SqlStore::migrate() {
  auto conn = pool_.acquire();
  const int known = migrations().back().version;
  inTransaction(*conn, true, [&] {
    if (dialect_.name == "postgres") {
      // One migrator at a time when several govsync processes start together.
      conn->query("SELECT pg_advisory_xact_lock(724180331)");
    }
    conn->execScript(dialect_.ddl(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version {BIGINT} PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at {BIGINT} NOT NULL)"));
    std::set<int64_t> applied;
    auto rows = conn->query("SELECT version FROM schema_migrations");
    for (size_t r = 0; r < rows.size(); ++r) applied.insert(rows.integer(r, 0));
    const int current = applied.empty() ? 0 : static_cast<int>(*applied.rbegin());
    if (current > known) {
      throw Error::config("the " + dialect_.name + " store " + target_ + " is at schema version " +
                          std::to_string(current) + ", newer than this govsync knows (" + std::to_string(known) +
                          "): upgrade govsync");
    }
    bool backfillReviews = false;
    for (const auto& m : migrations()) {
      // Each migration not recorded runs, in order (in practice those after
      // `current`; a test removes one to run it again).
      if (applied.count(m.version)) continue;
      conn->execScript(dialect_.ddl(m.ddl));
      backfillReviews = backfillReviews || m.version == 5;
      conn->query("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                  {int64_t{m.version}, std::string(m.description), nowMillis()});
    }
    // After every migration: the index rows are written with the columns the
    // later migrations added to the table (overdue_at, 8).
    if (backfillReviews) backfillReviewIndex(*conn);
  });
}

int SqlStore::schemaVersion() {
  auto conn = pool_.acquire();
  return static_cast<int>(conn->query("SELECT coalesce(max(version), 0) FROM schema_migrations").integer(0, 0));
}

}  // namespace govsync::store
