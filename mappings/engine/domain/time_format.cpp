#include "mappings/engine/domain/time_format.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "core/util/time.h"

namespace govsync::mapping {

namespace {

constexpr int64_t kMsPerDay = 86400000;
// Beyond ±1e16 ms (±316,000 years) offsets are meaningless and the arithmetic below could overflow.
constexpr int64_t kMaxAbsLocalMs = 10'000'000'000'000'000;
// TZif files use -2^59 as a "big bang" sentinel; clamp before converting seconds to ms.
constexpr int64_t kMaxAbsTransitionSeconds = 100'000'000'000'000;

int64_t floorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool isLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && isLeap(y)) ? 29 : kDays[m - 1];
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Asia/Shanghai from tzdata 2025b, used only when the system has no zoneinfo (slim containers): it is the
// default zone everywhere, so it must not depend on the tzdata package being installed.
constexpr int32_t kShanghaiInitialOffset = 29143;  // LMT +8:05:43
constexpr int64_t kShanghaiTransitions[] = {-2177481943, -1600675200, -1585904400, -933667200, -922093200, -908870400,
                                            -888829200,  -881049600,  -767869200,  -745833600, -733827600, -716889600,
                                            -699613200,  -683884800,  -670669200,  -652348800, -650019600, 515527200,
                                            527014800,   545162400,   558464400,   577216800,  589914000,  608666400,
                                            621968400,   640116000,   653418000,   671565600,  684867600};
constexpr int32_t kShanghaiOffsets[] = {28800, 32400, 28800, 32400, 28800, 32400, 28800, 32400, 28800, 32400,
                                        28800, 32400, 28800, 32400, 28800, 32400, 28800, 32400, 28800, 32400,
                                        28800, 32400, 28800, 32400, 28800, 32400, 28800, 32400, 28800};
static_assert(std::size(kShanghaiTransitions) == std::size(kShanghaiOffsets));

// "+08:00", "-0530", "+08" → seconds east of UTC.
bool parseFixedOffset(std::string_view s, int32_t& seconds) {
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-') || !isDigit(s[1]) || !isDigit(s[2])) return false;
  const int hours = (s[1] - '0') * 10 + (s[2] - '0');
  int minutes = 0;
  std::string_view rest = s.substr(3);
  if (!rest.empty() && rest[0] == ':') rest.remove_prefix(1);
  if (!rest.empty()) {
    if (rest.size() != 2 || !isDigit(rest[0]) || !isDigit(rest[1])) return false;
    minutes = (rest[0] - '0') * 10 + (rest[1] - '0');
  }
  if (hours > 23 || minutes > 59) return false;
  seconds = (hours * 3600 + minutes * 60) * (s[0] == '-' ? -1 : 1);
  return true;
}

bool validZoneName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '/' || c == '_' || c == '-' ||
           c == '+' || c == '.';
  });
}

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
int64_t be64(const unsigned char* p) { return static_cast<int64_t>((uint64_t{be32(p)} << 32) | uint64_t{be32(p + 4)}); }

struct TzifHeader {
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
  size_t blockSize(size_t timeSize) const {
    return size_t{timecnt} * timeSize + timecnt + size_t{typecnt} * 6 + charcnt + size_t{leapcnt} * (timeSize + 4) +
           isstdcnt + isutcnt;
  }
};

TzifHeader readHeader(const unsigned char* p) {
  return {be32(p + 20), be32(p + 24), be32(p + 28), be32(p + 32), be32(p + 36), be32(p + 40)};
}

[[noreturn]] void badZone(std::string_view name, std::string_view why) {
  throw std::invalid_argument("time zone '" + std::string(name) + "': " + std::string(why));
}

// --- POSIX TZ strings (TZif footers) -------------------------------------------------------------------

struct TzCursor {
  std::string_view s;
  size_t pos = 0;
  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
};

bool tzName(TzCursor& c) {
  if (c.peek() == '<') {
    const size_t close = c.s.find('>', c.pos);
    if (close == std::string_view::npos || close == c.pos + 1) return false;
    c.pos = close + 1;
    return true;
  }
  const size_t start = c.pos;
  while (!c.done() && ((c.peek() >= 'A' && c.peek() <= 'Z') || (c.peek() >= 'a' && c.peek() <= 'z'))) ++c.pos;
  return c.pos > start;
}

