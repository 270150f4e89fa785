#include "gateway/http/http_gateway.h"

#include <sys/socket.h>

#include <chrono>
#include <iostream>
#include <set>
#include <sstream>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/X509Certificate.h>

#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "gateway/http/gateway_impl.h"
#include "gateway/http/status_table.h"

namespace govsync::gateway {

using Poco::Net::HTTPResponse;

// ------------------------------------------------------------------ HttpCall

void HttpCall::send(int code, std::string_view contentType, std::string_view payload) {
  if (sent) return;
  response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(code));
  response.setContentType(std::string(contentType));
  response.set("Cache-Control", "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  sent = true;
  status = code;
  response.sendBuffer(payload.data(), payload.size());
}

// -------------------------------------------------------- ConnectionRegistry

ConnectionRegistry::ConnectionRegistry() : thread_([this] { watch(); }) {}

ConnectionRegistry::~ConnectionRegistry() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

uint64_t ConnectionRegistry::add(const Poco::Net::StreamSocket& socket) {
  std::lock_guard lock(mutex_);
  entries_.emplace(++next_, Entry{socket, 0});
  return next_;
}

void ConnectionRegistry::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

void ConnectionRegistry::arm(uint64_t id, int64_t deadlineMs) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(id); it != entries_.end()) it->second.deadline = deadlineMs;
}

void ConnectionRegistry::disarm(uint64_t id) { arm(id, 0); }

void ConnectionRegistry::shutdownAll() {
  std::lock_guard lock(mutex_);
  // The OS-level shutdown is safe while another thread reads the socket
  // (also under TLS, where the SSL object is not ours to touch).
  for (auto& [id, e] : entries_) ::shutdown(e.socket.impl()->sockfd(), SHUT_RD);
}

void ConnectionRegistry::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    stop_.wait_for(lock, std::chrono::milliseconds(500));
    const int64_t now = nowMillis();
    for (auto& [id, e] : entries_) {
      if (e.deadline && e.deadline < now) {
        ::shutdown(e.socket.impl()->sockfd(), SHUT_RDWR);
        e.deadline = 0;
        ++cut_;
      }
    }
  }
}

// ---------------------------------------------------------------- connection

