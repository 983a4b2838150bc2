"""The request contract: what a client's requests owe the API, judged one request at a time.

For teams testing their own LotusPay client: the mock records what the client sent
(:class:`SentRequest`) and :func:`judge_requests` returns every rule those requests break, each a
:class:`RequestFinding` naming its request. Bodies are judged by the same strict create schemas
(``customer_create.json``, ``bank_account_create.json``) the validator uses for documents, so an
undocumented parameter, a metadata value that is not a string or an over-long email are the
schemas' own verdicts; the rest (auth form, encodings, Accept, list queries, retried creates)
are the rules of ``docs/contract.md`` the schemas cannot state.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..redact import mask_key, redact, redact_data
from ._har import _parse_form
from ._json_input import loads_strict
from ._rule_tags import RULE_TAGS, level_of_tags
from ._validator import validate
from ._violation import Violation

__all__ = ["RequestFinding", "SentRequest", "judge_requests"]

_CUSTOMERS = re.compile(r"/v1/customers/?")
_CUSTOMER = re.compile(r"/v1/customers/[^/]+/?")
_BANK_ACCOUNTS = re.compile(r"/v1/customers/[^/]+/bank_accounts/?")
_KEY = re.compile(r"sk_(?:test|live)_[!-~]+")
_MEDIA = ("application/json", "application/x-www-form-urlencoded")
_MAX_IDEMPOTENCY_KEY = 255
_SHOWN_BODY = 300


@dataclass(frozen=True)
class SentRequest:
    """One request as a client sent it, and the status it got (None: no answer reached it).

    ``headers`` has lower-case names; ``variation`` names what the server was showing then.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    body: bytes
    status: int | None = None
    variation: str | None = None
    #: The start of the answer as the client got it ("" when none), for showing the exchange.
    answer: str = ""

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def describe(self) -> str:
        """The request line, its headers of interest and its body, the key masked."""
        target = self.path + (
            "?" + "&".join(f"{k}={v}" for k, v in self.query) if self.query else ""
        )
        lines = [
            f"{self.method} {target} -> {self.status if self.status is not None else 'no answer'}"
        ]
        for name in ("authorization", "content-type", "accept", "idempotency-key"):
            if name in self.headers:
                lines.append(f"  {name}: {_shown_header(name, self.headers[name])}")
        if self.body:
            text = self.body.decode("utf-8", errors="replace")
            cut = text if len(text) <= _SHOWN_BODY else text[:_SHOWN_BODY] + "…"
            lines.append(f"  body: {cut}")
        if self.answer:
            lines.append(f"  answer: {self.answer}")
        return redact("\n".join(lines))


