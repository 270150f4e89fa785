#include "core/record/record_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cmath>

#include "core/record/masking.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"

namespace govsync {

using schema::FieldInfo;
using schema::FieldType;
using schema::Record;
using schema::RecordKind;

namespace {

void writeField(JsonWriter& w, std::string& scratch, const FieldInfo& f, const Record& r, bool masked) {
  if (!f.isSet(r)) return;
  w.key(f.name);
  switch (f.type) {
    case FieldType::String:
      if (masked && f.pii != schema::PiiKind::None) {
        scratch = maskAs(f.pii, *f.getString(r));
        w.string(scratch);
      } else {
        w.string(*f.getString(r));
      }
      break;
    case FieldType::Int32: w.integer(*f.getInt32(r)); break;
    case FieldType::Int64: w.integer(*f.getInt64(r)); break;
    case FieldType::Instant: {
      scratch.clear();
      appendRfc3339(scratch, *f.getInt64(r));
      w.string(scratch);
      break;
    }
    case FieldType::Double: w.number(*f.getDouble(r)); break;
    case FieldType::Bool: w.boolean(*f.getBool(r)); break;
    case FieldType::Enum: {
      const int32_t v = *f.getEnum(r);
      if (const auto* name = f.enumInfo->nameOf(v))
        w.string(*name);
      else
        w.integer(v);  // not a member: validation rejects this before storage
      break;
    }
    case FieldType::StringList:
      w.beginArray();
      for (const auto& s : *f.getList(r)) w.string(s);
      w.endArray();
      break;
    case FieldType::StringMap:
      w.beginObject();
      for (const auto& [k, v] : *f.getMap(r)) {
        w.key(k);
        w.string(v);
      }
      w.endObject();
      break;
  }
}

bool isString(const Poco::Dynamic::Var& v) { return v.type() == typeid(std::string); }

// Sets field `f` of `r` from JSON value `v`; returns an error message or "".
std::string setFromJson(const FieldInfo& f, Record& r, const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) {  // JSON null = absent
    f.clear(r);
    return {};
  }
  try {
    switch (f.type) {
      case FieldType::String:
        if (!isString(v)) return "expected a string";
        *f.mutString(r) = v.extract<std::string>();
        return {};
      case FieldType::Int32:
      case FieldType::Int64: {
        // Poco counts a JSON true/false as an integer (and a number): not here.
        if (!v.isInteger() || v.isBoolean()) return "expected an integer";
        const int64_t n = v.convert<int64_t>();
        if (f.type == FieldType::Int32) {
          if (n < INT32_MIN || n > INT32_MAX) return "integer out of range";
          *f.mutInt32(r) = static_cast<int32_t>(n);
        } else {
          *f.mutInt64(r) = n;
        }
        return {};
      }
      case FieldType::Double: {
        if (!v.isNumeric() || v.isBoolean()) return "expected a number";
        const double d = v.convert<double>();
        if (!std::isfinite(d)) return "expected a finite number";
        *f.mutDouble(r) = d;
        return {};
      }
      case FieldType::Bool:
        if (!v.isBoolean()) return "expected true or false";
        *f.mutBool(r) = v.extract<bool>();
        return {};
      case FieldType::Instant: {
        if (!isString(v)) return "expected an RFC 3339 time string such as 2022-09-25T06:03:00.000Z";
        auto ms = parseRfc3339(v.extract<std::string>());
        if (!ms) return "not an RFC 3339 time with offset (e.g. 2022-09-25T06:03:00.000Z): " + v.extract<std::string>();
        *f.mutInt64(r) = *ms;
        return {};
      }
      case FieldType::Enum: {
        if (!isString(v)) return "expected one of the names of " + std::string(f.enumInfo->name);
        auto value = f.enumInfo->valueOf(v.extract<std::string>());
        if (!value) {
          std::string names;
          for (const auto& m : f.enumInfo->members) names += (names.empty() ? "" : ", ") + std::string(m.name);
          return "unknown value '" + v.extract<std::string>() + "'; expected one of " + names;
        }
        f.setEnum(r, *value);
        return {};
      }
      case FieldType::StringList: {
        if (v.type() != typeid(Poco::JSON::Array::Ptr)) return "expected an array of strings";
        auto arr = v.extract<Poco::JSON::Array::Ptr>();
        auto* list = f.mutList(r);
        list->clear();
        for (size_t i = 0; i < arr->size(); ++i) {
          const auto item = arr->get(static_cast<unsigned>(i));
          if (!isString(item)) return "expected an array of strings";
          list->push_back(item.extract<std::string>());
        }
        return {};
      }
      case FieldType::StringMap: {
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) return "expected an object of strings";
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        auto* map = f.mutMap(r);
        map->clear();
        for (const auto& [k, item] : *obj) {
          if (!isString(item)) return "expected an object of strings (key '" + k + "')";
          (*map)[k] = item.extract<std::string>();
        }
        return {};
      }
    }
  } catch (const Poco::Exception& e) {
    return "bad value: " + e.displayText();
  }
  return "unsupported field type";
}

}  // namespace

