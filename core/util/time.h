// Instants: milliseconds since the Unix epoch, UTC. Formatting and parsing
// of RFC 3339 done by hand because it sits on the feed's hot path and the
// libraries at hand (Poco::DateTimeFormatter, strftime) are locale- or
// allocation-heavy for that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace govsync {

/// Current wall-clock time in ms since the epoch.
int64_t nowMillis();

inline constexpr int64_t kMillisPerDay = 86400000;

/// Days in `month` (1–12) of proleptic Gregorian `year`.
unsigned daysInMonth(int64_t year, unsigned month);
/// Days since 1970-01-01 of a proleptic Gregorian civil date.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
/// Inverse of daysFromCivil.
void civilFromDays(int64_t days, int64_t& y, unsigned& m, unsigned& d);

/// Appends "YYYY-MM-DDThh:mm:ss.mmmZ" to `out`.
void appendRfc3339(std::string& out, int64_t millis);
std::string formatRfc3339(int64_t millis);

/// Parses RFC 3339 / ISO 8601 with a 'Z' or ±hh:mm offset (fractional
/// seconds optional, up to 9 digits, truncated to ms). nullopt if malformed.
std::optional<int64_t> parseRfc3339(std::string_view text);

}  // namespace govsync
