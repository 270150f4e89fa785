#include "mappings/engine/function.h"

#include <algorithm>
#include <charconv>

#include "core/util/error.h"
#include "core/util/text.h"
#include "core/util/time.h"

namespace govsync::mapping {

bool Function::apply(Value& v, EvalContext& ctx) const {
  // A combiner given one list (e.g. after split) combines the list's items.
  if (accepts() == Accepts::Many && v.type == ValueType::List) {
    const size_t n = v.list.size();
    auto* items = ctx.arena.allocateArray<Value>(n);
    for (size_t i = 0; i < n; ++i) items[i] = Value::ofText(v.list[i]);
    Value out;
    if (!combine(std::span<const Value>(items, n), out, ctx)) return false;
    v = out;
    return true;
  }
  ctx.error = name_ + " combines several source fields (or a list); it cannot take a single value";
  return false;
}

bool Function::combine(std::span<const Value>, Value&, EvalContext& ctx) const {
  ctx.error = name_ + " takes one value";
  return false;
}

void CompileContext::error(const YAML::Node& at, const std::string& what, const std::string& hint) {
  const auto m = at.Mark();
  errorAt(m.line + 1, m.column + 1, what, hint);
}

void CompileContext::errorAt(int line, int column, const std::string& what, const std::string& hint) {
  problems_.push_back({line, column, what, hint});
}

void FunctionRegistry::add(FunctionSpec spec) {
  if (specs_.count(spec.name)) throw Error::internal("mapping function '" + spec.name + "' registered twice");
  const std::string name = spec.name;
  specs_.emplace(name, std::move(spec));
}

const FunctionSpec* FunctionRegistry::find(std::string_view name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

std::vector<const FunctionSpec*> FunctionRegistry::list() const {
  std::vector<const FunctionSpec*> out;
  for (const auto& [name, spec] : specs_) out.push_back(&spec);
  return out;
}

std::string FunctionRegistry::suggest(std::string_view name) const {
  std::string best;
  size_t bestDistance = 4;
  for (const auto& [n, spec] : specs_) {
    const size_t d = editDistance(name, n);
    if (d < bestDistance || (n.find(name) != std::string::npos && !name.empty() && bestDistance > 2)) {
      bestDistance = std::min(d, size_t{2});
      best = n;
    }
  }
  return best;
}

void registerBuiltinFunctions(FunctionRegistry& r) {
  registerTextFunctions(r);
  registerConvertFunctions(r);
  registerCodeFunctions(r);
  registerPrivacyFunctions(r);
  registerGeoFunctions(r);
}

const FunctionRegistry& builtinFunctions() {
  static const FunctionRegistry registry = [] {
    FunctionRegistry r;
    registerBuiltinFunctions(r);
    return r;
  }();
  return registry;
}

std::string_view asText(const Value& v, EvalContext& ctx) {
  char buf[64];
  switch (v.type) {
    case ValueType::Null: return {};
    case ValueType::Text: return v.text;
    case ValueType::Int: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.integer);
      return ctx.arena.copy({buf, static_cast<size_t>(r.ptr - buf)});
    }
    case ValueType::Float: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.real);
      return ctx.arena.copy({buf, static_cast<size_t>(r.ptr - buf)});
    }
    case ValueType::Bool: return v.integer ? "true" : "false";
    case ValueType::Instant: return ctx.arena.copy(formatRfc3339(v.integer));
    case ValueType::List: {
      size_t n = 0;
      for (auto item : v.list) n += item.size() + 1;
      char* p = ctx.arena.allocate(n);
      size_t pos = 0;
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) p[pos++] = ',';
        std::memcpy(p + pos, v.list[i].data(), v.list[i].size());
        pos += v.list[i].size();
      }
      return {p, pos};
    }
  }
  return {};
}

bool parseDouble(std::string_view s, double& out) {
  // [-]digits[.digits] with at most 15 significant digits and 22 decimals:
  // the digits as an integer m < 2^53 and 10^k are both exact doubles, so
  // m / 10^k is one correctly rounded division — the double from_chars
  // returns (Clinger's fast path). Anything else takes from_chars itself.
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  uint64_t m = 0;
  int digits = 0, decimals = 0;
  const size_t intStart = i;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) m = m * 10 + static_cast<unsigned>(s[i] - '0');
  bool plain = i > intStart;
  if (plain && i < s.size() && s[i] == '.') {
    const size_t fracStart = ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits, ++decimals)
      m = m * 10 + static_cast<unsigned>(s[i] - '0');
    plain = i > fracStart;
  }
  if (plain && i == s.size() && digits <= 15 && decimals <= 22) {
    const double v = static_cast<double>(m) / kPow10[decimals];
    out = negative ? -v : v;
    return true;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool argString(const YAML::Node& args, const char* key, std::string& out, CompileContext& ctx, bool required) {
  if (!args.IsMap() || !args[key]) {
    if (required) ctx.error(args, std::string("missing argument '") + key + "'");
    return !required;
  }
  const YAML::Node n = args[key];
  if (n.IsNull()) {  // a bare `null` (e.g. on_miss: null) means the word
    out = "null";
    return true;
  }
  if (!n.IsScalar()) {
    ctx.error(n, std::string("argument '") + key + "' must be a single value");
    return false;
  }
  out = n.Scalar();
  return true;
}

bool argInt(const YAML::Node& args, const char* key, int64_t& out, CompileContext& ctx, bool required) {
  std::string text;
  if (!argString(args, key, text, ctx, required)) return false;
  if (text.empty() && !required) return true;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    ctx.error(args[key], std::string("argument '") + key + "' must be an integer, got '" + text + "'");
    return false;
  }
  return true;
}

bool argScalarOrKey(const YAML::Node& args, const char* key, std::string& out, CompileContext& ctx) {
  if (args.IsScalar()) {
    out = args.Scalar();
    return true;
  }
  return argString(args, key, out, ctx, true);
}

void checkArgKeys(const YAML::Node& args, std::initializer_list<const char*> known, const std::string& function,
                  CompileContext& ctx) {
  if (!args.IsMap()) return;
  for (auto it = args.begin(); it != args.end(); ++it) {
    const std::string k = it->first.Scalar();
    bool ok = false;
    std::string list;
    for (const char* kn : known) {
      ok = ok || k == kn;
      list += (list.empty() ? "" : ", ") + std::string(kn);
    }
    if (!ok) ctx.error(it->first, "unknown argument '" + k + "' of " + function, "known arguments: " + list);
  }
}

}  // namespace govsync::mapping
