// Request authentication, independent of the transport: a front extracts the
// credential fields and hands them here.
//
// Two forms:
//   Authorization: Bearer <key_id>.<secret>   (or Basic base64(key_id:secret))
//   HMAC signing: X-Gov-Key (key id), X-Gov-Timestamp (Unix seconds),
//     X-Gov-Nonce, X-Gov-Signature = base64(HMAC-SHA256(secret, METHOD "\n"
//     PATH_AND_QUERY "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body)))).
//     The timestamp must be within the window (default ±300 s) of the server
//     clock; a nonce is accepted once per key (kept for twice the window).
//
// Every failure throws Error(Unauthenticated) whose message says what failed
// — for the audit log only: a front answers every failure with the same
// generic body. Secrets and signatures are compared in constant time.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"
#include "gateway/auth/keys.h"
#include "gateway/auth/principal.h"

namespace govsync::gateway {

/// The credential fields of one request, as received.
struct Credentials {
  std::string authorization;  ///< the Authorization header
  std::string keyId;          ///< X-Gov-Key
  std::string timestamp;      ///< X-Gov-Timestamp
  std::string nonce;          ///< X-Gov-Nonce
  std::string signature;      ///< X-Gov-Signature

  enum class Form { None, Bearer, Signature };
  Form form() const;
  /// The key id the caller claims (for rate limiting and audit; unverified).
  std::string claimedKeyId() const;
  /// The actor of the audit entry for a refusal before authentication
  /// succeeded: "unverified:<claimed key id>" — anyone can claim any id, and
  /// the log must not say that client did it — or "anonymous".
  std::string unverifiedActor() const;
};

class Authenticator {
 public:
  Authenticator(store::Store& store, const MasterKey& masterKey, int64_t windowSeconds = 300);

  /// Bearer tokens, and HTTP Basic with the key id as user and the secret as
  /// password (browsers, for the HTML report).
  Principal authenticateBearer(const Credentials& credentials) const;
  /// Mutual TLS as the credential: the first of `peerNames` (the verified
  /// client certificate's DNS subjectAltNames and common name) that
  /// `certClients` maps to a client key id or name, if that client is active.
  Principal authenticateCertificate(const std::vector<std::string>& peerNames,
                                    const std::map<std::string, std::string>& certClients) const;
  /// Signed requests, before the body is read: a known, active key and a
  /// timestamp inside the window (so nobody unauthenticated makes us read a
  /// large body for nothing).
  void precheckSignature(const Credentials& credentials) const;
  /// Signed requests, with the body's SHA-256 (lowercase hex).
  Principal authenticateSignature(const Credentials& credentials, std::string_view method,
                                  std::string_view pathAndQuery, std::string_view bodySha256Hex) const;

  /// The text that is signed.
  static std::string stringToSign(std::string_view method, std::string_view pathAndQuery, std::string_view timestamp,
                                  std::string_view nonce, std::string_view bodySha256Hex);
  /// base64(HMAC-SHA256(secret, stringToSign(...))) — what a client sends.
  static std::string sign(std::string_view secret, std::string_view method, std::string_view pathAndQuery,
                          std::string_view timestamp, std::string_view nonce, std::string_view bodySha256Hex);

  int64_t windowSeconds() const { return windowSeconds_; }

 private:
  store::ApiClient activeClient(const std::string& keyId) const;
  store::ApiClient prechecked(const Credentials& credentials) const;
  int64_t checkTimestamp(const std::string& timestamp) const;

  store::Store& store_;
  const MasterKey& masterKey_;
  int64_t windowSeconds_;
};

Principal principalOf(const store::ApiClient& client);

}  // namespace govsync::gateway
