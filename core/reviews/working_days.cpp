// Working-day calendar: loading the holiday file and counting working days.
#include "core/reviews/working_days.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::reviews {

namespace {

// 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday.
int weekday(int64_t day) {
  const int64_t w = (day + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

bool isWeekend(int64_t day) {
  const int w = weekday(day);
  return w == 0 || w == 6;
}

// "YYYY-MM-DD" → days since the epoch; nullopt unless a real calendar date.
std::optional<int64_t> parseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> std::optional<int64_t> {
    int64_t v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > daysInMonth(*y, static_cast<unsigned>(*m)))
    return std::nullopt;
  return daysFromCivil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    const size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

int64_t shanghaiDay(int64_t instantMs) {
  const int64_t local = instantMs + kShanghaiOffsetMs;
  return local >= 0 ? local / kMillisPerDay : -((-local + kMillisPerDay - 1) / kMillisPerDay);
}

WorkingCalendar WorkingCalendar::loadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::config(path + ": cannot read the working-day calendar");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

WorkingCalendar WorkingCalendar::parse(std::string_view text, const std::string& origin) {
  WorkingCalendar cal;
  cal.origin_ = origin;
  std::vector<std::string> problems;
  bool headerSeen = false;
  size_t lineNo = 0;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    ++lineNo;
    if (line.empty() || line.front() == '#') continue;
    auto problem = [&](const std::string& what) {
      problems.push_back(origin + ":" + std::to_string(lineNo) + ": " + what);
    };
    const auto fields = splitFields(line);
    if (!headerSeen) {
      headerSeen = true;
      if (fields.size() < 2 || fields[0] != "date" || fields[1] != "type")
        problem("the first line must be the header \"date,type,name\"");
      continue;
    }
    if (fields.size() < 2 || fields.size() > 3) {
      problem("expected date,type[,name], got " + std::to_string(fields.size()) + " fields");
      continue;
    }
    const auto day = parseDate(fields[0]);
    if (!day) {
      problem(std::string(fields[0]).append(" is not a date (YYYY-MM-DD)"));
      continue;
    }
    if (cal.holidays_.count(*day) || cal.workdays_.count(*day)) {
      problem(std::string(fields[0]) + " is listed twice");
      continue;
    }
    if (fields[1] == "holiday") {
      cal.holidays_.insert(*day);
      int64_t y = 0;
      unsigned m = 0, d = 0;
      civilFromDays(*day, y, m, d);
      cal.years_.insert(y);
    } else if (fields[1] == "workday") {
      // A make-up working day only means something on a weekend.
      if (!isWeekend(*day))
        problem(std::string(fields[0]) + " is a weekday: only a Saturday or Sunday can be a make-up workday");
      else
        cal.workdays_.insert(*day);
    } else {
      problem(std::string("unknown type ").append(fields[1]).append(": expected holiday or workday"));
    }
  }
  if (!headerSeen) problems.push_back(origin + ":1: empty calendar: expected the header \"date,type,name\"");
  if (!problems.empty()) {
    std::string message = "the working-day calendar is invalid:";
    for (const auto& p : problems) message += "\n  " + p;
    throw Error::config(message);
  }
  return cal;
}

bool WorkingCalendar::isWorkingDay(int64_t day) const {
  if (holidays_.count(day)) return false;
  if (workdays_.count(day)) return true;
  return !isWeekend(day);
}

int64_t addWorkingDays(int64_t instantMs, int n, const WorkingCalendar& calendar) {
  if (n < 0) throw Error::invalid("a number of working days cannot be negative: " + std::to_string(n));
  int64_t day = shanghaiDay(instantMs);
  for (int counted = 0; counted < n;) {
    ++day;
    if (calendar.isWorkingDay(day)) ++counted;
  }
  // The last millisecond of that local day.
  return (day + 1) * kMillisPerDay - kShanghaiOffsetMs - 1;
}

}  // namespace govsync::reviews
