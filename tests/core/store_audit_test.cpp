// The store's contract, proven once and run on both backends: every test
// case is a data test case over {sqlite, postgres}, each on a fresh store
// (SQLite in a temporary folder, PostgreSQL as a new database).
// This part: the keyed audit chain — appending, the key it needs, and tamper
// detection (changed, deleted, reordered, re-computed without the key, a
// wrong key, a legacy chain from before the key).
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/store/store.h"
#include "core/util/crypto.h"
#include "core/util/error.h"
#include "tests/core/store_contract_test_support.h"
#include "tests/core/store_test_support.h"

namespace bdata = boost::unit_test::data;
using govsync::ErrorCode;
using namespace govsync::store;
using namespace govsync::testing;
using namespace govsync::testing::store_contract;

BOOST_AUTO_TEST_SUITE(store_contract)

// ------------------------------------------------------------------ audit
//
// The attacker of these cases can read and write the database at will, and
// has read govsync's source; only the master key is out of reach.

namespace {

// The audit key as govsync derives it from a master key.
std::string auditKeyFrom(const std::string& master) { return govsync::deriveKey(master, kAuditKeyPurpose); }
const std::string kMaster(32, 'm');

// How entries were hashed before the key: SHA-256 over "\n"-joined fields.
std::string legacyHash(const AuditEntry& e) {
  return govsync::sha256Hex(e.prevHash + "\n" + std::to_string(e.seq) + "\n" + std::to_string(e.at) + "\n" + e.actor +
                            "\n" + e.action + "\n" + e.target + "\n" + e.detail);
}
// The keyed chain's text (sql_store_audit.cpp), hashed with plain SHA-256: what
// an attacker without the key can compute.
std::string plainHashOfKeyedText(const AuditEntry& e) {
  std::string text = "govsync audit entry v1\n";
  for (const std::string& f :
       {e.prevHash, std::to_string(e.seq), std::to_string(e.at), e.actor, e.action, e.target, e.detail})
    text += std::to_string(f.size()) + ":" + f + ",";
  return govsync::sha256Hex(text);
}

std::string sqlText(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

enum class PlainForm { Legacy, KeyedText };
std::ostream& operator<<(std::ostream& out, PlainForm f) {
  return out << (f == PlainForm::Legacy ? "legacy-form" : "keyed-text-form");
}

// Re-computes the hashes of entries from..until (0: to the end) as plain
// SHA-256, each chained to the one before, and the head when `head` is set —
// everything the attacker can do without the key.
void rechainPlain(TestStore& s, int64_t from, int64_t until, PlainForm form, bool head) {
  std::string prev;
  for (auto e : s->listAudit(0, 100000)) {
    if (e.seq >= from && (until == 0 || e.seq <= until)) {
      e.prevHash = prev;
      e.hash = form == PlainForm::Legacy ? legacyHash(e) : plainHashOfKeyedText(e);
      s.sql("UPDATE audit_log SET prev_hash = " + sqlText(e.prevHash) + ", hash = " + sqlText(e.hash) +
            " WHERE seq = " + std::to_string(e.seq));
    }
    prev = e.hash;
  }
  if (head) s.sql("UPDATE audit_head SET hash = " + sqlText(prev) + " WHERE id = 1");
}

AuditEntry entry(int i) {
  return AuditEntry{0, 0, "client-" + std::to_string(i), "pull", "feed", R"({"n":)" + std::to_string(i) + "}", "", ""};
}

void appendEntries(TestStore& s, int from, int to) {
  for (int i = from; i <= to; ++i) s->appendAudit(entry(i));
}

void expectBroken(const AuditVerification& v, int64_t seq, const std::string& reason) {
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.brokenSeq == seq, v.problem);
  BOOST_TEST(v.reason == reason, v.problem);
  BOOST_TEST(contains(v.problem, "entry " + std::to_string(seq)), v.problem);
}

}  // namespace

