#!/usr/bin/python3
"""Push benchmark client for the HTTP gateway (bench/gateway_bench.sh).

Records (default): builds N unique unified CASE records from template records
(the NDJSON that `govsync mapping test` prints for a platform sample), and
POSTs them to /v1/records in batches from several concurrent keep-alive
clients.

Rows (--rows SAMPLE --platform P): builds N unique source rows from the
platform's sample rows that map cleanly (those whose ticket_no is the
source_id of a template record), and POSTs them to /v1/push/P, where the
server maps them; every row must come back as a record.

Prints one JSON line: records, requests, seconds, records_per_s.

With --csv it also writes the same records (or rows) as CSV (key, JSON as
pushed) for the baselines (sqlite3 .import, psql \\copy into a table with a
primary key).

Standard library only (run by Debian's /usr/bin/python3).
"""
import argparse
import csv
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse

# Set by govsync, not by the pusher.
SERVER_FIELDS = ("record_id", "mapping", "version", "ingested_at", "payload_sha256", "deleted")


def build_records(template_file, count, prefix):
    templates = []
    with open(template_file, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rec = json.loads(line)
                for k in SERVER_FIELDS:
                    rec.pop(k, None)
                templates.append(rec)
    if not templates:
        sys.exit("gateway_push: no template records in " + template_file)
    out = []
    for i in range(count):
        rec = dict(templates[i % len(templates)])
        sid = "%s%08d" % (prefix, i)
        rec["source_id"] = sid
        rec["case_no"] = sid
        if "reporter_phone" in rec:  # unique personal data, so masking has real work
            rec["reporter_phone"] = "13%09d" % (i % 1000000000)
        out.append(rec)
    return out


def build_rows(sample_file, template_file, count, prefix):
    """Unique water-utility ticket rows (ticket_no, contact_phone) from the sample rows that map cleanly."""
    mapped = set()
    with open(template_file, encoding="utf-8") as f:
        for line in f:
            if line.startswith("{"):
                mapped.add(json.loads(line).get("source_id"))
    templates = []
    with open(sample_file, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                row = json.loads(line)
                if str(row.get("ticket_no", "")).strip() in mapped:
                    templates.append(row)
    if not templates:
        sys.exit("gateway_push: no sample row of " + sample_file + " maps to a template record")
    out = []
    for i in range(count):
        row = dict(templates[i % len(templates)])
        row["ticket_no"] = "%s%08d" % (prefix, i)
        if row.get("contact_phone"):  # unique personal data, so masking has real work
            row["contact_phone"] = "13%09d" % (i % 1000000000)
        out.append(row)
    return out


SUMMARY_RECORDS = re.compile(rb'"records":(\d+)')
SUMMARY_DEAD = re.compile(rb'"dead_letters":(\d+)')


def dumps(rec):
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--token", required=True)
    ap.add_argument("--templates", required=True)
    ap.add_argument("--records", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--prefix", default="GWB")
    ap.add_argument("--rows", help="push source rows built from this platform sample (NDJSON) instead")
    ap.add_argument("--platform", default="water_fault", help="with --rows: POST /v1/push/PLATFORM")
    ap.add_argument("--csv", help="also write the records (rows) as CSV (key, JSON) here")
    a = ap.parse_args()

    if a.rows:
        records = build_rows(a.rows, a.templates, a.records, a.prefix)
        keys = [r["ticket_no"] for r in records]
        path = "/v1/push/" + a.platform
    else:
        records = build_records(a.templates, a.records, a.prefix)
        keys = [r["source_system"] + "/" + r["source_id"] for r in records]
        path = "/v1/records"
    texts = [dumps(r) for r in records]
    if a.csv:
        with open(a.csv, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            for k, t in zip(keys, texts):
                w.writerow([k, t])
    bodies = [("[" + ",".join(texts[i:i + a.batch]) + "]").encode("utf-8")
              for i in range(0, len(texts), a.batch)]
    sizes = [min(a.batch, len(texts) - i) for i in range(0, len(texts), a.batch)]
    u = urllib.parse.urlsplit(a.url)
    headers = {"Authorization": "Bearer " + a.token, "Content-Type": "application/json"}

    lock = threading.Lock()
    state = {"next": 0, "errors": [], "committed": 0}

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        while True:
            with lock:
                i = state["next"]
                if i >= len(bodies) or state["errors"]:
                    break
                state["next"] = i + 1
            conn.request("POST", path, body=bodies[i], headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if a.rows:
                # The summary comes first: "records": N, ... "dead_letters": D.
                m, d = SUMMARY_RECORDS.search(data), SUMMARY_DEAD.search(data)
                n = int(m.group(1)) if m else -1
                if not d or int(d.group(1)) != 0:
                    n = -1
            else:
                # One "record_id" per committed record in the answer.
                n = data.count(b'"record_id"')
            with lock:
                if resp.status != 200 or n != sizes[i]:
                    state["errors"].append("batch %d: HTTP %d, %d records: %s" % (i, resp.status, n, data[:300]))
                state["committed"] += n
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(a.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.perf_counter() - t0
    if state["errors"]:
        sys.exit("gateway_push: " + state["errors"][0])
    print(json.dumps({"path": path, "records": state["committed"], "requests": len(bodies), "batch": a.batch,
                      "clients": a.clients, "seconds": round(secs, 3),
                      "body_mb": round(sum(map(len, bodies)) / 1e6, 1),
                      "records_per_s": round(state["committed"] / secs)}))


if __name__ == "__main__":
    main()
