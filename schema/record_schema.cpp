#include "schema/record_schema.h"

#include <array>
#include <unordered_map>

namespace govsync::schema {

std::string_view fieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::String: return "string";
    case FieldType::Int32: return "i32";
    case FieldType::Int64: return "i64";
    case FieldType::Double: return "double";
    case FieldType::Bool: return "bool";
    case FieldType::Instant: return "instant";
    case FieldType::Enum: return "enum";
    case FieldType::StringList: return "list<string>";
    case FieldType::StringMap: return "map<string,string>";
  }
  return "?";
}

const std::string_view* EnumInfo::nameOf(int32_t value) const {
  for (const auto& m : members)
    if (m.value == value) return &m.name;
  return nullptr;
}

std::optional<int32_t> EnumInfo::valueOf(std::string_view n) const {
  for (const auto& m : members)
    if (m.name == n) return m.value;
  return std::nullopt;
}

namespace {
using FieldIndex = std::unordered_map<std::string_view, const FieldInfo*>;

// One name → field index per kind, envelope fields included; built once.
const FieldIndex& indexFor(RecordKind::type kind) {
  static const std::array<FieldIndex, 3> indexes = [] {
    std::array<FieldIndex, 3> out;
    const RecordKind::type kinds[] = {RecordKind::CASE, RecordKind::REVIEW, RecordKind::OBSERVATION};
    for (int i = 0; i < 3; ++i) {
      for (const auto& f : envelopeFields()) out[i].emplace(f.name, &f);
      for (const auto& f : bodyFields(kinds[i])) out[i].emplace(f.name, &f);
    }
    return out;
  }();
  return indexes[static_cast<size_t>(kind) - 1];
}
}  // namespace

const FieldInfo* findField(RecordKind::type kind, std::string_view name) {
  if (kind < RecordKind::CASE || kind > RecordKind::OBSERVATION) return nullptr;
  const auto& idx = indexFor(kind);
  auto it = idx.find(name);
  return it == idx.end() ? nullptr : it->second;
}

std::optional<RecordKind::type> kindFromName(std::string_view name) {
  if (name == "CASE") return RecordKind::CASE;
  if (name == "REVIEW") return RecordKind::REVIEW;
  if (name == "OBSERVATION") return RecordKind::OBSERVATION;
  return std::nullopt;
}

std::string_view kindName(RecordKind::type kind) {
  switch (kind) {
    case RecordKind::CASE: return "CASE";
    case RecordKind::REVIEW: return "REVIEW";
    case RecordKind::OBSERVATION: return "OBSERVATION";
  }
  return "?";
}

}  // namespace govsync::schema
