"""A Python client of the govsync Thrift gateway, as a department would write it.

Uses the package `thrift --gen py` made from schema/exchange.thrift at build
time and Debian's python3-thrift (run with /usr/bin/python3). Prints one line
per check ("<check> ok"); exits non-zero on the first failure.

    thrift_client.py GEN_PY_DIR PORT CA_FILE KEY_ID SECRET REVOKED_TOKEN

KEY_ID/SECRET hold push:tiny and pull:*; REVOKED_TOKEN is a revoked key's token.
"""
import base64
import hashlib
import hmac
import json
import os
import socket
import ssl
import sys
import time

gen_dir, port, ca_file, key_id, secret, revoked_token = sys.argv[1:7]
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


def signed(method, payload=b"", nonce=None, secret_=None, skew=0):
    """The signing rule of docs/api.md for Thrift calls."""
    ts = int(time.time()) + skew
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


def refused(name, call, exception=AuthError):
    try:
        call()
        check(name, False, "accepted")
    except exception as e:
        check(name, exception is not AuthError or e.message == "authentication failed", e)


# Every way a credential can be wrong is the same AuthError.
refused("no_credential", lambda: client.pull(Credential(), PullRequest()))
refused("expired", lambda: client.pull(signed("pull", skew=-301), PullRequest()))
tampered = signed("pushRows", body)
refused("tampered", lambda: client.pushRows(tampered, PushRowsRequest(platform="tiny", body=body + b" ")))
refused("wrong_method", lambda: client.pull(signed("pushRows"), PullRequest()))
refused("revoked", lambda: client.pull(Credential(token=revoked_token), PullRequest()))
# Outside its scopes: NotFound, as for a platform that does not exist.
refused("wrong_scope", lambda: client.pushRows(bearer(), PushRowsRequest(platform="tinyreview", body=rows)),
        NotFound)

# A hostile frame header (2 GiB) closes only its own connection.
context = ssl.create_default_context(cafile=ca_file)
with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as raw:
    with context.wrap_socket(raw, server_hostname="localhost") as hostile:
        hostile.sendall(b"\x7f\xff\xff\xff" + b"\x80\x01\x00\x01")
        try:
            closed = hostile.recv(1) == b""
        except (ConnectionError, ssl.SSLError):
            closed = True
check("hostile_frame_closed", closed)
check("still_serving", len(client.pull(bearer(), PullRequest(limit=1)).records) == 1)
