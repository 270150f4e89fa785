// The store's contract, proven once and run on both backends: every test
// case is a data test case over {sqlite, postgres}, each on a fresh store
// (SQLite in a temporary folder, PostgreSQL as a new database).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/record/record_binary.h"
#include "core/record/record_json.h"
#include "core/record/record_rules.h"
#include "core/store/feed_cursor.h"
#include "core/store/store.h"
#include "core/util/crypto.h"
#include "core/util/error.h"
#include "tests/core/store_test_support.h"

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::Record;
using govsync::schema::RecordKind;
using namespace govsync::store;
using namespace govsync::testing;

namespace {

template <typename Fn>
Error expectError(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(code), e.what());
    return e;
  } catch (const std::exception& e) {
    BOOST_FAIL("expected Error(" << errorCodeName(code) << "), got another exception: " << e.what());
  }
  BOOST_FAIL("expected Error(" << errorCodeName(code) << "), nothing was thrown");
  throw std::logic_error("unreachable");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

CommitResult commitRecords(Store& store, std::vector<Record> records) {
  CommitBatch batch;
  batch.records = std::move(records);
  return store.commit(batch);
}

size_t countRows(const TestStore& s, const std::string& table) {
  return static_cast<size_t>(std::stoll(s.sql("SELECT count(*) FROM " + table).at(0).at(0)));
}

std::string recordIdOf(const Record& r) {
  return govsync::computeRecordId(r.envelope.source_system, r.envelope.kind, r.envelope.source_id);
}

DeadLetter deadLetter(const std::string& source, const std::string& stage, const std::string& error,
                      const std::string& raw) {
  DeadLetter d;
  d.source = source;
  d.platform = source;
  d.stage = stage;
  d.error = error;
  d.raw = raw;
  d.rawFormat = "json";
  return d;
}

const auto kBackends = bdata::make(allBackends());

}  // namespace

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

// ---------------------------------------------------------- subscriptions

BOOST_DATA_TEST_CASE(subscriptions_keep_consumer_cursors, kBackends, backend) {
  TestStore s(backend);
  commitRecords(*s, {caseRecord("a", "1"), caseRecord("a", "2"), caseRecord("a", "3")});
  FeedFilter filter;
  filter.kind = RecordKind::REVIEW;
  filter.sourceSystem = "hcp";
  filter.regionPrefix = "2111";

  auto sub = s->openSubscription("bigdata-reviews", filter, 0);
  BOOST_TEST(sub.name == "bigdata-reviews");
  BOOST_TEST(sub.position == 0);
  BOOST_TEST((sub.filter.kind == RecordKind::REVIEW));
  BOOST_TEST(sub.filter.sourceSystem == "hcp");
  BOOST_TEST(sub.filter.regionPrefix == "2111");
  BOOST_TEST(sub.createdAt > 0);

  // Opening again returns the existing one unchanged.
  auto again = s->openSubscription("bigdata-reviews", FeedFilter{}, 2);
  BOOST_TEST(again.position == 0);
  BOOST_TEST(again.filter.sourceSystem == "hcp");

  auto acked = s->ackSubscription("bigdata-reviews", 2);
  BOOST_TEST(acked.position == 2);
  BOOST_TEST(s->getSubscription("bigdata-reviews")->position == 2);
  BOOST_TEST(s->ackSubscription("bigdata-reviews", 3).position == 3);  // = head
  // Beyond the head, or negative: rejected, position unchanged.
  expectError(ErrorCode::InvalidInput, [&] { s->ackSubscription("bigdata-reviews", 4); });
  expectError(ErrorCode::InvalidInput, [&] { s->ackSubscription("bigdata-reviews", -1); });
  BOOST_TEST(s->getSubscription("bigdata-reviews")->position == 3);
  expectError(ErrorCode::NotFound, [&] { s->ackSubscription("nobody", 1); });
  BOOST_TEST(!s->getSubscription("nobody").has_value());

  s->openSubscription("all", FeedFilter{}, 1);
  auto list = s->listSubscriptions();
  BOOST_TEST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].name == "all");
  BOOST_TEST(list[0].filter.empty());
  BOOST_TEST(list[0].position == 1);
  BOOST_TEST(list[1].name == "bigdata-reviews");

  BOOST_TEST(s->deleteSubscription("all"));
  BOOST_TEST(!s->deleteSubscription("all"));
  BOOST_TEST(s->listSubscriptions().size() == 1u);
}

