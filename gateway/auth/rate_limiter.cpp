#include "gateway/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace govsync::gateway {

RateLimiter::RateLimiter(double perSecond, double burst)
    : perSecond_(perSecond), burst_(std::max(1.0, burst > 0 ? burst : perSecond)) {}

bool RateLimiter::allow(const std::string& key, int64_t& retryAfterSeconds, bool consume) {
  if (perSecond_ <= 0) return true;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  // Drop buckets that have been full for a while (their owners went quiet).
  if (now - lastSweep_ > std::chrono::seconds(60)) {
    const auto refill = std::chrono::duration<double>(burst_ / perSecond_) + std::chrono::seconds(1);
    std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last > refill; });
    lastSweep_ = now;
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  auto& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * perSecond_);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    if (consume) b.tokens -= 1.0;
    return true;
  }
  retryAfterSeconds = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / perSecond_)));
  return false;
}

}  // namespace govsync::gateway
