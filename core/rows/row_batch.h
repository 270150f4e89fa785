// RowBatch: the raw rows a connector (or a push) hands to the mapping engine.
// Column names are shared by the batch; each row is a sparse list of cells
// pointing into one byte buffer, so a batch of a million rows is a handful
// of allocations, not millions. Cell bytes are raw — not yet decoded from
// the source's charset — unless the batch says they are already UTF-8.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace govsync {

class RowBatch {
 public:
  /// One cell: a column's value in one row.
  struct Cell {
    uint32_t column;
    uint32_t offset;  ///< into data()
    uint32_t length;
    uint8_t flags;  ///< kNull, kList
  };
  static constexpr uint8_t kNull = 1;  ///< SQL NULL / JSON null
  static constexpr uint8_t kList = 2;  ///< bytes hold a list (see appendListItem)

  struct Row {
    uint32_t firstCell;
    uint32_t cellCount;
    uint32_t rawOffset;  ///< the row exactly as received, into data()
    uint32_t rawLength;
    uint32_t number;  ///< 1-based row number in the source (CSV record, NDJSON line), 0 if unknown
  };

  /// Index of column `name`, adding it if new.
  uint32_t columnIndex(std::string_view name);
  const std::vector<std::string>& columns() const { return columns_; }

  /// Row building: beginRow, add cells, endRow. `raw` is the row as received
  /// (a CSV line, a JSON object's text) and is what dead letters keep.
  /// `number`: the row's 1-based position in its source, for messages.
  void beginRow(uint32_t number = 0);
  void addCell(uint32_t column, std::string_view bytes);
  void addNull(uint32_t column);
  /// List cells: beginList, appendListItem..., (the cell ends at the next add/end).
  void beginList(uint32_t column);
  void appendListItem(std::string_view item);
  void setRaw(std::string_view raw);
  void endRow();
  /// Drops the row being built (e.g. a malformed CSV line reported elsewhere).
  void abandonRow();

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const Row& row(size_t i) const { return rows_[i]; }
  const Cell* cells(const Row& r) const { return cells_.data() + r.firstCell; }
  std::string_view bytes(const Cell& c) const { return {data_.data() + c.offset, c.length}; }
  std::string_view raw(const Row& r) const { return {data_.data() + r.rawOffset, r.rawLength}; }
  /// How raw() should be read back: "csv", "json", "odbc-json" ...
  const std::string& rawFormat() const { return rawFormat_; }
  void setRawFormat(std::string f) { rawFormat_ = std::move(f); }
  /// True when cell bytes are already UTF-8 (e.g. parsed from JSON text);
  /// the mapping engine then only validates instead of decoding.
  bool utf8() const { return utf8_; }
  void setUtf8(bool v) { utf8_ = v; }

  /// Iterates the items of a list cell.
  template <typename Fn>
  void forEachListItem(const Cell& c, Fn&& fn) const;

  void clear();
  size_t byteSize() const { return data_.size(); }

 private:
  std::vector<std::string> columns_;
  std::unordered_map<std::string, uint32_t> columnIndex_;
  std::string data_;
  std::vector<Cell> cells_;
  std::vector<Row> rows_;
  Row current_{};
  bool inRow_ = false;
  int64_t openList_ = -1;  ///< cell index of a list being appended to
  std::string rawFormat_ = "json";
  bool utf8_ = false;
};

template <typename Fn>
void RowBatch::forEachListItem(const Cell& c, Fn&& fn) const {
  // Items are stored as [u32 length][bytes]...
  size_t pos = c.offset;
  const size_t end = static_cast<size_t>(c.offset) + c.length;
  while (pos + 4 <= end) {
    uint32_t len;
    std::memcpy(&len, data_.data() + pos, 4);
    pos += 4;
    fn(std::string_view(data_.data() + pos, len));
    pos += len;
  }
}

}  // namespace govsync
