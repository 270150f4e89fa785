// Text functions: trim, collapse_spaces, upper, lower, substring,
// regex_extract, regex_replace, replace, concat, join, split, coalesce,
// default.
#include <Poco/Exception.h>
#include <Poco/RegularExpression.h>

#include "mappings/engine/function.h"

namespace govsync::mapping {

namespace {

// Whitespace legacy Chinese data pads with: ASCII blanks, NBSP (C2 A0) and
// the ideographic space U+3000 (E3 80 80).
size_t spaceAt(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  return 0;
}

std::string_view trimView(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    const size_t n = spaceAt(s, b);
    if (!n) break;
    b += n;
  }
  size_t e = s.size();
  while (e > b) {
    // Step back over one character and test it.
    size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    const size_t n = spaceAt(s, start);
    if (!n || start + n != e) break;
    e = start;
  }
  return s.substr(b, e - b);
}

template <typename Fn>
class SimpleTextFunction : public Function {
 public:
  explicit SimpleTextFunction(Fn fn) : fn_(std::move(fn)) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull()) return true;
    v = Value::ofText(fn_(asText(v, ctx), ctx));
    return true;
  }

 private:
  Fn fn_;
};

template <typename Fn>
std::unique_ptr<Function> simple(Fn fn) {
  return std::make_unique<SimpleTextFunction<Fn>>(std::move(fn));
}

std::string_view collapseSpaces(std::string_view s, EvalContext& ctx) {
  s = trimView(s);
  char* out = ctx.arena.allocate(s.size());
  size_t n = 0;
  bool inSpace = false;
  for (size_t i = 0; i < s.size();) {
    const size_t sp = spaceAt(s, i);
    if (sp) {
      if (!inSpace) out[n++] = ' ';
      inSpace = true;
      i += sp;
    } else {
      out[n++] = s[i++];
      inSpace = false;
    }
  }
  return {out, n};
}

std::string_view mapAscii(std::string_view s, EvalContext& ctx, bool upper) {
  char* out = ctx.arena.allocate(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    out[i] = c;
  }
  return {out, s.size()};
}

// substring in characters (UTF-8 code points), not bytes.
class Substring : public Function {
 public:
  Substring(int64_t start, int64_t length) : start_(start), length_(length) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull()) return true;
    std::string_view s = asText(v, ctx);
    size_t i = 0, ch = 0;
    auto advance = [&] {
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
      ++ch;
    };
    while (i < s.size() && ch < static_cast<size_t>(start_)) advance();
    const size_t b = i;
    if (length_ < 0) {
      i = s.size();
    } else {
      const size_t stop = ch + static_cast<size_t>(length_);
      while (i < s.size() && ch < stop) advance();
    }
    v = Value::ofText(s.substr(b, i - b));
    return true;
  }

 private:
  int64_t start_, length_;
};

std::unique_ptr<Poco::RegularExpression> compileRegex(const YAML::Node& at, const std::string& pattern,
                                                      CompileContext& ctx) {
  try {
    return std::make_unique<Poco::RegularExpression>(pattern, Poco::RegularExpression::RE_UTF8, true);
  } catch (const Poco::Exception& e) {
    ctx.error(at, "invalid regular expression '" + pattern + "': " + e.message(),
              "PCRE syntax; escape backslashes in YAML single quotes, e.g. '\\d+'");
    return nullptr;
  }
}

class RegexExtract : public Function {
 public:
  RegexExtract(std::unique_ptr<Poco::RegularExpression> re, int group, bool required)
      : re_(std::move(re)), group_(group), required_(required) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull()) return true;
    std::string_view s = asText(v, ctx);
    Poco::RegularExpression::MatchVec m;
    const std::string subject(s);
    if (re_->match(subject, 0, m) == 0 || static_cast<size_t>(group_) >= m.size() ||
        m[static_cast<size_t>(group_)].offset == std::string::npos) {
      if (required_) {
        ctx.error = "text does not match the pattern";
        return false;
      }
      v = Value::null();
      return true;
    }
    const auto& g = m[static_cast<size_t>(group_)];
    v = Value::ofText(s.substr(g.offset, g.length));
    return true;
  }

 private:
  std::unique_ptr<Poco::RegularExpression> re_;
  int group_;
  bool required_;
};

class RegexReplace : public Function {
 public:
  RegexReplace(std::unique_ptr<Poco::RegularExpression> re, std::string with)
      : re_(std::move(re)), with_(std::move(with)) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull()) return true;
    std::string subject(asText(v, ctx));
    re_->subst(subject, with_, Poco::RegularExpression::RE_GLOBAL);
    v = Value::ofText(ctx.arena.copy(subject));
    return true;
  }

 private:
  std::unique_ptr<Poco::RegularExpression> re_;
  std::string with_;
};

