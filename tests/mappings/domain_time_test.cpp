// Unit tests of the mapping engine's domain functions, part one: time formats (token patterns, named
// formats, Excel serial days, precise rejections) and time zones (names and offsets, the built-in
// Asia/Shanghai, every zone of the system's tzdata against glibc). Vectors come from
// /work/shared/reference/domain-standards.md and are noted where they were computed here.
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (std::string operator+
// after inlining, GCC bug 105651); nothing of ours is involved.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <dirent.h>
#include <sys/stat.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/util/time.h"
#include "mappings/engine/domain/time_format.h"

namespace bdata = boost::unit_test::data;
using namespace govsync::mapping;

namespace {

// --- time formats --------------------------------------------------------------------------------------

struct TimeOk {
  const char* pattern;
  const char* zone;
  const char* text;
  const char* utc;  // expected instant as RFC 3339
};
std::ostream& operator<<(std::ostream& os, const TimeOk& r) {
  return os << r.pattern << " [" << r.zone << "] '" << r.text << "'";
}

const TimeOk kTimeOk[] = {
    // The shapes GB/T 39046 and the 好差评 interfaces use, in Asia/Shanghai (+08:00 since 1991).
    {"YYYYMMDDhhmmss", "Asia/Shanghai", "20220925140300", "2022-09-25T06:03:00.000Z"},
    {"YYYYMMDDThhmmss", "Asia/Shanghai", "20220925T140300", "2022-09-25T06:03:00.000Z"},
    {"YYYYMMDDhh:mm:ss", "Asia/Shanghai", "2022092514:03:00", "2022-09-25T06:03:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2022-09-25 14:03:00", "2022-09-25T06:03:00.000Z"},
    {"YYYY/M/D H:MM", "Asia/Shanghai", "2022/9/5 8:03", "2022-09-05T00:03:00.000Z"},
    {"YYYY/M/D H:MM", "Asia/Shanghai", "2022/09/05 08:03", "2022-09-05T00:03:00.000Z"},
    {"YYYY/M/D H:MM", "Asia/Shanghai", "2022/12/31 23:59", "2022-12-31T15:59:00.000Z"},
    {"yyyy-M-d H:m:s", "Asia/Shanghai", "2022-9-5 8:3:7", "2022-09-05T00:03:07.000Z"},
    {"yyyy-MM-dd HH:mm:ss.SSS", "Asia/Shanghai", "2022-09-25 14:03:00.123", "2022-09-25T06:03:00.123Z"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-09-25", "2022-09-24T16:00:00.000Z"},
    {"dd/MM/yyyy", "Asia/Shanghai", "25/09/2022", "2022-09-24T16:00:00.000Z"},
    {"yyyy年MM月dd日 HH时mm分", "Asia/Shanghai", "2022年09月25日 14时03分", "2022-09-25T06:03:00.000Z"},
    {"yyyy-MM-dd'T'HH:mm:ss", "Asia/Shanghai", "2022-09-25T14:03:00", "2022-09-25T06:03:00.000Z"},
    {"yyyy-MM-dd''HH", "Asia/Shanghai", "2022-09-25'14", "2022-09-25T06:00:00.000Z"},
    // Leap years: divisible by 4, except centuries not divisible by 400.
    {"yyyy-MM-dd", "UTC", "2020-02-29", "2020-02-29T00:00:00.000Z"},
    {"yyyy-MM-dd", "UTC", "2000-02-29", "2000-02-29T00:00:00.000Z"},
    {"yyyy-MM-dd", "UTC", "2024-02-29", "2024-02-29T00:00:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "UTC", "1999-12-31 23:59:59", "1999-12-31T23:59:59.000Z"},
    // Fixed offsets.
    {"yyyy-MM-dd HH:mm:ss", "+08:00", "2022-09-25 14:03:00", "2022-09-25T06:03:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "-05:30", "2022-09-25 14:03:00", "2022-09-25T19:33:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "+0545", "2022-09-25 14:03:00", "2022-09-25T08:18:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "-03", "2022-09-25 14:03:00", "2022-09-25T17:03:00.000Z"},
    // Asia/Shanghai had DST 1986-1991 (+09:00 in summer); modern summers are +08:00.
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1988-07-01 12:00:00", "1988-07-01T03:00:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1988-01-01 12:00:00", "1988-01-01T04:00:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2022-07-01 12:00:00", "2022-07-01T04:00:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1991-09-15 12:00:00", "1991-09-15T04:00:00.000Z"},
    // 1988-04-17 02:00-03:00 did not exist: the offset before the gap (+08:00) applies.
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1988-04-17 02:30:00", "1988-04-16T18:30:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1988-04-17 03:00:00", "1988-04-16T18:00:00.000Z"},
    // 1988-09-11 01:00-02:00 happened twice: the earlier instant (+09:00) is chosen.
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1988-09-11 01:30:00", "1988-09-10T16:30:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "1988-09-11 02:00:00", "1988-09-10T18:00:00.000Z"},
    // After New York's last TZif transition (2037) the footer rule EST5EDT,M3.2.0,M11.1.0 decides.
    {"yyyy-MM-dd HH:mm:ss", "America/New_York", "2050-07-01 12:00:00", "2050-07-01T16:00:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "America/New_York", "2050-01-01 12:00:00", "2050-01-01T17:00:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "America/New_York", "2050-03-13 02:30:00", "2050-03-13T07:30:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "America/New_York", "2050-11-06 01:30:00", "2050-11-06T05:30:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "America/New_York", "2022-11-06 01:30:00", "2022-11-06T05:30:00.000Z"},
    {"yyyy-MM-dd HH:mm:ss", "Australia/Sydney", "2060-01-15 12:00:00", "2060-01-15T01:00:00.000Z"},
    // iso8601: the text's own offset wins; the zone argument is ignored.
    {"iso8601", "-05:30", "2022-09-25T14:03:00+08:00", "2022-09-25T06:03:00.000Z"},
    {"iso8601", "-05:30", "2022-09-25T06:03:00Z", "2022-09-25T06:03:00.000Z"},
    {"iso8601", "-05:30", "2022-09-25 06:03:00z", "2022-09-25T06:03:00.000Z"},
    {"iso8601", "-05:30", "2022-09-25T06:03:00.5Z", "2022-09-25T06:03:00.500Z"},
    {"iso8601", "-05:30", "2022-09-25T06:03:00,25Z", "2022-09-25T06:03:00.250Z"},
    {"iso8601", "-05:30", "2022-09-25T06:03:00.123456789Z", "2022-09-25T06:03:00.123Z"},
    {"iso8601", "-05:30", "2022-09-25T14:03+08:00", "2022-09-25T06:03:00.000Z"},
    {"iso8601", "-05:30", "2022-09-25T01:03:00-0500", "2022-09-25T06:03:00.000Z"},
    {"iso8601", "-05:30", "2022-09-25T14:03:00+08", "2022-09-25T06:03:00.000Z"},
    {"iso8601", "-05:30", "2022-09-25T00:33:00-05:30", "2022-09-25T06:03:00.000Z"},
    // unix_s / unix_ms are UTC by definition.
    {"unix_s", "Asia/Shanghai", "1664085780", "2022-09-25T06:03:00.000Z"},
    {"unix_s", "Asia/Shanghai", "0", "1970-01-01T00:00:00.000Z"},
    {"unix_s", "Asia/Shanghai", "-1", "1969-12-31T23:59:59.000Z"},
    {"unix_s", "Asia/Shanghai", "+86400", "1970-01-02T00:00:00.000Z"},
    {"unix_ms", "Asia/Shanghai", "1664085780123", "2022-09-25T06:03:00.123Z"},
    {"unix_ms", "Asia/Shanghai", "-1", "1969-12-31T23:59:59.999Z"},
    // excel_days: serial 1 = 1900-01-01; 60 is Excel's fake 1900-02-29, so 59 and 61 are adjacent days.
    {"excel_days", "UTC", "1", "1900-01-01T00:00:00.000Z"},
    {"excel_days", "UTC", "59", "1900-02-28T00:00:00.000Z"},
    {"excel_days", "UTC", "61", "1900-03-01T00:00:00.000Z"},
    {"excel_days", "UTC", "25569", "1970-01-01T00:00:00.000Z"},
    {"excel_days", "UTC", "44829.5", "2022-09-25T12:00:00.000Z"},
    {"excel_days", "UTC", "59.75", "1900-02-28T18:00:00.000Z"},
    {"excel_days", "Asia/Shanghai", "44829", "2022-09-24T16:00:00.000Z"},
    // 0.5849 d = 50535.36 s → 14:02:15.360 local.
    {"excel_days", "Asia/Shanghai", "44829.5849", "2022-09-25T06:02:15.360Z"},
    // 14:02:16 as Excel writes it (a repeating fraction) rounds to the exact second.
    {"excel_days", "Asia/Shanghai", "44829.584907407407", "2022-09-25T06:02:16.000Z"},
    {"excel_days", "UTC", "2958465.99999999", "9999-12-31T23:59:59.999Z"},
};

struct TimeFail {
  const char* pattern;
  const char* zone;
  const char* text;
  const char* error;  // the exact message
};
std::ostream& operator<<(std::ostream& os, const TimeFail& r) {
  return os << r.pattern << " [" << r.zone << "] '" << r.text << "'";
}

const TimeFail kTimeFail[] = {
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-13-01", "'2022-13-01' month 13 out of range for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-00-01", "'2022-00-01' month 0 out of range for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-09-00",
     "'2022-09-00' day 0 out of range (2022-09 has 30 days) for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-09-31",
     "'2022-09-31' day 31 out of range (2022-09 has 30 days) for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-02-29",
     "'2022-02-29' day 29 out of range (2022-02 has 28 days) for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "1900-02-29",
     "'1900-02-29' day 29 out of range (1900-02 has 28 days) for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2024-02-30",
     "'2024-02-30' day 30 out of range (2024-02 has 29 days) for format yyyy-MM-dd"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2022-09-25 24:00:00",
     "'2022-09-25 24:00:00' hour 24 out of range for format yyyy-MM-dd HH:mm:ss"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2022-09-25 14:60:00",
     "'2022-09-25 14:60:00' minute 60 out of range for format yyyy-MM-dd HH:mm:ss"},
    {"yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2022-09-25 14:03:60",
     "'2022-09-25 14:03:60' second 60 out of range for format yyyy-MM-dd HH:mm:ss"},
    {"YYYY/M/D H:MM", "Asia/Shanghai", "2022/9/5 8:3",
     "'2022/9/5 8:3' expected 2-digit minute at byte 11 but found only 1 digit for format YYYY/M/D H:MM"},
    {"YYYY/M/D H:MM", "Asia/Shanghai", "2022/123/5 8:03",
     "'2022/123/5 8:03' expected '/' at byte 7 but found '3' for format YYYY/M/D H:MM"},
    // Trailing garbage and surrounding whitespace are errors: trimming is the caller's decision.
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-09-25x",
     "'2022-09-25x' has trailing characters: 'x' at byte 10 for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-09-25 ",
     "'2022-09-25 ' has trailing characters: ' ' at byte 10 for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", " 2022-09-25",
     "' 2022-09-25' expected 4-digit year at byte 0 but found ' ' for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022/09/25",
     "'2022/09/25' expected '-' at byte 4 but found '/' for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022-09",
     "'2022-09' expected '-' at byte 7 but found the end of the text for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "2022年09月25日",
     "'2022年09月25日' expected '-' at byte 4 but found byte 0xE5 for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "",
     "'' expected 4-digit year at byte 0 but found the end of the text for format yyyy-MM-dd"},
    {"yyyy-MM-dd", "Asia/Shanghai", "0000-00-00", "'0000-00-00' month 0 out of range for format yyyy-MM-dd"},
    {"YYYYMMDDhhmmss", "Asia/Shanghai", "2022092514030",
     "'2022092514030' expected 2-digit second at byte 12 but found only 1 digit for format YYYYMMDDhhmmss"},
    {"YYYYMMDDThhmmss", "Asia/Shanghai", "20220925 140300",
     "'20220925 140300' expected 'T' at byte 8 but found ' ' for format YYYYMMDDThhmmss"},
    {"yyyy-MM-dd HH:mm:ss.SSS", "Asia/Shanghai", "2022-09-25 14:03:00.12",
     "'2022-09-25 14:03:00.12' expected 3-digit milliseconds at byte 20 but found only 2 digits for format yyyy-MM-dd "
     "HH:mm:ss.SSS"},
    {"iso8601", "Asia/Shanghai", "2022-09-25T14:03:00",
     "'2022-09-25T14:03:00' expected a UTC offset ('Z' or ±hh:mm) at byte 19 but found the end of the text for format "
     "iso8601"},
    {"iso8601", "Asia/Shanghai", "2022-13-25T14:03:00Z",
     "'2022-13-25T14:03:00Z' month 13 out of range for format iso8601"},
    {"iso8601", "Asia/Shanghai", "2022-09-25",
     "'2022-09-25' expected 'T' or ' ' before the time at byte 10 but found the end of the text for format iso8601"},
    {"iso8601", "Asia/Shanghai", "2022-09-25T14:03:00.Z",
     "'2022-09-25T14:03:00.Z' expected fraction digits at byte 20 but found 'Z' for format iso8601"},
    {"iso8601", "Asia/Shanghai", "2022-09-25T14:03:00+24:00",
     "'2022-09-25T14:03:00+24:00' offset out of range for format iso8601"},
    {"iso8601", "Asia/Shanghai", "2022-09-25T14:03:00Z ",
     "'2022-09-25T14:03:00Z ' has trailing characters: ' ' at byte 20 for format iso8601"},
    {"unix_s", "Asia/Shanghai", "1664085780.5",
     "'1664085780.5' has trailing characters: '.' at byte 10 (unix_s takes integer seconds) for format unix_s"},
    {"unix_s", "Asia/Shanghai", "1664085780000",
     "'1664085780000' is out of range (years 0000-9999); it looks like milliseconds, use unix_ms for format unix_s"},
    {"unix_s", "Asia/Shanghai", "", "'' expected an integer at byte 0 but found the end of the text for format unix_s"},
    {"unix_s", "Asia/Shanghai", "-",
     "'-' expected an integer at byte 1 but found the end of the text for format unix_s"},
    {"unix_s", "Asia/Shanghai", " 1", "' 1' expected an integer at byte 0 but found ' ' for format unix_s"},
    {"unix_ms", "Asia/Shanghai", "99999999999999999999",
     "'99999999999999999999' is out of range (years 0000-9999) for format unix_ms"},
    {"excel_days", "UTC", "60",
     "'60' is serial 60, Excel's nonexistent 1900-02-29 (the Lotus 1-2-3 leap-year bug) for format excel_days"},
    {"excel_days", "UTC", "60.5",
     "'60.5' is serial 60, Excel's nonexistent 1900-02-29 (the Lotus 1-2-3 leap-year bug) for format excel_days"},
    {"excel_days", "UTC", "0",
     "'0' is out of range (serial 1 = 1900-01-01 to 2958465 = 9999-12-31) for format excel_days"},
    {"excel_days", "UTC", "0.5",
     "'0.5' is out of range (serial 1 = 1900-01-01 to 2958465 = 9999-12-31) for format excel_days"},
    {"excel_days", "UTC", "2958466",
     "'2958466' is out of range (serial 1 = 1900-01-01 to 2958465 = 9999-12-31) for format excel_days"},
    {"excel_days", "UTC", "-1", "'-1' expected a serial day number at byte 0 but found '-' for format excel_days"},
    {"excel_days", "UTC", "4.48E4", "'4.48E4' has trailing characters: 'E' at byte 4 for format excel_days"},
    {"excel_days", "UTC", "44829.",
     "'44829.' expected digits after '.' at byte 6 but found the end of the text for format excel_days"},
};

struct PatternError {
  const char* pattern;
  const char* error;
};
std::ostream& operator<<(std::ostream& os, const PatternError& r) { return os << "'" << r.pattern << "'"; }

const PatternError kPatternErrors[] = {
    {"", "time format '': empty; use a token pattern like yyyy-MM-dd HH:mm:ss or iso8601|unix_s|unix_ms|excel_days"},
    {"HH:mm:ss",
     "time format 'HH:mm:ss': has no year; a pattern needs year, month and day (e.g. yyyy-MM-dd HH:mm:ss) or is one "
     "of iso8601, unix_s, unix_ms, excel_days"},
    {"yyyy-MM",
     "time format 'yyyy-MM': has no day; a pattern needs year, month and day (e.g. yyyy-MM-dd HH:mm:ss) "
     "or is one of iso8601, unix_s, unix_ms, excel_days"},
    {"ISO8601", "time format 'ISO8601': named formats are lower case; write iso8601"},
    {"Unix_S", "time format 'Unix_S': named formats are lower case; write unix_s"},
    {"yy-MM-dd",
     "time format 'yy-MM-dd': 'yy' at byte 0: the year must be 4 letters (yyyy or YYYY); 2-digit years are ambiguous"},
    {"yyyy-MMM-dd",
     "time format 'yyyy-MMM-dd': 'MMM' at byte 5: month names are not supported; use MM (2 digits) or M (1-2 digits)"},
    {"yyyy-DDD",
     "time format 'yyyy-DDD': 'DDD' at byte 5: day-of-year is not supported; use dd (2 digits) or d (1-2 "
     "digits)"},
    {"yyyy-MM-dd HH:mm:ss.SS",
     "time format 'yyyy-MM-dd HH:mm:ss.SS': 'SS' at byte 20: fractions must be SSS "
     "(exactly 3 digits of milliseconds)"},
    {"yyyy-MM-dd'T",
     "time format 'yyyy-MM-dd'T': unterminated quote at byte 10; close quoted text with ' (write '' "
     "for a literal quote)"},
    {"yyyyMdH",
     "time format 'yyyyMdH': 'd' at byte 5 directly follows a 1-2 digit token, so the digits cannot be "
     "split; use the 2-digit form (MM, dd, HH, mm, ss) or put a separator between them"},
    {"yyyy-MM-dd mm", "time format 'yyyy-MM-dd mm': has a minute but no hour; add it (e.g. yyyy-MM-dd HH:mm:ss.SSS)"},
    {"yyyy-MM-dd HH:ss",
     "time format 'yyyy-MM-dd HH:ss': has a second but no minute; add it (e.g. yyyy-MM-dd "
     "HH:mm:ss.SSS)"},
    {"yyyy-MM-dd-MM", "time format 'yyyy-MM-dd-MM': 'MM' at byte 11: the month already appears at byte 5"},
    // 'MM' after an hour means minutes, so a month after the time reads as a second minute.
    {"HH:MM dd/MM/yyyy",
     "time format 'HH:MM dd/MM/yyyy': 'MM' at byte 9: the minute already appears at byte 3 ('M' "
     "after an hour token means minutes; write minutes as mm)"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mapping_domain)

BOOST_AUTO_TEST_SUITE(time_format)

BOOST_DATA_TEST_CASE(parses, bdata::make(kTimeOk), row) {
  const TimeZone zone = TimeZone::load(row.zone);
  const TimeFormat format = TimeFormat::compile(row.pattern);
  int64_t utc = 0;
  std::string error;
  BOOST_TEST_REQUIRE(format.parse(row.text, zone, utc, error), error);
  BOOST_TEST(govsync::formatRfc3339(utc) == row.utc);
  BOOST_TEST(error.empty());  // success leaves the error untouched
}

BOOST_DATA_TEST_CASE(rejects_with_a_precise_message, bdata::make(kTimeFail), row) {
  const TimeZone zone = TimeZone::load(row.zone);
  const TimeFormat format = TimeFormat::compile(row.pattern);
  int64_t utc = 12345;
  std::string error;
  BOOST_TEST(!format.parse(row.text, zone, utc, error));
  BOOST_TEST(error == row.error);
  BOOST_TEST(utc == 12345);  // untouched on failure
}

BOOST_DATA_TEST_CASE(compile_rejects_bad_patterns, bdata::make(kPatternErrors), row) {
  try {
    TimeFormat::compile(row.pattern);
    BOOST_FAIL("compiled");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == row.error);
  }
}

BOOST_AUTO_TEST_CASE(pattern_is_kept) {
  BOOST_TEST(TimeFormat::compile("YYYY/M/D H:MM").pattern() == "YYYY/M/D H:MM");
  BOOST_TEST(TimeFormat::compile("iso8601").pattern() == "iso8601");
}

BOOST_AUTO_TEST_CASE(a_compiled_format_is_reused_across_rows) {
  const TimeZone zone = TimeZone::load("Asia/Shanghai");
  const TimeFormat format = TimeFormat::compile("yyyy-MM-dd HH:mm:ss");
  std::string error;
  int64_t utc = 0;
  BOOST_TEST(!format.parse("2022-13-01 00:00:00", zone, utc, error));
  BOOST_TEST(format.parse("2022-12-01 00:00:00", zone, utc, error));
  BOOST_TEST(govsync::formatRfc3339(utc) == "2022-11-30T16:00:00.000Z");
  // Every day of four years, including 2024-02-29, round-trips through the formatter.
  const int64_t start = govsync::daysFromCivil(2021, 1, 1);
  for (int64_t day = start; day < start + 4 * 366; ++day) {
    int64_t y;
    unsigned m, d;
    govsync::civilFromDays(day, y, m, d);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u 08:00:00", static_cast<int>(y), m, d);
    BOOST_TEST_REQUIRE(format.parse(text, zone, utc, error), error);
    BOOST_TEST_REQUIRE(utc == day * 86400000);
  }
}

BOOST_AUTO_TEST_SUITE_END()

// --- time zones ----------------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(time_zone)

struct ZoneError {
  const char* name;
  const char* error;
};
std::ostream& operator<<(std::ostream& os, const ZoneError& r) { return os << "'" << r.name << "'"; }

const ZoneError kZoneErrors[] = {
    {"Nowhere/Atlantis",
     "time zone 'Nowhere/Atlantis': unknown zone (no such file in /usr/share/zoneinfo); use an IANA name like "
     "Asia/Shanghai, UTC, or a fixed offset like +08:00"},
    {"+8:00",
     "time zone '+8:00': bad fixed offset; write ±hh:mm with hours 00-23 and minutes 00-59, e.g. +08:00 or "
     "-05:30"},
    {"+08:60",
     "time zone '+08:60': bad fixed offset; write ±hh:mm with hours 00-23 and minutes 00-59, e.g. +08:00 "
     "or -05:30"},
    {"../../etc/passwd",
     "time zone '../../etc/passwd': not a valid zone name; use an IANA name like Asia/Shanghai, "
     "UTC, or a fixed offset like +08:00"},
    {"",
     "time zone '': not a valid zone name; use an IANA name like Asia/Shanghai, UTC, or a fixed offset like "
     "+08:00"},
    {"zone.tab", "time zone 'zone.tab': not a TZif file"},
    {"right/UTC", "time zone 'right/UTC': leap-second zones (right/...) are not supported; use the plain zone name"},
};

BOOST_DATA_TEST_CASE(load_rejects_unknown_zones, bdata::make(kZoneErrors), row) {
  try {
    TimeZone::load(row.name);
    BOOST_FAIL("loaded");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == row.error);
  }
}

BOOST_AUTO_TEST_CASE(names_and_offsets) {
  BOOST_TEST(TimeZone::load("Asia/Shanghai").name() == "Asia/Shanghai");
  BOOST_TEST(TimeZone::load("+08:00").name() == "+08:00");
  BOOST_TEST(TimeZone::load("UTC").offsetAt(0) == 0);
  BOOST_TEST(TimeZone::load("Etc/UTC").offsetAt(1664085780000) == 0);
  BOOST_TEST(TimeZone::load("Etc/GMT-8").offsetAt(1664085780000) == 28800);
  BOOST_TEST(TimeZone::load("-05:30").offsetAt(0) == -19800);
  const TimeZone shanghai = TimeZone::load("Asia/Shanghai");
  BOOST_TEST(shanghai.offsetAt(1664085780000) == 28800);
  BOOST_TEST(shanghai.offsetAt(583725600000) == 32400);    // 1988-07-01T03:00Z, summer time
  BOOST_TEST(shanghai.offsetAt(-2208988800000) == 29143);  // 1900: local mean time +8:05:43
}

BOOST_AUTO_TEST_CASE(out_of_range_local_times_fail) {
  const TimeZone zone = TimeZone::load("Asia/Shanghai");
  int64_t utc = 7;
  BOOST_TEST(!zone.utcFromLocal(INT64_MAX, utc));
  BOOST_TEST(!zone.utcFromLocal(INT64_MIN, utc));
  BOOST_TEST(utc == 7);
  BOOST_TEST(zone.utcFromLocal(253402300799000, utc));  // 9999-12-31T23:59:59
}

// Without tzdata (slim containers) Asia/Shanghai still loads, from a built-in copy of the same table.
BOOST_AUTO_TEST_CASE(built_in_shanghai_matches_tzdata) {
  const TimeZone fromFile = TimeZone::load("Asia/Shanghai");
  ::setenv("TZDIR", "/nonexistent-zoneinfo", 1);
  const TimeZone builtIn = TimeZone::load("Asia/Shanghai");
  BOOST_CHECK_THROW(TimeZone::load("America/New_York"), std::invalid_argument);
  ::unsetenv("TZDIR");
  for (int64_t t = -2300000000000; t < 2000000000000; t += 3600000 * 13) {
    BOOST_TEST_REQUIRE(fromFile.offsetAt(t) == builtIn.offsetAt(t));
    int64_t a = 0, b = 0;
    BOOST_TEST_REQUIRE(fromFile.utcFromLocal(t, a));
    BOOST_TEST_REQUIRE(builtIn.utcFromLocal(t, b));
    BOOST_TEST_REQUIRE(a == b);
  }
}

// Every zone of the system's tzdata against glibc's localtime_r, 1900-2200: offsets at UTC instants must agree,
// and local → UTC must return that instant, or an earlier one with the same wall-clock time (an overlap).
BOOST_AUTO_TEST_CASE(all_zones_agree_with_glibc) {
  const std::string root = "/usr/share/zoneinfo";
  std::vector<std::string> names;
  std::vector<std::string> dirs{""};
  while (!dirs.empty()) {
    const std::string rel = dirs.back();
    dirs.pop_back();
    DIR* dir = ::opendir((root + "/" + rel).c_str());
    if (dir == nullptr) continue;
    while (const dirent* e = ::readdir(dir)) {
      const std::string n = e->d_name;
      if (n == "." || n == ".." || n == "posix" || n == "right" || n == "posixrules" || n == "localtime") continue;
      const std::string child = rel.empty() ? n : rel + "/" + n;
      struct stat st;
      if (::stat((root + "/" + child).c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        dirs.push_back(child);
        continue;
      }
      std::ifstream in(root + "/" + child, std::ios::binary);
      char magic[4] = {};
      in.read(magic, 4);
      if (std::string(magic, 4) == "TZif") names.push_back(child);
    }
    ::closedir(dir);
  }
  BOOST_TEST_REQUIRE(names.size() > 300u);

  const char* oldTz = std::getenv("TZ");
  const std::string savedTz = oldTz ? oldTz : "";
  size_t checked = 0, offsetMismatches = 0, localMismatches = 0;
  std::string firstMismatch;
  for (const std::string& name : names) {
    const TimeZone zone = TimeZone::load(name);
    ::setenv("TZ", (":" + root + "/" + name).c_str(), 1);
    ::tzset();
    // 1900-01-01 .. 2200-01-01 in steps of 19 days and 7 hours, so samples drift through times of day.
    for (int64_t t = -2208988800; t < 7258118400; t += 19 * 86400 + 7 * 3600) {
      const time_t tt = static_cast<time_t>(t);
      struct tm tmv;
      if (::localtime_r(&tt, &tmv) == nullptr) continue;
      ++checked;
      const int32_t ours = zone.offsetAt(t * 1000);
      if (ours != tmv.tm_gmtoff) {
        if (offsetMismatches++ == 0)
          firstMismatch = name + " at " + std::to_string(t) + ": ours " + std::to_string(ours) + ", glibc " +
                          std::to_string(tmv.tm_gmtoff);
        continue;
      }
      const int64_t local = (t + ours) * 1000;
      int64_t utc = 0;
      if (!zone.utcFromLocal(local, utc) ||
          (utc != t * 1000 && !(utc < t * 1000 && utc + int64_t{zone.offsetAt(utc)} * 1000 == local))) {
        if (localMismatches++ == 0 && offsetMismatches == 0)
          firstMismatch = name + " local " + std::to_string(local) + " → " + std::to_string(utc);
      }
    }
  }
  if (oldTz) {
    ::setenv("TZ", savedTz.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  BOOST_TEST_MESSAGE("zones " << names.size() << ", instants " << checked);
  BOOST_TEST(offsetMismatches == 0u, firstMismatch);
  BOOST_TEST(localMismatches == 0u, firstMismatch);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