namespace {

// Poco's messages for header fields over its limits (MessageHeader: 100
// fields, 256-byte names, 8 KiB values) — "Field name too long/no colon
// found" is also a malformed line, but telling it apart is not worth a guess.
bool headerLimitProblem(const std::string& message) {
  return message.find("Too many header fields") != std::string::npos || message.rfind("Field name too long", 0) == 0 ||
         message.rfind("Field value too long", 0) == 0;
}

// An answer to a request that could not be read (so Poco has no request
// object to answer): written to the socket as it is.
void sendBare(Poco::Net::StreamSocket& socket, int status, const std::string& body) {
  HTTPResponse response(static_cast<HTTPResponse::HTTPStatus>(status));
  response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
  response.setKeepAlive(false);
  response.setContentType("application/json; charset=utf-8");
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  std::ostringstream out;
  response.write(out);
  out << body;
  const std::string bytes = out.str();
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

// Closes after an answer that left client data unread: stop sending, then
// read and drop what is still coming for a moment, so the kernel does not
// answer the unread bytes with a reset that destroys our answer in flight.
void lingeringClose(Poco::Net::StreamSocket& socket) {
  try {
    socket.shutdownSend();
    socket.setReceiveTimeout(Poco::Timespan(0, 200000));
    char buf[16384];
    size_t total = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (total < (1u << 20) && std::chrono::steady_clock::now() < until) {
      const int n = socket.receiveBytes(buf, sizeof buf);
      if (n <= 0) break;
      total += static_cast<size_t>(n);
    }
  } catch (...) {
  }
}

/// The DNS subjectAltNames and common name of the connection's verified
/// client certificate; none without TLS or a certificate.
std::vector<std::string> peerCertificateNames(const Poco::Net::StreamSocket& socket) {
  try {
    Poco::Net::SecureStreamSocket secure(socket);
    if (!secure.havePeerCertificate()) return {};
    const auto certificate = secure.peerCertificate();
    std::string commonName;
    std::set<std::string> dnsNames;
    certificate.extractNames(commonName, dnsNames);
    std::vector<std::string> names(dnsNames.begin(), dnsNames.end());
    if (!commonName.empty()) names.push_back(commonName);
    return names;
  } catch (const Poco::Exception&) {
    return {};
  }
}

class GatewayConnection : public Poco::Net::TCPServerConnection {
 public:
  GatewayConnection(const Poco::Net::StreamSocket& socket, HttpGateway::Impl& gateway)
      : TCPServerConnection(socket), gateway_(gateway) {}

  void run() override {
    auto& g = gateway_;
    const uint64_t id = g.connections.add(socket());
    struct Unregister {
      ConnectionRegistry& r;
      uint64_t id;
      ~Unregister() { r.remove(id); }
    } unregister{g.connections, id};
    std::string remote;
    try {
      remote = socket().peerAddress().host().toString();
    } catch (...) {
    }
    Poco::Net::HTTPServerSession session(socket(), g.params);
    bool linger = false, peerNamesRead = false;
    std::vector<std::string> peerNames;
    while (!linger && !g.stopping && session.hasMoreRequests()) {
      const auto started = std::chrono::steady_clock::now();
      g.connections.arm(id, nowMillis() + g.options.requestTimeoutSeconds * 1000);
      int status = 0;
      size_t route = g.router.routes().size();
      try {
        Poco::Net::HTTPServerResponseImpl response(session);
        Poco::Net::HTTPServerRequestImpl request(response, session, g.params.get());
        response.setVersion(request.getVersion());
        response.setKeepAlive(g.params->getKeepAlive() && request.getKeepAlive() && session.canKeepAlive() &&
                              !g.stopping);
        HttpCall call(request, response);
        call.remote = remote;
        // The handshake is done once the first request is read: the client
        // certificate (if any) is known from here on, for the connection.
        if (!peerNamesRead && g.options.tls()) {
          peerNamesRead = true;
          peerNames = peerCertificateNames(socket());
        }
        call.peerNames = peerNames;
        call.connectionId = id;
        g.dispatch(call);
        status = call.status;
        route = call.route ? call.routeIndex : route;
        linger = call.unreadInput;
        session.setKeepAlive(g.params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
      } catch (const Poco::Net::NoMessageException&) {
        break;
      } catch (const Poco::Net::MessageException& e) {
        status = headerLimitProblem(e.message()) ? 431 : 400;
        try {
          sendBare(socket(), status,
                   errorBody(status == 431 ? "too_large" : "invalid_input",
                             status == 431 ? "request headers over the limit (100 fields, 256-byte names, 8 KiB "
                                             "values)"
                                           : "malformed HTTP request"));
        } catch (...) {
        }
        g.metrics.observe(route, status, 0);
        linger = true;
        break;
      } catch (const Poco::SyntaxException&) {  // a Content-Length that is not a number
        status = 400;
        try {
          sendBare(socket(), status, errorBody("invalid_input", "malformed Content-Length"));
        } catch (...) {
        }
        g.metrics.observe(route, status, 0);
        linger = true;
        break;
      } catch (const Poco::Exception&) {
        break;  // network failure, TLS handshake refused, timeout: drop the connection
      }
      g.connections.disarm(id);
      g.metrics.observe(route, status,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    if (linger) lingeringClose(socket());
  }

 private:
  HttpGateway::Impl& gateway_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ConnectionFactory(HttpGateway::Impl& gateway) : gateway_(gateway) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new GatewayConnection(socket, gateway_);
  }

 private:
  HttpGateway::Impl& gateway_;
};

std::vector<std::string> labels(const Router& router) {
  std::vector<std::string> out;
  for (const auto& r : router.routes()) out.push_back(r.label());
  return out;
}

// Reads the body within the cap; false (413 sent) when it is larger.
bool readBody(HttpCall& call, size_t cap) {
  // A request with neither Content-Length nor chunked encoding has no body
  // (RFC 9112 §6.3); Poco would read one until the connection closes.
  if (!call.request.getChunkedTransferEncoding() && !call.request.hasContentLength()) {
    call.bodyComplete = true;
    return true;
  }
  auto& in = call.request.stream();
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    if (call.body.size() + n > cap) {
      call.response.setKeepAlive(false);  // the rest is not read: the connection cannot be reused
      call.unreadInput = true;
      call.sendJson(413, errorBody("too_large", "the request body is larger than " + std::to_string(cap) + " bytes"));
      return false;
    }
    call.body.append(buf, n);
  }
  call.bodyComplete = true;
  return true;
}

}  // namespace

// ------------------------------------------------------------------ dispatch

HttpGateway::Impl::Impl(ExchangeService& s, const Authenticator& a, HttpOptions o)
    : service(s),
      auth(a),
      options(std::move(o)),
      router(makeRoutes(*this)),
      metrics(labels(router)),
      clientLimiter(options.ratePerSecond, options.rateBurst),
      failureLimiter(options.authFailuresPerMinute / 60.0, options.authFailuresPerMinute) {}

HttpMetrics::ServerFigures HttpGateway::Impl::figures() const {
  HttpMetrics::ServerFigures f;
  if (server) {
    f.currentConnections = server->currentConnections();
    f.queuedConnections = server->queuedConnections();
    f.refusedConnections = server->refusedConnections();
    f.currentThreads = server->currentThreads();
  }
  f.waitingPulls = static_cast<uint64_t>(std::max(0, waitingPulls.load()));
  f.shortenedWaits = shortenedWaits;
  f.slowRequestsCut = connections.cut();
  return f;
}

void HttpGateway::Impl::dispatch(HttpCall& call) {
  auto& req = call.request;
  const std::string& uri = req.getURI();
  const size_t q = uri.find('?');
  const std::string_view path = std::string_view(uri).substr(0, q);
  auto m = router.match(req.getMethod(), path);
  // The body's framing: a malformed or negative length, or a length beside
  // chunked encoding (a request-smuggling shape), is refused outright.
  int64_t length = -1;
  bool framingOk = true;
  try {
    if (req.hasContentLength()) length = req.getContentLength64();
    framingOk = !(req.hasContentLength() && (length < 0 || req.getChunkedTransferEncoding()));
  } catch (const Poco::Exception&) {
    framingOk = false;
  }
  // A body we will not read leaves the connection unusable: close it.
  const bool hasBody = !framingOk || req.getChunkedTransferEncoding() || length > 0;
  auto refuse = [&](int status, std::string_view code, std::string_view message) {
    if (hasBody) {
      call.response.setKeepAlive(false);
      call.unreadInput = true;
    }
    call.sendJson(status, errorBody(code, message));
  };
  if (!framingOk)
    return refuse(400, "invalid_input", "malformed Content-Length, or Content-Length with chunked encoding");
  // The one answer for "no such path" — also what a caller without the
  // admin scope gets on an admin route (below), so the two look alike.
  auto noSuchPath = [&] { refuse(404, "not_found", "no such path: " + std::string(path.substr(0, 200))); };
  if (m.outcome == Router::Outcome::NoPath) return noSuchPath();
  if (m.outcome == Router::Outcome::WrongMethod) {
    call.response.set("Allow", m.allow);
    return refuse(405, "method_not_allowed",
                  req.getMethod().substr(0, 16) + " is not allowed here (allowed: " + m.allow + ")");
  }
  const Route& route = router.routes()[m.index];
  call.route = &route;
  call.routeIndex = m.index;
  call.params = std::move(m.params);

  try {
    // Bodies over the cap are refused before reading when their length says so.
    const size_t cap = route.readsBody ? static_cast<size_t>(options.maxBodyBytes) : 65536;
    if (length > static_cast<int64_t>(cap)) {
      call.response.setKeepAlive(false);
      call.unreadInput = true;
      if (route.access == Route::Access::Client)
        service.recordRefusal(
            Credentials{req.get("Authorization", ""), req.get("X-Gov-Key", ""), "", "", ""}.unverifiedActor(),
            route.label(), "body over the cap (" + std::to_string(length) + " bytes)", call.remote);
      return call.sendJson(413,
                           errorBody("too_large", "the request body is larger than " + std::to_string(cap) + " bytes"));
    }

    bool bodyRead = false;
    if (route.access == Route::Access::Client) {
      Credentials cr;
      cr.authorization = req.get("Authorization", "");
      cr.keyId = req.get("X-Gov-Key", "");
      cr.timestamp = req.get("X-Gov-Timestamp", "");
      cr.nonce = req.get("X-Gov-Nonce", "");
      cr.signature = req.get("X-Gov-Signature", "");
      int64_t retry = 0;
      if (!failureLimiter.allow(call.remote, retry, false)) {
        call.response.set("Retry-After", std::to_string(retry));
        service.recordRefusal(cr.unverifiedActor(), route.label(), "too many failed authentications", call.remote);
        return refuse(429, "rate_limited", "too many failed authentications from this address; retry later");
      }
      try {
        switch (cr.form()) {
          case Credentials::Form::None:
            if (call.peerNames.empty() || options.certClients.empty())
              throw Error(ErrorCode::Unauthenticated, "no credentials");
            call.principal = auth.authenticateCertificate(call.peerNames, options.certClients);
            break;
          case Credentials::Form::Bearer: call.principal = auth.authenticateBearer(cr); break;
          case Credentials::Form::Signature: {
            auth.precheckSignature(cr);
            if (req.getExpectContinue()) call.response.sendContinue();
            if (!readBody(call, cap)) return;
            bodyRead = true;
            call.principal = auth.authenticateSignature(cr, req.getMethod(), uri, sha256Hex(call.body));
            break;
          }
        }
      } catch (const Error& e) {
        if (e.code() != ErrorCode::Unauthenticated) throw;
        failureLimiter.allow(call.remote, retry, true);
        service.recordRefusal(cr.unverifiedActor(), route.label(), e.what(), call.remote);
        // Pages people open in a browser (the HTML report) ask for Basic credentials.
        call.response.set("WWW-Authenticate", route.pattern == "/v1/reviews/report"
                                                  ? "Basic realm=\"govsync\", charset=\"UTF-8\""
                                                  : "Bearer realm=\"govsync\"");
        if (!bodyRead && hasBody) {
          call.response.setKeepAlive(false);
          call.unreadInput = true;
        }
        return call.sendJson(401, errorBody("unauthenticated", "authentication failed"));
      }
      // Nothing is served that could not be audited (ExchangeService::auditFault).
      if (!service.auditFault().empty()) {
        call.response.set("Retry-After", "30");
        service.requireAuditable();
      }
      if (!clientLimiter.allow(call.principal->keyId, retry)) {
        call.response.set("Retry-After", std::to_string(retry));
        service.recordRefusal(call.principal->name, route.label(), "rate limit", call.remote);
        if (!bodyRead)
          return refuse(429, "rate_limited", "too many requests; retry after " + std::to_string(retry) + " s");
        return call.sendJson(
            429, errorBody("rate_limited", "too many requests; retry after " + std::to_string(retry) + " s"));
      }
    }
    // Query parameters (after authentication): only those the route declares, each once.
    if (q != std::string::npos) {
      std::string_view rest = std::string_view(uri).substr(q + 1);
      while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const size_t eq = pair.find('=');
        std::string name, value;
        if (!percentDecode(pair.substr(0, eq), name, true) ||
            !percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), value, true))
          throw Error::invalid("malformed percent-encoding in the query string");
        if (std::find(route.query.begin(), route.query.end(), name) == route.query.end()) {
          std::string known;
          for (const auto& k : route.query) known += (known.empty() ? "" : ", ") + k;
          throw Error::invalid("unknown query parameter '" + name.substr(0, 40) + "'" +
                               (known.empty() ? " (this route takes none)" : " (known: " + known + ")"));
        }
        if (!call.query.emplace(name, value).second) throw Error::invalid("query parameter '" + name + "' given twice");
      }
    }

