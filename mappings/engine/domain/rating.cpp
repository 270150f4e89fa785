#include "mappings/engine/domain/rating.h"

namespace govsync::mapping {

namespace {

std::string_view trimAsciiBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct LabelLevel {
  std::string_view label;
  int level;
};

// The five standard labels, then the common synonyms sources send instead. Comparison is exact, so 满意 never
// matches inside 不满意 or 非常满意.
constexpr LabelLevel kLabels[] = {
    {"非常满意", 5}, {"满意", 4},     {"基本满意", 3}, {"不满意", 2},   {"非常不满意", 1},
    {"很满意", 5},   {"比较满意", 4}, {"一般", 3},     {"很不满意", 1},
};

}  // namespace

std::optional<RatingScheme> ratingSchemeFromName(std::string_view name) {
  if (name == "hcp_interface") return RatingScheme::HcpInterface;
  if (name == "gb39046_a8") return RatingScheme::Gb39046A8;
  if (name == "label") return RatingScheme::Label;
  return std::nullopt;
}

std::string_view ratingSchemeName(RatingScheme scheme) {
  switch (scheme) {
    case RatingScheme::HcpInterface: return "hcp_interface";
    case RatingScheme::Gb39046A8: return "gb39046_a8";
    case RatingScheme::Label: return "label";
  }
  return "unknown";
}

std::optional<int> normalizeRating(std::string_view raw, RatingScheme scheme) {
  const std::string_view s = trimAsciiBlanks(raw);
  if (scheme == RatingScheme::Label) {
    for (const LabelLevel& l : kLabels) {
      if (s == l.label) return l.level;
    }
    return std::nullopt;
  }
  if (s.size() != 1 || s[0] < '1' || s[0] > '5') return std::nullopt;
  const int v = s[0] - '0';
  return scheme == RatingScheme::HcpInterface ? v : 6 - v;
}

}  // namespace govsync::mapping
