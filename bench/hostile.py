#!/usr/bin/env python3
"""Hostile-client check (issue 9, "Done means"): sends N generated hostile requests to a running Inexopay over raw
sockets and counts what the application answered wrongly.

Every request goes to one of the contract's endpoints (or an unknown neighbour) with one mutation: a body that
cannot be read (invalid UTF-8, unpaired surrogates, NUL bytes, truncated or boundary-less multipart, too many fields,
over-long keys, oversize bodies, wrong content types, JSON that is not an object, objects/arrays where strings
belong, broken chunked encoding, a Content-Length that lies), a method other than POST, an unknown path, a hostile
Standard Webhooks header or Protean envelope, or something only a raw socket can send (invalid header lines, huge
headers, long URIs, bad request lines). Paid endpoints always carry one invalid parameter no mutation repairs, so no
request may move money (hostile.sh checks the ledger).

Each answer is classified:
  ok           the application answered in the endpoint's own shape (JSON parsed and checked; HTML for the portal)
  kestrel      an empty-bodied 4xx with "Connection: close": Kestrel refused the request before the application ran
  bad-5xx      any 5xx (no request here can reach a provider, so none is documented)
  empty        an application answer without a body (HEAD excepted)
  not-json     a body that is not JSON where the endpoint answers JSON (or not HTML where it answers HTML)
  wrong-shape  JSON, but not the endpoint's shape (status fields missing or not matching the HTTP status)
  no-answer    the connection closed or timed out without a response
Exit status 1 when bad-5xx, empty, not-json or wrong-shape is not zero (no-answer is reported, not failed: Kestrel
closes some connections on purpose, e.g. after a body larger than its limit).

Usage: hostile.py --url http://127.0.0.1:5080 --username U --test-key K [--live-key K] [--requests 60000]
                  [--seed N] [--workers 16] [--json-out FILE]
"""
import argparse
import collections
import json
import random
import socket
import sys
import threading
import time

# ─────────────────────────── endpoints ───────────────────────────

PAN = "/api/nsdl-pan/v1/"
BANK = "/api/nsdl-bank/v1/"
PORTAL = "/sandbox/protean/SpringBootFormHandling/"
HV = "/v1/NSDLPanVerificationDirect"

# path -> (family, base parameters). Paid endpoints carry a "poison" value that no mutation can make valid.
ENDPOINTS = {
    "/api/check_status.php": ("status_code", {}),
    "/api/balance.php": ("error_code", {}),
    "/api/server-status.php": ("server_status", {}),
    PAN + "request_pan.php": ("status_code", {"orderid": "ORD-HOSTILE", "number": "12345", "pan_mode": "EKYC",
                                              "pan_type": "new_pan", "return_url": "https://shop.example/cb"}),
    PAN + "pan_status.php": ("status_code", {"orderid": "ORD-NOPE"}),
    PAN + "incomplete.php": ("status_code", {"orderid": "ORD-NOPE"}),
    PAN + "upstream_callback.php": ("callback", {"orderid": "IXPNOSUCHTXN"}),
    BANK + "onboarding.php": ("bank", {"order_id": "B-HOSTILE", "shop_name": "My Shop", "name": "Rahul Kumar",
                                       "email": "not-an-email", "mobile": "9876543210", "date_of_birth": "2000-05-15",
                                       "address": "Mathura, UP", "state_name": "Uttar Pradesh", "city_name": "Mathura",
                                       "pincode": "281001", "pancard": "AWTPL9909L"}),
    BANK + "account-open.php": ("bank", {"order_id": "B-HOSTILE", "account_type": "saving", "bcagentid": "INEXO9999",
                                         "agent_pancard": "AWTPL9929J", "first_name": "Rahul", "last_name": "Sharma",
                                         "email": "not-an-email", "phone": "9876543210", "pancard": "AWTPL9929J",
                                         "pincode": "281001"}),
    BANK + "account-status.php": ("bank", {"order_id": "B-NOPE"}),
    BANK + "account-details.php": ("bank", {"pancard": "AWTPL9929J"}),
    HV: ("hyperverge", {"pan": "ABCPV1234D", "name": "RAHUL KUMAR SHARMA", "dob": "15/05/2999"}),
    PORTAL + "newPanReq": ("html", {}),
    PORTAL + "crPanReq": ("html", {}),
    PORTAL + "incompleteApplication": ("html", {}),
    PORTAL + "submitApplication": ("html", {"action": "complete"}),
}
UNKNOWN = ["/api/nope.php", "/api/nsdl-pan/v1/nope.php", "/api/nsdl-bank/v1/nope.php", "/v1/Nope", "/v1/",
           "/api/", "/api", "/api/nsdl-bank/x/y/z", PORTAL + "nope", "/API/BALANCE.PHP/", "/api//balance.php"]


