#include "connectors/http/since_value.h"

#include <cstdio>

#include "core/util/time.h"

namespace govsync::connectors::http {

namespace {

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int64_t num(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Reads `n` digits at s[pos]; false if not there.
bool digits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > s.size() || !allDigits(s.substr(pos, n))) return false;
  out = num(s.substr(pos, n));
  pos += n;
  return true;
}

bool setCivil(SinceValue& v, int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  v.seconds = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
  return true;
}

// Fraction digits at s[pos] → nanos (beyond 9 digits kept in text only).
void fraction(std::string_view s, size_t& pos, SinceValue& v) {
  const size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  v.fracDigits = static_cast<int>(pos - start);
  int64_t n = 0;
  for (size_t i = 0; i < 9; ++i) n = n * 10 + (start + i < pos ? s[start + i] - '0' : 0);
  v.nanos = static_cast<int32_t>(n);
}

std::optional<SinceValue> parseIso(std::string_view s) {
  SinceValue v;
  v.shape = SinceFormat::Iso;
  size_t p = 0;
  int64_t y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, p, 4, y) || p >= s.size() || (s[p] != '-' && s[p] != '/')) return std::nullopt;
  v.dateSep = s[p++];
  if (!digits(s, p, 2, mo) || p >= s.size() || s[p] != v.dateSep) return std::nullopt;
  ++p;
  if (!digits(s, p, 2, d)) return std::nullopt;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    v.timeSep = s[p++];
    v.hasTime = true;
    if (!digits(s, p, 2, h) || p >= s.size() || s[p] != ':') return std::nullopt;
    ++p;
    if (!digits(s, p, 2, mi)) return std::nullopt;
    if (p < s.size() && s[p] == ':') {
      ++p;
      v.hasSeconds = true;
      if (!digits(s, p, 2, sec)) return std::nullopt;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        fraction(s, p, v);
        if (v.fracDigits == 0) return std::nullopt;
      }
    }
    if (p < s.size()) {
      if (s[p] == 'Z') {
        v.zone = "Z";
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        const size_t zstart = p;
        const int sign = s[p++] == '-' ? -1 : 1;
        int64_t zh, zm;
        if (!digits(s, p, 2, zh)) return std::nullopt;
        if (p < s.size() && s[p] == ':') ++p;
        if (!digits(s, p, 2, zm) || zh > 23 || zm > 59) return std::nullopt;
        v.offsetSeconds = static_cast<int32_t>(sign * (zh * 3600 + zm * 60));
        v.zone = std::string(s.substr(zstart, p - zstart));
      }
    }
  }
  if (p != s.size() || !setCivil(v, y, mo, d, h, mi, sec)) return std::nullopt;
  v.seconds -= v.offsetSeconds;
  return v;
}

std::optional<SinceValue> parseCompact(std::string_view s) {
  if (!allDigits(s) || (s.size() != 8 && s.size() < 14)) return std::nullopt;
  SinceValue v;
  v.shape = SinceFormat::Compact;
  size_t p = 0;
  int64_t y, mo, d, h = 0, mi = 0, sec = 0;
  digits(s, p, 4, y);
  digits(s, p, 2, mo);
  digits(s, p, 2, d);
  if (s.size() >= 14) {
    v.hasTime = v.hasSeconds = true;
    digits(s, p, 2, h);
    digits(s, p, 2, mi);
    digits(s, p, 2, sec);
    fraction(s, p, v);
  }
  if (!setCivil(v, y, mo, d, h, mi, sec)) return std::nullopt;
  return v;
}

std::optional<SinceValue> parseEpoch(std::string_view s, bool millis) {
  SinceValue v;
  v.shape = millis ? SinceFormat::EpochMs : SinceFormat::EpochS;
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (!allDigits(whole) || whole.size() > 15) return std::nullopt;
  const int64_t n = num(whole);
  if (millis) {
    if (dot != std::string_view::npos) return std::nullopt;
    v.seconds = n / 1000;
    v.nanos = static_cast<int32_t>((n % 1000) * 1000000);
  } else {
    v.seconds = n;
    if (dot != std::string_view::npos) {
      size_t p = dot + 1;
      fraction(s, p, v);
      if (p != s.size() || v.fracDigits == 0) return std::nullopt;
    }
  }
  return v;
}

}  // namespace

std::optional<SinceFormat> sinceFormatFromName(std::string_view name) {
  if (name == "auto") return SinceFormat::Auto;
  if (name == "iso") return SinceFormat::Iso;
  if (name == "compact") return SinceFormat::Compact;
  if (name == "epoch_s") return SinceFormat::EpochS;
  if (name == "epoch_ms") return SinceFormat::EpochMs;
  return std::nullopt;
}

std::optional<SinceValue> parseSinceValue(std::string_view text, SinceFormat format) {
  std::optional<SinceValue> v;
  switch (format) {
    case SinceFormat::Iso: v = parseIso(text); break;
    case SinceFormat::Compact: v = parseCompact(text); break;
    case SinceFormat::EpochS: v = parseEpoch(text, false); break;
    case SinceFormat::EpochMs: v = parseEpoch(text, true); break;
    case SinceFormat::Auto: {
      const std::string_view whole = text.substr(0, text.find('.'));
      if (allDigits(whole) && whole.size() == 10)
        v = parseEpoch(text, false);
      else if (allDigits(text) && text.size() == 13)
        v = parseEpoch(text, true);
      else if (allDigits(text))
        v = parseCompact(text);
      else
        v = parseIso(text);
    }
  }
  if (v) v->text = std::string(text);
  return v;
}

int compareSince(const SinceValue& a, const SinceValue& b) {
  if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.nanos != b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return 0;
}

std::string sinceMinus(const SinceValue& v, int64_t seconds) {
  if (seconds == 0) return v.text;
  const int64_t instant = v.seconds - seconds;
  // The fraction as written (digits beyond nanoseconds are kept from the text).
  std::string frac;
  if (v.fracDigits > 0) {
    const size_t dot = v.text.find_last_of(".,");
    frac = v.text.substr(dot, 1 + static_cast<size_t>(v.fracDigits));
  }
  if (v.shape == SinceFormat::EpochS) return std::to_string(instant) + frac;
  if (v.shape == SinceFormat::EpochMs) return std::to_string(instant * 1000 + v.nanos / 1000000);
  const int64_t wall = instant + v.offsetSeconds;
  int64_t days = wall / 86400, rem = wall % 86400;
  if (rem < 0) rem += 86400, --days;
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  const int hh = static_cast<int>(rem / 3600), mi = static_cast<int>(rem % 3600 / 60), ss = static_cast<int>(rem % 60);
  char buf[64];
  if (v.shape == SinceFormat::Compact) {
    if (!v.hasTime) {
      std::snprintf(buf, sizeof buf, "%04lld%02u%02u", static_cast<long long>(y), m, d);
      return buf;
    }
    std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02d%02d%02d", static_cast<long long>(y), m, d, hh, mi, ss);
    return std::string(buf) + (frac.empty() ? "" : frac.substr(1));
  }
  std::snprintf(buf, sizeof buf, "%04lld%c%02u%c%02u", static_cast<long long>(y), v.dateSep, m, v.dateSep, d);
  std::string out = buf;
  if (!v.hasTime) return out;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", v.timeSep, hh, mi);
  out += buf;
  if (v.hasSeconds) {
    std::snprintf(buf, sizeof buf, ":%02d", ss);
    out += buf;
    out += frac;
  }
  return out + v.zone;
}

}  // namespace govsync::connectors::http
