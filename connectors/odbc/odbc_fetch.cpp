// The odbc connector's fetch: the three incremental modes and committed().
//
// timestamp_key, in short (README.md has the long form): a pass reads the
// source's now, then
//   1. re-reads the overlap window — rows with ts >= T − overlap up to the
//      cursor (T, K) — and delivers those whose content hash it has not
//      delivered (a transaction that committed late, after the cursor passed
//      its timestamp); skipped while the cursor is more than lag + overlap
//      behind the previous pass's now, where no late row can be behind it;
//   2. reads forward: (ts, key) > (T, K) and ts <= now − safety_lag, ORDER BY
//      ts, key, at most maxRows;
//   3. keeps the hashes of delivered rows with ts >= T − overlap (at most
//      overlap_max_rows) in the checkpoint.
// A row whose cursor column is NULL cannot be placed: it is reported once
// as a fetch error (dead letter), not skipped silently.
#include <algorithm>
#include <cstring>

#include "connectors/odbc/odbc_connector.h"
#include "connectors/odbc/odbc_scan.h"
#include "core/util/error.h"

namespace govsync::connectors::odbc {

namespace {

constexpr size_t kMaxNullRows = 1000;  ///< NULL-cursor rows reported (and remembered) per check

void appendJsonText(std::string& out, std::string_view bytes) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;  // bytes >= 0x80 as received: the text is in the source's charset
    }
  }
  out += '"';
}

void put16(std::string& out, uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }
void put32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

}  // namespace

// ---- Scan -------------------------------------------------------------------

OdbcConnector::Scan::~Scan() {
  if (activeSlot) {
    std::lock_guard lock(*activeMutex);
    *activeSlot = nullptr;
  }
}

std::string OdbcConnector::Scan::hash() const {
  std::string buf;
  const auto& columns = reader->columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    put32(buf, static_cast<uint32_t>(columns[i].utf8Name.size()));
    buf += columns[i].utf8Name;
    if (reader->isNull(i)) {
      buf += '\0';
      continue;
    }
    buf += '\1';
    const auto cell = reader->cell(i);
    put32(buf, static_cast<uint32_t>(cell.size()));
    buf += cell;
  }
  return contentHash(buf);
}

std::string OdbcConnector::Scan::raw() const {
  static const char* hex = "0123456789abcdef";
  std::string out = "{";
  const auto& columns = reader->columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    appendJsonText(out, columns[i].name);
    out += ':';
    if (reader->isNull(i)) {
      out += "null";
    } else if (columns[i].binary) {
      std::string text = "\\x";
      for (unsigned char c : reader->cell(i)) text += hex[c >> 4], text += hex[c & 15];
      appendJsonText(out, text);
    } else {
      appendJsonText(out, reader->cell(i));
    }
  }
  out += '}';
  return out;
}

void OdbcConnector::Scan::appendTo(RowBatch& batch, uint32_t number, const std::string& raw) {
  const auto& columns = reader->columns();
  if (mappedBatch_ != &batch) {
    mappedBatch_ = &batch;
    batchColumns_.clear();
    for (const auto& c : columns) batchColumns_.push_back(batch.columnIndex(c.name));
  }
  batch.beginRow(number);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (reader->isNull(i))
      batch.addNull(batchColumns_[i]);
    else
      batch.addCell(batchColumns_[i], reader->cell(i));
  }
  batch.setRaw(raw);
  batch.endRow();
}

std::string missingColumn(const ResultReader& reader, const char* option, const std::string& name) {
  std::string names;
  for (const auto& c : reader.columns()) names += (names.empty() ? "" : ", ") + c.utf8Name;
  return std::string(option) + " '" + name + "' is not a column of the query's result (columns: " + names + ")";
}

std::string encodeCells(const RowBatch& batch, size_t index) {
  const auto& row = batch.row(index);
  std::string out;
  const auto* cells = batch.cells(row);
  put32(out, row.cellCount);
  for (uint32_t i = 0; i < row.cellCount; ++i) {
    const auto& name = batch.columns()[cells[i].column];
    put16(out, static_cast<uint16_t>(std::min<size_t>(name.size(), UINT16_MAX)));
    out.append(name, 0, UINT16_MAX);
    out += static_cast<char>(cells[i].flags);
    const auto bytes = batch.bytes(cells[i]);
    put32(out, static_cast<uint32_t>(bytes.size()));
    out.append(bytes);
  }
  return out;
}