def family_of(path):
    """The family the server must answer in for this path (mirrors ApiErrorHandling's folder rule)."""
    p = normalize(path.split("?")[0])
    for known, (family, _) in ENDPOINTS.items():
        if p.lower().rstrip("/") == known.lower():
            return "status_code" if family in ("server_status", "callback") else family
    low = p.lower()
    if low.startswith("/api/nsdl-bank"):
        return "bank"
    if low.startswith(PORTAL.lower()):
        return "html"
    if low.startswith("/v1/") or low == "/v1":
        return "hyperverge"
    if low.startswith("/api/") or low == "/api":
        return "status_code"
    return None


def normalize(path):
    """Removes dot segments as Kestrel does before routing ("/a/b/.." → "/a/")."""
    out = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    trailing = path.endswith("/") or path.endswith("/..") or path.endswith("/.")
    return "/" + "/".join(out) + ("/" if trailing and out else "")


# ─────────────────────────── body builders ───────────────────────────

def form_body(fields):
    out = []
    for k, v in fields:
        out.append(quote(k) + b"=" + quote(v))
    return b"&".join(out)


def quote(v):
    if isinstance(v, str):
        v = v.encode("utf-8", "surrogatepass")
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"
    return b"".join(bytes([c]) if c in safe else b"%%%02X" % c for c in v)


def multipart_body(fields, boundary=b"xYzBoundary"):
    out = b""
    for k, v in fields:
        k = k.encode("utf-8", "surrogatepass") if isinstance(k, str) else k
        v = v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v
        out += b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + k + b"\"\r\n\r\n" + v + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def json_str(s):
    """A JSON string literal; s may be bytes (inserted raw, e.g. invalid UTF-8) or already-escaped text (str)."""
    if isinstance(s, bytes):
        return b'"' + s + b'"'
    return json.dumps(s).encode()


def json_body(fields, raw=None):
    """fields: list of (key, value) where value is a python value or ('raw', bytes) inserted verbatim."""
    parts = []
    for k, v in fields:
        key = k[1] if isinstance(k, tuple) else json_str(k)
        val = v[1] if isinstance(v, tuple) else json.dumps(v).encode()
        parts.append(key + b":" + val)
    return b"{" + b",".join(parts) + b"}"


# ─────────────────────────── the generator ───────────────────────────

