// Shared by the parts of the HTTP gateway suite (http_exchange_test.cpp,
// http_access_test.cpp, http_admin_test.cpp): rows for the test mappings
// "tiny" and "tinyreview" (gateway_test_support.h) and the JSON content type.
#pragma once

#include <string>

#include "tests/gateway/gateway_test_support.h"

namespace govsync::gwtest {

inline const Headers kJson = {{"Content-Type", "application/json"}};

inline std::string tinyRow(const std::string& id, const std::string& extra = "") {
  return "{\"id\":\"" + id + "\",\"title\":\"漏水 " + id + "\",\"region\":\"211102\"" + extra + "}";
}

inline std::string tinyRows(int n, const std::string& prefix) {
  std::string out = "[";
  for (int i = 1; i <= n; ++i) {
    if (i > 1) out += ',';
    out += tinyRow(prefix + std::to_string(i));
  }
  return out + "]";
}

inline std::string reviewRow(const std::string& id) {
  return "{\"id\":\"" + id + "\",\"level\":\"5\",\"at\":\"2026-10-01T13:01:21+08:00\",\"phone\":\"13912345678\"}";
}

}  // namespace govsync::gwtest
