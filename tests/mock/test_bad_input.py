"""Hostile input: every kind of bad request gets a JSON 4xx from a real mock, never a 5xx.

Each case is the raw bytes of one request, sent over a fresh loopback socket, so malformed HTTP
reaches the server exactly as written. A case passes when the answer arrives in time, is a 4xx
(or the 2xx a legal oddity deserves), and is JSON in the error envelope; some cases also pin the
status and the ``param`` named (spec: errors, "a JSON error with the parameter at fault").
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from mock_support import BANK_ACCOUNT, CUSTOMER, TEST_KEY

from lotuspay_contract.conformance import validate
from lotuspay_contract.conformance.mock._server import ServerLimits, running_mock

TIMEOUT = 5.0
AUTH = b"Basic " + base64.b64encode(f"{TEST_KEY}:".encode())
LIMITS = ServerLimits(request_timeout=1.0, keep_alive_timeout=1.0)


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    status: int | None = None  # None: any 4xx
    param: str | None = None


def http(
    method: str = "POST",
    target: str | bytes = "/v1/customers",
    body: bytes | str = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    auth: bytes | None = AUTH,
    content_type: bytes | None = b"application/json",
    length: bool = True,
) -> bytes:
    """One HTTP/1.1 request as bytes; ``Host``, ``Connection: close`` and usual headers added."""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if isinstance(target, str):
        target = target.encode()
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    if auth is not None:
        lines.append(b"Authorization: " + auth)
    if content_type is not None and method == "POST":
        lines.append(b"Content-Type: " + content_type)
    if length and method == "POST":
        lines.append(b"Content-Length: " + str(len(body)).encode())
    lines += [name + b": " + value for name, value in headers or []]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def form(body: str | bytes, **kw: object) -> bytes:
    return http(body=body, content_type=b"application/x-www-form-urlencoded", **kw)  # type: ignore[arg-type]


def keyed(key: str) -> list[tuple[bytes, bytes]]:
    return [(b"Idempotency-Key", key.encode())]


def bank(customer: str, body: str | bytes, **kw: object) -> bytes:
    return http(target=f"/v1/customers/{customer}/bank_accounts", body=body, **kw)  # type: ignore[arg-type]


def _cases(customer: str) -> Iterator[Case]:
    lone = "\ud800"
    # Lone surrogates (JSON \ud800) in each string field, with and without an Idempotency-Key.
    for field in ("name", "email", "mobile", "phone", "identification"):
        body = json.dumps({**CUSTOMER, field: f"x{lone}"})
        yield Case(f"surrogate in {field}", http(body=body), 400, field)
        yield Case(
            f"surrogate in {field}, keyed", http(body=body, headers=keyed(field)), 400, field
        )
    body = json.dumps({**CUSTOMER, "metadata": {"plan": lone}})
    yield Case("surrogate in a metadata value", http(body=body), 400, "metadata[plan]")
    yield Case("surrogate in a metadata value, keyed", http(body=body, headers=keyed("m")), 400)
    body = json.dumps({**CUSTOMER, "metadata": {lone: "x"}})
    yield Case("surrogate in a metadata key", http(body=body), 400, "metadata[\\ud800]")
    yield Case("surrogate in a metadata key, keyed", http(body=body, headers=keyed("mk")), 400)
    body = json.dumps({**CUSTOMER, f"a{lone}": "x"})
    yield Case("surrogate in an unknown parameter", http(body=body), 400, "a\\ud800")
    yield Case("surrogate in an unknown parameter, keyed", http(body=body, headers=keyed("u")), 400)
    yield Case("low surrogate alone", http(body='{"name": "\\udc00"}'), 400, "name")
    yield Case("surrogate in a list", http(body='{"name": ["\\ud800"]}'), 400, "name[0]")
    for field in ("account_holder_name", "account_number"):
        body = json.dumps({**BANK_ACCOUNT, field: lone})
        yield Case(f"surrogate in {field}", bank(customer, body), 400, field)
        yield Case(f"surrogate in {field}, keyed", bank(customer, body, headers=keyed(field)), 400)

    # Depth: the same answer with or without an Idempotency-Key.
    deep_form = "metadata" + "[a]" * 1200 + "=x"
    yield Case("form 1,200 brackets deep", form(deep_form), 400)
    yield Case("form 1,200 brackets deep, keyed", form(deep_form, headers=keyed("df")), 400)
    deep_json = '{"metadata":' * 900 + "1" + "}" * 900
    yield Case("JSON 900 objects deep", http(body=deep_json), 400)
    yield Case("JSON 900 objects deep, keyed", http(body=deep_json, headers=keyed("dj")), 400)
    yield Case("JSON 100,000 arrays deep", http(body="[" * 100_000 + "]" * 100_000), 400)
    yield Case("JSON 20 objects deep", http(body='{"a":' * 20 + "1" + "}" * 20), 400)

    # Bad JSON.
    for name, text in {
        "truncated JSON": '{"name": "Asha"',
        "trailing garbage": '{"name": "Asha"} x',
        "single quotes": "{'name': 'Asha'}",
        "NaN": '{"name": NaN}',
        "Infinity": '{"name": Infinity}',
        "-Infinity": '{"name": -Infinity}',
        "duplicate top-level key": '{"name": "a", "name": "b"}',
        "duplicate metadata key": '{"metadata": {"k": "a", "k": "b"}}',
        "top-level array": "[1, 2]",
        "top-level string": '"Asha"',
        "top-level number": "42",
        "top-level null": "null",
        "top-level true": "true",
        "1e400 (infinite)": '{"name": 1e400}',
        "-1e400": '{"name": -1e400}',
        "2**64": '{"name": 18446744073709551616}',
        "5,000-digit integer": '{"name": ' + "9" * 5000 + "}",
        "control character in a string": '{"name": "a\x01b"}',
        "bad escape": '{"name": "\\x41"}',
        "truncated escape": '{"name": "\\u12"}',
        "comment": '{"name": "a" /* c */}',
        "trailing comma": '{"name": "a",}',
    }.items():
        yield Case(name, http(body=text))
    # Oddities the contract leaves free: accepted, and answered with the created customer.
    yield Case("whitespace-only body (no parameters)", http(body="   \n  "), 200)
    yield Case("empty metadata key", http(body='{"metadata": {"": "x"}}'), 200)
    yield Case("JSON with a BOM", http(body=b"\xef\xbb\xbf{}"))
    yield Case("JSON in UTF-16", http(body='{"name": "a"}'.encode("utf-16")))
    yield Case("invalid UTF-8 in a JSON string", http(body=b'{"name": "\xff"}'))
    yield Case("overlong UTF-8", http(body=b'{"name": "\xc0\xaf"}'))
    yield Case("UTF-8 encoded surrogate", http(body=b'{"name": "\xed\xa0\x80"}'))

    # Wrong types.
    for name, params in {
        "name as a number": {"name": 5},
        "name as a list": {"name": ["a"]},
        "name as an object": {"name": {"a": "b"}},
        "name as true": {"name": True},
        "metadata as a string": {"metadata": "x"},
        "metadata as a list": {"metadata": ["x"]},
        "metadata value as a number": {"metadata": {"k": 1}},
        "metadata value as null": {"metadata": {"k": None}},
        "51 metadata entries": {"metadata": {f"k{i}": "v" for i in range(51)}},
        "unknown parameter": {"nope": "x"},
        "email as a number": {"email": 7},
    }.items():
        yield Case(name, http(body=json.dumps(params)), 400)
    for name, params in {
        "account_type unknown": {**BANK_ACCOUNT, "account_type": "gold"},
        "account_number as a number": {**BANK_ACCOUNT, "account_number": 123},
        "account_ifsc malformed": {**BANK_ACCOUNT, "account_ifsc": "??"},
        "bank account without fields": {},
    }.items():
        yield Case(name, bank(customer, json.dumps(params)), 400)

    # Form encodings.
    # Kept literally (WHATWG form decoding): "%zz" is the text "%zz".
    yield Case("form: bad percent-escape", form("name=%zz%"), 200)
    yield Case("form: empty brackets (metadata key '')", form("metadata[]=x"), 200)
    yield Case("form: ampersands only (no parameters)", form("&&&"), 200)
    for name, body in {
        "truncated UTF-8 escape": "name=%E0%A4",
        "percent-encoded surrogate": "name=%ED%A0%80",
        "percent-encoded 0xFF": "name=%FF",
        "unclosed bracket": "metadata[a=x",
        "stray closing bracket": "metadata]a[=x",
        "nested metadata": "metadata[a][b]=x",
        "repeated parameter": "name=a&name=b",
        "conflicting parameters": "metadata=x&metadata[a]=y",
        "equals sign only": "=",
        "very long name": "n" * 100_000 + "=x",
    }.items():
        yield Case(f"form: {name}", form(body))
    yield Case("form: raw 0xFF byte", form(b"name=\xff"))
    yield Case("form: NUL byte (a legal character)", form(b"name=a\x00b"), 200)

    # Sizes.
    yield Case(
        "declared 1 GB body",
        http(body=b"", headers=[(b"Content-Length", b"1000000000")], length=False),
        413,
    )
    yield Case("300 KB body", http(body=b'{"name": "' + b"a" * 300_000 + b'"}'), 413)
    chunk = b"%x\r\n%s\r\n" % (300_000, b"a" * 300_000)
    yield Case(
        "300 KB chunked body",
        http(body=chunk + b"0\r\n\r\n", headers=[(b"Transfer-Encoding", b"chunked")], length=False),
        413,
    )
    yield Case(
        "body shorter than declared",
        http(body=b"{}", headers=[(b"Content-Length", b"100")], length=False),
        408,
    )

    # Content-Type.
    for name, value in {
        "text/plain": b"text/plain",
        "multipart": b"multipart/form-data; boundary=x",
        "XML": b"application/xml",
        "garbage": b";;;===",
        "very long": b"application/" + b"x" * 5000,
        "non-ASCII bytes": b"application/\xe9json",
    }.items():
        yield Case(f"Content-Type {name}", http(body='{"name": "a"}', content_type=value))
    latin = http(
        body='{"name": "\xe9"}'.encode("latin-1"), content_type=b"application/json; charset=latin-1"
    )
    yield Case("Content-Type JSON in latin-1 (JSON is UTF-8)", latin, 400)
    yield Case(
        "no Content-Type with a JSON body", http(body='{"name": "a"}', content_type=None), 400
    )

    # Accept.
    for name, value in {
        "text/html": b"text/html",
        "JSON at q=0": b"application/json;q=0",
        "q=nan": b"application/json;q=nan",
        "q=-1": b"*/*;q=-1",
    }.items():
        yield Case(
            f"Accept {name}", http("GET", "/v1/customers", headers=[(b"Accept", value)]), 406
        )
    for name, value in {"garbage": b";;;,,,", "non-ASCII bytes": b"application/json\xff"}.items():
        yield Case(
            f"Accept {name}", http("GET", "/v1/customers", headers=[(b"Accept", value)]), 406
        )
    for name, value in {  # JSON is acceptable in these: answered
        "q=abc (read as q=1)": b"application/json;q=abc",
        "very long": b"application/json, " * 2000,
    }.items():
        yield Case(
            f"Accept {name}", http("GET", "/v1/customers", headers=[(b"Accept", value)]), 200
        )

    # Authorization.
    for name, value in {
        "missing": None,
        "Bearer": b"Bearer " + TEST_KEY.encode(),
        "Basic without credentials": b"Basic",
        "Basic with bad base64": b"Basic !!!",
        "Basic decoding to non-UTF-8": b"Basic " + base64.b64encode(b"\xff\xfe:"),
        "latin-1 bytes": b"Basic \xe9\xe9",
        "a malformed key": b"Basic " + base64.b64encode(b"pk_test_x:"),
        "an empty key": b"Basic " + base64.b64encode(b"sk_test_:"),
        "a 50 KB header": b"Basic " + b"A" * 50_000,
        "NUL in the key": b"Basic " + base64.b64encode(b"sk_test_a\x00b:"),
    }.items():
        yield Case(f"Authorization {name}", http("GET", "/v1/customers", auth=value), 401)

    # Paths and ids.
    for name, target in {
        "newline id": "/v1/customers/%0A",
        "newline after the list path": "/v1/customers%0A",
        "NUL id": "/v1/customers/%00",
        "0xFF id": "/v1/customers/%FF",
        "surrogate id": "/v1/customers/%ED%A0%80",
        "10 KB id": "/v1/customers/" + "C" * 10_000,
        "encoded slash": "/v1/customers/a%2Fb",
        "dot segments": "/v1/customers/../customers/x",
        "double slash": "/v1//customers",
        "unicode id": "/v1/customers/%E0%A4%85",
        "newline bank account id": f"/v1/customers/{customer}/bank_accounts/%0A",
        "unknown path": "/v1/unknown",
        "root": "/",
        "absolute-form URL": "http://127.0.0.1/v1/customers/x",
    }.items():
        yield Case(f"path: {name}", http("GET", target), 404)
    yield Case("path: 100 KB id", http("GET", "/v1/customers/" + "C" * 100_000), 431)
    yield Case("path: 60 KB id", http("GET", "/v1/customers/" + "C" * 60_000), 404)
    yield Case("path: asterisk", http("GET", "*"), 404)

    # Query strings.
    for name, query in {
        "limit=abc": "limit=abc",
        "limit=0": "limit=0",
        "limit=101": "limit=101",
        "limit=1e3": "limit=1e3",
        "limit=-5": "limit=-5",
        "page=0": "page=0",
        "page=x": "page=x",
        "limit twice": "limit=1&limit=2",
        "unknown parameter": "nope=1",
        "surrogate parameter name": "%ED%A0%80=1",
        "0xFF parameter": "limit=%FF",
        "Unicode digits": "limit=%D9%A3",
        "long unknown name": "x" * 20_000 + "=1",
        "empty email": "email=",
    }.items():
        expected = 404 if name == "empty email" else 400
        yield Case(f"query: {name}", http("GET", f"/v1/customers?{query}"), expected)

    # Idempotency-Key.
    yield Case("Idempotency-Key empty", http(body="{}", headers=[(b"Idempotency-Key", b"")]), 400)
    yield Case("Idempotency-Key of 256 characters", http(body="{}", headers=keyed("k" * 256)), 400)
    reuse = [(b"Idempotency-Key", b"reused-key")]
    yield Case("Idempotency-Key first use", http(body='{"name": "a"}', headers=reuse), 200)
    yield Case(
        "Idempotency-Key reused with other parameters",
        http(body='{"name": "b"}', headers=reuse),
        400,
    )
    yield Case(
        "Idempotency-Key in latin-1",
        http(body='{"name": "c"}', headers=[(b"Idempotency-Key", b"\xe9t\xe9")]),
        200,
    )

    # Malformed HTTP, answered by the HTTP layer before the app.
    get = b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n"
    for name, (raw, status) in {
        "Content-Length not a number": (
            b"POST /v1/customers HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            400,
        ),
        "negative Content-Length": (
            b"POST /v1/customers HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            400,
        ),
        "two Content-Lengths": (
            b"POST /v1/customers HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            400,
        ),
        "Content-Length with Transfer-Encoding": (
            b"POST /v1/customers HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
        ),
        "bad chunk size": (
            b"POST /v1/customers HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            400,
        ),
        "raw 0xFF bytes": (b"\xff\xff\xff\xff\r\n\r\n", 400),
        "0xFF in the target": (b"GET /v1/customers/\xff HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        "unknown method": (b"FOO /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        "lower-case method": (b"get /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        "HTTP/2.0 in the request line": (b"GET /v1/customers HTTP/2.0\r\nHost: x\r\n\r\n", 401),
        "HTTP/2 preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
        "no version": (b"GET /v1/customers\r\n\r\n", 401),
        "header without colon": (get + b"Broken\r\n\r\n", 400),
        "space before colon": (get + b"Accept : */*\r\n\r\n", 400),
        "NUL in a header value": (get + b"Accept: a\x00b\r\n\r\n", 400),
        "obsolete line folding": (get + b"Accept: a\r\n b\r\n\r\n", 400),
        "70 KB header": (get + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        "10,000 small headers": (get + b"X-A: b\r\n" * 10_000 + b"\r\n", 431),
        "bare LF line endings": (b"GET /v1/customers HTTP/1.1\nHost: x\n\n", 400),
        "garbage request line": (b"hello world\r\n\r\n", 400),
        "space in the target": (b"GET /v1/cust omers HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    }.items():
        yield Case(f"HTTP: {name}", raw, status)
    for method in ("DELETE", "PUT", "PATCH", "OPTIONS", "TRACE", "CONNECT"):
        yield Case(f"HTTP: method {method}", http(method, "/v1/customers"), 405)
    yield Case(
        "HTTP: WebSocket upgrade",
        http(
            "GET",
            "/v1/customers",
            headers=[
                (b"Upgrade", b"websocket"),
                (b"Sec-WebSocket-Version", b"13"),
                (b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="),
            ],
        ),
        200,
    )
    yield Case(
        "HTTP: h2c upgrade", http("GET", "/v1/customers", headers=[(b"Upgrade", b"h2c")]), 200
    )
    yield Case(
        "HTTP: HTTP/1.0", b"GET /v1/customers HTTP/1.0\r\nAuthorization: " + AUTH + b"\r\n\r\n", 200
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def exchange(url: str, raw: bytes) -> Answer | None:
    """Send ``raw`` on a fresh socket; return the first answer, or None if closed unanswered."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        # The server may answer and close before reading everything.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
        want = int(headers.get("content-length", "0"))
        while len(body) < want:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return Answer(int(status_line.split()[1]), headers, body)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with running_mock(limits=LIMITS, accept_any_key=True) as url:
        yield url


