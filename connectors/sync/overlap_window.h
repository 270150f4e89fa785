// The overlap window of an incremental connector. A connector that asks its
// source again from "cursor − overlap" (so rows committed late are not lost)
// re-reads rows it has already delivered. The window remembers, for each
// row delivered in that range, its identity (a key column, or its content
// hash when the source has no key), its position (the cursor value as the
// source wrote it: a timestamp or update time) and its content hash. A
// re-read row with the same content is not delivered again — an unchanged
// good row is no new work, an unchanged bad row no second dead letter — and
// a row whose content changed is delivered like any other.
//
// The window lives in the connector's checkpoint (write/read below), so it
// commits in the same transaction as the rows it describes. It is pruned as
// the cursor moves (rows before "cursor − overlap" cannot be re-read) and
// bounded: over `maxRows`, the oldest positions are forgotten whole and the
// window says where it was cut.
//
// Used by the odbc connector (timestamp_key mode, keyed by key_column) and
// the http connector (incremental since, keyed by the record's bytes).
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/file/json_scan.h"
#include "core/util/crypto.h"
#include "core/util/json_writer.h"

namespace govsync::connectors {

/// A row's content hash for the window: the first 12 bytes of SHA-256 of
/// `bytes`, base64url (16 characters).
inline std::string contentHash(std::string_view bytes) {
  const auto digest = sha256(bytes);
  return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), 12));
}

/// Bytes in a checkpoint: a JSON string when they are UTF-8, else
/// {"hex": "..."} (source keys and timestamps may be GBK bytes).
inline void writeCheckpointBytes(JsonWriter& w, std::string_view bytes) {
  if (isValidUtf8(bytes)) {
    w.string(bytes);
    return;
  }
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) hex += digits[c >> 4], hex += digits[c & 15];
  w.beginObject();
  w.key("hex");
  w.string(hex);
  w.endObject();
}

/// A JSON string value's text (a valid JSON value); nullopt for any other value.
inline std::optional<std::string> jsonStringValue(std::string_view value) {
  const size_t start = value.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || value[start] != '"') return std::nullopt;
  return jsonScalar(value);
}

