// Internals of ThriftGateway shared by the server (thrift_gateway.cpp) and
// the per-connection handler (thrift_handler.cpp).
#pragma once

#include <atomic>
#include <string>

#include "ExchangeGateway.h"
#include "gateway/auth/authenticator.h"
#include "gateway/auth/rate_limiter.h"
#include "gateway/service/exchange_service.h"
#include "gateway/thrift/thrift_options.h"
#include "gateway/thrift/typed_record_cache.h"

namespace govsync::gateway {

/// What every connection's handler shares.
struct ThriftShared {
  ThriftShared(ExchangeService& s, const Authenticator& a, const ThriftOptions& o)
      : service(s),
        auth(a),
        options(o),
        clientLimiter(o.ratePerSecond, o.rateBurst),
        failureLimiter(o.authFailuresPerMinute / 60.0, o.authFailuresPerMinute),
        records(static_cast<size_t>(o.recordCacheMb) << 20) {}

  ExchangeService& service;
  const Authenticator& auth;
  const ThriftOptions& options;
  RateLimiter clientLimiter, failureLimiter;
  TypedRecordCache records;  ///< feed records decoded once for every caller
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> calls{0}, failedCalls{0}, connections{0};
};

/// One connection's handler: knows its peer, for audit and rate limits.
class ThriftHandler : public schema::ExchangeGatewayIf {
 public:
  ThriftHandler(ThriftShared& shared, std::string remote) : s_(shared), remote_(std::move(remote)) {}

  void pushRows(schema::PushRowsResult& out, const schema::Credential& credential,
                const schema::PushRowsRequest& request) override;
  void pushRecords(schema::PushRecordsResult& out, const schema::Credential& credential,
                   const std::vector<schema::Record>& records) override;
  void pull(schema::FeedPage& out, const schema::Credential& credential, const schema::PullRequest& request) override;
  void getRecord(schema::Record& out, const schema::Credential& credential, const std::string& recordId) override;
  void subscriptionGet(schema::FeedPage& out, const schema::Credential& credential,
                       const schema::SubscriptionRequest& request) override;
  void subscriptionAck(schema::SubscriptionState& out, const schema::Credential& credential, const std::string& name,
                       const std::string& cursor) override;
  void reviewFeed(schema::ReviewFeedPage& out, const schema::Credential& credential,
                  const schema::ReviewFeedRequest& request) override;
  void reviewStats(schema::ReviewStatsResult& out, const schema::Credential& credential,
                   const schema::ReviewStatsRequest& request) override;
  void getRectification(schema::Rectification& out, const schema::Credential& credential,
                        const std::string& recordId) override;
  void rectify(schema::Rectification& out, const schema::Credential& credential,
               const schema::RectifyRequest& request) override;

 private:
  /// Authenticates, rate-limits, runs `body` with the principal, and maps
  /// every failure through the exception table.
  template <class Body>
  void call(const char* method, const schema::Credential& credential, std::string_view payload, Body&& body);
  Principal authenticate(const char* method, const schema::Credential& credential, std::string_view payload);

  ThriftShared& s_;
  std::string remote_;
};

}  // namespace govsync::gateway
