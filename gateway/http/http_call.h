// What a route handler sees of one request: the caller, path and query
// parameters, the body (already read within the cap), and ways to answer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "gateway/auth/principal.h"
#include "gateway/http/router.h"

namespace govsync::gateway {

class HttpCall {
 public:
  HttpCall(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
      : request(request), response(response) {}

  Poco::Net::HTTPServerRequest& request;
  Poco::Net::HTTPServerResponse& response;
  const Route* route = nullptr;
  size_t routeIndex = 0;
  std::vector<std::string> params;
  std::map<std::string, std::string> query;
  std::optional<Principal> principal;
  std::string body;
  std::string remote;  ///< peer address, for audit
  /// The verified client certificate's DNS subjectAltNames and common name
  /// (HTTPS with a client certificate only).
  std::vector<std::string> peerNames;
  uint64_t connectionId = 0;
  int status = 0;  ///< once sent
  bool sent = false;
  /// Answered without reading all the client sent: the connection closes
  /// gracefully so the client still gets the answer (no RST).
  bool unreadInput = false;
  bool bodyComplete = false;  ///< the whole body has been read

  const Principal& who() const { return *principal; }
  const std::string& param(size_t i) const { return params.at(i); }
  std::optional<std::string> queryValue(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
  std::string header(const std::string& name) const { return request.get(name, ""); }

  /// Answers with `body` (one write; Content-Length set).
  void send(int status, std::string_view contentType, std::string_view body);
  void sendJson(int status, std::string_view json) { send(status, "application/json; charset=utf-8", json); }
};

}  // namespace govsync::gateway