// ------------------------------------------------------------------- feed

BOOST_DATA_TEST_CASE(feed_filters_select_changes, kBackends, backend) {
  TestStore s(backend);
  commitRecords(*s, {
                        caseRecord("hotline", "1", "t", "211102"),        // 1
                        reviewRecord("hcp", "1", 5, "211103"),            // 2
                        observationRecord("env", "1", 1.0, "211104"),     // 3
                        caseRecord("grid", "1", "t", "211122001002"),     // 4
                        reviewRecord("hcp", "2", 1, "210102"),            // 5
                        caseRecord("hotline", "2", "t", "211102003000"),  // 6
                    });
  commitRecords(*s, {tombstone("hotline", RecordKind::CASE, "1")});  // 7 (region of the tombstone: none)

  auto positions = [&](const FeedFilter& f, size_t pageSize) {
    std::vector<int64_t> out;
    for (const auto& e : readWholeFeed(*s, f, pageSize)) out.push_back(e.position);
    return out;
  };
  for (size_t pageSize : {1, 2, 100}) {
    BOOST_TEST_CONTEXT("page size " << pageSize) {
      FeedFilter f;
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}),
                 boost::test_tools::per_element());
      f.kind = RecordKind::CASE;
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 4, 6, 7}), boost::test_tools::per_element());
      f = {};
      f.sourceSystem = "hcp";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{2, 5}), boost::test_tools::per_element());
      f = {};
      f.regionPrefix = "2111";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 2, 3, 4, 6}), boost::test_tools::per_element());
      f.regionPrefix = "211102";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{1, 6}), boost::test_tools::per_element());
      f.regionPrefix = "211122001002";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{4}), boost::test_tools::per_element());
      f = {};
      f.kind = RecordKind::REVIEW;
      f.regionPrefix = "2111";
      f.sourceSystem = "hcp";
      BOOST_TEST(positions(f, pageSize) == (std::vector<int64_t>{2}), boost::test_tools::per_element());
      f.sourceSystem = "nobody";
      BOOST_TEST(positions(f, pageSize).empty());
    }
  }

  // Entries carry what they say.
  auto all = readWholeFeed(*s);
  BOOST_TEST_REQUIRE(all.size() == 7u);
  const auto& review = all[1];
  BOOST_TEST((review.kind == RecordKind::REVIEW));
  BOOST_TEST(review.sourceSystem == "hcp");
  BOOST_TEST(review.regionCode == "211103");
  BOOST_TEST(review.department == "盘山县政务服务中心");
  BOOST_TEST(review.version == 1);
  BOOST_TEST(review.committedAt > 0);
  BOOST_TEST(!review.deleted);
  auto full = govsync::recordFromJsonText(review.jsonFull());
  auto stored = s->getRecord(review.recordId);
  BOOST_TEST((full == stored->record));
  BOOST_TEST(contains(review.jsonFull(), "\"evaluator_phone\":\"13912345678\""));
  BOOST_TEST(contains(review.jsonMasked(), "\"evaluator_phone\":\"139****5678\""));
  BOOST_TEST(contains(review.jsonMasked(), "\"evaluator_name\":\"李*\""));
  BOOST_TEST(!contains(review.jsonMasked(), "13912345678"));
  BOOST_TEST(contains(all[0].jsonMasked(), "\"reporter_id_no\":\"211102********1234\""));
  BOOST_TEST(all[6].deleted);
}

