#include "connectors/file/json_scan.h"

#include "core/util/text.h"

#include <cctype>
#include <cstdlib>

namespace govsync::connectors {

namespace {

bool isWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Scanner {
 public:
  Scanner(std::string_view s, size_t pos, std::string& error, bool gb, size_t maxDepth, size_t base)
      : s_(s), p_(pos), error_(error), gb_(gb), maxDepth_(maxDepth), base_(base) {}

  JsonScan value(size_t depth) {
    ws();
    if (p_ >= s_.size()) return truncated();
    const char c = s_[p_];
    if (c == '{' || c == '[') return container(depth);
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return fail(unexpected());
  }
  size_t pos() const { return p_; }

 private:
  void ws() {
    while (p_ < s_.size() && isWs(s_[p_])) ++p_;
  }
  std::string at() const { return " at byte " + std::to_string(base_ + p_ + 1); }
  std::string unexpected() const {
    const auto c = static_cast<unsigned char>(s_[p_]);
    if (c >= 0x20 && c < 0x7F) return std::string("unexpected character '") + static_cast<char>(c) + "'";
    static const char* hex = "0123456789ABCDEF";
    return std::string("unexpected byte 0x") + hex[c >> 4] + hex[c & 15];
  }
  JsonScan fail(const std::string& what) {
    error_ = what + at();
    return JsonScan::Invalid;
  }
  JsonScan truncated() {
    error_ = "unexpected end of input" + at();
    return JsonScan::Truncated;
  }

  JsonScan string() {
    ++p_;  // opening quote
    while (true) {
      if (p_ >= s_.size()) return truncated();
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        ++p_;
        return JsonScan::Ok;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c == '\\') {
        if (++p_ >= s_.size()) return truncated();
        const char e = s_[p_];
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (p_ + i >= s_.size()) return p_ += i, truncated();
            if (!std::isxdigit(static_cast<unsigned char>(s_[p_ + i]))) return p_ += i, fail("bad \\u escape");
          }
          p_ += 5;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          ++p_;
        } else {
          return fail("bad escape in a string");
        }
        continue;
      }
      if (gb_ && c >= 0x81 && c <= 0xFE) {
        // GBK: lead + one trail byte; GB18030 four-byte: lead, 0x30-0x39, lead, 0x30-0x39.
        if (p_ + 1 >= s_.size()) return truncated();
        const auto t = static_cast<unsigned char>(s_[p_ + 1]);
        const size_t len = (t >= 0x30 && t <= 0x39) ? 4 : 2;
        if (p_ + len > s_.size()) return truncated();
        p_ += len;
        continue;
      }
      ++p_;
    }
  }

  JsonScan number() {
    const size_t start = p_;
    auto digits = [&] {
      const size_t d = p_;
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
      return p_ - d;
    };
    if (s_[p_] == '-') ++p_;
    if (p_ >= s_.size()) return truncated();
    if (s_[p_] == '0') {
      ++p_;
    } else if (!digits()) {
      return fail("invalid number");
    }
    if (p_ < s_.size() && s_[p_] == '.') {
      ++p_;
      if (p_ >= s_.size()) return truncated();
      if (!digits()) return fail("invalid number");
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      ++p_;
      if (p_ < s_.size() && (s_[p_] == '+' || s_[p_] == '-')) ++p_;
      if (p_ >= s_.size()) return truncated();
      if (!digits()) return fail("invalid number");
    }
    if (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '.')) {
      p_ = start;
      return fail("invalid number");
    }
    return JsonScan::Ok;
  }

  JsonScan literal(std::string_view word) {
    for (size_t i = 0; i < word.size(); ++i) {
      if (p_ + i >= s_.size()) return p_ += i, truncated();
      if (s_[p_ + i] != word[i]) return fail(unexpected());
    }
    p_ += word.size();
    if (p_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[p_]))) return fail(unexpected());
    return JsonScan::Ok;
  }

  JsonScan container(size_t depth) {
    if (depth >= maxDepth_) return fail("nesting deeper than " + std::to_string(maxDepth_));
    const char close = s_[p_] == '{' ? '}' : ']';
    const bool object = close == '}';
    ++p_;
    ws();
    if (p_ >= s_.size()) return truncated();
    if (s_[p_] == close) return ++p_, JsonScan::Ok;
    while (true) {
      if (object) {
        ws();
        if (p_ >= s_.size()) return truncated();
        if (s_[p_] != '"') return fail("expected a key");
        if (auto r = string(); r != JsonScan::Ok) return r;
        ws();
        if (p_ >= s_.size()) return truncated();
        if (s_[p_] != ':') return fail("expected ':'");
        ++p_;
      }
      if (auto r = value(depth + 1); r != JsonScan::Ok) return r;
      ws();
      if (p_ >= s_.size()) return truncated();
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == close) return ++p_, JsonScan::Ok;
      return fail(std::string("expected ',' or '") + close + "'");
    }
  }

  std::string_view s_;
  size_t p_;
  std::string& error_;
  bool gb_;
  size_t maxDepth_;
  size_t base_;
};

