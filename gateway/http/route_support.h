// What the route handlers share (routes.cpp, review_routes.cpp): reading
// query parameters and JSON bodies with per-field problems, list answers,
// instants, and the bound on long-polls waiting at once.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Parser.h>

#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"
#include "gateway/http/gateway_impl.h"

namespace govsync::gateway {

// {"<key>": [items...]} with status 200 — the shape of every admin list.
template <typename List, typename Write>
void sendList(HttpCall& call, std::string_view key, const List& list, Write write) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.key(key);
  w.beginArray();
  for (const auto& item : list) write(w, item);
  w.endArray();
  w.endObject();
  call.sendJson(200, out);
}

// ------------------------------------------------------------ reading input

inline int64_t intQuery(const HttpCall& call, const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  auto v = call.queryValue(name);
  if (!v || v->empty()) return fallback;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec == std::errc::result_out_of_range) return n < 0 ? min : max;  // absurd sizes are clamped, not refused
  if (ec != std::errc() || p != v->data() + v->size() || n < min)
    throw Error::invalid("query parameter '" + name + "' must be an integer of at least " + std::to_string(min) +
                         ", not '" + v->substr(0, 40) + "'");
  return std::min(n, max);
}

inline std::string strQuery(const HttpCall& call, const std::string& name) {
  return call.queryValue(name).value_or("");
}

inline std::optional<bool> boolQuery(const HttpCall& call, const std::string& name) {
  auto v = call.queryValue(name);
  if (!v || v->empty()) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw Error::invalid("query parameter '" + name + "' must be true or false");
}

// The body as one JSON object; wrong types are reported per field.
class JsonBody {
 public:
  explicit JsonBody(const std::string& text, bool required = true) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      if (required) throw Error::invalid("the request needs a JSON object body");
      obj_ = new Poco::JSON::Object;
      return;
    }
    Poco::JSON::Parser parser;
    parser.setDepth(32);
    Poco::Dynamic::Var v;
    try {
      v = parser.parse(text);
    } catch (const Poco::Exception& e) {
      throw Error::invalid("the body is not valid JSON: " + e.message());
    }
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw Error::invalid("the body must be a JSON object");
    obj_ = v.extract<Poco::JSON::Object::Ptr>();
  }

  std::string string(const std::string& key, bool required) {
    if (!obj_->has(key) || obj_->isNull(key)) {
      if (required) issues_.push_back({key, "required"});
      return {};
    }
    auto v = obj_->get(key);
    if (!v.isString()) {
      issues_.push_back({key, "must be a string"});
      return {};
    }
    return v.extract<std::string>();
  }

  std::vector<std::string> strings(const std::string& key, bool required) {
    std::vector<std::string> out;
    if (!obj_->has(key) || obj_->isNull(key)) {
      if (required) issues_.push_back({key, "required"});
      return out;
    }
    if (!obj_->isArray(key)) {
      issues_.push_back({key, "must be an array of strings"});
      return out;
    }
    auto a = obj_->getArray(key);
    for (unsigned i = 0; i < a->size(); ++i) {
      auto v = a->get(i);
      if (!v.isString()) {
        issues_.push_back({key + "[" + std::to_string(i) + "]", "must be a string"});
        continue;
      }
      out.push_back(v.extract<std::string>());
    }
    return out;
  }

  std::vector<int64_t> integers(const std::string& key) {
    std::vector<int64_t> out;
    if (!obj_->has(key) || obj_->isNull(key)) return out;
    if (!obj_->isArray(key)) {
      issues_.push_back({key, "must be an array of integers"});
      return out;
    }
    auto a = obj_->getArray(key);
    for (unsigned i = 0; i < a->size(); ++i) {
      auto v = a->get(i);
      if (!v.isInteger()) {
        issues_.push_back({key + "[" + std::to_string(i) + "]", "must be an integer"});
        continue;
      }
      out.push_back(v.convert<int64_t>());
    }
    return out;
  }

  // The JSON text of an array member (rows for a dry run).
  std::string arrayText(const std::string& key) {
    if (!obj_->has(key) || obj_->isNull(key)) return {};
    if (!obj_->isArray(key)) {
      issues_.push_back({key, "must be an array of objects"});
      return {};
    }
    std::ostringstream out;
    obj_->getArray(key)->stringify(out);
    return out.str();
  }

  /// Refuses members the route does not know (no mass assignment).
  void only(std::initializer_list<const char*> known) {
    for (const auto& name : obj_->getNames()) {
      bool ok = false;
      for (const char* k : known) ok = ok || name == k;
      if (!ok) issues_.push_back({name, "unknown member"});
    }
  }

  void check() {
    if (!issues_.empty()) throw Error::invalidFields("the request body has problems", std::move(issues_));
  }

 private:
  Poco::JSON::Object::Ptr obj_;
  std::vector<FieldIssue> issues_;
};

// The charset parameter of a Content-Type ("application/json; charset=GBK").
inline std::string charsetOf(const std::string& contentType) {
  std::string lower;
  for (char c : contentType) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("charset=");
  if (at == std::string::npos) return {};
  std::string v = contentType.substr(at + 8);
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '"')) v.pop_back();
  while (!v.empty() && (v.front() == ' ' || v.front() == '"')) v.erase(0, 1);
  return v;
}

inline std::string mediaTypeOf(const std::string& contentType) {
  std::string t = contentType.substr(0, contentType.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

/// `"key": "<RFC 3339>"`, or null for 0.
inline void writeInstant(JsonWriter& w, const char* key, int64_t ms) {
  w.key(key);
  if (ms)
    w.string(formatRfc3339(ms));
  else
    w.null();
}

/// A long-poll (or stream) holds a thread: at most max_waiting_pulls wait at
/// once; the others are answered at once (the client simply polls again).
struct WaitSlot {
  HttpGateway::Impl& g;
  bool held = false;
  WaitSlot(HttpGateway::Impl& gateway, int64_t& wait, HttpCall& call) : g(gateway) {
    if (wait <= 0) return;
    if (g.waitingPulls.fetch_add(1) < g.options.maxWaitingPulls) {
      held = true;
      return;
    }
    g.waitingPulls.fetch_sub(1);
    ++g.shortenedWaits;
    wait = 0;
    call.response.set("X-Gov-Wait", "0");
  }
  ~WaitSlot() {
    if (held) g.waitingPulls.fetch_sub(1);
  }
};

}  // namespace govsync::gateway
