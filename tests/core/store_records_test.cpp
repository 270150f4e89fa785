// The store's contract, proven once and run on both backends: every test
// case is a data test case over {sqlite, postgres}, each on a fresh store
// (SQLite in a temporary folder, PostgreSQL as a new database).
// This part: upserts keyed by source identity, tombstones, atomic commits
// (records, checkpoint and dead letters together or not at all) and dead
// letters kept byte for byte.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>

#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "tests/core/store_contract_test_support.h"
#include "tests/core/store_test_support.h"

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::Record;
using govsync::schema::RecordKind;
using namespace govsync::store;
using namespace govsync::testing;
using namespace govsync::testing::store_contract;

BOOST_AUTO_TEST_SUITE(store_contract)

// ------------------------------------------------------------------ upserts

BOOST_DATA_TEST_CASE(upsert_is_keyed_by_source_identity, kBackends, backend) {
  TestStore s(backend);
  BOOST_TEST(s->headPosition() == 0);
  const Record a = caseRecord("hotline", "WO-1");

  auto first = commitRecords(*s, {a});
  BOOST_TEST_REQUIRE(first.outcomes.size() == 1u);
  BOOST_TEST(first.outcomes[0].recordId == recordIdOf(a));
  BOOST_TEST(first.outcomes[0].changed);
  BOOST_TEST(first.outcomes[0].version == 1);
  BOOST_TEST(first.outcomes[0].position == 1);
  BOOST_TEST(first.headPosition == 1);

  auto stored = s->getRecord(recordIdOf(a));
  BOOST_TEST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->position == 1);
  BOOST_TEST(stored->record.envelope.version == 1);
  BOOST_TEST(stored->record.envelope.record_id == recordIdOf(a));
  BOOST_TEST(stored->record.envelope.payload_sha256 == govsync::contentHash(stored->record));
  BOOST_TEST(stored->record.envelope.ingested_at > 0);
  BOOST_TEST(stored->record.case_record.title == a.case_record.title);
  BOOST_TEST(stored->record.case_record.reporter_phone == "13812341234");  // stored in clear

  // Identical content: a no-op — no version, no feed entry.
  auto same = commitRecords(*s, {a});
  BOOST_TEST(!same.outcomes[0].changed);
  BOOST_TEST(same.outcomes[0].version == 1);
  BOOST_TEST(same.outcomes[0].position == 0);
  BOOST_TEST(same.headPosition == 1);
  BOOST_TEST(s->headPosition() == 1);

  // What the store sets, and the mapping that produced it, are not content.
  Record remapped = a;
  remapped.envelope.__set_mapping("hotline@2");
  remapped.envelope.__set_version(77);
  remapped.envelope.__set_ingested_at(5);
  BOOST_TEST(!commitRecords(*s, {remapped}).outcomes[0].changed);

  // Changed content: version + 1 and a new feed position.
  Record changed = a;
  changed.case_record.__set_status(govsync::schema::CaseStatus::CLOSED);
  auto second = commitRecords(*s, {changed});
  BOOST_TEST(second.outcomes[0].changed);
  BOOST_TEST(second.outcomes[0].version == 2);
  BOOST_TEST(second.outcomes[0].position == 2);
  BOOST_TEST(s->getRecord(recordIdOf(a))->record.case_record.status == govsync::schema::CaseStatus::CLOSED);
  BOOST_TEST(s->getRecord(recordIdOf(a))->position == 2);

  // The key is (source_system, kind, source_id): each part makes another record.
  auto others = commitRecords(*s, {caseRecord("grid", "WO-1"), reviewRecord("hotline", "WO-1")});
  BOOST_TEST(others.outcomes[0].version == 1);
  BOOST_TEST(others.outcomes[1].version == 1);
  BOOST_TEST(others.outcomes[0].recordId != recordIdOf(a));
  BOOST_TEST(others.outcomes[1].recordId != others.outcomes[0].recordId);
  BOOST_TEST(countRows(s, "records") == 3u);

  auto feed = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(feed.size() == 4u);
  BOOST_TEST(feed[0].version == 1);
  BOOST_TEST(feed[1].version == 2);
  BOOST_TEST(feed[1].recordId == recordIdOf(a));
  BOOST_TEST(!s->getRecord("no-such-record").has_value());
}

