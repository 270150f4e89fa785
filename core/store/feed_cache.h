// Feed entries kept in memory by position, so pages at the busy end of the
// feed are served without reading (and checking) their JSON from the
// database again. A position's entry never changes — `changes` is append
// only — so nothing is ever invalidated: the cache only forgets. It keeps the
// newest positions: when over budget it drops the lowest ones, which is what
// consumers following the feed read least.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>

#include "core/store/store.h"

namespace govsync::store {

class FeedCache {
 public:
  /// `maxBytes` 0 turns the cache off.
  explicit FeedCache(size_t maxBytes) : maxBytes_(maxBytes) {}

  /// The entry at `position`, if kept.
  std::optional<FeedEntry> get(int64_t position) const;
  /// Keeps `entry` (its served forms are shared, not copied).
  void put(const FeedEntry& entry);

  size_t bytes() const;
  size_t entries() const;

 private:
  static size_t sizeOf(const FeedEntry& e);
  size_t maxBytes_;
  mutable std::shared_mutex mutex_;
  std::map<int64_t, FeedEntry> entries_;
  size_t bytes_ = 0;
};

}  // namespace govsync::store