BOOST_DATA_TEST_CASE(audit_needs_the_key, kBackends, backend) {
  TestStore s(backend);
  // Never the weak form: without the key nothing is appended, nothing vouched for.
  auto e = expectError(ErrorCode::Config, [&] { s->appendAudit(entry(1)); });
  BOOST_TEST(contains(e.what(), "master key"), e.what());
  expectError(ErrorCode::Config, [&] { s->appendAuditBatch({entry(1), entry(2)}); });
  expectError(ErrorCode::Config, [&] { s->verifyAudit(); });
  BOOST_TEST(countRows(s, "audit_log") == 0u);
  expectError(ErrorCode::Config, [&] { s->setAuditKey("short"); });
  // A fresh store is keyed from its first entry (migration 7).
  BOOST_TEST(s.sql("SELECT keyed_from FROM audit_head").at(0).at(0) == "1");
}

BOOST_DATA_TEST_CASE(audit_chain_appends_and_verifies, kBackends, backend) {
  TestStore s(backend);
  s->setAuditKey(auditKeyFrom(kMaster));
  auto empty = s->verifyAudit();
  BOOST_TEST(empty.ok);
  BOOST_TEST(empty.entries == 0);

  std::vector<AuditEntry> appended;
  for (int i = 1; i <= 5; ++i) {
    AuditEntry e;
    e.actor = i % 2 ? "bigdata-centre" : "cli";
    e.action = i % 2 ? "pull" : "admin.client.add";
    e.target = "feed";
    e.detail = i == 3 ? "" : R"({"records":)" + std::to_string(i * 10) + "}";
    appended.push_back(s->appendAudit(e));
  }
  BOOST_TEST(appended[0].seq == 1);
  BOOST_TEST(appended[0].prevHash == "");
  BOOST_TEST(appended[2].detail == "{}");
  for (size_t i = 1; i < appended.size(); ++i) {
    BOOST_TEST(appended[i].seq == appended[i - 1].seq + 1);
    BOOST_TEST(appended[i].prevHash == appended[i - 1].hash);
    BOOST_TEST(appended[i].at > 0);
    BOOST_TEST(appended[i].hash.size() == 64u);
  }
  // MACs, not hashes anyone could compute.
  for (const auto& e : appended) {
    BOOST_TEST(e.hash != legacyHash(e));
    BOOST_TEST(e.hash != plainHashOfKeyedText(e));
  }
  auto listed = s->listAudit(0, 100);
  BOOST_TEST_REQUIRE(listed.size() == 5u);
  BOOST_TEST(listed[4].hash == appended[4].hash);
  BOOST_TEST(listed[1].actor == "cli");
  BOOST_TEST(s->listAudit(3, 1).at(0).seq == 4);
  auto v = s->verifyAudit();
  BOOST_TEST(v.ok, v.problem);
  BOOST_TEST(v.entries == 5);
  BOOST_TEST(v.keyedFrom == 1);
  BOOST_TEST(v.headHash == appended[4].hash);
  // A batch chains the same way.
  const auto batch = s->appendAuditBatch({entry(6), entry(7)});
  BOOST_TEST(batch.at(0).prevHash == appended[4].hash);
  BOOST_TEST(s->verifyAudit().ok);
  BOOST_TEST(s->verifyAudit().entries == 7);
}

enum class Tamper { ChangeText, ChangeTime, DeleteMiddle, DeleteLast, DeleteFirst, Reorder, SwapSeq, DeleteRenumber };
std::ostream& operator<<(std::ostream& out, Tamper t) {
  const char* names[] = {"change-text",  "change-time", "delete-middle", "delete-last",
                         "delete-first", "reorder",     "swap-seq",      "delete-renumber"};
  return out << names[static_cast<int>(t)];
}

