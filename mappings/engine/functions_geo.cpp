// Coordinate functions: bd09_to_wgs84, gcj02_to_wgs84 (and wgs84, which only
// checks and scales). Each takes the rule's two source fields (lon, lat) and
// yields one of the converted pair; the pair is converted once per row and
// shared by the lon and lat rules through the evaluation context's memo.
#include <cmath>

#include "mappings/engine/domain/coords.h"
#include "mappings/engine/function.h"

namespace govsync::mapping {

namespace {

enum class From { Wgs84, Gcj02, Bd09 };

bool toDouble(const Value& v, double& out, EvalContext& ctx) {
  if (v.type == ValueType::Float) return out = v.real, true;
  if (v.type == ValueType::Int) return out = static_cast<double>(v.integer), true;
  std::string_view s = trimText(asText(v, ctx));
  return !s.empty() && parseDouble(s, out) && std::isfinite(out);
}

class ConvertCoord : public Function {
 public:
  ConvertCoord(From from, bool wantLon, double scale) : from_(from), wantLon_(wantLon), scale_(scale) {}
  Accepts accepts() const override { return Accepts::Many; }
  ValueType produces() const override { return ValueType::Float; }
  bool combine(std::span<const Value> in, Value& out, EvalContext& ctx) const override {
    if (in.size() != 2) {
      ctx.error = "needs two source fields: longitude then latitude";
      return false;
    }
    if (in[0].isMissing() && in[1].isMissing()) {
      out = Value::null();
      return true;
    }
    double lon, lat;
    if (!toDouble(in[0], lon, ctx) || !toDouble(in[1], lat, ctx)) {
      ctx.error = "longitude/latitude are not numbers";
      return false;
    }
    lon /= scale_;
    lat /= scale_;
    if (lon == 0 && lat == 0) {
      ctx.error = "coordinates (0, 0) are not a location (a device without a fix?)";
      return false;
    }
    if (from_ != From::Wgs84 && outOfChina({lon, lat})) {
      // Built by appending: GCC 12 warns (-Wrestrict, falsely) on "(" + std::string&&.
      std::string msg = "(";
      msg += std::to_string(lon);
      msg += ", ";
      msg += std::to_string(lat);
      msg += ") lies outside China (lon 72–138, lat 0.8–56): swapped, scaled or in another system?";
      ctx.error = std::move(msg);
      return false;
    }
    auto& memo = ctx.coordMemo;
    if (!(memo.valid && memo.from == static_cast<int>(from_) && memo.lon == lon && memo.lat == lat)) {
      LonLat p{lon, lat};
      if (from_ == From::Bd09)
        p = bd09ToWgs84(p);
      else if (from_ == From::Gcj02)
        p = gcj02ToWgs84(p);
      memo = {true, static_cast<int>(from_), lon, lat, p.lon, p.lat};
    }
    out = Value::ofFloat(wantLon_ ? memo.outLon : memo.outLat);
    return true;
  }

 private:
  From from_;
  bool wantLon_;
  double scale_;
};

FunctionFactory factory(From from, const char* fn) {
  return [from, fn](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
    std::string part;
    double scale = 1;
    if (a.IsScalar()) {
      part = a.Scalar();
    } else if (a.IsMap()) {
      checkArgKeys(a, {"part", "scale"}, fn, ctx);
      argString(a, "part", part, ctx, true);
      int64_t s = 1;
      if (argInt(a, "scale", s, ctx, false) && s > 0) scale = static_cast<double>(s);
    }
    if (part != "lon" && part != "lat") {
      ctx.error(a, std::string(fn) + " needs which coordinate to yield: lon or lat",
                std::string("e.g. lon: {from: [JD, WD], do: [{") + fn + ": lon}]}");
      return nullptr;
    }
    return std::make_unique<ConvertCoord>(from, part == "lon", scale);
  };
}

}  // namespace

void registerGeoFunctions(FunctionRegistry& r) {
  r.add({"bd09_to_wgs84", "bd09_to_wgs84: lon|lat | {part: lon|lat, scale: N}",
         "Baidu BD-09 (lon, lat) to WGS-84 (exact iterative inverse, < 0.5 m); yields lon or lat",
         factory(From::Bd09, "bd09_to_wgs84")});
  r.add({"gcj02_to_wgs84", "gcj02_to_wgs84: lon|lat | {part: lon|lat, scale: N}",
         "GCJ-02 (高德/腾讯) (lon, lat) to WGS-84 (exact iterative inverse, < 0.5 m); yields lon or lat",
         factory(From::Gcj02, "gcj02_to_wgs84")});
  r.add({"wgs84", "wgs84: lon|lat | {part: lon|lat, scale: N}",
         "WGS-84/CGCS2000 (lon, lat) kept as is, with (0, 0) rejected and an optional scale (e.g. 1000000)",
         factory(From::Wgs84, "wgs84")});
}

}  // namespace govsync::mapping
