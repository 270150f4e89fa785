// Request rate limits: a token bucket per key (a client's key id, or a remote
// address for failed authentications). Thread-safe; idle buckets are dropped
// so the table stays small.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace govsync::gateway {

class RateLimiter {
 public:
  /// `perSecond` tokens are added each second up to `burst`; 0 = no limit.
  RateLimiter(double perSecond, double burst);

  /// Takes one token for `key` (with `consume` false, only looks). False when
  /// the bucket is empty; then `retryAfterSeconds` says when the next token
  /// comes (at least 1).
  bool allow(const std::string& key, int64_t& retryAfterSeconds, bool consume = true);

  bool enabled() const { return perSecond_ > 0; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double perSecond_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point lastSweep_ = Clock::now();
};

}  // namespace govsync::gateway
