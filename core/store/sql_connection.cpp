#include "core/store/sql_connection.h"

#include <charconv>

#include "core/util/error.h"

namespace govsync::store {

bool SqlResult::isNull(size_t row, size_t col) const {
  return std::holds_alternative<std::monostate>(rows.at(row).at(col));
}

int64_t SqlResult::integer(size_t row, size_t col) const {
  const auto& v = rows.at(row).at(col);
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

double SqlResult::real(size_t row, size_t col) const {
  const auto& v = rows.at(row).at(col);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

const std::string& SqlResult::text(size_t row, size_t col) const {
  static const std::string empty;
  const auto& v = rows.at(row).at(col);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return empty;
}

SqlPool::Lease SqlPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || lent_ < maxSize_; });
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    ++lent_;
    return Lease(*this, std::move(conn));
  }
  ++lent_;
  lock.unlock();
  try {
    return Lease(*this, factory_());
  } catch (...) {
    std::lock_guard relock(mutex_);
    --lent_;
    available_.notify_one();
    throw;
  }
}

void SqlPool::release(std::unique_ptr<SqlConnection> conn) {
  std::lock_guard lock(mutex_);
  --lent_;
  if (conn->healthy()) idle_.push_back(std::move(conn));
  available_.notify_one();
}

}  // namespace govsync::store