// The span of the value at text[pos] in a valid document; pos moves past it.
std::string_view valueSpan(std::string_view text, size_t& pos) {
  while (pos < text.size() && isWs(text[pos])) ++pos;
  const size_t start = pos;
  std::string error;
  scanJsonValue(text, pos, error);
  return text.substr(start, pos - start);
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && isWs(v.front())) v.remove_prefix(1);
  while (!v.empty() && isWs(v.back())) v.remove_suffix(1);
  return v;
}

uint32_t hex4(std::string_view s, size_t i) {
  return static_cast<uint32_t>(std::strtoul(std::string(s.substr(i, 4)).c_str(), nullptr, 16));
}

// Unescapes a valid JSON string literal (with quotes).
std::string unescape(std::string_view lit) {
  std::string out;
  out.reserve(lit.size());
  for (size_t i = 1; i + 1 < lit.size(); ++i) {
    const char c = lit[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    const char e = lit[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp = hex4(lit, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < lit.size() && lit[i + 1] == '\\' && lit[i + 2] == 'u') {
          const uint32_t lo = hex4(lit, i + 3);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
        appendUtf8(out, cp);
        break;
      }
      default: out += e;  // " \ /
    }
  }
  return out;
}

// A cheap check of what readJsonRows would refuse in a structurally valid
// item: not an object, or invalid UTF-8.
std::string precheckItem(std::string_view item) {
  if (item.empty() || item.front() != '{') return "expected a JSON object, got " + std::string(item.substr(0, 40));
  size_t bad = 0;
  if (!isValidUtf8(item, &bad)) return "invalid UTF-8 at byte " + std::to_string(bad + 1);
  return "";
}

// Rewrites "... at byte N" (N counted in `chunk`) to count from the item.
std::string relativeMessage(std::string message, size_t itemOffsetInChunk) {
  const auto at = message.rfind(" at byte ");
  if (at == std::string::npos) return message;
  const size_t n = std::strtoull(message.c_str() + at + 9, nullptr, 10);
  if (n <= itemOffsetInChunk) return message;
  return message.substr(0, at) + " at byte " + std::to_string(n - itemOffsetInChunk);
}

}  // namespace

JsonScan scanJsonValue(std::string_view text, size_t& pos, std::string& error, bool gbMultibyte, size_t maxDepth,
                       size_t base) {
  Scanner s(text, pos, error, gbMultibyte, maxDepth, base);
  const JsonScan r = s.value(0);
  if (r == JsonScan::Ok) pos = s.pos();
  return r;
}

bool validateJson(std::string_view text, std::string& error, size_t maxDepth) {
  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  if (scanJsonValue(text, pos, error, false, maxDepth) != JsonScan::Ok) return false;
  while (pos < text.size() && isWs(text[pos])) ++pos;
  if (pos != text.size()) {
    error = "unexpected text after the JSON value at byte " + std::to_string(pos + 1);
    return false;
  }
  return true;
}

std::optional<std::string_view> findJsonPath(std::string_view doc, std::string_view path) {
  size_t pos = doc.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  std::string_view cur = valueSpan(doc, pos);
  size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    const std::string_view part = path.substr(start, dot - start);
    start = dot + 1;
    std::optional<std::string_view> next;
    if (jsonIsObject(cur)) {
      size_t p = 1;
      while (true) {
        while (p < cur.size() && isWs(cur[p])) ++p;
        if (p >= cur.size() || cur[p] != '"') break;
        const std::string_view keyLit = valueSpan(cur, p);
        while (p < cur.size() && (isWs(cur[p]) || cur[p] == ':')) ++p;
        const std::string_view value = valueSpan(cur, p);
        if (unescape(keyLit) == part) next = value;  // the last duplicate wins, as in most parsers
        while (p < cur.size() && isWs(cur[p])) ++p;
        if (p < cur.size() && cur[p] == ',') ++p;
      }
    } else if (jsonIsArray(cur) && !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos) {
      const auto items = jsonArrayItems(cur);
      const size_t index = std::strtoull(std::string(part).c_str(), nullptr, 10);
      if (index < items.size()) next = items[index];
    }
    if (!next) return std::nullopt;
    cur = *next;
    if (dot == path.size()) break;
  }
  return cur;
}

