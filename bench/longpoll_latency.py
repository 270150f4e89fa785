#!/usr/bin/python3
"""Long-poll wake-up latency of the HTTP gateway (bench/gateway_bench.sh).

One client waits in GET /v1/records?after=<head>&wait=30; once it is waiting,
another connection pushes one record (POST /v1/records). Per round:
  from_send     = long-poll answer received - just before the push was sent
  from_response = long-poll answer received - push answer received
                  (negative when the waiting pull is answered before the push
                  itself: the feed wakes waiters at commit, the push answers
                  after its audit entry is durable)
  push          = push answer received - just before the push was sent (the
                  push's own round trip: the baseline a wake-up is read against)
Prints one JSON line with p50/p99/max of each in milliseconds.

Standard library only (run by Debian's /usr/bin/python3).
"""
import argparse
import http.client
import json
import math
import statistics
import sys
import threading
import time
import urllib.parse


def pct(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--token", required=True, help="pull:* and push:<source_system>")
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--source-system", default="water")
    ap.add_argument("--prefix", default="LP")
    ap.add_argument("--settle-ms", type=float, default=30.0,
                    help="pause after sending the long-poll, so it is waiting when the push arrives")
    a = ap.parse_args()
    u = urllib.parse.urlsplit(a.url)
    auth = {"Authorization": "Bearer " + a.token}
    push_headers = dict(auth, **{"Content-Type": "application/json"})
    poller = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    pusher = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def push(i):
        rec = {"kind": "CASE", "source_system": a.source_system, "source_id": "%s%06d" % (a.prefix, i),
               "case_no": "%s%06d" % (a.prefix, i), "region_code": "211102", "status": "RECEIVED",
               "received_at": "2026-10-01T03:39:44.000Z", "title": "long-poll latency probe"}
        pusher.request("POST", "/v1/records", body=json.dumps([rec]).encode(), headers=push_headers)
        r = pusher.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit("longpoll_latency: push HTTP %d %s" % (r.status, body[:300]))
        return json.loads(body)

    head = push(0)["cursor"]  # the feed head: everything before it is already committed
    from_send, from_response, push_rtt = [], [], []
    for i in range(1, a.rounds + 1):
        result = {}

        def poll():
            poller.request("GET", "/v1/records?limit=1000&wait=30&after=" + head, headers=auth)
            r = poller.getresponse()
            body = r.read()
            result["t"] = time.perf_counter()
            result["status"] = r.status
            result["body"] = body

        th = threading.Thread(target=poll)
        th.start()
        time.sleep(a.settle_ms / 1000.0)
        if "t" in result:
            sys.exit("longpoll_latency: the long-poll answered before the push: %s" % result["body"][:300])
        t0 = time.perf_counter()
        push(i)
        t1 = time.perf_counter()
        th.join()
        if result["status"] != 200:
            sys.exit("longpoll_latency: poll HTTP %d %s" % (result["status"], result["body"][:300]))
        page = json.loads(result["body"])
        ids = [r.get("source_id") for r in page["records"]]
        if ids != ["%s%06d" % (a.prefix, i)]:
            sys.exit("longpoll_latency: round %d: the long-poll returned %s" % (i, ids))
        head = page["next"]
        from_send.append((result["t"] - t0) * 1000.0)
        from_response.append((result["t"] - t1) * 1000.0)
        push_rtt.append((t1 - t0) * 1000.0)

    def summary(v):
        return {"p50": round(pct(v, 50), 2), "p99": round(pct(v, 99), 2), "max": round(max(v), 2),
                "mean": round(statistics.mean(v), 2)}

    print(json.dumps({"rounds": a.rounds, "from_send_ms": summary(from_send),
                      "from_response_ms": summary(from_response), "push_ms": summary(push_rtt)}))


if __name__ == "__main__":
    main()
