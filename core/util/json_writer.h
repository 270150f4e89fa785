// A small append-only JSON writer for the hot paths (record rendering, feed
// pages). It writes straight into a std::string: no DOM, no allocation per
// value. The caller keeps the structure well-formed; the writer handles
// commas and escaping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace govsync {

/// Appends `s` as a JSON string literal (with quotes) to `out`. Control
/// characters are escaped; invalid UTF-8 bytes are replaced by U+FFFD so the
/// output is always valid JSON text.
void appendJsonString(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void beginObject() {
    sep();
    out_ += '{';
    first_ = true;
  }
  void endObject() {
    out_ += '}';
    first_ = false;
  }
  void beginArray() {
    sep();
    out_ += '[';
    first_ = true;
  }
  void endArray() {
    out_ += ']';
    first_ = false;
  }
  /// Writes `"name":`; the next value call writes the value.
  void key(std::string_view name) {
    sep();
    appendJsonString(out_, name);
    out_ += ':';
    first_ = true;
  }
  void string(std::string_view v) {
    sep();
    appendJsonString(out_, v);
  }
  void integer(int64_t v);
  void number(double v);
  void boolean(bool v) {
    sep();
    out_ += v ? "true" : "false";
  }
  void null() {
    sep();
    out_ += "null";
  }
  /// Appends already-serialised JSON as one value.
  void raw(std::string_view json) {
    sep();
    out_ += json;
  }

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace govsync
