// Code tables: CSV files under the codes folder (GB/T 2260 divisions, case
// categories, status and channel tables, ...). A table is versioned by its
// `# version:` comment line and by its content hash; mappings that use it
// carry both in their own version. Loaded once and shared read-only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace govsync::mapping {

class CodeTable {
 public:
  /// Loads `path`. Throws std::runtime_error with a message naming the file.
  static std::shared_ptr<const CodeTable> load(const std::string& path, const std::string& name);

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  /// The `# version:` label ("" if none).
  const std::string& versionLabel() const { return label_; }
  /// SHA-256 (hex, 12 chars) of the file's bytes.
  const std::string& contentHash() const { return hash_; }
  const std::vector<std::string>& columns() const { return columns_; }
  int columnIndex(std::string_view name) const;
  size_t size() const { return rows_.size(); }

  /// An index from one column's values to another column's; built on demand
  /// (at compile time) and kept. Throws std::runtime_error if a key repeats.
  const std::unordered_map<std::string_view, std::string_view>& index(int keyColumn, int valueColumn) const;

 private:
  std::string name_, path_, label_, hash_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<int64_t, std::unique_ptr<std::unordered_map<std::string_view, std::string_view>>> indexes_;
};

/// Tables by name under one folder, reloaded when their file changes.
class CodeTableCache {
 public:
  /// The table `name` (file `<dir>/<name>.csv`). Throws std::runtime_error
  /// when the file is missing or malformed.
  std::shared_ptr<const CodeTable> get(const std::string& dir, const std::string& name);

 private:
  struct Entry {
    std::shared_ptr<const CodeTable> table;
    int64_t mtime = 0;
    uint64_t size = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace govsync::mapping
