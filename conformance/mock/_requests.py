"""Reading a request: the API key, the Accept header, the body (JSON or form) and list queries.

Every failure is an :class:`ApiError` with a 4xx status: no client input may reach a 5xx
(spec: errors). Bodies are checked with our own request schemas at the strict level, so the mock
and the conformance suite agree on what a valid request is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from ..errors import LotusPayContractError
from ..redact import mask_key
from ..validation import validate
from ._errors import ApiError, param_from_pointer

__all__ = [
    "MAX_BODY_BYTES",
    "Account",
    "ListQuery",
    "accepts_json",
    "authenticate",
    "parse_body",
    "parse_list_query",
    "validate_params",
]

#: Larger bodies get 413: the biggest valid create (50 metadata entries) is about 30 KB.
MAX_BODY_BYTES = 256 * 1024
#: Deeper bodies get 400, JSON or form alike: a valid create nests 2 levels (``metadata[k]``).
MAX_DEPTH = 16
#: Integers beyond this get 400 before validation (no parameter of ours is a number at all).
_MAX_INTEGER = 2**63

_KEY = re.compile(r"sk_(test|live)_[A-Za-z0-9_]+")
# name[a][b]: the base name, then everything between its first "[" and the last "]", split on
# "][". Metadata keys may themselves hold brackets, so a stricter grammar would refuse them.
_BRACKETS = re.compile(r"([^\[\]]+)\[(.*)\]", re.DOTALL)
_DIGITS = re.compile(r"[0-9]{1,18}")
_JSON_RANGES = ("application/json", "application/*", "*/*")
#: What ``_check_values`` refuses needs one of these in the text: a lone surrogate comes only
#: from a ``\uD800``-``\uDFFF`` escape (strict UTF-8 decoding refuses encoded ones), a number
#: only after ``:``, ``[`` or ``,``, and nesting deeper than ``MAX_DEPTH`` more brackets than
#: that. A match (also inside a string) only means the walk runs.
_SUSPECT = re.compile(r"\\u[dD][89a-fA-F]|[:\[,]\s*[-0-9]")


@dataclass(frozen=True)
class Account:
    """The data space of one API key; ``id`` is a digest so the key itself is never stored."""

    id: str
    livemode: bool
    masked_key: str


def authenticate(authorization: str | None, allowed: frozenset[str] | None) -> Account:
    """Return the account of an HTTP Basic ``Authorization`` header (the key is the user name)."""
    if not authorization:
        raise ApiError(
            401,
            "You did not provide an API key. Use HTTP Basic auth with your secret key as the "
            "user name, e.g. curl -u sk_test_****:",
            headers={"WWW-Authenticate": 'Basic realm="LotusPay"'},
        )
    scheme, _, credentials = authorization.partition(" ")
    key = ""
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            decoded = ""
        key = decoded.partition(":")[0]
    if not _KEY.fullmatch(key) or (allowed is not None and key not in allowed):
        raise ApiError(
            401,
            f"Invalid API key provided: {mask_key(key)}",
            headers={"WWW-Authenticate": 'Basic realm="LotusPay"'},
        )
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return Account(digest, key.startswith("sk_live_"), mask_key(key))


def accepts_json(accept: str | None) -> bool:
    """Whether an ``Accept`` header admits JSON (no header admits anything)."""
    if accept is None or not accept.strip():
        return True
    for item in accept.split(","):
        media, *options = (part.strip() for part in item.split(";"))
        if media.lower() not in _JSON_RANGES:
            continue
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 1.0
        if quality > 0:
            return True
    return False


def parse_body(content_type: str | None, raw: bytes) -> dict[str, Any]:
    """Parse a JSON or form-encoded body into parameters (``metadata[k]=v`` nests)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if not raw.strip() and media in ("", "application/json", "application/x-www-form-urlencoded"):
        return {}
    if media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        return _parse_json(raw)
    if media == "application/x-www-form-urlencoded":
        return _parse_form(raw)
    raise ApiError(
        400,
        f"Unsupported Content-Type {media or '(none)'!r}: send application/json or "
        "application/x-www-form-urlencoded.",
    )


def _parse_json(raw: bytes) -> dict[str, Any]:
    fast = _parse_plain_json(raw)
    return fast if fast is not None else _parse_json_standard(raw)