/// Reads what writeCheckpointBytes wrote (a valid JSON value); nullopt if it is neither form.
inline std::optional<std::string> readCheckpointBytes(std::string_view value) {
  if (auto text = jsonStringValue(value)) return text;
  if (!jsonIsObject(value)) return std::nullopt;
  const auto hexValue = findJsonPath(value, "hex");
  const auto hex = hexValue ? jsonStringValue(*hexValue) : std::nullopt;
  if (!hex || hex->size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < hex->size(); i += 2) {
    const int hi = nibble((*hex)[i]), lo = nibble((*hex)[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

class OverlapWindow {
 public:
  /// One delivered row: its position (cursor value) and content hash.
  struct Row {
    std::string ts;
    std::string hash;
  };
  /// Orders two positions as the source does: <0, 0, >0.
  using Compare = std::function<int(const std::string&, const std::string&)>;

  /// True when the row `key` was delivered with content `hash`: a re-read.
  bool contains(const std::string& key, const std::string& hash) const {
    const auto it = rows_.find(key);
    return it != rows_.end() && it->second.hash == hash;
  }
  /// Remembers a delivered row — a bad one too, so it is reported once, not
  /// on every re-read. A newer content under the same key replaces the old.
  void remember(const std::string& key, std::string ts, std::string hash) {
    rows_[key] = Row{std::move(ts), std::move(hash)};
  }
  /// Sources without a key: the content is the identity.
  bool contains(const std::string& hash) const { return contains(hash, hash); }
  void remember(std::string ts, const std::string& hash) { remember(hash, std::move(ts), hash); }

  /// Forgets rows before `from` (they cannot be re-read) and a cut before it;
  /// then, over `maxRows`, forgets the oldest positions whole and records the
  /// cut: rows at or before cutAt() are no longer remembered.
  void prune(const std::string& from, size_t maxRows, const Compare& compare) {
    if (cutAt_ && compare(*cutAt_, from) < 0) cutAt_.reset();
    for (auto it = rows_.begin(); it != rows_.end();)
      it = compare(it->second.ts, from) < 0 ? rows_.erase(it) : std::next(it);
    limit(maxRows, compare);
  }
  /// Only the bound: over `maxRows`, forgets the oldest positions whole.
  void limit(size_t maxRows, const Compare& compare) {
    if (rows_.size() <= maxRows) return;
    std::vector<std::pair<std::string, std::string>> byTs;  // (ts, key)
    byTs.reserve(rows_.size());
    for (const auto& [key, row] : rows_) byTs.emplace_back(row.ts, key);
    std::stable_sort(byTs.begin(), byTs.end(),
                     [&](const auto& a, const auto& b) { return compare(a.first, b.first) < 0; });
    const size_t drop = rows_.size() - maxRows;
    size_t i = 0;
    while (i < byTs.size() && (i < drop || (i > 0 && compare(byTs[i].first, byTs[i - 1].first) == 0))) ++i;
    for (size_t j = 0; j < i; ++j) rows_.erase(byTs[j].second);
    cutAt_ = byTs[i - 1].first;
    cutExclusive_ = true;
  }
  /// Gives every row at position `from` the position `to` (a connector that
  /// stamps rows without a usable position with a placeholder until it knows one).
  void restamp(const std::string& from, const std::string& to) {
    for (auto& [key, row] : rows_)
      if (row.ts == from) row.ts = to;
  }

  /// Set when maxRows cut the window short: rows before this position (or
  /// at it, when exclusive) are not remembered.
  const std::optional<std::string>& cutAt() const { return cutAt_; }
  bool cutExclusive() const { return cutExclusive_; }
  void setCut(std::optional<std::string> at, bool exclusive) {
    cutAt_ = std::move(at);
    cutExclusive_ = exclusive;
  }

  const std::map<std::string, Row>& rows() const { return rows_; }
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void clear() {
    rows_.clear();
    cutAt_.reset();
    cutExclusive_ = false;
  }

  /// The rows as JSON, grouped by position: [[ts, [entry, ...]], ...], an
  /// entry being [key, hash], or just hash when the key is the hash. The cut
  /// is not written: the connector keeps it where its checkpoint wants it.
  void write(JsonWriter& w) const {
    std::map<std::string, std::vector<const std::pair<const std::string, Row>*>> byTs;
    for (const auto& entry : rows_) byTs[entry.second.ts].push_back(&entry);
    w.beginArray();
    for (const auto& [ts, group] : byTs) {
      w.beginArray();
      writeCheckpointBytes(w, ts);
      w.beginArray();
      for (const auto* entry : group) {
        if (entry->first == entry->second.hash) {
          w.string(entry->second.hash);
          continue;
        }
        w.beginArray();
        writeCheckpointBytes(w, entry->first);
        w.string(entry->second.hash);
        w.endArray();
      }
      w.endArray();
      w.endArray();
    }
    w.endArray();
  }

  /// Reads what write() wrote (a valid JSON value) into the rows; false, with
  /// why, when it is not such an array.
  bool read(std::string_view json, std::string& error) {
    rows_.clear();
    if (!jsonIsArray(json)) return error = "the window is not an array", false;
    for (const auto group : jsonArrayItems(json)) {
      const auto parts = jsonArrayItems(group);
      const auto ts = parts.size() == 2 ? readCheckpointBytes(parts[0]) : std::nullopt;
      if (!ts || !jsonIsArray(parts[1])) return error = "a window group is not [position, [rows]]", false;
      for (const auto entry : jsonArrayItems(parts[1])) {
        if (!jsonIsArray(entry)) {
          const auto hash = jsonStringValue(entry);
          if (!hash) return error = "a window row is not a hash or [key, hash]", false;
          remember(*ts, *hash);
          continue;
        }
        const auto pair = jsonArrayItems(entry);
        const auto key = pair.size() == 2 ? readCheckpointBytes(pair[0]) : std::nullopt;
        const auto hash = key ? jsonStringValue(pair[1]) : std::nullopt;
        if (!hash) return error = "a window row is not a hash or [key, hash]", false;
        remember(*key, *ts, *hash);
      }
    }
    return true;
  }

 private:
  std::map<std::string, Row> rows_;  ///< by key
  std::optional<std::string> cutAt_;
  bool cutExclusive_ = false;
};

}  // namespace govsync::connectors
