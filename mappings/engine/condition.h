// Row conditions, for `skip_when` filters and `when/then/else` rules:
//   {field: X, equals: V} {field: X, not_equals: V} {field: X, in: [V, ...]}
//   {field: X, matches: REGEX} {field: X, empty: true|false}
//   {all: [C, ...]} {any: [C, ...]} {not: C}
// X is a source field; values compare with the decoded, untrimmed text.
#pragma once

#include <Poco/Exception.h>
#include <Poco/RegularExpression.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "mappings/engine/value.h"

namespace govsync::mapping {

class Condition {
 public:
  enum class Op { Equals, NotEquals, In, Matches, Empty, NotEmpty, All, Any, Not };
  Op op = Op::Equals;
  int slot = -1;  ///< source field slot
  std::string value;
  std::unordered_set<std::string> values;
  std::unique_ptr<Poco::RegularExpression> regex;
  std::vector<std::unique_ptr<Condition>> children;

  /// `slots` holds the row's decoded source values by slot.
  bool evaluate(const std::vector<Value>& slots) const;
};

}  // namespace govsync::mapping