def _parse_json_standard(raw: bytes) -> dict[str, Any]:
    """Any JSON body: every refusal (repeated names, lone surrogates, numbers beyond 64 bits,
    deep nesting) worded and, where it can be, naming the parameter."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"The request body is not valid UTF-8: {exc}") from exc
    try:
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_object)
    except RecursionError as exc:
        raise _too_deep() from exc
    except ValueError as exc:  # also too many digits, and a repeated name (ApiError passes)
        if isinstance(exc, _Repeated):
            raise ApiError(400, str(exc), param=exc.param) from exc
        raise ApiError(400, f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    if text.count("{") + text.count("[") > MAX_DEPTH or _SUSPECT.search(text):
        _check_values(document)
    return document


def _parse_plain_json(raw: bytes) -> dict[str, Any] | None:
    """The JSON object in ``raw`` parsed by orjson (a tenth of the standard library's time with
    the repeat check), or None to take the standard path.

    Only for bodies where both parsers must agree: shallow, no number (orjson turns big integers
    into floats) and no repeated name (orjson keeps the last one). Each member of an object has
    one colon outside strings, so when the objects hold as many names as ``raw`` has colons, no
    name was dropped. Anything orjson refuses (a lone surrogate too) takes the standard path,
    which words the error.
    """
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:
        return None
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict) or _plain_names(document) != raw.count(b":"):
        return None
    return document


def _plain_names(document: dict[str, Any]) -> int:
    """How many names the objects in ``document`` hold, or -1 if it holds a number."""
    count = 0
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            count += len(node)
            node = node.values()
        for value in node:
            kind = type(value)
            if kind is dict or kind is list:
                stack.append(value)
            elif not (kind is str or kind is bool or value is None):
                return -1
    return count


class _Repeated(LotusPayContractError, ValueError):
    def __init__(self, name: str) -> None:
        self.param = _printable(name)
        super().__init__(f"Parameter {self.param!r} was given more than once.")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):  # RFC 8259: names SHOULD be unique; a repeat is ambiguous
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _Repeated(name)
            seen.add(name)
    return document


def _check_values(document: dict[str, Any]) -> None:
    """Refuse what no request schema can judge: lone surrogates (not Unicode text, so not
    storable nor printable), numbers beyond 64 bits or not finite, and deep nesting.

    Iterative, so depth cannot overflow the stack; the parameter at fault is named.
    """
    stack: list[tuple[list[str], Any]] = [([], document)]
    while stack:
        path, node = stack.pop()
        if len(path) > MAX_DEPTH:
            raise _too_deep()
        if isinstance(node, dict):
            for name, value in node.items():
                if _has_surrogate(name):
                    where = _param([*path, name])
                    raise ApiError(
                        400,
                        f"Invalid parameter name {where}: it holds a lone UTF-16 surrogate, "
                        "which is not Unicode text.",
                        param=where,
                    )
                stack.append(([*path, name], value))
        elif isinstance(node, list):
            stack.extend(([*path, str(index)], item) for index, item in enumerate(node))
        elif isinstance(node, str):
            if _has_surrogate(node):
                where = _param(path)
                raise ApiError(
                    400,
                    f"Invalid parameter {where}: the value holds a lone UTF-16 surrogate, "
                    "which is not Unicode text.",
                    param=where,
                )
        elif _out_of_range(node):
            where = _param(path)
            message = f"Invalid parameter {where}: the number is out of range."
            raise ApiError(400, message, param=where)


def _out_of_range(node: Any) -> bool:
    if isinstance(node, float):
        return not math.isfinite(node)
    return isinstance(node, int) and not isinstance(node, bool) and abs(node) >= _MAX_INTEGER


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(text: str) -> str:
    """``text`` with lone surrogates spelled as ``\\udXXX`` escapes, so it can be answered."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _param(path: list[str]) -> str:
    if not path:
        return "body"
    return _printable(path[0] + "".join(f"[{token}]" for token in path[1:]))


def _too_deep() -> ApiError:
    return ApiError(400, f"The request body nests more than {MAX_DEPTH} levels deep.")


def _parse_form(raw: bytes) -> dict[str, Any]:
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, f"The form body is not valid UTF-8 form encoding: {exc}") from exc
    params: dict[str, Any] = {}
    for name, value in pairs:
        match = _BRACKETS.fullmatch(name)
        path = [match.group(1), *match.group(2).split("][")] if match else [name]
        if len(path) > MAX_DEPTH:
            raise _too_deep()
        _insert(params, path, value, name)
    return params


def _insert(params: dict[str, Any], path: list[str], value: str, name: str) -> None:
    node = params
    for token in path[:-1]:
        child = node.setdefault(token, {})
        if not isinstance(child, dict):
            raise ApiError(400, f"Parameter {name!r} conflicts with another parameter.", param=name)
        node = child
    if path[-1] in node:
        raise ApiError(400, f"Parameter {name!r} was given more than once.", param=name)
    node[path[-1]] = value


def validate_params(params: Mapping[str, Any], schema: str) -> None:
    """Raise a 400 naming the parameter at fault when ``params`` break request schema ``schema``."""
    violations = validate(params, schema, strict=True)
    if violations:
        first = min(violations, key=lambda v: v.pointer)
        param = param_from_pointer(first.pointer)
        detail = first.message
        if detail.endswith("…"):  # the validator cut a long quoted value: say what was expected
            detail = f"the value breaks rule {first.rule} (expected {first.expected})"
        raise ApiError(400, f"Invalid parameter {param or 'body'}: {detail}", param=param)


@dataclass(frozen=True)
class ListQuery:
    """The validated query of a list endpoint."""

    limit: int
    page: int
    email: str | None


def parse_list_query(query: list[tuple[str, str]], *, allow_email: bool) -> ListQuery:
    """Validate ``limit`` (1..100, default 100), ``page`` (from 1) and the ``email`` filter."""
    allowed = {"limit", "page", "email"} if allow_email else {"limit", "page"}
    seen: dict[str, str] = {}
    for name, value in query:
        if name not in allowed:
            raise ApiError(400, f"Received unknown parameter: {name}", param=name)
        if name in seen:
            raise ApiError(400, f"Parameter {name!r} was given more than once.", param=name)
        seen[name] = value
    limit = _integer(seen, "limit", 100, "an integer between 1 and 100")
    if not 1 <= limit <= 100:
        raise ApiError(400, "Invalid limit: must be an integer between 1 and 100.", param="limit")
    page = _integer(seen, "page", 1, "an integer of at least 1")
    if page < 1:
        raise ApiError(400, "Invalid page: must be an integer of at least 1.", param="page")
    return ListQuery(limit, page, seen.get("email"))


def _integer(seen: Mapping[str, str], name: str, default: int, wanted: str) -> int:
    if name not in seen:
        return default
    text = seen[name]
    if _DIGITS.fullmatch(text):
        return int(text)
    if text.isascii() and text.isdigit():
        return 10**18  # too many digits to matter: past the end of any list
    raise ApiError(400, f"Invalid {name}: {text[:40]!r} is not {wanted}.", param=name)