    // Admin routes: checked before any input is looked at, so a caller
    // without the scope cannot tell an admin route from no route.
    if (route.admin && !call.principal->isAdmin()) {
      service.recordRefusal(call.principal->name, route.label(), "no admin scope", call.remote);
      return noSuchPath();
    }
    if (!bodyRead) {
      if (req.getExpectContinue()) call.response.sendContinue();
      if (!readBody(call, cap)) {
        if (call.principal)
          service.recordRefusal(call.principal->name, route.label(), "body over the cap", call.remote);
        return;
      }
    }
    connections.disarm(call.connectionId);  // read in time; answering (a long-poll) may take longer
    route.handler(call);
    if (!call.sent) call.sendJson(500, errorBody("internal", "the route gave no answer"));
  } catch (const Error& e) {
    if (call.sent) return;
    if (hasBody && !call.bodyComplete) {  // refused before the body was read
      call.response.setKeepAlive(false);
      call.unreadInput = true;
    }
    const int status = httpStatus(e);
    if (status >= 500)
      std::cerr << "govsync http: " << route.label() << " failed (" << errorCodeName(e.code()) << "): " << e.what()
                << std::endl;
    if (e.code() == ErrorCode::RateLimited) call.response.set("Retry-After", "1");
    call.sendJson(status, errorBody(e, status));
  } catch (const Poco::Net::NetException&) {
    throw;  // the connection is gone
  } catch (const Poco::TimeoutException&) {
    throw;
  } catch (const Poco::Exception& e) {
    if (call.sent) return;
    std::cerr << "govsync http: " << route.label() << " failed: " << e.displayText() << std::endl;
    call.sendJson(500, errorBody("internal", "internal error; the server log has the details"));
  } catch (const std::exception& e) {
    if (call.sent) return;
    std::cerr << "govsync http: " << route.label() << " failed: " << e.what() << std::endl;
    call.sendJson(500, errorBody("internal", "internal error; the server log has the details"));
  }
}

