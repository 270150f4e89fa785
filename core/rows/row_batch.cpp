#include "core/rows/row_batch.h"

#include "core/util/error.h"

namespace govsync {

namespace {
uint32_t checkedOffset(size_t n) {
  if (n > UINT32_MAX) throw Error{ErrorCode::TooLarge, "row batch exceeds 4 GiB; use smaller batches"};
  return static_cast<uint32_t>(n);
}
}  // namespace

uint32_t RowBatch::columnIndex(std::string_view name) {
  auto it = columnIndex_.find(std::string(name));
  if (it != columnIndex_.end()) return it->second;
  const auto idx = static_cast<uint32_t>(columns_.size());
  columns_.emplace_back(name);
  columnIndex_.emplace(std::string(name), idx);
  return idx;
}

void RowBatch::beginRow(uint32_t number) {
  current_ = Row{checkedOffset(cells_.size()), 0, 0, 0, number};
  inRow_ = true;
  openList_ = -1;
}

void RowBatch::addCell(uint32_t column, std::string_view bytes) {
  openList_ = -1;
  cells_.push_back(Cell{column, checkedOffset(data_.size()), checkedOffset(bytes.size()), 0});
  data_.append(bytes);
}

void RowBatch::addNull(uint32_t column) {
  openList_ = -1;
  cells_.push_back(Cell{column, checkedOffset(data_.size()), 0, kNull});
}

void RowBatch::beginList(uint32_t column) {
  cells_.push_back(Cell{column, checkedOffset(data_.size()), 0, kList});
  openList_ = static_cast<int64_t>(cells_.size() - 1);
}

void RowBatch::appendListItem(std::string_view item) {
  if (openList_ < 0) throw Error::internal("appendListItem without beginList");
  const auto len = checkedOffset(item.size());
  char prefix[4];
  std::memcpy(prefix, &len, 4);
  data_.append(prefix, 4);
  data_.append(item);
  cells_[static_cast<size_t>(openList_)].length += 4 + len;
}

void RowBatch::setRaw(std::string_view raw) {
  current_.rawOffset = checkedOffset(data_.size());
  current_.rawLength = checkedOffset(raw.size());
  data_.append(raw);
}

void RowBatch::endRow() {
  current_.cellCount = checkedOffset(cells_.size() - current_.firstCell);
  rows_.push_back(current_);
  inRow_ = false;
  openList_ = -1;
}

void RowBatch::abandonRow() {
  cells_.resize(current_.firstCell);
  inRow_ = false;
  openList_ = -1;
}

void RowBatch::clear() {
  data_.clear();
  cells_.clear();
  rows_.clear();
  inRow_ = false;
  openList_ = -1;
}

}  // namespace govsync
