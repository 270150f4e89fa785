// The mapping compiler: a platform's YAML mapping file → CompiledMapping.
// Every problem in a file is reported at once, each with file:line:column,
// what is wrong and a hint; a file with any problem compiles to nothing.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mappings/engine/code_tables.h"
#include "mappings/engine/compiled_mapping.h"

namespace govsync::mapping {

struct CompileProblem {
  std::string file;
  int line = 0, column = 0;
  std::string message, hint;
  /// "file:line:col: message (hint: ...)"
  std::string toString() const;
};

class MappingCompileError : public std::runtime_error {
 public:
  explicit MappingCompileError(std::vector<CompileProblem> problems);
  const std::vector<CompileProblem>& problems() const { return problems_; }

 private:
  std::vector<CompileProblem> problems_;
};

struct CompileOptions {
  std::string codesDir = "mappings/codes";
  /// Shared code-table cache (so several mappings load a table once).
  CodeTableCache* tables = nullptr;
  /// Secret salt for hmac_key (configuration mappings.hmac_salt); when empty,
  /// the environment variable GOVSYNC_HMAC_SALT is used.
  std::string hmacSalt;
};

/// Compiles the mapping file at `path`. Throws MappingCompileError.
std::shared_ptr<const CompiledMapping> compileMappingFile(const std::string& path, const CompileOptions& options);
/// Compiles mapping text; `path` names it in messages and gives the expected
/// mapping name (its file stem).
std::shared_ptr<const CompiledMapping> compileMappingText(const std::string& text, const std::string& path,
                                                          const CompileOptions& options);

}  // namespace govsync::mapping
