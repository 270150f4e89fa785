#!/usr/bin/python3
"""The 12345 hotline's work-order database: a SQLite file with GBK text, read by govsync through the
SQLite ODBC driver (libsqliteodbc) like any legacy database.

Table gd_main has the export's pinyin-initial columns (GDBH … HFMYD, what mappings/platforms/
hotline_12345.yaml reads) plus GXSJ, the change time the odbc connector's timestamp_key mode follows
('YYYY-MM-DD HH:MM:SS.SSS', written by SQLite's own clock, the clock the connector reads "now" from).
Text columns hold the legacy system's bytes — GBK (the two caller names GBK cannot hold are GB18030
four-byte sequences, as the mapping's declared gb18030 expects) — stored as TEXT without conversion, as
an old application writing through a GBK client would leave them.

At start: the table gets mappings/samples/hotline_12345.csv's rows, bad ones included (the truncated row
55 is left out: a database row cannot be cut short). Then every tick: a new work order (a good sample row
with a new GDBH and its times moved to now, status 已派单); every third tick the oldest open demo order
is closed (已办结: a new version of the record); every --bad-every tick a bad order: an unknown status,
an impossible intake date or a caller name with bytes invalid in GB18030.
"""

import datetime as dt
import os
import sqlite3

import common

NAME = "hotline"
BAD_KEYS = {b"GD202610080075", b"GD202610150014", b"GD202610240013", b"GD202611010050", b"GD202611060045", b""}
TIME_COLUMNS = ["SLSJ", "PDSJ", "BLSX", "HFSJ", "BJSJ"]
NOW_SQL = "strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')"


def gbk(text):
    return text.encode("gbk")


def connect(path):
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=30000")
    return db


def insert(db, header, cells):
    """One row: byte cells stored as TEXT unchanged (CAST of a blob keeps the bytes); empty → NULL."""
    cols = header + ["GXSJ"]
    marks = ["CAST(? AS TEXT)"] * len(header) + [NOW_SQL]
    values = [c if c != b"" else None for c in cells]
    db.execute("INSERT INTO gd_main (%s) VALUES (%s)" % (",".join('"%s"' % c for c in cols), ",".join(marks)),
               values)


def init(path):
    header, rows = common.read_csv_bytes("hotline_12345.csv")
    db = connect(path)
    exists = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'gd_main'").fetchone()[0]
    if not exists:
        db.execute("BEGIN")
        db.execute("CREATE TABLE gd_main (%s, GXSJ TEXT NOT NULL)" % ", ".join('"%s" TEXT' % c for c in header))
        db.execute("CREATE INDEX gd_main_gxsj ON gd_main (GXSJ, GDBH)")
        n = 0
        for r in rows:
            if len(r) != len(header):
                continue  # the export's truncated row: not representable in a table
            insert(db, header, r)
            n += 1
        db.execute("COMMIT")
        common.log(NAME, "created %s: gd_main with %d sample work orders (GBK text)" % (path, n))
    else:
        common.log(NAME, "kept %s (%d work orders)" % (path, db.execute("SELECT count(*) FROM gd_main").fetchone()[0]))
    good = [r for r in rows if len(r) == len(header) and r[0] not in BAD_KEYS and common.decodes(r, "gb18030")
            and r[header.index("PDSJ")]]
    return db, header, good


def fmt(t):
    return t.strftime("%Y%m%d%H%M%S").encode()


def new_order(db, header, good, rng, counter, bad_kind=None):
    idx = {c: i for i, c in enumerate(header)}
    r = list(rng.choice(good))
    now = common.now_cst()
    slsj0 = common.parse_compact(r[idx["SLSJ"]].decode())
    received = now - dt.timedelta(minutes=rng.randint(3, 40))
    shift = received - slsj0
    for c in ("PDSJ", "BLSX"):
        t = common.parse_compact(r[idx[c]].decode())
        r[idx[c]] = fmt(min(t + shift, now) if c == "PDSJ" else t + shift) if t else b""
    r[idx["SLSJ"]] = fmt(received)
    for c in ("HFSJ", "BJSJ", "BLJG", "THYY", "HFMYD"):
        r[idx[c]] = b""
    r[idx["GDZT"]] = gbk("已派单")
    n = counter.next()
    gdbh = "GD%s%04d" % (now.strftime("%Y%m%d"), 5000 + n % 5000)
    r[idx["GDBH"]] = gdbh.encode()
    if bad_kind == 0:
        r[idx["GDZT"]] = gbk("已挂起")                       # not in case_status.csv
    elif bad_kind == 1:
        r[idx["SLSJ"]] = now.strftime("%Y%m32%H%M%S").encode()  # day 32
    elif bad_kind == 2:
        r[idx["LDRXM"]] = gbk("王") + b"\x81\x20"              # invalid GB18030 bytes
    insert(db, header, r)
    return gdbh


def close_one(db):
    row = db.execute("SELECT GDBH FROM gd_main WHERE GDZT = CAST(? AS TEXT) AND substr(GDBH, 11, 1) BETWEEN '5' AND '9' "
                     "ORDER BY GXSJ LIMIT 1", (gbk("已派单"),)).fetchone()
    if not row:
        return None
    now = common.now_cst()
    db.execute("UPDATE gd_main SET GDZT = CAST(? AS TEXT), HFSJ = ?, BJSJ = ?, BLJG = CAST(? AS TEXT), "
               "HFMYD = CAST(? AS TEXT), GXSJ = %s WHERE GDBH = ?" % NOW_SQL,
               (gbk("已办结"), fmt(now - dt.timedelta(minutes=1)).decode(), fmt(now).decode(),
                gbk("已按诉求处理完毕，回访市民表示认可。"), gbk("满意"), row[0]))
    return row[0]


def main():
    args = common.arguments(__doc__.splitlines()[0]).parse_args()
    rng = common.setup(args, NAME)
    path = os.path.join(args.dir, "hotline12345.db")
    db, header, good = init(path)
    counter = common.Counter(os.path.join(args.dir, "hotline.counter"))
    common.ready(os.path.join(args.dir, "hotline.ready"), path)
    bad_kinds = [0, 1, 2]

    def step(n, bad):
        gdbh = new_order(db, header, good, rng, counter)
        common.log(NAME, "new work order %s (已派单)" % gdbh)
        if n % 3 == 0:
            closed = close_one(db)
            if closed:
                common.log(NAME, "work order %s closed (已办结)" % closed)
        if bad:
            kind = bad_kinds[(n // max(args.bad_every, 1)) % len(bad_kinds)]
            gdbh = new_order(db, header, good, rng, counter, bad_kind=kind)
            common.log(NAME, "bad work order %s (%s)" % (gdbh, ["unknown status", "day 32", "invalid bytes"][kind]))

    common.ticks(args, NAME, step)


if __name__ == "__main__":
    main()
