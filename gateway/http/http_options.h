// Settings of the HTTP front (configuration section `http`, plus
// `auth.signature_window_seconds`).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/config/config.h"

namespace govsync::gateway {

struct HttpOptions {
  std::string listen = "127.0.0.1";
  int port = 8080;  ///< 0 = any free port
  std::string tlsCertFile, tlsKeyFile, tlsCaFile;
  bool requireClientCert = false;
  /// Certificate name (DNS subjectAltName or common name) → client key id
  /// or name: mutual TLS as the credential (http.tls.client_certs).
  std::map<std::string, std::string> certClients;
  int64_t maxBodyBytes = 16 * 1024 * 1024;
  int threads = 16;
  int queue = 64;
  int64_t timeoutSeconds = 10;
  int64_t requestTimeoutSeconds = 30;
  int64_t keepAliveSeconds = 5;
  int maxKeepAliveRequests = 1000;
  int maxWaitingPulls = 8;
  double ratePerSecond = 100;
  double rateBurst = 200;
  double authFailuresPerMinute = 30;
  int64_t signatureWindowSeconds = 300;

  bool tls() const { return !tlsCertFile.empty(); }
  static HttpOptions fromConfig(const Config& config);
};

/// Checks a front's `tls` section (`<front>.tls.*`: cert_file, key_file,
/// ca_file, require_client_cert) for combinations that cannot work; throws
/// Error(Config) naming the file, line and key.
void checkTlsSection(const Config& config, const std::string& front);

/// TLS 1.2 cipher suites of both fronts: forward-secret (ECDHE) AEAD only.
/// No DHE: OpenSSL 3 refuses the small DH groups libraries fall back to, and
/// ECDHE serves every client that supports TLS 1.2. TLS 1.3 suites are
/// OpenSSL's defaults (all forward-secret AEAD).
inline constexpr const char* kTls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!MD5:!RC4:!3DES";

}  // namespace govsync::gateway
