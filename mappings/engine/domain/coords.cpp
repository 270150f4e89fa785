#include "mappings/engine/domain/coords.h"

#include <algorithm>
#include <cmath>

namespace govsync::mapping {

namespace {

constexpr double kPi = 3.1415926535897932384626;
constexpr double kA = 6378245.0;                               // Krasovsky 1940 semi-major axis, as GCJ-02 uses
constexpr double kEe = 0.00669342162296594323;                 // Krasovsky first eccentricity squared
constexpr double kXPi = 3.14159265358979324 * 3000.0 / 180.0;  // Baidu's constant, kept verbatim

// e^{iα} as (cos α, sin α), multiplied as complex numbers: e^{iα}·e^{iβ} = e^{i(α+β)}.
struct Turn {
  double c, s;
  Turn operator*(Turn o) const { return {c * o.c - s * o.s, s * o.c + c * o.s}; }
};

// The sines the offset formulas take of one coordinate t, all multiples of θ = πt/60:
// sin πt (60θ), sin 2πt (120θ), sin 6πt (360θ), sin πt/3 (20θ), sin πt/12 (5θ), sin πt/30 (2θ).
// One sincos and a dozen complex products instead of six library sines: the products err by ~1e-14 in a
// sine, which the formulas scale to ~1e-17° in the offset — a thousandth of the last bit of a longitude.
struct Sines {
  double s1, s2, s6, s1_3, s1_12, s1_30;
};

Sines sinesOf(double t) {
  const double theta = t * kPi / 60.0;
  const Turn e1{std::cos(theta), std::sin(theta)};
  const Turn e2 = e1 * e1;
  const Turn e4 = e2 * e2;
  const Turn e5 = e4 * e1;
  const Turn e10 = e5 * e5;
  const Turn e20 = e10 * e10;
  const Turn e40 = e20 * e20;
  const Turn e60 = e40 * e20;
  const Turn e120 = e60 * e60;
  const Turn e240 = e120 * e120;
  const Turn e360 = e240 * e120;
  return {e60.s, e120.s, e360.s, e20.s, e5.s, e2.s};
}

double transformLat(double x, double y, const Sines& sx, const Sines& sy) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * sx.s6 + 20.0 * sx.s2) * 2.0 / 3.0;
  r += (20.0 * sy.s1 + 40.0 * sy.s1_3) * 2.0 / 3.0;
  r += (160.0 * sy.s1_12 + 320.0 * sy.s1_30) * 2.0 / 3.0;
  return r;
}

double transformLon(double x, double y, const Sines& sx) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * sx.s6 + 20.0 * sx.s2) * 2.0 / 3.0;
  r += (20.0 * sx.s1 + 40.0 * sx.s1_3) * 2.0 / 3.0;
  r += (150.0 * sx.s1_12 + 300.0 * sx.s1_30) * 2.0 / 3.0;
  return r;
}

// The GCJ-02 offset (gcj - wgs) at a WGS-84 point inside China.
LonLat gcjDelta(LonLat p) {
  const double x = p.lon - 105.0, y = p.lat - 35.0;
  const Sines sx = sinesOf(x), sy = sinesOf(y);
  double dLat = transformLat(x, y, sx, sy);
  double dLon = transformLon(x, y, sx);
  const double radLat = p.lat / 180.0 * kPi;
  double magic = std::sin(radLat);
  magic = 1 - kEe * magic * magic;
  const double sqrtMagic = std::sqrt(magic);
  dLat = (dLat * 180.0) / ((kA * (1 - kEe)) / (magic * sqrtMagic) * kPi);
  dLon = (dLon * 180.0) / (kA / sqrtMagic * std::cos(radLat) * kPi);
  return {dLon, dLat};
}

}  // namespace

bool outOfChina(LonLat p) { return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271; }

LonLat wgs84ToGcj02(LonLat p) {
  if (outOfChina(p)) return p;
  const LonLat d = gcjDelta(p);
  return {p.lon + d.lon, p.lat + d.lat};
}

LonLat gcj02ToWgs84(LonLat p) {
  if (outOfChina(p)) return p;
  // Fixed-point iteration w ← w − (f(w) − p): the offset varies slowly (its Jacobian is near the identity), so
  // each step gains about three orders of magnitude; 1e-7° is ~1 cm.
  // The step shrinks ~1000× per iteration, so stopping when it is below
  // 1e-6° (~0.1 m) leaves an error near 1e-9° — far inside 0.5 m.
  constexpr double kTolerance = 1e-6;
  constexpr int kMaxIterations = 30;
  LonLat w = p;
  for (int i = 0; i < kMaxIterations; ++i) {
    const LonLat g = wgs84ToGcj02(w);
    const double dLon = g.lon - p.lon;
    const double dLat = g.lat - p.lat;
    w.lon -= dLon;
    w.lat -= dLat;
    if (std::fabs(dLon) < kTolerance && std::fabs(dLat) < kTolerance) break;
  }
  return w;
}

LonLat gcj02ToBd09(LonLat p) {
  const double z = std::sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * std::sin(p.lat * kXPi);
  const double theta = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * kXPi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat bd09ToGcj02(LonLat p) {
  const double x = p.lon - 0.0065;
  const double y = p.lat - 0.006;
  const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kXPi);
  const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * kXPi);
  return {z * std::cos(theta), z * std::sin(theta)};
}

LonLat bd09ToWgs84(LonLat p) { return gcj02ToWgs84(bd09ToGcj02(p)); }

LonLat wgs84ToBd09(LonLat p) { return gcj02ToBd09(wgs84ToGcj02(p)); }

double haversineMetres(LonLat a, LonLat b) {
  constexpr double kEarthRadius = 6371008.8;
  constexpr double kRad = kPi / 180.0;
  const double sLat = std::sin((b.lat - a.lat) * kRad / 2);
  const double sLon = std::sin((b.lon - a.lon) * kRad / 2);
  const double h = sLat * sLat + std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * sLon * sLon;
  return 2 * kEarthRadius * std::asin(std::sqrt(std::min(1.0, h)));
}

}  // namespace govsync::mapping
