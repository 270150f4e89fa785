// Who is calling: an authenticated API client and what its scopes allow.
//
// Scopes (docs/api.md, "Clients, credentials and scopes"):
//   push:<platform>  push raw rows to that platform's mapping (and unified
//                    records whose source_system is <platform>)
//   pull:<KIND>      read records of that kind (CASE, REVIEW, OBSERVATION);
//   pull:*           read every kind
//   pii              personal data in clear (otherwise records are masked)
//   review:rectify   update the rectification state of bad reviews
//   admin            connectors, mappings, dead letters, audit, clients
// Outside its scopes a caller is told "not found", never "forbidden": it
// learns nothing about what exists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/record_schema.h"

namespace govsync::gateway {

struct Principal {
  std::string keyId;
  std::string name;
  std::string department;
  std::vector<std::string> scopes;  ///< normalised (see normalizeScopes)

  bool has(std::string_view scope) const;
  bool isAdmin() const { return has("admin"); }
  bool pii() const { return has("pii"); }
  bool canPush(std::string_view platform) const;
  bool canPull(schema::RecordKind::type kind) const;
  /// Kinds this principal may read (empty: none).
  std::vector<schema::RecordKind::type> pullKinds() const;
};

/// Checks and normalises scopes: trims, upper-cases a pull kind
/// ("pull:case" → "pull:CASE"), drops duplicates. Throws InvalidInput naming
/// every unknown or malformed scope.
std::vector<std::string> normalizeScopes(const std::vector<std::string>& scopes);
/// "a, b,c" → {"a","b","c"} (empty items dropped).
std::vector<std::string> splitList(std::string_view commaSeparated);

}  // namespace govsync::gateway
