#include "core/record/record_rules.h"

#include <cmath>
#include <cstring>

#include "core/record/record_json.h"
#include "core/util/crypto.h"
#include "core/util/error.h"

namespace govsync {

using schema::FieldInfo;
using schema::FieldType;
using schema::Record;
using schema::RecordKind;

namespace {
// Namespace UUID of govsync record ids (a fixed random value; never change it:
// every stored record_id depends on it).
constexpr std::array<uint8_t, 16> kRecordIdNamespace = {0x6b, 0x1e, 0x0a, 0x3c, 0x52, 0x9d, 0x4f, 0x07,
                                                        0x9a, 0x41, 0x2d, 0xc8, 0x77, 0x13, 0xe5, 0x90};

bool allDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}
}  // namespace

bool isValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Skip ASCII eight bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF)
      n = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
      n = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
      n = 3, cp = c & 0x07;
    else
      return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

void computeRecordIdInto(std::string_view sourceSystem, RecordKind::type kind, std::string_view sourceId,
                         std::string& out) {
  // The name on the stack when it fits (it nearly always does): no allocation per record.
  const std::string_view kindText = schema::kindName(kind);
  const size_t size = sourceSystem.size() + kindText.size() + sourceId.size() + 2;
  char stack[256];
  std::string heap;
  char* p = stack;
  if (size > sizeof stack) {
    heap.resize(size);
    p = heap.data();
  }
  size_t n = 0;
  auto put = [&](std::string_view s) {
    if (!s.empty()) std::memcpy(p + n, s.data(), s.size());
    n += s.size();
  };
  put(sourceSystem);
  p[n++] = '/';
  put(kindText);
  p[n++] = '/';
  put(sourceId);
  uuidV5Into(kRecordIdNamespace, {p, n}, out);
}

std::string computeRecordId(std::string_view sourceSystem, RecordKind::type kind, std::string_view sourceId) {
  std::string out;
  computeRecordIdInto(sourceSystem, kind, sourceId, out);
  return out;
}

void normalizeRecord(Record& r) {
  auto& e = r.envelope;
  computeRecordIdInto(e.source_system, e.kind, e.source_id, e.record_id);
  e.__isset.record_id = true;
  if (e.kind == RecordKind::REVIEW && r.__isset.review) {
    r.review.is_bad = r.review.level >= 1 && r.review.level <= 2;
    r.review.__isset.is_bad = true;
  }
}

