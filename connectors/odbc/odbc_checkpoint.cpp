#include "connectors/odbc/odbc_checkpoint.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <vector>

#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"

namespace govsync::connectors::odbc {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void writeDigits(std::string& out, size_t at, int64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) {
    out[at + width - 1 - i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Bytes in the checkpoint (writeCheckpointBytes): a JSON string when they are UTF-8, else {"hex": ...}.
std::string readBytes(const Poco::Dynamic::Var& v) {
  if (v.isString()) return v.extract<std::string>();
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto hex = v.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("hex");
    if (hex.size() % 2) throw Error::config("odd hex text");
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
  }
  throw Error::config("expected a string or {\"hex\": ...}");
}

void writeTyped(JsonWriter& w, const char* name, const std::string& type, const std::optional<std::string>& value) {
  w.key(name);
  if (!value) {
    w.null();
    return;
  }
  w.beginObject();
  w.key("type");
  w.string(type);
  w.key("value");
  writeCheckpointBytes(w, *value);
  w.endObject();
}

void readTyped(const Poco::JSON::Object::Ptr& o, const char* name, std::string& type,
               std::optional<std::string>& value) {
  if (!o->has(name) || o->isNull(name)) return;
  const auto typed = o->getObject(name);
  if (!typed) throw Error::config(std::string("'") + name + "' is not an object");
  type = typed->getValue<std::string>("type");
  value = readBytes(typed->get("value"));
}

}  // namespace

std::optional<SourceTime> parseSourceTime(std::string_view s) {
  SourceTime t;
  t.layout = std::string(s);
  size_t p = 0;
  int64_t v[6] = {0, 1, 1, 0, 0, 0};
  auto number = [&](size_t width, int field) {
    if (p + width > s.size()) return false;
    int64_t n = 0;
    for (size_t i = 0; i < width; ++i) {
      if (!isDigit(s[p + i])) return false;
      n = n * 10 + (s[p + i] - '0');
    }
    t.fields[field] = p;
    v[field] = n;
    p += width;
    return true;
  };
  auto skip = [&](std::string_view separators) {
    if (p < s.size() && separators.find(s[p]) != std::string_view::npos) ++p;
  };
  while (p < s.size() && s[p] == ' ') ++p;
  if (!number(4, 0)) return std::nullopt;
  skip("-/.");
  if (!number(2, 1)) return std::nullopt;
  skip("-/.");
  if (!number(2, 2)) return std::nullopt;
  const size_t dateEnd = p;
  skip(" T");
  if (number(2, 3)) {
    skip(":");
    if (!number(2, 4)) return std::nullopt;
    skip(":");
    if (!number(2, 5)) return std::nullopt;
    t.hasTime = true;
    if (p + 1 < s.size() && (s[p] == '.' || s[p] == ',') && isDigit(s[p + 1])) {
      ++p;
      t.fractionAt = p;
      uint64_t nanos = 0;
      size_t digits = 0;
      while (p < s.size() && isDigit(s[p])) {
        if (digits < 9) nanos = nanos * 10 + (s[p] - '0');
        ++digits, ++p;
      }
      for (size_t i = digits; i < 9; ++i) nanos *= 10;
      t.fractionDigits = digits;
      t.nanos = static_cast<uint32_t>(nanos);
    }
  } else {
    p = dateEnd;
  }
  if (p < s.size() && isDigit(s[p])) return std::nullopt;  // more digits than a timestamp has
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 24 || v[4] > 59 || v[5] > 60) return std::nullopt;
  t.seconds = daysFromCivil(v[0], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2])) * 86400 + v[3] * 3600 +
              v[4] * 60 + v[5];
  return t;
}

