// libFuzzer target: arbitrary bytes as rows (NDJSON, or CSV in GB18030)
// through shipped mappings. Every row must become a record, a skipped row or
// a dead letter; nothing may crash.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/rows/row_readers.h"
#include "mappings/engine/mapping_compiler.h"

namespace {
struct Mappings {
  std::shared_ptr<const govsync::mapping::CompiledMapping> json, csv;
};

const Mappings& mappings() {
  static const Mappings m = [] {
    const std::string src = std::getenv("GOVSYNC_SOURCE_DIR") ? std::getenv("GOVSYNC_SOURCE_DIR") : ".";
    govsync::mapping::CompileOptions o;
    o.codesDir = src + "/mappings/codes";
    o.hmacSalt = "fuzz-salt-0123456789abcdef";
    Mappings out;
    out.json = govsync::mapping::compileMappingFile(src + "/mappings/platforms/citizen_report.yaml", o);
    out.csv = govsync::mapping::compileMappingFile(src + "/mappings/platforms/hotline_12345.yaml", o);
    return out;
  }();
  return m;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool csv = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  govsync::RowBatch batch;
  if (csv) {
    govsync::DelimitedOptions o;
    govsync::readDelimitedRows(text, o, batch);
  } else {
    govsync::readJsonRows(text, batch);
  }
  govsync::mapping::MappingRunner runner(csv ? mappings().csv : mappings().json);
  govsync::mapping::RowOutcome out;
  for (size_t i = 0; i < batch.size(); ++i) runner.map(batch, i, out);
  return 0;
}