BOOST_DATA_TEST_CASE(next_cursor_rules, kBackends, backend) {
  TestStore s(backend);
  // Empty feed: next stays where the reader is.
  auto empty = s->readFeed({});
  BOOST_TEST(empty.entries.empty());
  BOOST_TEST(empty.next == 0);
  BOOST_TEST(empty.head == 0);

  std::vector<Record> batch;
  for (int i = 1; i <= 10; ++i)
    batch.push_back(i % 2 ? caseRecord("hotline", std::to_string(i)) : reviewRecord("hcp", std::to_string(i)));
  commitRecords(*s, batch);  // 1..10; CASE at odd positions

  // A full page ends at its last entry.
  FeedQuery q;
  q.limit = 4;
  auto page = s->readFeed(q);
  BOOST_TEST(page.entries.size() == 4u);
  BOOST_TEST(page.next == 4);
  BOOST_TEST(page.head == 10);
  q.after = page.next;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.front().position == 5);
  BOOST_TEST(page.next == 8);
  // A short page jumps to the head.
  q.after = page.next;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.size() == 2u);
  BOOST_TEST(page.next == 10);
  q.after = page.next;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.empty());
  BOOST_TEST(page.next == 10);

  // With a filter: a full page ends at its last match even if non-matching
  // changes follow; a short page jumps past the non-matching ones to the head.
  FeedQuery f;
  f.filter.kind = RecordKind::CASE;
  f.limit = 2;
  page = s->readFeed(f);
  BOOST_TEST(page.entries.size() == 2u);
  BOOST_TEST(page.entries[1].position == 3);
  BOOST_TEST(page.next == 3);
  f.after = 7;
  f.limit = 5;
  page = s->readFeed(f);
  BOOST_TEST_REQUIRE(page.entries.size() == 1u);
  BOOST_TEST(page.entries[0].position == 9);
  BOOST_TEST(page.next == 10);
  f.filter.sourceSystem = "nobody";
  f.after = 0;
  page = s->readFeed(f);
  BOOST_TEST(page.entries.empty());
  BOOST_TEST(page.next == 10);

  // A reader at the head sees the next commit only.
  commitRecords(*s, {caseRecord("hotline", "11")});
  q.after = 10;
  q.limit = 100;
  page = s->readFeed(q);
  BOOST_TEST_REQUIRE(page.entries.size() == 1u);
  BOOST_TEST(page.entries[0].position == 11);
  BOOST_TEST(page.next == 11);

  // A cursor past the head is kept, not moved back.
  q.after = 50;
  page = s->readFeed(q);
  BOOST_TEST(page.entries.empty());
  BOOST_TEST(page.next == 50);
  q.limit = 0;
  expectError(ErrorCode::InvalidInput, [&] { s->readFeed(q); });

  // A region prefix is digits: SQL wildcards are not a way to widen a filter.
  for (const char* bad : {"21_1", "%", "2111%", "21110 ", "２１"}) {
    BOOST_TEST_CONTEXT("region prefix '" << bad << "'") {
      FeedQuery r;
      r.filter.regionPrefix = bad;
      expectError(ErrorCode::InvalidInput, [&] { s->readFeed(r); });
      expectError(ErrorCode::InvalidInput, [&] { s->openSubscription("wild", r.filter, 0); });
    }
  }
  BOOST_TEST(!s->getSubscription("wild").has_value());
}

BOOST_DATA_TEST_CASE(commits_wake_long_polling_readers, kBackends, backend) {
  TestStore s(backend);
  auto& notifier = s->notifier();
  BOOST_TEST(notifier.head() == 0);
  BOOST_TEST(notifier.waitBeyond(0, 10) == 0);  // times out
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    commitRecords(*s, {caseRecord("a", "1"), caseRecord("a", "2")});
  });
  BOOST_TEST(notifier.waitBeyond(0, 10000) == 2);
  writer.join();
  // A reopened store starts its notifier at the stored head.
  s.reopen();
  BOOST_TEST(s->notifier().head() == 2);
}

BOOST_AUTO_TEST_CASE(cursors_are_opaque_and_checked) {
  for (int64_t p : {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, int64_t{1} << 40, INT64_MAX}) {
    const auto c = encodeCursor(p);
    BOOST_TEST(decodeCursor(c) == p);
    BOOST_TEST(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               std::string::npos);
    BOOST_TEST(c != std::to_string(p));
  }
  BOOST_TEST(decodeCursor("") == 0);
  std::string wrongVersion(9, '\0');
  wrongVersion[0] = 2;
  std::string negative(9, '\xff');
  negative[0] = 1;
  for (const std::string& bad :
       {std::string("abc"), std::string("!!!!!!!!!!!!"), std::string("12"), std::to_string(12345678901234LL),
        std::string(200, 'A'), encodeCursor(5) + "AAAA", encodeCursor(5).substr(1), std::string("AQAAAAAAAAA*"),
        govsync::base64UrlEncode(wrongVersion), govsync::base64UrlEncode(negative), std::string("\xff\xfe", 2)}) {
    BOOST_TEST_CONTEXT("cursor '" << bad << "'") {
      expectError(ErrorCode::InvalidInput, [&] { decodeCursor(bad); });
    }
  }
}