// [+-]hh[:mm[:ss]] with hh up to 167 (RFC 8536 extends POSIX for rule times).
bool tzDuration(TzCursor& c, int32_t& seconds) {
  int sign = 1;
  if (c.peek() == '+' || c.peek() == '-') sign = c.s[c.pos++] == '-' ? -1 : 1;
  int32_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (c.peek() != ':') break;
      ++c.pos;
    }
    const size_t start = c.pos;
    int32_t v = 0;
    while (isDigit(c.peek()) && c.pos - start < 3) v = v * 10 + (c.s[c.pos++] - '0');
    if (c.pos == start || (i > 0 && v > 59) || v > 167) return false;
    parts[i] = v;
  }
  seconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool tzNumber(TzCursor& c, int& v, int maxValue) {
  const size_t start = c.pos;
  v = 0;
  while (isDigit(c.peek()) && v <= maxValue) v = v * 10 + (c.s[c.pos++] - '0');
  return c.pos > start && v <= maxValue;
}

}  // namespace

// --- TimeZone ------------------------------------------------------------------------------------------

bool TimeZone::parsePosixTz(std::string_view tz, Rule& rule, bool& hasDst) {
  TzCursor c{tz};
  int32_t stdOff = 0;
  if (!tzName(c) || !tzDuration(c, stdOff)) return false;
  rule.stdOffset = -stdOff;  // POSIX counts west positive
  hasDst = false;
  if (c.done()) return true;
  if (!tzName(c)) return false;
  hasDst = true;
  rule.dstOffset = rule.stdOffset + 3600;
  if (!c.done() && c.peek() != ',') {
    int32_t dstOff = 0;
    if (!tzDuration(c, dstOff)) return false;
    rule.dstOffset = -dstOff;
  }
  if (c.done()) {
    // No rule given: POSIX leaves it to the implementation; glibc and tzcode use the US rule.
    rule.start = RuleDate{RuleDate::MonthWeekDay, 0, 3, 2, 7200};
    rule.end = RuleDate{RuleDate::MonthWeekDay, 0, 11, 1, 7200};
    return true;
  }
  auto date = [&c](RuleDate& d) {
    if (c.peek() != ',') return false;
    ++c.pos;
    int v = 0;
    if (c.peek() == 'J') {
      ++c.pos;
      if (!tzNumber(c, v, 365) || v < 1) return false;
      d.kind = RuleDate::Julian1;
      d.day = static_cast<int16_t>(v);
    } else if (c.peek() == 'M') {
      ++c.pos;
      int m = 0, w = 0, wd = 0;
      if (!tzNumber(c, m, 12) || m < 1 || c.peek() != '.') return false;
      ++c.pos;
      if (!tzNumber(c, w, 5) || w < 1 || c.peek() != '.') return false;
      ++c.pos;
      if (!tzNumber(c, wd, 6)) return false;
      d.kind = RuleDate::MonthWeekDay;
      d.month = static_cast<int8_t>(m);
      d.week = static_cast<int8_t>(w);
      d.day = static_cast<int16_t>(wd);
    } else {
      if (!tzNumber(c, v, 365)) return false;
      d.kind = RuleDate::Zero;
      d.day = static_cast<int16_t>(v);
    }
    d.time = 7200;
    if (c.peek() == '/') {
      ++c.pos;
      if (!tzDuration(c, d.time)) return false;
    }
    return true;
  };
  return date(rule.start) && date(rule.end) && c.done();
}

TimeZone TimeZone::fixed(std::string name, int32_t offsetSeconds) {
  TimeZone z;
  z.name_ = std::move(name);
  z.initialOffset_ = offsetSeconds;
  return z;
}

void TimeZone::setTransitions(const int64_t* utcSeconds, const int32_t* offsetsAfter, size_t n, int32_t initialOffset) {
  initialOffset_ = initialOffset;
  utcMs_.resize(n);
  localLimitMs_.resize(n);
  offsetAfter_.assign(offsetsAfter, offsetsAfter + n);
  int32_t before = initialOffset;
  int64_t prevLimit = INT64_MIN;
  for (size_t i = 0; i < n; ++i) {
    const int64_t t = std::clamp(utcSeconds[i], -kMaxAbsTransitionSeconds, kMaxAbsTransitionSeconds) * 1000;
    utcMs_[i] = t;
    // A transition counts as crossed at local time t + max(before, after): local times in a gap or an overlap
    // then keep the old offset, which is the "earlier offset" rule.
    prevLimit = std::max(prevLimit, t + int64_t{std::max(before, offsetsAfter[i])} * 1000);
    localLimitMs_[i] = prevLimit;
    before = offsetsAfter[i];
  }
}

