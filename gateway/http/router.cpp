#include "gateway/http/router.h"

namespace govsync::gateway {

namespace {
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool percentDecode(std::string_view in, std::string& out, bool plusIsSpace) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& r : routes_) segments_.push_back(split(r.pattern));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path[0] != '/') return m;
  const auto parts = split(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& segs = segments_[i];
    if (segs.size() != parts.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (size_t k = 0; k < segs.size() && ok; ++k) {
      if (segs[k].size() > 2 && segs[k].front() == '{' && segs[k].back() == '}') {
        std::string decoded;
        ok = !parts[k].empty() && percentDecode(parts[k], decoded, false);
        params.push_back(std::move(decoded));
      } else {
        ok = segs[k] == parts[k];
      }
    }
    if (!ok) continue;
    if (routes_[i].method == method) {
      m.outcome = Outcome::Found;
      m.index = i;
      m.params = std::move(params);
      return m;
    }
    m.outcome = Outcome::WrongMethod;
    m.allow += (m.allow.empty() ? "" : ", ") + routes_[i].method;
  }
  return m;
}

}  // namespace govsync::gateway
