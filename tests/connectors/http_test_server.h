// A legacy HTTP API for the http connector suite: a real Poco HTTPServer
// (or HTTPS with a certificate from http_test_certs.h) on 127.0.0.1, port 0.
// It pages its records every way the connector supports, checks every auth
// style for real (HMAC recomputed here with its own canonical form, a ±300 s
// window and a nonce table against replay), fails on cue (503 with
// Retry-After, 500 forever, slow, garbage, truncated) and speaks XML and GBK.
// Every request is logged for the tests to inspect.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/connectors/http_test_records.h"

namespace govsync::test {

/// One request as the server saw it.
struct Seen {
  std::string method, path, query, body;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::chrono::steady_clock::time_point at;
  std::string param(const std::string& name) const {
    for (const auto& [k, v] : Poco::URI("/?" + query).getQueryParameters())
      if (k == name) return v;
    return "";
  }
};

class LegacyApi {
 public:
  /// Plain HTTP, or HTTPS with `certFile`/`keyFile`.
  /// `oldTlsOnly`: the server speaks TLS 1.0/1.1 only (an outdated source).
  explicit LegacyApi(const std::string& certFile = "", const std::string& keyFile = "", bool oldTlsOnly = false) {
    for (int i = 1; i <= 25; ++i) records.push_back(Rec::make(i));
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setKeepAlive(false);
    const Poco::Net::SocketAddress any("127.0.0.1", 0);
    if (certFile.empty()) {
      socket_ = std::make_unique<Poco::Net::ServerSocket>(any);
    } else {
      Poco::Net::Context::Ptr ctx = new Poco::Net::Context(
          Poco::Net::Context::TLS_SERVER_USE, keyFile, certFile, "", Poco::Net::Context::VERIFY_NONE, 9, false,
          oldTlsOnly ? "DEFAULT:@SECLEVEL=0" : "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
      if (oldTlsOnly) ctx->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
      socket_ = std::make_unique<Poco::Net::SecureServerSocket>(any, 64, ctx);
    }
    tls_ = !certFile.empty();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *socket_, params);
    server_->start();
  }
  ~LegacyApi() { server_->stopAll(true); }
  LegacyApi(const LegacyApi&) = delete;
  LegacyApi& operator=(const LegacyApi&) = delete;

  std::string base() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(socket_->address().port());
  }
  uint16_t port() const { return socket_->address().port(); }