TimeZone TimeZone::fromTzif(std::string name, std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t size = data.size();
  if (size < 44 || data.substr(0, 4) != "TZif") badZone(name, "not a TZif file");
  const char version = data[4];
  TzifHeader h = readHeader(p);
  size_t pos = 44;
  size_t timeSize = 4;
  if (version >= '2') {
    pos += h.blockSize(4);
    if (pos + 44 > size || data.substr(pos, 4) != "TZif") badZone(name, "truncated TZif file");
    h = readHeader(p + pos);
    pos += 44;
    timeSize = 8;
  }
  if (pos + h.blockSize(timeSize) > size) badZone(name, "truncated TZif file");
  if (h.typecnt == 0) badZone(name, "TZif file without time types");
  if (h.leapcnt != 0) badZone(name, "leap-second zones (right/...) are not supported; use the plain zone name");

  std::vector<int64_t> times(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i, pos += timeSize) {
    times[i] = timeSize == 8 ? be64(p + pos) : static_cast<int32_t>(be32(p + pos));
    if (i > 0 && times[i] <= times[i - 1]) badZone(name, "TZif transitions are not ascending");
  }
  const unsigned char* indices = p + pos;
  pos += h.timecnt;
  std::vector<int32_t> typeOffsets(h.typecnt);
  for (uint32_t i = 0; i < h.typecnt; ++i, pos += 6) typeOffsets[i] = static_cast<int32_t>(be32(p + pos));
  std::vector<int32_t> offsets(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    if (indices[i] >= h.typecnt) badZone(name, "TZif transition refers to a missing time type");
    offsets[i] = typeOffsets[indices[i]];
  }
  pos += h.charcnt + size_t{h.leapcnt} * (timeSize + 4) + h.isstdcnt + h.isutcnt;

  TimeZone z;
  z.name_ = std::move(name);
  z.setTransitions(times.data(), offsets.data(), times.size(), typeOffsets[0]);

  // The footer (v2+) is a POSIX TZ string governing times after the last transition.
  if (version >= '2' && pos < size && data[pos] == '\n') {
    const size_t end = data.find('\n', pos + 1);
    if (end == std::string_view::npos) badZone(z.name_, "TZif footer is not terminated");
    const std::string_view footer = data.substr(pos + 1, end - pos - 1);
    bool hasDst = false;
    if (!footer.empty()) {
      if (!parsePosixTz(footer, z.rule_, hasDst))
        badZone(z.name_, "cannot parse the TZif footer '" + std::string(footer) + "'");
      z.hasRule_ = hasDst;
      // A footer without DST but no transitions at all describes the whole zone.
      if (!hasDst && z.utcMs_.empty()) z.initialOffset_ = z.rule_.stdOffset;
    }
  }
  return z;
}

TimeZone TimeZone::load(std::string_view name) {
  if (name == "UTC") return fixed(std::string(name), 0);
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    int32_t seconds = 0;
    if (!parseFixedOffset(name, seconds))
      badZone(name, "bad fixed offset; write ±hh:mm with hours 00-23 and minutes 00-59, e.g. +08:00 or -05:30");
    return fixed(std::string(name), seconds);
  }
  if (!validZoneName(name))
    badZone(name, "not a valid zone name; use an IANA name like Asia/Shanghai, UTC, or a fixed offset like +08:00");
  const char* dirEnv = std::getenv("TZDIR");
  const std::string dir = (dirEnv && *dirEnv) ? dirEnv : "/usr/share/zoneinfo";
  std::ifstream in(dir + "/" + std::string(name), std::ios::binary);
  if (!in) {
    if (name == "Asia/Shanghai") {
      TimeZone z;
      z.name_ = std::string(name);
      z.setTransitions(kShanghaiTransitions, kShanghaiOffsets, std::size(kShanghaiTransitions), kShanghaiInitialOffset);
      return z;
    }
    badZone(name, "unknown zone (no such file in " + dir +
                      "); use an IANA name like Asia/Shanghai, UTC, or a fixed offset like +08:00");
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() > (1u << 20)) badZone(name, "TZif file too large");
  return fromTzif(std::string(name), data);
}

