// Display masks for personal data (GB/T 35273 practice; see
// ../shared/reference/domain-standards.md §4). Used when serving records to
// callers without the `pii` scope, in logs, and by the mapping functions.
#pragma once

#include <string>
#include <string_view>

#include "schema/record_schema.h"

namespace govsync {

/// 13812341234 → 138****1234; shorter numbers keep at most a third visible.
std::string maskPhone(std::string_view phone);
/// 18-character ID → first 6 + 8 stars + last 4; other lengths keep first 6
/// and last 4 when long enough, else all stars.
std::string maskIdNo(std::string_view id);
/// 张三 → 张*, 欧阳修 → 欧**: first character kept, each other character a star.
std::string maskName(std::string_view name);
/// Applies the mask that `kind` names; PiiKind::None returns the value as is.
std::string maskAs(schema::PiiKind kind, std::string_view value);
/// `text` with every occurrence of `value` replaced by `replacement`: for
/// messages that quote a value the reader may not see (an error that quotes
/// a phone number shown to a caller without `pii`). Values shorter than 3
/// bytes are left alone — they carry no personal data, and replacing them
/// would garble the message.
std::string redactValue(std::string_view text, std::string_view value, std::string_view replacement);
/// `text` with every single-quoted span ('…') replaced by `replacement`
/// between its quotes: for reasons that quote row content a reader may not
/// see when the quoted value is not known (a row that could not be read).
std::string redactQuoted(std::string_view text, std::string_view replacement);
/// maskAs written to `out`, which has room for value.size() bytes (a mask
/// is never longer than its value); returns the length written.
size_t maskAsInto(schema::PiiKind kind, std::string_view value, char* out);

}  // namespace govsync
