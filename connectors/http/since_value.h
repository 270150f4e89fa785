// Incremental sync by an "updated since" time. The checkpoint keeps the
// largest update time seen exactly as the source wrote it (full precision,
// its own format and zone); comparisons use the parsed instant, and the next
// request asks from that value minus an overlap, written back in the same
// shape — "2024-05-01 12:00:00.123456" minus 60 s is "2024-05-01
// 11:59:00.123456", never a reformatted or rounded value (reference: the
// polling-cursor pitfalls, mission-anchors §2.1 and §3(c) 1–2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace govsync::connectors::http {

enum class SinceFormat {
  Auto,     ///< decided per value: ISO-like, compact digits, or epoch seconds/ms
  Iso,      ///< YYYY-MM-DD[( |T)hh:mm[:ss[.f…]]][Z|±hh:mm], '/' as date separator too
  Compact,  ///< YYYYMMDD[hhmmss[f…]]
  EpochS,   ///< Unix seconds (a fraction allowed)
  EpochMs,  ///< Unix milliseconds
};

/// "auto", "iso", "compact", "epoch_s", "epoch_ms".
std::optional<SinceFormat> sinceFormatFromName(std::string_view name);

/// One update time as the source wrote it.
struct SinceValue {
  std::string text;     ///< as received
  int64_t seconds = 0;  ///< the instant (UTC when the value has a zone; otherwise its wall clock as if UTC)
  int32_t nanos = 0;
  // How to write it back.
  SinceFormat shape = SinceFormat::Iso;
  char dateSep = '-', timeSep = ' ';
  bool hasTime = false, hasSeconds = false;
  int fracDigits = 0;
  std::string zone;  ///< "", "Z", "+08:00", "+0800"
  int32_t offsetSeconds = 0;
};

/// Parses `text`; nullopt when it is not a time in `format`.
std::optional<SinceValue> parseSinceValue(std::string_view text, SinceFormat format);

/// <0, 0, >0 as a is before, at or after b.
int compareSince(const SinceValue& a, const SinceValue& b);

/// `v` moved back by `seconds`, written in v's own shape.
std::string sinceMinus(const SinceValue& v, int64_t seconds);

}  // namespace govsync::connectors::http
