// Request authentication for the http connector: basic, bearer, an API key
// header, or an HMAC signature over chosen parts of the request (the
// scheme of many Chinese government and cloud gateways: a key id, a
// timestamp and a nonce against replay, and the signature in headers).
//
// HMAC string to sign: the configured fields, in the configured order,
// joined by "\n":
//   method       GET / POST
//   path         the URL path as sent (percent-encoded form)
//   query        the query as sent: parameters sorted by name (then value),
//                name=value percent-encoded (RFC 3986 unreserved kept), '&'
//   timestamp    Unix seconds (or ms), as sent in the timestamp header
//   nonce        32 random hex characters, as sent in the nonce header
//   body_sha256  lowercase hex SHA-256 of the body ("" hashes to e3b0c442…)
//   key_id, host the key id; the host[:port] as in the Host header
// signature = HMAC-SHA256 (or -SHA1) with the secret, lowercase hex or
// base64. Each attempt (retries included) gets a fresh timestamp and nonce.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/http/http_options.h"

namespace govsync::connectors::http {

/// RFC 3986 percent-encoding: unreserved characters kept, others %XX.
std::string percentEncode(std::string_view s);

/// The canonical query: parameters sorted by name then value, encoded.
std::string canonicalQuery(std::vector<std::pair<std::string, std::string>> params);

/// What a signature may cover.
struct RequestParts {
  std::string method;
  std::string host;   ///< as in the Host header
  std::string path;   ///< percent-encoded, as sent
  std::string query;  ///< canonicalQuery, as sent
  std::string body;
};

/// The headers `options.auth` adds to one attempt of `request`.
std::vector<std::pair<std::string, std::string>> authHeaders(const HttpOptions& options, const RequestParts& request);

/// The HMAC string to sign for the given timestamp and nonce (exposed for
/// tests and the README's example).
std::string hmacStringToSign(const HttpOptions& options, const RequestParts& request, const std::string& timestamp,
                             const std::string& nonce);

}  // namespace govsync::connectors::http
