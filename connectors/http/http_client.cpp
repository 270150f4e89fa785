#include "connectors/http/http_client.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/InvalidCertificateHandler.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/VerificationErrorArgs.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "connectors/http/http_auth.h"
#include "core/util/error.h"

namespace govsync::connectors::http {

namespace {

// A response whose body ended before its Content-Length.
struct TruncatedBody {
  std::string what;
};

// A problem worth another attempt.
struct Retryable {
  std::string what;
  std::optional<int64_t> retryAfter;
};

// Why the last certificate verification on this thread failed. Set by
// RejectAndRecord, which runs inside the handshake on the fetching thread.
thread_local std::string lastVerifyError;

// Rejects every certificate that failed verification, noting why.
class RejectAndRecord : public Poco::Net::InvalidCertificateHandler {
 public:
  RejectAndRecord() : InvalidCertificateHandler(false) {}
  void onInvalidCertificate(const void*, Poco::Net::VerificationErrorArgs& args) override {
    lastVerifyError = args.errorMessage() + " (certificate subject " + args.certificate().subjectName() + ")";
    args.setIgnoreError(false);
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The start of a body for a message: printable, at most `n` bytes.
std::string snippet(const std::string& body, size_t n = 160) {
  std::string out;
  for (size_t i = 0; i < body.size() && out.size() < n; ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
  }
  // Do not end inside a UTF-8 sequence.
  size_t cut = out.size();
  while (cut > 0 && (static_cast<unsigned char>(out[cut - 1]) & 0xC0) == 0x80) --cut;
  if (cut > 0 && static_cast<unsigned char>(out[cut - 1]) >= 0xC0) --cut;
  if (cut < out.size() && body.size() > out.size()) out.resize(cut);
  return out + (body.size() > out.size() ? "…" : "");
}

}  // namespace

std::string HttpRequest::hostHeader() const {
  // Built by appending: GCC 12 warns (-Wrestrict, falsely) on "x" + std::string&&.
  std::string h;
  if (host.find(':') != std::string::npos) {
    h += '[';
    h += host;
    h += ']';
  } else {
    h = host;
  }
  if (!((scheme == "http" && port == 80) || (scheme == "https" && port == 443))) {
    h += ':';
    h += std::to_string(port);
  }
  return h;
}

std::string HttpRequest::url() const {
  return scheme + "://" + hostHeader() + path + (query.empty() ? "" : "?" + query);
}

std::string HttpResponse::header(std::string_view name) const {
  const std::string want = lower(name);
  for (const auto& [k, v] : headers)
    if (lower(k) == want) return v;
  return "";
}

std::optional<int64_t> retryAfterSeconds(const HttpResponse& response) {
  std::string v = response.header("Retry-After");
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t") + 1);
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string::npos) return v.size() > 9 ? 999999999 : std::stoll(v);
  Poco::DateTime when;
  int tzd = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, v, when, tzd)) return std::nullopt;
  when.makeUTC(tzd);
  // The server's own clock, when it says what time it is: our clock may differ.
  Poco::DateTime now;
  const std::string date = response.header("Date");
  if (int dtz = 0; !date.empty() && Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, date, now, dtz))
    now.makeUTC(dtz);
  else
    now = Poco::DateTime();
  const int64_t seconds = (when.timestamp() - now.timestamp()) / Poco::Timestamp::resolution();
  return std::max<int64_t>(0, seconds);
}