BAD_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"abc\x80", b"\xe2\x82"]
LONE = ["\\ud800", "\\udfff", "a\\ud83d", "\\udc00\\ud800", "\\uDBFF"]
CONTROL = ["\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "x\x08y", "\x00" * 5]


class Gen:
    def __init__(self, rng, creds):
        self.r = rng
        self.creds = creds

    def pick(self, xs):
        return self.r.choice(xs)

    def credentials(self):
        """Mostly the test key (to reach parsing and validation), sometimes the live key, a bad key or none."""
        u, t, l = self.creds
        roll = self.r.random()
        if roll < 0.75 or not l:
            return u, t
        if roll < 0.85:
            return u, l
        if roll < 0.95:
            return u, "ixp_test_" + "A" * 38
        return None, None

    def params(self, path):
        family, base = ENDPOINTS[path]
        fields = list(base.items())
        if family in ("html",):
            fields = [("req", self.envelope())] + fields
        elif family != "hyperverge":
            u, k = self.credentials()
            if u is not None:
                fields = [("api_key" if self.r.random() < 0.8 else "token", k), ("username", u)] + fields
        return family, fields

    def envelope(self):
        txn = self.pick(["IXP0000000000000000000001", "\\ud800", "a\\u0000b", "x" * self.r.randint(65, 3000), "", "IXP\\udfffX"])
        ent = self.pick(["IXPSBX000001", "\\udc00", "\\u0000", "E" * 200])
        inner = '{"txnid":"%s","reqTs":"2026-12-02T10:00:00","entityId":"%s","returnUrl":"https://x.example/r","formData":"%s"}' % (
            txn, ent, self.pick(["e30=", "!!notbase64", "", "W10="]))
        kind = self.pick(["reqEntityData", "incompleteData", "other"])
        env = '{"%s":%s,"signature":"%s"}' % (kind, inner, self.pick(["AAAA", "", "!!", "A" * 44]))
        return self.pick([env, env, env, "{not json", "\\ud800", "[]", "null", env[: self.r.randint(1, len(env))]])

    # Each mutation returns (method, path, headers, body, note) or ("RAW", bytes, note).
    def request(self):
        m = self.pick(MUTATIONS)
        return m(self)


def post(path, ctype, body, extra=None, method="POST"):
    headers = [("Content-Type", ctype)] if ctype is not None else []
    return method, path, headers + (extra or []), body, method if method != "POST" else "body"


def hv_headers(g, tid=None):
    u, k = g.credentials()
    h = []
    if u is not None:
        h += [("appId", u), ("appKey", k)]
    h.append(("transactionId", tid if tid is not None else "hostile-%d" % g.r.randint(0, 10 ** 9)))
    return h


def _target(g):
    path = g.pick(list(ENDPOINTS))
    family, fields = g.params(path)
    extra = hv_headers(g) if family == "hyperverge" else []
    return path, family, fields, extra


def mut_json_surrogate(g):
    path, _, fields, extra = _target(g)
    i = g.r.randrange(len(fields) + 1)
    lone = g.pick(LONE).encode()
    if g.r.random() < 0.5 or not fields:
        fields = fields[:i] + [(("raw", b'"' + lone + b'"'), "x")] + fields[i:]
    else:
        k, _ = fields[i % len(fields)]
        fields[i % len(fields)] = (k, ("raw", b'"' + lone + b'"'))
    return post(path, "application/json", json_body(fields), extra)


def mut_json_bad_utf8(g):
    path, _, fields, extra = _target(g)
    bad = g.pick(BAD_UTF8)
    if g.r.random() < 0.5 and fields:
        i = g.r.randrange(len(fields))
        fields[i] = (fields[i][0], ("raw", b'"' + bad + b'"'))
    else:
        fields.append((("raw", b'"k' + bad + b'"'), "v"))
    return post(path, g.pick(["application/json", "application/json; charset=utf-8", None]), json_body(fields), extra)


def mut_nul(g):
    path, _, fields, extra = _target(g)
    i = g.r.randrange(len(fields)) if fields else 0
    ctl = g.pick(CONTROL)
    if fields:
        fields[i] = (fields[i][0], fields[i][1] + ctl)
    else:
        fields = [("x" + ctl, "y")]
    kind = g.r.randrange(4)
    if kind == 0:
        return post(path, "application/x-www-form-urlencoded", form_body(fields), extra)
    if kind == 1:
        return post(path, "multipart/form-data; boundary=xYzBoundary", multipart_body(fields), extra)
    if kind == 2:
        return post(path, "application/json", json_body(fields), extra)
    # a raw NUL byte inside the urlencoded body
    return post(path, "application/x-www-form-urlencoded", form_body(fields[:i]) + b"&a=\x00\x00&" + form_body(fields[i:]), extra)


def mut_form_bad_utf8(g):
    path, _, fields, extra = _target(g)
    bad = g.pick(BAD_UTF8)
    if fields and g.r.random() < 0.6:
        i = g.r.randrange(len(fields))
        fields[i] = (fields[i][0], fields[i][1].encode() + bad)
    else:
        fields.append((b"k" + bad, "v"))
    if g.r.random() < 0.5:
        return post(path, "application/x-www-form-urlencoded", form_body(fields), extra)
    return post(path, "multipart/form-data; boundary=xYzBoundary", multipart_body(fields), extra)


def mut_multipart_truncated(g):
    path, _, fields, extra = _target(g)
    body = multipart_body(fields or [("a", "b")])
    cut = body[: g.r.randint(1, len(body) - 1)]
    return post(path, "multipart/form-data; boundary=xYzBoundary", cut, extra)


def mut_multipart_boundary(g):
    path, _, fields, extra = _target(g)
    body = multipart_body(fields or [("a", "b")])
    ctype = g.pick(["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=other",
                    "multipart/form-data; boundary=" + "b" * 200, 'multipart/form-data; boundary="unterminated',
                    "multipart/mixed; boundary=xYzBoundary", "multipart/form-data; boundary=xYzBoundary; charset=utf-7"])
    return post(path, ctype, body, extra)


def mut_too_many_fields(g):
    path, _, fields, extra = _target(g)
    n = g.pick([129, 500, 1025, 3000])
    many = fields + [("f%d" % i, "v") for i in range(n)]
    kind = g.r.randrange(3)
    if kind == 0:
        return post(path, "application/x-www-form-urlencoded", form_body(many), extra)
    if kind == 1:
        return post(path, "multipart/form-data; boundary=xYzBoundary", multipart_body(many), extra)
    return post(path, "application/json", json_body(many), extra)


def mut_long_key(g):
    path, _, fields, extra = _target(g)
    key = "k" * g.pick([257, 2049, 5000, 20000])
    fields.insert(g.r.randrange(len(fields) + 1), (key, "v"))
    kind = g.r.randrange(3)
    if kind == 0:
        return post(path, "application/x-www-form-urlencoded", form_body(fields), extra)
    if kind == 1:
        return post(path, "multipart/form-data; boundary=xYzBoundary", multipart_body(fields), extra)
    return post(path, "application/json", json_body(fields), extra)


def mut_oversize(g):
    path, _, fields, extra = _target(g)
    size = g.pick([17 * 1024, 70 * 1024, 300 * 1024, 1100 * 1024])
    fields.append(("pad", "x" * size))
    kind = g.r.randrange(2)
    if kind == 0:
        return post(path, "application/x-www-form-urlencoded", form_body(fields), extra)
    return post(path, "application/json", json_body(fields), extra)


def mut_content_type(g):
    path, _, fields, extra = _target(g)
    ctype = g.pick(["text/plain", "application/xml", "image/png", "a/b/c", ";;;", "application/x-www-form-urlencoded; charset=utf-16",
                    "application/x-www-form-urlencoded; charset=nope", "application/json; charset=latin1", "*/*", "text/html"])
    body = g.pick([json_body(fields), form_body(fields), b"\x89PNG\r\n\x1a\n\x00\x00", b"<xml/>"])
    return post(path, ctype, body, extra)


def mut_json_not_object(g):
    path, _, _, extra = _target(g)
    body = g.pick([b"[1,2]", b'"str"', b"123", b"null", b"true", b"{", b"}{", b"{}}", b"[", b'{"a":}', b"\xef\xbb\xbf[]",
                   b'{"a":1,}', b"NaN", b"{'a':1}", b'{"a":"b" "c":"d"}', b"\x00", b"   \t "])
    return post(path, g.pick(["application/json", None, "text/json"]), body, extra)


def mut_json_types(g):
    path, _, fields, extra = _target(g)
    if not fields:
        fields = [("username", "u")]
    i = g.r.randrange(len(fields))
    val = g.pick([["a"], {"x": 1}, [], {}, [[["deep"]]], None, 1e308, -0.0, 12345678901234567890123, True])
    fields[i] = (fields[i][0], val)
    return post(path, "application/json", json_body(fields), extra)


def mut_json_deep(g):
    path, _, _, extra = _target(g)
    depth = g.pick([20, 65, 1000, 20000])
    body = b'{"a":' + b"[" * depth + b"]" * depth + b"}"
    return post(path, "application/json", body, extra)


def mut_control(g):
    path, _, fields, extra = _target(g)
    if not fields:
        fields = [("username", "u")]
    i = g.r.randrange(len(fields))
    fields[i] = (fields[i][0], fields[i][1] + "".join(chr(g.r.randrange(0, 32)) for _ in range(3)))
    return post(path, "application/json", json_body(fields), extra)


def mut_percent(g):
    path, _, fields, extra = _target(g)
    body = form_body(fields) + g.pick([b"&a=%G1", b"&%=%", b"&b=%%%", b"&c=%F", b"&=&=&", b"&&&", b"&d=%C0%AF", b"&e=%ED%A0%80"])
    return post(path, "application/x-www-form-urlencoded", body, extra)


def mut_method(g):
    path = g.pick(list(ENDPOINTS))
    method = g.pick(["OPTIONS", "HEAD", "TRACE", "PUT", "PATCH", "DELETE", "GET", "FOO", "PROPFIND", "get"])
    body = b"" if method in ("HEAD", "GET", "TRACE") or g.r.random() < 0.5 else b"a=b"
    return post(path, "application/x-www-form-urlencoded" if body else None, body, None, method)


def mut_path(g):
    path = g.pick(UNKNOWN + list(ENDPOINTS))
    suffix = g.pick(["", "/", "?x=1", "?%ff", "/..", "%2F", "x" * g.r.randint(1, 6000), "/%C3%A9", "/%e2%80%ae"])
    method = g.pick(["POST", "GET", "PUT", "HEAD"])
    return post(path + suffix if path not in ("/api", "/v1/") else path, "application/x-www-form-urlencoded", b"a=b", None, method)


def mut_chunked(g):
    path, _, fields, extra = _target(g)
    body = form_body(fields)
    enc = g.pick([b"zz\r\n" + body + b"\r\n0\r\n\r\n", b"%x\r\n" % (len(body) + 10) + body + b"\r\n0\r\n\r\n",
                  b"%x\r\n" % len(body) + body + b"\r\n", b"-1\r\nab\r\n0\r\n\r\n", b"ffffffffffffffffff\r\nab\r\n"])
    return ("POST", path, [("Content-Type", "application/x-www-form-urlencoded"), ("Transfer-Encoding", "chunked")] + extra, enc, "chunked")


def mut_length_lie(g):
    path, _, fields, extra = _target(g)
    body = form_body(fields)
    return ("POST", path, [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(len(body) + g.r.randint(1, 500)))] + extra,
            body, "length-lie")