BOOST_DATA_TEST_CASE(audit_tampering_is_detected,
                     kBackends* bdata::make({Tamper::ChangeText, Tamper::ChangeTime, Tamper::DeleteMiddle,
                                             Tamper::DeleteLast, Tamper::DeleteFirst, Tamper::Reorder, Tamper::SwapSeq,
                                             Tamper::DeleteRenumber}),
                     backend, tamper) {
  TestStore s(backend);
  s->setAuditKey(auditKeyFrom(kMaster));
  appendEntries(s, 1, 5);
  BOOST_TEST_REQUIRE(s->verifyAudit().ok);
  switch (tamper) {
    case Tamper::ChangeText: s.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"); break;
    case Tamper::ChangeTime: s.sql("UPDATE audit_log SET at = at + 1 WHERE seq = 2"); break;
    case Tamper::DeleteMiddle: s.sql("DELETE FROM audit_log WHERE seq = 3"); break;
    case Tamper::DeleteLast: s.sql("DELETE FROM audit_log WHERE seq = 5"); break;
    case Tamper::DeleteFirst: s.sql("DELETE FROM audit_log WHERE seq = 1"); break;
    case Tamper::Reorder:
      // Swap the contents of 2 and 4 while keeping their seq numbers.
      s.sql("UPDATE audit_log SET actor = 'client-4' WHERE seq = 2");
      s.sql("UPDATE audit_log SET actor = 'client-2' WHERE seq = 4");
      break;
    case Tamper::SwapSeq:
      // Swap entries 2 and 4 whole, each with its hash.
      s.sql("UPDATE audit_log SET seq = -2 WHERE seq = 2");
      s.sql("UPDATE audit_log SET seq = 2 WHERE seq = 4");
      s.sql("UPDATE audit_log SET seq = 4 WHERE seq = -2");
      break;
    case Tamper::DeleteRenumber:
      // Delete entry 2 and close the gap.
      s.sql("DELETE FROM audit_log WHERE seq = 2");
      for (int seq = 3; seq <= 5; ++seq)
        s.sql("UPDATE audit_log SET seq = " + std::to_string(seq - 1) + " WHERE seq = " + std::to_string(seq));
      s.sql("UPDATE audit_head SET seq = 4 WHERE id = 1");
      break;
  }
  auto v = s->verifyAudit();
  BOOST_TEST_MESSAGE(tamper << " on " << backend << ": " << v.problem);
  switch (tamper) {
    case Tamper::ChangeText: expectBroken(v, 3, "changed"); break;
    case Tamper::ChangeTime: expectBroken(v, 2, "changed"); break;
    case Tamper::DeleteMiddle:
      expectBroken(v, 3, "deleted");
      BOOST_TEST(contains(v.problem, "entry 3 is missing"), v.problem);
      break;
    case Tamper::DeleteLast:
      expectBroken(v, 5, "deleted");
      BOOST_TEST(contains(v.problem, "deleted from the end"), v.problem);
      break;
    case Tamper::DeleteFirst:
      expectBroken(v, 1, "deleted");
      BOOST_TEST(contains(v.problem, "entry 1 is missing"), v.problem);
      break;
    case Tamper::Reorder: expectBroken(v, 2, "changed"); break;
    case Tamper::SwapSeq:
      expectBroken(v, 2, "reordered");
      BOOST_TEST(contains(v.problem, "written as entry 4"), v.problem);
      break;
    case Tamper::DeleteRenumber:
      expectBroken(v, 2, "deleted");
      BOOST_TEST(contains(v.problem, "written as entry 3"), v.problem);
      break;
  }
}

// The auditor's case: edit an entry, then re-compute every later hash and the
// head with plain SHA-256 (in the old form, or over the keyed chain's own text).
BOOST_DATA_TEST_CASE(audit_chain_recomputed_without_the_key_is_detected,
                     kBackends* bdata::make({PlainForm::Legacy, PlainForm::KeyedText}), backend, form) {
  TestStore s(backend);
  s->setAuditKey(auditKeyFrom(kMaster));
  appendEntries(s, 1, 5);
  s.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3");
  rechainPlain(s, 3, 0, form, true);
  auto v = s->verifyAudit();
  BOOST_TEST_MESSAGE(form << " on " << backend << ": " << v.problem);
  expectBroken(v, 3, "recomputed without the key");
  BOOST_TEST(contains(v.problem, "re-computed without the key"), v.problem);
  // Nothing is chained onto it either: a new MAC over the head would launder it.
  auto e = expectError(ErrorCode::Corrupt, [&] { s->appendAudit(entry(6)); });
  BOOST_TEST(contains(e.what(), "audit verify"), e.what());
  BOOST_TEST(countRows(s, "audit_log") == 5u);
}

