// The period a review question covers, as people give it: a month
// ("2026-11"), or from/to bounds as local dates ("2026-11-01", Beijing time)
// or RFC 3339 instants. One reading for the HTTP and Thrift APIs and the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace govsync::reviews {

struct Period {
  std::optional<int64_t> from;  ///< evaluated_at ≥ from (ms); none = no bound
  std::optional<int64_t> to;    ///< evaluated_at < to (ms); none = no bound
};

/// `month` (YYYY-MM) or `from`/`to` (either may be ""); all "" = no bounds.
/// Throws InvalidInput naming the field (month, from, to) and the forms it
/// takes; a month with from or to, or an empty period, is refused too.
Period parsePeriod(const std::string& month, const std::string& from, const std::string& to);

}  // namespace govsync::reviews
