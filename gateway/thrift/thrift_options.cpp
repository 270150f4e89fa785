#include "gateway/thrift/thrift_options.h"

#include "core/util/error.h"
#include "gateway/http/http_options.h"

namespace govsync::gateway {

ThriftOptions ThriftOptions::fromConfig(const Config& c) {
  ThriftOptions o;
  o.enabled = c.getBool("thrift.enabled");
  o.listen = c.getString("thrift.listen");
  o.port = static_cast<int>(c.getInt("thrift.port"));
  o.tlsCertFile = c.getString("thrift.tls.cert_file");
  o.tlsKeyFile = c.getString("thrift.tls.key_file");
  o.tlsCaFile = c.getString("thrift.tls.ca_file");
  o.requireClientCert = c.getBool("thrift.tls.require_client_cert");
  o.allowedPeers = c.getList("thrift.tls.allowed_peers");
  o.threads = static_cast<int>(c.getInt("thrift.threads"));
  o.timeoutSeconds = c.getInt("thrift.timeout_seconds");
  o.maxFrameBytes = c.getInt("thrift.max_frame_bytes");
  o.maxStringBytes = c.getInt("thrift.max_string_bytes");
  o.maxContainerItems = c.getInt("thrift.max_container_items");
  o.recursionDepth = static_cast<int>(c.getInt("thrift.recursion_depth"));
  o.recordCacheMb = c.getInt("thrift.record_cache_mb");
  o.ratePerSecond = static_cast<double>(c.getInt("http.rate_limit.per_second"));
  o.rateBurst = static_cast<double>(c.getInt("http.rate_limit.burst"));
  o.authFailuresPerMinute = static_cast<double>(c.getInt("http.rate_limit.auth_failures_per_minute"));
  checkTlsSection(c, "thrift");
  if (!o.allowedPeers.empty() && !o.requireClientCert)
    throw Error::config(c.whereIs("thrift.tls.allowed_peers") +
                        ": thrift.tls.allowed_peers needs thrift.tls.require_client_cert: true");
  if (o.maxStringBytes > o.maxFrameBytes)
    throw Error::config(c.whereIs("thrift.max_string_bytes") +
                        ": thrift.max_string_bytes is larger than thrift.max_frame_bytes (no frame could carry it)");
  return o;
}

}  // namespace govsync::gateway
