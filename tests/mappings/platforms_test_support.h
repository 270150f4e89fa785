// The expectations of the platform mappings suite (platforms_test.cpp): what
// mappings/samples/README.md says of each shipped platform mapping's sample — row counts, the bad rows
// and how they fail, warned rows, deliberate code-table misses, the golden rows and personal keys. The
// table itself is in platforms_expectations.cpp.
#pragma once

#include <cstddef>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace govsync::mapping::platforms_test {

/// A row the README lists as bad, and how it must fail.
struct DeadRow {
  size_t row;
  std::string stage;   ///< decode | map | validate
  std::string field;   ///< unified field, source column (decode) or "" (a row the reader could not split)
  std::string reason;  ///< a phrase the reason must contain
  std::string value;   ///< a phrase the offending value must contain ("" = not checked)
};

/// A row kept as a record with a warning (a bad personal ID must not lose the case or the review).
struct WarnedRow {
  size_t row;
  std::string warning;              ///< a phrase of extensions._warnings
  std::vector<std::string> absent;  ///< fields left empty because of it
};

/// Expected unified values of one row, as a JSON object: the README's golden blocks, or our own checks of
/// a quirk the golden rows don't cover. `null` means absent; lon_raw/lat_raw are looked up in
/// extensions (or attributes for observations); "attributes.KEY"/"extensions.KEY" name map entries.
struct ExpectedRow {
  size_t row;
  const char* json;
};

/// A personal key that must be the salted HMAC of a given (normalised) value.
struct KeyRow {
  size_t row;
  std::string field;
  std::string plain;
};

struct Platform {
  std::string name;
  std::string sample;
  char delimiter;  ///< 0 = NDJSON
  std::string sourceSystem;
  size_t rows, records, skipped;
  std::vector<DeadRow> dead;
  std::vector<WarnedRow> warned;
  std::set<std::string> misses;  ///< the deliberate code-table misses, "table:code"
  std::vector<ExpectedRow> golden;
  std::vector<ExpectedRow> extra;
  std::vector<KeyRow> keys;
};

inline std::ostream& operator<<(std::ostream& os, const Platform& p) { return os << p.name; }

/// Every shipped platform mapping with the expectations of its sample.
const std::vector<Platform>& platforms();

}  // namespace govsync::mapping::platforms_test