class Replace : public Function {
 public:
  Replace(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull() || from_.empty()) return true;
    std::string_view s = asText(v, ctx);
    if (s.find(from_) == std::string_view::npos) {
      v = Value::ofText(s);
      return true;
    }
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = s.find(from_, pos)) != std::string_view::npos; pos = hit + from_.size())
      out.append(s.substr(pos, hit - pos)).append(to_);
    out.append(s.substr(pos));
    v = Value::ofText(ctx.arena.copy(out));
    return true;
  }

 private:
  std::string from_, to_;
};

// concat: all source fields, in order, joined by a separator.
class Concat : public Function {
 public:
  Concat(std::string sep, bool skipEmpty) : sep_(std::move(sep)), skipEmpty_(skipEmpty) {}
  Accepts accepts() const override { return Accepts::Many; }
  bool combine(std::span<const Value> in, Value& out, EvalContext& ctx) const override {
    auto* parts = ctx.arena.allocateArray<std::string_view>(in.size());
    size_t n = 0, total = 0;
    for (const auto& v : in) {
      if (v.isMissing() && skipEmpty_) continue;
      parts[n] = asText(v, ctx);
      total += parts[n].size() + sep_.size();
      ++n;
    }
    if (n == 0) {
      out = Value::null();
      return true;
    }
    char* p = ctx.arena.allocate(total);
    size_t pos = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i) {
        std::memcpy(p + pos, sep_.data(), sep_.size());
        pos += sep_.size();
      }
      std::memcpy(p + pos, parts[i].data(), parts[i].size());
      pos += parts[i].size();
    }
    out = Value::ofText({p, pos});
    return true;
  }

 private:
  std::string sep_;
  bool skipEmpty_;
};

class Join : public Function {
 public:
  explicit Join(std::string sep) : sep_(std::move(sep)) {}
  Accepts accepts() const override { return Accepts::Any; }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.type != ValueType::List) return true;
    size_t total = 0;
    for (auto item : v.list) total += item.size() + sep_.size();
    char* p = ctx.arena.allocate(total);
    size_t pos = 0;
    for (size_t i = 0; i < v.list.size(); ++i) {
      if (i) {
        std::memcpy(p + pos, sep_.data(), sep_.size());
        pos += sep_.size();
      }
      std::memcpy(p + pos, v.list[i].data(), v.list[i].size());
      pos += v.list[i].size();
    }
    v = Value::ofText({p, pos});
    return true;
  }

 private:
  std::string sep_;
};

class Split : public Function {
 public:
  explicit Split(std::string sep) : sep_(std::move(sep)) {}
  ValueType produces() const override { return ValueType::List; }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull()) return true;
    std::string_view s = asText(v, ctx);
    size_t count = 1;
    for (size_t pos = 0; (pos = s.find(sep_, pos)) != std::string_view::npos; pos += sep_.size()) ++count;
    auto* items = ctx.arena.allocateArray<std::string_view>(count);
    size_t n = 0, pos = 0;
    while (true) {
      const size_t hit = s.find(sep_, pos);
      const auto item = trimView(s.substr(pos, hit == std::string_view::npos ? std::string_view::npos : hit - pos));
      if (!item.empty()) items[n++] = item;
      if (hit == std::string_view::npos) break;
      pos = hit + sep_.size();
    }
    v = Value::ofList({items, n});
    return true;
  }

 private:
  std::string sep_;
};

class Coalesce : public Function {
 public:
  Accepts accepts() const override { return Accepts::Many; }
  ValueType produces() const override { return ValueType::Null; }  // whatever the inputs are
  bool combine(std::span<const Value> in, Value& out, EvalContext&) const override {
    for (const auto& v : in)
      if (!v.isMissing()) {
        out = v;
        return true;
      }
    out = Value::null();
    return true;
  }
};

class DefaultValue : public Function {
 public:
  explicit DefaultValue(std::string value) : value_(std::move(value)) {}
  Accepts accepts() const override { return Accepts::Any; }
  std::vector<std::string> possibleOutputs() const override { return {value_}; }
  bool apply(Value& v, EvalContext&) const override {
    if (v.isMissing()) v = Value::ofText(value_);
    return true;
  }

 private:
  std::string value_;
};

}  // namespace

std::string_view trimText(std::string_view s) { return trimView(s); }

