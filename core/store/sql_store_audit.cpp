// SqlStore: the audit log, hash-chained and keyed.
//
// Each entry's hash covers its fields and the previous entry's hash, so
// changing, deleting or moving an entry breaks the chain. From
// audit_head.keyed_from on, the hash is HMAC-SHA256 under the audit key
// (derived from the master key, which is not in the database) over the fields
// length-prefixed: someone who can write the database, but has not the master
// key, can neither re-compute the chain after an edit nor write a new entry.
// Entries before keyed_from were written before the key was introduced: they
// keep their plain SHA-256 over "\n"-joined fields, and the first keyed entry's
// MAC covers the last of them through its prev_hash, so changing one still
// shows. The head (last seq and hash) carries its own MAC: entries cannot be
// cut from the end and the head set back to match.
#include <algorithm>

#include "core/store/sql_store.h"
#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::store {

namespace {

// Entries written before the key: plain SHA-256 over the fields joined with
// "\n" — ambiguous when a field holds a newline. Only to verify those.
std::string legacyAuditHash(const AuditEntry& e) {
  std::string text;
  text.reserve(256 + e.detail.size());
  text.append(e.prevHash).append("\n").append(std::to_string(e.seq)).append("\n").append(std::to_string(e.at));
  text.append("\n").append(e.actor).append("\n").append(e.action).append("\n").append(e.target);
  text.append("\n").append(e.detail);
  return sha256Hex(text);
}

// A netstring: <length>:<bytes>, — where a field ends never depends on what it holds.
void appendField(std::string& out, std::string_view value) {
  out.append(std::to_string(value.size())).append(":").append(value).append(",");
}

// What a keyed entry's MAC covers: a version tag, then every field
// length-prefixed. Two different entries never give the same text.
std::string auditText(const AuditEntry& e) {
  std::string text = "govsync audit entry v1\n";
  text.reserve(text.size() + 160 + e.actor.size() + e.action.size() + e.target.size() + e.detail.size());
  appendField(text, e.prevHash);
  appendField(text, std::to_string(e.seq));
  appendField(text, std::to_string(e.at));
  appendField(text, e.actor);
  appendField(text, e.action);
  appendField(text, e.target);
  appendField(text, e.detail);
  return text;
}

std::string auditMac(const std::string& key, const AuditEntry& e) { return hmacSha256Hex(key, auditText(e)); }

// Identifies the key in the head without revealing it: tells "wrong master
// key" apart from "changed", and stops a govsync with another key appending.
std::string auditKeyCheck(const std::string& key) { return hmacSha256Hex(key, "govsync audit key check v1"); }

std::string auditHeadMac(const std::string& key, int64_t seq, const std::string& hash) {
  std::string text = "govsync audit head v1\n";
  appendField(text, std::to_string(seq));
  appendField(text, hash);
  return hmacSha256Hex(key, text);
}

// The hash an entry at `e.seq` must carry.
std::string expectedHash(const std::string& key, int64_t keyedFrom, const AuditEntry& e) {
  return e.seq >= keyedFrom ? auditMac(key, e) : legacyAuditHash(e);
}

// A hash anyone could have computed: a plain SHA-256 of the entry, in either form.
bool isPlainHash(const AuditEntry& e) { return e.hash == sha256Hex(auditText(e)) || e.hash == legacyAuditHash(e); }

struct AuditHead {
  bool present = false;
  int64_t seq = 0;
  std::string hash;
  int64_t keyedFrom = 0;  ///< 0: missing (changed outside govsync)
  std::string keyCheck, headMac;
  /// Whether keyed_from is where migration 7 and every append keep it: at or
  /// before the entry after the last.
  bool keyedFromValid() const { return keyedFrom >= 1 && keyedFrom <= seq + 1; }
  bool hasKeyedEntries() const { return seq >= keyedFrom; }
};

AuditHead readAuditHead(SqlConnection& conn, const std::string& suffix) {
  auto rows = conn.query("SELECT seq, hash, keyed_from, key_check, head_mac FROM audit_head WHERE id = 1" + suffix);
  AuditHead h;
  if (rows.empty()) return h;
  h.present = true;
  h.seq = rows.integer(0, 0);
  h.hash = rows.text(0, 1);
  h.keyedFrom = rows.isNull(0, 2) ? 0 : rows.integer(0, 2);
  h.keyCheck = rows.text(0, 3);
  h.headMac = rows.text(0, 4);
  return h;
}

AuditEntry auditFromRow(const SqlResult& rows, size_t r) {
  AuditEntry e;
  e.seq = rows.integer(r, 0);
  e.at = rows.integer(r, 1);
  e.actor = rows.text(r, 2);
  e.action = rows.text(r, 3);
  e.target = rows.text(r, 4);
  e.detail = rows.text(r, 5);
  e.prevHash = rows.text(r, 6);
  e.hash = rows.text(r, 7);
  return e;
}
constexpr const char* kAuditColumns = "SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log";

constexpr const char* kRunVerify = ": run `govsync audit verify`; nothing is appended to a log that would hide it";

// Refuses to extend a log whose head does not hold up: appending would write a
// fresh head MAC over entries cut from the end, or chain under another key.
void checkHeadForAppend(const AuditHead& head, const std::string& key) {
  if (!head.present) throw Error::corrupt(std::string("the audit log's head row was deleted") + kRunVerify);
  if (!head.keyedFromValid())
    throw Error::corrupt("the audit log's head was changed outside govsync (its first keyed entry is " +
                         std::to_string(head.keyedFrom) + ", its last entry " + std::to_string(head.seq) + ")" +
                         kRunVerify);
  if (!head.keyCheck.empty() && !constantTimeEquals(head.keyCheck, auditKeyCheck(key)))
    throw Error::config(
        "the audit log is chained with another master key than the one loaded (auth.master_key or "
        "<data_dir>/master_key): entries written under this one would break the chain");
  if (head.hasKeyedEntries() &&
      (head.keyCheck.empty() || !constantTimeEquals(head.headMac, auditHeadMac(key, head.seq, head.hash))))
    throw Error::corrupt("the audit log's head (entry " + std::to_string(head.seq) +
                         ") was changed outside govsync, as when entries are cut from the end" + kRunVerify);
  if (!head.hasKeyedEntries() && !head.keyCheck.empty())
    throw Error::corrupt("the audit log's keyed entries (from " + std::to_string(head.keyedFrom) + " on) were deleted" +
                         kRunVerify);
}

std::string entryName(int64_t seq) { return "entry " + std::to_string(seq); }

}  // namespace

