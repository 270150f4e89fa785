// Conversion functions: to_int, to_float, to_bool, range, parse_time, rating.
#include <charconv>
#include <cmath>
#include <optional>

#include "mappings/engine/domain/rating.h"
#include "mappings/engine/domain/time_format.h"
#include "mappings/engine/function.h"

namespace govsync::mapping {

namespace {

class ToInt : public Function {
 public:
  ValueType produces() const override { return ValueType::Int; }
  Accepts accepts() const override { return Accepts::Any; }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.type == ValueType::Int || v.isNull()) return true;
    if (v.type == ValueType::Float && std::floor(v.real) == v.real && std::abs(v.real) < 9e15) {
      v = Value::ofInt(static_cast<int64_t>(v.real));
      return true;
    }
    std::string_view s = trimText(asText(v, ctx));
    if (s.empty()) {
      v = Value::null();
      return true;
    }
    if (s.front() == '+') s.remove_prefix(1);
    int64_t out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      ctx.error = "not an integer";
      return false;
    }
    v = Value::ofInt(out);
    return true;
  }
};

// Reads a number from a value: Float, Int, or text such as "+12.5".
bool readNumber(const Value& v, double& out, EvalContext& ctx) {
  if (v.type == ValueType::Float) return out = v.real, true;
  if (v.type == ValueType::Int) return out = static_cast<double>(v.integer), true;
  std::string_view s = trimText(asText(v, ctx));
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  return !s.empty() && parseDouble(s, out) && std::isfinite(out);
}

class ToFloat : public Function {
 public:
  explicit ToFloat(double scale) : scale_(scale) {}
  ValueType produces() const override { return ValueType::Float; }
  Accepts accepts() const override { return Accepts::Any; }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isMissing()) {
      if (!v.isNull()) v = Value::null();
      return true;
    }
    double out = 0;
    if (!readNumber(v, out, ctx)) {
      ctx.error = "not a number";
      return false;
    }
    // scale: the source counts in 1/scale units (e.g. speed in 0.1 km/h: scale 10).
    v = Value::ofFloat(scale_ == 1 ? out : out / scale_);
    return true;
  }

 private:
  double scale_;
};

// range: a number outside [min, max] is an error (e.g. a heading of 400°);
// the value itself passes unchanged.
class Range : public Function {
 public:
  Range(std::optional<double> min, std::optional<double> max, std::string text)
      : min_(min), max_(max), text_(std::move(text)) {}
  Accepts accepts() const override { return Accepts::Any; }
  ValueType produces() const override { return ValueType::Null; }  // whatever came in
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isMissing()) return true;
    double d = 0;
    if (!readNumber(v, d, ctx)) {
      ctx.error = "not a number";
      return false;
    }
    if ((min_ && d < *min_) || (max_ && d > *max_)) {
      ctx.error = "outside the range " + text_;
      return false;
    }
    return true;
  }

 private:
  std::optional<double> min_, max_;
  std::string text_;
};

class ToBool : public Function {
 public:
  ValueType produces() const override { return ValueType::Bool; }
  Accepts accepts() const override { return Accepts::Any; }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.type == ValueType::Bool || v.isNull()) return true;
    if (v.type == ValueType::Int) {
      if (v.integer != 0 && v.integer != 1) return ctx.error = "not a boolean (expected 0 or 1)", false;
      v = Value::ofBool(v.integer == 1);
      return true;
    }
    std::string_view s = trimText(asText(v, ctx));
    if (s.empty()) {
      v = Value::null();
      return true;
    }
    auto is = [&](std::initializer_list<std::string_view> words) {
      for (auto w : words) {
        if (w.size() != s.size()) continue;
        bool eq = true;
        // Compared as unsigned bytes: 是/否/有/无 are UTF-8 bytes >= 0x80, which a
        // plain char is negative for, so they never matched.
        for (size_t i = 0; i < w.size() && eq; ++i)
          eq = std::tolower(static_cast<unsigned char>(s[i])) == static_cast<unsigned char>(w[i]);
        if (eq) return true;
      }
      return false;
    };
    if (is({"true", "1", "yes", "y", "t", "是", "有"}))
      v = Value::ofBool(true);
    else if (is({"false", "0", "no", "n", "f", "否", "无"}))
      v = Value::ofBool(false);
    else
      return ctx.error = "not a boolean (expected true/false, 1/0, yes/no, 是/否)", false;
    return true;
  }
};

class ParseTime : public Function {
 public:
  ParseTime(TimeFormat format, TimeZone zone) : format_(std::move(format)), zone_(std::move(zone)) {}
  ValueType produces() const override { return ValueType::Instant; }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull() || v.type == ValueType::Instant) return true;
    std::string_view s = asText(v, ctx);
    if (s.empty()) {
      v = Value::null();
      return true;
    }
    int64_t ms = 0;
    if (!format_.parse(s, zone_, ms, ctx.error)) return false;
    v = Value::ofInstant(ms);
    return true;
  }

 private:
  TimeFormat format_;
  TimeZone zone_;
};