HttpClient::HttpClient(const HttpOptions& options, std::string connector)
    : options_(options), connector_(std::move(connector)), random_(std::random_device{}()) {
  if (Poco::URI(options.url).getScheme() != "https") return;
  Poco::Net::Context::Params params;
  // STRICT: Poco skips the host name check for loopback addresses unless
  // strict; a client has no reason to accept a certificate for another name.
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.verificationDepth = 9;
  params.loadDefaultCAs = options.caFile.empty();
  params.caLocation = options.caFile;
  params.certificateFile = options.clientCertFile;
  params.privateKeyFile = options.clientKeyFile;
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
  try {
    tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    throw Error::config("http connector " + connector_ +
                        ": cannot set up TLS (ca_file, client_cert_file): " + e.displayText());
  }
  tls_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  // The name check is OpenSSL's (RFC 6125, IP addresses against IP SANs),
  // done inside the handshake: Poco 1.11's own check after it compares an IP
  // by resolving the DNS names found in the certificate, and skips loopback.
  // A connector talks to one origin (next links must stay on it).
  tls_->enableExtendedCertificateVerification(false);
  X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(tls_->sslContext());
  X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const std::string host = Poco::URI(options.url).getHost();
  Poco::Net::IPAddress ip;
  const int set = Poco::Net::IPAddress::tryParse(host, ip) ? X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str())
                                                           : X509_VERIFY_PARAM_set1_host(verify, host.c_str(), 0);
  if (set != 1) throw Error::config("http connector " + connector_ + ": cannot check certificates for host " + host);
  // Never accept a certificate that failed verification (no prompt, no
  // handler from an application configuration).
  tls_->setInvalidCertificateHandler(new RejectAndRecord);
}

void HttpClient::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  wake_.notify_all();
}

bool HttpClient::waitMs(int64_t ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return cancelled_; });
  return !cancelled_;
}

int64_t HttpClient::backoffMs(int retry) {
  // Full jitter: a uniform wait in [0, min(cap, base * 2^retry)].
  const int64_t cap = options_.retryMaxBackoffSeconds * 1000;
  int64_t ceiling = options_.retryBackoffMs;
  for (int i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  return std::uniform_int_distribution<int64_t>(0, ceiling)(random_);
}

std::string HttpClient::prefix(const HttpRequest& r) const {
  return "http connector " + connector_ + ": " + r.method + " " + r.url();
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  std::string last;
  lastAttempts_ = 0;
  for (int attemptNo = 0;; ++attemptNo) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancelled_) throw Error::unavailable(prefix(request) + ": cancelled");
    }
    std::optional<int64_t> retryAfter;
    ++lastAttempts_;
    lastVerifyError.clear();
    try {
      HttpResponse response = attempt(request);
      const int s = response.status;
      if (s >= 200 && s < 300) return response;
      const std::string status = "HTTP " + std::to_string(s) + (response.reason.empty() ? "" : " " + response.reason);
      if (s == 401 || s == 403)
        throw Error::config(prefix(request) + ": credentials rejected (" + status +
                            "): check auth and its secrets. Body: " + snippet(response.body));
      if (s >= 300 && s < 400)
        throw Error::config(prefix(request) + ": " + status + " redirects to '" + response.header("Location") +
                            "', which is not followed (credentials must not travel to another address): set url to "
                            "the final address");
      if (s != 408 && s != 429 && s < 500)
        throw Error::config(prefix(request) + ": the API rejected the request (" + status +
                            "): check url and parameters. Body: " + snippet(response.body));
      retryAfter = retryAfterSeconds(response);
      last = status;
    } catch (const Error&) {
      throw;
    } catch (const TruncatedBody& e) {
      last = e.what;
    } catch (const Poco::Net::SSLException& e) {
      // Certificate problems are configuration problems: retrying cannot help.
      const std::string text = e.displayText();
      if (!lastVerifyError.empty() || text.find("certificate") != std::string::npos)
        throw Error::config(prefix(request) + ": the certificate of " + request.host +
                            " is not trusted: " + (lastVerifyError.empty() ? text : lastVerifyError) +
                            " (ca_file names the CA to trust; the name must match the url's host)");
      if (text.find("protocol version") != std::string::npos || text.find("unsupported protocol") != std::string::npos)
        throw Error::config(prefix(request) + ": the server does not offer TLS 1.2 or later (" + text +
                            "); older versions are refused");
      last = "TLS: " + text;
    } catch (const Poco::TimeoutException&) {
      last = "no response within " + std::to_string(options_.timeoutSeconds) + " s (timeout)";
    } catch (const Poco::Net::ConnectionRefusedException&) {
      last = "connection refused";
    } catch (const Poco::Net::NoMessageException&) {
      last = "the connection closed without a response";
    } catch (const Poco::Exception& e) {
      last = e.displayText();
    } catch (const std::exception& e) {
      last = e.what();
    }
    if (attemptNo >= options_.maxRetries)
      throw Error::unavailable(prefix(request) + ": " + last + " (" + std::to_string(lastAttempts_) +
                               (lastAttempts_ == 1 ? " attempt)" : " attempts)"));
    int64_t wait = backoffMs(attemptNo);
    if (retryAfter) {
      if (*retryAfter > options_.maxRetryAfterSeconds)
        throw Error::unavailable(prefix(request) + ": " + last + " with Retry-After " + std::to_string(*retryAfter) +
                                 " s, longer than max_retry_after_seconds; the sync tries again later");
      wait = *retryAfter * 1000;
    }
    if (!waitMs(wait)) throw Error::unavailable(prefix(request) + ": cancelled");
  }
}

