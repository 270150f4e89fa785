// Settings of the Thrift front (configuration section `thrift`, plus the
// per-client rate limits of `http.rate_limit` and
// `auth.signature_window_seconds`, which both fronts share).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.h"

namespace govsync::gateway {

struct ThriftOptions {
  bool enabled = true;
  std::string listen = "127.0.0.1";
  int port = 9090;  ///< 0 = any free port
  std::string tlsCertFile, tlsKeyFile, tlsCaFile;
  bool requireClientCert = false;
  std::vector<std::string> allowedPeers;  ///< client certificate names; empty = any from the CA
  int threads = 16;                       ///< also the concurrent-client limit
  int64_t timeoutSeconds = 60;
  int64_t maxFrameBytes = 20 * 1024 * 1024;
  int64_t maxStringBytes = 16 * 1024 * 1024;
  int64_t maxContainerItems = 100000;
  int recursionDepth = 16;
  int64_t recordCacheMb = 32;  ///< decoded feed records kept for pulls
  double ratePerSecond = 100;
  double rateBurst = 200;
  double authFailuresPerMinute = 30;

  bool tls() const { return !tlsCertFile.empty(); }
  static ThriftOptions fromConfig(const Config& config);
};

}  // namespace govsync::gateway
