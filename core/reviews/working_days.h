// Working days of the mainland-China government calendar: Monday to Friday,
// minus the public holidays the State Council announces each year, plus the
// weekend days it declares make-up working days (调休上班). Rectification
// deadlines of bad reviews (好差评 差评整改) are counted in these days.
//
// Days are Asia/Shanghai local days. China has kept UTC+8 without daylight
// saving since 1991, so a local day is a fixed UTC+8 day here.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace govsync::reviews {

/// Milliseconds Asia/Shanghai is ahead of UTC (fixed since 1991).
inline constexpr int64_t kShanghaiOffsetMs = 8 * 3600 * 1000;

/// The local day (days since 1970-01-01, Asia/Shanghai) of an instant.
int64_t shanghaiDay(int64_t instantMs);

/// A year-by-year holiday calendar. Immutable once loaded; safe to share
/// between threads.
class WorkingCalendar {
 public:
  /// Weekends only: no holiday year known.
  WorkingCalendar() = default;

  /// Loads a calendar file (format in config/calendar/cn-holidays.csv):
  /// `date,type,name` lines, type `holiday` or `workday`. Throws
  /// Error(Config) listing every problem as "file:line: problem".
  static WorkingCalendar loadFile(const std::string& path);
  /// Parses calendar text; `origin` names it in messages.
  static WorkingCalendar parse(std::string_view text, const std::string& origin);

  /// Whether `day` (days since the epoch, local) is a working day. Outside
  /// the years the calendar covers only weekends are days off.
  bool isWorkingDay(int64_t day) const;
  /// Whether the calendar lists the holidays of `year`.
  bool covers(int64_t year) const { return years_.count(year) > 0; }
  /// The years listed, ascending.
  const std::set<int64_t>& years() const { return years_; }
  /// Where the calendar came from ("(weekends only)" for the default).
  const std::string& origin() const { return origin_; }

 private:
  std::set<int64_t> holidays_;  ///< local days off that would be weekdays or weekends anyway
  std::set<int64_t> workdays_;  ///< weekend days that are working days
  std::set<int64_t> years_;
  std::string origin_ = "(weekends only)";
};

/// The due instant of something that must be done within `n` working days of
/// `instantMs`. The rule: counting starts the day after the instant's local
/// day (the day of the event itself never counts, whatever the hour, as in
/// "N 个工作日内"); the deadline is the end of the n-th working day after it,
/// 23:59:59.999 Asia/Shanghai. n = 0 is the end of the event's own day.
/// Throws InvalidInput for a negative n.
int64_t addWorkingDays(int64_t instantMs, int n, const WorkingCalendar& calendar);

}  // namespace govsync::reviews