HttpResponse HttpClient::attempt(const HttpRequest& r) {
  using Poco::Net::HTTPClientSession;
  std::unique_ptr<HTTPClientSession> session;
  if (r.scheme == "https")
    session = std::make_unique<Poco::Net::HTTPSClientSession>(r.host, r.port, tls_);
  else
    session = std::make_unique<HTTPClientSession>(r.host, r.port);
  const Poco::Timespan timeout(options_.timeoutSeconds, 0);
  session->setTimeout(Poco::Timespan(options_.connectTimeoutSeconds, 0), timeout, timeout);
  session->setKeepAlive(false);  // one connection per request: no stale keep-alive surprises

  const std::string target = r.path + (r.query.empty() ? "" : "?" + r.query);
  Poco::Net::HTTPRequest req(r.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  req.set("Host", r.hostHeader());
  req.set("User-Agent", "govsync-http-connector");
  req.set("Accept", options_.format == BodyFormat::Xml ? "application/xml, text/xml" : "application/json");
  for (const auto& [name, value] : options_.headers) req.set(name, value);
  RequestParts parts{r.method, r.hostHeader(), r.path, r.query, r.body};
  for (const auto& [name, value] : authHeaders(options_, parts)) req.set(name, value);
  if (r.method == "POST" || !r.body.empty()) {
    req.setContentType(r.contentType);
    req.setContentLength(static_cast<std::streamsize>(r.body.size()));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.timeoutSeconds);
  std::ostream& out = session->sendRequest(req);
  out << r.body;
  out.flush();

  Poco::Net::HTTPResponse res;
  std::istream& in = session->receiveResponse(res);
  in.exceptions(std::ios::badbit);  // a read error rethrows Poco's exception (timeout, reset)
  HttpResponse response;
  response.status = static_cast<int>(res.getStatus());
  response.reason = res.getReason();
  for (const auto& [k, v] : res) response.headers.emplace_back(k, v);
  const int64_t expected = res.hasContentLength() ? static_cast<int64_t>(res.getContentLength64()) : -1;
  if (expected > options_.maxResponseBytes)
    throw Error::config(prefix(r) + ": the response is " + std::to_string(expected) +
                        " bytes, more than max_response_mb; ask for smaller pages (page_size)");
  char buffer[64 * 1024];
  while (in) {
    in.read(buffer, sizeof buffer);
    response.body.append(buffer, static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(response.body.size()) > options_.maxResponseBytes)
      throw Error::config(prefix(r) + ": the response is longer than max_response_mb; ask for smaller pages");
    if (std::chrono::steady_clock::now() > deadline) throw Poco::TimeoutException("response too slow");
  }
  if (expected >= 0 && static_cast<int64_t>(response.body.size()) < expected)
    throw TruncatedBody{"truncated body: received " + std::to_string(response.body.size()) + " of " +
                        std::to_string(expected) + " bytes (Content-Length)"};
  return response;
}

}  // namespace govsync::connectors::http
