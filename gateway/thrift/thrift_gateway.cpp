#include "gateway/thrift/thrift_gateway.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <algorithm>
#include <future>
#include <iostream>
#include <thread>

#include <thrift/TConfiguration.h>
#include <thrift/TOutput.h>
#include <thrift/concurrency/ThreadFactory.h>
#include <thrift/concurrency/ThreadManager.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadPoolServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLServerSocket.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TServerSocket.h>

#include "core/util/error.h"
#include "gateway/http/http_options.h"
#include "gateway/thrift/thrift_handler.h"

namespace govsync::gateway {

namespace {

namespace at = apache::thrift;
namespace att = apache::thrift::transport;

// Thrift's runtime reports what it drops — a connection closed on a bad
// frame, an oversized string, a failed TLS handshake, a timeout — through
// its global output; we count and log those lines.
std::atomic<uint64_t> gTransportErrors{0};
void thriftOutput(const char* message) {
  ++gTransportErrors;
  std::cerr << "govsync thrift: " << message << std::endl;
}

/// TLS 1.2 and 1.3, nothing older. 0.17's SSLTLS negotiates from TLS 1.0
/// and its TLSv1_2 pins exactly 1.2, so: every version, with our own floor.
class TlsSocketFactory : public att::TSSLSocketFactory {
 public:
  TlsSocketFactory() : TSSLSocketFactory(att::SSLTLS) { SSL_CTX_set_min_proto_version(ctx_->get(), TLS1_2_VERSION); }
};

/// Admits a client certificate only when one of its DNS subjectAltNames or
/// its common name is on the list. Undecided names are skipped; a
/// certificate with no listed name ends with no ALLOW, which Thrift treats as
/// a refusal.
class PeerAllowList : public att::AccessManager {
 public:
  explicit PeerAllowList(std::vector<std::string> names) : names_(std::move(names)) {}
  Decision verify(const sockaddr_storage&) noexcept override { return SKIP; }
  Decision verify(const std::string&, const char* name, int size) noexcept override {
    if (!name || size <= 0) return SKIP;
    const std::string_view n(name, static_cast<size_t>(size));
    return std::find(names_.begin(), names_.end(), n) != names_.end() ? ALLOW : SKIP;
  }
  Decision verify(const sockaddr_storage&, const char*, int) noexcept override { return SKIP; }

 private:
  std::vector<std::string> names_;
};

/// Framed transports that all share our TConfiguration: the frame and
/// message caps and the recursion limit hold on every connection.
class FramedTransportFactory : public att::TTransportFactory {
 public:
  explicit FramedTransportFactory(std::shared_ptr<at::TConfiguration> config) : config_(std::move(config)) {}
  std::shared_ptr<att::TTransport> getTransport(std::shared_ptr<att::TTransport> transport) override {
    return std::make_shared<att::TFramedTransport>(std::move(transport), config_);
  }

 private:
  std::shared_ptr<at::TConfiguration> config_;
};

class HandlerFactory : public schema::ExchangeGatewayIfFactory {
 public:
  explicit HandlerFactory(ThriftShared& shared) : shared_(shared) {}
  schema::ExchangeGatewayIf* getHandler(const at::TConnectionInfo& info) override {
    ++shared_.connections;
    std::string remote = "unknown";
    if (auto socket = std::dynamic_pointer_cast<att::TSocket>(info.transport)) remote = socket->getPeerAddress();
    return new ThriftHandler(shared_, std::move(remote));
  }
  void releaseHandler(schema::ExchangeGatewayIf* handler) override { delete handler; }

 private:
  ThriftShared& shared_;
};

/// Tells start() that the socket listens (serve() binds, then calls this).
class ListeningSignal : public at::server::TServerEventHandler {
 public:
  explicit ListeningSignal(std::promise<void>& listening) : listening_(listening) {}
  void preServe() override { listening_.set_value(); }

 private:
  std::promise<void>& listening_;
};

}  // namespace

struct ThriftGateway::Impl {
  Impl(ExchangeService& s, const Authenticator& a, ThriftOptions o) : options(std::move(o)), shared(s, a, options) {}

  ThriftOptions options;
  ThriftShared shared;
  std::shared_ptr<TlsSocketFactory> tls;  ///< outlives every socket it made (THRIFT-4164)
  std::shared_ptr<att::TServerSocket> socket;
  std::shared_ptr<at::concurrency::ThreadManager> threads;
  std::shared_ptr<at::server::TThreadPoolServer> server;
  std::promise<void> listening;  ///< set once serve() listens (or fails to)
  std::thread serving;
  bool started = false, stopped = false;
  int counterSource = 0;  ///< our counters in the service's /metrics

