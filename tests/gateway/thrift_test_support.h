// Thrift clients for the gateway suites: the generated C++ client over
// TLS (TSSLSocket + framed transport + strict binary protocol), a raw TLS
// byte pipe for hostile frames, and the signing of a Credential.
#pragma once

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TSocket.h>

#include <boost/test/unit_test.hpp>
#include <typeinfo>

#include "ExchangeGateway.h"
#include "tests/connectors/http_test_certs.h"
#include "tests/gateway/gateway_test_support.h"

namespace govsync::gwtest {

namespace att = apache::thrift::transport;

/// The generated client on its own connection. With `certs`, over TLS
/// trusting the test CA (and presenting <clientCert>.crt when named).
class ThriftClient {
 public:
  ThriftClient(int port, const test::TestCertificates* certs = nullptr, const std::string& clientCert = "") {
    if (certs) {
      factory_ = std::make_shared<att::TSSLSocketFactory>(att::TLSv1_2);
      factory_->loadTrustedCertificates(certs->path("ca.crt").c_str());
      factory_->authenticate(true);
      if (!clientCert.empty()) {
        factory_->loadCertificate(certs->path(clientCert + ".crt").c_str());
        factory_->loadPrivateKey(certs->path(clientCert + ".key").c_str());
      }
      // "localhost" is in the server certificate's subjectAltName; 0.17's
      // default client access manager checks it.
      socket_ = factory_->createSocket("localhost", port);
    } else {
      socket_ = std::make_shared<att::TSocket>("127.0.0.1", port);
    }
    socket_->setRecvTimeout(70000);
    transport_ = std::make_shared<att::TFramedTransport>(socket_);
    client_ = std::make_unique<schema::ExchangeGatewayClient>(
        std::make_shared<apache::thrift::protocol::TBinaryProtocol>(transport_));
    transport_->open();
  }
  ~ThriftClient() {
    try {
      transport_->close();
    } catch (...) {
    }
  }
  schema::ExchangeGatewayClient* operator->() { return client_.get(); }

 private:
  std::shared_ptr<att::TSSLSocketFactory> factory_;  // outlives its socket
  std::shared_ptr<att::TSocket> socket_;
  std::shared_ptr<att::TTransport> transport_;
  std::unique_ptr<schema::ExchangeGatewayClient> client_;
};

/// A TLS connection to write arbitrary bytes on (hostile frames).
class RawTlsPipe {
 public:
  RawTlsPipe(int port, const test::TestCertificates& certs) {
    factory_ = std::make_shared<att::TSSLSocketFactory>(att::TLSv1_2);
    factory_->loadTrustedCertificates(certs.path("ca.crt").c_str());
    factory_->authenticate(true);
    socket_ = factory_->createSocket("localhost", port);
    socket_->setRecvTimeout(10000);
    socket_->open();
  }
  void send(const std::string& bytes) {
    socket_->write(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<uint32_t>(bytes.size()));
    socket_->flush();
  }
  /// True when the server closed the connection (rather than answering or
  /// leaving it open until our receive timeout).
  bool closedByServer() {
    uint8_t buf[64];
    try {
      return socket_->read(buf, sizeof buf) == 0;
    } catch (const att::TTransportException& e) {
      return e.getType() == att::TTransportException::END_OF_FILE;
    }
  }

 private:
  std::shared_ptr<att::TSSLSocketFactory> factory_;
  std::shared_ptr<att::TSSLSocket> socket_;
};

inline schema::Credential bearerCredential(const TestClient& c) {
  schema::Credential cr;
  cr.__set_token(c.token());
  return cr;
}

/// A signed credential for `method` with `payload` (pushRows' body, else "").
inline schema::Credential signedCredential(const TestClient& c, const std::string& method,
                                           const std::string& payload = "", int64_t timestamp = 0,
                                           std::string nonce = {}) {
  if (!timestamp) timestamp = nowMillis() / 1000;
  if (nonce.empty()) nonce = base64UrlEncode(randomBytes(16));
  schema::Credential cr;
  cr.__set_key_id(c.keyId);
  cr.__set_timestamp(timestamp);
  cr.__set_nonce(nonce);
  cr.__set_signature(
      gateway::Authenticator::sign(c.secret, "THRIFT", method, std::to_string(timestamp), nonce, sha256Hex(payload)));
  return cr;
}

/// Big-endian helpers for hand-made binary-protocol messages.
inline std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
inline std::string be16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
/// A strict binary-protocol CALL header for `method`, sequence id 1.
inline std::string callHeader(const std::string& method) {
  return be32(0x80010001u) + be32(static_cast<uint32_t>(method.size())) + method + be32(1);
}
/// `message` as one frame.
inline std::string frame(const std::string& message) { return be32(static_cast<uint32_t>(message.size())) + message; }

/// The Thrift front over TLS with the test CA's server certificate.
inline gateway::ThriftOptions tlsThrift(const test::TestCertificates& certs) {
  auto o = TestGateway::thriftDefaults();
  o.tlsCertFile = certs.path("server.crt");
  o.tlsKeyFile = certs.path("server.key");
  return o;
}

/// What `f` throws, as `Exception`; fails the test on anything else or nothing.
template <class Exception, class F>
Exception expectThrow(F&& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e;
  } catch (const std::exception& e) {
    BOOST_FAIL(std::string("wrong exception: ") + typeid(e).name() + ": " + e.what());
  }
  BOOST_FAIL("no exception");
  return {};
}

}  // namespace govsync::gwtest
