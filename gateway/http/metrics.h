// Counters of the HTTP front, rendered in the Prometheus text format with the
// service's own figures (records pushed/pulled, feed head, connectors).
// Lock-free on the request path: one fixed slot per route, atomics inside.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gateway/service/exchange_service.h"

namespace govsync::gateway {

class HttpMetrics {
 public:
  /// `routes`: label of each route slot ("GET /v1/records"); one more slot
  /// is kept for requests that matched no route.
  explicit HttpMetrics(std::vector<std::string> routes);

  /// `route` is an index into the routes given, or routes.size() for none.
  void observe(size_t route, int status, double seconds);

  struct ServerFigures {
    int currentConnections = 0, queuedConnections = 0, refusedConnections = 0, currentThreads = 0;
    uint64_t waitingPulls = 0, shortenedWaits = 0, slowRequestsCut = 0;
  };
  /// The Prometheus text exposition.
  std::string render(const ServiceStats& stats, const ServerFigures& server) const;

  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    5,     30};

 private:
  struct Slot {
    std::array<std::atomic<uint64_t>, 500> byStatus{};  ///< index status - 100
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0}, sumMicros{0};
  };
  std::vector<std::string> labels_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace govsync::gateway
