// The reading half of the service layer: the change feed (filters by scope,
// long-poll), single records, and server-kept subscriptions.
#include <algorithm>
#include <cctype>
#include <chrono>

#include "core/record/record_json.h"
#include "core/store/feed_cursor.h"
#include "core/store/sql_store.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "gateway/service/exchange_service.h"

namespace govsync::gateway {

namespace {

bool validName(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

std::string filterDetail(const store::FeedFilter& f) { return store::feedFilterToJson(f); }

}  // namespace

store::FeedFilter ExchangeService::filterFor(const Principal& who, const std::string& kind, const std::string& source,
                                             const std::string& region, const std::string& target) {
  store::FeedFilter f;
  if (!kind.empty()) {
    std::string upper = kind;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    f.kind = schema::kindFromName(upper);
    if (!f.kind) throw Error::invalid("kind must be CASE, REVIEW or OBSERVATION, not '" + kind.substr(0, 40) + "'");
    if (!who.canPull(*f.kind)) {
      recordRefusal(who.name, target, "no pull scope for kind " + upper, "");
      throw Error::notFound("no records of kind " + upper);
    }
  } else if (who.pullKinds().empty()) {
    recordRefusal(who.name, target, "no pull scope", "");
    throw Error::notFound("not found");
  }
  if (source.size() > 200) throw Error::invalid("source is at most 200 bytes");
  f.sourceSystem = source;
  f.regionPrefix = region;
  if (region.size() > 12) throw Error::invalid("region is a GB/T 2260 code prefix of at most 12 digits");
  store::checkFeedFilter(f);
  return f;
}

store::FeedPage ExchangeService::waitForPage(int64_t after, size_t limit, int64_t waitSeconds,
                                             const std::atomic<bool>* cancel, const PageReader& read,
                                             const EntryFilter& keep) {
  auto cancelled = [&] { return stopping_ || (cancel && cancel->load()); };
  auto readKept = [&](int64_t from, bool& full) {
    auto page = read(from, limit);
    full = page.entries.size() == limit;
    if (keep) std::erase_if(page.entries, [&](const store::FeedEntry& e) { return !keep(e); });
    return page;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds);
  auto& notifier = store_.notifier();
  for (;;) {
    bool full = false;
    auto page = readKept(after, full);
    if (!page.entries.empty()) return page;
    after = page.next;
    if (full) {
      if (waitSeconds == 0) return page;  // the caller follows `next`
      continue;                           // all filtered out: read on at once
    }
    // Nothing new yet: wait for a commit past what we have seen. Slices keep
    // stop() prompt and notice commits made by other processes on the same
    // store (which this process's notifier does not hear about).
    for (int slice = 0;; ++slice) {
      const auto now = std::chrono::steady_clock::now();
      if (cancelled() || now >= deadline) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
      if (notifier.waitBeyond(after, std::min<int64_t>(left, 250)) > after || slice % 4 == 3) break;
    }
    if (cancelled() || std::chrono::steady_clock::now() >= deadline) return readKept(after, full);
  }
}

PullResult ExchangeService::readPage(const Principal& who, int64_t after, size_t limit,
                                     const store::FeedFilter& requested, int64_t waitSeconds,
                                     const std::atomic<bool>* cancel) {
  // The kinds the caller may read: one filter kind when it can only read one;
  // dropped after reading when it can read two of three.
  store::FeedFilter filter = requested;
  const auto kinds = who.pullKinds();
  bool postFilter = false;
  if (!filter.kind) {
    if (kinds.size() == 1)
      filter.kind = kinds.front();
    else if (kinds.size() == 2)
      postFilter = true;
  }
  limit = limit == 0 ? options_.defaultPageSize : std::min(limit, options_.maxPageSize);
  waitSeconds = std::clamp<int64_t>(waitSeconds, 0, options_.maxWaitSeconds);

  PullResult result;
  result.pii = who.pii();
  result.page = waitForPage(
      after, limit, waitSeconds, cancel,
      [&](int64_t from, size_t n) {
        return store_.readFeed({from, n, filter});
      },
      postFilter ? EntryFilter([&](const store::FeedEntry& e) { return who.canPull(e.kind); }) : EntryFilter());
  result.next = store::encodeCursor(result.page.next);
  recordsPulled_ += result.page.entries.size();
  return result;
}

PullResult ExchangeService::pull(const Principal& who, const PullRequest& req) {
  const auto filter = filterFor(who, req.kind, req.source, req.region, "feed");
  const int64_t after = store::decodeCursor(req.after);
  auto result = readPage(who, after, req.limit, filter, req.waitSeconds, req.cancel);
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("filter");
  w.raw(filterDetail(filter));
  w.key("from");
  w.integer(after);
  w.key("to");
  w.integer(result.page.next);
  w.key("records");
  w.integer(static_cast<int64_t>(result.page.entries.size()));
  if (req.waitSeconds > 0) {
    w.key("wait");
    w.integer(req.waitSeconds);
  }
  w.key("pii");
  w.boolean(result.pii);
  w.endObject();
  audit(who, "pull", "feed", std::move(detail), false);
  return result;
}

RecordView ExchangeService::getRecord(const Principal& who, const std::string& recordId) {
  std::optional<store::StoredRecord> stored;
  if (recordId.size() <= 64) stored = store_.getRecord(recordId);
  if (!stored || !who.canPull(stored->record.envelope.kind)) {
    if (stored) recordRefusal(who.name, "record/" + recordId, "no pull scope for the record's kind", "");
    throw Error::notFound("no record '" + recordId.substr(0, 64) + "'");
  }
  RecordView v;
  v.json = recordToJson(stored->record, !who.pii());
  v.version = stored->record.envelope.version;
  v.position = stored->position;
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("version");
  w.integer(v.version);
  w.key("pii");
  w.boolean(who.pii());
  w.endObject();
  audit(who, "pull.record", recordId, std::move(detail), false);
  return v;
}

PullResult ExchangeService::subscriptionGet(const Principal& who, const SubscriptionRequest& req) {
  if (!validName(req.name, 100))
    throw Error::invalid("a subscription name is 1 to 100 letters, digits, '_', '-' or '.'");
  const std::string target = "subscription/" + req.name;
  auto requested = filterFor(who, req.kind, req.source, req.region, target);
  // Subscriptions belong to their client: another client's of the same name
  // is a different subscription.
  const std::string stored = who.name + "/" + req.name;
  auto sub = store_.getSubscription(stored);
  if (!sub) {
    sub = store_.openSubscription(stored, requested, 0);
  } else if ((requested.kind && requested.kind != sub->filter.kind) ||
             (!requested.sourceSystem.empty() && requested.sourceSystem != sub->filter.sourceSystem) ||
             (!requested.regionPrefix.empty() && requested.regionPrefix != sub->filter.regionPrefix)) {
    throw Error::conflict("subscription '" + req.name + "' exists with the filter " + filterDetail(sub->filter) +
                          "; use another name for another filter");
  }
  if (sub->filter.kind && !who.canPull(*sub->filter.kind)) {
    recordRefusal(who.name, target, "no pull scope for the subscription's kind", "");
    throw Error::notFound("no subscription '" + req.name + "'");
  }
  auto result = readPage(who, sub->position, req.limit, sub->filter, req.waitSeconds, req.cancel);
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("filter");
  w.raw(filterDetail(sub->filter));
  w.key("from");
  w.integer(sub->position);
  w.key("to");
  w.integer(result.page.next);
  w.key("records");
  w.integer(static_cast<int64_t>(result.page.entries.size()));
  w.key("pii");
  w.boolean(result.pii);
  w.endObject();
  audit(who, "pull", target, std::move(detail), false);
  return result;
}

SubscriptionState ExchangeService::subscriptionAck(const Principal& who, const std::string& name,
                                                   const std::string& cursor) {
  if (!validName(name, 100)) throw Error::invalid("a subscription name is 1 to 100 letters, digits, '_', '-' or '.'");
  if (cursor.empty()) throw Error::invalidFields("no cursor", {{"cursor", "required"}});
  const int64_t position = store::decodeCursor(cursor);
  const std::string stored = who.name + "/" + name;
  auto before = store_.getSubscription(stored);
  if (!before) throw Error::notFound("no subscription '" + name + "'");
  auto sub = store_.ackSubscription(stored, position);
  std::string detail;
  JsonWriter w(detail);
  w.beginObject();
  w.key("from");
  w.integer(before->position);
  w.key("to");
  w.integer(sub.position);
  w.endObject();
  audit(who, "subscription.ack", "subscription/" + name, std::move(detail));
  return {name, store::encodeCursor(sub.position), sub.filter, sub.updatedAt};
}

}  // namespace govsync::gateway
