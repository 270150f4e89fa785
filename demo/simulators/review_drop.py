#!/usr/bin/python3
"""The service windows' 好差评 system: drops GB18030 CSV exports of evaluations into a folder that
govsync's file connector reads (window_review mapping: the interface scheme, 5 = 非常满意).

At start the folder gets mappings/samples/window_review.csv unchanged (70 evaluations, bad ones included:
satisfaction 7, bytes invalid in GB18030, no projectNo, an impossible date, a row cut short). Then every
tick a small export with one or two new evaluations (sample evaluations with a new projectNo, evaluated
now); a bad first evaluation (level 1-2) later gets its second evaluation (assessNumber 2) after
rectification; every --bad-every tick the export also holds a bad row (satisfaction 7, 2026-11-31, or a
row cut short). Files are written under a hidden name and renamed, as a careful exporter does.
"""

import datetime as dt
import os

import common

NAME = "reviews"
BAD_KEYS = {b"211103261002000133", b"211103261014000345", b"", b"211102261022000697", b"211122261024000892",
            b"211104261104001124"}
STAMP = "%Y-%m-%d %H:%M:%S"


def main():
    p = common.arguments(__doc__.splitlines()[0])
    p.add_argument("--drop", required=True, help="the drop folder the file connector reads")
    args = p.parse_args()
    rng = common.setup(args, NAME)
    header, rows = common.read_csv_bytes("window_review.csv")
    col = {c: i for i, c in enumerate(header)}
    common.drop_sample_once(args.dir, args.drop, "window_review.csv", "hcp_export_sample.csv", NAME,
                            "export (%d evaluations)" % len(rows))
    good = [[c.decode("gb18030") for c in r] for r in rows
            if len(r) == len(header) and r[0] not in BAD_KEYS and common.decodes(r, "gb18030")]
    firsts = [r for r in good if r[col["assessNumber"]] == "1"]
    seconds = [r for r in good if r[col["assessNumber"]] == "2"]
    counter = common.Counter(os.path.join(args.dir, "reviews.counter"))
    pending = []  # generated bad first evaluations awaiting their second one
    common.ready(os.path.join(args.dir, "reviews.ready"), args.drop)

    def evaluation(template, bad_kind=None):
        r = list(template)
        now = common.now_cst()
        t0 = dt.datetime.strptime(r[col["assessTime"]], STAMP)
        assessed = now - dt.timedelta(seconds=rng.randint(5, 300))
        try:
            accepted = dt.datetime.strptime(r[col["acceptDate"]], STAMP) + (assessed - t0)
            r[col["acceptDate"]] = accepted.strftime(STAMP)
        except ValueError:
            pass
        r[col["assessTime"]] = assessed.strftime(STAMP)
        county = r[col["areaCode"]][:6]
        r[col["projectNo"]] = "%s%s%06d" % (county, now.strftime("%y%m%d"), 900000 + counter.next() % 100000)
        r[col["assessNumber"]] = "1"
        if bad_kind == 0:
            r[col["satisfaction"]] = "7"                                   # outside 1..5
        elif bad_kind == 1:
            r[col["assessTime"]] = now.strftime("%Y-11-31 %H:%M:%S")        # November has 30 days
        return r

    def step(n, bad):
        out = []
        for _ in range(rng.choice((1, 1, 2))):
            r = evaluation(rng.choice(firsts))
            out.append(r)
            if int(r[col["satisfaction"]]) <= 2:
                pending.append((n, r))
        if pending and n - pending[0][0] >= 3:
            _, first = pending.pop(0)
            again = list(rng.choice(seconds))
            r = list(first)
            for c in ("pf", "satisfaction", "evalDetail", "writingEvaluation"):
                r[col[c]] = again[col[c]]
            r[col["assessNumber"]] = "2"
            r[col["assessTime"]] = (common.now_cst() - dt.timedelta(seconds=2)).strftime(STAMP)
            out.append(r)
        bad_note = ""
        cells = [[c.encode("gb18030") for c in r] for r in out]
        if bad:
            kind = (n // max(args.bad_every, 1)) % 3
            r = evaluation(rng.choice(firsts), bad_kind=kind)
            cells.append([c.encode("gb18030") for c in (r[:11] if kind == 2 else r)])  # kind 2: cut short
            bad_note = " + 1 bad (%s)" % ["satisfaction 7", "2026-11-31", "row cut short"][kind]
        name = "hcp_export_%s_%04d.csv" % (common.now_cst().strftime("%Y%m%d%H%M%S"), n % 10000)
        common.drop_file(args.drop, name, common.csv_bytes([[h.encode() for h in header]] + cells))
        common.log(NAME, "dropped %s: %s%s" % (name, ", ".join(
            "%s-%s level %s" % (r[col["projectNo"]], r[col["assessNumber"]], r[col["satisfaction"]]) for r in out),
            bad_note))

    common.ticks(args, NAME, step)


if __name__ == "__main__":
    main()
