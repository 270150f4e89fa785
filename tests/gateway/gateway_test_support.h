// Shared by the gateway suites: a real gateway (service + HTTP front) on
// 127.0.0.1 port 0 over a SQLite store in a temporary folder, with test
// mappings; real clients — Poco's HTTPClientSession and curl in a
// subprocess — and a request signer.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include "core/util/crypto.h"
#include "core/util/time.h"
#include "gateway/auth/authenticator.h"
#include "gateway/auth/keys.h"
#include "gateway/http/http_gateway.h"
#include "gateway/service/exchange_service.h"
#include "gateway/thrift/thrift_gateway.h"

extern char** environ;

namespace govsync::gwtest {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "govsync-gw-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories(fs::path(file(name)).parent_path());
    std::ofstream(file(name), std::ios::binary | std::ios::trunc) << text;
    return file(name);
  }

 private:
  std::string path_;
};

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// A program's exit code and output.
struct Run {
  int exit = -1;
  std::string out, err;
};
inline std::ostream& operator<<(std::ostream& o, const Run& r) {
  return o << "exit " << r.exit << "\n--- stdout\n" << r.out << "\n--- stderr\n" << r.err;
}

/// Runs `argv` (PATH lookup) with `input` on stdin and `env` added.
inline Run runProgram(const std::vector<std::string>& args, const std::string& input = "",
                      const std::vector<std::string>& env = {}) {
  TempDir io;
  const std::string in = io.write("stdin", input), out = io.file("stdout"), err = io.file("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argStore = args;
  std::vector<char*> argv;
  for (auto& a : argStore) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStore;
  for (char** e = environ; *e; ++e) envStore.emplace_back(*e);
  envStore.insert(envStore.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : envStore) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argStore[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + argStore[0] + ": " + std::strerror(rc));
  int status = 0;
  waitpid(pid, &status, 0);
  Run r;
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readFile(out);
  r.err = readFile(err);
  return r;
}

/// An HTTP answer as a client saw it.
struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  Poco::JSON::Object::Ptr json() const {
    Poco::JSON::Parser p;
    return p.parse(body).extract<Poco::JSON::Object::Ptr>();
  }
};
inline std::ostream& operator<<(std::ostream& o, const Response& r) {
  return o << "HTTP " << r.status << " " << r.body.substr(0, 2000);
}

using Headers = std::vector<std::pair<std::string, std::string>>;

/// One request with Poco's client (a new connection each time).
inline Response pocoRequest(int port, const std::string& method, const std::string& pathAndQuery,
                            const std::string& body = "", const Headers& headers = {}, bool chunked = false) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(70, 0));
  Poco::Net::HTTPRequest req(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (chunked)
    req.setChunkedTransferEncoding(true);
  else if (!body.empty() || method == "POST" || method == "PUT")
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  auto& os = session.sendRequest(req);
  os.write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse resp;
  Response r;
  try {
    auto& is = session.receiveResponse(resp);
    std::stringstream s;
    s << is.rdbuf();
    r.body = s.str();
  } catch (const Poco::Exception& e) {
    r.status = -1;
    r.body = e.displayText();
    return r;
  }
  r.status = resp.getStatus();
  for (const auto& [k, v] : resp) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[lower] = v;
  }
  return r;
}

/// One request with curl (a subprocess). `extra` are further curl options.
inline Response curlRequest(const std::string& url, const std::string& method, const std::string& body = "",
                            const Headers& headers = {}, const std::vector<std::string>& extra = {}) {
  TempDir io;
  std::vector<std::string> args = {"curl", "-sS",           "-X", method,         "-D",         io.file("headers"),
                                   "-o",   io.file("body"), "-w", "%{http_code}", "--max-time", "60"};
  for (const auto& [k, v] : headers) args.insert(args.end(), {"-H", k + ": " + v});
  if (!body.empty() || method == "POST" || method == "PUT")
    args.insert(args.end(), {"--data-binary", "@" + io.write("request", body)});
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  const Run run = runProgram(args);
  Response r;
  r.status = run.exit == 0 ? std::stoi(run.out) : -run.exit;
  // curl exit 28: --max-time ended it (a stream); what came until then counts.
  r.body = run.exit == 0 || run.exit == 28 ? readFile(io.file("body")) : run.err;
  std::istringstream hs(readFile(io.file("headers")));
  for (std::string line; std::getline(hs, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string k = line.substr(0, colon), v = line.substr(colon + 1);
    for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
    r.headers[k] = v;
  }
  return r;
}

/// A client as the tests hold it.
struct TestClient {
  std::string keyId, secret;
  std::string token() const { return keyId + "." + secret; }
  Headers bearer() const { return {{"Authorization", "Bearer " + token()}}; }
  /// The signing headers for one request.
  Headers sign(const std::string& method, const std::string& pathAndQuery, const std::string& body,
               int64_t timestamp = 0, std::string nonce = {}) const {
    if (!timestamp) timestamp = nowMillis() / 1000;
    if (nonce.empty()) nonce = base64UrlEncode(randomBytes(16));
    const std::string ts = std::to_string(timestamp);
    return {
        {"X-Gov-Key", keyId},
        {"X-Gov-Timestamp", ts},
        {"X-Gov-Nonce", nonce},
        {"X-Gov-Signature", gateway::Authenticator::sign(secret, method, pathAndQuery, ts, nonce, sha256Hex(body))}};
  }
};

// Test mappings: `tiny` makes CASE records (with personal data to mask) and
// dead-letters a non-integer `sat`; `tinyreview` makes REVIEW records.
inline const char* kTinyMapping = R"(mapping: tiny
kind: CASE
source_system: tiny
fields:
  source_id: id
  case_no: id
  title: title
  region_code: region
  reporter_name: name
  reporter_phone: phone
  satisfaction_level: {from: sat, do: [to_int]}
)";

