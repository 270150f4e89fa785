#!/usr/bin/python3
"""demo_test: the demo city (demo/run-demo.sh, what ./scripts/run.sh starts) from a clean data folder.

Starts the launcher on free ports in its own session, waits at most 30 s for every demo platform's records
to arrive through the HTTP API with the unified values the sample README gives (a hotline title decoded from
GBK through ODBC, a citizen report's WGS-84 position, review levels, a vehicle position), for new rows the
simulators produce (an order closed later: version 2), and for the bad rows to be dead letters with their
stage, field and reason (each bad row once).

The 好差评 routes must be served (a 404 is a failure): /v1/reviews/stats by department per month of the
shipped review CSV drop equals the totals, levels and bad counts this test computes from the GB18030 sample
itself, the overall figures add up and agree with the feed, and /v1/reviews/feed?level=1,2 holds every bad
sample review and only bad reviews. The department key the launcher prints (review:rectify, pull:REVIEW)
moves one of its department's bad reviews VERIFYING → RECTIFYING, and GET shows the step with its actor and
note; the centre's key (admin, pull:*) and another department's review get 404. The printed copy-paste
commands run as printed, from another folder than the repository (absolute paths). Then SIGINT to the
session, as Ctrl-C does in a terminal, and the launcher, govsync and every simulator must be gone.

Before the demo: the shipped example configuration config/examples/provincial-reviews.yaml (a provincial
好差评 interface: signed POST, paginated, window_review mapping) passes `govsync config check` and
`govsync sync --once` pulls from a small stand-in of that interface here, which checks every signature.

Environment: GOVSYNC_SOURCE_DIR (the repository), GOVSYNC_CLI (the govsync binary); ctest sets both.
"""

import csv
import datetime as dt
import hashlib
import hmac
import http.server
import io
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
import urllib.parse
import urllib.request

SRC = os.environ.get("GOVSYNC_SOURCE_DIR") or os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("GOVSYNC_CLI") or os.path.join(SRC, "build", "cli", "govsync")
WAIT_SECONDS = 30
CST = dt.timezone(dt.timedelta(hours=8))
# The department whose key the launcher prints for 差评整改 (it owns bad reviews of the sample drop).
RECTIFY_DEPARTMENT = "盘锦市生态环境局"

problems = []


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

    def call(self, path, body=None, content_type="application/json", method=None):
        req = urllib.request.Request(self.base + path, data=body,
                                     method=method or ("POST" if body is not None else "GET"))
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

    def ok(self, path, body=None, method=None):
        """The JSON of a route that must answer 200 (anything else, 404 included, is a problem)."""
        status, answer = self.call(path, body, method=method)
        if status != 200:
            problem("%s %s: %s %s" % (method or "GET", path, status, str(answer)[:300]))
            return None
        return answer


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


def sample_rows():
    """The rows of the shipped 好差评 drop (mappings/samples/window_review.csv, GB18030) that decode and have
    every column, as {column: text}, read here independently of govsync and of the simulators."""
    with open(os.path.join(SRC, "mappings", "samples", "window_review.csv"), "rb") as f:
        text = f.read().decode("latin-1")  # byte-transparent; GB18030 never hides , " CR LF in a character
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = []
    for raw in rows[1:]:
        try:
            r = [c.encode("latin-1").decode("gb18030").strip() for c in raw]
        except UnicodeDecodeError:
            continue
        if len(r) == len(rows[0]):
            out.append(dict(zip(rows[0], r)))
    return out


def sample_time(text):
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def sample_reviews():
    """The evaluations of the sample that must become REVIEW records: those with a projectNo, a
    satisfaction of 1..5 (interface scheme: the level) and a real assessTime.
    → [(department, level, assessTime as naive Beijing time, review_id)]."""
    return [(r["proDepart"], int(r["satisfaction"]), sample_time(r["assessTime"]),
             "%s-%s" % (r["projectNo"], r["assessNumber"])) for r in sample_rows()
            if r["projectNo"] and r["satisfaction"] in ("1", "2", "3", "4", "5") and sample_time(r["assessTime"])]


