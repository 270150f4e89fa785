#include "gateway/auth/authenticator.h"

#include <charconv>

#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::gateway {

namespace {
Error refused(std::string why) { return Error(ErrorCode::Unauthenticated, std::move(why)); }

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// Nonces: printable ASCII, 8..128 bytes (enough for a UUID or 128 random bits).
bool plausibleNonce(std::string_view n) {
  if (n.size() < 8 || n.size() > 128) return false;
  for (char c : n)
    if (c <= ' ' || c > '~') return false;
  return true;
}
}  // namespace

Credentials::Form Credentials::form() const {
  if (!authorization.empty()) return Form::Bearer;
  if (!keyId.empty() || !signature.empty() || !timestamp.empty() || !nonce.empty()) return Form::Signature;
  return Form::None;
}

std::string Credentials::claimedKeyId() const {
  if (form() == Form::Signature) return keyId.substr(0, 64);
  if (startsWithIgnoreCase(authorization, "Bearer ")) {
    std::string_view token = std::string_view(authorization).substr(7);
    return std::string(token.substr(0, std::min<size_t>(token.find('.'), 64)));
  }
  return {};
}

std::string Credentials::unverifiedActor() const {
  const auto id = claimedKeyId();
  return id.empty() ? "anonymous" : "unverified:" + id;
}

Principal principalOf(const store::ApiClient& c) { return Principal{c.keyId, c.name, c.department, c.scopes}; }

Authenticator::Authenticator(store::Store& store, const MasterKey& masterKey, int64_t windowSeconds)
    : store_(store), masterKey_(masterKey), windowSeconds_(windowSeconds) {}

store::ApiClient Authenticator::activeClient(const std::string& keyId) const {
  if (keyId.empty() || keyId.size() > 64) throw refused("malformed key id");
  auto client = store_.findClient(keyId);
  if (!client) throw refused("unknown key id");
  if (client->revokedAt) throw refused("revoked key");
  return *client;
}

Principal Authenticator::authenticateBearer(const Credentials& cr) const {
  std::string_view keyId, secret;
  std::string basic;
  if (startsWithIgnoreCase(cr.authorization, "Bearer ")) {
    std::string_view token = std::string_view(cr.authorization).substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    const size_t dot = token.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == token.size()) throw refused("malformed bearer token");
    keyId = token.substr(0, dot);
    secret = token.substr(dot + 1);
  } else if (startsWithIgnoreCase(cr.authorization, "Basic ")) {
    // key_id:secret — what a browser sends for the HTML report after asking
    // its user (the same secret as the bearer token).
    std::string_view encoded = std::string_view(cr.authorization).substr(6);
    while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
    const size_t colon = base64Decode(encoded, basic) ? basic.find(':') : std::string::npos;
    if (colon == std::string::npos || colon == 0 || colon + 1 == basic.size())
      throw refused("malformed basic credentials");
    keyId = std::string_view(basic).substr(0, colon);
    secret = std::string_view(basic).substr(colon + 1);
  } else {
    throw refused("unsupported Authorization scheme");
  }
  const auto client = activeClient(std::string(keyId));
  if (!secretMatches(client, secret)) throw refused("wrong secret");
  return principalOf(client);
}

Principal Authenticator::authenticateCertificate(const std::vector<std::string>& peerNames,
                                                 const std::map<std::string, std::string>& certClients) const {
  for (const auto& name : peerNames) {
    auto it = certClients.find(name);
    if (it == certClients.end()) continue;
    if (auto byKey = store_.findClient(it->second)) {
      if (byKey->revokedAt) throw refused("revoked key (client certificate " + name + ")");
      return principalOf(*byKey);
    }
    for (const auto& c : store_.listClients())
      if (c.name == it->second) {
        if (c.revokedAt) throw refused("revoked key (client certificate " + name + ")");
        return principalOf(c);
      }
    throw refused("client certificate " + name + " names no client ('" + it->second + "')");
  }
  throw refused("no credentials");
}

int64_t Authenticator::checkTimestamp(const std::string& ts) const {
  int64_t seconds = 0;
  auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), seconds);
  if (ts.empty() || ec != std::errc() || p != ts.data() + ts.size()) throw refused("malformed timestamp");
  const int64_t now = nowMillis() / 1000;
  if (seconds < now - windowSeconds_ || seconds > now + windowSeconds_)
    throw refused("timestamp outside the " + std::to_string(windowSeconds_) + " s window (server time " +
                  std::to_string(now) + ", request " + ts + ")");
  return seconds;
}

store::ApiClient Authenticator::prechecked(const Credentials& cr) const {
  if (cr.keyId.empty() || cr.timestamp.empty() || cr.nonce.empty() || cr.signature.empty())
    throw refused("incomplete signature headers");
  if (!plausibleNonce(cr.nonce)) throw refused("malformed nonce");
  checkTimestamp(cr.timestamp);
  return activeClient(cr.keyId);
}

void Authenticator::precheckSignature(const Credentials& cr) const { prechecked(cr); }

std::string Authenticator::stringToSign(std::string_view method, std::string_view pathAndQuery,
                                        std::string_view timestamp, std::string_view nonce,
                                        std::string_view bodySha256Hex) {
  std::string s;
  s.reserve(method.size() + pathAndQuery.size() + timestamp.size() + nonce.size() + bodySha256Hex.size() + 4);
  s.append(method).append("\n").append(pathAndQuery).append("\n").append(timestamp).append("\n");
  s.append(nonce).append("\n").append(bodySha256Hex);
  return s;
}

std::string Authenticator::sign(std::string_view secret, std::string_view method, std::string_view pathAndQuery,
                                std::string_view timestamp, std::string_view nonce, std::string_view bodySha256Hex) {
  const auto mac = hmacSha256(secret, stringToSign(method, pathAndQuery, timestamp, nonce, bodySha256Hex));
  return base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

Principal Authenticator::authenticateSignature(const Credentials& cr, std::string_view method,
                                               std::string_view pathAndQuery, std::string_view bodySha256Hex) const {
  const auto client = prechecked(cr);
  if (client.signingKeyEnc.empty()) throw refused("the key has no signing key (created before signing existed)");
  const auto secret = masterKey_.decrypt(client.signingKeyEnc, client.keyId);
  if (!secret) throw refused("the signing key does not decrypt with this master key");
  std::string given;
  if (!base64Decode(cr.signature, given)) throw refused("malformed signature");
  const auto expected = hmacSha256(*secret, stringToSign(method, pathAndQuery, cr.timestamp, cr.nonce, bodySha256Hex));
  if (!constantTimeEquals(given, std::string_view(reinterpret_cast<const char*>(expected.data()), expected.size())))
    throw refused("signature mismatch");
  // Only a correctly signed request spends its nonce, so nobody can fill the
  // table without the key.
  const int64_t expiresAt = nowMillis() + 2 * windowSeconds_ * 1000;
  if (!store_.recordNonce(client.keyId, cr.nonce, expiresAt)) throw refused("nonce already used (replay)");
  return principalOf(client);
}

}  // namespace govsync::gateway