void appendEncodedRow(RowBatch& batch, std::string_view s, std::string_view raw, uint32_t number) {
  size_t p = 0;
  auto get = [&](void* v, size_t n) {
    if (p + n > s.size()) throw Error::corrupt("snapshot state: a stored row is truncated");
    std::memcpy(v, s.data() + p, n);
    p += n;
  };
  uint32_t count = 0;
  get(&count, 4);
  batch.beginRow(number);
  for (uint32_t i = 0; i < count; ++i) {
    uint16_t nameLength = 0;
    get(&nameLength, 2);
    if (p + nameLength + 1 > s.size()) throw Error::corrupt("snapshot state: a stored row is truncated");
    const auto name = s.substr(p, nameLength);
    p += nameLength;
    const auto flags = static_cast<uint8_t>(s[p++]);
    uint32_t length = 0;
    get(&length, 4);
    if (p + length > s.size()) throw Error::corrupt("snapshot state: a stored row is truncated");
    const uint32_t column = batch.columnIndex(name);
    if (flags & RowBatch::kNull)
      batch.addNull(column);
    else
      batch.addCell(column, s.substr(p, length));
    p += length;
  }
  batch.setRaw(raw);
  batch.endRow();
}

// ---- checkpoints ---------------------------------------------------------

Checkpoint OdbcConnector::startCheckpoint() const {
  Checkpoint cp;
  cp.mode = modeName(options_.mode);
  cp.keyType = options_.keyType;
  if (options_.mode == Mode::TimestampKey) cp.tsType = options_.timestampType;
  return cp;
}

Checkpoint OdbcConnector::readCheckpoint(const std::string& text) const {
  if (text.empty()) return startCheckpoint();
  Checkpoint cp;
  try {
    cp = decodeCheckpoint(text);
  } catch (const Error& e) {
    throw Error::config(sourceName() + ": " + e.what());
  }
  if (cp.mode != modeName(options_.mode))
    throw Error::config(sourceName() + ": the stored checkpoint was written in " + cp.mode +
                        " mode, the connector is "
                        "now in " +
                        modeName(options_.mode) + " mode: reset its checkpoint to start over");
  if (cp.key && cp.keyType != options_.keyType)
    throw Error::config(sourceName() + ": the stored checkpoint has a " + cp.keyType + " key, key_type is now " +
                        options_.keyType + ": reset its checkpoint to start over");
  if (cp.ts && cp.tsType != options_.timestampType)
    throw Error::config(sourceName() + ": the stored checkpoint has a " + cp.tsType +
                        " timestamp, timestamp_type is "
                        "now " +
                        options_.timestampType + ": reset its checkpoint to start over");
  cp.keyType = options_.keyType;
  cp.tsType = options_.timestampType;
  return cp;
}

// ---- timestamps --------------------------------------------------------------