BOOST_DATA_TEST_CASE(delete_makes_a_tombstone, kBackends, backend) {
  TestStore s(backend);
  const Record a = observationRecord("env", "ST-1");
  commitRecords(*s, {a});

  auto del = commitRecords(*s, {tombstone("env", RecordKind::OBSERVATION, "ST-1")});
  BOOST_TEST(del.outcomes[0].changed);
  BOOST_TEST(del.outcomes[0].version == 2);
  BOOST_TEST(del.outcomes[0].position == 2);
  auto stored = s->getRecord(recordIdOf(a));
  BOOST_TEST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->record.envelope.deleted);

  auto feed = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(feed.size() == 2u);
  BOOST_TEST(!feed[0].deleted);
  BOOST_TEST(feed[1].deleted);
  BOOST_TEST(feed[1].version == 2);
  auto json = govsync::recordFromJsonText(feed[1].jsonFull());
  BOOST_TEST(json.envelope.deleted);
  BOOST_TEST(contains(feed[1].jsonMasked(), "\"deleted\":true"));

  // Deleting again is a no-op.
  auto again = commitRecords(*s, {tombstone("env", RecordKind::OBSERVATION, "ST-1")});
  BOOST_TEST(!again.outcomes[0].changed);
  BOOST_TEST(again.outcomes[0].version == 2);

  // Deleting a record the store never had is a no-op: nothing stored, no feed entry.
  auto unknown = commitRecords(*s, {tombstone("env", RecordKind::OBSERVATION, "never-seen")});
  BOOST_TEST(!unknown.outcomes[0].changed);
  BOOST_TEST(unknown.outcomes[0].version == 0);
  BOOST_TEST(unknown.outcomes[0].position == 0);
  BOOST_TEST(!s->getRecord(unknown.outcomes[0].recordId).has_value());
  BOOST_TEST(s->headPosition() == 2);

  // A deleted record can come back: a new version.
  auto back = commitRecords(*s, {a});
  BOOST_TEST(back.outcomes[0].changed);
  BOOST_TEST(back.outcomes[0].version == 3);
  BOOST_TEST(!s->getRecord(recordIdOf(a))->record.envelope.deleted);
}

BOOST_DATA_TEST_CASE(same_record_twice_in_one_batch, kBackends, backend) {
  TestStore s(backend);
  Record v1 = caseRecord("hotline", "WO-2", "first");
  Record v2 = caseRecord("hotline", "WO-2", "second");
  auto r = commitRecords(*s, {v1, v2, v2, caseRecord("hotline", "WO-3"), v1});
  BOOST_TEST_REQUIRE(r.outcomes.size() == 5u);
  BOOST_TEST(r.outcomes[0].version == 1);
  BOOST_TEST(r.outcomes[1].version == 2);
  BOOST_TEST(r.outcomes[1].changed);
  BOOST_TEST(!r.outcomes[2].changed);  // identical to the batch's previous version
  BOOST_TEST(r.outcomes[2].version == 2);
  BOOST_TEST(r.outcomes[2].position == 0);
  BOOST_TEST(r.outcomes[4].changed);  // back to the first content: a change again
  BOOST_TEST(r.outcomes[4].version == 3);
  BOOST_TEST(r.outcomes[0].position == 1);
  BOOST_TEST(r.outcomes[1].position == 2);
  BOOST_TEST(r.outcomes[3].position == 3);
  BOOST_TEST(r.outcomes[4].position == 4);
  BOOST_TEST(r.headPosition == 4);
  auto stored = s->getRecord(recordIdOf(v1));
  BOOST_TEST(stored->record.envelope.version == 3);
  BOOST_TEST(stored->record.case_record.title == "first");
  auto feed = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(feed.size() == 4u);
  BOOST_TEST(contains(feed[1].jsonFull(), "\"title\":\"second\""));
  BOOST_TEST(feed[3].version == 3);
}

// ------------------------------------------------------------- atomicity

