#include <filesystem>

#include "core/store/postgres/pg_connection.h"
#include "core/store/sql_store.h"
#include "core/store/sqlite/sqlite_connection.h"
#include "core/util/error.h"

namespace govsync::store {

void FeedNotifier::publish(int64_t head) {
  {
    std::lock_guard lock(mutex_);
    if (head <= head_) return;
    head_ = head;
  }
  changed_.notify_all();
}

int64_t FeedNotifier::waitBeyond(int64_t position, int64_t timeoutMs) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return head_ > position; });
  return head_;
}

int64_t FeedNotifier::head() const {
  std::lock_guard lock(mutex_);
  return head_;
}

SqlStore::SqlStore(Dialect dialect, std::string target, SqlPool::Factory factory, size_t poolSize,
                   size_t feedCacheBytes)
    : dialect_(std::move(dialect)),
      target_(std::move(target)),
      pool_(std::move(factory), poolSize),
      feedCache_(feedCacheBytes) {}

namespace {

// conninfo minus any password=... so it can appear in messages.
std::string describePostgres(const std::string& conninfo) {
  std::string out;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), nullptr);
  if (!opts) return "(unparseable conninfo)";
  for (auto* o = opts; o->keyword; ++o) {
    if (!o->val || std::string(o->keyword) == "password") continue;
    const std::string k = o->keyword;
    if (k == "host" || k == "hostaddr" || k == "port" || k == "dbname" || k == "user")
      out += (out.empty() ? "" : " ") + k + "=" + o->val;
  }
  PQconninfoFree(opts);
  return out.empty() ? "(default server)" : out;
}

// Rebuilds `conninfo` (key=value or URI form) as key=value with `password`
// added, so the secret can come from the environment instead of the file.
std::string withPassword(const std::string& conninfo, const std::string& password) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string msg = err ? err : "unparseable";
    PQfreemem(err);
    throw Error::config("store.postgres.conninfo is not a valid libpq connection string: " + msg);
  }
  auto quote = [](const std::string& v) {
    std::string q = "'";
    for (char c : v) {
      if (c == '\\' || c == '\'') q += '\\';
      q += c;
    }
    return q + "'";
  };
  std::string out;
  for (auto* o = opts; o->keyword; ++o) {
    if (!o->val || (std::string(o->keyword) == "password" && !password.empty())) continue;
    out += std::string(out.empty() ? "" : " ") + o->keyword + "=" + quote(o->val);
  }
  PQconninfoFree(opts);
  if (!password.empty()) out += " password=" + quote(password);
  return out;
}

}  // namespace

std::unique_ptr<Store> openStore(const StoreOptions& options) {
  std::unique_ptr<SqlStore> store;
  if (options.backend == "sqlite") {
    const std::string path = options.sqlitePath;
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec)
      throw Error::unavailable("cannot open the SQLite store at " + path + ": cannot create " + parent.string() + ": " +
                               ec.message());
    Dialect d{"sqlite", "INTEGER", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", ""};
    store = std::make_unique<SqlStore>(
        std::move(d), path, [path] { return std::make_unique<SqliteConnection>(path); }, options.poolSize,
        options.feedCacheBytes);
  } else if (options.backend == "postgres") {
    const std::string target = describePostgres(options.postgresConninfo);
    const std::string conninfo = withPassword(options.postgresConninfo, options.postgresPassword);
    Dialect d{"postgres", "BIGINT", "BYTEA", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", " FOR UPDATE"};
    store = std::make_unique<SqlStore>(
        std::move(d), target, [conninfo, target] { return std::make_unique<PgConnection>(conninfo, target); },
        options.poolSize, options.feedCacheBytes);
  } else {
    throw Error::config("unknown store backend '" + options.backend + "': expected sqlite or postgres");
  }
  store->migrate();
  store->notifier().publish(store->headPosition());
  return store;
}

}  // namespace govsync::store
