"""Shared helpers of the demo's legacy-platform simulators (Python 3 standard library only).

Every simulator starts from the rows of one file in mappings/samples/ — the same rows the mappings are
tested on, bad rows included — and then keeps producing new rows: a good sample row with a new id and
its times moved to "now", and every few ticks a deliberately bad one, so the demo's feed moves and its
dead letters grow with reasons.

Each simulator is a child of demo/run-demo.sh: it exits on SIGTERM, and on its own when that parent is
gone (so an interrupted demo never leaves a simulator behind).
"""

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import signal
import sys
import threading
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SAMPLES = os.path.join(REPO, "mappings", "samples")
CST = dt.timezone(dt.timedelta(hours=8), "CST")  # Beijing time, the sources' local time


def arguments(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--dir", required=True, help="the simulator's state folder (under <data_dir>/demo)")
    p.add_argument("--tick", type=float, default=4.0, help="seconds between new rows (0 = none)")
    p.add_argument("--bad-every", type=int, default=5, help="every Nth tick also writes a bad row (0 = never)")
    p.add_argument("--parent-pid", type=int, default=0, help="exit when this process is gone")
    p.add_argument("--seed", default=None, help="random seed (default: time)")
    return p


def setup(args, name):
    """Exit on SIGTERM/SIGINT; watch the parent; make the state folder; return a Random."""
    def stop(signum, frame):
        log(name, "stopping on signal %d" % signum)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    # Started by the launcher, SIGINT is ignored (a background job): Ctrl-C stops govsync first and the
    # launcher stops the simulators after it. Run by hand, Ctrl-C stops the simulator.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, stop)
    if args.parent_pid:
        def watch():
            while True:
                time.sleep(1)
                try:
                    os.kill(args.parent_pid, 0)
                except ProcessLookupError:
                    log(name, "parent %d is gone: exiting" % args.parent_pid)
                    os._exit(0)
                if os.getppid() != args.parent_pid:
                    log(name, "parent changed: exiting")
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    os.makedirs(args.dir, exist_ok=True)
    return random.Random(args.seed if args.seed is not None else time.time_ns())


def log(name, text):
    stamp = dt.datetime.now(CST).strftime("%H:%M:%S")
    print("%s %s: %s" % (stamp, name, text), flush=True)


def ready(path, text="ready"):
    """Writes a file atomically (the launcher waits for it)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


class Counter:
    """A number kept in a file, so ids stay unique across restarts on the same data folder."""

    def __init__(self, path, start=0):
        self.path = path
        try:
            with open(path) as f:
                self.value = int(f.read().strip() or start)
        except (OSError, ValueError):
            self.value = start

    def next(self):
        self.value += 1
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % self.value)
        os.replace(tmp, self.path)
        return self.value


def now_cst():
    return dt.datetime.now(CST).replace(tzinfo=None, microsecond=0)


def parse_compact(text):
    """YYYYMMDDhhmmss (Beijing time, naive) or None."""
    try:
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S")
    except (TypeError, ValueError):
        return None


def sample_path(name):
    return os.path.join(SAMPLES, name)


def read_csv_bytes(name):
    """A CSV sample as (header, rows) with every cell as the file's bytes.

    Parsing Latin-1 text is byte-transparent, and safe for GBK/GB18030 files: the CSV structure
    characters (comma, quote, CR, LF) never occur inside a GBK or GB18030 multibyte sequence (trail
    bytes are 0x30-0x39 or >= 0x40)."""
    with open(sample_path(name), "rb") as f:
        text = f.read().decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    return header, [[c.encode("latin-1") for c in r] for r in rows[1:] if r]


def read_ndjson(name):
    with open(sample_path(name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def decodes(cells, charset):
    """True when every cell is valid in the charset (a good row, as far as bytes go)."""
    try:
        for c in cells:
            c.decode(charset)
        return True
    except UnicodeDecodeError:
        return False


def csv_bytes(rows):
    """Rows of byte cells → CSV bytes (CRLF, minimal quoting) as the legacy exports write them."""
    out = bytearray()
    for r in rows:
        cells = []
        for c in r:
            if any(ch in c for ch in (b",", b'"', b"\r", b"\n")):
                cells.append(b'"' + c.replace(b'"', b'""') + b'"')
            else:
                cells.append(c)
        out += b",".join(cells) + b"\r\n"
    return bytes(out)


def drop_file(folder, name, data):
    """Writes a file into a drop folder the way a careful exporter does: hidden name first, then a rename
    (the file connector never takes hidden files)."""
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, "." + name + ".part")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(folder, name))


def drop_sample_once(state_dir, drop, sample, target, name, what):
    """Copies a sample file into the drop folder at the first start only (a marker in the state folder
    remembers it), under a hidden name first."""
    os.makedirs(drop, exist_ok=True)
    marker = os.path.join(state_dir, name + ".initial")
    if os.path.exists(marker):
        return
    tmp = os.path.join(drop, "." + target + ".part")
    shutil.copyfile(sample_path(sample), tmp)
    os.replace(tmp, os.path.join(drop, target))
    ready(marker, target)
    log(name, "dropped the sample %s into %s" % (what, drop))


def ticks(args, name, step):
    """Calls step(tick_number, bad) every args.tick seconds until stopped."""
    if args.tick <= 0:
        while True:
            time.sleep(3600)
    n = 0
    while True:
        time.sleep(args.tick)
        n += 1
        bad = args.bad_every > 0 and n % args.bad_every == 0
        try:
            step(n, bad)
        except Exception as e:  # a simulator keeps going; the error is in its log
            log(name, "tick %d failed: %r" % (n, e))


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
