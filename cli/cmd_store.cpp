// Store subcommands: status, putting and getting unified records, reading
// the change feed, verifying the audit chain.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_common.h"
#include "core/record/record_json.h"
#include "core/store/feed_cursor.h"
#include "core/util/error.h"

namespace govsync::cli {

namespace {

std::string readInput(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error::invalid("cannot read " + path);
    text << in.rdbuf();
  }
  return text.str();
}

/// Records from a JSON array or NDJSON text.
std::vector<schema::Record> parseRecords(const std::string& text) {
  std::vector<schema::Record> records;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var parsed;
    try {
      parsed = parser.parse(text);
    } catch (const Poco::Exception& e) {
      throw Error::invalid("malformed JSON: " + e.message());
    }
    auto arr = parsed.extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; i < arr->size(); ++i) {
      auto obj = arr->getObject(static_cast<unsigned>(i));
      if (!obj) throw Error::invalid("item " + std::to_string(i + 1) + " is not a JSON object");
      records.push_back(recordFromJson(*obj));
    }
    return records;
  }
  std::istringstream lines(text);
  std::string line;
  for (size_t n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      records.push_back(recordFromJsonText(line));
    } catch (const Error& e) {
      std::string detail;
      for (const auto& i : e.issues()) detail += "; " + i.field + ": " + i.message;
      throw Error::invalid("line " + std::to_string(n) + ": " + e.what() + detail);
    }
  }
  return records;
}

int status(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  auto store = openConfiguredStore(loadConfig(args));
  std::cout << "store:          " << store->backend() << " " << store->target() << "\n"
            << "schema version: " << store->schemaVersion() << "\n"
            << "feed head:      " << store->headPosition() << "\n"
            << "subscriptions:  " << store->listSubscriptions().size() << "\n"
            << "checkpoints:    " << store->listCheckpoints().size() << "\n";
  store::DeadLetterQuery q;
  q.resolved = false;
  q.limit = 1000000;
  std::cout << "open dead letters: " << store->listDeadLetters(q).size() << "\n";
  return 0;
}

int put(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  if (args.positional().size() != 1) throw Error::invalid("usage: govsync records put FILE|-");
  auto records = parseRecords(readInput(args.positional()[0]));
  auto store = openConfiguredStore(loadConfig(args));
  store::CommitBatch batch;
  batch.records = std::move(records);
  auto result = store->commit(batch);
  size_t changed = 0;
  for (const auto& o : result.outcomes) {
    std::cout << o.recordId << " v" << o.version << (o.changed ? " changed" : " unchanged") << "\n";
    changed += o.changed;
  }
  std::cout << result.outcomes.size() << " records, " << changed << " changed, feed head " << result.headPosition
            << "\n";
  return 0;
}

int get(const std::vector<std::string>& argv) {
  Args args(argv, {}, {"pii"});
  if (args.positional().size() != 1) throw Error::invalid("usage: govsync records get RECORD_ID [--pii]");
  auto store = openConfiguredStore(loadConfig(args));
  auto stored = store->getRecord(args.positional()[0]);
  if (!stored) throw Error::notFound("no record " + args.positional()[0]);
  std::cout << recordToJson(stored->record, !args.has("pii")) << "\n";
  return 0;
}

int readFeed(const std::vector<std::string>& argv) {
  Args args(argv, {"after", "limit", "kind", "source", "region"}, {"pii"});
  auto store = openConfiguredStore(loadConfig(args));
  store::FeedQuery q;
  q.after = store::decodeCursor(args.getOr("after", ""));
  const std::string limit = args.getOr("limit", "100");
  if (limit.empty() || limit.size() > 6 || limit.find_first_not_of("0123456789") != std::string::npos)
    throw Error::invalid("--limit must be a number of records (1 to 999999), not '" + limit + "'");
  q.limit = static_cast<size_t>(std::stoul(limit));
  if (auto kind = args.get("kind")) {
    q.filter.kind = schema::kindFromName(*kind);
    if (!q.filter.kind) throw Error::invalid("--kind must be CASE, REVIEW or OBSERVATION");
  }
  q.filter.sourceSystem = args.getOr("source", "");
  q.filter.regionPrefix = args.getOr("region", "");
  auto page = store->readFeed(q);
  for (const auto& e : page.entries) std::cout << (args.has("pii") ? e.jsonFull() : e.jsonMasked()) << "\n";
  std::cerr << page.entries.size() << " records; next cursor: " << store::encodeCursor(page.next) << " (position "
            << page.next << ", head " << page.head << ")\n";
  return 0;
}

int verifyAudit(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  std::string auditKey;
  try {
    const auto masterKey =
        gateway::MasterKey::load(config.getString("auth.master_key"), config.getString("data_dir"), false);
    auditKey = masterKey.derive(store::kAuditKeyPurpose);
    store->setAuditKey(auditKey);
  } catch (const Error& e) {
    throw Error::config(std::string("the audit log cannot be verified without the master key it is chained with: ") +
                        e.what());
  }
  const auto v = store->verifyAudit();
  // The chain's own findings first; then where it starts against the anchor.
  if (const auto problem = auditAnchorProblem(*store, config, auditKey, false); v.ok && !problem.empty()) {
    std::cout << "audit log TAMPERED: " << problem << "\n";
    return 1;
  }
  if (v.ok) {
    std::cout << "audit log intact: " << v.entries << " entries, hash chain verified";
    if (v.entries > 0)  // then at least one is keyed
      std::cout << " (keyed with the master key from entry " << v.keyedFrom
                << (v.keyedFrom > 1 ? "; the entries before it were written before the key and are covered by it" : "")
                << "); head " << v.headHash;
    std::cout << "\n";
    return 0;
  }
  if (v.reason == "not keyed" || v.reason == "wrong key") {
    std::cout << "audit log NOT VERIFIED: " << v.problem << "\n";
    return 1;
  }
  std::cout << "audit log TAMPERED: " << v.problem << "\n"
            << "  first broken entry: " << v.brokenSeq << " (" << v.reason << ")\n";
  return 1;
}

}  // namespace

void addStoreCommands(std::vector<Command>& out) {
  out.push_back({"store status", "show the store's backend, schema version, feed head and backlog", "", status});
  out.push_back(
      {"records put", "commit unified records from a JSON array or NDJSON file (- for stdin)", "FILE|-", put});
  out.push_back({"records get", "print one record as JSON (masked unless --pii)", "RECORD_ID [--pii]", get});
  out.push_back({"feed read", "print a page of the change feed as NDJSON",
                 "[--after CURSOR] [--limit N] [--kind KIND] [--source SYSTEM] [--region PREFIX] [--pii]", readFeed});
  out.push_back({"audit verify", "check the audit log's keyed hash chain (needs the master key, as serve does)", "",
                 verifyAudit});
}

}  // namespace govsync::cli
