// The Thrift front of the gateway: schema/exchange.thrift's ExchangeGateway
// service over the same ExchangeService as HTTP. Strict binary protocol over
// a framed transport, TLS 1.2+ (TSSLServerSocket) when configured, a bounded
// thread pool whose size is also the concurrent-client limit.
//
// Thrift 0.17's defaults are unsafe for an exposed server, so every limit is
// set here: TConfiguration max message and frame size and recursion depth on
// every transport, string and container limits on the protocol, receive and
// send timeouts, TLS 1.2 as the floor, and an AccessManager that admits only
// listed client certificate names when mutual TLS is on (0.17 installs none
// on the server side).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gateway/auth/authenticator.h"
#include "gateway/service/exchange_service.h"
#include "gateway/thrift/thrift_options.h"

namespace govsync::gateway {

class ThriftGateway {
 public:
  ThriftGateway(ExchangeService& service, const Authenticator& authenticator, ThriftOptions options);
  ~ThriftGateway();
  ThriftGateway(const ThriftGateway&) = delete;
  ThriftGateway& operator=(const ThriftGateway&) = delete;

  /// Binds and starts serving. Throws Error(Config) naming the address when
  /// it cannot listen or the TLS files do not load.
  void start();
  /// Stops accepting, ends long-polls, and closes every connection. Idempotent.
  void stop();

  int port() const;
  /// "thrift://127.0.0.1:9090" or "thrift+tls://…".
  std::string url() const;

  /// Counters for /metrics and tests.
  struct Figures {
    uint64_t calls = 0;            ///< calls that reached a handler
    uint64_t failedCalls = 0;      ///< of them, answered with an exception
    uint64_t connections = 0;      ///< connections accepted
    uint64_t transportErrors = 0;  ///< connections Thrift dropped (bad frames, TLS, timeouts); process-wide
  };
  Figures figures() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace govsync::gateway
