#!/usr/bin/python3
"""Plain-SQL baseline for bench/run.sh: the median wall time of one SQL
statement on an SQLite file through Python's sqlite3 module (the same system
libsqlite3 the store links), run RUNS times on one connection, every row
fetched. The sqlite3 shell's `.timer` has only millisecond resolution, too
coarse for a feed page.
  sqlite_timing.py DB RUNS SQL
Prints one JSON line: ms (median), runs, rows (of the last run).

Standard library only (run by Debian's /usr/bin/python3).
"""
import json
import sqlite3
import sys
import time


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: sqlite_timing.py DB RUNS SQL")
    db, runs, sql = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    conn = sqlite3.connect(db)
    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = len(conn.execute(sql).fetchall())
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    print(json.dumps({"ms": round(times[len(times) // 2], 3), "runs": runs, "rows": rows}))


if __name__ == "__main__":
    main()
