#include "mappings/engine/code_tables.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/record/record_rules.h"
#include "core/rows/row_readers.h"
#include "core/util/crypto.h"

namespace govsync::mapping {

std::shared_ptr<const CodeTable> CodeTable::load(const std::string& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("code table file " + path + " does not exist or cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (!isValidUtf8(text)) throw std::runtime_error("code table " + path + " is not valid UTF-8 (save it as UTF-8)");
  auto table = std::make_shared<CodeTable>();
  table->name_ = name;
  table->path_ = path;
  table->hash_ = sha256Hex(text).substr(0, 12);
  // Leading '#' lines are comments; "# version: X" labels the table.
  size_t pos = 0;
  while (pos < text.size() && text[pos] == '#') {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos + 1, eol - pos - 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string key = line.substr(0, colon);
      key.erase(0, key.find_first_not_of(' '));
      if (key == "version") {
        table->label_ = line.substr(colon + 1);
        table->label_.erase(0, table->label_.find_first_not_of(' '));
      }
    }
    pos = eol + 1;
  }
  RowBatch batch;
  DelimitedOptions options;
  auto errors = readDelimitedRows(std::string_view(text).substr(std::min(pos, text.size())), options, batch);
  if (!errors.empty())
    throw std::runtime_error("code table " + path + " row " + std::to_string(errors[0].rowNumber) + ": " +
                             errors[0].message);
  table->columns_ = batch.columns();
  if (table->columns_.empty()) throw std::runtime_error("code table " + path + " has no header row");
  for (size_t r = 0; r < batch.size(); ++r) {
    const auto& row = batch.row(r);
    std::vector<std::string> values(table->columns_.size());
    const auto* cells = batch.cells(row);
    for (uint32_t c = 0; c < row.cellCount; ++c) values[cells[c].column] = std::string(batch.bytes(cells[c]));
    table->rows_.push_back(std::move(values));
  }
  return table;
}

int CodeTable::columnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return static_cast<int>(i);
  return -1;
}

const std::unordered_map<std::string_view, std::string_view>& CodeTable::index(int keyColumn, int valueColumn) const {
  std::lock_guard lock(mutex_);
  const int64_t id = (static_cast<int64_t>(keyColumn) << 32) | static_cast<uint32_t>(valueColumn);
  auto& slot = indexes_[id];
  if (!slot) {
    auto idx = std::make_unique<std::unordered_map<std::string_view, std::string_view>>();
    for (size_t r = 0; r < rows_.size(); ++r) {
      const auto& row = rows_[r];
      if (!idx->emplace(row[static_cast<size_t>(keyColumn)], row[static_cast<size_t>(valueColumn)]).second)
        throw std::runtime_error("code table " + path_ + ": key '" + row[static_cast<size_t>(keyColumn)] +
                                 "' appears more than once in column " + columns_[static_cast<size_t>(keyColumn)]);
    }
    slot = std::move(idx);
  }
  return *slot;
}

std::shared_ptr<const CodeTable> CodeTableCache::get(const std::string& dir, const std::string& name) {
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      throw std::runtime_error("code table name '" + name + "' may only use letters, digits, _ and -");
  const std::string path = (std::filesystem::path(dir) / (name + ".csv")).string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error("code table file " + path + " does not exist");
  const auto mtime = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
  std::lock_guard lock(mutex_);
  auto& e = entries_[path];
  if (!e.table || e.mtime != mtime || e.size != size) {
    e.table = CodeTable::load(path, name);
    e.mtime = mtime;
    e.size = size;
  }
  return e.table;
}

}  // namespace govsync::mapping
