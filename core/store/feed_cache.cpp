#include "core/store/feed_cache.h"

#include <mutex>

namespace govsync::store {

size_t FeedCache::sizeOf(const FeedEntry& e) {
  return sizeof(FeedEntry) + e.recordId.size() + e.sourceSystem.size() + e.regionCode.size() + e.department.size() +
         (e.full ? e.full->size() : 0) + (e.masked ? e.masked->size() : 0) + 64;
}

std::optional<FeedEntry> FeedCache::get(int64_t position) const {
  if (!maxBytes_) return std::nullopt;
  std::shared_lock lock(mutex_);
  auto it = entries_.find(position);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void FeedCache::put(const FeedEntry& entry) {
  const size_t size = sizeOf(entry);
  if (!maxBytes_ || size > maxBytes_ / 4) return;  // one huge record must not empty the cache
  std::unique_lock lock(mutex_);
  // Older than everything kept while the cache is full: it would be the
  // next to go, so keeping it would only churn.
  if (bytes_ + size > maxBytes_ && !entries_.empty() && entry.position < entries_.begin()->first) return;
  auto [it, inserted] = entries_.emplace(entry.position, entry);
  if (!inserted) return;
  bytes_ += size;
  while (bytes_ > maxBytes_ && !entries_.empty()) {
    bytes_ -= sizeOf(entries_.begin()->second);
    entries_.erase(entries_.begin());
  }
}

size_t FeedCache::bytes() const {
  std::shared_lock lock(mutex_);
  return bytes_;
}

size_t FeedCache::entries() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace govsync::store
