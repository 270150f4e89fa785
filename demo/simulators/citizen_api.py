#!/usr/bin/python3
"""The 随手拍 citizen-report platform's HTTP API: paginated, HMAC-signed, incremental by update time.

    GET /api/v1/reports?pageNo=1&pageSize=20&updateTimeStart=<unix ms>
    X-Key-Id: govsync-demo
    X-Timestamp: <unix s>            (within 300 s of this server's clock)
    X-Nonce: <random, used once>
    X-Signature: hex(HMAC-SHA256(secret, METHOD \\n PATH \\n QUERY \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))))

    → {"code": 0, "msg": "success", "data": {"total": N, "pageNo": 1, "pageSize": 20, "list": [<report>, …]}}

This is what govsync's http connector sends with `auth: hmac` and its default signed fields (QUERY is the
query string exactly as sent); a wrong or replayed signature gets 401 {"code": 401, "msg": …}. Reports come
ordered by (updateTime, reportId), those with updateTime > updateTimeStart (exclusive). updateTime is
stamped when a report is written, under one lock and always growing, so no report ever commits "late".

At start the API serves mappings/samples/citizen_report.ndjson (bad reports included: no reportId, a phone
without a GPS fix, swapped coordinates, unknown status 8, a text createTime). Then every tick: a new report
(a good sample report with a new reportId, moved to now, its position jittered a little); every fourth tick
an earlier demo report is closed (status 4 with a reply); every --bad-every tick a bad report (unknown
status, no GPS fix, or a text createTime). Reports are kept in <dir>/suishoupai.ndjson across restarts.
"""

import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import urllib.parse

import common

NAME = "suishoupai"
BAD_IDS = {None, "SSP20261013001390", "SSP20261019001767", "SSP20261028002769", "SSP20261031003006"}
MAX_SKEW = 300


