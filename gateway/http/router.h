// The HTTP routes, as one table: method, path pattern ("/v1/records/{id}"),
// who may call it, the query parameters it takes, and its handler. The
// server dispatches from this table, /metrics labels by it, and the test
// checks it against the OpenAPI document in both directions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace govsync::gateway {

class HttpCall;

struct Route {
  std::string method;   ///< GET | POST | PUT | DELETE
  std::string pattern;  ///< "/v1/records/{id}"
  enum class Access { Public, Client } access = Access::Client;
  std::vector<std::string> query;  ///< query parameters it accepts (others are refused)
  bool readsBody = false;          ///< takes a request body (capped at http.max_body_bytes)
  std::function<void(HttpCall&)> handler;
  bool admin = false;  ///< needs the `admin` scope (checked before the input is read)

  std::string label() const { return method + " " + pattern; }
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  enum class Outcome { Found, NoPath, WrongMethod };
  struct Match {
    Outcome outcome = Outcome::NoPath;
    size_t index = 0;                 ///< of the route (Found)
    std::vector<std::string> params;  ///< path parameters, percent-decoded
    std::string allow;                ///< methods of the path (WrongMethod)
  };
  /// `path` without the query string, as received (percent-encoded).
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;
};

/// "%E5%8F%B7+x" → bytes; false on a malformed escape. `plusIsSpace` for query strings.
bool percentDecode(std::string_view in, std::string& out, bool plusIsSpace);

}  // namespace govsync::gateway
