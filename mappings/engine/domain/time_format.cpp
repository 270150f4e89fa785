// TimeFormat: compiling a time pattern once, and parsing text with it per
// row (token patterns, iso8601, unix_s, unix_ms, excel_days).
#include "mappings/engine/domain/time_format.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <stdexcept>

#include "core/util/time.h"

namespace govsync::mapping {

namespace {
bool isDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

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
  const int64_t msOfDay = static_cast<int64_t>((fraction * kMillisPerDay + scale / 2) / scale);  // rounded to ms
  if (!zone.utcFromLocal(days * kMillisPerDay + msOfDay, utcMillis)) {
    fail(error, text, "is out of range");
    return false;
  }
  return true;
}

}  // namespace govsync::mapping