BOOST_DATA_TEST_CASE(checkpoint_commits_with_the_records, kBackends, backend) {
  TestStore s(backend);
  CommitBatch batch;
  batch.records = {caseRecord("hotline", "1"), caseRecord("hotline", "2")};
  batch.checkpoint = Checkpoint{"hotline-odbc", R"({"ts":"2022-09-25 14:03:00.123456","key":"WO-2"})", 0};
  auto result = s->commit(batch);
  BOOST_TEST(result.headPosition == 2);
  auto cp = s->getCheckpoint("hotline-odbc");
  BOOST_TEST_REQUIRE(cp.has_value());
  BOOST_TEST(cp->value == batch.checkpoint->value);
  BOOST_TEST(cp->updatedAt > 0);

  // A batch with nothing new still moves the checkpoint.
  batch.checkpoint->value = "next";
  s->commit(batch);
  BOOST_TEST(s->getCheckpoint("hotline-odbc")->value == "next");
  BOOST_TEST(s->headPosition() == 2);

  CommitBatch only;
  only.checkpoint = Checkpoint{"grid-file", "offset=10", 0};
  s->commit(only);
  auto all = s->listCheckpoints();
  BOOST_TEST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].connector == "grid-file");
  BOOST_TEST(all[1].connector == "hotline-odbc");

  s->resetCheckpoint("grid-file", std::string("offset=0"));
  BOOST_TEST(s->getCheckpoint("grid-file")->value == "offset=0");
  s->resetCheckpoint("grid-file", std::nullopt);
  BOOST_TEST(!s->getCheckpoint("grid-file").has_value());
  BOOST_TEST(!s->getCheckpoint("nobody").has_value());
}

BOOST_DATA_TEST_CASE(invalid_record_commits_nothing, kBackends, backend) {
  TestStore s(backend);
  CommitBatch setup;
  setup.records = {caseRecord("hotline", "0")};
  setup.checkpoint = Checkpoint{"hotline-odbc", "before", 0};
  setup.deadLetters = {deadLetter("hotline-odbc", "map", "bad", "raw")};
  auto ids = s->commit(setup).deadLetterIds;

  CommitBatch batch;
  Record bad = caseRecord("hotline", "2");
  bad.envelope.region_code = "21-11";
  batch.records = {caseRecord("hotline", "1"), bad, caseRecord("hotline", "3")};
  batch.checkpoint = Checkpoint{"hotline-odbc", "after", 0};
  batch.deadLetters = {deadLetter("hotline-odbc", "decode", "not GBK", "x")};
  batch.resolvedDeadLetters = {{ids.at(0), recordIdOf(caseRecord("hotline", "1"))}};
  auto e = expectError(ErrorCode::InvalidInput, [&] { s->commit(batch); });
  BOOST_TEST(!e.issues().empty());
  BOOST_TEST(e.issues()[0].field == "region_code");

  BOOST_TEST(s->headPosition() == 1);
  BOOST_TEST(countRows(s, "records") == 1u);
  BOOST_TEST(countRows(s, "changes") == 1u);
  BOOST_TEST(!s->getRecord(recordIdOf(caseRecord("hotline", "1"))).has_value());
  BOOST_TEST(s->getCheckpoint("hotline-odbc")->value == "before");
  BOOST_TEST(s->listDeadLetters({}).size() == 1u);
  BOOST_TEST(!s->getDeadLetter(ids.at(0))->resolved);
}

