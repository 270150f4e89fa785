// The rules every unified record obeys before it is stored, whatever its
// route (pulled by a connector, pushed raw, pushed unified).
#pragma once

#include <string>
#include <string_view>

#include "schema/record_schema.h"

namespace govsync {

/// UUIDv5 (govsync namespace) of "source_system/KIND/source_id".
std::string computeRecordId(std::string_view sourceSystem, schema::RecordKind::type kind, std::string_view sourceId);
/// computeRecordId into `out` (replaced; its storage reused).
void computeRecordIdInto(std::string_view sourceSystem, schema::RecordKind::type kind, std::string_view sourceId,
                         std::string& out);

/// Fills what the schema derives: record_id, and is_bad from a review's level.
void normalizeRecord(schema::Record& record);

/// Throws InvalidInput listing every problem: missing required fields, an
/// empty key, a body that does not match the kind, enum values that are not
/// members, malformed region codes, levels out of 1..5, coordinates out of
/// range, text that is not valid UTF-8.
///
/// `checkEncoding` = false skips the checks that records built by the mapping
/// engine pass by construction (text is valid UTF-8, enum values are members,
/// numbers are finite); the rules of the schema are always checked.
void validateRecord(const schema::Record& record, bool checkEncoding = true);

/// SHA-256 (hex) of the record's content: every field except those the
/// store sets (record_id, version, ingested_at, mapping, payload_sha256).
/// Identical content ⇒ identical hash ⇒ an upsert is a no-op.
std::string contentHash(const schema::Record& record);

/// Whether `s` is well-formed UTF-8.
bool isValidUtf8(std::string_view s);

}  // namespace govsync
