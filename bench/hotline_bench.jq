# The same transform as bench/hotline_bench.yaml, in jq (the baseline).
# Run: jq -c --slurpfile cat category.json -f hotline_bench.jq rows.ndjson
def trim: sub("^\\s+"; "") | sub("\\s+$"; "");
def maskname: if length == 0 then . else .[0:1] + ("*" * (length - 1)) end;
def maskphone: if length >= 11 then .[0:3] + ("*" * (length - 7)) + .[-4:] else . end;
def maskid: if length >= 12 then .[0:6] + ("*" * (length - 10)) + .[-4:] else . end;
def pi: 3.14159265358979324;
def xpi: pi * 3000.0 / 180.0;
def tlat($x; $y): -100.0 + 2.0*$x + 3.0*$y + 0.2*$y*$y + 0.1*$x*$y + 0.2*(($x|fabs)|sqrt)
  + (20.0*((6.0*$x*pi)|sin) + 20.0*((2.0*$x*pi)|sin))*2.0/3.0
  + (20.0*(($y*pi)|sin) + 40.0*(($y/3.0*pi)|sin))*2.0/3.0
  + (160.0*(($y/12.0*pi)|sin) + 320*(($y*pi/30.0)|sin))*2.0/3.0;
def tlon($x; $y): 300.0 + $x + 2.0*$y + 0.1*$x*$x + 0.1*$x*$y + 0.1*(($x|fabs)|sqrt)
  + (20.0*((6.0*$x*pi)|sin) + 20.0*((2.0*$x*pi)|sin))*2.0/3.0
  + (20.0*(($x*pi)|sin) + 40.0*(($x/3.0*pi)|sin))*2.0/3.0
  + (150.0*(($x/12.0*pi)|sin) + 300.0*(($x/30.0*pi)|sin))*2.0/3.0;
def wgs2gcj($lon; $lat):
  (tlat($lon - 105.0; $lat - 35.0)) as $dlat0 | (tlon($lon - 105.0; $lat - 35.0)) as $dlon0
  | ($lat / 180.0 * pi) as $rad | (1 - 0.00669342162296594323 * ($rad|sin) * ($rad|sin)) as $magic
  | ($magic|sqrt) as $sm
  | [$lon + ($dlon0 * 180.0) / (6378245.0 / $sm * ($rad|cos) * pi),
     $lat + ($dlat0 * 180.0) / ((6378245.0 * (1 - 0.00669342162296594323)) / ($magic * $sm) * pi)];
def bd2gcj($lon; $lat):
  ($lon - 0.0065) as $x | ($lat - 0.006) as $y
  | ((($x*$x + $y*$y)|sqrt) - 0.00002 * (($y * xpi)|sin)) as $z
  | ([$y, $x] | atan2(.[0]; .[1])) as $t0 | ($t0 - 0.000003 * (($x * xpi)|cos)) as $t
  | [$z * ($t|cos), $z * ($t|sin)];
# Iterative inverse: w ← w − (gcj(w) − g) until the step is below 1e-7°.
def gcj2wgs($lon; $lat):
  [$lon, $lat, 1] | until(.[2] < 1e-7; . as [$x, $y, $s] | wgs2gcj($x; $y) as [$gx, $gy]
    | [$x - ($gx - $lon), $y - ($gy - $lat), ((($gx - $lon)|fabs) + (($gy - $lat)|fabs))]) | .[0:2];
def status: {"已受理":"ACCEPTED","已派单":"DISPATCHED","处理中":"IN_PROGRESS","已回复":"RESPONDED","已办结":"CLOSED"}[.] // "RECEIVED";
def appeal: {"咨询":"consult","求助":"help","投诉":"complaint","举报":"report","建议":"suggestion"}[.] // "other";
($cat[0]) as $categories
| (bd2gcj(.JD|tonumber; .WD|tonumber) as [$gx, $gy] | gcj2wgs($gx; $gy)) as [$lon, $lat]
| {kind: "CASE", source_system: "hotline12345", source_id: .GDBH, case_no: (.GDBH|trim), case_kind: "hotline",
   received_at: ((.SLSJ|trim|strptime("%Y%m%d%H%M%S")|mktime) - 28800 | todate),
   status: (.ZT|trim|status), status_raw: .ZT, appeal_type: (.LDLB|appeal), category_code: .FLBM,
   category_name: $categories[.FLBM], region_code: (.XZQH|trim|if . == "211121" then "211104" else . end),
   reporter_name: (.LDRXM|trim|maskname), reporter_phone: (.LXDH|trim|maskphone), reporter_id_no: (.SFZH|trim|maskid),
   title: (.SQBT|trim), lon: $lon, lat: $lat}