// A failure inside the transaction — after the records, the feed entries and
// the dead letters were written — rolls all of it back. The failure is a
// trigger on the checkpoint (written last) installed with raw SQL.
BOOST_DATA_TEST_CASE(failure_inside_the_transaction_rolls_everything_back, kBackends, backend) {
  TestStore s(backend);
  commitRecords(*s, {caseRecord("hotline", "0")});
  if (backend == Backend::Sqlite) {
    s.sql(
        "CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON checkpoints WHEN NEW.connector = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;");
  } else {
    s.sql(
        "CREATE FUNCTION refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.connector = 'boom' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON checkpoints FOR EACH ROW "
        "EXECUTE FUNCTION refuse_checkpoint();");
  }
  CommitBatch batch;
  Record changed = caseRecord("hotline", "0", "changed");
  batch.records = {caseRecord("hotline", "1"), changed, tombstone("hotline", RecordKind::CASE, "1")};
  batch.deadLetters = {deadLetter("c", "map", "e", "raw")};
  batch.checkpoint = Checkpoint{"boom", "v", 0};
  try {
    s->commit(batch);
    BOOST_FAIL("the trigger should have failed the commit");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "refused by test trigger"), e.what());
  }
  BOOST_TEST(s->headPosition() == 1);
  BOOST_TEST(countRows(s, "changes") == 1u);
  BOOST_TEST(countRows(s, "records") == 1u);
  BOOST_TEST(countRows(s, "dead_letters") == 0u);
  BOOST_TEST(countRows(s, "checkpoints") == 0u);
  BOOST_TEST(s->getRecord(recordIdOf(changed))->record.envelope.version == 1);
  BOOST_TEST(readWholeFeed(*s).size() == 1u);
  // The store is fine afterwards, and positions continue without a gap.
  batch.checkpoint = Checkpoint{"fine", "v", 0};
  auto ok = s->commit(batch);
  BOOST_TEST(ok.outcomes[0].position == 2);
  BOOST_TEST(ok.headPosition == 4);
}

// ---------------------------------------------------------- dead letters

BOOST_DATA_TEST_CASE(dead_letters_keep_raw_bytes_exactly, kBackends, backend) {
  TestStore s(backend);
  // GBK 中文, a NUL, bytes that are never UTF-8, a CSV line end.
  const char rawBytes[] = "\xd6\xd0\xce\xc4,\x00\xff\xfe\x80,line\r\n\"quoted\"";
  const std::string raw(rawBytes, sizeof rawBytes - 1);
  std::string allBytes;
  for (int b = 0; b < 256; ++b) allBytes += static_cast<char>(b);
  CommitBatch batch;
  DeadLetter first = deadLetter("hotline-odbc", "decode", "byte 0xFF is not GB18030", raw);
  first.platform = "hotline";
  first.field = "content";
  first.function = "decode(gb18030)";
  first.value = "\\xff";
  first.mapping = "hotline@3";
  first.rawFormat = "csv";
  first.createdAt = 1664085780123;
  const char cells[] = "\x01\x00title\x00\xd6\xd0";  // replay cells are bytes too, kept exactly
  first.cells = std::string(cells, sizeof cells - 1);
  DeadLetter second = deadLetter("push", "validate", "region_code: must be 6 digits", allBytes);
  second.platform = "grid";
  second.field = "region_code";
  second.value = "21-11";
  second.mapping = "grid@1";
  batch.deadLetters = {first, second};
  auto result = s->commit(batch);
  BOOST_TEST_REQUIRE(result.deadLetterIds.size() == 2u);
  BOOST_TEST(result.deadLetterIds[0] < result.deadLetterIds[1]);

  auto d = s->getDeadLetter(result.deadLetterIds[0]);
  BOOST_TEST_REQUIRE(d.has_value());
  BOOST_TEST(d->id == result.deadLetterIds[0]);
  BOOST_TEST(d->source == "hotline-odbc");
  BOOST_TEST(d->platform == "hotline");
  BOOST_TEST(d->stage == "decode");
  BOOST_TEST(d->error == "byte 0xFF is not GB18030");
  BOOST_TEST(d->field == "content");
  BOOST_TEST(d->function == "decode(gb18030)");
  BOOST_TEST(d->value == "\\xff");
  BOOST_TEST(d->mapping == "hotline@3");
  BOOST_TEST(d->raw.size() == raw.size());
  BOOST_TEST(d->raw == raw);
  BOOST_TEST(d->rawFormat == "csv");
  BOOST_TEST(d->cells == first.cells);
  BOOST_TEST(d->createdAt == 1664085780123);
  BOOST_TEST(!d->resolved);
  BOOST_TEST(d->resolvedAt == 0);
  BOOST_TEST(d->resolvedRecordId == "");
  auto d2 = s->getDeadLetter(result.deadLetterIds[1]);
  BOOST_TEST(d2->raw == allBytes);
  BOOST_TEST(d2->createdAt > 1664085780123);  // "now" when not given
  BOOST_TEST(!s->getDeadLetter(999999).has_value());

  // Queries.
  DeadLetterQuery q;
  BOOST_TEST(s->listDeadLetters(q).size() == 2u);
  q.source = "push";
  BOOST_TEST(s->listDeadLetters(q).size() == 1u);
  q = {};
  q.platform = "hotline";
  BOOST_TEST(s->listDeadLetters(q).size() == 1u);
  q = {};
  q.afterId = result.deadLetterIds[0];
  BOOST_TEST(s->listDeadLetters(q).at(0).id == result.deadLetterIds[1]);
  q = {};
  q.limit = 1;
  BOOST_TEST(s->listDeadLetters(q).size() == 1u);

  // Resolving: a replay commits the record and marks the dead letter in one batch.
  CommitBatch replay;
  Record fixed = caseRecord("hotline", "WO-9");
  replay.records = {fixed};
  replay.resolvedDeadLetters = {{result.deadLetterIds[0], recordIdOf(fixed)}};
  s->commit(replay);
  auto resolved = s->getDeadLetter(result.deadLetterIds[0]);
  BOOST_TEST(resolved->resolved);
  BOOST_TEST(resolved->resolvedAt > 0);
  BOOST_TEST(resolved->resolvedRecordId == recordIdOf(fixed));
  BOOST_TEST(resolved->raw == raw);
  q = {};
  q.resolved = false;
  auto open = s->listDeadLetters(q);
  BOOST_TEST_REQUIRE(open.size() == 1u);
  BOOST_TEST(open[0].id == result.deadLetterIds[1]);
  q.resolved = true;
  BOOST_TEST(s->listDeadLetters(q).size() == 1u);
}

