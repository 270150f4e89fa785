// An example out-of-tree connector, built as a plugin (a shared library
// loaded from the plugins folder at start). It produces a numbered sequence
// of rows — enough to show every part of the contract: options declared
// once, a typed checkpoint, bounded batches, `more`.
//
// Build your own the same way: export govsync_connector_abi() and
// govsync_register_connectors(), register one or more ConnectorTypes.
#include <string>

#include "connectors/connector.h"
#include "core/util/error.h"

namespace {

using namespace govsync;
using namespace govsync::connectors;

class SequenceConnector : public Connector {
 public:
  explicit SequenceConnector(const ConnectorContext& ctx)
      : name_(ctx.name), total_(ctx.options.getInt("total_rows")), prefix_(ctx.options.getString("prefix")) {}

  FetchResult fetch(const std::string& checkpoint, size_t maxRows) override {
    int64_t last = 0;
    if (!checkpoint.empty()) {
      try {
        last = std::stoll(checkpoint);
      } catch (const std::exception&) {
        throw Error::config(name_ + ": checkpoint '" + checkpoint + "' is not a row number");
      }
    }
    FetchResult out;
    out.rows.setRawFormat("json");
    out.rows.setUtf8(true);
    const uint32_t id = out.rows.columnIndex("id"), title = out.rows.columnIndex("title"),
                   seq = out.rows.columnIndex("seq");
    int64_t n = last;
    while (n < total_ && static_cast<size_t>(n - last) < maxRows) {
      ++n;
      const std::string key = prefix_ + std::to_string(n);
      out.rows.beginRow(static_cast<uint32_t>(n));
      out.rows.addCell(id, key);
      out.rows.addCell(title, "row " + std::to_string(n));
      out.rows.addCell(seq, std::to_string(n));
      out.rows.setRaw("{\"id\":\"" + key + "\",\"title\":\"row " + std::to_string(n) + "\",\"seq\":\"" +
                      std::to_string(n) + "\"}");
      out.rows.endRow();
    }
    out.checkpoint = std::to_string(n);
    out.more = n < total_;
    return out;
  }

  std::string describe() const override { return "sequence of " + std::to_string(total_) + " rows"; }

 private:
  std::string name_;
  int64_t total_;
  std::string prefix_;
};

}  // namespace

extern "C" int govsync_connector_abi() { return govsync::connectors::kConnectorAbi; }

extern "C" void govsync_register_connectors(govsync::connectors::ConnectorRegistry& registry) {
  govsync::KeySpec options;
  options.kind = govsync::ValueKind::Section;
  options.children = {
      {"total_rows", govsync::ValueKind::Int, "100", "How many rows the sequence has.", 0, 1000000000, {}, {}, false},
      {"prefix", govsync::ValueKind::String, "SEQ", "Prefix of each row's id.", 0, 0, {}, {}, false},
  };
  registry.add({"sequence", "example plugin: a numbered sequence of rows", options,
                [](const ConnectorContext& ctx) { return std::make_unique<SequenceConnector>(ctx); }});
}
