// Internals of HttpGateway shared by the server (http_gateway.cpp) and the
// route handlers (routes.cpp).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include "gateway/auth/rate_limiter.h"
#include "gateway/http/http_call.h"
#include "gateway/http/http_gateway.h"
#include "gateway/http/metrics.h"

namespace govsync::gateway {

/// Open connections, each with the deadline of the request it is reading
/// (0 while it is idle or being answered). A thread closes connections
/// whose request is overdue (slow senders), and stop() closes idle ones.
class ConnectionRegistry {
 public:
  ConnectionRegistry();
  ~ConnectionRegistry();
  uint64_t add(const Poco::Net::StreamSocket& socket);
  void remove(uint64_t id);
  void arm(uint64_t id, int64_t deadlineMs);
  void disarm(uint64_t id);
  /// Shuts the receive side of every connection (those answering a request
  /// can still send their answer).
  void shutdownAll();
  uint64_t cut() const { return cut_.load(); }

 private:
  struct Entry {
    Poco::Net::StreamSocket socket;
    int64_t deadline = 0;
  };
  void watch();
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  uint64_t next_ = 0;
  std::map<uint64_t, Entry> entries_;
  std::atomic<uint64_t> cut_{0};
  std::thread thread_;
};

struct HttpGateway::Impl {
  Impl(ExchangeService& service, const Authenticator& authenticator, HttpOptions options);

  ExchangeService& service;
  const Authenticator& auth;
  HttpOptions options;
  Router router;
  HttpMetrics metrics;
  RateLimiter clientLimiter, failureLimiter;
  ConnectionRegistry connections;
  std::atomic<int> waitingPulls{0};
  std::atomic<uint64_t> shortenedWaits{0};
  std::atomic<bool> stopping{false};

  Poco::Net::HTTPServerParams::Ptr params;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::TCPServer> server;
  int port = 0;

  /// One request on a connection, from routing to the answer.
  void dispatch(HttpCall& call);
  HttpMetrics::ServerFigures figures() const;
};

/// The route table with its handlers (routes.cpp), including the review
/// routes (review_routes.cpp).
std::vector<Route> makeRoutes(HttpGateway::Impl& gateway);
std::vector<Route> makeReviewRoutes(HttpGateway::Impl& gateway);

}  // namespace govsync::gateway
