#include "mappings/engine/value.h"

namespace govsync::mapping {

std::string_view valueTypeName(ValueType t) {
  switch (t) {
    case ValueType::Null: return "null";
    case ValueType::Text: return "text";
    case ValueType::Int: return "integer";
    case ValueType::Float: return "number";
    case ValueType::Bool: return "boolean";
    case ValueType::Instant: return "time";
    case ValueType::List: return "list";
  }
  return "?";
}

char* Arena::allocate(size_t n) {
  if (n > kBlock / 4) {  // big values get their own allocation
    large_.push_back(std::make_unique<char[]>(n ? n : 1));
    return large_.back().get();
  }
  if (blocks_.empty() || used_ + n > kBlock) {
    if (!blocks_.empty() && block_ + 1 < blocks_.size()) {
      ++block_;
    } else {
      blocks_.push_back(std::make_unique<char[]>(kBlock));
      block_ = blocks_.size() - 1;
    }
    used_ = 0;
  }
  char* p = blocks_[block_].get() + used_;
  used_ += n;
  return p;
}

void Arena::reset() {
  block_ = 0;
  used_ = 0;
  large_.clear();
}

}  // namespace govsync::mapping