void SqlStore::setAuditKey(std::string key) {
  if (key.size() < 32) throw Error::config("an audit key is 32 bytes, derived from the master key");
  std::lock_guard lock(auditKeyMutex_);
  auditKey_ = std::move(key);
}

std::string SqlStore::auditKey() const {
  std::lock_guard lock(auditKeyMutex_);
  if (auditKey_.empty())
    throw Error::config(
        "the audit log is chained with a key derived from the master key, and this store was opened without it: "
        "load the master key (auth.master_key or <data_dir>/master_key) before writing or verifying the log");
  return auditKey_;
}

AuditEntry SqlStore::appendAudit(const AuditEntry& input) { return appendAuditBatch({input}).front(); }

std::vector<AuditEntry> SqlStore::appendAuditBatch(const std::vector<AuditEntry>& inputs) {
  if (inputs.empty()) return {};
  const std::string key = auditKey();
  auto conn = pool_.acquire();
  return inTransaction(*conn, true, [&] {
    const AuditHead head = readAuditHead(*conn, dialect_.forUpdate);
    checkHeadForAppend(head, key);
    std::vector<AuditEntry> out;
    out.reserve(inputs.size());
    int64_t seq = head.seq;
    std::string prev = head.hash;
    const int64_t now = nowMillis();
    for (const auto& input : inputs) {
      AuditEntry e = input;
      e.seq = ++seq;  // ≥ keyed_from: every new entry is keyed
      e.prevHash = prev;
      if (!e.at) e.at = now;
      if (e.detail.empty()) e.detail = "{}";
      e.hash = auditMac(key, e);
      conn->query(
          "INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, "
          "?, ?)",
          {e.seq, e.at, e.actor, e.action, e.target, e.detail, e.prevHash, e.hash});
      prev = e.hash;
      out.push_back(std::move(e));
    }
    conn->query("UPDATE audit_head SET seq = ?, hash = ?, key_check = ?, head_mac = ? WHERE id = 1",
                {seq, prev, auditKeyCheck(key), auditHeadMac(key, seq, prev)});
    return out;
  });
}