namespace {

struct RuleTransition {
  int64_t utcMs;
  int32_t before;
  int32_t after;
};

// Day (since the epoch) of a rule date in a year; kind is RuleDate::Kind.
int64_t ruleDay(int64_t year, int8_t kind, int16_t day, int8_t month, int8_t week) {
  const int64_t jan1 = govsync::daysFromCivil(year, 1, 1);
  switch (kind) {
    case 0:  // Julian1: Feb 29 is never counted
      return jan1 + day - 1 + ((isLeap(year) && day >= 60) ? 1 : 0);
    case 1:  // Zero-based, Feb 29 counted
      return jan1 + day;
    default: {
      const int64_t first = govsync::daysFromCivil(year, static_cast<unsigned>(month), 1);
      const int64_t firstWeekday = ((first % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
      int64_t d = first + (day - firstWeekday + 7) % 7 + int64_t{week - 1} * 7;
      const int64_t limit = first + daysInMonth(year, static_cast<unsigned>(month));
      while (d >= limit) d -= 7;
      return d;
    }
  }
}

// Offsets from the footer rule: the transitions of the year before, the year of and the year after an
// instant, in order, searched like the table.
template <typename Rule>
size_t ruleTransitions(const Rule& r, int64_t year, std::array<RuleTransition, 6>& out) {
  size_t n = 0;
  for (int64_t y = year - 1; y <= year + 1; ++y) {
    const int64_t startDay = ruleDay(y, r.start.kind, r.start.day, r.start.month, r.start.week);
    const int64_t endDay = ruleDay(y, r.end.kind, r.end.day, r.end.month, r.end.week);
    const RuleTransition start{(startDay * 86400 + r.start.time - r.stdOffset) * 1000, r.stdOffset, r.dstOffset};
    const RuleTransition end{(endDay * 86400 + r.end.time - r.dstOffset) * 1000, r.dstOffset, r.stdOffset};
    // Within a year keep chronological order; a stable insertion sort below keeps "end of year y" before
    // "start of year y+1" when they coincide (permanent-DST zones encode DST that way).
    if (start.utcMs <= end.utcMs) {
      out[n++] = start;
      out[n++] = end;
    } else {
      out[n++] = end;
      out[n++] = start;
    }
  }
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = i; j > 0 && out[j].utcMs < out[j - 1].utcMs; --j) std::swap(out[j], out[j - 1]);
  }
  return n;
}

int64_t yearOfMs(int64_t ms) {
  int64_t y;
  unsigned m, d;
  govsync::civilFromDays(floorDiv(ms, kMsPerDay), y, m, d);
  return y;
}

}  // namespace

int32_t TimeZone::ruleOffsetForLocal(int64_t localMillis) const {
  std::array<RuleTransition, 6> ts;
  const size_t n = ruleTransitions(rule_, yearOfMs(localMillis), ts);
  int32_t offset = ts[0].before;
  for (size_t i = 0; i < n; ++i) {
    if (localMillis >= ts[i].utcMs + int64_t{std::max(ts[i].before, ts[i].after)} * 1000) offset = ts[i].after;
  }
  return offset;
}

int32_t TimeZone::ruleOffsetForUtc(int64_t utcMillis) const {
  std::array<RuleTransition, 6> ts;
  const size_t n = ruleTransitions(rule_, yearOfMs(utcMillis), ts);
  int32_t offset = ts[0].before;
  for (size_t i = 0; i < n && utcMillis >= ts[i].utcMs; ++i) offset = ts[i].after;
  return offset;
}

bool TimeZone::utcFromLocal(int64_t localMillis, int64_t& utcMillis) const {
  if (localMillis < -kMaxAbsLocalMs || localMillis > kMaxAbsLocalMs) return false;
  int32_t offset;
  if (localLimitMs_.empty()) {
    offset = hasRule_ ? ruleOffsetForLocal(localMillis) : initialOffset_;
  } else if (localMillis >= localLimitMs_.back()) {  // the common case: after the last transition
    offset = hasRule_ ? ruleOffsetForLocal(localMillis) : offsetAfter_.back();
  } else {
    const size_t k = static_cast<size_t>(std::upper_bound(localLimitMs_.begin(), localLimitMs_.end(), localMillis) -
                                         localLimitMs_.begin());
    offset = k == 0 ? initialOffset_ : offsetAfter_[k - 1];
  }
  utcMillis = localMillis - int64_t{offset} * 1000;
  return true;
}

int32_t TimeZone::offsetAt(int64_t utcMillis) const {
  utcMillis = std::clamp(utcMillis, -kMaxAbsLocalMs, kMaxAbsLocalMs);
  if (utcMs_.empty()) return hasRule_ ? ruleOffsetForUtc(utcMillis) : initialOffset_;
  if (utcMillis >= utcMs_.back()) return hasRule_ ? ruleOffsetForUtc(utcMillis) : offsetAfter_.back();
  const size_t k = static_cast<size_t>(std::upper_bound(utcMs_.begin(), utcMs_.end(), utcMillis) - utcMs_.begin());
  return k == 0 ? initialOffset_ : offsetAfter_[k - 1];
}

// --- TimeFormat: compile -------------------------------------------------------------------------------

namespace {

const char* fieldName(int field) {
  static constexpr const char* kNames[] = {"literal", "year",   "month",  "day",
                                           "hour",    "minute", "second", "milliseconds"};
  return kNames[field];
}

[[noreturn]] void badPattern(std::string_view pattern, const std::string& what) {
  throw std::invalid_argument("time format '" + std::string(pattern) + "': " + what);
}

bool isTokenLetter(char c) {
  return c == 'Y' || c == 'y' || c == 'M' || c == 'D' || c == 'd' || c == 'H' || c == 'h' || c == 'm' || c == 's' ||
         c == 'S';
}

}  // namespace