inline const char* kTinyReviewMapping = R"(mapping: tinyreview
kind: REVIEW
source_system: tinyreview
fields:
  source_id: id
  review_id: id
  level: {from: level, do: [to_int]}
  evaluated_at: {from: at, do: [{parse_time: iso8601}]}
  evaluator_phone: phone
)";

/// A running gateway over a fresh store.
class TestGateway {
  gateway::MasterKey masterKey_;

 public:
  /// SQLite in the temporary folder unless `storeOptions` says otherwise.
  explicit TestGateway(gateway::HttpOptions options = defaults(), std::optional<store::StoreOptions> storeOptions = {})
      : masterKey_(gateway::MasterKey::fromBytes(randomBytes(32))) {
    dir.write("maps/tiny.yaml", kTinyMapping);
    dir.write("maps/tinyreview.yaml", kTinyReviewMapping);
    fs::create_directories(dir.file("codes"));
    store::StoreOptions so;
    so.sqlitePath = dir.file("govsync.db");
    store = store::openStore(storeOptions.value_or(so));
    store->setAuditKey(masterKey_.derive(store::kAuditKeyPurpose));  // as `serve` does
    mappings = std::make_unique<mapping::MappingSet>(dir.file("maps"), dir.file("codes"), "test-salt-0123456789abcdef");
    for (const auto& s : mappings->loadAll())
      if (!s.error.empty()) throw std::runtime_error("test mapping does not compile: " + s.error);
    service = std::make_unique<gateway::ExchangeService>(*store, *mappings, nullptr, masterKey_);
    auth = std::make_unique<gateway::Authenticator>(*store, masterKey_, options.signatureWindowSeconds);
    http = std::make_unique<gateway::HttpGateway>(*service, *auth, options);
    http->start();
  }
  ~TestGateway() {
    if (thrift) thrift->stop();
    http->stop();
  }

  /// Starts the Thrift front over the same service.
  void startThrift(gateway::ThriftOptions options = thriftDefaults()) {
    thrift = std::make_unique<gateway::ThriftGateway>(*service, *auth, std::move(options));
    thrift->start();
  }
  static gateway::ThriftOptions thriftDefaults() {
    gateway::ThriftOptions o;
    o.listen = "127.0.0.1";
    o.port = 0;
    o.threads = 8;
    o.ratePerSecond = 0;
    o.authFailuresPerMinute = 0;
    return o;
  }

  static gateway::HttpOptions defaults() {
    gateway::HttpOptions o;
    o.listen = "127.0.0.1";
    o.port = 0;
    o.ratePerSecond = 0;  // the rate-limit test sets its own
    o.authFailuresPerMinute = 0;
    return o;
  }

  TestClient addClient(const std::string& name, const std::string& department, const std::vector<std::string>& scopes) {
    auto made = gateway::makeClient(name, department, scopes, masterKey_);
    store->addClient(made.client);
    return {made.client.keyId, made.secret};
  }

  int port() const { return http->port(); }
  std::string url(const std::string& pathAndQuery) const { return http->url() + pathAndQuery; }
  Response get(const std::string& path, const Headers& h = {}) { return pocoRequest(port(), "GET", path, "", h); }
  Response post(const std::string& path, const std::string& body, Headers h = {}) {
    return pocoRequest(port(), "POST", path, body, h);
  }

  TempDir dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<mapping::MappingSet> mappings;
  std::unique_ptr<gateway::ExchangeService> service;
  std::unique_ptr<gateway::Authenticator> auth;
  std::unique_ptr<gateway::HttpGateway> http;
  std::unique_ptr<gateway::ThriftGateway> thrift;
};

// Reading JSON answers.
inline size_t arraySize(const Poco::JSON::Object::Ptr& o, const std::string& key) { return o->getArray(key)->size(); }
inline int64_t intAt(const Poco::JSON::Object::Ptr& o, const std::string& key) { return o->getValue<int64_t>(key); }
inline std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  return o->getValue<std::string>(key);
}
inline Poco::JSON::Object::Ptr item(const Poco::JSON::Object::Ptr& o, const std::string& key, unsigned i) {
  return o->getArray(key)->getObject(i);
}

/// `openssl s_client` with one protocol version forced; the client's own
/// security level is lowered so that only the server can refuse. `ciphers`
/// narrows what the client offers (TLS 1.2 and older).
inline Run tlsHandshake(int port, const std::string& version, const std::string& ciphers = "DEFAULT") {
  return runProgram({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-" + version, "-cipher",
                     ciphers + "@SECLEVEL=0", "-brief"},
                    "");
}

inline Headers operator+(Headers a, const Headers& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace govsync::gwtest