void appendRecordJson(std::string& out, const Record& record, bool masked) {
  JsonWriter w(out);
  std::string scratch;
  w.beginObject();
  for (const auto& f : schema::envelopeFields()) writeField(w, scratch, f, record, masked);
  const auto kind = record.envelope.kind;
  if (schema::hasBody(record, kind))
    for (const auto& f : schema::bodyFields(kind)) writeField(w, scratch, f, record, masked);
  w.endObject();
}

std::string recordToJson(const Record& record, bool masked) {
  std::string out;
  out.reserve(1024);
  appendRecordJson(out, record, masked);
  return out;
}

Record recordFromJson(const Poco::JSON::Object& object) {
  std::vector<FieldIssue> issues;
  Record r;
  const auto kindVar = object.get("kind");
  if (kindVar.isEmpty() || !isString(kindVar)) {
    throw Error::invalidFields("record has no kind", {{"kind", "required: one of CASE, REVIEW, OBSERVATION"}});
  }
  const auto kind = schema::kindFromName(kindVar.extract<std::string>());
  if (!kind) {
    throw Error::invalidFields(
        "record has an unknown kind",
        {{"kind", "unknown kind '" + kindVar.extract<std::string>() + "'; expected one of CASE, REVIEW, OBSERVATION"}});
  }
  r.envelope.kind = *kind;
  bool bodySeen = false;
  for (const auto& [name, value] : object) {
    if (name == "kind") continue;
    const FieldInfo* f = schema::findField(*kind, name);
    if (!f) {
      issues.push_back({name, "unknown field for kind " + std::string(schema::kindName(*kind))});
      continue;
    }
    if (f->part != schema::RecordPart::Envelope) bodySeen = true;
    if (auto msg = setFromJson(*f, r, value); !msg.empty()) issues.push_back({name, msg});
  }
  if (!bodySeen && !(r.envelope.__isset.deleted && r.envelope.deleted)) {
    // Mark the body present so the required-field check names what is missing.
    switch (*kind) {
      case RecordKind::CASE: r.__isset.case_record = true; break;
      case RecordKind::REVIEW: r.__isset.review = true; break;
      case RecordKind::OBSERVATION: r.__isset.observation = true; break;
    }
  }
  if (!issues.empty()) throw Error::invalidFields("record does not match the schema", std::move(issues));
  return r;
}

Record recordFromJsonText(std::string_view text) {
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var parsed;
  try {
    parsed = parser.parse(std::string(text));
  } catch (const Poco::Exception& e) {
    throw Error::invalid("malformed JSON: " + e.message());
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw Error::invalid("a record must be a JSON object");
  return recordFromJson(*parsed.extract<Poco::JSON::Object::Ptr>());
}

}  // namespace govsync
