#!/usr/bin/python3
"""demo_test: the demo city (demo/run-demo.sh, what ./scripts/run.sh starts) from a clean data folder.

Starts the launcher on free ports in its own session, waits at most 30 s for every demo platform's records
to arrive through the HTTP API with the unified values the sample README gives (a hotline title decoded from
GBK through ODBC, a citizen report's WGS-84 position, review levels, a vehicle position), for new rows the
simulators produce (an order closed later: version 2), and for the bad rows to be dead letters with their
stage, field and reason (each bad row once). Runs the printed curl commands. Checks the review stats add up
when /v1/reviews/stats is served (and the review feed when /v1/reviews/feed is). Then sends SIGINT to the
session, as Ctrl-C does in a terminal, and checks that the launcher, govsync and every simulator are gone.

Environment: GOVSYNC_SOURCE_DIR (the repository), GOVSYNC_CLI (the govsync binary); ctest sets both.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SRC = os.environ.get("GOVSYNC_SOURCE_DIR") or os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("GOVSYNC_CLI") or os.path.join(SRC, "build", "cli", "govsync")
WAIT_SECONDS = 30

problems = []
notes = []


def problem(text):
    problems.append(text)


def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Api:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def call(self, path, body=None, content_type="application/json"):
        req = urllib.request.Request(self.base + path, data=body, method="POST" if body is not None else "GET")
        req.add_header("Authorization", "Bearer " + self.token)
        if body is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return r.status, json.loads(r.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text


class Feed:
    """The change feed read with its cursor, page after page (a consumer resuming where it stopped)."""

    def __init__(self, api):
        self.api, self.after, self.pages = api, None, 0
        self.records = {}   # (source_system, source_id) → the latest version seen
        self.positions = 0  # records read, versions included

    def read(self):
        while True:
            path = "/v1/records?limit=1000" + ("&after=" + self.after if self.after else "")
            status, page = self.api.call(path)
            if status != 200:
                raise RuntimeError("GET %s: %s %s" % (path, status, page))
            self.pages += 1
            for r in page["records"]:
                self.records[(r["source_system"], r["source_id"])] = r
                self.positions += 1
            if page["next"] == self.after or not page["records"]:
                self.after = page["next"]
                return
            self.after = page["next"]

    def get(self, source, source_id):
        return self.records.get((source, source_id))

    def of(self, source):
        return [r for (s, _), r in self.records.items() if s == source]


def dead_letters(api):
    out, after = [], None
    while True:
        status, page = api.call("/v1/deadletters?limit=1000" + ("&after=%s" % after if after is not None else ""))
        if status != 200:
            raise RuntimeError("GET /v1/deadletters: %s %s" % (status, page))
        out += page["dead_letters"]
        if not page["dead_letters"] or page.get("next") in (None, after):
            return out
        after = page["next"]


def near(a, b):
    return isinstance(a, (int, float)) and abs(a - b) < 1e-6


# The unified values of known sample rows (mappings/samples/README.md, golden rows).
EXPECTED = [
    ("hotline12345", "GD202610050026", {
        "title": "校外培训机构违规办学", "case_kind": "hotline", "channel": "web", "status": "CLOSED",
        "status_raw": "已办结", "region_code": "211122", "received_at": "2026-10-05T00:35:07.000Z",
        "agency_name": "盘锦市教育局", "reporter_name": "贺兰", "coord_sys_original": "bd09",
        "lon": 122.036121, "lat": 41.265135, "satisfaction_level": 4}),
    ("hotline12345", "GD202610080063", {"region_code": "211104", "title": "井盖丢失", "status": "DISPATCHED"}),
    ("suishoupai", "SSP20261003000165", {
        "channel": "wechat", "category_code": "0302", "category_name": "井盖缺失破损", "status": "CLOSED",
        "received_at": "2026-10-02T17:09:16.416Z", "region_code": "211103001000", "lon": 122.035537,
        "lat": 41.142757, "coord_sys_original": "gcj02", "reporter_name": "韩志宏"}),
    ("suishoupai", "SSP20261001000134", {"category_code": "0102", "lon": 122.040598, "lat": 41.211694,
                                         "is_anonymous": True}),
    ("hcp_window", "211122260924000005-1", {
        "level": 5, "level_scheme": "hcp_interface", "channel": "hall_pad", "evaluator_name": "王䶮",
        "evaluated_at": "2026-10-01T05:01:21.000Z", "is_bad": False, "region_code": "211122"}),
    ("hcp_window", "211122260925000059-1", {"level": 1, "is_bad": True, "comment_text": "说好的即办件，拖了一周还没出证。"}),
    ("hcp_window", "211122260925000059-2", {"level": 4, "is_bad": False, "eval_seq": 2}),
    ("hazchem_jt808", "013958649976@261027141450", {
        "subject_type": "vehicle", "plate_no": "辽LA5823", "observed_at": "2026-10-27T06:14:50.000Z",
        "lon": 122.054054, "lat": 41.189181, "coord_sys_original": "gcj02", "speed_kmh": 37.6,
        "heading_deg": 324}),
]

# New rows the simulators make (demo/simulators/*): their ids.
GENERATED = {
    "hotline12345": re.compile(r"^GD\d{8}[5-9]\d{3}$"),
    "suishoupai": re.compile(r"^SSP\d{8}9\d{5}$"),
    "hcp_window": re.compile(r"^\d{12}9\d{5}-[12]$"),
}

# Sample bad rows: (connector, stage, field, value or None, words in the reason).
EXPECTED_DEAD = [
    ("hotline-12345", "map", "status", "已挂起", "case_status"),
    ("hotline-12345", "map", "received_at", "20261032144934", "day 32"),
    ("hotline-12345", "decode", "LDRXM", None, "invalid GB18030"),
    ("hotline-12345", "fetch", "", None, "NULL"),
    ("suishoupai", "map", "status", "8", "case_status"),
    ("suishoupai", "map", "lon", "0, 0", "not a location"),
    ("suishoupai", "map", "case_no", None, "required"),
    ("window-reviews", "map", "level", "7", "hcp_interface"),
    ("window-reviews", "decode", "writingEvaluation", None, "invalid GB18030"),
    ("window-reviews", "fetch", "", None, "row has 11 fields"),
    ("hazchem-vehicles", "map", "heading_deg", "400", "0..359"),
    ("hazchem-vehicles", "map", "subject_id", None, "required"),
    ("hazchem-vehicles", "map", "observed_at", "20261032133310", "day 32"),
]
# A dead letter of a bad row a simulator made after start (its raw row names a generated id).
GENERATED_DEAD = {
    "hotline-12345": re.compile(r"GD\d{8}[5-9]\d{3}"),
    "suishoupai": re.compile(r"SSP\d{8}9\d{5}"),
    "window-reviews": re.compile(r"\d{12}9\d{5}"),
    "hazchem-vehicles": re.compile(r'"serialNo":\s*"?2\d{4}'),
}


def check_records(feed, final):
    missing = []
    for source, sid, want in EXPECTED:
        r = feed.get(source, sid)
        if r is None:
            missing.append("%s %s not in the feed" % (source, sid))
            continue
        for k, v in want.items():
            got = r.get(k)
            ok = near(got, v) if isinstance(v, float) else got == v
            if not ok:
                missing.append("%s %s: %s is %r, expected %r" % (source, sid, k, got, v))
    for source, pattern in GENERATED.items():
        if not any(pattern.match(r["source_id"]) for r in feed.of(source)):
            missing.append("no new %s record from its simulator yet" % source)
    if not any(int(r.get("attributes", {}).get("serial_no", "0")) >= 20000 for r in feed.of("hazchem_jt808")):
        missing.append("no new vehicle position from its simulator yet")
    if not any(GENERATED["hotline12345"].match(r["source_id"]) and r.get("version", 1) >= 2
               and r.get("status") == "CLOSED" for r in feed.of("hotline12345")):
        missing.append("no demo work order closed later (version 2, CLOSED) yet")
    if final:
        for m in missing:
            problem(m)
    return not missing


def check_dead(dls, final):
    missing = []
    for source, stage, field, value, words in EXPECTED_DEAD:
        hit = [d for d in dls if d["source"] == source and d["stage"] == stage and d.get("field", "") == field
               and (value is None or d.get("value") == value)]
        if not hit:
            missing.append("no dead letter %s/%s/%s%s" % (source, stage, field, "" if value is None else "=" + value))
        elif not all(words in d.get("error", "") for d in hit):
            missing.append("dead letter %s/%s/%s: reason %r lacks %r" % (source, stage, field, hit[0].get("error"), words))
    for source, pattern in GENERATED_DEAD.items():
        if not any(d["source"] == source and pattern.search(d.get("raw") or "") for d in dls):
            missing.append("no dead letter yet of a bad row %s made after start" % source)
    if final:
        for m in missing:
            problem(m)
        for d in dls:
            if not d.get("error") or not d.get("stage"):
                problem("dead letter %s without a stage or reason: %s" % (d.get("id"), d))
        seen = {}
        for d in dls:
            seen.setdefault((d["source"], d.get("raw")), []).append(d["id"])
        for (source, raw), ids in seen.items():
            if len(ids) > 1:
                problem("%s: one bad row is %d dead letters (%s): %s" % (source, len(ids), ids, (raw or "")[:120]))
    return not missing


def group_total(g):
    for k in ("total", "count", "reviews"):
        if isinstance(g.get(k), int):
            return g[k]
    return None


def served(api, path):
    """The answer of a route that may not be served yet: None (noted) when it answers 404."""
    status, body = api.call(path)
    if status == 404:
        notes.append("GET %s answers 404 (not served by this build): not checked" % path)
    elif status != 200:
        problem("GET %s: %s %s" % (path, status, body))
    else:
        return body
    return None


def check_reviews(api, feed):
    stats = served(api, "/v1/reviews/stats?group_by=department")
    if stats is not None:
        before = [r for r in feed.of("hcp_window") if not r.get("deleted")]
        feed.read()
        after = [r for r in feed.of("hcp_window") if not r.get("deleted")]
        groups = stats.get("groups") if isinstance(stats, dict) else stats
        if not isinstance(groups, list) or not groups:
            problem("review stats: no groups in %s" % json.dumps(stats, ensure_ascii=False)[:300])
        else:
            total = bad = 0
            for g in groups:
                t = group_total(g)
                levels = g.get("levels")
                if isinstance(levels, dict):
                    levels = [levels.get(str(i), levels.get(i, 0)) for i in range(1, 6)]
                if t is None or not isinstance(levels, list) or len(levels) != 5:
                    problem("review stats group without total/levels: %s" % json.dumps(g, ensure_ascii=False)[:300])
                    continue
                if sum(levels) != t:
                    problem("review stats %r: levels %s do not add up to total %d" % (g.get("group"), levels, t))
                if "valid" in g and "excluded" in g and g["valid"] + g["excluded"] != t:
                    problem("review stats %r: valid + excluded != total" % g.get("group"))
                if all(k in g for k in ("valid", "satisfied", "bad")) and g["satisfied"] + g["bad"] != g["valid"]:
                    problem("review stats %r: satisfied + bad != valid" % g.get("group"))
                total += t
                bad += sum(levels[:2])
            overall = stats.get("total") if isinstance(stats, dict) else None
            if isinstance(overall, dict) and group_total(overall) is not None and group_total(overall) != total:
                problem("review stats: the groups add up to %d reviews, the total says %d" % (total, group_total(overall)))
            lo, hi = len(before), len(after)
            if not lo <= total <= hi:
                problem("review stats count %d reviews; the feed had %d before and %d after" % (total, lo, hi))
            blo = sum(1 for r in before if r.get("level", 5) <= 2)
            bhi = sum(1 for r in after if r.get("level", 5) <= 2)
            if not blo <= bad <= bhi:
                problem("review stats count %d level 1-2 reviews; the feed had %d before and %d after" % (bad, blo, bhi))
            notes.append("review stats by department: %d groups, %d reviews (%d bad), feed %d..%d" %
                         (len(groups), total, bad, lo, hi))
    page = served(api, "/v1/reviews/feed?level=1,2&limit=100")
    if page is not None:
        items = next((v for v in page.values() if isinstance(v, list)), []) if isinstance(page, dict) else page
        levels = [i.get("level", (i.get("record") or {}).get("level")) for i in items if isinstance(i, dict)]
        if not items or any(l is not None and l > 2 for l in levels):
            problem("review feed levels=1,2: %s" % json.dumps(page, ensure_ascii=False)[:300])
        else:
            notes.append("review feed level=1,2: %d entries" % len(items))


def run_printed_commands(output, token):
    """The copy-paste commands the launcher printed, run as a user would (bash, in the repository)."""
    cmds = [l for l in output if l.startswith(("curl ", "NEXT=", "head -n 3 "))]
    if len(cmds) < 8:
        problem("the launcher printed %d curl commands, expected the 10 of its banner" % len(cmds))
        return
    env = dict(os.environ, GOVSYNC_TOKEN=token)
    script = "set -eo pipefail\n" + "\n".join(cmds)
    r = subprocess.run(["bash", "-c", script], cwd=SRC, env=env, capture_output=True, text=True, timeout=60)
    out = r.stdout
    if r.returncode != 0:
        problem("the printed commands failed (%d): %s %s" % (r.returncode, out[-500:], r.stderr[-500:]))
        return
    expect = ['"records"', '"platform":"water_fault"', '"stage"', '"connectors"', '"title"']
    expect += [w for w, route in (('"groups"', "stats"), ('"reviews"', "feed"))
               if not any(n.startswith("GET /v1/reviews/" + route) and "404" in n for n in notes)]
    for words in expect:
        if words not in out:
            problem("the printed commands' output lacks %s: %s" % (words, out[:800]))
    m = re.search(r'"records":(\d+)', out)
    if not m or int(m.group(1)) < 1:
        problem("the printed push made no record: %s" % out[:800])


def session_processes(sid):
    """Processes of the launcher's session (its simulators and govsync inherit it)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    found.append((int(pid), f.read().replace(b"\0", b" ").decode(errors="replace")))
        except (OSError, ValueError):
            pass
    return found


