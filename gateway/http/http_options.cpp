#include "gateway/http/http_options.h"

#include "core/util/error.h"

namespace govsync::gateway {

HttpOptions HttpOptions::fromConfig(const Config& c) {
  HttpOptions o;
  o.listen = c.getString("http.listen");
  o.port = static_cast<int>(c.getInt("http.port"));
  o.tlsCertFile = c.getString("http.tls.cert_file");
  o.tlsKeyFile = c.getString("http.tls.key_file");
  o.tlsCaFile = c.getString("http.tls.ca_file");
  o.requireClientCert = c.getBool("http.tls.require_client_cert");
  o.maxBodyBytes = c.getInt("http.max_body_bytes");
  o.threads = static_cast<int>(c.getInt("http.threads"));
  o.queue = static_cast<int>(c.getInt("http.queue"));
  o.timeoutSeconds = c.getInt("http.timeout_seconds");
  o.requestTimeoutSeconds = c.getInt("http.request_timeout_seconds");
  o.keepAliveSeconds = c.getInt("http.keep_alive_seconds");
  o.maxKeepAliveRequests = static_cast<int>(c.getInt("http.max_keep_alive_requests"));
  o.maxWaitingPulls = static_cast<int>(c.getInt("http.max_waiting_pulls"));
  o.ratePerSecond = static_cast<double>(c.getInt("http.rate_limit.per_second"));
  o.rateBurst = static_cast<double>(c.getInt("http.rate_limit.burst"));
  o.authFailuresPerMinute = static_cast<double>(c.getInt("http.rate_limit.auth_failures_per_minute"));
  o.signatureWindowSeconds = c.getInt("auth.signature_window_seconds");
  checkTlsSection(c, "http");
  for (const auto& item : c.getList("http.tls.client_certs")) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw Error::config(c.whereIs("http.tls.client_certs") + ": http.tls.client_certs: '" + item +
                          "' is not \"<certificate name>=<client key id or name>\"");
    o.certClients[item.substr(0, eq)] = item.substr(eq + 1);
  }
  if (!o.certClients.empty() && o.tlsCaFile.empty())
    throw Error::config(c.whereIs("http.tls.client_certs") +
                        ": http.tls.client_certs needs http.tls.ca_file (the CA client certificates chain to)");
  return o;
}

void checkTlsSection(const Config& c, const std::string& front) {
  const std::string t = front + ".tls.";
  const bool tls = !c.getString(t + "cert_file").empty(), requireCert = c.getBool(t + "require_client_cert");
  const bool ca = !c.getString(t + "ca_file").empty();
  if (tls && c.getString(t + "key_file").empty())
    throw Error::config(c.whereIs(t + "cert_file") + ": " + t + "key_file is required with " + t + "cert_file");
  if (requireCert && !ca)
    throw Error::config(c.whereIs(t + "require_client_cert") + ": " + t + "require_client_cert needs " + t +
                        "ca_file (the CA client certificates chain to)");
  if (!tls && (requireCert || ca))
    throw Error::config(c.whereIs(t + "ca_file") + ": client certificates need TLS (" + t + "cert_file)");
}

}  // namespace govsync::gateway
