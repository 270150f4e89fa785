// Time zones and source time formats for the mapping engine. Sources send
// local wall-clock times in a handful of shapes (GB/T 39046 alone uses three);
// a mapping names the shape and the zone once, we compile both at mapping load
// time, and the per-row parse is allocation-free and never throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace govsync::mapping {

/// A time zone: an IANA zone read from the system's TZif files, UTC, or a fixed offset.
class TimeZone {
 public:
  /// Loads "Asia/Shanghai", "UTC", any IANA name under $TZDIR or /usr/share/zoneinfo, or a fixed offset
  /// "+08:00" / "-05:30" / "+0800" / "+08"; throws std::invalid_argument naming the problem.
  static TimeZone load(std::string_view name);

  /// Local wall-clock ms since the epoch → UTC ms. A local time that happens twice (DST ends) or never
  /// (DST starts) uses the offset in effect before the transition, so ambiguous times resolve to the earlier
  /// instant. False only when the value is out of range (|ms| > 1e16).
  bool utcFromLocal(int64_t localMillis, int64_t& utcMillis) const;

  /// UTC offset in seconds in effect at a UTC instant (east positive).
  int32_t offsetAt(int64_t utcMillis) const;

  /// The name this zone was loaded by, e.g. "Asia/Shanghai" or "+08:00".
  std::string_view name() const { return name_; }

 private:
  // A POSIX TZ rule from a TZif footer with DST, e.g. "EST5EDT,M3.2.0,M11.1.0": it decides offsets after the
  // last transition in the file.
  struct RuleDate {
    enum Kind : uint8_t { Julian1, Zero, MonthWeekDay } kind = MonthWeekDay;
    int16_t day = 0;      // Julian1: 1..365 (no Feb 29); Zero: 0..365; MonthWeekDay: weekday 0..6 (0 = Sunday)
    int8_t month = 0;     // MonthWeekDay only
    int8_t week = 0;      // MonthWeekDay only, 5 = last
    int32_t time = 7200;  // seconds after local midnight, may be negative or > 24h
  };
  struct Rule {
    int32_t stdOffset = 0;
    int32_t dstOffset = 0;
    RuleDate start;
    RuleDate end;
  };

  TimeZone() = default;
  static TimeZone fixed(std::string name, int32_t offsetSeconds);
  static TimeZone fromTzif(std::string name, std::string_view data);
  void setTransitions(const int64_t* utcSeconds, const int32_t* offsetsAfter, size_t n, int32_t initialOffset);
  static bool parsePosixTz(std::string_view tz, Rule& rule, bool& hasDst);
  int32_t ruleOffsetForLocal(int64_t localMillis) const;
  int32_t ruleOffsetForUtc(int64_t utcMillis) const;

  std::string name_;
  int32_t initialOffset_ = 0;          // before the first transition (TZif time type 0)
  std::vector<int64_t> utcMs_;         // transition instants, ascending
  std::vector<int64_t> localLimitMs_;  // local time from which a transition counts as crossed (non-decreasing)
  std::vector<int32_t> offsetAfter_;   // offset from each transition on
  bool hasRule_ = false;
  Rule rule_;
};

/// A compiled source time format: a named format or a token pattern such as "yyyy-MM-dd HH:mm:ss".
class TimeFormat {
 public:
  /// Compiles "iso8601", "unix_s", "unix_ms", "excel_days" or a token pattern (YYYY/yyyy, MM/M, DD/dd/D/d,
  /// HH/hh/H/h, mm/m, ss/s, SSS; M/MM after an hour token mean minutes when the pattern has no 'm' token;
  /// '...' quotes literal text, '' is a quote; anything else is a literal). Throws std::invalid_argument
  /// saying what is wrong and how to fix it.
  static TimeFormat compile(std::string_view pattern);

  /// Parses `text` as local time in `zone` (iso8601/unix_* ignore the zone) into UTC ms. On failure returns
  /// false and sets `error`, e.g. "'2022-13-01' month 13 out of range for format yyyy-MM-dd". Never throws;
  /// touches `error` only on failure.
  bool parse(std::string_view text, const TimeZone& zone, int64_t& utcMillis, std::string& error) const;

  /// The pattern this format was compiled from.
  std::string_view pattern() const { return pattern_; }

 private:
  enum class Kind : uint8_t { Tokens, Iso8601, UnixSeconds, UnixMillis, ExcelDays };
  enum class Field : uint8_t { Literal, Year, Month, Day, Hour, Minute, Second, Millis };
  struct Op {
    Field field;
    uint8_t minDigits;  // a literal: the byte to match is in `literal`
    uint8_t maxDigits;
    char literal;
  };

  TimeFormat() = default;
  bool parseTokens(std::string_view text, const TimeZone& zone, int64_t& utcMillis, std::string& error) const;
  bool parseIso8601(std::string_view text, int64_t& utcMillis, std::string& error) const;
  bool parseUnix(std::string_view text, int64_t& utcMillis, std::string& error) const;
  bool parseExcel(std::string_view text, const TimeZone& zone, int64_t& utcMillis, std::string& error) const;
  void fail(std::string& error, std::string_view text, std::string_view what) const;

  std::string pattern_;
  Kind kind_ = Kind::Tokens;
  std::vector<Op> ops_;
};

}  // namespace govsync::mapping