class Rating : public Function {
 public:
  Rating(RatingScheme scheme, std::string name) : scheme_(scheme), schemeName_(std::move(name)) {}
  ValueType produces() const override { return ValueType::Int; }
  bool apply(Value& v, EvalContext& ctx) const override {
    // No rating given (an empty cell) is no value, not a bad one.
    if (v.isMissing()) {
      v = Value::null();
      return true;
    }
    const auto level = normalizeRating(asText(v, ctx), scheme_);
    if (!level) {
      ctx.error = scheme_ == RatingScheme::Label
                      ? "not a 好差评 label (expected 非常满意, 满意, 基本满意, 不满意 or 非常不满意)"
                      : "not a level 1..5 of scheme " + schemeName_;
      return false;
    }
    v = Value::ofInt(*level);
    return true;
  }

 private:
  RatingScheme scheme_;
  std::string schemeName_;
};

}  // namespace

void registerConvertFunctions(FunctionRegistry& r) {
  r.add({"to_int", "to_int", "text to an integer; anything else is an error",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<ToInt>(); }});
  r.add({"to_float", "to_float | to_float: {scale: N}",
         "text to a number; anything else is an error; scale N divides (a source counting in 1/N units)",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           int64_t scale = 1;
           if (a.IsMap()) {
             checkArgKeys(a, {"scale"}, "to_float", ctx);
             if (!argInt(a, "scale", scale, ctx, false)) return nullptr;
           } else if (a.IsDefined() && !a.IsNull()) {
             ctx.error(a, "to_float takes no argument or {scale: N}", "e.g. to_float: {scale: 10} for 0.1 km/h");
             return nullptr;
           }
           if (scale <= 0) {
             ctx.error(a["scale"], "scale must be a positive integer");
             return nullptr;
           }
           return std::make_unique<ToFloat>(static_cast<double>(scale));
         }});
  r.add({"range", "range: {min: N, max: N}",
         "checks that a number lies within min..max (either may be left out); outside is an error",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           if (!a.IsMap() || (!a["min"] && !a["max"])) {
             ctx.error(a, "range needs min and/or max", "e.g. range: {min: 0, max: 359}");
             return nullptr;
           }
           checkArgKeys(a, {"min", "max"}, "range", ctx);
           std::optional<double> bound[2];
           std::string text[2];
           const char* keys[2] = {"min", "max"};
           for (int i = 0; i < 2; ++i) {
             if (!a[keys[i]]) continue;
             if (!argString(a, keys[i], text[i], ctx)) return nullptr;
             double d = 0;
             auto r = std::from_chars(text[i].data(), text[i].data() + text[i].size(), d);
             if (text[i].empty() || r.ec != std::errc() || r.ptr != text[i].data() + text[i].size()) {
               ctx.error(a[keys[i]], std::string(keys[i]) + " must be a number, got '" + text[i] + "'");
               return nullptr;
             }
             bound[i] = d;
           }
           if (bound[0] && bound[1] && *bound[0] > *bound[1]) {
             ctx.error(a, "range min is greater than max");
             return nullptr;
           }
           const std::string shown = (bound[0] ? text[0] : "") + ".." + (bound[1] ? text[1] : "");
           return std::make_unique<Range>(bound[0], bound[1], shown);
         }});
  r.add({"to_bool", "to_bool", "true/false, 1/0, yes/no, 是/否 to a boolean; anything else is an error",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<ToBool>(); }});
  r.add({"parse_time", "parse_time: {format: FORMAT, zone: ZONE}",
         "text to an instant; FORMAT like YYYYMMDDhhmmss, yyyy-MM-dd HH:mm:ss, iso8601, unix_s, unix_ms, "
         "excel_days; ZONE default Asia/Shanghai",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           std::string format, zone = "Asia/Shanghai";
           if (!argScalarOrKey(a, "format", format, ctx)) return nullptr;
           if (a.IsMap()) {
             checkArgKeys(a, {"format", "zone"}, "parse_time", ctx);
             argString(a, "zone", zone, ctx, false);
           }
           const YAML::Node formatNode = a.IsMap() ? a["format"] : a;
           try {
             auto f = TimeFormat::compile(format);
             try {
               return std::make_unique<ParseTime>(std::move(f), TimeZone::load(zone));
             } catch (const std::invalid_argument& e) {
               ctx.error(a.IsMap() && a["zone"] ? a["zone"] : a, std::string("unknown time zone: ") + e.what(),
                         "use an IANA name such as Asia/Shanghai, UTC, or an offset such as +08:00");
             }
           } catch (const std::invalid_argument& e) {
             ctx.error(formatNode, std::string("unparseable time format '") + format + "': " + e.what(),
                       "e.g. YYYYMMDDhhmmss, YYYY/M/D H:MM, yyyy-MM-dd HH:mm:ss, iso8601, unix_s, unix_ms, excel_days");
           }
           return nullptr;
         }});
  r.add({"rating", "rating: hcp_interface | gb39046_a8 | label",
         "a 好差评 level to 1..5 with 5 = 非常满意: hcp_interface counts 5 = 非常满意, gb39046_a8 counts "
         "1 = 非常满意, label reads 非常满意 … 非常不满意",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           std::string name;
           if (!argScalarOrKey(a, "scheme", name, ctx)) return nullptr;
           const auto scheme = ratingSchemeFromName(name);
           if (!scheme) {
             ctx.error(a, "unknown rating scheme '" + name + "'", "one of hcp_interface, gb39046_a8, label");
             return nullptr;
           }
           return std::make_unique<Rating>(*scheme, name);
         }});
}

}  // namespace govsync::mapping
