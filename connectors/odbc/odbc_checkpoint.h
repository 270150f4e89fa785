// The odbc connector's checkpoint: typed JSON text holding cursor values at
// the source's full precision — exactly the text the driver rendered
// ("2026-11-27 10:00:00.123456"), never a parsed and re-printed value — and,
// in timestamp_key mode, the content hashes of the rows delivered in the
// overlap window (so re-read rows are suppressed and late ones let through).
//
// Also here: source timestamp text arithmetic. "now − safety lag" and
// "cursor − overlap" are computed on the fields of the source's own text and
// written back in the same layout (separators, fraction digits, zone suffix
// kept), so they compare correctly with the column on the source.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "connectors/sync/overlap_window.h"

namespace govsync::connectors::odbc {

/// A timestamp read from source text: its fields and the text's layout.
struct SourceTime {
  int64_t seconds = 0;  ///< since 1970-01-01 of the wall time as written (no zone applied)
  uint32_t nanos = 0;
  std::string layout;     ///< the text, whose digit fields are rewritten by format()
  size_t fields[6] = {};  ///< offsets of year, month, day, hour, minute, second
  bool hasTime = false;   ///< hour/minute/second present
  size_t fractionAt = 0, fractionDigits = 0;
};

/// Parses "YYYY-MM-DD[ T]hh:mm:ss[.f...][suffix]" and compact or other
/// separators ("YYYYMMDDhhmmss", "YYYY/MM/DD ..."). nullopt if not a timestamp.
std::optional<SourceTime> parseSourceTime(std::string_view text);
/// Writes `t` in `layout`'s layout (fraction truncated or zero-padded to its digits).
std::string formatSourceTime(const SourceTime& t, const SourceTime& layout);
/// `t` moved by `deltaSeconds` (may be negative).
SourceTime addSeconds(SourceTime t, int64_t deltaSeconds);
/// <0, 0, >0.
int compareSourceTime(const SourceTime& a, const SourceTime& b);

struct Checkpoint {
  std::string mode;  ///< "key" | "timestamp_key" | "snapshot"
  std::string keyType, tsType;
  std::optional<std::string> key;  ///< key mode: last key; timestamp_key: K; snapshot: scan position
  std::optional<std::string> ts;   ///< timestamp_key: T
  std::string now;                 ///< timestamp_key: the source's now at the previous pass
  /// timestamp_key: the rows delivered in the overlap window, by key (their
  /// timestamp text and content hash); cutAt() when overlap_max_rows cut it short.
  OverlapWindow window;
  std::set<std::string> nullRows;  ///< hashes of NULL-cursor rows already reported
  int64_t pass = 0, seq = 0;       ///< snapshot
  std::string phase = "scan";      ///< snapshot: scan | delete
};

std::string encodeCheckpoint(const Checkpoint& checkpoint);
/// Throws Error(Config) for text that is not an odbc checkpoint.
Checkpoint decodeCheckpoint(std::string_view text);

}  // namespace govsync::connectors::odbc
