"""A Python client of the govsync Thrift gateway, as a department would write it.

Uses the package `thrift --gen py` made from schema/exchange.thrift at build
time and Debian's python3-thrift (run with /usr/bin/python3). Prints one line
per check ("<check> ok"); exits non-zero on the first failure.

    thrift_client.py GEN_PY_DIR PORT CA_FILE KEY_ID SECRET
"""
import base64
import hashlib
import hmac
import json
import os
import ssl
import sys
import time

gen_dir, port, ca_file, key_id, secret = sys.argv[1:6]
sys.path.insert(0, gen_dir)

from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TSSLSocket, TTransport  # noqa: E402
from govsync_exchange import ExchangeGateway  # noqa: E402
from govsync_exchange.ttypes import (  # noqa: E402
    AuthError, CaseRecord, Credential, Envelope, InvalidInput, NotFound, PullRequest, PushRowsRequest, Record,
    RecordKind, RowOutcome)


def connect():
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    sock = TSSLSocket.TSSLSocket("localhost", int(port), ssl_context=context, server_hostname="localhost")
    transport = TTransport.TFramedTransport(sock)
    client = ExchangeGateway.Client(TBinaryProtocol.TBinaryProtocol(transport, strictRead=True))
    transport.open()
    return client


def bearer():
    return Credential(token=key_id + "." + secret)


def signed(method, payload=b"", nonce=None, secret_=None):
    """The signing rule of docs/api.md for Thrift calls."""
    ts = int(time.time())
    nonce = nonce or base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    text = "\n".join(["THRIFT", method, str(ts), nonce, hashlib.sha256(payload).hexdigest()])
    mac = hmac.new((secret_ or secret).encode(), text.encode(), hashlib.sha256).digest()
    return Credential(key_id=key_id, timestamp=ts, nonce=nonce, signature=base64.b64encode(mac).decode())


def check(name, condition, detail=""):
    if not condition:
        print(name + " FAILED " + str(detail))
        sys.exit(1)
    print(name + " ok")


client = connect()

rows = json.dumps([{"id": "PY%d" % i, "title": "井盖缺失", "region": "211102", "name": "李四",
                    "phone": "13800001111", "sat": "5"} for i in range(3)], ensure_ascii=False).encode()
result = client.pushRows(bearer(), PushRowsRequest(platform="tiny", body=rows))
check("push", result.records == 3 and all(r.outcome == RowOutcome.RECORD for r in result.results), result)

page = client.pull(bearer(), PullRequest(limit=10))
check("pull", len(page.records) == 3 and page.records[0].envelope.source_system == "tiny", page)
check("masked", page.records[0].case_record.reporter_phone == "138****1111", page.records[0].case_record)

body = json.dumps([{"id": "PYS", "title": "signed"}]).encode()
signed_result = client.pushRows(signed("pushRows", body), PushRowsRequest(platform="tiny", body=body))
after = client.pull(signed("pull"), PullRequest(after=page.next_cursor))
check("signed", signed_result.records == 1 and len(after.records) == 1, after)

try:
    client.pull(Credential(token=key_id + ".wrong"), PullRequest())
    check("auth_error", False, "no AuthError")
except AuthError as e:
    check("auth_error", e.message == "authentication failed", e)

nonce = "py-nonce-" + base64.urlsafe_b64encode(os.urandom(6)).decode()
client.pull(signed("pull", nonce=nonce), PullRequest())
try:
    client.pull(signed("pull", nonce=nonce), PullRequest())
    check("replay", False, "replayed nonce accepted")
except AuthError:
    check("replay", True)

try:
    client.getRecord(bearer(), "no-such-record")
    check("not_found", False, "no NotFound")
except NotFound as e:
    check("not_found", "no-such-record" in e.message, e)

bad = Record(envelope=Envelope(kind=RecordKind.CASE, source_system="tiny", source_id="", region_code="21"),
             case_record=CaseRecord(case_no="B1"))
try:
    client.pushRecords(bearer(), [bad])
    check("invalid_input", False, "no InvalidInput")
except InvalidInput as e:
    fields = {d.field for d in e.details}
    check("invalid_input", "records[0].source_id" in fields and "records[0].region_code" in fields, e)
