// A thin seam over the two SQL engines the store runs on (SQLite and
// PostgreSQL), so the store's logic — upsert rules, the feed, dead letters,
// audit chain — is written once. SQL text uses `?` placeholders; the
// PostgreSQL connection rewrites them to $n. Statements are prepared once per
// connection and cached by their text.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace govsync::store {

/// Bytes that must be stored as BLOB/bytea, not text.
struct Blob {
  std::string bytes;
};

using SqlValue = std::variant<std::monostate, int64_t, double, std::string, Blob>;

/// A fully read result: rows of values. Accessors convert loosely (an
/// integer column read as text, etc.) because the engines type differently.
class SqlResult {
 public:
  std::vector<std::vector<SqlValue>> rows;

  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  bool isNull(size_t row, size_t col) const;
  int64_t integer(size_t row, size_t col) const;
  double real(size_t row, size_t col) const;
  /// Text or blob bytes; "" for NULL.
  const std::string& text(size_t row, size_t col) const;
};

/// One connection to one database. Not thread-safe: one thread uses a
/// connection at a time (the pool hands them out).
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  /// Runs SQL with no parameters and no result (may hold several statements).
  virtual void execScript(std::string_view sql) = 0;
  /// Runs one statement with parameters; returns its rows (if any).
  virtual SqlResult query(std::string_view sql, std::span<const SqlValue> params = {}) = 0;
  SqlResult query(std::string_view sql, std::initializer_list<SqlValue> params) {
    return query(sql, std::span<const SqlValue>(params.begin(), params.size()));
  }

  /// Starts a transaction. A write transaction takes the engine's write
  /// lock up front on SQLite (BEGIN IMMEDIATE); a read transaction sees one
  /// consistent snapshot on both engines.
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  /// False once the connection has failed in a way that makes it unusable;
  /// the pool then drops it.
  virtual bool healthy() const = 0;
};

/// A bounded pool of connections made by a factory; acquire() blocks while
/// all are lent out.
class SqlPool {
 public:
  using Factory = std::function<std::unique_ptr<SqlConnection>()>;
  SqlPool(Factory factory, size_t maxSize) : factory_(std::move(factory)), maxSize_(maxSize) {}

  class Lease {
   public:
    Lease(SqlPool& pool, std::unique_ptr<SqlConnection> conn) : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), conn_(std::move(o.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->release(std::move(conn_));
    }
    SqlConnection* operator->() const { return conn_.get(); }
    SqlConnection& operator*() const { return *conn_; }

   private:
    SqlPool* pool_;
    std::unique_ptr<SqlConnection> conn_;
  };

  Lease acquire();

 private:
  void release(std::unique_ptr<SqlConnection> conn);

  Factory factory_;
  size_t maxSize_;
  size_t lent_ = 0;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

/// Runs `body` inside a transaction on `conn`: commits if it returns, rolls
/// back and rethrows if it throws.
template <typename Fn>
auto inTransaction(SqlConnection& conn, bool write, Fn&& body) {
  conn.begin(write);
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      conn.commit();
    } else {
      auto result = body();
      conn.commit();
      return result;
    }
  } catch (...) {
    if (conn.healthy()) {
      try {
        conn.rollback();
      } catch (...) {
      }
    }
    throw;
  }
}

}  // namespace govsync::store
