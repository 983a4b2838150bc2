"""JSON bodies: the orjson fast path answers exactly as the standard parser does.

The mock parses plain bodies with orjson and everything else with the standard library (which
words each refusal). The two must never disagree: same parameters, or the same 400 with the same
message and ``param``. Hypothesis draws documents with numbers, repeated names, surrogate
escapes, deep nesting, odd whitespace and colons inside strings, then breaks some of them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lotuspay_contract.conformance.mock._errors import ApiError
from lotuspay_contract.conformance.mock._requests import (
    _parse_json,
    _parse_json_standard,
    _parse_plain_json,
)

_TEXT = st.text(alphabet=st.sampled_from('ab:"\\ {}[],é\u00a0\U0001f600-1'), max_size=8)
_SCALARS = st.one_of(
    _TEXT,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=12,
)


@st.composite
def json_bodies(draw: st.DrawFn) -> bytes:
    """JSON text of an object, sometimes with a repeated name, spaces around colons, an escape
    of a lone or paired surrogate, or a few bytes cut or changed."""
    document = draw(st.dictionaries(_TEXT, _VALUES, max_size=5))
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : "), (",\n", "\t:")]))
    text = json.dumps(document, ensure_ascii=draw(st.booleans()), separators=separators)
    if document and draw(st.booleans()):  # repeat the first member at the end
        name, value = next(iter(document.items()))
        member = json.dumps({name: value}, separators=separators)[1:-1]
        text = text[:-1] + separators[0] + member + "}"
    if draw(st.booleans()):
        escape = draw(st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u00e9"]))
        text = text.replace("a", escape, 1)
    raw = text.encode("utf-8")
    if raw and draw(st.integers(0, 4)) == 0:  # break it: cut or change one byte
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + draw(st.sampled_from([b"", b"\xff", b"}", b'"', b"1"])) + raw[at + 1 :]
    return raw


def _outcome(parse: Any, raw: bytes) -> tuple[str, Any]:
    try:
        return "ok", parse(raw)
    except ApiError as exc:
        return "refused", (exc.status, exc.message, exc.param)


@settings(max_examples=500, deadline=None)
@given(json_bodies())
@example(b'{"a":1,"a":1}')
@example(b'{"a" : "x", "a" : "x"}')
@example(b'{"a":"b:c","a":"d"}')
@example(b'{"a":"\\ud800"}')
@example(b'{"a":123456789012345678901234567890}')
@example(b'{"a":' + b"[" * 20 + b"]" * 20 + b"}")
def test_the_fast_path_agrees_with_the_standard_parser(raw: bytes) -> None:
    assert _outcome(_parse_json, raw) == _outcome(_parse_json_standard, raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name":"Asha Verma","email":"asha@example.in","metadata":{"plan":"gold"}}',
        b'{"name": "Zo\xc3\xab", "metadata": {"a": "b", "c": "d"}, "phone": null}',
    ],
)
def test_plain_bodies_take_the_fast_path(raw: bytes) -> None:
    assert _parse_plain_json(raw) == json.loads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":"x","a":"y"}',  # a repeated name: orjson would keep the last
        b'{"a":1}',  # a number: orjson turns big integers into floats
        b'{"a":"\\ud800"}',  # a lone surrogate: orjson refuses it
        b'{"a":' + b"[" * 20 + b"]" * 20 + b"}",  # deeper than the mock accepts
    ],
)
def test_bodies_the_parsers_could_disagree_on_take_the_standard_path(raw: bytes) -> None:
    assert _parse_plain_json(raw) is None
