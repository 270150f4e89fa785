// Conversions between the coordinate systems Chinese sources use: WGS-84 (GPS), GCJ-02 (the obfuscated
// datum every published Chinese map must use: 高德, 腾讯) and BD-09 (Baidu, a further shift on GCJ-02).
// The unified schema stores WGS-84, so mappings convert on ingest. Formulas and constants are those of
// wandergis/coordtransform and googollee/eviltransform (Krasovsky ellipsoid, as GCJ-02 defines it).
#pragma once

namespace govsync::mapping {

/// A point in decimal degrees.
struct LonLat {
  double lon;
  double lat;
};

/// True outside the box GCJ-02 applies to (lon 72.004-137.8347, lat 0.8293-55.8271, eviltransform's box).
bool outOfChina(LonLat p);

/// WGS-84 → GCJ-02 (the published forward formula); points outside China pass through unchanged.
LonLat wgs84ToGcj02(LonLat p);

/// GCJ-02 → WGS-84 by iterating the forward formula until it reproduces `p` within 1e-7° (< 0.5 m, usually
/// mm); the common one-step inverse errs by up to ~4.5 m. Points outside China pass through unchanged.
LonLat gcj02ToWgs84(LonLat p);

/// GCJ-02 → BD-09 (Baidu's published formula; applied everywhere).
LonLat gcj02ToBd09(LonLat p);

/// BD-09 → GCJ-02 (Baidu's published approximate inverse; round trips within ~0.25 m).
LonLat bd09ToGcj02(LonLat p);

/// BD-09 → WGS-84, via GCJ-02.
LonLat bd09ToWgs84(LonLat p);

/// WGS-84 → BD-09, via GCJ-02.
LonLat wgs84ToBd09(LonLat p);

/// Great-circle distance in metres (haversine, mean Earth radius 6371008.8 m), for tolerances and tests.
double haversineMetres(LonLat a, LonLat b);

}  // namespace govsync::mapping