int OdbcConnector::compareTs(const std::string& a, const std::string& b) const {
  if (options_.timestampType == "integer") {
    const long long x = std::stoll(a), y = std::stoll(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const auto x = parseSourceTime(a), y = parseSourceTime(b);
  if (!x || !y)
    throw Error::config(sourceName() + ": timestamp_column value '" + (x ? b : a) +
                        "' is not a timestamp; use timestamp_type integer, or key mode");
  return compareSourceTime(*x, *y);
}

std::string OdbcConnector::shiftTs(const std::string& text, int64_t seconds) const {
  if (options_.timestampType == "integer") {
    const int64_t unit = options_.timestampUnit == "milliseconds" ? 1000 : 1;
    return std::to_string(std::stoll(text) + seconds * unit);
  }
  const auto t = parseSourceTime(text);
  if (!t)
    throw Error::config(sourceName() + ": timestamp value '" + text +
                        "' is not a timestamp; use timestamp_type integer, or key mode");
  return formatSourceTime(addSeconds(*t, seconds), *t);
}

void OdbcConnector::pruneWindow(Checkpoint& cp) const {
  if (!cp.ts) return;
  // Too many rows in the window (a bulk load with one timestamp): the oldest
  // timestamps are forgotten whole; the re-read then starts after them.
  cp.window.prune(shiftTs(*cp.ts, -options_.overlapSeconds), static_cast<size_t>(options_.overlapMaxRows),
                  [&](const std::string& a, const std::string& b) { return compareTs(a, b); });
}

// ---- fetch ---------------------------------------------------------------------

void OdbcConnector::checkNullCursors(Checkpoint& cp, FetchResult& out) {
  std::string where = column(options_.keyColumn) + " IS NULL";
  if (options_.mode == Mode::TimestampKey) where += " OR " + column(options_.timestampColumn) + " IS NULL";
  Scan scan;
  openScan(scan, wrapSelect(sourceSql(), where, "", limitFor(kMaxNullRows), limit_), {});
  std::set<std::string> present;
  size_t n = 0;
  while (n < kMaxNullRows && scan.next()) {
    ++n;
    const std::string hash = scan.hash();
    present.insert(hash);
    if (cp.nullRows.count(hash)) continue;  // reported by an earlier pass
    std::string which;
    if (scan.isNull(scan.keyIndex)) which = "key_column '" + options_.keyColumn + "'";
    if (scan.tsIndex >= 0 && scan.isNull(scan.tsIndex))
      which += (which.empty() ? "" : " and ") + ("timestamp_column '" + options_.timestampColumn + "'");
    out.errors.push_back(RowError{out.rows.size() + out.errors.size() + 1, scan.raw(),
                                  "the row's " + which + " is NULL, so " + modeName(options_.mode) +
                                      " mode cannot place it; it is reported once and not read until the column "
                                      "has a value (or exclude it in the query)"});
    std::lock_guard lock(infoMutex_);
    ++stats_.nullCursorRows;
  }
  scan.reader->close();
  cp.nullRows = std::move(present);
}

void OdbcConnector::fetchKey(Checkpoint& cp, size_t maxRows, FetchResult& out) {
  const std::string k = column(options_.keyColumn);
  std::vector<Param> params;
  std::string where = k + " IS NOT NULL";
  if (cp.key) {
    where = k + " > ?";
    params.push_back(keyParam(*cp.key));
  }
  Scan scan;
  openScan(scan, wrapSelect(sourceSql(), where, k, limitFor(maxRows), limit_), params);
  size_t n = 0;
  while (n < maxRows && scan.next()) {
    ++n;
    const std::string raw = scan.raw();
    if (!scan.reader->rowError().empty()) {
      out.errors.push_back(RowError{n, raw, "the driver could not read this row: " + scan.reader->rowError()});
    } else {
      scan.appendTo(out.rows, static_cast<uint32_t>(n), raw);
    }
    if (!scan.isNull(scan.keyIndex)) cp.key = scan.key();
  }
  scan.reader->close();  // stop the driver reading further (no LIMIT in some dialects)
  out.more = n == maxRows;
  checkNullCursors(cp, out);
}

void OdbcConnector::fetchTimestampKey(Checkpoint& cp, size_t maxRows, FetchResult& out) {
  const std::string ts = column(options_.timestampColumn), k = column(options_.keyColumn);
  const bool integer = options_.timestampType == "integer";
  const int64_t unit = integer && options_.timestampUnit == "milliseconds" ? 1000 : 1;

  // 1. "now" from the source, never our clock; the upper bound in the column's form.
  std::string nowSql = options_.nowQuery;
  if (nowSql.empty())
    nowSql = integer ? (unit == 1000 ? dialect_.nowEpochMillis : dialect_.nowEpochSeconds) : dialect_.nowTimestamp;
  if (nowSql.empty())
    throw Error::config(sourceName() + ": no default now_query for this DBMS (" + dialect_.family +
                        "): set now_query to SQL returning the source's current time");
  const std::string now = scalar(nowSql, {});
  std::string upper;
  if (integer) {
    try {
      upper = std::to_string(std::stoll(now) - options_.safetyLagSeconds * unit);
    } catch (const std::exception&) {
      throw Error::config(sourceName() + ": now_query returned '" + now + "', not an integer");
    }
  } else {
    const auto nowTime = parseSourceTime(now);
    if (!nowTime) throw Error::config(sourceName() + ": now_query returned '" + now + "', not a timestamp");
    // A text column is compared as text: write the bound in the column's own layout.
    std::optional<SourceTime> layout = nowTime;
    if (options_.timestampType == "string") {
      std::string sample = cp.ts.value_or("");
      if (sample.empty()) {
        Scan s;
        openScan(s, wrapSelect(sourceSql(), ts + " IS NOT NULL", "", limitFor(1), limit_), {});
        if (s.next()) sample = s.ts();
        s.reader->close();
      }
      if (sample.empty()) {  // no rows yet
        cp.now = now;
        checkNullCursors(cp, out);
        return;
      }
      layout = parseSourceTime(sample);
      if (!layout)
        throw Error::config(sourceName() + ": timestamp_column value '" + sample + "' is not a timestamp text");
    }
    upper = formatSourceTime(addSeconds(*nowTime, -options_.safetyLagSeconds), *layout);
  }
  auto tsParam = [&](const std::string& v) { return integer ? Param::ofInteger(std::stoll(v)) : Param::ofText(v); };

  size_t delivered = 0;
  uint32_t number = 0;
  auto deliver = [&](Scan& scan, const std::string& key, const std::string& rowTs, const std::string& hash) {
    ++number;
    const std::string raw = scan.raw();
    if (!scan.reader->rowError().empty())
      out.errors.push_back(RowError{number, raw, "the driver could not read this row: " + scan.reader->rowError()});
    else
      scan.appendTo(out.rows, number, raw);
    cp.window.remember(key, rowTs, hash);  // a bad row too: reported once, not on every re-read
    ++delivered;
  };

  // 2. The overlap window: rows behind the cursor that we have not delivered.
  bool catchingUp = true;
  if (cp.ts && cp.key) {
    catchingUp = !cp.now.empty() &&
                 compareTs(*cp.ts, shiftTs(cp.now, -(options_.safetyLagSeconds + options_.overlapSeconds))) < 0;
  }
  if (cp.ts && cp.key && !catchingUp) {
    std::string lower = shiftTs(*cp.ts, -options_.overlapSeconds);
    bool exclusive = false;
    if (cp.window.cutAt() && compareTs(*cp.window.cutAt(), lower) >= 0) {
      lower = *cp.window.cutAt();
      exclusive = cp.window.cutExclusive();
    }
    const size_t limit = cp.window.size() + maxRows;
    const std::string where = ts + (exclusive ? " > ?" : " >= ?") + " AND (" + ts + " < ? OR (" + ts + " = ? AND " + k +
                              " <= ?)) AND " + k + " IS NOT NULL";
    Scan scan;
    openScan(scan, wrapSelect(sourceSql(), where, ts + ", " + k, limitFor(limit), limit_),
             {tsParam(lower), tsParam(*cp.ts), tsParam(*cp.ts), keyParam(*cp.key)});
    size_t scanned = 0;
    while (delivered < maxRows && scanned < limit && scan.next()) {
      ++scanned;
      const std::string key = scan.key(), rowTs = scan.ts(), hash = scan.hash();
      if (cp.window.contains(key, hash)) {
        std::lock_guard lock(infoMutex_);
        ++stats_.suppressedRows;
        continue;
      }
      deliver(scan, key, rowTs, hash);
      std::lock_guard lock(infoMutex_);
      ++stats_.lateRows;
    }
    scan.reader->close();
    if (delivered >= maxRows || scanned >= limit) out.more = true;
  }

  // 3. Forward: (ts, key) after the cursor, up to now − safety lag.
  if (delivered < maxRows) {
    const size_t budget = maxRows - delivered;
    std::vector<Param> params;
    std::string where;
    if (cp.ts && cp.key) {
      where = ts + " >= ? AND (" + ts + " > ? OR " + k + " > ?) AND ";
      params = {tsParam(*cp.ts), tsParam(*cp.ts), keyParam(*cp.key)};
    }
    where += ts + " <= ? AND " + k + " IS NOT NULL";
    params.push_back(tsParam(upper));
    Scan scan;
    openScan(scan, wrapSelect(sourceSql(), where, ts + ", " + k, limitFor(budget), limit_), params);
    size_t scanned = 0;
    while (scanned < budget && scan.next()) {
      ++scanned;
      const std::string key = scan.key(), rowTs = scan.ts(), hash = scan.hash();
      if (cp.window.contains(key, hash)) {
        std::lock_guard lock(infoMutex_);
        ++stats_.suppressedRows;
      } else {
        deliver(scan, key, rowTs, hash);
      }
      cp.ts = rowTs;
      cp.key = key;
    }
    scan.reader->close();
    if (scanned >= budget) out.more = true;
  }

  pruneWindow(cp);
  cp.now = now;
  checkNullCursors(cp, out);
}

void OdbcConnector::fetchSnapshot(Checkpoint& cp, size_t maxRows, FetchResult& out, Pending& pending) {
  if (!state_) {
    if (stateDir_.empty())
      throw Error::config(sourceName() +
                          ": snapshot mode keeps its state in the connector's state folder, and "
                          "none was given");
    state_ = std::make_unique<SnapshotState>(stateDir_ + "/odbc-snapshot.sqlite");
  }
  const int64_t applied = state_->appliedSeq();
  if (cp.seq != applied || cp.pass == 0) {
    // A new checkpoint, or the state file missed a committed batch (a crash
    // between the store's commit and committed()): start a fresh pass, so
    // every row is seen again before anything is called deleted.
    cp.pass = std::max(cp.pass, state_->maxPass()) + 1;
    cp.seq = applied;
    cp.phase = "scan";
    cp.key.reset();
  }
  pending.pass = cp.pass;
  size_t budget = maxRows;
  uint32_t number = 0;
  std::set<std::string> pageKeys;
  if (cp.phase == "scan") {
    if (!cp.key) checkNullCursors(cp, out);
    const std::string k = column(options_.keyColumn);
    std::vector<Param> params;
    std::string where = k + " IS NOT NULL";
    if (cp.key) {
      where = k + " > ?";
      params.push_back(keyParam(*cp.key));
    }
    Scan scan;
    openScan(scan, wrapSelect(sourceSql(), where, k, limitFor(maxRows), limit_), params);
    size_t scanned = 0;
    while (scanned < maxRows && scan.next()) {
      ++scanned;
      const std::string key = scan.key(), hash = scan.hash();
      cp.key = key;
      pageKeys.insert(key);
      const auto stored = state_->hashOf(key);
      if (stored && *stored == hash) {
        pending.seen.push_back(key);
        continue;
      }
      const std::string raw = scan.raw();
      scan.appendTo(out.rows, ++number, raw);
      pending.changed.push_back({key, hash, encodeCells(out.rows, out.rows.size() - 1), raw});
    }
    scan.reader->close();
    if (scanned >= maxRows) {
      out.more = true;
      budget = 0;
    } else {
      cp.phase = "delete";
      budget = maxRows - scanned;
    }
  }
  if (cp.phase == "delete" && budget > 0) {
    // Rows not seen in this pass are gone at the source: their last content
    // goes out as deletedRows (the mapping builds tombstones from it).
    const auto stale = state_->staleRows(cp.pass, budget + pageKeys.size());
    size_t deleted = 0;
    bool all = true;
    for (const auto& row : stale) {
      if (pageKeys.count(row.key)) continue;  // seen in this very batch
      if (deleted == budget) {
        all = false;
        break;
      }
      appendEncodedRow(out.deletedRows, row.cells, row.raw, ++number);
      pending.deleted.push_back(row.key);
      ++deleted;
    }
    if (all && stale.size() < budget + pageKeys.size()) {
      cp.pass += 1;  // pass complete
      cp.phase = "scan";
      cp.key.reset();
    } else {
      out.more = true;
    }
  } else if (cp.phase == "delete") {
    out.more = true;
  }
  cp.seq += 1;
  pending.seq = cp.seq;
}

void OdbcConnector::committed(const FetchResult& result) {
  if (options_.mode != Mode::Snapshot) return;
  auto it = pending_.find(result.token);
  if (it == pending_.end() || !state_) return;
  const auto pending = it->second;
  pending_.erase(it);
  state_->apply(pending->seq, pending->pass, pending->changed, pending->seen, pending->deleted);
}

}  // namespace govsync::connectors::odbc
