// Small text utilities shared across parts: UTF-8 encoding and checking,
// and the edit distance behind "did you mean" hints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace govsync {

/// Appends code point `cp` as UTF-8.
void appendUtf8(std::string& out, uint32_t cp);
/// Length (2–4) of the well-formed UTF-8 sequence starting at s[i] (a byte
/// ≥ 0x80), or 0 when it is malformed (overlong, surrogate, truncated).
size_t utf8SequenceLength(std::string_view s, size_t i);
/// Levenshtein distance, for suggesting the nearest known name.
size_t editDistance(std::string_view a, std::string_view b);

}  // namespace govsync
