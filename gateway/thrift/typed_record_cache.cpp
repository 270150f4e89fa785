#include "gateway/thrift/typed_record_cache.h"

#include "core/record/record_json.h"

namespace govsync::gateway {

std::shared_ptr<const schema::Record> TypedRecordCache::get(const store::FeedEntry& entry,
                                                            const std::string& servedJson, bool pii) {
  Cache& cache = pii ? full_ : masked_;
  if (auto kept = cache.get(entry.position)) return *kept;
  auto record = std::make_shared<const schema::Record>(recordFromJsonText(servedJson));
  // A decoded record holds the same text as its JSON plus a string header
  // per field: twice the JSON is a fair (slightly generous) estimate.
  cache.put(entry.position, record, sizeof(schema::Record) + 2 * servedJson.size());
  return record;
}

}  // namespace govsync::gateway
