// Feed entries kept in memory by position, so pages at the busy end of the
// feed are served without reading (and checking) their JSON from the
// database again.
#pragma once

#include "core/store/position_cache.h"
#include "core/store/store.h"

namespace govsync::store {

class FeedCache {
 public:
  /// `maxBytes` 0 turns the cache off.
  explicit FeedCache(size_t maxBytes) : cache_(maxBytes) {}

  /// The entry at `position`, if kept.
  std::optional<FeedEntry> get(int64_t position) const { return cache_.get(position); }
  /// Keeps `entry` (its served forms are shared, not copied).
  void put(const FeedEntry& entry) { cache_.put(entry.position, entry, sizeOf(entry)); }

  size_t bytes() const { return cache_.bytes(); }
  size_t entries() const { return cache_.entries(); }

 private:
  static size_t sizeOf(const FeedEntry& e) {
    return sizeof(FeedEntry) + e.recordId.size() + e.sourceSystem.size() + e.regionCode.size() + e.department.size() +
           (e.full ? e.full->size() : 0) + (e.masked ? e.masked->size() : 0) + 64;
  }
  PositionCache<FeedEntry> cache_;
};

}  // namespace govsync::store