TimeFormat TimeFormat::compile(std::string_view pattern) {
  TimeFormat f;
  f.pattern_ = std::string(pattern);
  if (pattern == "iso8601") f.kind_ = Kind::Iso8601;
  if (pattern == "unix_s") f.kind_ = Kind::UnixSeconds;
  if (pattern == "unix_ms") f.kind_ = Kind::UnixMillis;
  if (pattern == "excel_days") f.kind_ = Kind::ExcelDays;
  if (f.kind_ != Kind::Tokens) return f;
  for (std::string_view named : {"iso8601", "unix_s", "unix_ms", "excel_days"}) {
    if (pattern.size() == named.size() && std::equal(pattern.begin(), pattern.end(), named.begin(), [](char a, char b) {
          return (a >= 'A' && a <= 'Z' ? char(a - 'A' + 'a') : a) == b;
        }))
      badPattern(pattern, "named formats are lower case; write " + std::string(named));
  }
  if (pattern.empty())
    badPattern(pattern, "empty; use a token pattern like yyyy-MM-dd HH:mm:ss or iso8601|unix_s|unix_ms|excel_days");

  // 'M' after an hour token means minutes ("YYYY/M/D H:MM"), unless the pattern spells minutes with 'm'.
  bool hasLowerM = false;
  for (size_t i = 0, quoted = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\'') quoted ^= 1;
    if (!quoted && pattern[i] == 'm') hasLowerM = true;
  }

  size_t seenAt[8] = {};
  bool seen[8] = {};
  bool hourSeen = false;
  auto literal = [&f](char c) { f.ops_.push_back(Op{Field::Literal, 0, 0, c}); };
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' is a literal quote
        literal('\'');
        i += 2;
        continue;
      }
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= pattern.size())
          badPattern(pattern, "unterminated quote at byte " + std::to_string(i) +
                                  "; close quoted text with ' (write '' for a literal quote)");
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            literal('\'');
            ++j;
            continue;
          }
          break;
        }
        literal(pattern[j]);
      }
      i = j + 1;
      continue;
    }
    if (!isTokenLetter(c)) {
      literal(c);
      ++i;
      continue;
    }
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == c) ++n;
    const std::string token(n, c);
    const std::string where = "'" + token + "' at byte " + std::to_string(i);
    Field field;
    if (c == 'Y' || c == 'y') {
      if (n != 4)
        badPattern(pattern, where + ": the year must be 4 letters (yyyy or YYYY); 2-digit years are ambiguous");
      field = Field::Year;
    } else if (c == 'M') {
      field = (hourSeen && !hasLowerM) ? Field::Minute : Field::Month;
      if (n > 2) badPattern(pattern, where + ": month names are not supported; use MM (2 digits) or M (1-2 digits)");
    } else if (c == 'D' || c == 'd') {
      field = Field::Day;
      if (n > 2) badPattern(pattern, where + ": day-of-year is not supported; use dd (2 digits) or d (1-2 digits)");
    } else if (c == 'H' || c == 'h') {
      field = Field::Hour;
      hourSeen = true;
      if (n > 2) badPattern(pattern, where + ": use HH (2 digits, 00-23) or H (1-2 digits)");
    } else if (c == 'm') {
      field = Field::Minute;
      if (n > 2) badPattern(pattern, where + ": use mm (2 digits) or m (1-2 digits)");
    } else if (c == 's') {
      field = Field::Second;
      if (n > 2) badPattern(pattern, where + ": use ss (2 digits) or s (1-2 digits); milliseconds are SSS");
    } else {
      field = Field::Millis;
      if (n != 3) badPattern(pattern, where + ": fractions must be SSS (exactly 3 digits of milliseconds)");
    }
    const int fi = static_cast<int>(field);
    if (seen[fi])
      badPattern(pattern, where + ": the " + fieldName(fi) + " already appears at byte " + std::to_string(seenAt[fi]) +
                              (c == 'M' && field == Field::Minute
                                   ? " ('M' after an hour token means minutes; write minutes as mm)"
                                   : ""));
    seen[fi] = true;
    seenAt[fi] = i;
    const uint8_t fixedWidth = field == Field::Year ? 4 : field == Field::Millis ? 3 : static_cast<uint8_t>(n);
    const uint8_t minDigits = fixedWidth == 1 ? 1 : fixedWidth;
    const uint8_t maxDigits = fixedWidth == 1 ? 2 : fixedWidth;
    if (!f.ops_.empty() && f.ops_.back().field != Field::Literal && f.ops_.back().minDigits != f.ops_.back().maxDigits)
      badPattern(pattern, where +
                              " directly follows a 1-2 digit token, so the digits cannot be split; "
                              "use the 2-digit form (MM, dd, HH, mm, ss) or put a separator between them");
    f.ops_.push_back(Op{field, minDigits, maxDigits, 0});
    i += n;
  }
  for (Field required : {Field::Year, Field::Month, Field::Day}) {
    if (!seen[static_cast<int>(required)])
      badPattern(pattern, std::string("has no ") + fieldName(static_cast<int>(required)) +
                              "; a pattern needs year, month and day (e.g. yyyy-MM-dd HH:mm:ss) or is one of "
                              "iso8601, unix_s, unix_ms, excel_days");
  }
  auto needs = [&](Field a, Field b) {
    if (seen[static_cast<int>(a)] && !seen[static_cast<int>(b)])
      badPattern(pattern, std::string("has a ") + fieldName(static_cast<int>(a)) + " but no " +
                              fieldName(static_cast<int>(b)) + "; add it (e.g. yyyy-MM-dd HH:mm:ss.SSS)");
  };
  needs(Field::Minute, Field::Hour);
  needs(Field::Second, Field::Minute);
  needs(Field::Millis, Field::Second);
  return f;
}