void SqlStore::checkAuditAppendable() {
  const std::string key = auditKey();
  auto conn = pool_.acquire();
  checkHeadForAppend(readAuditHead(*conn, ""), key);
}

int64_t SqlStore::auditKeyedFrom() {
  auto conn = pool_.acquire();
  const AuditHead head = readAuditHead(*conn, "");
  // Where the keyed chain starts, or will with the next entry: migration 7
  // sets it and nothing legitimate moves it afterwards.
  return head.present && head.keyedFromValid() ? head.keyedFrom : 0;
}

std::vector<AuditEntry> SqlStore::listAudit(int64_t afterSeq, size_t limit) {
  auto conn = pool_.acquire();
  auto rows = conn->query(std::string(kAuditColumns) + " WHERE seq > ? ORDER BY seq LIMIT ?",
                          {afterSeq, static_cast<int64_t>(limit)});
  std::vector<AuditEntry> out;
  for (size_t r = 0; r < rows.size(); ++r) out.push_back(auditFromRow(rows, r));
  return out;
}

AuditVerification SqlStore::verifyAudit() {
  const std::string key = auditKey();
  auto conn = pool_.acquire();
  return inTransaction(*conn, false, [&] {
    AuditVerification v;
    auto fail = [&v](int64_t seq, const char* reason, std::string problem) {
      v.ok = false;
      v.brokenSeq = seq;
      v.reason = reason;
      v.problem = std::move(problem);
      return v;
    };
    const AuditHead head = readAuditHead(*conn, "");
    if (!head.present) return fail(1, "deleted", "the audit log's head row was deleted");
    v.keyedFrom = head.keyedFrom;
    if (!head.keyedFromValid())
      return fail(std::max<int64_t>(head.keyedFrom, 1), "changed",
                  "the audit log's head was changed: it says the keyed chain starts at " + entryName(head.keyedFrom) +
                      ", but the log ends at " + entryName(head.seq));
    if (!head.keyCheck.empty() && !constantTimeEquals(head.keyCheck, auditKeyCheck(key)))
      return fail(head.keyedFrom, "wrong key",
                  "the log (from " + entryName(head.keyedFrom) +
                      " on) is chained with another master key than the one loaded: check auth.master_key or "
                      "<data_dir>/master_key (or the key check in the log's head was changed)");

    // Why entry `e`, the first that does not hold, is broken. `prev` is the
    // hash of the entry before it; `selfValid`: its hash matches its fields
    // and the hash it names as previous.
    auto explain = [&](const AuditEntry& e, const std::string& prev, bool selfValid) {
      const int64_t k = e.seq;
      if (e.seq >= head.keyedFrom && !selfValid && isPlainHash(e))
        return fail(k, "recomputed without the key",
                    entryName(k) +
                        " carries a plain SHA-256 of its fields, not a MAC under the master key: it was changed "
                        "and the chain re-computed without the key");
      if (e.prevHash != prev) {
        AuditEntry written = e;
        auto rows = conn->query("SELECT seq FROM audit_log WHERE hash = ? AND seq <> ? ORDER BY seq LIMIT 1",
                                {e.prevHash, e.seq});
        if (!rows.empty()) {
          // Moved: intact as the entry after the one it names as previous.
          written.seq = rows.integer(0, 0) + 1;
          if (written.seq != k && expectedHash(key, head.keyedFrom, written) == e.hash)
            return fail(
                k, "reordered",
                entryName(k) + " holds what was written as " + entryName(written.seq) + ": entries were reordered");
        } else {
          // Its previous entry is gone: intact a little further on, the
          // entries before it were deleted and the rest renumbered.
          for (int64_t gap = 1; gap <= 1024; ++gap) {
            written.seq = k + gap;
            if (expectedHash(key, head.keyedFrom, written) == e.hash)
              return fail(k, "deleted",
                          entryName(k) + " holds what was written as " + entryName(written.seq) + ": " +
                              (gap == 1 ? std::string("the entry") : std::to_string(gap) + " entries") +
                              " before it deleted and the rest renumbered");
          }
        }
        if (selfValid && k - 1 < head.keyedFrom)  // the plain entries before k were re-hashed
          return fail(k - 1, k == head.keyedFrom ? "recomputed without the key" : "changed",
                      entryName(k - 1) + " or one before it was changed and the plain hashes re-computed up to " +
                          entryName(k - 1) + ": " + entryName(k) +
                          (k == head.keyedFrom ? ", the first keyed entry, was chained to another hash (re-computed "
                                                 "without the key)"
                                               : " was chained to another hash"));
        if (selfValid)
          return fail(k - 1, "changed",
                      entryName(k - 1) + " was replaced: " + entryName(k) + " was chained to another entry");
      }
      return fail(k, "changed",
                  entryName(k) + " was changed (its hash does not match its content" +
                      (k >= head.keyedFrom ? " under the master key" : "") + ")");
    };

    std::string prev;
    int64_t expectSeq = 1;
    const int64_t batch = 5000;
    for (int64_t after = 0;;) {
      auto rows = conn->query(std::string(kAuditColumns) + " WHERE seq > ? ORDER BY seq LIMIT ?", {after, batch});
      for (size_t r = 0; r < rows.size(); ++r) {
        auto e = auditFromRow(rows, r);
        if (e.seq != expectSeq)
          return fail(
              expectSeq, "deleted",
              entryName(expectSeq) + " is missing (next entry is " + std::to_string(e.seq) + "): entries were deleted");
        const bool selfValid = constantTimeEquals(expectedHash(key, head.keyedFrom, e), e.hash);
        if (e.prevHash != prev || !selfValid) return explain(e, prev, selfValid);
        prev = e.hash;
        ++expectSeq;
        ++v.entries;
        after = e.seq;
      }
      if (static_cast<int64_t>(rows.size()) < batch) break;
    }
    v.headHash = prev;

    const int64_t last = v.entries;
    if (head.seq > last)
      return fail(last + 1, "deleted",
                  "the log ends at " + entryName(last) + " but its head records " + entryName(head.seq) +
                      ": entries were deleted from the end");
    if (head.seq < last)
      return fail(head.seq + 1, "changed",
                  "the log goes on to " + entryName(last) + " but its head records " + entryName(head.seq) +
                      ": entries after it were not written by govsync");
    if (head.hash != prev)
      return fail(last, "changed",
                  "the log's head does not match its last entry (" + entryName(last) + "): the head was changed");
    if (head.hasKeyedEntries()) {
      if (head.keyCheck.empty())
        return fail(head.keyedFrom, "changed",
                    "the log's head was changed: it lost the key check of the entries from " +
                        entryName(head.keyedFrom) + " on");
      if (!constantTimeEquals(head.headMac, auditHeadMac(key, head.seq, head.hash)))
        return fail(last + 1, "deleted",
                    "the log's head does not carry its MAC: entries from " + entryName(last + 1) +
                        " on were cut from the end and the head set back to " + entryName(last));
    } else if (!head.keyCheck.empty()) {
      return fail(
          head.keyedFrom, "deleted",
          "the log was keyed from " + entryName(head.keyedFrom) + " on, but no keyed entry is left: they were deleted");
    } else if (last > 0) {
      // Nothing was appended since the key was introduced — or every keyed
      // entry was re-computed as a plain one: the two look alike.
      return fail(head.keyedFrom, "not keyed",
                  "none of the " + std::to_string(last) +
                      " entries is chained with the master key, so the log cannot be vouched for: either "
                      "nothing was audited since govsync was upgraded (the next audited action starts the "
                      "keyed chain at " +
                      entryName(head.keyedFrom) + "), or the chain was re-computed without the key");
    }
    return v;
  });
}

}  // namespace govsync::store