class ProvincialInterface(http.server.ThreadingHTTPServer):
    """A stand-in of the provincial 好差评 interface that config/examples/provincial-reviews.yaml describes:
    POST JSON {areaCode, pageNum, pageSize, updateTimeStart} → {"code":"0000","data":{"total","rows"}},
    every request signed (appKey, timestamp in ms, nonce, sign = hex HMAC-SHA256 of METHOD, PATH, QUERY,
    timestamp, nonce and the body's SHA-256); a bad or replayed signature is refused with 401."""
    PATH = "/api/v1/evaluation/list"
    APP_KEY, SECRET = "panjin-bigdata", "province-shared-secret-0123456789"

    def __init__(self, evaluations):
        self.evaluations = sorted(evaluations, key=lambda e: e["updateTime"])
        self.requests, self.refused, self.nonces = [], [], set()
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def answer(self, status, obj):
            data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.server.refused.append("GET %s" % self.path)
            self.answer(405, {"code": "4050", "msg": "只支持POST"})

        def do_POST(self):
            srv, h = self.server, self.headers
            body = self.rfile.read(int(h.get("Content-Length") or 0))
            url = urllib.parse.urlsplit(self.path)
            ts, nonce, sign = h.get("timestamp", ""), h.get("nonce", ""), h.get("sign", "")
            text = "\n".join(["POST", url.path, url.query, ts, nonce, hashlib.sha256(body).hexdigest()])
            want = hmac.new(srv.SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()
            why = [w for w, bad in (
                ("path %s" % url.path, url.path != srv.PATH),
                ("appKey %r" % h.get("appKey"), h.get("appKey") != srv.APP_KEY),
                ("timestamp %r not Unix ms within 300 s" % ts,
                 not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 300000),
                ("nonce %r reused or empty" % nonce, not nonce or nonce in srv.nonces),
                ("sign", not hmac.compare_digest(want, sign)),
                ("Content-Type %r" % h.get("Content-Type"), "json" not in (h.get("Content-Type") or ""))) if bad]
            if why:
                srv.refused.append(", ".join(why))
                return self.answer(401, {"code": "4010", "msg": "签名校验失败"})
            srv.nonces.add(nonce)
            q = json.loads(body)
            srv.requests.append(q)
            rows = [e for e in srv.evaluations if e["updateTime"] >= (q.get("updateTimeStart") or "")]
            page, size = int(q["pageNum"]), int(q["pageSize"])
            self.answer(200, {"code": "0000", "msg": "成功", "data": {
                "total": len(rows), "rows": rows[(page - 1) * size:page * size]}})


def check_provincial_example():
    """config/examples/provincial-reviews.yaml, as shipped, against a stand-in of its interface: `config
    check` passes, `sync --once` pulls every sample evaluation with a valid signature into REVIEW records
    (the one with satisfaction 7 a dead letter), and a second pass asks again from the newest updateTime
    minus the 5-minute overlap and finds no new work."""
    example = os.path.join(SRC, "config", "examples", "provincial-reviews.yaml")
    evaluations = []
    for r in sample_rows():
        if r["projectNo"] and sample_time(r["assessTime"]):
            e = dict(r, updateTime=r["assessTime"])
            for k in ("userProp", "assessNumber", "satisfaction"):
                e[k] = int(e[k])  # numbers as numbers, as JSON interfaces send them
            evaluations.append(e)
    good = {"%s-%s" % (e["projectNo"], e["assessNumber"]): e for e in evaluations if 1 <= e["satisfaction"] <= 5}
    server = ProvincialInterface(evaluations)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data = tempfile.mkdtemp(prefix="govsync-provincial-test-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVSYNC_", "HCP_"))}
    env.update(HCP_PROVINCE_URL="http://127.0.0.1:%d%s" % (server.server_port, server.PATH),
               HCP_PROVINCE_APP_KEY=server.APP_KEY, HCP_PROVINCE_APP_SECRET=server.SECRET)

    def gs(*args):
        r = subprocess.run([CLI] + list(args) + ["--config", example, "--data-dir", data], cwd=SRC, env=env,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            problem("provincial example: govsync %s: exit %d: %s %s" % (" ".join(args), r.returncode,
                                                                         r.stdout[-500:], r.stderr[-500:]))
            return None
        return r.stdout

    try:
        if gs("config", "check") is None or gs("sync", "--once") is None:
            return
        out = gs("feed", "read", "--limit", "1000", "--pii")
        records = [json.loads(l) for l in (out or "").splitlines() if l.strip()]
        got = {r.get("source_id"): r for r in records if r.get("kind") == "REVIEW"}
        if set(got) != set(good) or len(records) != len(good):
            problem("provincial example: %d records (%d REVIEW), expected the %d good sample evaluations; "
                    "missing %s, unexpected %s" % (len(records), len(got), len(good), sorted(set(good) - set(got))[:5],
                                                   sorted(set(got) - set(good))[:5]))
        for rid, e in good.items():
            r = got.get(rid)
            if r and (r.get("level") != e["satisfaction"] or r.get("department") != e["proDepart"]
                      or r.get("source_system") != "hcp_window" or r.get("is_bad") != (e["satisfaction"] <= 2)):
                problem("provincial example: %s is %s" % (rid, json.dumps(r, ensure_ascii=False)[:300]))
        dead = gs("deadletters", "list") or ""
        if "level" not in dead or dead.count("provincial-reviews") < 1:
            problem("provincial example: no dead letter of the satisfaction-7 evaluation: %s" % dead[:500])
        if server.refused:
            problem("provincial example: the interface refused requests: %s" % server.refused[:3])
        first = server.requests[0] if server.requests else {}
        if first.get("areaCode") != "211100" or first.get("pageSize") != 200 or first.get("pageNum") != 1 or \
                first.get("updateTimeStart") != "2026-09-30 23:55:00":
            problem("provincial example: first request %s" % first)
        newest = sample_time(max(e["updateTime"] for e in evaluations))
        n = len(server.requests)
        again = gs("sync", "--once")
        since = (newest - dt.timedelta(seconds=300)).strftime("%Y-%m-%d %H:%M:%S")
        if again is None or len(server.requests) <= n or server.requests[n].get("updateTimeStart") != since:
            problem("provincial example: the second pass asked %s, expected updateTimeStart %s" % (
                server.requests[n:], since))
        if len((gs("feed", "read", "--limit", "1000") or "").splitlines()) != len(records):
            problem("provincial example: the second pass changed the feed")
        print("demo_test: config/examples/provincial-reviews.yaml: config check passes; sync --once pulled %d "
              "signed pages into %d REVIEW records and 1 dead letter; the second pass asked from %s" % (
                  n, len(got), since))
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(data, ignore_errors=True)


def check_stats_group(where, g):
    """The invariants of one group of /v1/reviews/stats (docs/api.md §4), by the API's field names."""
    levels = g.get("levels")
    if not isinstance(levels, dict) or sorted(levels) != ["1", "2", "3", "4", "5"] or not isinstance(g.get("total"), int):
        problem("%s: no levels {1..5} and total: %s" % (where, json.dumps(g, ensure_ascii=False)[:300]))
        return None
    if sum(levels.values()) != g["total"]:
        problem("%s: levels %s do not add up to total %d" % (where, levels, g["total"]))
    if g.get("valid") != g["total"] - g.get("excluded", -1):
        problem("%s: valid %s != total %d - excluded %s" % (where, g.get("valid"), g["total"], g.get("excluded")))
    if g.get("satisfied", -1) + g.get("bad", -1) != g.get("valid"):
        problem("%s: satisfied %s + bad %s != valid %s" % (where, g.get("satisfied"), g.get("bad"), g.get("valid")))
    return levels


def check_sample_stats(api, cutoff):
    """Per month of the sample drop, /v1/reviews/stats?group_by=department against the sample's own
    figures. Reviews the simulators make are evaluated 'now' (minus at most 5 minutes), so a month not yet
    over is asked up to `cutoff` (before the test started), which leaves only sample reviews in it."""
    reviews = sample_reviews()
    if len(reviews) != 65:  # 70 rows, 5 of them bad (mappings/samples/README.md §7; row 40 is kept)
        problem("the review sample has %d good evaluations, expected 65" % len(reviews))
    months = sorted({when.strftime("%Y-%m") for _, _, when, _ in reviews})
    for month in months:
        start = dt.datetime.strptime(month + "-01", "%Y-%m-%d")
        end = (start + dt.timedelta(days=32)).replace(day=1)
        if end <= cutoff:
            query, to = "month=" + month, end
        else:
            to = cutoff
            query = "from=%s&to=%s" % (month + "-01", urllib.parse.quote(cutoff.strftime("%Y-%m-%dT%H:%M:%S+08:00")))
        want = {}
        for department, level, when, _ in reviews:
            if start <= when < to:
                w = want.setdefault(department, {"total": 0, "levels": {str(i): 0 for i in range(1, 6)}, "bad": 0})
                w["total"] += 1
                w["levels"][str(level)] += 1
                w["bad"] += level <= 2
        path = "/v1/reviews/stats?group_by=department&" + query
        stats = api.ok(path)
        if stats is None:
            continue
        if stats.get("group_by") != "department" or not isinstance(stats.get("groups"), list):
            problem("GET %s: no group_by/groups: %s" % (path, json.dumps(stats, ensure_ascii=False)[:300]))
            continue
        got = {}
        for g in stats["groups"]:
            if check_stats_group("GET %s group %r" % (path, g.get("group")), g) is not None:
                got[g["group"]] = {"total": g["total"], "levels": g["levels"], "bad": g["bad"]}
        if got != want:
            for d in sorted(set(got) | set(want)):
                if got.get(d) != want.get(d):
                    problem("GET %s: %s is %s, the sample says %s" % (path, d, got.get(d), want.get(d)))
        total = stats.get("total") or {}
        check_stats_group("GET %s total" % path, total)
        if total.get("total") != sum(w["total"] for w in want.values()) or \
                total.get("bad") != sum(w["bad"] for w in want.values()):
            problem("GET %s: total %s/%s bad, the sample says %d/%d" % (
                path, total.get("total"), total.get("bad"), sum(w["total"] for w in want.values()),
                sum(w["bad"] for w in want.values())))
        print("demo_test: review stats %s: %d departments, %d reviews, %d bad — as in the sample" % (
            query, len(want), sum(w["total"] for w in want.values()), sum(w["bad"] for w in want.values())))
    return reviews


def review_feed(api, query):
    """Every entry of /v1/reviews/feed for a query, page after page with its cursor."""
    entries, after = [], ""
    while True:
        page = api.ok("/v1/reviews/feed?limit=1000&" + query + ("&after=" + after if after else ""))
        if page is None:
            return None
        if not isinstance(page.get("reviews"), list) or not isinstance(page.get("next"), str):
            problem("review feed %s: no reviews/next: %s" % (query, json.dumps(page, ensure_ascii=False)[:300]))
            return None
        entries += page["reviews"]
        if not page["reviews"] or page["next"] == after:
            return entries
        after = page["next"]


def check_reviews(api, feed, cutoff):
    reviews = check_sample_stats(api, cutoff)
    # All periods: the figures add up, and agree with the REVIEW records of the record feed.
    before = [r for r in feed.of("hcp_window") if not r.get("deleted")]
    stats = api.ok("/v1/reviews/stats?group_by=department")
    feed.read()
    after = [r for r in feed.of("hcp_window") if not r.get("deleted")]
    if stats is not None:
        groups = stats.get("groups")
        if not isinstance(groups, list) or not groups:
            problem("review stats: no groups in %s" % json.dumps(stats, ensure_ascii=False)[:300])
        else:
            total = bad = 0
            for g in groups:
                levels = check_stats_group("review stats %r" % g.get("group"), g)
                if levels is not None:
                    total += g["total"]
                    bad += levels["1"] + levels["2"]
            overall = stats.get("total") or {}
            if overall.get("total") != total:
                problem("review stats: the groups add up to %d reviews, the total says %s" % (total, overall.get("total")))
            lo, hi = len(before), len(after)
            if not lo <= total <= hi:
                problem("review stats count %d reviews; the feed had %d before and %d after" % (total, lo, hi))
            blo = sum(1 for r in before if r.get("level", 5) <= 2)
            bhi = sum(1 for r in after if r.get("level", 5) <= 2)
            if not blo <= bad <= bhi:
                problem("review stats count %d level 1-2 reviews; the feed had %d before and %d after" % (bad, blo, bhi))
    # The review feed of bad reviews: only levels 1-2, every bad sample review among them.
    entries = review_feed(api, "level=1,2")
    if entries is not None:
        wrong = [e for e in entries if not isinstance(e.get("overdue"), bool) or not isinstance(e.get("record"), dict)
                 or e["record"].get("kind") != "REVIEW" or e["record"].get("level") not in (1, 2)
                 or e["record"].get("is_bad") is not True]
        if wrong or not entries:
            problem("review feed level=1,2: %d entries, %d not a bad REVIEW: %s" % (
                len(entries), len(wrong), json.dumps(wrong[:1], ensure_ascii=False)[:300]))
        seen = {e["record"].get("source_id") for e in entries if isinstance(e.get("record"), dict)}
        missing = [rid for _, level, _, rid in reviews if level <= 2 and rid not in seen]
        if missing:
            problem("review feed level=1,2 lacks the bad sample reviews %s" % missing)
        print("demo_test: review feed level=1,2: %d entries, every bad sample review among them" % len(entries))


def latest_reviews(entries):
    """The latest version of each review in feed entries (entries come in commit order)."""
    latest = {}
    for e in entries:
        latest[e["record"]["record_id"]] = e["record"]
    return latest


def check_rectification(api, dept_api, dept_client):
    """The department key moves one of its VERIFYING bad reviews on; others may not."""
    entries = review_feed(dept_api, "level=1,2&department=" + urllib.parse.quote(RECTIFY_DEPARTMENT))
    if entries is None:
        return
    mine = latest_reviews(entries)
    if any(r.get("department") != RECTIFY_DEPARTMENT for r in mine.values()):
        problem("the department's review feed holds other departments' reviews")
    open_ = [r for r in mine.values() if r.get("rectify_state") == "VERIFYING"]
    if not open_:
        problem("%s has no bad review in VERIFYING: %s" % (
            RECTIFY_DEPARTMENT, sorted((r.get("source_id"), r.get("rectify_state")) for r in mine.values())))
        return
    rid = open_[0]["record_id"]
    path = "/v1/reviews/%s/rectification" % rid
    note = "demo_test: 已核实，整改中"
    body = json.dumps({"state": "RECTIFYING", "note": note}).encode()
    status, answer = api.call(path, body, method="PATCH")  # the centre: admin and pull:*, no review:rectify
    if status != 404:
        problem("PATCH %s with the centre's key: %s, expected 404 (%s)" % (path, status, str(answer)[:200]))
    others = [e["record"]["record_id"] for e in review_feed(api, "level=1,2") or []
              if e["record"].get("department") != RECTIFY_DEPARTMENT and e["record"].get("rectify_state") == "VERIFYING"]
    if others:
        status, answer = dept_api.call("/v1/reviews/%s/rectification" % others[0], body, method="PATCH")
        if status != 404:
            problem("PATCH another department's review with the department key: %s, expected 404" % status)
    answer = dept_api.ok(path, body, method="PATCH")
    if answer is None:
        return
    if answer.get("state") != "RECTIFYING" or answer.get("record_id") != rid or not answer.get("version", 0) >= 2:
        problem("PATCH %s: %s" % (path, json.dumps(answer, ensure_ascii=False)[:400]))
    got = dept_api.ok(path)
    if got is None:
        return
    steps = got.get("steps") or []
    last = steps[-1] if steps else {}
    if got.get("state") != "RECTIFYING" or "FED_BACK" not in got.get("allowed_next", []) or \
            (last.get("from"), last.get("to"), last.get("actor"), last.get("note")) != \
            ("VERIFYING", "RECTIFYING", dept_client, note) or not steps or steps[0].get("to") != "VERIFYING":
        problem("GET %s after the PATCH: %s" % (path, json.dumps(got, ensure_ascii=False)[:600]))
    else:
        print("demo_test: %s (%s) moved review %s VERIFYING → RECTIFYING; GET shows step %d by %s" % (
            RECTIFY_DEPARTMENT, dept_client, open_[0].get("source_id"), last.get("seq"), dept_client))


def banner_commands(output):
    """The copy-paste lines of the launcher's banner: from the first key to 'Press Ctrl-C', those not
    indented (the indented ones are its prose)."""
    start = next((i for i, l in enumerate(output) if l.startswith("export GOVSYNC_TOKEN=")), None)
    end = next((i for i, l in enumerate(output) if "Press Ctrl-C" in l), None)
    if start is None or end is None:
        return []
    return [l for l in output[start:end] if l.strip() and not l[0].isspace()]


def run_printed_commands(output, dept_client):
    """The copy-paste commands the launcher printed, run as a user would: bash, in another folder than
    the repository (the commands must not depend on it), with the keys they export."""
    cmds = banner_commands(output)
    if len(cmds) != 14:
        problem("the launcher printed %d copy-paste lines, expected the 14 of its banner: %s" % (len(cmds), cmds))
        return
    elsewhere = tempfile.mkdtemp(prefix="govsync-demo-cwd-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSYNC_")}
    script = "set -eo pipefail\n" + "\n".join(cmds)
    try:
        r = subprocess.run(["bash", "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True,
                           timeout=60)
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
    out = r.stdout
    if r.returncode != 0 or r.stderr.strip():
        problem("the printed commands failed (%d): %s %s" % (r.returncode, out[-500:], r.stderr[-500:]))
        return
    expect = ['"records"', '"platform":"water_fault"', '"stage"', '"connectors"', '"title"', '"groups"',
              '"reviews"', '"state":"RECTIFYING"', '"actor": "%s"' % dept_client, '"to": "RECTIFYING"']
    for words in expect:
        if words not in out:
            problem("the printed commands' output lacks %s: %s" % (words, out[-1500:]))
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
    check_provincial_example()
    # Reviews evaluated before this are the sample's: the simulators' are evaluated from now - 5 minutes on.
    cutoff = dt.datetime.now(CST).replace(tzinfo=None, microsecond=0) - dt.timedelta(minutes=10)
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
        token = dept_token = dept_client = None
        while time.monotonic() - t0 < WAIT_SECONDS and None in (token, dept_token) and proc.poll() is None:
            for line in list(output):
                if line.startswith("export GOVSYNC_TOKEN="):
                    token = line.split("=", 1)[1].strip()
                if line.startswith("export GOVSYNC_DEPT_TOKEN="):
                    dept_token = line.split("=", 1)[1].strip()
                m = re.search(r"and of (\S+), which rectifies its bad reviews \(([\w-]+): scopes review:rectify,pull:REVIEW", line)
                if m and m.group(1) == RECTIFY_DEPARTMENT:
                    dept_client = m.group(2)
            time.sleep(0.2)
        if None in (token, dept_token, dept_client):
            problem("the launcher printed no centre key and no key of %s within %d s (exit %s)" % (
                RECTIFY_DEPARTMENT, WAIT_SECONDS, proc.poll()))
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
            check_reviews(api, feed, cutoff)
            run_printed_commands(output, dept_client)
            check_rectification(api, Api(api.base, dept_token), dept_client)
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
    for p in problems:
        print("FAIL: " + p)
    print("demo_test: %s in %.1f s" % ("FAILED" if problems else "passed", time.monotonic() - t0))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