// --- TimeFormat: parse ---------------------------------------------------------------------------------

namespace {

// Describes what sits at `pos` for an error message: "'/'", "byte 0xC5" or "the end of the text".
void appendFound(std::string& out, std::string_view text, size_t pos) {
  if (pos >= text.size()) {
    out += "the end of the text";
    return;
  }
  const auto b = static_cast<unsigned char>(text[pos]);
  if (b >= 0x20 && b < 0x7F) {
    out += '\'';
    out += static_cast<char>(b);
    out += '\'';
  } else {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "byte 0x";
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
}

std::string expected(std::string_view what, std::string_view text, size_t pos) {
  std::string s = "expected ";
  s += what;
  s += " at byte ";
  s += std::to_string(pos);
  s += " but found ";
  appendFound(s, text, pos);
  return s;
}

// "expected 2-digit minute at byte 11 but found only 1 digit" when a number was cut short.
std::string expectedDigits(std::string_view what, std::string_view text, size_t start, size_t end) {
  if (end == start) return expected(what, text, start);
  std::string s = "expected ";
  s += what;
  s += " at byte ";
  s += std::to_string(start);
  s += " but found only ";
  s += std::to_string(end - start);
  s += end - start == 1 ? " digit" : " digits";
  return s;
}

std::string quotedChar(char c) {
  std::string s;
  appendFound(s, std::string_view(&c, 1), 0);
  return s;
}

// Reads between minDigits and maxDigits ASCII digits at pos.
bool readDigits(std::string_view text, size_t& pos, unsigned minDigits, unsigned maxDigits, unsigned& value) {
  unsigned n = 0;
  value = 0;
  while (n < maxDigits && pos < text.size() && isDigit(text[pos])) {
    value = value * 10 + static_cast<unsigned>(text[pos] - '0');
    ++pos;
    ++n;
  }
  return n >= minDigits;
}

struct Civil {
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
};

// Range checks shared by token patterns and iso8601; returns the problem or an empty string.
std::string checkCivil(const Civil& c) {
  if (c.month < 1 || c.month > 12) return "month " + std::to_string(c.month) + " out of range";
  const unsigned dim = daysInMonth(c.year, c.month);
  if (c.day < 1 || c.day > dim) {
    char ym[16];
    ym[0] = static_cast<char>('0' + c.year / 1000 % 10);
    ym[1] = static_cast<char>('0' + c.year / 100 % 10);
    ym[2] = static_cast<char>('0' + c.year / 10 % 10);
    ym[3] = static_cast<char>('0' + c.year % 10);
    ym[4] = '-';
    ym[5] = static_cast<char>('0' + c.month / 10);
    ym[6] = static_cast<char>('0' + c.month % 10);
    return "day " + std::to_string(c.day) + " out of range (" + std::string(ym, 7) + " has " + std::to_string(dim) +
           " days)";
  }
  if (c.hour > 23) return "hour " + std::to_string(c.hour) + " out of range";
  if (c.minute > 59) return "minute " + std::to_string(c.minute) + " out of range";
  if (c.second > 59) return "second " + std::to_string(c.second) + " out of range";
  return {};
}

int64_t civilMillis(const Civil& c) {
  const int64_t days = govsync::daysFromCivil(c.year, c.month, c.day);
  return ((days * 24 + c.hour) * 60 + c.minute) * 60000 + int64_t{c.second} * 1000 + c.millis;
}

bool validCivil(const Civil& c) {
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= daysInMonth(c.year, c.month) && c.hour <= 23 &&
         c.minute <= 59 && c.second <= 59;
}

}  // namespace

void TimeFormat::fail(std::string& error, std::string_view text, std::string_view what) const {
  constexpr size_t kMaxShown = 64;  // a garbage column can hold anything; keep messages readable
  error.clear();
  error += '\'';
  if (text.size() > kMaxShown) {
    error.append(text.substr(0, kMaxShown));
    error += "...";
  } else {
    error.append(text);
  }
  error += "' ";
  error.append(what);
  error += " for format ";
  error += pattern_;
}

bool TimeFormat::parse(std::string_view text, const TimeZone& zone, int64_t& utcMillis, std::string& error) const {
  switch (kind_) {
    case Kind::Tokens: return parseTokens(text, zone, utcMillis, error);
    case Kind::Iso8601: return parseIso8601(text, utcMillis, error);
    case Kind::UnixSeconds:
    case Kind::UnixMillis: return parseUnix(text, utcMillis, error);
    case Kind::ExcelDays: return parseExcel(text, zone, utcMillis, error);
  }
  return false;
}

bool TimeFormat::parseTokens(std::string_view text, const TimeZone& zone, int64_t& utcMillis,
                             std::string& error) const {
  Civil c;
  size_t pos = 0;
  for (const Op& op : ops_) {
    if (op.field == Field::Literal) {
      if (pos >= text.size() || text[pos] != op.literal) {
        fail(error, text, expected(quotedChar(op.literal), text, pos));
        return false;
      }
      ++pos;
      continue;
    }
    unsigned v;
    const size_t start = pos;
    if (!readDigits(text, pos, op.minDigits, op.maxDigits, v)) {
      std::string what = op.minDigits == op.maxDigits ? std::to_string(op.minDigits) + "-digit " : "1-2 digit ";
      what += fieldName(static_cast<int>(op.field));
      fail(error, text, expectedDigits(what, text, start, pos));
      return false;
    }
    switch (op.field) {
      case Field::Year: c.year = v; break;
      case Field::Month: c.month = v; break;
      case Field::Day: c.day = v; break;
      case Field::Hour: c.hour = v; break;
      case Field::Minute: c.minute = v; break;
      case Field::Second: c.second = v; break;
      case Field::Millis: c.millis = v; break;
      case Field::Literal: break;
    }
  }
  if (pos != text.size()) {
    std::string what = "has trailing characters: ";
    appendFound(what, text, pos);
    what += " at byte " + std::to_string(pos);
    fail(error, text, what);
    return false;
  }
  if (!validCivil(c)) {
    fail(error, text, checkCivil(c));
    return false;
  }
  if (!zone.utcFromLocal(civilMillis(c), utcMillis)) {
    fail(error, text, "is out of range");
    return false;
  }
  return true;
}

bool TimeFormat::parseIso8601(std::string_view text, int64_t& utcMillis, std::string& error) const {
  Civil c;
  size_t pos = 0;
  auto num = [&](unsigned digits, const char* what, unsigned& v) {
    const size_t start = pos;
    if (readDigits(text, pos, digits, digits, v)) return true;
    fail(error, text, expectedDigits(std::to_string(digits) + "-digit " + what, text, start, pos));
    return false;
  };
  auto sep = [&](char want) {
    if (pos < text.size() && text[pos] == want) {
      ++pos;
      return true;
    }
    fail(error, text, expected(quotedChar(want), text, pos));
    return false;
  };
  if (!num(4, "year", c.year) || !sep('-') || !num(2, "month", c.month) || !sep('-') || !num(2, "day", c.day))
    return false;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    fail(error, text, expected("'T' or ' ' before the time", text, pos));
    return false;
  }
  ++pos;
  if (!num(2, "hour", c.hour) || !sep(':') || !num(2, "minute", c.minute)) return false;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!num(2, "second", c.second)) return false;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const size_t start = pos;
      unsigned scale = 100;
      while (pos < text.size() && isDigit(text[pos])) {  // truncated to ms, as everywhere in govsync
        c.millis += static_cast<unsigned>(text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) {
        fail(error, text, expected("fraction digits", text, pos));
        return false;
      }
    }
  }
  int32_t offsetSeconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    unsigned oh = 0, om = 0;
    if (!num(2, "offset hour", oh)) return false;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!num(2, "offset minute", om)) return false;
    } else if (pos < text.size() && isDigit(text[pos])) {
      if (!num(2, "offset minute", om)) return false;
    }
    if (oh > 23 || om > 59) {
      fail(error, text, "offset out of range");
      return false;
    }
    offsetSeconds = sign * static_cast<int32_t>(oh * 3600 + om * 60);
  } else {
    fail(error, text, expected("a UTC offset ('Z' or ±hh:mm)", text, pos));
    return false;
  }
  if (pos != text.size()) {
    std::string what = "has trailing characters: ";
    appendFound(what, text, pos);
    what += " at byte " + std::to_string(pos);
    fail(error, text, what);
    return false;
  }
  if (!validCivil(c)) {
    fail(error, text, checkCivil(c));
    return false;
  }
  utcMillis = civilMillis(c) - int64_t{offsetSeconds} * 1000;
  return true;
}