def main():
    if not os.access(CLI, os.X_OK):
        print("demo_test: no govsync binary at %s" % CLI)
        return 1
    data = tempfile.mkdtemp(prefix="govsync-demo-test-")
    http_port, thrift_port = free_ports(2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSYNC_") or k in ("GOVSYNC_SOURCE_DIR",)}
    t0 = time.monotonic()
    proc = subprocess.Popen(
        ["bash", os.path.join(SRC, "demo", "run-demo.sh"), "--data-dir", data, "--http-port", str(http_port),
         "--thrift-port", str(thrift_port), "--tick", "2", "--bad-every", "2", "--govsync", CLI],
        cwd=SRC, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    output = []
    reader = threading.Thread(target=lambda: [output.append(l.decode("utf-8", "replace").rstrip("\n"))
                                              for l in proc.stdout], daemon=True)
    reader.start()
    ok = False
    try:
        token = None
        while time.monotonic() - t0 < WAIT_SECONDS and token is None and proc.poll() is None:
            for line in list(output):
                if line.startswith("export GOVSYNC_TOKEN="):
                    token = line.split("=", 1)[1].strip()
            time.sleep(0.2)
        if token is None:
            problem("the launcher printed no client key within %d s (exit %s)" % (WAIT_SECONDS, proc.poll()))
            return 1
        print("demo_test: started in %.1f s on HTTP %d, Thrift %d" % (time.monotonic() - t0, http_port, thrift_port))
        api = Api("http://127.0.0.1:%d" % http_port, token)
        feed = Feed(api)
        while True:
            feed.read()
            dls = dead_letters(api)
            final = time.monotonic() - t0 >= WAIT_SECONDS or proc.poll() is not None
            arrived = check_records(feed, final) & check_dead(dls, final)  # both: final records every miss
            if arrived or final:
                break
            time.sleep(1)
        print("demo_test: %s after %.1f s: %d records (%d pages read with the cursor), %d dead letters" % (
            "all arrived" if not problems else "gave up", time.monotonic() - t0, len(feed.records), feed.pages,
            len(dls)))
        for s in ("hotline12345", "suishoupai", "hcp_window", "hazchem_jt808"):
            print("  %-14s %d records" % (s, len(feed.of(s))))
        if proc.poll() is None:
            check_reviews(api, feed)
            run_printed_commands(output, token)
        ok = True
    finally:
        sid = proc.pid
        if proc.poll() is None:
            os.killpg(sid, signal.SIGINT)  # what Ctrl-C in the terminal does: the whole foreground group
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            problem("the launcher did not stop within 30 s of SIGINT")
        deadline = time.monotonic() + 10
        left = session_processes(sid)
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = session_processes(sid)
        for pid, cmd in left:
            problem("left running after Ctrl-C: %d %s" % (pid, cmd))
            os.kill(pid, signal.SIGKILL)
        if ok and proc.returncode not in (0, 130):
            problem("the launcher exited %s after SIGINT" % proc.returncode)
        if ok and not any(l.startswith("demo: stopped") for l in output):
            problem("the launcher did not report 'demo: stopped'")
        for port in (http_port, thrift_port):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    problem("port %d still answers after the stop" % port)
        reader.join(timeout=5)
        if problems:
            print("---- launcher output ----")
            print("\n".join(output[-80:]))
            log = os.path.join(data, "demo", "logs", "govsync.log")
            if os.path.exists(log):
                print("---- %s (tail) ----" % log)
                with open(log, errors="replace") as f:
                    print("".join(f.readlines()[-40:]))
        shutil.rmtree(data, ignore_errors=True)
    for n in notes:
        print("note: " + n)
    for p in problems:
        print("FAIL: " + p)
    print("demo_test: %s in %.1f s" % ("FAILED" if problems else "passed", time.monotonic() - t0))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
