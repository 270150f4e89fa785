// The record model's reflection: enum and field tables generated from
// schema/exchange.thrift at build time (gen_schema_tables.py). Everything that
// needs to know the schema's fields by name — the JSON codec, validation,
// masking, the mapping compiler, `govsync mapping fields` — reads these
// tables; nothing keeps its own list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schema/exchange_types.h"

namespace govsync::schema {

/// The value type of a field as the JSON form and the mapping engine see it.
enum class FieldType : uint8_t {
  String,
  Int32,
  Int64,
  Double,
  Bool,
  Instant,     ///< i64 milliseconds since the epoch; RFC 3339 UTC in JSON
  Enum,        ///< i32 in Thrift; served by name
  StringList,  ///< list<string>
  StringMap,   ///< map<string,string>
};

std::string_view fieldTypeName(FieldType type);

/// Which part of a Record a field lives in.
enum class RecordPart : uint8_t { Envelope, Case, Review, Observation };

/// Personal-data class of a field (annotation `pii` in the IDL).
enum class PiiKind : uint8_t { None, Name, Phone, IdNo };

struct EnumMember {
  std::string_view name;
  int32_t value;
};

/// One Thrift enum: its members in declaration order.
struct EnumInfo {
  std::string_view name;
  std::span<const EnumMember> members;

  /// Member name of `value`, or nullptr if the value is not a member.
  const std::string_view* nameOf(int32_t value) const;
  /// Value of the member called `name` (exact spelling), if any.
  std::optional<int32_t> valueOf(std::string_view name) const;
};

/// One field of the unified schema with typed accessors on a whole Record.
/// Accessors of the wrong type for `type` are null. A mutable accessor marks
/// the field (and its body) as set and returns its storage.
struct FieldInfo {
  std::string_view name;
  int16_t thriftId;
  FieldType type;
  RecordPart part;
  bool required;  ///< `required` in the IDL
  PiiKind pii;
  const EnumInfo* enumInfo;  ///< for FieldType::Enum
  std::string_view doc;

  bool (*isSet)(const Record&);
  void (*clear)(Record&);
  const std::string* (*getString)(const Record&);
  std::string* (*mutString)(Record&);
  const int32_t* (*getInt32)(const Record&);
  int32_t* (*mutInt32)(Record&);
  const int64_t* (*getInt64)(const Record&);  ///< Int64 and Instant
  int64_t* (*mutInt64)(Record&);
  const double* (*getDouble)(const Record&);
  double* (*mutDouble)(Record&);
  const bool* (*getBool)(const Record&);
  bool* (*mutBool)(Record&);
  std::optional<int32_t> (*getEnum)(const Record&);
  void (*setEnum)(Record&, int32_t);
  const std::vector<std::string>* (*getList)(const Record&);
  std::vector<std::string>* (*mutList)(Record&);
  const std::map<std::string, std::string>* (*getMap)(const Record&);
  std::map<std::string, std::string>* (*mutMap)(Record&);
};

/// All enums of the schema.
std::span<const EnumInfo> allEnums();
/// Envelope fields, in IDL order.
std::span<const FieldInfo> envelopeFields();
/// The body fields of one kind, in IDL order.
std::span<const FieldInfo> bodyFields(RecordKind::type kind);
/// A field of `kind` (envelope or body) by its snake_case name; nullptr if
/// the kind has no such field.
const FieldInfo* findField(RecordKind::type kind, std::string_view name);
/// Whether the body of `kind` is present in `record`.
bool hasBody(const Record& record, RecordKind::type kind);

/// "CASE" → RecordKind::CASE (the JSON spelling); nullopt if unknown.
std::optional<RecordKind::type> kindFromName(std::string_view name);
std::string_view kindName(RecordKind::type kind);

}  // namespace govsync::schema
