// The JSON form of a unified record, derived from the schema's field tables:
// one flat object with the envelope fields followed by the body fields of
// the record's kind; snake_case names, enums by name, instants RFC 3339 UTC
// with milliseconds, absent optional fields omitted.
#pragma once

#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>

#include "schema/record_schema.h"

namespace govsync {

/// Appends the record's JSON object to `out`. With `masked`, PII fields are
/// replaced by their display masks.
void appendRecordJson(std::string& out, const schema::Record& record, bool masked);
std::string recordToJson(const schema::Record& record, bool masked = false);

/// Builds a record from its JSON object. Unknown fields, wrong types, bad
/// enum names and bad instants are all collected and thrown together as one
/// InvalidInput Error with per-field issues.
schema::Record recordFromJson(const Poco::JSON::Object& object);
/// Parses `text` (one JSON object) and calls recordFromJson.
schema::Record recordFromJsonText(std::string_view text);

}  // namespace govsync