BOOST_DATA_TEST_CASE(audit_entries_cut_from_the_end_with_the_head_set_back_are_detected, kBackends, backend) {
  TestStore s(backend);
  s->setAuditKey(auditKeyFrom(kMaster));
  appendEntries(s, 1, 5);
  const auto third = s->listAudit(2, 1).at(0);
  s.sql("DELETE FROM audit_log WHERE seq > 3");
  s.sql("UPDATE audit_head SET seq = 3, hash = " + sqlText(third.hash) + " WHERE id = 1");
  auto v = s->verifyAudit();
  expectBroken(v, 4, "deleted");
  BOOST_TEST(contains(v.problem, "cut from the end"), v.problem);
  expectError(ErrorCode::Corrupt, [&] { s->appendAudit(entry(6)); });
}

// The old form joined fields with "\n", and a target (a URL path) may hold
// one: moving the boundary between target and detail kept the hash.
BOOST_DATA_TEST_CASE(a_newline_in_target_cannot_make_two_entries_hash_alike, kBackends, backend) {
  AuditEntry a{0, 1700000000000, "client-1", "pull", "feed\n{\"n\":1}", "{}", "", ""};
  AuditEntry b{0, 1700000000000, "client-1", "pull", "feed", "{\"n\":1}\n{}", "", ""};
  a.seq = b.seq = 1;
  BOOST_TEST_REQUIRE(legacyHash(a) == legacyHash(b));  // the ambiguity of the old form

  TestStore s(backend), other(backend);
  s->setAuditKey(auditKeyFrom(kMaster));
  other->setAuditKey(auditKeyFrom(kMaster));
  const auto written = s->appendAudit(a);
  BOOST_TEST(written.hash != other->appendAudit(b).hash);
  // Moving the boundary in the stored entry is a change.
  s.sql("UPDATE audit_log SET target = 'feed', detail = " + sqlText(b.detail) + " WHERE seq = 1");
  BOOST_TEST(s->listAudit(0, 1).at(0).target == "feed");
  expectBroken(s->verifyAudit(), 1, "changed");
}

BOOST_DATA_TEST_CASE(a_wrong_master_key_fails_verification, kBackends, backend) {
  TestStore s(backend);
  s->setAuditKey(auditKeyFrom(kMaster));
  appendEntries(s, 1, 3);
  s.reopen();
  s->setAuditKey(auditKeyFrom(std::string(32, 'x')));
  auto v = s->verifyAudit();
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.reason == "wrong key", v.problem);
  BOOST_TEST(contains(v.problem, "another master key"), v.problem);
  // Entries under another key would fork the chain: refused.
  auto e = expectError(ErrorCode::Config, [&] { s->appendAudit(entry(4)); });
  BOOST_TEST(contains(e.what(), "another master key"), e.what());
  // Without the head's key check, the entries' MACs still fail under it.
  const std::string keyCheck = s.sql("SELECT key_check FROM audit_head").at(0).at(0);
  s.sql("UPDATE audit_head SET key_check = NULL WHERE id = 1");
  expectBroken(s->verifyAudit(), 1, "changed");
  // The right key vouches for the log again once the head is put back.
  s->setAuditKey(auditKeyFrom(kMaster));
  BOOST_TEST(!s->verifyAudit().ok);  // a head without its key check is a change too
  s.sql("UPDATE audit_head SET key_check = " + sqlText(keyCheck) + " WHERE id = 1");
  BOOST_TEST(s->verifyAudit().ok, s->verifyAudit().problem);
}

