#include "core/reviews/period.h"

#include <charconv>
#include <string_view>

#include "core/reviews/working_days.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::reviews {

namespace {

int digits(std::string_view text) {
  int v = -1;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size() ? v : -1;
}

/// Local midnight (Beijing time, UTC+8 all year) of y-m-d as an instant.
int64_t beijingMidnight(int64_t y, unsigned m, unsigned d) {
  return daysFromCivil(y, m, d) * kMillisPerDay - kShanghaiOffsetMs;
}

int64_t parseBound(const std::string& text, const char* field) {
  const std::string_view t = text;
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    const int y = digits(t.substr(0, 4)), m = digits(t.substr(5, 2)), d = digits(t.substr(8, 2));
    if (y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= static_cast<int>(daysInMonth(y, static_cast<unsigned>(m))))
      return beijingMidnight(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  } else if (auto at = parseRfc3339(t)) {
    return *at;
  }
  throw Error::invalidFields(std::string(field) + " is not a date",
                             {{field, "a local date YYYY-MM-DD (Beijing time) or an RFC 3339 instant"}});
}

}  // namespace

Period parsePeriod(const std::string& month, const std::string& from, const std::string& to) {
  Period p;
  if (!month.empty()) {
    if (!from.empty() || !to.empty()) throw Error::invalid("give month, or from and to, not both");
    const std::string_view t = month;
    const int y = t.size() == 7 && t[4] == '-' ? digits(t.substr(0, 4)) : -1;
    const int m = y > 0 ? digits(t.substr(5, 2)) : -1;
    if (y < 1970 || m < 1 || m > 12) throw Error::invalidFields("month is not YYYY-MM", {{"month", "e.g. 2026-11"}});
    p.from = beijingMidnight(y, static_cast<unsigned>(m), 1);
    p.to = m == 12 ? beijingMidnight(y + 1, 1, 1) : beijingMidnight(y, static_cast<unsigned>(m + 1), 1);
    return p;
  }
  if (!from.empty()) p.from = parseBound(from, "from");
  if (!to.empty()) p.to = parseBound(to, "to");
  if (p.from && p.to && *p.to <= *p.from) throw Error::invalidFields("an empty period", {{"to", "after from"}});
  return p;
}

}  // namespace govsync::reviews
