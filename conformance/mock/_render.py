"""JSON text of the mock's answers: objects as compact UTF-8 bytes, lists assembled from them.

Answers are bytes from end to end: the store keeps each customer's whole answer (with its
embedded child lists) as a BLOB written with the customer, so a page is its rows joined, with
no parsing, no rendering and no re-encoding per request.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

__all__ = [
    "EMBEDDED_ITEMS",
    "dumps",
    "list_text",
    "render_bank_account",
    "render_customer",
    "render_new_customer",
]

#: A child list embeds the 10 most recent items (spec: child lists).
EMBEDDED_ITEMS = 10

_PLAIN = re.compile(r"[\w/.-]*\Z", re.ASCII)


def dumps(document: Any) -> bytes:
    """``document`` as compact UTF-8 JSON, non-ASCII characters unescaped.

    orjson writes the same bytes as ``json.dumps(..., ensure_ascii=False, separators=(",",
    ":"))`` for what the mock answers (strings, integers, booleans, null) several times faster;
    what it refuses (a lone surrogate, an integer beyond 64 bits, a non-string key) goes to the
    standard library, where "backslashreplace" spells a lone surrogate as a ``\\udXXX`` escape
    rather than failing with a 500 (requests refuse them, so none should reach an answer).
    """
    try:
        return orjson.dumps(document)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")


def _quote(text: str) -> bytes:
    # Our URLs are plain paths built from our own ids: they need no escaping.
    return f'"{text}"'.encode() if _PLAIN.match(text) else dumps(text)


def list_text(url: str, items: list[bytes], total: int) -> bytes:
    """A list object (child list or page) as JSON bytes, from items already in JSON bytes."""
    return b"".join(
        (
            b'{"object":"list","data":[',
            b",".join(items),
            b'],"total_count":%d,"url":' % total,
            _quote(url),
            b"}",
        )
    )


def _empty(url: str) -> bytes:
    return b'{"object":"list","data":[],"total_count":0,"url":"%s"}' % url.encode()


def render_customer(doc: bytes, customer_id: str, bank_accounts: list[bytes], total: int) -> bytes:
    """A customer's answer: its stored document (without child lists) and the child lists.

    ``bank_accounts`` are the rendered most recent ones (at most ``EMBEDDED_ITEMS``), ``total``
    how many it has. Ids come from our own rows (upper-case alphanumerics): URLs need no
    escaping.
    """
    base = f"/v1/customers/{customer_id}"
    return b"".join(
        (
            doc[:-1],
            b',"bank_accounts":',
            list_text(f"{base}/bank_accounts", bank_accounts, total),
            b',"mandates":',
            _empty(f"{base}/mandates"),
            b',"subscriptions":',
            _empty(f"{base}/subscriptions"),
            b"}",
        )
    )


#: What ``render_customer`` appends for a customer with no child items, as one format.
_NEW_TAIL = (
    b"".join(
        b',"%s":{"object":"list","data":[],"total_count":0,"url":"/v1/customers/%%s/%s"}'
        % (name, name)
        for name in (b"bank_accounts", b"mandates", b"subscriptions")
    )
    + b"}"
)


def render_new_customer(doc: bytes, customer_id: str) -> bytes:
    """``render_customer(doc, customer_id, [], 0)`` for a new customer, in one step: the
    answer of every create."""
    cid = customer_id.encode()
    return doc[:-1] + _NEW_TAIL % (cid, cid, cid)


def render_bank_account(doc: bytes, bank_account_id: str) -> bytes:
    """A bank account's answer: its stored document and its (empty) mandates list."""
    return b"".join(
        (doc[:-1], b',"mandates":', _empty(f"/v1/bank_accounts/{bank_account_id}/mandates"), b"}")
    )
