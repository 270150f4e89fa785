#include <cctype>
#include <cstring>

#include "core/rows/row_readers.h"
#include "core/util/text.h"

namespace govsync {

namespace {

// A single-pass reader of one JSON value into a RowBatch row.
class JsonRowParser {
 public:
  JsonRowParser(RowBatch& batch, size_t maxDepth) : batch_(batch), maxDepth_(maxDepth) {}

  // Parses one object starting at s[pos]; on success pos is just past it.
  bool parseRow(std::string_view s, size_t& pos, std::string& error) {
    s_ = s;
    p_ = pos;
    error_.clear();
    keyIndex_ = 0;
    skipWs();
    if (p_ >= s_.size() || s_[p_] != '{') return fail("expected a JSON object"), error = error_, false;
    prefix_.clear();
    const bool ok = parseObject(0);
    pos = p_;
    error = error_;
    return ok;
  }

 private:
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(p_ + 1);
    return false;
  }
  void skipWs() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_;
  }

  // Parses a string at s[p_] (the opening quote) into out (decoded UTF-8).
  bool parseString(std::string& out) {
    ++p_;  // opening quote
    out.clear();
    size_t run = p_;
    while (p_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        out.append(s_.data() + run, p_ - run);
        ++p_;
        return true;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c >= 0x80) {
        const size_t n = utf8SequenceLength(s_, p_);
        if (!n) return fail("invalid UTF-8 in a string");
        p_ += n;
        continue;
      }
      if (c != '\\') {
        ++p_;
        continue;
      }
      out.append(s_.data() + run, p_ - run);
      if (++p_ >= s_.size()) break;
      const char e = s_[p_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return fail("bad \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (p_ + 1 < s_.size() && s_[p_] == '\\' && s_[p_ + 1] == 'u') {
              p_ += 2;
              if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail("bad surrogate pair");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              return fail("lone surrogate in \\u escape");
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone surrogate in \\u escape");
          }
          appendUtf8(out, cp);
          break;
        }
        default: return fail("bad escape in a string");
      }
      run = p_;
    }
    return fail("unterminated string");
  }

  bool hex4(uint32_t& v) {
    if (p_ + 4 > s_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[p_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }

  // Scans a number/true/false/null literal; returns its text.
  bool parseLiteral(std::string_view& lit) {
    const size_t start = p_;
    while (p_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '-' || s_[p_] == '+' || s_[p_] == '.'))
      ++p_;
    lit = s_.substr(start, p_ - start);
    if (lit.empty()) return fail("unexpected character");
    if (lit == "true" || lit == "false" || lit == "null") return true;
    // JSON number grammar, loosely: -?digits(.digits)?([eE][+-]?digits)?
    size_t i = 0;
    if (lit[i] == '-') ++i;
    const size_t digitsStart = i;
    while (i < lit.size() && std::isdigit(static_cast<unsigned char>(lit[i]))) ++i;
    if (i == digitsStart) return fail("invalid literal '" + std::string(lit.substr(0, 20)) + "'");
    if (i < lit.size() && lit[i] == '.') {
      ++i;
      const size_t f = i;
      while (i < lit.size() && std::isdigit(static_cast<unsigned char>(lit[i]))) ++i;
      if (i == f) return fail("invalid number");
    }
    if (i < lit.size() && (lit[i] == 'e' || lit[i] == 'E')) {
      ++i;
      if (i < lit.size() && (lit[i] == '+' || lit[i] == '-')) ++i;
      const size_t e = i;
      while (i < lit.size() && std::isdigit(static_cast<unsigned char>(lit[i]))) ++i;
      if (i == e) return fail("invalid number");
    }
    if (i != lit.size()) return fail("invalid number");
    return true;
  }

  // Column index for prefix_ + key, predicting the same key order as the
  // previous row so steady NDJSON needs no hashing.
  uint32_t column(const std::string& name) {
    if (keyIndex_ < predicted_.size() && predicted_[keyIndex_].first == name) return predicted_[keyIndex_++].second;
    const uint32_t idx = batch_.columnIndex(name);
    if (keyIndex_ < predicted_.size())
      predicted_[keyIndex_] = {name, idx};
    else
      predicted_.emplace_back(name, idx);
    ++keyIndex_;
    return idx;
  }

  bool parseObject(size_t depth) {
    if (depth >= maxDepth_) return fail("nesting deeper than " + std::to_string(maxDepth_));
    ++p_;  // {
    skipWs();
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
      return true;
    }
    const size_t prefixLen = prefix_.size();
    while (true) {
      skipWs();
      if (p_ >= s_.size() || s_[p_] != '"') return fail("expected a key");
      if (!parseString(key_)) return false;
      skipWs();
      if (p_ >= s_.size() || s_[p_] != ':') return fail("expected ':'");
      ++p_;
      skipWs();
      if (p_ >= s_.size()) return fail("unexpected end");
      prefix_.resize(prefixLen);
      if (prefixLen) prefix_ += '.';
      prefix_ += key_;
      const char c = s_[p_];
      if (c == '{') {
        if (!parseObject(depth + 1)) return false;
      } else if (c == '[') {
        if (!parseArray(depth + 1)) return false;
      } else if (c == '"') {
        if (!parseString(value_)) return false;
        batch_.addCell(column(prefix_), value_);
      } else {
        std::string_view lit;
        if (!parseLiteral(lit)) return false;
        if (lit == "null")
          batch_.addNull(column(prefix_));
        else
          batch_.addCell(column(prefix_), lit);
      }
      prefix_.resize(prefixLen);
      skipWs();
      if (p_ < s_.size() && s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (p_ < s_.size() && s_[p_] == '}') {
        ++p_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  // Skips any JSON value (validating it) — for arrays we keep as text.
  bool skipValue(size_t depth) {
    if (depth >= maxDepth_) return fail("nesting deeper than " + std::to_string(maxDepth_));
    skipWs();
    if (p_ >= s_.size()) return fail("unexpected end");
    const char c = s_[p_];
    if (c == '"') return parseString(scratch_);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++p_;
      skipWs();
      if (p_ < s_.size() && s_[p_] == close) return ++p_, true;
      while (true) {
        if (c == '{') {
          skipWs();
          if (p_ >= s_.size() || s_[p_] != '"' || !parseString(scratch_)) return fail("expected a key");
          skipWs();
          if (p_ >= s_.size() || s_[p_] != ':') return fail("expected ':'");
          ++p_;
        }
        if (!skipValue(depth + 1)) return false;
        skipWs();
        if (p_ < s_.size() && s_[p_] == ',') {
          ++p_;
          continue;
        }
        if (p_ < s_.size() && s_[p_] == close) return ++p_, true;
        return fail(std::string("expected ',' or '") + close + "'");
      }
    }
    std::string_view lit;
    return parseLiteral(lit);
  }

  bool parseArray(size_t depth) {
    const size_t start = p_;
    // First pass: are all items scalars (strings, numbers, booleans)?
    if (!skipValue(depth)) return false;
    const size_t end = p_;
    bool scalars = true;
    {
      size_t q = start + 1;
      int nest = 0;
      bool inStr = false;
      for (; q < end - 1; ++q) {
        const char c = s_[q];
        if (inStr) {
          if (c == '\\')
            ++q;
          else if (c == '"')
            inStr = false;
        } else if (c == '"') {
          inStr = true;
        } else if (c == '{' || c == '[') {
          ++nest;
        }
      }
      scalars = nest == 0;
    }
    if (!scalars) {
      batch_.addCell(column(prefix_), s_.substr(start, end - start));
      return true;
    }
    batch_.beginList(column(prefix_));
    p_ = start + 1;
    skipWs();
    if (s_[p_] == ']') return ++p_, true;
    while (true) {
      skipWs();
      if (s_[p_] == '"') {
        if (!parseString(value_)) return false;
        batch_.appendListItem(value_);
      } else {
        std::string_view lit;
        if (!parseLiteral(lit)) return false;
        if (lit != "null") batch_.appendListItem(lit);
      }
      skipWs();
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      ++p_;  // ']' (validated by skipValue)
      return true;
    }
  }

  RowBatch& batch_;
  size_t maxDepth_;
  std::string_view s_;
  size_t p_ = 0;
  std::string error_, key_, value_, scratch_, prefix_;
  std::vector<std::pair<std::string, uint32_t>> predicted_;
  size_t keyIndex_ = 0;
};

bool isBlank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

}  // namespace

std::vector<RowError> readJsonRows(std::string_view text, RowBatch& batch, size_t maxDepth) {
  std::vector<RowError> errors;
  batch.setUtf8(true);
  batch.setRawFormat("json");
  JsonRowParser parser(batch, maxDepth);
  size_t first = 0;
  while (first < text.size() &&
         (text[first] == ' ' || text[first] == '\t' || text[first] == '\r' || text[first] == '\n'))
    ++first;
  if (text.substr(first, 3) == "\xEF\xBB\xBF") first += 3;  // BOM
  std::string error;
  if (first < text.size() && text[first] == '[') {
    // A JSON array of objects: items are rows.
    size_t pos = first + 1;
    size_t n = 0;
    auto skip = [&] {
      while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r' || text[pos] == '\n'))
        ++pos;
    };
    skip();
    if (pos < text.size() && text[pos] == ']') return errors;
    while (pos < text.size()) {
      skip();
      const size_t start = pos;
      ++n;
      batch.beginRow(static_cast<uint32_t>(n));
      if (!parser.parseRow(text, pos, error)) {
        batch.abandonRow();
        // An array cannot be resynchronised reliably: report the rest as one error.
        errors.push_back({n, std::string(text.substr(start, std::min<size_t>(text.size() - start, 64 * 1024))),
                          "malformed JSON array item: " + error});
        return errors;
      }
      batch.setRaw(text.substr(start, pos - start));
      batch.endRow();
      skip();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == ']') {
        ++pos;
        skip();
        if (pos != text.size())
          errors.push_back({n + 1, std::string(text.substr(pos, 1024)), "unexpected text after the JSON array"});
        return errors;
      }
      errors.push_back({n + 1, std::string(text.substr(pos, 1024)), "expected ',' or ']' between array items"});
      return errors;
    }
    errors.push_back({n + 1, "", "unterminated JSON array"});
    return errors;
  }
  // NDJSON: one object per line.
  size_t lineNo = 0, pos = first;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (isBlank(line)) continue;
    ++lineNo;
    size_t p = 0;
    batch.beginRow(static_cast<uint32_t>(lineNo));
    if (!parser.parseRow(line, p, error)) {
      batch.abandonRow();
      errors.push_back({lineNo, std::string(line), "malformed JSON: " + error});
      continue;
    }
    if (!isBlank(line.substr(p))) {
      batch.abandonRow();
      errors.push_back(
          {lineNo, std::string(line), "unexpected text after the JSON object at byte " + std::to_string(p + 1)});
      continue;
    }
    batch.setRaw(line);
    batch.endRow();
  }
  return errors;
}

}  // namespace govsync
