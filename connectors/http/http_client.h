// The http connector's transport: one request to a legacy API with
// timeouts, a body cap, TLS that always verifies the server (chain and name,
// TLS 1.2+, loopback included), authentication per attempt, and retries with
// exponential backoff and full jitter that honour Retry-After.
//
// What send() throws (govsync::Error):
//   Unavailable, retryable — 5xx, 408, 429, timeouts, refused or dropped
//       connections, a truncated body, still failing after max_retries; or a
//       Retry-After longer than max_retry_after_seconds. Names the request
//       and the last status or problem.
//   Config — 401/403 ("credentials rejected"), other 4xx, a redirect, a
//       certificate that fails verification. Not retried here.
// Thread safety: one fetch at a time; cancel() may be called from another
// thread and wakes a backoff wait (a request in flight ends by its timeout).
#pragma once

#include <Poco/Net/Context.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/http/http_options.h"

namespace govsync::connectors::http {

struct HttpRequest {
  std::string method;
  std::string scheme, host;
  uint16_t port = 0;
  std::string path;   ///< percent-encoded
  std::string query;  ///< canonical (see http_auth.h), without '?'
  std::string body;
  std::string contentType;
  /// scheme://host[:port]/path[?query] — for messages (never holds a secret).
  std::string url() const;
  /// host[:port] as in the Host header (the port only when not the default).
  std::string hostHeader() const;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  HttpClient(const HttpOptions& options, std::string connector);

  /// Sends `request` (retrying as above) and returns a 2xx response.
  HttpResponse send(const HttpRequest& request);

  /// Wakes a backoff wait; send() then throws Unavailable ("cancelled").
  void cancel();

  /// Attempts made by the last send() (for tests and logs).
  int lastAttempts() const { return lastAttempts_; }

 private:
  HttpResponse attempt(const HttpRequest& request);
  bool waitMs(int64_t ms);  // false when cancelled
  int64_t backoffMs(int retry);
  std::string prefix(const HttpRequest& request) const;

  const HttpOptions& options_;
  std::string connector_;
  Poco::Net::Context::Ptr tls_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  std::mt19937_64 random_;
  int lastAttempts_ = 0;
};

/// Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date,
/// measured against the response's Date header when it has one); nullopt when
/// absent or unreadable.
std::optional<int64_t> retryAfterSeconds(const HttpResponse& response);

}  // namespace govsync::connectors::http