std::optional<std::string> jsonScalar(std::string_view value) {
  value = trim(value);
  if (value.empty() || value == "null" || value.front() == '{' || value.front() == '[') return std::nullopt;
  if (value.front() == '"') return unescape(value);
  return std::string(value);
}

std::vector<std::string_view> jsonArrayItems(std::string_view array) {
  std::vector<std::string_view> items;
  array = trim(array);
  if (array.empty() || array.front() != '[') return items;
  size_t p = 1;
  while (true) {
    while (p < array.size() && isWs(array[p])) ++p;
    if (p >= array.size() || array[p] == ']') break;
    items.push_back(valueSpan(array, p));
    while (p < array.size() && isWs(array[p])) ++p;
    if (p < array.size() && array[p] == ',') ++p;
  }
  return items;
}

bool jsonIsNull(std::string_view value) { return trim(value) == "null"; }
bool jsonIsArray(std::string_view value) {
  value = trim(value);
  return !value.empty() && value.front() == '[';
}
bool jsonIsObject(std::string_view value) {
  value = trim(value);
  return !value.empty() && value.front() == '{';
}

void readJsonItems(const std::vector<std::string_view>& items, uint32_t firstNumber, RowBatch& batch,
                   std::vector<RowError>& errors) {
  batch.setUtf8(true);
  batch.setRawFormat("json");
  std::string chunk;
  std::vector<size_t> offsets;  // of each run item in chunk
  size_t i = 0;
  while (i < items.size()) {
    // Items the reader would refuse are reported one by one; runs of good
    // items go to readJsonRows in one call.
    if (auto why = precheckItem(items[i]); !why.empty()) {
      why.insert(0, "malformed record: ");
      errors.push_back({firstNumber + i, std::string(items[i]), std::move(why)});
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < items.size() && precheckItem(items[end]).empty()) ++end;
    while (i < end) {
      chunk.clear();
      chunk += '[';
      offsets.clear();
      for (size_t j = i; j < end; ++j) {
        if (j > i) chunk += ',';
        offsets.push_back(chunk.size());
        chunk.append(items[j]);
      }
      chunk += ']';
      const size_t before = batch.size();
      const auto errs = readJsonRows(chunk, batch);
      const size_t parsed = batch.size() - before;
      renumberRows(batch, before, static_cast<uint32_t>(firstNumber + i - 1));
      if (errs.empty()) {
        i = end;
        break;
      }
      // Rare (e.g. nesting deeper than the reader allows): report that item
      // alone and go on with the next.
      const size_t bad = i + parsed;
      if (bad >= end) {
        i = end;
        break;
      }
      std::string message = errs.front().message;
      const std::string prefix = "malformed JSON array item: ";
      if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
      errors.push_back({firstNumber + bad, std::string(items[bad]),
                        "malformed record: " + relativeMessage(message, offsets[parsed])});
      i = bad + 1;
    }
  }
}

void renumberRows(RowBatch& batch, size_t from, uint32_t delta) {
  if (delta == 0) return;
  // RowBatch gives const access to its rows; `batch` itself is not const, so
  // changing a row's number through that reference is well-defined.
  for (size_t i = from; i < batch.size(); ++i) const_cast<RowBatch::Row&>(batch.row(i)).number += delta;
}

void copyRow(const RowBatch& from, size_t index, RowBatch& to, uint32_t number) {
  const auto& row = from.row(index);
  const auto* cells = from.cells(row);
  to.beginRow(number);
  for (uint32_t c = 0; c < row.cellCount; ++c) {
    const auto& cell = cells[c];
    const uint32_t column = to.columnIndex(from.columns()[cell.column]);
    if (cell.flags & RowBatch::kNull) {
      to.addNull(column);
    } else if (cell.flags & RowBatch::kList) {
      to.beginList(column);
      from.forEachListItem(cell, [&](std::string_view item) { to.appendListItem(item); });
    } else {
      to.addCell(column, from.bytes(cell));
    }
  }
  to.setRaw(from.raw(row));
  to.endRow();
}

bool isValidUtf8(std::string_view s, size_t* badOffset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      if (badOffset) *badOffset = i;
      return false;
    }
    for (size_t k = 1; k <= need; ++k) {
      const bool ok =
          i + k < n && (k == 1 ? (p[i + k] >= lo && p[i + k] <= hi) : (p[i + k] >= 0x80 && p[i + k] <= 0xBF));
      if (!ok) {
        if (badOffset) *badOffset = i;
        return false;
      }
    }
    i += need + 1;
  }
  return true;
}

}  // namespace govsync::connectors
