// The mappings a running govsync uses: every *.yaml in the platforms folder,
// compiled at start and recompiled when a file (or a code table it uses)
// changes. A file that fails to compile never replaces the running version:
// the error is kept for status and the previous compiled form stays active.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mappings/engine/mapping_compiler.h"

namespace govsync::mapping {

struct MappingStatus {
  std::string name;
  std::string file;
  std::string version;  ///< of the active compiled form ("" if none ever compiled)
  std::string label;
  std::string kind;
  std::string error;  ///< the last compile failure, "" when the file compiles
  int64_t loadedAt = 0;
};

class MappingSet {
 public:
  MappingSet(std::string dir, std::string codesDir, std::string hmacSalt = {});

  /// Compiles every mapping file; returns the status of each. Files that
  /// fail are reported in their status (the set starts without them).
  std::vector<MappingStatus> loadAll();
  /// Recompiles files whose content (or code tables) changed, adds new files
  /// and drops deleted ones. Returns the names that changed.
  std::vector<std::string> reloadChanged();

  /// The active compiled mapping called `name`, or null.
  std::shared_ptr<const CompiledMapping> get(const std::string& name) const;
  std::vector<MappingStatus> status() const;
  std::optional<MappingStatus> status(const std::string& name) const;

  /// Compiles `text` as mapping `name` without installing it (dry run / PUT).
  std::shared_ptr<const CompiledMapping> compile(const std::string& name, const std::string& text) const;
  /// Compiles then writes `text` to the mapping's file and activates it;
  /// throws MappingCompileError and changes nothing when it does not compile.
  std::shared_ptr<const CompiledMapping> install(const std::string& name, const std::string& text);
  /// The file text of mapping `name` ("" if none).
  std::string source(const std::string& name) const;

  const std::string& dir() const { return dir_; }
  const std::string& codesDir() const { return codesDir_; }

 private:
  struct Entry {
    std::shared_ptr<const CompiledMapping> active;
    MappingStatus status;
    std::string fingerprint;  ///< file bytes hash + used tables' mtimes
  };
  std::string fingerprint(const std::string& file, const CompiledMapping* compiled) const;
  void compileInto(const std::string& name, const std::string& file, Entry& entry);

  CompileOptions options() const;
  std::string dir_, codesDir_, hmacSalt_;
  mutable CodeTableCache tables_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

/// Valid mapping (platform) names: letters, digits, '_' and '-'.
bool isValidMappingName(const std::string& name);

}  // namespace govsync::mapping