// --------------------------------------------------------------- HttpGateway

HttpGateway::HttpGateway(ExchangeService& service, const Authenticator& authenticator, HttpOptions options)
    : impl_(std::make_unique<Impl>(service, authenticator, std::move(options))) {}

HttpGateway::~HttpGateway() { stop(); }

const Router& HttpGateway::router() const { return impl_->router; }
int HttpGateway::port() const { return impl_->port; }

std::string HttpGateway::url() const {
  const auto& o = impl_->options;
  const std::string host = o.listen.find(':') != std::string::npos ? "[" + o.listen + "]" : o.listen;
  return std::string(o.tls() ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

void HttpGateway::start() {
  auto& g = *impl_;
  if (g.server) return;
  const auto& o = g.options;
  const std::string where = o.listen + ":" + std::to_string(o.port);
  try {
    Poco::Net::SocketAddress address(o.listen, static_cast<Poco::UInt16>(o.port));
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (o.tls()) {
      Poco::Net::initializeSSL();
      const auto mode = o.requireClientCert   ? Poco::Net::Context::VERIFY_STRICT
                        : o.tlsCaFile.empty() ? Poco::Net::Context::VERIFY_NONE
                                              : Poco::Net::Context::VERIFY_RELAXED;
      Poco::Net::Context::Params params;
      params.privateKeyFile = o.tlsKeyFile;
      params.certificateFile = o.tlsCertFile;
      params.caLocation = o.tlsCaFile;
      params.verificationMode = mode;
      params.loadDefaultCAs = false;
      params.cipherList = kTls12Ciphers;
      // Poco installs DH parameters whatever the cipher list; its 1024-bit
      // default fails under OpenSSL 3 and leaves an error queued that the
      // next OpenSSL user in the process (the Thrift front) trips over.
      params.dhUse2048Bits = true;
      Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
      context->preferServerCiphers();
      // Poco's "extended" check matches a peer certificate against the peer's
      // host name — right for a client checking a server, meaningless for a
      // server checking a client (whose address no certificate names). The
      // chain to ca_file is still verified by OpenSSL.
      context->enableExtendedCertificateVerification(false);
      socket = std::make_unique<Poco::Net::SecureServerSocket>(context);
    } else {
      socket = std::make_unique<Poco::Net::ServerSocket>();
    }
    // SO_REUSEADDR (restart while old connections linger) but not
    // SO_REUSEPORT, which Poco's binding constructors also set: with it a
    // second govsync on the same port would start and silently take half
    // the connections.
    socket->bind(address, true, false);
    socket->listen(128);
    g.port = socket->address().port();

    g.params = new Poco::Net::HTTPServerParams;
    g.params->setMaxThreads(o.threads);
    g.params->setMaxQueued(o.queue);
    g.params->setThreadIdleTime(Poco::Timespan(60, 0));
    g.params->setTimeout(Poco::Timespan(o.timeoutSeconds, 0));
    g.params->setKeepAlive(o.keepAliveSeconds > 0);
    g.params->setKeepAliveTimeout(Poco::Timespan(o.keepAliveSeconds, 0));
    g.params->setMaxKeepAliveRequests(o.maxKeepAliveRequests);
    g.pool = std::make_unique<Poco::ThreadPool>(2, o.threads + 1, 60);
    g.server = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(g), *g.pool, *socket, g.params);
    g.server->start();
  } catch (const Poco::Exception& e) {
    g.server.reset();
    throw Error::config("cannot serve HTTP" + std::string(o.tls() ? "S" : "") + " on " + where + ": " +
                        e.displayText());
  }
}

void HttpGateway::stop() {
  auto& g = *impl_;
  // `stopping` also cancels this front's long-polls (PullRequest::cancel).
  if (!g.server || g.stopping.exchange(true)) return;
  g.server->stop();             // no new connections
  g.connections.shutdownAll();  // idle keep-alive connections end now
  g.pool->joinAll();
  g.server.reset();
}

}  // namespace govsync::gateway