  /// Requests whose path starts with `prefix`, in arrival order.
  std::vector<Seen> seen(const std::string& prefix = "/") const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Seen> out;
    for (const auto& s : log_)
      if (s.path.rfind(prefix, 0) == 0) out.push_back(s);
    return out;
  }

  void add(const Rec& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    records.push_back(r);
  }
  /// Replaces the record with r's id (changed at the source).
  void update(const Rec& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& old : records)
      if (old.id == r.id) old = r;
  }
  /// /reviews: adds an evaluation, or replaces the one with the same number (changed at the source).
  void put(const Review& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& old : reviews_)
      if (old.n == r.n) {
        old = r;
        return;
      }
    reviews_.push_back(r);
  }

  // Behaviour knobs, set by tests.
  std::atomic<int> failuresBeforeSuccess{2};  ///< /flaky: 503s before a 200
  std::atomic<bool> retryAfterAsDate{false};  ///< /flaky: Retry-After as an HTTP date
  std::atomic<int> retryAfterSeconds{1};
  std::atomic<int> failPage{0};  ///< /page: this page answers 500

  std::vector<Rec> records;  ///< guarded by mutex_ once the server runs (use add())

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(LegacyApi& api) : api_(api) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
      api_.handle(req, res);
    }

   private:
    LegacyApi& api_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(LegacyApi& api) : api_(api) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler(api_);
    }

   private:
    LegacyApi& api_;
  };

  static void reply(Poco::Net::HTTPServerResponse& res, const std::string& body, int status = 200,
                    const std::string& type = "application/json; charset=utf-8") {
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    res.setContentType(type);
    res.setContentLength(static_cast<std::streamsize>(body.size()));
    res.send() << body;
  }

  std::vector<Rec> slice(size_t from, size_t n, const std::string& since = "") const {
    std::vector<Rec> all;
    for (const auto& r : records)
      if (since.empty() || r.updated >= since) all.push_back(r);
    std::vector<Rec> out;
    for (size_t i = from; i < all.size() && out.size() < n; ++i) out.push_back(all[i]);
    return out;
  }

  void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) {
    Seen s;
    const Poco::URI uri(req.getURI());
    s.method = req.getMethod();
    s.path = uri.getPath();
    s.query = uri.getRawQuery();
    std::ostringstream body;
    body << req.stream().rdbuf();
    s.body = body.str();
    for (const auto& [k, v] : req) {
      std::string name = k;
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      s.headers[name] = v;
    }
    s.at = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    log_.push_back(s);
    const auto q = [&](const std::string& k, int def) {
      const std::string v = s.param(k);
      return v.empty() ? def : std::stoi(v);
    };
    const std::string& p = s.path;
    if (p == "/page" || p == "/since") {
      const int page = q("page", 1), size = q("page_size", 10);
      if (page == failPage) return reply(res, "{\"code\":500}", 500);
      const auto recs =
          slice(static_cast<size_t>((page - 1) * size), static_cast<size_t>(size), s.param("updated_since"));
      return reply(res, "{\"code\":0,\"msg\":\"ok\",\"data\":{\"total\":" + std::to_string(records.size()) +
                            ",\"list\":" + jsonArray(recs) + "}}");
    }
    if (p == "/reviews") {
      // A 好差评 interface: pageNo/pageSize, updateTimeStart (>=), the {code, msg, data: {total, list}} envelope.
      const int page = q("pageNo", 1), size = q("pageSize", 10);
      const std::string since = s.param("updateTimeStart");
      std::vector<Review> match;
      for (const auto& r : reviews_)
        if (since.empty() || r.updated >= since) match.push_back(r);
      std::string list = "[";
      for (size_t i = static_cast<size_t>((page - 1) * size); i < match.size() && i < static_cast<size_t>(page * size);
           ++i)
        list += (list.size() > 1 ? "," : "") + match[i].json();
      return reply(res, "{\"code\":\"0\",\"msg\":\"成功\",\"data\":{\"total\":" + std::to_string(match.size()) +
                            ",\"list\":" + list + "]}}");
    }
    if (p == "/offset") {
      const auto recs = slice(static_cast<size_t>(q("offset", 0)), static_cast<size_t>(q("limit", 10)));
      return reply(res, "{\"items\":" + jsonArray(recs) + "}");
    }
    if (p == "/cursor") {
      // The cursor is the last id seen; when caught up the same cursor comes back with no data.
      const std::string c = s.param("cursor");
      const int after = c.empty() ? 0 : std::stoi(c.substr(1));
      std::vector<Rec> recs;
      for (const auto& r : records)
        if (r.id > after && recs.size() < static_cast<size_t>(q("limit", 10))) recs.push_back(r);
      const std::string next =
          recs.empty() ? (c.empty() ? "null" : "\"" + c + "\"") : "\"c" + std::to_string(recs.back().id) + "\"";
      return reply(res, "{\"data\":" + jsonArray(recs) + ",\"paging\":{\"next_cursor\":" + next + "}}");
    }
    if (p == "/link") {
      const int page = q("p", 1);
      const auto recs = slice(static_cast<size_t>((page - 1) * 10), 10);
      if (page * 10 < static_cast<int>(records.size()))
        res.set("Link", "</link?p=" + std::to_string(page + 1) + ">; rel=\"next\", </link?p=1>; rel=\"first\"");
      return reply(res, jsonArray(recs));
    }
    if (p == "/link-body") {
      const int page = q("p", 1);
      const auto recs = slice(static_cast<size_t>((page - 1) * 10), 10);
      const std::string next = page * 10 < static_cast<int>(records.size())
                                   ? "\"" + base() + "/link-body?p=" + std::to_string(page + 1) + "\""
                                   : "null";
      return reply(res, "{\"records\":" + jsonArray(recs) + ",\"links\":{\"next\":" + next + "}}");
    }
    if (p == "/evil-link") return reply(res, "{\"records\":[],\"links\":{\"next\":\"http://198.51.100.7/steal\"}}");
    if (p.rfind("/auth/", 0) == 0) {
      if (!authorized(s)) return reply(res, "{\"code\":401,\"msg\":\"unauthorized\"}", 401);
      return reply(res, "{\"data\":[{\"id\":1}]}");
    }
    if (p == "/flaky") {
      if (failuresBeforeSuccess > 0) {
        --failuresBeforeSuccess;
        if (retryAfterAsDate) {
          res.set("Retry-After", httpDate(std::time(nullptr) + retryAfterSeconds));
        } else {
          res.set("Retry-After", std::to_string(retryAfterSeconds.load()));
        }
        return reply(res, "busy", 503, "text/plain");
      }
      return reply(res, "{\"data\":[{\"id\":1},{\"id\":2}]}");
    }
    if (p == "/empty") return reply(res, "", q("status", 200));
    if (p == "/down") return reply(res, "{\"error\":\"database down\"}", 500);
    if (p == "/slow") {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return reply(res, "{\"data\":[]}");
    }
    if (p == "/garbage") return reply(res, "<html><body><h1>502 Bad Gateway</h1></body></html>");
    if (p == "/cut-json") return reply(res, "{\"data\":[{\"id\":1},{\"id\":2,\"title\":\"半");
    if (p == "/truncated") {
      res.setContentType("application/json");
      res.setContentLength(500);
      res.setKeepAlive(false);
      std::ostream& out = res.send();
      out << std::string("{\"data\":[") + std::string(91, ' ');
      out.flush();
      return;
    }
    if (p == "/bad-record")
      return reply(res, "{\"data\":[{\"id\":1},\"oops\",{\"id\":3,\"name\":\"\xC3\x28\"},{\"id\":4}]}");
    if (p == "/envelope-error") return reply(res, "{\"code\":500,\"msg\":\"系统繁忙\",\"data\":null}");
    if (p == "/gbk-json")
      return reply(res, toGbk("{\"data\":[{\"id\":1,\"title\":\"盘锦市兴隆台区\"}]}"), 200,
                   "application/json;charset=GBK");
    if (p == "/xml") {
      const std::string next = q("page", 1) == 1 ? "2" : "";
      return reply(res, toGbk(xmlPage(q("page", 1), next)), 200, "text/xml");
    }
    if (p == "/doctype")
      return reply(res,
                   "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><Response><Records><Record>&a;"
                   "</Record></Records></Response>",
                   200, "text/xml");
    if (p == "/post") {
      if (s.method != "POST" || s.headers["content-type"].find("application/json") == std::string::npos)
        return reply(res, "{\"msg\":\"POST a JSON body\"}", 400);
      // The body is {"token":"fixed","pageNo":N,"pageSize":M}.
      const auto num = [&](const std::string& k) {
        const auto at = s.body.find("\"" + k + "\":");
        return at == std::string::npos ? -1 : std::stoi(s.body.substr(at + k.size() + 3));
      };
      if (s.body.find("\"fixed\"") == std::string::npos || num("pageNo") < 1)
        return reply(res, "{\"msg\":\"bad body\"}", 400);
      const auto recs =
          slice(static_cast<size_t>((num("pageNo") - 1) * num("pageSize")), static_cast<size_t>(num("pageSize")));
      return reply(res, "{\"rows\":" + jsonArray(recs) + "}");
    }
    reply(res, "{\"msg\":\"no such endpoint\"}", 404);
  }

  // --- authentication, checked the way a real gateway would ---
  bool authorized(const Seen& s) {
    const std::string auth = s.headers.count("authorization") ? s.headers.at("authorization") : "";
    if (s.path == "/auth/basic") return auth == "Basic " + base64("clerk:s3cret-密码");
    if (s.path == "/auth/bearer") return auth == "Bearer tok-123";
    if (s.path == "/auth/apikey") return s.headers.count("x-app-key") && s.headers.at("x-app-key") == "k-456";
    if (s.path == "/auth/hmac" || s.path == "/auth/hmac-sha1") return hmacValid(s, s.path == "/auth/hmac-sha1");
    return false;
  }

  bool hmacValid(const Seen& s, bool sha1Variant) {
    auto h = [&](const std::string& k) { return s.headers.count(k) ? s.headers.at(k) : std::string(); };
    const std::string keyId = h(sha1Variant ? "x-ca-key" : "x-key-id");
    const std::string ts = h(sha1Variant ? "x-ca-timestamp" : "x-timestamp");
    const std::string nonce = h(sha1Variant ? "x-ca-nonce" : "x-nonce");
    const std::string sig = h(sha1Variant ? "x-ca-signature" : "x-signature");
    if (keyId != "dept-7" || ts.empty() || nonce.empty() || sig.empty()) return false;
    const long long now = sha1Variant ? static_cast<long long>(std::time(nullptr)) * 1000 : std::time(nullptr);
    const long long window = sha1Variant ? 300000 : 300;
    if (std::llabs(std::stoll(ts) - now) > window) return false;
    if (!nonces_.insert(nonce).second) return false;  // replayed
    // The canonical query, rebuilt from what arrived: decoded, sorted, re-encoded.
    auto params = Poco::URI("/?" + s.query).getQueryParameters();
    std::sort(params.begin(), params.end());
    std::string query;
    for (const auto& [k, v] : params) query += (query.empty() ? "" : "&") + encode(k) + "=" + encode(v);
    std::string toSign;
    if (sha1Variant)  // hmac_signed_fields: [key_id, timestamp, nonce, method, path]
      toSign = keyId + "\n" + ts + "\n" + nonce + "\n" + s.method + "\n" + s.path;
    else
      toSign = s.method + "\n" + s.path + "\n" + query + "\n" + ts + "\n" + nonce + "\n" + sha256Hex(s.body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const std::string secret = "hmac-secret-789";
    HMAC(sha1Variant ? EVP_sha1() : EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(toSign.data()), toSign.size(), mac, &len);
    const std::string raw(reinterpret_cast<char*>(mac), len);
    return sig == (sha1Variant ? base64(raw) : hex(raw));
  }

  static std::string encode(const std::string& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }
  static std::string hex(const std::string& raw) {
    std::string out;
    char buf[3];
    for (unsigned char c : raw) {
      std::snprintf(buf, sizeof buf, "%02x", c);
      out += buf;
    }
    return out;
  }
  static std::string sha256Hex(const std::string& data) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
    return hex(std::string(reinterpret_cast<char*>(d), sizeof d));
  }
  static std::string base64(const std::string& raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    out.resize(static_cast<size_t>(n));
    return out;
  }
  static std::string httpDate(std::time_t t) {
    char buf[64];
    std::tm tm;
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
  }

  mutable std::mutex mutex_;
  std::vector<Seen> log_;
  std::set<std::string> nonces_;
  std::vector<Review> reviews_;  ///< /reviews, guarded by mutex_
  bool tls_ = false;
  std::unique_ptr<Poco::Net::ServerSocket> socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace govsync::test
