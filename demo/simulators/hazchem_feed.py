#!/usr/bin/python3
"""The hazardous-chemical vehicle monitoring platform: JT/T 808 0x0200 position reports, decoded to NDJSON
and dropped into a folder that govsync's file connector reads (hazchem_vehicle mapping).

At start the folder gets mappings/samples/hazchem_vehicle.ndjson unchanged (six trucks × 11 reports, bad
ones included: no GNSS fix, day 32, no terminalId, direction 400, swapped coordinates). Then every tick a
file with one new report per truck: each truck drives on from its last sample position (GCJ-02 × 10^6,
speed in 1/10 km/h, alarm bit1 when over 80 km/h), timed now in Beijing time (YYMMDDhhmmss); every
--bad-every tick one more report is bad (no GNSS fix, direction 400, or latitude and longitude swapped).
"""

import datetime as dt
import json
import math
import os

import common

NAME = "hazchem"
BOX = (121.75, 122.35, 40.80, 41.35)  # lon min/max, lat min/max: around Panjin


def main():
    p = common.arguments(__doc__.splitlines()[0])
    p.add_argument("--drop", required=True, help="the drop folder the file connector reads")
    args = p.parse_args()
    rng = common.setup(args, NAME)
    lines = common.read_ndjson("hazchem_vehicle.ndjson")
    common.drop_sample_once(args.dir, args.drop, "hazchem_vehicle.ndjson", "jt808_sample.ndjson", NAME,
                            "feed (%d reports)" % len(lines))
    trucks = {}
    for line in lines:
        d = json.loads(line)
        if "terminalId" not in d or not (40e6 < d["lat"] < 42e6) or d["direction"] > 359:
            continue
        trucks[d["terminalId"]] = d  # the last good report of each truck
    serial = common.Counter(os.path.join(args.dir, "hazchem.serial"), start=20000)
    common.ready(os.path.join(args.dir, "hazchem.ready"), args.drop)

    def drive(d):
        d = dict(d)
        speed = max(0, min(1000, d["speed"] + rng.randint(-120, 140)))
        if rng.random() < 0.1:
            speed = 0  # a stop at a light
        heading = (d["direction"] + rng.randint(-25, 25)) % 360
        lon, lat = d["lon"] / 1e6, d["lat"] / 1e6
        km = speed / 10.0 * max(args.tick, 1) / 3600.0  # the distance driven since the last report
        lat += km / 111.0 * math.cos(math.radians(heading))
        lon += km / (111.0 * math.cos(math.radians(lat))) * math.sin(math.radians(heading))
        if not (BOX[0] < lon < BOX[1] and BOX[2] < lat < BOX[3]):
            heading = (heading + 180) % 360
            lon, lat = d["lon"] / 1e6, d["lat"] / 1e6
        d.update(serialNo=serial.next(), lon=int(round(lon * 1e6)), lat=int(round(lat * 1e6)), speed=speed,
                 direction=heading, alarm=2 if speed > 800 else 0, status=3,
                 altitude=max(0, d["altitude"] + rng.randint(-1, 1)),
                 time=common.now_cst().strftime("%y%m%d%H%M%S"))
        return d

    def step(n, bad):
        out = []
        for tid in sorted(trucks):
            trucks[tid] = drive(trucks[tid])
            out.append(trucks[tid])
        note = ""
        if bad:
            kind = (n // max(args.bad_every, 1)) % 3
            d = dict(trucks[rng.choice(sorted(trucks))], serialNo=serial.next())
            if kind == 0:
                d.update(lat=0, lon=0, status=1)                 # no GNSS fix
            elif kind == 1:
                d.update(direction=400)                          # outside 0-359
            else:
                d.update(lat=d["lon"], lon=d["lat"])             # swapped
            d["time"] = (common.now_cst() - dt.timedelta(seconds=1)).strftime("%y%m%d%H%M%S")
            out.append(d)
            note = " + 1 bad (%s, %s)" % (d["plateNo"], ["no GNSS fix", "direction 400", "lat/lon swapped"][kind])
        name = "jt808_%s_%04d.ndjson" % (common.now_cst().strftime("%Y%m%d%H%M%S"), n % 10000)
        common.drop_file(args.drop, name, "".join(common.dumps(d) + "\n" for d in out).encode("utf-8"))
        common.log(NAME, "dropped %s: %d positions%s" % (name, len(out), note))

    common.ticks(args, NAME, step)


if __name__ == "__main__":
    main()