std::string formatSourceTime(const SourceTime& t, const SourceTime& layout) {
  std::string out = layout.layout;
  const int64_t days = floorDiv(t.seconds, 86400);
  int64_t rest = t.seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  writeDigits(out, layout.fields[0], y, 4);
  writeDigits(out, layout.fields[1], m, 2);
  writeDigits(out, layout.fields[2], d, 2);
  if (layout.hasTime) {
    writeDigits(out, layout.fields[3], rest / 3600, 2);
    writeDigits(out, layout.fields[4], rest / 60 % 60, 2);
    writeDigits(out, layout.fields[5], rest % 60, 2);
    if (layout.fractionDigits > 0) {
      const size_t shown = std::min<size_t>(layout.fractionDigits, 9);
      int64_t fraction = t.nanos;
      for (size_t i = shown; i < 9; ++i) fraction /= 10;
      writeDigits(out, layout.fractionAt, fraction, shown);
      for (size_t i = shown; i < layout.fractionDigits; ++i) out[layout.fractionAt + i] = '0';
    }
  }
  return out;
}

SourceTime addSeconds(SourceTime t, int64_t deltaSeconds) {
  t.seconds += deltaSeconds;
  return t;
}

int compareSourceTime(const SourceTime& a, const SourceTime& b) {
  if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.nanos != b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return 0;
}

std::string encodeCheckpoint(const Checkpoint& c) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.key("v");
  w.integer(1);
  w.key("mode");
  w.string(c.mode);
  if (c.mode == "snapshot") {
    w.key("pass");
    w.integer(c.pass);
    w.key("seq");
    w.integer(c.seq);
    w.key("phase");
    w.string(c.phase);
    writeTyped(w, "after", c.keyType, c.key);
  } else {
    if (c.mode == "timestamp_key") writeTyped(w, "ts", c.tsType, c.ts);
    writeTyped(w, "key", c.keyType, c.key);
  }
  if (c.mode == "timestamp_key") {
    w.key("now");
    w.string(c.now);
    if (c.window.cutAt()) {
      w.key("window_from");
      writeCheckpointBytes(w, *c.window.cutAt());
      w.key("window_exclusive");
      w.boolean(c.window.cutExclusive());
    }
    // Grouped by timestamp: [[ts, [[key, hash], ...]], ...].
    w.key("seen");
    c.window.write(w);
  }
  if (!c.nullRows.empty()) {
    w.key("null_rows");
    w.beginArray();
    for (const auto& h : c.nullRows) w.string(h);
    w.endArray();
  }
  w.endObject();
  return out;
}

Checkpoint decodeCheckpoint(std::string_view text) {
  Checkpoint c;
  try {
    Poco::JSON::Parser parser;
    const auto root = parser.parse(std::string(text)).extract<Poco::JSON::Object::Ptr>();
    if (root->getValue<int>("v") != 1) throw Error::config("unknown version");
    c.mode = root->getValue<std::string>("mode");
    if (c.mode == "snapshot") {
      c.pass = root->getValue<int64_t>("pass");
      c.seq = root->getValue<int64_t>("seq");
      c.phase = root->getValue<std::string>("phase");
      readTyped(root, "after", c.keyType, c.key);
    } else if (c.mode == "key" || c.mode == "timestamp_key") {
      readTyped(root, "key", c.keyType, c.key);
      if (c.mode == "timestamp_key") readTyped(root, "ts", c.tsType, c.ts);
    } else {
      throw Error::config("unknown mode '" + c.mode + "'");
    }
    if (c.mode == "timestamp_key") {
      c.now = root->optValue<std::string>("now", "");
      if (root->has("window_from") && !root->isNull("window_from"))
        c.window.setCut(readBytes(root->get("window_from")), root->optValue<bool>("window_exclusive", false));
      if (const auto seen = findJsonPath(text, "seen"); seen && !jsonIsNull(*seen)) {
        std::string problem;
        if (!c.window.read(*seen, problem)) throw Error::config(problem);
      }
    }
    if (const auto nulls = root->getArray("null_rows"))
      for (size_t i = 0; i < nulls->size(); ++i) c.nullRows.insert(nulls->getElement<std::string>(i));
  } catch (const Error& e) {
    throw Error::config("the checkpoint is not an odbc connector checkpoint: " + std::string(e.what()));
  } catch (const std::exception& e) {
    throw Error::config("the checkpoint is not an odbc connector checkpoint: " + std::string(e.what()));
  }
  return c;
}

}  // namespace govsync::connectors::odbc