// ------------------------------------------------------------------ audit

BOOST_DATA_TEST_CASE(audit_chain_appends_and_verifies, kBackends, backend) {
  TestStore s(backend);
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
  auto listed = s->listAudit(0, 100);
  BOOST_TEST_REQUIRE(listed.size() == 5u);
  BOOST_TEST(listed[4].hash == appended[4].hash);
  BOOST_TEST(listed[1].actor == "cli");
  BOOST_TEST(s->listAudit(3, 1).at(0).seq == 4);
  auto v = s->verifyAudit();
  BOOST_TEST(v.ok, v.problem);
  BOOST_TEST(v.entries == 5);
}

enum class Tamper { ChangeText, ChangeTime, DeleteMiddle, DeleteLast, DeleteFirst, Reorder };
std::ostream& operator<<(std::ostream& out, Tamper t) {
  const char* names[] = {"change-text", "change-time", "delete-middle", "delete-last", "delete-first", "reorder"};
  return out << names[static_cast<int>(t)];
}

BOOST_DATA_TEST_CASE(audit_tampering_is_detected,
                     kBackends* bdata::make({Tamper::ChangeText, Tamper::ChangeTime, Tamper::DeleteMiddle,
                                             Tamper::DeleteLast, Tamper::DeleteFirst, Tamper::Reorder}),
                     backend, tamper) {
  TestStore s(backend);
  for (int i = 1; i <= 5; ++i)
    s->appendAudit(AuditEntry{0, 0, "client-" + std::to_string(i), "pull", "feed", R"({"n":1})", "", ""});
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
  }
  auto v = s->verifyAudit();
  BOOST_TEST(!v.ok);
  BOOST_TEST(!v.problem.empty());
  BOOST_TEST_MESSAGE(tamper << " on " << backend << ": " << v.problem);
  switch (tamper) {
    case Tamper::ChangeText: BOOST_TEST(contains(v.problem, "entry 3"), v.problem); break;
    case Tamper::ChangeTime: BOOST_TEST(contains(v.problem, "entry 2"), v.problem); break;
    case Tamper::DeleteMiddle: BOOST_TEST(contains(v.problem, "entry 3 is missing"), v.problem); break;
    case Tamper::DeleteLast: BOOST_TEST(contains(v.problem, "deleted"), v.problem); break;
    case Tamper::DeleteFirst: BOOST_TEST(contains(v.problem, "entry 1 is missing"), v.problem); break;
    case Tamper::Reorder: BOOST_TEST(contains(v.problem, "entry 2"), v.problem); break;
  }
}

// ---------------------------------------------------------------- clients

BOOST_DATA_TEST_CASE(api_clients, kBackends, backend) {
  TestStore s(backend);
  ApiClient c;
  c.keyId = "gk_1";
  c.name = "bigdata-centre";
  c.department = "市大数据中心";
  c.scopes = {"pull:CASE", "pull:REVIEW", "pii"};
  c.secretSalt = "salt";
  c.secretHash = "hash";
  s->addClient(c);
  auto found = s->findClient("gk_1");
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(found->name == "bigdata-centre");
  BOOST_TEST(found->department == "市大数据中心");
  BOOST_TEST(found->scopes == c.scopes, boost::test_tools::per_element());
  BOOST_TEST(found->secretSalt == "salt");
  BOOST_TEST(found->secretHash == "hash");
  BOOST_TEST(found->createdAt > 0);
  BOOST_TEST(found->revokedAt == 0);
  BOOST_TEST(!s->findClient("gk_2").has_value());

  ApiClient dup = c;
  dup.keyId = "gk_2";
  auto e = expectError(ErrorCode::Conflict, [&] { s->addClient(dup); });
  BOOST_TEST(contains(e.what(), "bigdata-centre"));
  ApiClient sameKey = c;
  sameKey.name = "other";
  expectError(ErrorCode::Conflict, [&] { s->addClient(sameKey); });

  ApiClient b = c;
  b.keyId = "gk_3";
  b.name = "12345-hotline";
  b.scopes = {};
  s->addClient(b);
  auto list = s->listClients();
  BOOST_TEST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].name == "12345-hotline");
  BOOST_TEST(list[0].scopes.empty());

  BOOST_TEST(s->revokeClient("bigdata-centre"));
  BOOST_TEST(s->findClient("gk_1")->revokedAt > 0);
  BOOST_TEST(!s->revokeClient("bigdata-centre"));  // already revoked
  BOOST_TEST(s->revokeClient("gk_3"));             // by key id
  BOOST_TEST(!s->revokeClient("nobody"));
}