void registerTextFunctions(FunctionRegistry& r) {
  r.add({"trim", "trim", "removes leading and trailing spaces (incl. full-width U+3000 and NBSP)",
         [](const YAML::Node&, CompileContext&) {
           return simple([](std::string_view s, EvalContext&) { return trimView(s); });
         }});
  r.add({"collapse_spaces", "collapse_spaces", "trims and turns every run of spaces into one ASCII space",
         [](const YAML::Node&, CompileContext&) { return simple(collapseSpaces); }});
  r.add({"upper", "upper", "Latin letters to upper case (Chinese text is unchanged)",
         [](const YAML::Node&, CompileContext&) {
           return simple([](std::string_view s, EvalContext& c) { return mapAscii(s, c, true); });
         }});
  r.add({"lower", "lower", "Latin letters to lower case", [](const YAML::Node&, CompileContext&) {
           return simple([](std::string_view s, EvalContext& c) { return mapAscii(s, c, false); });
         }});
  r.add({"substring", "substring: {start: N, length: N}", "characters from start (0-based), length optional",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           checkArgKeys(a, {"start", "length"}, "substring", ctx);
           int64_t start = 0, length = -1;
           if (!argInt(a, "start", start, ctx) || !argInt(a, "length", length, ctx, false)) return nullptr;
           if (start < 0) ctx.error(a["start"], "substring start must be 0 or more");
           return std::make_unique<Substring>(start, length);
         }});
  r.add({"regex_extract", "regex_extract: {pattern: RE, group: N, required: BOOL}",
         "the text of a capture group (default group 1, or 0 without groups); no match → null or an error",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           std::string pattern;
           if (!argScalarOrKey(a, "pattern", pattern, ctx)) return nullptr;
           int64_t group = -1;
           std::string required = "false";
           if (a.IsMap()) {
             checkArgKeys(a, {"pattern", "group", "required"}, "regex_extract", ctx);
             argInt(a, "group", group, ctx, false);
             argString(a, "required", required, ctx, false);
           }
           auto re = compileRegex(a.IsMap() ? a["pattern"] : a, pattern, ctx);
           if (!re) return nullptr;
           if (group < 0) group = pattern.find('(') != std::string::npos ? 1 : 0;
           return std::make_unique<RegexExtract>(std::move(re), static_cast<int>(group), required == "true");
         }});
  r.add({"regex_replace", "regex_replace: {pattern: RE, with: TEXT}", "replaces every match ($1 refers to groups)",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           checkArgKeys(a, {"pattern", "with"}, "regex_replace", ctx);
           std::string pattern, with;
           if (!argString(a, "pattern", pattern, ctx) || !argString(a, "with", with, ctx, false)) return nullptr;
           auto re = compileRegex(a["pattern"], pattern, ctx);
           if (!re) return nullptr;
           return std::make_unique<RegexReplace>(std::move(re), with);
         }});
  r.add({"replace", "replace: {from: TEXT, to: TEXT}", "replaces every occurrence of a literal text",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           checkArgKeys(a, {"from", "to"}, "replace", ctx);
           std::string from, to;
           if (!argString(a, "from", from, ctx) || !argString(a, "to", to, ctx, false)) return nullptr;
           return std::make_unique<Replace>(from, to);
         }});
  r.add({"concat", "concat | concat: {separator: TEXT, skip_empty: BOOL}",
         "joins all the rule's source fields in order (skipping empty ones by default)",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           std::string sep, skip = "true";
           if (a.IsScalar())
             sep = a.Scalar();
           else if (a.IsMap()) {
             checkArgKeys(a, {"separator", "skip_empty"}, "concat", ctx);
             argString(a, "separator", sep, ctx, false);
             argString(a, "skip_empty", skip, ctx, false);
           }
           return std::make_unique<Concat>(sep, skip != "false");
         }});
  r.add({"join", "join: SEPARATOR", "joins a list into text",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           std::string sep = ",";
           if (a.IsScalar())
             sep = a.Scalar();
           else if (a.IsMap())
             argString(a, "separator", sep, ctx, false);
           return std::make_unique<Join>(sep);
         }});
  r.add({"split", "split: SEPARATOR", "splits text into a list (items trimmed, empty items dropped)",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           std::string sep = ",";
           if (a.IsScalar())
             sep = a.Scalar();
           else if (a.IsMap())
             argString(a, "separator", sep, ctx, false);
           if (sep.empty()) ctx.error(a, "split needs a non-empty separator");
           return std::make_unique<Split>(sep);
         }});
  r.add({"coalesce", "coalesce", "the first of the rule's source fields that is not empty",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<Coalesce>(); }});
  r.add({"default", "default: VALUE", "VALUE when the value is empty or missing",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           if (!a.IsScalar()) {
             ctx.error(a, "default needs a single value, e.g. default: 未知");
             return nullptr;
           }
           return std::make_unique<DefaultValue>(a.Scalar());
         }});
}

}  // namespace govsync::mapping