def mut_webhook(g):
    ts = g.pick(["-9223372036854775808", "9223372036854775807", "-1", "0", "1" + "0" * 40, "abc", "", " 1", "1e10",
                 str(int(time.time())), "-9223372036854775807"])
    sig = g.pick(["v1,abc", "", "v1," + "A" * 5000, "v9,x v1,y", ",,,", "v1,\u00e9".encode().decode("latin1")])
    body = g.pick([b'{"order_id":"\\ud800"}', b'{"order_id":"a\\u0000b"}', b'{"order_id":123}', b'{"order_id":"' + b"x" * 100 + b'"}',
                   b"{bad", b'{"order_id":"IXP123"}', b"\xff\xfe", b"x" * 70000, b""])
    h = [("webhook-id", g.pick(["msg_1", "", "x" * 300])), ("webhook-timestamp", ts), ("webhook-signature", sig)]
    return post(PAN + "upstream_callback.php", "application/json", body, h)


def mut_hv_headers(g):
    tid = g.pick(["", "x" * 65, "a b", "\u00e9".encode().decode("latin1"), "ok-1", "../../etc", "%00", "\t"])
    h = [("appId", g.pick(["", "demo", "x" * 500])), ("appKey", g.pick(["", "ixp_test_short", "ixp_live_" + "Z" * 38])), ("transactionId", tid)]
    return post(HV, g.pick(["application/json", "text/plain", None]), g.pick([b"{}", b'{"pan":1}', b""]), h)


