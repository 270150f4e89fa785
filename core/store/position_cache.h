// A memory-bounded map from feed position to a value derived from the change
// at that position. A position's change never changes — `changes` is append
// only — so nothing is ever invalidated: the cache only forgets. It keeps the
// newest positions: when over budget it drops the lowest ones, which is what
// consumers following the feed read least.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

namespace govsync::store {

template <class Value>
class PositionCache {
 public:
  /// `maxBytes` 0 turns the cache off.
  explicit PositionCache(size_t maxBytes) : maxBytes_(maxBytes) {}

  bool enabled() const { return maxBytes_ != 0; }

  /// The value kept for `position`, if any.
  std::optional<Value> get(int64_t position) const {
    if (!maxBytes_) return std::nullopt;
    std::shared_lock lock(mutex_);
    auto it = entries_.find(position);
    if (it == entries_.end()) return std::nullopt;
    return it->second.first;
  }

  /// Keeps `value` for `position`, counting it as `size` bytes.
  void put(int64_t position, Value value, size_t size) {
    if (!maxBytes_ || size > maxBytes_ / 4) return;  // one huge value must not empty the cache
    std::unique_lock lock(mutex_);
    // Older than everything kept while the cache is full: it would be the
    // next to go, so keeping it would only churn.
    if (bytes_ + size > maxBytes_ && !entries_.empty() && position < entries_.begin()->first) return;
    auto [it, inserted] = entries_.try_emplace(position, std::move(value), size);
    if (!inserted) return;
    bytes_ += size;
    while (bytes_ > maxBytes_ && !entries_.empty()) {
      bytes_ -= entries_.begin()->second.second;
      entries_.erase(entries_.begin());
    }
  }

  size_t bytes() const {
    std::shared_lock lock(mutex_);
    return bytes_;
  }

  size_t entries() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
  }

 private:
  size_t maxBytes_;
  mutable std::shared_mutex mutex_;
  std::map<int64_t, std::pair<Value, size_t>> entries_;  ///< value and its counted size
  size_t bytes_ = 0;
};

}  // namespace govsync::store