bool TimeFormat::parseUnix(std::string_view text, int64_t& utcMillis, std::string& error) const {
  // Limited to years 0000-9999 like every other format; a value 1000x too large usually means the wrong unit.
  constexpr int64_t kMinSeconds = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  const bool millis = kind_ == Kind::UnixMillis;
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  const size_t start = pos;
  uint64_t v = 0;
  while (pos < text.size() && isDigit(text[pos]) && pos - start < 19) v = v * 10 + uint64_t(text[pos++] - '0');
  if (pos == start) {
    fail(error, text, expected("an integer", text, pos));
    return false;
  }
  if (pos != text.size()) {
    std::string what;
    if (isDigit(text[pos])) {
      what = "is out of range (years 0000-9999)";
    } else {
      what = "has trailing characters: ";
      appendFound(what, text, pos);
      what += " at byte " + std::to_string(pos);
      if (text[pos] == '.' || text[pos] == ',')
        what += millis ? " (unix_ms takes integer milliseconds)" : " (unix_s takes integer seconds)";
    }
    fail(error, text, what);
    return false;
  }
  const int64_t value = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  const int64_t lo = millis ? kMinSeconds * 1000 : kMinSeconds;
  const int64_t hi = millis ? kMaxSeconds * 1000 + 999 : kMaxSeconds;
  if (v > uint64_t{INT64_MAX} || value < lo || value > hi) {
    std::string what = "is out of range (years 0000-9999)";
    if (!millis && value > hi && value / 1000 <= kMaxSeconds) what += "; it looks like milliseconds, use unix_ms";
    fail(error, text, what);
    return false;
  }
  utcMillis = millis ? value : value * 1000;
  return true;
}

