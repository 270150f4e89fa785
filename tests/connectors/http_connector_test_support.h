// Shared by the parts of the http connector suite (http_paging_test.cpp,
// http_bodies_test.cpp, http_transport_test.cpp): a connector configured
// from YAML as the configuration would, the cells and ids of fetched rows,
// fetching until a run ends, and expecting errors.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "core/config/config.h"
#include "core/util/error.h"

namespace http_connector_test {

using govsync::Config;
using govsync::Error;
using govsync::RowBatch;
using govsync::connectors::Connector;
using govsync::connectors::ConnectorContext;
using govsync::connectors::ConnectorRegistry;
using govsync::connectors::registerHttpConnector;

inline std::unique_ptr<Connector> connector(const std::string& yaml) {
  static ConnectorRegistry registry = [] {
    ConnectorRegistry r;
    registerHttpConnector(r);
    return r;
  }();
  const auto& type = registry.get("http");
  ConnectorContext ctx{"api", Config::validate(type.options, YAML::Load(yaml), "test.yaml", "connectors[0].options"),
                       "/tmp"};
  return type.create(ctx);
}

inline std::string cell(const RowBatch& b, size_t row, const std::string& column) {
  const auto& r = b.row(row);
  const auto* cells = b.cells(r);
  for (uint32_t i = 0; i < r.cellCount; ++i) {
    if (b.columns()[cells[i].column] != column) continue;
    if (cells[i].flags & RowBatch::kNull) return "<null>";
    if (cells[i].flags & RowBatch::kList) {
      std::string out;
      b.forEachListItem(cells[i], [&](std::string_view item) {
        if (!out.empty()) out += '|';
        out += item;
      });
      return "[" + out + "]";
    }
    return std::string(b.bytes(cells[i]));
  }
  return "<missing>";
}

inline std::vector<std::string> ids(const RowBatch& b) {
  std::vector<std::string> out;
  for (size_t i = 0; i < b.size(); ++i) out.push_back(cell(b, i, "id"));
  return out;
}

inline std::vector<std::string> range(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
  return out;
}

// Fetches until a run ends; the ids of all rows, in order.
inline std::vector<std::string> drain(Connector& c, std::string& cp, size_t maxRows = 1000) {
  std::vector<std::string> all;
  for (int guard = 0; guard < 100; ++guard) {
    auto r = c.fetch(cp, maxRows);
    for (auto& id : ids(r.rows)) all.push_back(id);
    cp = r.checkpoint;
    if (!r.more) break;
  }
  return all;
}

template <typename Fn>
Error errorOf(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("no error was thrown");
  return Error::internal("unreachable");
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
inline std::string code(const Error& e) { return std::string(errorCodeName(e.code())); }

}  // namespace http_connector_test