@pytest.fixture(scope="module")
def customer(mock_url: str) -> str:
    answer = exchange(mock_url, http(body=json.dumps(CUSTOMER)))
    assert answer is not None
    assert answer.status == 200
    return str(json.loads(answer.body)["id"])


def test_the_catalogue_holds_at_least_120_kinds() -> None:
    names = [case.name for case in _cases("CU0000AAAABBBB")]
    assert len(names) == len(set(names))
    assert len(names) >= 120, len(names)


def test_every_bad_input_gets_a_json_4xx(mock_url: str, customer: str) -> None:
    failures: list[str] = []
    for case in _cases(customer):
        answer = exchange(mock_url, case.raw)
        if answer is None:
            failures.append(f"{case.name}: closed without an answer")
            continue
        wanted = case.status or 400
        if case.status is None and not 400 <= answer.status < 500:
            failures.append(f"{case.name}: {answer.status}, wanted a 4xx: {answer.body[:200]!r}")
            continue
        if case.status is not None and answer.status != wanted:
            failures.append(f"{case.name}: {answer.status}, wanted {wanted}: {answer.body[:200]!r}")
            continue
        if not answer.headers.get("content-type", "").startswith("application/json"):
            failures.append(f"{case.name}: {answer.headers.get('content-type')}, not JSON")
            continue
        document = json.loads(answer.body)
        if answer.status >= 400:
            if validate(document, "error", strict=True):
                failures.append(f"{case.name}: not the error envelope: {document}")
            elif case.param is not None and document["error"].get("param") != case.param:
                failures.append(f"{case.name}: param {document['error'].get('param')!r}")
    assert failures == [], "\n".join(failures)
    # Nothing crashed: the mock still serves.
    after = exchange(mock_url, http("GET", f"/v1/customers/{customer}"))
    assert after is not None
    assert after.status == 200


def test_a_newline_in_an_id_is_not_the_list(mock_url: str) -> None:
    for target in ("/v1/customers/%0A", "/v1/customers/%0a"):
        answer = exchange(mock_url, http("GET", target))
        assert answer is not None
        assert answer.status == 404
        assert json.loads(answer.body)["error"]["message"] == "No such customer: \n"