// A dead letter's descriptive fields often quote the bytes that failed: they
// must not fail the batch (PostgreSQL text takes only UTF-8 and no NUL). They
// are kept readable with \xNN escapes; the raw row keeps every byte.
BOOST_DATA_TEST_CASE(dead_letter_text_with_undecodable_bytes_is_kept, kBackends, backend) {
  TestStore s(backend);
  CommitBatch batch;
  const std::string gbk("\xd6\xd0\xce\xc4\xff", 5);
  DeadLetter d = deadLetter("hotline-odbc", "decode", "byte 0xFF in '" + gbk + "' is not GBK", gbk);
  d.value = gbk + std::string(1, '\0') + "x";
  d.field = "标题";
  batch.deadLetters = {d};
  batch.records = {caseRecord("hotline", "1")};
  batch.checkpoint = Checkpoint{"hotline-odbc", "7", 0};
  auto result = s->commit(batch);
  BOOST_TEST(result.headPosition == 1);
  BOOST_TEST(s->getCheckpoint("hotline-odbc")->value == "7");
  auto stored = s->getDeadLetter(result.deadLetterIds.at(0));
  BOOST_TEST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->raw == gbk);
  BOOST_TEST(stored->value == "\\xd6\\xd0\\xce\\xc4\\xff\\x00x");
  BOOST_TEST(stored->error == "byte 0xFF in '\\xd6\\xd0\\xce\\xc4\\xff' is not GBK");
  BOOST_TEST(stored->field == "标题");  // valid UTF-8 is kept as is
  BOOST_TEST(govsync::isValidUtf8(stored->value));
}

// A new SQLite store holds personal data in clear, secret hashes and the
// audit log: its files are readable by their owner only.
BOOST_AUTO_TEST_CASE(a_new_sqlite_store_is_readable_by_its_owner_only) {
  namespace fs = std::filesystem;
  govsync::testing::TempDir dir;
  StoreOptions options;
  options.sqlitePath = dir.file("govsync.db");
  auto store = openStore(options);
  commitRecords(*store, {caseRecord("hotline", "1")});
  for (const auto* name : {"govsync.db", "govsync.db-wal"}) {
    BOOST_TEST_REQUIRE(fs::exists(dir.file(name)), name);
    const auto mode = static_cast<int>(fs::status(dir.file(name)).permissions() & fs::perms::all);
    BOOST_TEST(mode == 0600, name << " has mode " << std::oct << mode);
  }
}

BOOST_AUTO_TEST_SUITE_END()