void validateRecord(const Record& r, bool checkEncoding) {
  std::vector<FieldIssue> issues;
  const auto& e = r.envelope;
  const auto kind = e.kind;
  if (kind < RecordKind::CASE || kind > RecordKind::OBSERVATION) {
    throw Error::invalidFields("record has no valid kind", {{"kind", "must be CASE, REVIEW or OBSERVATION"}});
  }
  const bool tombstone = e.__isset.deleted && e.deleted;
  if (e.source_system.empty()) issues.push_back({"source_system", "required"});
  if (e.source_id.empty()) issues.push_back({"source_id", "required"});
  // A record carries at most the body of its own kind.
  const RecordKind::type kinds[] = {RecordKind::CASE, RecordKind::REVIEW, RecordKind::OBSERVATION};
  for (auto k : kinds)
    if (k != kind && schema::hasBody(r, k))
      issues.push_back(
          {std::string(schema::kindName(k)), "body does not match kind " + std::string(schema::kindName(kind))});
  if (!tombstone && !schema::hasBody(r, kind)) issues.push_back({"kind", "record has no body"});

  auto checkFields = [&](std::span<const FieldInfo> fields, bool present) {
    if (!present) return;
    for (const auto& f : fields) {
      if (!f.isSet(r)) continue;
      // The name as a string only when there is something to report.
      auto name = [&f] { return std::string(f.name); };
      switch (f.type) {
        case FieldType::String: {
          const auto& s = *f.getString(r);
          if (checkEncoding && !isValidUtf8(s))
            issues.push_back({name(), "text is not valid UTF-8"});
          else if (s.find('\0') != std::string::npos)
            issues.push_back({name(), "text contains a NUL character"});
          else if (f.required && s.empty() && !tombstone)
            issues.push_back({name(), "required"});
          break;
        }
        case FieldType::Enum: {
          if (!checkEncoding) break;
          const auto v = f.getEnum(r);
          if (!f.enumInfo->nameOf(*v))
            issues.push_back(
                {name(), "value " + std::to_string(*v) + " is not a member of " + std::string(f.enumInfo->name)});
          break;
        }
        case FieldType::Double:
          if (checkEncoding && !std::isfinite(*f.getDouble(r))) issues.push_back({name(), "must be a finite number"});
          break;
        case FieldType::StringList:
          if (!checkEncoding) break;
          for (const auto& s : *f.getList(r))
            if (!isValidUtf8(s))
              issues.push_back({name(), "text is not valid UTF-8"});
            else if (s.find('\0') != std::string::npos)
              issues.push_back({name(), "text contains a NUL character"});
          break;
        case FieldType::StringMap:
          if (!checkEncoding) break;
          for (const auto& [k, v] : *f.getMap(r))
            if (!isValidUtf8(k) || !isValidUtf8(v)) issues.push_back({name(), "text is not valid UTF-8"});
          break;
        default: break;
      }
    }
  };
  checkFields(schema::envelopeFields(), true);
  checkFields(schema::bodyFields(kind), schema::hasBody(r, kind));

  if (e.__isset.region_code && !e.region_code.empty() &&
      !((e.region_code.size() == 6 || e.region_code.size() == 9 || e.region_code.size() == 12) &&
        allDigits(e.region_code)))
    issues.push_back(
        {"region_code", "must be a GB/T 2260 code of 6 digits, or 9 or 12 digits, got '" + e.region_code + "'"});

  auto checkCoord = [&](bool lonSet, double lon, bool latSet, double lat) {
    if (lonSet && (lon < -180 || lon > 180)) issues.push_back({"lon", "longitude out of range -180..180"});
    if (latSet && (lat < -90 || lat > 90)) issues.push_back({"lat", "latitude out of range -90..90"});
  };
  if (kind == RecordKind::CASE && r.__isset.case_record) {
    const auto& c = r.case_record;
    checkCoord(c.__isset.lon, c.lon, c.__isset.lat, c.lat);
    if (c.__isset.satisfaction_level && (c.satisfaction_level < 1 || c.satisfaction_level > 5))
      issues.push_back({"satisfaction_level", "must be 1..5 (5 = 非常满意)"});
  }
  if (kind == RecordKind::REVIEW && r.__isset.review && !tombstone) {
    const auto& v = r.review;
    if (v.level < 1 || v.level > 5) issues.push_back({"level", "must be 1..5 (5 = 非常满意 … 1 = 非常不满意)"});
    if (v.evaluated_at == 0) issues.push_back({"evaluated_at", "required"});
    if (v.__isset.eval_seq && v.eval_seq < 1) issues.push_back({"eval_seq", "must be 1 or more"});
  }
  if (kind == RecordKind::OBSERVATION && r.__isset.observation && !tombstone) {
    const auto& o = r.observation;
    checkCoord(o.__isset.lon, o.lon, o.__isset.lat, o.lat);
    if (o.observed_at == 0) issues.push_back({"observed_at", "required"});
  }
  if (!issues.empty()) throw Error::invalidFields("record does not match the schema", std::move(issues));
}

std::string contentHash(const Record& record) {
  Record content = record;
  auto& e = content.envelope;
  e.__isset.record_id = e.__isset.version = e.__isset.ingested_at = e.__isset.mapping = e.__isset.payload_sha256 =
      false;
  if (!e.__isset.deleted || !e.deleted) e.__isset.deleted = false;  // absent == false
  return sha256Hex(recordToJson(content, false));
}

}  // namespace govsync