// A store upgraded from before the key: its entries keep their plain hashes,
// and the first keyed entry covers them.
enum class LegacyTamper { None, Edit, EditAndRechain, EditAndRechainIntoKeyed, StripAll };
std::ostream& operator<<(std::ostream& out, LegacyTamper t) {
  const char* names[] = {"none", "edit", "edit-and-rechain", "edit-and-rechain-into-keyed", "strip-all"};
  return out << names[static_cast<int>(t)];
}

BOOST_DATA_TEST_CASE(a_legacy_chain_then_keyed_entries,
                     kBackends* bdata::make({LegacyTamper::None, LegacyTamper::Edit, LegacyTamper::EditAndRechain,
                                             LegacyTamper::EditAndRechainIntoKeyed, LegacyTamper::StripAll}),
                     backend, tamper) {
  TestStore s(backend);
  // Three entries written the old way, and the head as migration 7 leaves a
  // store that had them: keyed from entry 4 on.
  std::string prev;
  for (int i = 1; i <= 3; ++i) {
    AuditEntry e = entry(i);
    e.seq = i;
    e.at = 1600000000000 + i;
    e.prevHash = prev;
    e.hash = prev = legacyHash(e);
    s.sql("INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (" +
          std::to_string(e.seq) + ", " + std::to_string(e.at) + ", " + sqlText(e.actor) + ", " + sqlText(e.action) +
          ", " + sqlText(e.target) + ", " + sqlText(e.detail) + ", " + sqlText(e.prevHash) + ", " + sqlText(e.hash) +
          ")");
  }
  s.sql("UPDATE audit_head SET seq = 3, hash = " + sqlText(prev) + ", keyed_from = 4 WHERE id = 1");
  s->setAuditKey(auditKeyFrom(kMaster));
  // Nothing keyed yet: not vouched for, and said so.
  auto before = s->verifyAudit();
  BOOST_TEST(!before.ok);
  BOOST_TEST(before.reason == "not keyed", before.problem);
  BOOST_TEST(contains(before.problem, "none of the 3 entries"), before.problem);

  appendEntries(s, 4, 5);
  BOOST_TEST(s->listAudit(3, 1).at(0).prevHash == prev);
  auto v = s->verifyAudit();
  BOOST_TEST_REQUIRE(v.ok, v.problem);
  BOOST_TEST(v.entries == 5);
  BOOST_TEST(v.keyedFrom == 4);

  switch (tamper) {
    case LegacyTamper::None: break;
    case LegacyTamper::Edit: s.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"); break;
    case LegacyTamper::EditAndRechain:
      s.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");
      rechainPlain(s, 2, 3, PlainForm::Legacy, false);
      break;
    case LegacyTamper::EditAndRechainIntoKeyed:
      s.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");
      rechainPlain(s, 2, 3, PlainForm::Legacy, false);
      s.sql("UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE seq = 3) WHERE seq = 4");
      break;
    case LegacyTamper::StripAll:
      // Every entry re-computed the old way and the boundary moved past the
      // end: what a store looks like before its first keyed entry.
      s.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");
      rechainPlain(s, 1, 0, PlainForm::Legacy, true);
      s.sql("UPDATE audit_head SET keyed_from = 6, key_check = NULL, head_mac = NULL WHERE id = 1");
      break;
  }
  v = s->verifyAudit();
  BOOST_TEST_MESSAGE(tamper << " on " << backend << ": " << v.problem);
  switch (tamper) {
    case LegacyTamper::None: BOOST_TEST(v.ok, v.problem); break;
    case LegacyTamper::Edit: expectBroken(v, 2, "changed"); break;
    case LegacyTamper::EditAndRechain: expectBroken(v, 3, "recomputed without the key"); break;
    case LegacyTamper::EditAndRechainIntoKeyed: expectBroken(v, 4, "changed"); break;
    case LegacyTamper::StripAll:
      BOOST_TEST(!v.ok);
      BOOST_TEST(v.reason == "not keyed", v.problem);
      break;
  }
}

BOOST_AUTO_TEST_SUITE_END()
