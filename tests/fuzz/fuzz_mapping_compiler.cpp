// libFuzzer target: arbitrary bytes as a mapping file. The compiler must
// answer every input with a compiled mapping or a MappingCompileError —
// never a crash, a leak, a hang or a sanitizer report.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mappings/engine/mapping_compiler.h"

namespace {
govsync::mapping::CodeTableCache& tables() {
  static govsync::mapping::CodeTableCache cache;
  return cache;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string codes =
      std::string(std::getenv("GOVSYNC_SOURCE_DIR") ? std::getenv("GOVSYNC_SOURCE_DIR") : ".") + "/mappings/codes";
  govsync::mapping::CompileOptions options;
  options.codesDir = codes;
  options.tables = &tables();
  try {
    govsync::mapping::compileMappingText(std::string(reinterpret_cast<const char*>(data), size), "/fuzz/fuzz.yaml",
                                         options);
  } catch (const govsync::mapping::MappingCompileError&) {
  }
  return 0;
}