// ------------------------------------------------------------- migrations

BOOST_DATA_TEST_CASE(reopening_keeps_data, kBackends, backend) {
  TestStore s(backend);
  const int version = s->schemaVersion();
  BOOST_TEST(version >= 1);
  CommitBatch batch;
  batch.records = {caseRecord("a", "1"), reviewRecord("b", "1")};
  batch.checkpoint = Checkpoint{"a", "42", 0};
  batch.deadLetters = {deadLetter("a", "map", "e", "raw")};
  s->commit(batch);
  s->openSubscription("sub", {}, 1);
  s->appendAudit(AuditEntry{0, 0, "cli", "admin.test", "", "", "", ""});

  for (int i = 0; i < 2; ++i) {
    s.reopen();
    BOOST_TEST(s->schemaVersion() == version);
    BOOST_TEST(s->headPosition() == 2);
    BOOST_TEST(readWholeFeed(*s).size() == 2u);
    BOOST_TEST(s->getRecord(recordIdOf(caseRecord("a", "1"))).has_value());
    BOOST_TEST(s->getCheckpoint("a")->value == "42");
    BOOST_TEST(s->listDeadLetters({}).size() == 1u);
    BOOST_TEST(s->getSubscription("sub")->position == 1);
    BOOST_TEST(s->verifyAudit().entries == 1);
  }
  BOOST_TEST(s.sql("SELECT count(*) FROM schema_migrations").at(0).at(0) == std::to_string(version));
  // Positions continue after a reopen.
  BOOST_TEST(commitRecords(*s, {caseRecord("a", "2")}).outcomes[0].position == 3);
}

BOOST_DATA_TEST_CASE(newer_schema_is_refused, kBackends, backend) {
  TestStore s(backend);
  s.close();
  s.sql("INSERT INTO schema_migrations (version, description, applied_at) VALUES (999, 'from the future', 0)");
  auto e = expectError(ErrorCode::Config, [&] { s.reopen(); });
  BOOST_TEST_MESSAGE(e.what());
  BOOST_TEST(contains(e.what(), "999"), e.what());
  BOOST_TEST(contains(e.what(), "upgrade"), e.what());
  if (backend == Backend::Sqlite) BOOST_TEST(contains(e.what(), s.options().sqlitePath), e.what());
}

BOOST_DATA_TEST_CASE(corrupt_rows_are_reported_not_served, kBackends, backend) {
  TestStore s(backend);
  const Record a = caseRecord("hotline", "1"), b = caseRecord("hotline", "2"), c = caseRecord("hotline", "3"),
               d = caseRecord("hotline", "4");
  commitRecords(*s, {a, b, c, d});
  const std::string blobOf = backend == Backend::Sqlite ? "X'0c000102'" : "'\\x0c000102'::bytea";

  // A damaged body (unreadable bytes).
  s.sql("UPDATE records SET body = " + blobOf + " WHERE record_id = '" + recordIdOf(a) + "'");
  auto e1 = expectError(ErrorCode::Corrupt, [&] { s->getRecord(recordIdOf(a)); });
  BOOST_TEST(contains(e1.what(), "not readable"), e1.what());
  // A body swapped for another record's (well-formed, wrong record).
  s.sql("UPDATE records SET body = (SELECT body FROM records WHERE record_id = '" + recordIdOf(c) +
        "') WHERE record_id = '" + recordIdOf(b) + "'");
  auto e2 = expectError(ErrorCode::Corrupt, [&] { s->getRecord(recordIdOf(b)); });
  BOOST_TEST(contains(e2.what(), recordIdOf(b)), e2.what());
  // A changed content hash.
  s.sql("UPDATE records SET payload_sha256 = 'feedface' WHERE record_id = '" + recordIdOf(c) + "'");
  expectError(ErrorCode::Corrupt, [&] { s->getRecord(recordIdOf(c)); });
  // An untouched record is still served.
  BOOST_TEST(s->getRecord(recordIdOf(d)).has_value());

  // A feed entry whose served JSON was changed (before any read kept it in the feed cache).
  s.sql("UPDATE changes SET json_full = replace(json_full, '13812341234', '13800000000') WHERE position = 2");
  auto e3 = expectError(ErrorCode::Corrupt, [&] { readWholeFeed(*s); });
  BOOST_TEST(contains(e3.what(), "position 2"), e3.what());
  FeedQuery q;
  q.limit = 1;
  const auto first = s->readFeed(q);
  BOOST_TEST_REQUIRE(first.entries.size() == 1u);  // position 1 is fine
  // Once read and checked, an entry is served from memory: a later change in
  // the database is not seen (positions are immutable; the cache holds what
  // was verified).
  s.sql("UPDATE changes SET json_full = 'tampered' WHERE position = 1");
  BOOST_TEST(s->readFeed(q).entries.at(0).jsonFull() == first.entries[0].jsonFull());
  s.sql("UPDATE changes SET json_masked = replace(json_masked, '138****1234', '13812341234') WHERE position = 3");
  q.after = 2;
  expectError(ErrorCode::Corrupt, [&] { s->readFeed(q); });
}

