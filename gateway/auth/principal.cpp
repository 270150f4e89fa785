#include "gateway/auth/principal.h"

#include <algorithm>

#include "core/util/error.h"
#include "mappings/engine/mapping_set.h"

namespace govsync::gateway {

using schema::RecordKind;

bool Principal::has(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool Principal::canPush(std::string_view platform) const {
  if (platform.empty()) return false;
  for (const auto& s : scopes)
    if (s.size() == platform.size() + 5 && s.compare(0, 5, "push:") == 0 &&
        s.compare(5, std::string::npos, platform) == 0)
      return true;
  return false;
}

bool Principal::canPull(RecordKind::type kind) const {
  if (has("pull:*")) return true;
  for (const auto& s : scopes)
    if (s.size() > 5 && s.compare(0, 5, "pull:") == 0 && s.compare(5, std::string::npos, schema::kindName(kind)) == 0)
      return true;
  return false;
}

std::vector<RecordKind::type> Principal::pullKinds() const {
  std::vector<RecordKind::type> out;
  for (auto k : {RecordKind::CASE, RecordKind::REVIEW, RecordKind::OBSERVATION})
    if (canPull(k)) out.push_back(k);
  return out;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto item = text.substr(start, comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> normalizeScopes(const std::vector<std::string>& input) {
  std::vector<std::string> out;
  std::vector<FieldIssue> issues;
  for (const auto& raw : input) {
    std::string s;
    for (auto c : raw)
      if (c != ' ' && c != '\t') s += c;
    if (s.empty()) continue;
    if (s == "admin" || s == "pii" || s == "review:rectify" || s == "pull:*") {
      // as is
    } else if (s.rfind("pull:", 0) == 0) {
      std::string kind = s.substr(5);
      std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::toupper(c); });
      if (!schema::kindFromName(kind)) {
        issues.push_back({raw, "pull:<kind> takes CASE, REVIEW, OBSERVATION or *"});
        continue;
      }
      s = "pull:" + kind;
    } else if (s.rfind("push:", 0) == 0) {
      if (!mapping::isValidMappingName(s.substr(5))) {
        issues.push_back({raw, "push:<platform> takes a platform (mapping) name: letters, digits, '_' and '-'"});
        continue;
      }
    } else {
      issues.push_back(
          {raw, "unknown scope (known: push:<platform>, pull:<KIND>, pull:*, pii, review:rectify, admin)"});
      continue;
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  if (!issues.empty()) throw Error::invalidFields("unknown or malformed scopes", std::move(issues));
  return out;
}

}  // namespace govsync::gateway
