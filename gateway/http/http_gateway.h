// The HTTP front of the gateway: Poco's TCP server with our own connection
// loop (so every failure, including malformed or oversized headers, gets a
// JSON body), bounded threads and queue, a whole-request deadline against
// slow senders, body caps, per-client rate limits, HTTPS (TLS 1.2+, optional
// client certificates) — and a thin mapping of routes onto ExchangeService.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/auth/authenticator.h"
#include "gateway/http/http_options.h"
#include "gateway/http/router.h"
#include "gateway/service/exchange_service.h"

namespace govsync::gateway {

class HttpGateway {
 public:
  HttpGateway(ExchangeService& service, const Authenticator& authenticator, HttpOptions options);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  /// Binds and starts serving. Throws Error(Config) naming the address when
  /// it cannot listen or the TLS files do not load.
  void start();
  /// Stops accepting, wakes long-polls, lets requests in flight finish and
  /// closes idle connections. Idempotent.
  void stop();

  int port() const;
  /// "http://127.0.0.1:8080" (or https://).
  std::string url() const;
  /// The route table (also before start()).
  const Router& router() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// The OpenAPI 3 document served at GET /v1/openapi.json (gateway/http/openapi.json).
std::string_view openApiDocument();

}  // namespace govsync::gateway
