// TimeZone: IANA zones from TZif files (with their POSIX-TZ footers), fixed
// offsets, and a built-in Asia/Shanghai table for machines without tzdata.
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

// Beyond ±1e16 ms (±316,000 years) offsets are meaningless and the arithmetic below could overflow.
constexpr int64_t kMaxAbsLocalMs = 10'000'000'000'000'000;
// TZif files use -2^59 as a "big bang" sentinel; clamp before converting seconds to ms.
constexpr int64_t kMaxAbsTransitionSeconds = 100'000'000'000'000;

int64_t floorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool isLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

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
  govsync::civilFromDays(floorDiv(ms, kMillisPerDay), y, m, d);
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

}  // namespace govsync::mapping