// ------------------------------------------------------- bad store targets

BOOST_AUTO_TEST_CASE(bad_sqlite_targets_give_clear_errors) {
  TempDir dir;
  const std::string regularFile = dir.file("not-a-dir");
  std::ofstream(regularFile) << "just text\n";
  const std::string textFile = dir.file("notes.db");
  {
    std::ofstream out(textFile);
    for (int i = 0; i < 200; ++i) out << "this is not an SQLite database, line " << i << "\n";
  }
  std::filesystem::create_directories(dir.file("a-directory.db"));
  for (const std::string& path : {std::string("/proc/govsync/x.db"), regularFile + "/x.db", textFile,
                                  dir.file("a-directory.db"), std::string("/proc/version")}) {
    BOOST_TEST_CONTEXT(path) {
      StoreOptions o;
      o.backend = "sqlite";
      o.sqlitePath = path;
      auto e = expectError(ErrorCode::Unavailable, [&] { openStore(o); });
      BOOST_TEST_MESSAGE(e.what());
      BOOST_TEST(contains(e.what(), path), e.what());
      BOOST_TEST(e.retryable());
    }
  }
  StoreOptions o;
  o.backend = "oracle";
  auto e = expectError(ErrorCode::Config, [&] { openStore(o); });
  BOOST_TEST(contains(e.what(), "oracle"));
}

namespace {
// A TCP port on 127.0.0.1 that nothing listens on.
int closedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}
}  // namespace

BOOST_AUTO_TEST_CASE(bad_postgres_targets_give_clear_errors) {
  const std::string base = testPgConninfo();
  const std::string password = "Wr0ng-Pa55word-secret";
  struct Case {
    std::string label, conninfo, password;
    std::vector<std::string> mentions;
  };
  const std::string port = std::to_string(closedPort());
  const std::vector<Case> cases = {
      {"server down",
       conninfoWith(conninfoWith(base, "port", port), "password", ""),
       password,
       {"host=127.0.0.1", "port=" + port, "dbname=govsync_test"}},
      {"wrong password",
       conninfoWith(base, "password", ""),
       password,
       {"host=127.0.0.1", "port=" + conninfoValue(base, "port"), "dbname=govsync_test", "user=govsync"}},
      {"wrong password inside the conninfo",
       conninfoWith(base, "password", password),
       "",
       {"host=127.0.0.1", "dbname=govsync_test"}},
      {"no such database", conninfoWith(base, "dbname", "govsync_no_such_db"), "", {"dbname=govsync_no_such_db"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.label) {
      StoreOptions o;
      o.backend = "postgres";
      o.postgresConninfo = c.conninfo;
      o.postgresPassword = c.password;
      auto e = expectError(ErrorCode::Unavailable, [&] { openStore(o); });
      BOOST_TEST_MESSAGE(e.what());
      for (const auto& m : c.mentions) BOOST_TEST(contains(e.what(), m), "'" << m << "' not in: " << e.what());
      BOOST_TEST(!contains(e.what(), password), e.what());
      BOOST_TEST(!contains(e.what(), "govsync-test"), e.what());  // the right password either
      BOOST_TEST(e.retryable());
    }
  }
  StoreOptions o;
  o.backend = "postgres";
  o.postgresConninfo = "host='unterminated";
  expectError(ErrorCode::Config, [&] { openStore(o); });
}

BOOST_AUTO_TEST_SUITE_END()