bool TimeFormat::parseExcel(std::string_view text, const TimeZone& zone, int64_t& utcMillis, std::string& error) const {
  constexpr uint64_t kMaxSerial = 2958465;     // 9999-12-31, Excel's last date
  constexpr unsigned kMaxFractionDigits = 11;  // 10^11 * 86400000 still fits in uint64
  size_t pos = 0;
  uint64_t serial = 0;
  while (pos < text.size() && isDigit(text[pos]) && pos < 8) serial = serial * 10 + uint64_t(text[pos++] - '0');
  if (pos == 0) {
    fail(error, text, expected("a serial day number", text, 0));
    return false;
  }
  uint64_t fraction = 0, scale = 1;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t start = pos;
    for (; pos < text.size() && isDigit(text[pos]); ++pos) {
      if (pos - start < kMaxFractionDigits) {  // further digits are below a microsecond
        fraction = fraction * 10 + uint64_t(text[pos] - '0');
        scale *= 10;
      }
    }
    if (pos == start) {
      fail(error, text, expected("digits after '.'", text, pos));
      return false;
    }
  }
  if (pos != text.size()) {
    std::string what;
    if (isDigit(text[pos])) {
      what = "is out of range (serial 1 = 1900-01-01 to 2958465 = 9999-12-31)";
    } else {
      what = "has trailing characters: ";
      appendFound(what, text, pos);
      what += " at byte " + std::to_string(pos);
    }
    fail(error, text, what);
    return false;
  }
  if (serial < 1 || serial > kMaxSerial) {
    fail(error, text, "is out of range (serial 1 = 1900-01-01 to 2958465 = 9999-12-31)");
    return false;
  }
  if (serial == 60) {
    fail(error, text, "is serial 60, Excel's nonexistent 1900-02-29 (the Lotus 1-2-3 leap-year bug)");
    return false;
  }
  // Serials 1..59 count from 1899-12-31; Excel's fake 1900-02-29 shifts everything later by a day, so from
  // serial 61 on they count from 1899-12-30.
  static const int64_t kBefore = govsync::daysFromCivil(1899, 12, 31);
  static const int64_t kAfter = govsync::daysFromCivil(1899, 12, 30);
  const int64_t days = static_cast<int64_t>(serial) + (serial < 60 ? kBefore : kAfter);
  const int64_t msOfDay = static_cast<int64_t>((fraction * kMsPerDay + scale / 2) / scale);  // rounded to ms
  if (!zone.utcFromLocal(days * kMsPerDay + msOfDay, utcMillis)) {
    fail(error, text, "is out of range");
    return false;
  }
  return true;
}

}  // namespace govsync::mapping
