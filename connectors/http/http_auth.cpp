#include "connectors/http/http_auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::connectors::http {

std::string percentEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string canonicalQuery(std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += percentEncode(k);
    out += '=';
    out += percentEncode(v);
  }
  return out;
}

std::string hmacStringToSign(const HttpOptions& o, const RequestParts& r, const std::string& timestamp,
                             const std::string& nonce) {
  std::string out;
  bool first = true;
  for (const auto& field : o.hmacSignedFields) {
    if (!first) out += '\n';
    first = false;
    if (field == "method")
      out += r.method;
    else if (field == "path")
      out += r.path;
    else if (field == "query")
      out += r.query;
    else if (field == "timestamp")
      out += timestamp;
    else if (field == "nonce")
      out += nonce;
    else if (field == "body_sha256")
      out += sha256Hex(r.body);
    else if (field == "key_id")
      out += o.hmacKeyId;
    else if (field == "host")
      out += r.host;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> authHeaders(const HttpOptions& o, const RequestParts& r) {
  switch (o.auth) {
    case AuthKind::None: return {};
    case AuthKind::Basic: return {{"Authorization", "Basic " + base64Encode(o.username + ":" + o.password)}};
    case AuthKind::Bearer: return {{"Authorization", "Bearer " + o.token}};
    case AuthKind::ApiKey: return {{o.apiKeyHeader, o.apiKey}};
    case AuthKind::Hmac: break;
  }
  const int64_t ms = nowMillis();
  const std::string timestamp = std::to_string(o.hmacMillis ? ms : ms / 1000);
  const std::string nonce = toHex(reinterpret_cast<const uint8_t*>(randomBytes(16).data()), 16);
  const std::string toSign = hmacStringToSign(o, r, timestamp, nonce);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  if (!HMAC(o.hmacSha1 ? EVP_sha1() : EVP_sha256(), o.hmacSecret.data(), static_cast<int>(o.hmacSecret.size()),
            reinterpret_cast<const unsigned char*>(toSign.data()), toSign.size(), mac, &macLen))
    throw Error::internal("HMAC failed");
  const std::string signature =
      o.hmacBase64 ? base64Encode(std::string_view(reinterpret_cast<char*>(mac), macLen)) : toHex(mac, macLen);
  return {{o.hmacKeyIdHeader, o.hmacKeyId},
          {o.hmacTimestampHeader, timestamp},
          {o.hmacNonceHeader, nonce},
          {o.hmacSignatureHeader, signature}};
}

}  // namespace govsync::connectors::http
