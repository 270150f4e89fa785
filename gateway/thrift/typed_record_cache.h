// Feed records decoded for the Thrift front. The store keeps each change's
// served forms as JSON (what HTTP sends as is); Thrift sends typed records,
// and decoding the JSON was nine-tenths of a Thrift pull's cost. Pages at the
// busy end of the feed are read by many consumers, so each (position, form)
// is decoded once and kept, newest positions first, within a byte budget.
#pragma once

#include <memory>

#include "core/store/position_cache.h"
#include "core/store/store.h"
#include "schema/exchange_types.h"

namespace govsync::gateway {

class TypedRecordCache {
 public:
  /// `maxBytes` 0 turns the cache off (every record is decoded per call).
  explicit TypedRecordCache(size_t maxBytes) : masked_(maxBytes / 2), full_(maxBytes / 2) {}

  /// The record of `entry` in the form a caller with (`pii`) or without
  /// personal data sees, decoded from `servedJson` unless already kept.
  std::shared_ptr<const schema::Record> get(const store::FeedEntry& entry, const std::string& servedJson, bool pii);

  size_t bytes() const { return masked_.bytes() + full_.bytes(); }
  size_t entries() const { return masked_.entries() + full_.entries(); }

 private:
  using Cache = store::PositionCache<std::shared_ptr<const schema::Record>>;
  Cache masked_, full_;
};

}  // namespace govsync::gateway
