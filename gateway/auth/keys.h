// API client credentials.
//
// A client's secret is 32 random bytes (base64url), shown once. The store
// keeps two things derived from it:
//   - salt + SHA-256(salt ‖ secret), to check bearer tokens — fast is fine,
//     the secret has 256 bits of entropy;
//   - the secret encrypted with AES-256-GCM under the gateway's master key,
//     so the gateway can recompute HMAC request signatures. The master key is
//     not in the database (configuration `auth.master_key`, or the file
//     <data_dir>/master_key made at first start, mode 0600): a stolen
//     database dump gives neither bearer tokens nor signing keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace govsync::gateway {

/// The 32-byte key that encrypts signing keys at rest, and from which the
/// audit chain's key is derived (derive()).
class MasterKey {
 public:
  /// `configured` (auth.master_key: 32 bytes as base64 or 64 hex digits)
  /// wins; else <dataDir>/master_key, created (32 random bytes, 0600) when
  /// missing and `create` is set. Throws Error(Config) when neither exists or
  /// the key is malformed.
  static MasterKey load(const std::string& configured, const std::string& dataDir, bool create);
  /// A key from raw bytes (tests).
  static MasterKey fromBytes(std::string bytes);

  /// version ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag; `aad` binds the
  /// ciphertext to its owner (the key id).
  std::string encrypt(std::string_view plaintext, std::string_view aad) const;
  /// nullopt if the blob was not made by this key for this `aad`.
  std::optional<std::string> decrypt(std::string_view blob, std::string_view aad) const;
  /// A key for another use, so that this one is never used for two things:
  /// deriveKey(master, purpose) (core/util/crypto.h), e.g. the audit chain's
  /// key under store::kAuditKeyPurpose.
  std::string derive(std::string_view purpose) const;

 private:
  explicit MasterKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

/// A client as created: the stored form and the secret, shown once.
struct NewClient {
  store::ApiClient client;
  std::string secret;
  /// What a caller sends as `Authorization: Bearer <token>`.
  std::string token() const { return client.keyId + "." + secret; }
};

/// Makes the credentials of a new client (not stored yet). Scopes are
/// normalised; name and department are required.
NewClient makeClient(const std::string& name, const std::string& department, const std::vector<std::string>& scopes,
                     const MasterKey& masterKey);

/// Whether `secret` is the client's secret (constant time).
bool secretMatches(const store::ApiClient& client, std::string_view secret);

}  // namespace govsync::gateway