class Reports:
    """The platform's report table: raw JSON text per report, in memory, appended to a file."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.rows = {}     # key → (updateTime, reportId or "", raw json text)
        self.last_update = 0
        lines = common.read_ndjson("citizen_report.ndjson")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                lines += [l.rstrip("\n") for l in f if l.strip()]
        for i, line in enumerate(lines):
            self._put(line, "line%d" % i)

    def _put(self, raw, fallback_key):
        d = json.loads(raw)
        rid = d.get("reportId")
        ut = d.get("updateTime")
        ut = ut if isinstance(ut, int) else 0
        self.rows[rid if rid else fallback_key] = (ut, rid or "", raw)
        self.last_update = max(self.last_update, ut)

    def add(self, d):
        with self.lock:
            # updateTime only grows, whatever this machine's clock says about the sample's dates
            d["updateTime"] = max(int(time.time() * 1000), self.last_update + 1)
            raw = common.dumps(d)
            self._put(raw, d.get("reportId") or "gen%d" % len(self.rows))
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(raw + "\n")
            return d

    def get(self, rid):
        with self.lock:
            row = self.rows.get(rid)
            return json.loads(row[2]) if row else None

    def page(self, since, page_no, size):
        with self.lock:
            rows = sorted((r for r in self.rows.values() if since is None or r[0] > since),
                          key=lambda r: (r[0], r[1]))
        start = (page_no - 1) * size
        return len(rows), [r[2] for r in rows[start:start + size]]


class Nonces:
    def __init__(self):
        self.lock = threading.Lock()
        self.seen = {}

    def fresh(self, key):
        now = time.time()
        with self.lock:
            for k in [k for k, t in self.seen.items() if t < now - 2 * MAX_SKEW]:
                del self.seen[k]
            if key in self.seen:
                return False
            self.seen[key] = now
            return True


def make_handler(reports, key_id, secret, nonces):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "SuiShouPai/2.3"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            common.log(NAME, "%s %s" % (self.address_string(), fmt % a))

        def answer(self, status, obj):
            body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def signed(self, path, query):
            h = self.headers
            kid, ts, nonce, sig = (h.get("X-Key-Id"), h.get("X-Timestamp"), h.get("X-Nonce"), h.get("X-Signature"))
            if not (kid and ts and nonce and sig):
                return "missing signature headers"
            if kid != key_id:
                return "unknown key id"
            try:
                if abs(time.time() - int(ts)) > MAX_SKEW:
                    return "timestamp outside %d s" % MAX_SKEW
            except ValueError:
                return "bad timestamp"
            text = "\n".join([self.command, path, query, ts, nonce, hashlib.sha256(b"").hexdigest()])
            want = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(want, sig.lower()):
                return "bad signature"
            if not nonces.fresh(kid + "/" + nonce):
                return "replayed nonce"
            return None

        def do_GET(self):
            path, _, query = self.path.partition("?")
            if path != "/api/v1/reports":
                return self.answer(404, {"code": 404, "msg": "接口不存在", "data": None})
            problem = self.signed(path, query)
            if problem:
                common.log(NAME, "refused %s: %s" % (self.path, problem))
                return self.answer(401, {"code": 401, "msg": "签名验证失败: " + problem, "data": None})
            q = dict(urllib.parse.parse_qsl(query))
            try:
                page_no = max(1, int(q.get("pageNo", "1")))
                size = min(100, max(1, int(q.get("pageSize", "20"))))
                since = int(q["updateTimeStart"]) if q.get("updateTimeStart") else None
            except ValueError:
                return self.answer(200, {"code": 400, "msg": "参数错误", "data": None})
            total, rows = reports.page(since, page_no, size)
            body = ('{"code":0,"msg":"success","data":{"total":%d,"pageNo":%d,"pageSize":%d,"list":[%s]}}'
                    % (total, page_no, size, ",".join(rows))).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def new_report(reports, good, rng, counter, bad_kind=None):
    d = json.loads(rng.choice(good))
    old_id = d["reportId"]
    now = common.now_cst()
    new_id = "SSP%s%06d" % (now.strftime("%Y%m%d"), 900000 + counter.next() % 100000)
    now_ms = int(time.time() * 1000)
    created = now_ms - rng.randint(60, 1200) * 1000
    shift = created - d["createTime"]
    d["reportId"] = new_id
    d["createTime"] = created
    if isinstance(d.get("replyTime"), int):
        d["replyTime"] = min(d["replyTime"] + shift, now_ms)
    if d.get("photos"):
        d["photos"] = [u.replace(old_id, new_id) for u in d["photos"]]
    loc = d.get("location") or {}
    if isinstance(loc.get("lng"), (int, float)) and loc.get("lng"):
        loc["lng"] = round(loc["lng"] + rng.uniform(-0.003, 0.003), 6)
        loc["lat"] = round(loc["lat"] + rng.uniform(-0.003, 0.003), 6)
    if bad_kind == 0:
        d["status"] = 8                                   # not in case_status.csv
    elif bad_kind == 1:
        d["location"] = {"lng": 0, "lat": 0, "coordType": "gcj02"}   # the phone had no GPS fix
    elif bad_kind == 2:
        d["createTime"] = now.strftime("%Y-%m-%d %H点%M分")   # free text instead of unix ms
    return reports.add(d)


def close_report(reports, open_ids):
    while open_ids:
        d = reports.get(open_ids.pop(0))
        if d and d.get("status") in (0, 1, 2):
            d["status"] = 4
            d["replyContent"] = "已转交责任单位处理完毕，感谢您的反映。"
            d["replyTime"] = int(time.time() * 1000)
            d["handleDeptCode"] = d.get("handleDeptCode") or "PJ005"
            reports.add(d)
            return d["reportId"]
    return None


def main():
    p = common.arguments(__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free one)")
    p.add_argument("--key-id", default="govsync-demo")
    p.add_argument("--secret-file", required=True, help="file holding the shared HMAC secret")
    args = p.parse_args()
    rng = common.setup(args, NAME)
    with open(args.secret_file) as f:
        secret = f.read().strip()
    reports = Reports(os.path.join(args.dir, "suishoupai.ndjson"))
    good = [l for l in common.read_ndjson("citizen_report.ndjson") if json.loads(l).get("reportId") not in BAD_IDS]
    counter = common.Counter(os.path.join(args.dir, "suishoupai.counter"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             make_handler(reports, args.key_id, secret, Nonces()))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    common.log(NAME, "serving http://127.0.0.1:%d/api/v1/reports (%d reports)" % (port, len(reports.rows)))
    common.ready(os.path.join(args.dir, "suishoupai.port"), str(port))
    open_ids = []

    def step(n, bad):
        d = new_report(reports, good, rng, counter)
        if d.get("status") in (0, 1, 2):
            open_ids.append(d["reportId"])
        common.log(NAME, "new report %s (status %s)" % (d["reportId"], d.get("status")))
        if n % 4 == 0:
            closed = close_report(reports, open_ids)
            if closed:
                common.log(NAME, "report %s closed (status 4)" % closed)
        if bad:
            kind = (n // max(args.bad_every, 1)) % 3
            d = new_report(reports, good, rng, counter, bad_kind=kind)
            common.log(NAME, "bad report %s (%s)" % (d["reportId"], ["status 8", "no GPS fix", "text createTime"][kind]))

    common.ticks(args, NAME, step)


if __name__ == "__main__":
    main()