@dataclass(frozen=True)
class RequestFinding:
    """A rule broken by the request at ``index`` of the judged sequence."""

    index: int
    request: SentRequest
    violation: Violation
    #: A create retried without its first attempt's Idempotency-Key (the duplicate-write bug).
    retry: bool = False

    def __str__(self) -> str:
        return redact(f"{self.violation}\n{self.request.describe()}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; keys masked wherever they appear (a value quoted too)."""
        found: dict[str, Any] = redact_data(
            {"index": self.index, **self.violation.to_dict(), "request": self.request.describe()}
        )
        return found


def judge_requests(requests: Sequence[SentRequest]) -> list[RequestFinding]:
    """Return every rule of the request contract that ``requests`` break, in request order.

    >>> auth = {"authorization": "Basic c2tfdGVzdF94Og=="}  # sk_test_x and no password
    >>> judge_requests([SentRequest("GET", "/v1/customers", (), auth, b"")])
    []
    """
    found: list[RequestFinding] = []
    for index, sent in enumerate(requests):
        found.extend(RequestFinding(index, sent, v) for v in _judge_one(sent))
    found.extend(_retried_creates(requests))
    found.sort(key=lambda finding: finding.index)
    return found


def _finding(rule: str, pointer: str, message: str, expected: Any, actual: Any) -> Violation:
    level = level_of_tags(RULE_TAGS[rule])
    return Violation(rule, level, pointer, f"semantic:{rule}", message, expected, actual)


def _judge_one(sent: SentRequest) -> Iterator[Violation]:
    yield from _auth(sent.headers.get("authorization"))
    accept = sent.headers.get("accept")
    if accept is not None and not _accepts_json(accept):
        yield _finding(
            "transport.json",
            "/headers/accept",
            f"Accept {accept!r} refuses JSON, the only type the API answers",
            "application/json",
            accept,
        )
    key = sent.headers.get("idempotency-key")
    if key is not None and not 1 <= len(key) <= _MAX_IDEMPOTENCY_KEY:
        yield _finding(
            "transport.idempotency",
            "/headers/idempotency-key",
            f"an Idempotency-Key of {len(key)} characters (1 to 255 are accepted)",
            "1 to 255 characters",
            len(key),
        )
    schema = _create_schema(sent)
    if schema is not None:
        yield from _body(sent, schema)
    elif sent.method == "GET":
        yield from _list_query(sent)


def _auth(header: str | None) -> Iterator[Violation]:
    expected = "Basic base64(<secret key>:)"
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "basic":
        shown = scheme or "no Authorization header"
        yield _finding(
            "transport.auth", "/headers/authorization", f"{shown}: not HTTP Basic", expected, shown
        )
        return
    try:
        user, colon, password = (
            base64.b64decode(token.strip(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError):
        user, colon, password = "", "", ""
    if not colon or password or not _KEY.fullmatch(user):
        actual = (
            f"Basic with user {mask_key(user)} and a{'' if not password else ' non-'}empty password"
        )
        yield _finding(
            "transport.auth",
            "/headers/authorization",
            "Basic credentials are not a secret key with an empty password",
            expected,
            redact(actual, [user, password]),
        )


def _accepts_json(accept: str) -> bool:
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in {"*/*", "application/*", "application/json"}:
            return True
    return False


def _create_schema(sent: SentRequest) -> str | None:
    if sent.method != "POST":
        return None
    if _CUSTOMERS.fullmatch(sent.path):
        return "customer_create"
    if _BANK_ACCOUNTS.fullmatch(sent.path):
        return "bank_account_create"
    return None


def _body(sent: SentRequest, schema: str) -> Iterator[Violation]:
    if sent.media_type not in _MEDIA:
        yield _finding(
            "transport.encodings",
            "/headers/content-type",
            f"a create sent as {sent.media_type or 'no content type'!r}: JSON or form encoding",
            list(_MEDIA),
            sent.media_type,
        )
        return
    params = _params(sent)
    if not isinstance(params, dict):
        yield _finding(
            "request.non_object", "/body", "the body is not a JSON object", "object", params
        )
        return
    for violation in validate(params, schema, strict=True):
        yield Violation(
            violation.rule,
            violation.level,
            "/body" + violation.pointer,
            violation.schema_pointer,
            violation.message,
            violation.expected,
            violation.actual,
        )


def _params(sent: SentRequest) -> Any:
    text = sent.body.decode("utf-8", errors="replace")
    if sent.media_type == "application/x-www-form-urlencoded":
        return _parse_form(text)
    try:
        return loads_strict(sent.body or b"{}")
    except (ValueError, RecursionError):
        return None


def _list_query(sent: SentRequest) -> Iterator[Violation]:
    if _CUSTOMERS.fullmatch(sent.path):
        allowed = {"limit", "page", "email"}
    elif _BANK_ACCOUNTS.fullmatch(sent.path):
        allowed = {"limit", "page"}
    else:
        allowed = set()  # a retrieve takes no query parameter
    for name, value in sent.query:
        if name not in allowed:
            yield _finding(
                "request.unknown_parameter",
                f"/query/{name}",
                f"{name!r} is not a documented query parameter of {sent.method} {sent.path}",
                sorted(allowed),
                name,
            )
        elif name == "limit" and not (value.isdigit() and 1 <= int(value) <= 100):
            yield _finding(
                "list.limit_range",
                "/query/limit",
                f"limit {value!r} is outside 1..100",
                "1..100",
                value,
            )


def _retried_creates(requests: Sequence[SentRequest]) -> Iterator[RequestFinding]:
    """A create that got no answer or a 5xx may have been written: its retry must carry the
    same Idempotency-Key, else the server cannot tell it from a second create
    ([doc: idempotent-requests])."""
    for index, first in enumerate(requests):
        if _create_schema(first) is None or not (first.status is None or first.status >= 500):
            continue
        retry = _next_same(requests, index)
        if retry is None:
            continue
        key, again = (
            first.headers.get("idempotency-key"),
            requests[retry].headers.get("idempotency-key"),
        )
        if key is not None and key == again:
            continue
        why = "without an Idempotency-Key" if again is None else "under another Idempotency-Key"
        status = "no answer" if first.status is None else str(first.status)
        violation = _finding(
            "transport.idempotency",
            "/headers/idempotency-key",
            f"a create retried {why} after {status}: the first attempt may have been written, "
            "so the retry can create it twice",
            "the first attempt's Idempotency-Key",
            again,
        )
        yield RequestFinding(retry, requests[retry], violation, retry=True)


def _next_same(requests: Sequence[SentRequest], index: int) -> int | None:
    first = requests[index]
    for later in range(index + 1, len(requests)):
        other = requests[later]
        if (other.method, other.path, other.body) == (first.method, first.path, first.body):
            return later
    return None


def _shown_header(name: str, value: str) -> str:
    if name != "authorization":
        return value
    scheme, _, token = value.partition(" ")
    try:
        user = base64.b64decode(token.strip()).decode(errors="replace").partition(":")[0]
    except (binascii.Error, ValueError):
        user = ""
    return f"{scheme} <{mask_key(user)}:>"