def raw(data, note):
    return ("RAW", data, note)


def mut_raw(g):
    """What only a raw socket sends: invalid header lines, huge headers, long URIs, bad request lines."""
    path = g.pick(list(ENDPOINTS))
    ok = b"Host: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n"
    choice = g.r.randrange(14)
    if choice == 0:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\n" + ok + b"NoColonHere\r\n\r\na=b", "header-no-colon")
    if choice == 1:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\n" + ok + b"Bad Name: v\r\n\r\na=b", "header-space-in-name")
    if choice == 2:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\n" + ok + b"X-A: \xff\xfe\x00\r\n\r\na=b", "header-non-ascii-nul")
    if choice == 3:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\n" + ok + b"X-Big: " + b"a" * 40000 + b"\r\n\r\na=b", "header-431")
    if choice == 4:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\n" + ok + b"".join(b"X-%d: v\r\n" % i for i in range(120)) + b"\r\na=b", "headers-count-431")
    if choice == 5:
        return raw(b"POST " + path.encode() + b"?" + b"q" * 9000 + b" HTTP/1.1\r\n" + ok + b"\r\na=b", "uri-414")
    if choice == 6:
        return raw(g.pick([b"GARBAGE\r\n\r\n", b"POST\r\n\r\n", b"POST " + path.encode() + b" HTTP/9.9\r\n" + ok + b"\r\na=b",
                           b"POST  " + path.encode() + b"  HTTP/1.1\r\n\r\n", b"\x00\x01\x02\r\n\r\n", b"POST /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n"]),
                   "request-line")
    if choice == 7:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\na=b", "dup-length")
    if choice == 8:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\nConnection: close\r\n\r\na=b", "neg-length")
    if choice == 9:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b", "no-host")
    if choice == 10:
        return raw(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\n3\r\na=b\r\n0\r\n\r\n",
                   "te-and-cl")
    if choice == 11:
        return raw(b"POST http://evil.example" + path.encode() + b" HTTP/1.1\r\n" + ok + b"\r\na=b", "absolute-form")
    if choice == 12:
        return raw(b"POST " + path.encode() + b" HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b", "http10")
    return raw(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\na=b", "te-gzip")


MUTATIONS = ([mut_json_surrogate] * 4 + [mut_json_bad_utf8] * 4 + [mut_nul] * 4 + [mut_form_bad_utf8] * 3 + [mut_multipart_truncated] * 3
             + [mut_multipart_boundary] * 3 + [mut_too_many_fields] * 2 + [mut_long_key] * 2 + [mut_oversize] * 2 + [mut_content_type] * 3
             + [mut_json_not_object] * 3 + [mut_json_types] * 3 + [mut_json_deep] + [mut_control] * 2 + [mut_percent] * 2
             + [mut_method] * 4 + [mut_path] * 3 + [mut_chunked] * 2 + [mut_length_lie] + [mut_webhook] * 3 + [mut_hv_headers] * 2
             + [mut_raw] * 4)


# ─────────────────────────── sending and reading ───────────────────────────

def encode_request(method, path, headers, body, note):
    lines = [b"%s %s HTTP/1.1" % (method.encode(), path.encode("utf-8", "surrogatepass")), b"Host: 127.0.0.1", b"Connection: close"]
    names = {h[0].lower() for h in headers}
    for k, v in headers:
        lines.append(k.encode("latin1") + b": " + (v.encode("latin1") if isinstance(v, str) else v))
    if "content-length" not in names and "transfer-encoding" not in names and (body or method in ("POST", "PUT", "PATCH")):
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None if not data else parse(data)
        data += chunk
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return parse(data)


def parse(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        return None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin1")] = v.strip().decode("latin1")
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(body)
    return status, headers, body


def dechunk(body):
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out


def send(host, port, request, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        if request[0] == "RAW":
            s.sendall(request[1])
        else:
            s.sendall(encode_request(*request))
        if request[-1] in ("length-lie", "chunked"):
            s.shutdown(socket.SHUT_WR)  # the rest of the declared body never comes
        return read_response(s)
    except (ConnectionResetError, BrokenPipeError):
        try:
            return read_response(s)
        except OSError:
            return None
    except socket.timeout:
        return None
    finally:
        s.close()


# ─────────────────────────── judging ───────────────────────────

def judge(request, response):
    if response is None:
        # After a short body the client half-closes (length-lie, broken chunked): Kestrel takes the FIN as a disconnect.
        return ("half-closed" if request[-1] in ("length-lie", "chunked") else "no-answer"), None
    status, headers, body = response
    method = request[0] if request[0] != "RAW" else "RAW"
    path = request[1] if request[0] != "RAW" else None
    if not body and status >= 400 and headers.get("connection", "").lower() == "close" and headers.get("content-length") == "0":
        return "kestrel", status  # Kestrel's own answer (the application's always have a body)
    if status >= 500:
        return "bad-5xx", status
    if not body:
        return ("ok" if method == "HEAD" else "empty"), status
    family = family_of(path) if path else None
    if family is None:
        return "ok", status
    if family == "html":
        ok = "text/html" in headers.get("content-type", "") and b"<html" in body.lower()
        return ("ok" if ok else "not-json"), status
    try:
        doc = json.loads(body)
    except ValueError:
        # upstream_callback's browser return (no webhook-id) answers an HTML page for an unknown application
        if path and "upstream_callback" in path and "text/html" in headers.get("content-type", "") and status == 404:
            return "ok", status
        return "not-json", status
    if not isinstance(doc, dict):
        return "wrong-shape", status
    if "status" in doc and doc.get("status") == "success" and status == 200:
        return "ok", status
    if family == "status_code":
        ok = doc.get("status_code") == status and isinstance(doc.get("message"), str) and "status" in doc
    elif family == "error_code":
        ok = doc.get("error_code") == status and isinstance(doc.get("message"), str) and doc.get("status") in ("FAILED", "SUCCESS")
    elif family == "bank":
        ok = doc.get("status") is True and status == 200 or (doc.get("status") is False and doc.get("error_code") == status)
        ok = ok and isinstance(doc.get("message"), str)
    elif family == "hyperverge":
        ok = doc.get("statusCode") == status and doc.get("status") in ("failure", "success") and (status == 200 or isinstance(doc.get("message"), str))
    else:
        ok = True
    return ("ok" if ok else "wrong-shape"), status


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:5080")
    ap.add_argument("--username", required=True)
    ap.add_argument("--test-key", required=True)
    ap.add_argument("--live-key", default="")
    ap.add_argument("--requests", type=int, default=60000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--json-out")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1, 2 ** 31)
    print("hostile: seed %d (repeat with --seed %d), %d requests, %d workers" % (seed, seed, a.requests, a.workers), flush=True)
    host, port = a.url.split("//", 1)[1].split(":")
    port = int(port.rstrip("/"))

    counts = collections.Counter()
    kestrel = collections.Counter()
    by_note = collections.Counter()
    samples = collections.defaultdict(list)
    statuses = collections.Counter()
    lock = threading.Lock()
    next_index = [0]

    def worker(n):
        while True:
            with lock:
                i = next_index[0]
                if i >= a.requests:
                    return
                next_index[0] += 1
            g = Gen(random.Random(seed * 1_000_003 + i), (a.username, a.test_key, a.live_key))
            req = g.request()
            try:
                resp = send(host, port, req, a.timeout)
            except OSError:
                resp = None
            verdict, status = judge(req, resp)
            with lock:
                counts[verdict] += 1
                statuses[status] += 1
                if verdict == "kestrel":
                    kestrel["%s %s" % (status, req[-1])] += 1
                if (verdict not in ("ok", "kestrel", "half-closed") or (verdict == "kestrel" and req[0] != "RAW")) and len(samples[verdict]) < 5:
                    desc = req[2][:200] if req[0] == "RAW" else (req[0], req[1][:80], req[2][:3], req[3][:160])
                    samples[verdict].append({"index": i, "request": repr(desc), "status": status,
                                             "body": (resp[2][:200].decode("utf-8", "replace") if resp else None)})

    started = time.time()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started

    bad = sum(counts[k] for k in ("bad-5xx", "empty", "not-json", "wrong-shape"))
    report = {"seed": seed, "requests": a.requests, "seconds": round(elapsed, 1), "verdicts": dict(counts),
              "kestrel_answers": dict(kestrel), "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
              "samples": samples, "failures": bad}
    print(json.dumps(report, indent=1, default=str))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(report, f, indent=1, default=str)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