  std::shared_ptr<att::TServerSocket> makeSocket();
};

std::shared_ptr<att::TServerSocket> ThriftGateway::Impl::makeSocket() {
  if (!options.tls()) return std::make_shared<att::TServerSocket>(options.listen, options.port);
  tls = std::make_shared<TlsSocketFactory>();
  tls->server(true);
  // Thrift reads OpenSSL's per-thread error queue after its own calls: an
  // error another library left there must not be taken for ours.
  ERR_clear_error();
  tls->ciphers(kTls12Ciphers);
  auto load = [&](const char* key, const std::string& file, auto&& loader) {
    try {
      loader(file.c_str());
    } catch (const att::TSSLException& e) {
      throw Error::config(std::string(key) + ": cannot load '" + file + "': " + e.what());
    }
  };
  load("thrift.tls.cert_file", options.tlsCertFile, [&](const char* f) { tls->loadCertificate(f); });
  load("thrift.tls.key_file", options.tlsKeyFile, [&](const char* f) { tls->loadPrivateKey(f); });
  if (!options.tlsCaFile.empty())
    load("thrift.tls.ca_file", options.tlsCaFile, [&](const char* f) { tls->loadTrustedCertificates(f); });
  tls->authenticate(options.requireClientCert);
  if (options.requireClientCert && !options.allowedPeers.empty())
    tls->access(std::make_shared<PeerAllowList>(options.allowedPeers));
  return std::make_shared<att::TSSLServerSocket>(options.listen, options.port, tls);
}

ThriftGateway::ThriftGateway(ExchangeService& service, const Authenticator& authenticator, ThriftOptions options)
    : impl_(std::make_unique<Impl>(service, authenticator, std::move(options))) {}

ThriftGateway::~ThriftGateway() { stop(); }

void ThriftGateway::start() {
  auto& d = *impl_;
  if (d.started) return;
  // A peer that goes away mid-write must not kill the process (TSSLSocket
  // writes through OpenSSL, which does not pass MSG_NOSIGNAL).
  signal(SIGPIPE, SIG_IGN);
  at::GlobalOutput.setOutputFunction(thriftOutput);
  const auto& o = d.options;

  d.socket = d.makeSocket();
  const int timeoutMs = static_cast<int>(std::min<int64_t>(o.timeoutSeconds * 1000, INT32_MAX));
  d.socket->setRecvTimeout(timeoutMs);
  d.socket->setSendTimeout(timeoutMs);
  d.socket->setAcceptBacklog(128);

  auto config = std::make_shared<at::TConfiguration>(static_cast<int>(o.maxFrameBytes),
                                                     static_cast<int>(o.maxFrameBytes), o.recursionDepth);
  // Strict reads refuse old unversioned messages; the size limits refuse a
  // declared string or container size before anything is allocated.
  auto protocol = std::make_shared<at::protocol::TBinaryProtocolFactoryT<att::TFramedTransport>>(
      static_cast<int32_t>(o.maxStringBytes), static_cast<int32_t>(o.maxContainerItems), true, true);

  d.threads = at::concurrency::ThreadManager::newSimpleThreadManager(static_cast<size_t>(o.threads));
  d.threads->threadFactory(std::make_shared<at::concurrency::ThreadFactory>());
  d.threads->start();
  d.server = std::make_shared<at::server::TThreadPoolServer>(
      std::make_shared<schema::ExchangeGatewayProcessorFactory>(std::make_shared<HandlerFactory>(d.shared)), d.socket,
      std::make_shared<FramedTransportFactory>(config), protocol, d.threads);
  d.server->setConcurrentClientLimit(o.threads);

  auto ready = d.listening.get_future();
  d.server->setServerEventHandler(std::make_shared<ListeningSignal>(d.listening));
  d.serving = std::thread([&d] {
    try {
      d.server->serve();
    } catch (const std::exception& e) {
      try {
        d.listening.set_exception(std::current_exception());
      } catch (const std::future_error&) {
        std::cerr << "govsync thrift: server stopped: " << e.what() << std::endl;
      }
    }
  });
  try {
    ready.get();
  } catch (const std::exception& e) {
    d.serving.join();
    d.threads->stop();
    throw Error::config("thrift: cannot listen on " + o.listen + ":" + std::to_string(o.port) + ": " + e.what());
  }
  d.started = true;
  d.counterSource = d.shared.service.addCounterSource([this] {
    const auto f = figures();
    return std::vector<FrontCounter>{
        {"govsync_thrift_calls_total", "Thrift calls that reached a handler.", f.calls},
        {"govsync_thrift_failed_calls_total", "Thrift calls answered with an exception.", f.failedCalls},
        {"govsync_thrift_connections_total", "Thrift connections accepted.", f.connections},
        {"govsync_thrift_transport_errors_total",
         "Thrift connections dropped on a transport or protocol error (bad frames, TLS, timeouts).",
         f.transportErrors}};
  });
}

void ThriftGateway::stop() {
  auto& d = *impl_;
  if (!d.started || d.stopped) return;
  d.stopped = true;
  d.shared.service.removeCounterSource(d.counterSource);
  d.shared.stopping = true;  // long-polls end within their next wake-up
  d.server->stop();          // interrupts accept() and every connection's read
  d.serving.join();
  d.threads->stop();
}

int ThriftGateway::port() const { return impl_->socket ? impl_->socket->getPort() : impl_->options.port; }

std::string ThriftGateway::url() const {
  return std::string(impl_->options.tls() ? "thrift+tls://" : "thrift://") + impl_->options.listen + ":" +
         std::to_string(port());
}

ThriftGateway::Figures ThriftGateway::figures() const {
  const auto& s = impl_->shared;
  return {s.calls.load(), s.failedCalls.load(), s.connections.load(), gTransportErrors.load()};
}

}  // namespace govsync::gateway
