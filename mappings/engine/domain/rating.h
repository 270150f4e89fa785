// 好差评 satisfaction levels. Two opposite numeric encodings are in use (the 好差评 interfaces count 5 =
// 非常满意, GB/T 39046 A.8 counts 1 = 非常满意) and some sources send the Chinese label, so every mapping
// names its scheme and we normalise to the schema's 1..5 with 5 = 非常满意.
#pragma once

#include <optional>
#include <string_view>

namespace govsync::mapping {

/// How a source encodes a 好差评 level.
enum class RatingScheme {
  HcpInterface,  ///< "1".."5", 5 = 非常满意 (the 好差评 interfaces' satisfaction / levelCode)
  Gb39046A8,     ///< "1".."5", 1 = 非常满意 (GB/T 39046-2020 code table A.8 满意度代码)
  Label,         ///< the Chinese label, e.g. 基本满意
};

/// "hcp_interface", "gb39046_a8" or "label" (exact, lower case); nullopt otherwise.
std::optional<RatingScheme> ratingSchemeFromName(std::string_view name);

/// The configuration name of a scheme, the inverse of ratingSchemeFromName.
std::string_view ratingSchemeName(RatingScheme scheme);

/// Normalises a raw level to 1..5 with 5 = 非常满意; surrounding ASCII spaces and tabs are ignored. Numeric
/// schemes accept exactly one digit 1-5. Label accepts 非常满意(5) 满意(4) 基本满意(3) 不满意(2) 非常不满意(1)
/// and the common synonyms 很满意(5) 比较满意(4) 一般(3) 很不满意(1). Anything else is nullopt.
std::optional<int> normalizeRating(std::string_view raw, RatingScheme scheme);

}  // namespace govsync::mapping
