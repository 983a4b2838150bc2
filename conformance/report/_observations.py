"""What a run saw beyond the contract: response properties, statuses and headers it does not
define. Never a finding: LotusPay may add properties at any time (versioning), so these only
tell a QA lead what changed (``report compare`` says which are new since the last run).

The contract is read from its own data: the statuses and headers of each operation from the
OpenAPI document, the properties from the JSON Schemas (each schema and its strict overlay:
a property either of them names is defined). An object whose schema names no properties (such
as ``metadata``, the user's own keys) is free and never reported. Only names are recorded, never
values (a header or a property may carry a secret), and the record is bounded: at most
:data:`MAX_OBSERVED` distinct entries of each kind, and the first :data:`ITEMS_WALKED` items of
each array (pointers are normalised, so further items add nothing new).
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from lotuspay_contract import schemas

from ..client import observe_exchanges
from ..redact import redact_data

if TYPE_CHECKING:
    from ..client import Exchange, TargetError

__all__ = ["ITEMS_WALKED", "MAX_OBSERVED", "ObservationRecorder", "undefined_properties"]

MAX_OBSERVED: Final = 100
ITEMS_WALKED: Final = 5
_MAX_DEPTH: Final = 12
# A hostile server's property or header name may be as long as its body: names are cut.
_MAX_NAME_CHARS: Final = 120
_COMPOSED: Final = ("allOf", "anyOf", "oneOf")
_BRANCHES: Final = ("if", "then", "else")
# Fields of HTTP itself (RFC 9110-9112, 6265) and of the proxies and CDNs in front of any API:
# not the contract's to define, and reporting them would bury what LotusPay itself adds.
_HTTP_HEADERS: Final = frozenset(
    {
        "accept-ranges", "access-control-allow-credentials", "access-control-allow-headers",
        "access-control-allow-methods", "access-control-allow-origin",
        "access-control-expose-headers", "access-control-max-age", "age", "allow", "alt-svc",
        "cache-control", "connection",
        "content-encoding", "content-language", "content-length", "content-security-policy",
        "content-type", "date", "etag", "expires", "keep-alive", "last-modified", "location",
        "pragma", "server", "set-cookie", "strict-transport-security", "transfer-encoding", "vary",
        "via", "www-authenticate", "x-content-type-options", "x-frame-options", "x-xss-protection",
    }
)  # fmt: skip
# Which schema a successful answer of each operation has (the OpenAPI document's responses).
_SUCCESS_SCHEMA: Final = {
    "createCustomer": "customer",
    "retrieveCustomer": "customer",
    "listCustomers": "customer_list",
    "createBankAccount": "bank_account",
    "retrieveBankAccount": "bank_account",
    "listBankAccounts": "bank_account_list",
}


@dataclass(frozen=True)
class _Operation:
    method: str
    pattern: re.Pattern[str]
    operation_id: str
    statuses: frozenset[int]
    headers: Mapping[int, frozenset[str]]


@functools.cache
def _operations() -> tuple[_Operation, ...]:
    document = schemas.load_openapi()
    responses = document.get("components", {}).get("responses", {})
    found = []
    for path, item in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/?#]+", path) + "/?$")
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            headers: dict[int, frozenset[str]] = {}
            for status, response in operation["responses"].items():
                ref = response.get("$ref", "")
                resolved = responses.get(ref.rsplit("/", 1)[-1], response) if ref else response
                headers[int(status)] = frozenset(h.lower() for h in resolved.get("headers", {}))
            found.append(
                _Operation(
                    method.upper(), pattern, operation["operationId"], frozenset(headers), headers
                )
            )
    return tuple(found)


def _operation_of(method: str, path: str) -> _Operation | None:
    return next((o for o in _operations() if o.method == method and o.pattern.match(path)), None)


# -- the properties a schema defines --------------------------------------------------------------

#: A place in the contract: a schema's name, whether the strict overlay, the node, and the
#: pointer from the top of that schema to the node.
_Context = tuple[str, bool, Mapping[str, Any], str]


@functools.cache
def _schema(name: str, strict: bool) -> Mapping[str, Any]:
    # Read once: a run judges thousands of answers, and schemas.load copies on every call.
    return schemas.load(name, strict=strict)


def _roots(name: str) -> list[_Context]:
    return [(name, strict, _schema(name, strict), "") for strict in (False, True)]


def _resolve(ref: str, name: str, strict: bool) -> list[_Context]:
    target, _, fragment = ref.partition("#")
    if target:  # another schema file: itself and its overlay, from its top
        other = target.rsplit("/", 1)[-1].removesuffix(".json")
        return _roots(other) if other in schemas.NAMES and not fragment else []
    node: Any = _schema(name, strict)
    for part in fragment.strip("/").split("/") if fragment.strip("/") else []:
        node = node.get(part) if isinstance(node, Mapping) else None
    return [(name, strict, node, "")] if isinstance(node, Mapping) else []


def _expand(contexts: list[_Context]) -> list[_Context]:
    """Every context with the schemas it composes ($ref, allOf/anyOf/oneOf, if/then/else),
    each schema node once (the strict overlay refers to its base: without this, the contexts
    would double at every level)."""
    found: dict[int, _Context] = {}
    _collect(contexts, found, 0)
    return list(found.values())


def _collect(contexts: list[_Context], found: dict[int, _Context], depth: int) -> None:
    for name, strict, node, where in contexts:
        if id(node) in found or depth > _MAX_DEPTH:
            continue
        found[id(node)] = (name, strict, node, where)
        parts: list[_Context] = []
        if isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            # Another file starts a schema of its own (pointers from its top); a fragment does not.
            keep = where if ref.startswith("#") else ""
            parts += [(n, s, d, keep) for n, s, d, _ in _resolve(ref, name, strict)]
        for key in _COMPOSED:
            parts += [(name, strict, s, where) for s in node.get(key) or [] if isinstance(s, dict)]
        for key in _BRANCHES:
            if isinstance(node.get(key), dict):
                parts.append((name, strict, node[key], where))
        _collect(parts, found, depth + 1)


def _children(contexts: list[_Context], key: str, prop: bool) -> list[_Context]:
    found: list[_Context] = []
    for name, strict, node, where in contexts:
        sub = (node.get("properties") or {}).get(key) if prop else node.get("items")
        if isinstance(sub, dict):
            found.append((name, strict, sub, f"{where}/{key if prop else '*'}"))
    return found


def _is_closed_map(contexts: list[_Context]) -> bool:
    """Whether the object's properties are named by the contract (not a free map)."""
    named = any(isinstance(node.get("properties"), Mapping) for _, _, node, _ in contexts)
    free = any(
        isinstance(node.get("additionalProperties"), dict) or node.get("patternProperties")
        for _, _, node, _ in contexts
    )
    return named and not free


def _walk(
    value: Any, contexts: list[_Context], depth: int, found: dict[tuple[str, str], None]
) -> None:
    if depth > _MAX_DEPTH or not contexts:
        return
    contexts = _expand(contexts)
    if isinstance(value, list):
        items = _children(contexts, "", prop=False)
        for item in value[:ITEMS_WALKED]:
            _walk(item, items, depth + 1, found)
        return
    if not isinstance(value, dict) or not _is_closed_map(contexts):
        return
    defined = {k for _, _, node, _ in contexts for k in node.get("properties") or {}}
    owner = next(c for c in contexts if isinstance(c[2].get("properties"), Mapping))
    for key, child in value.items():
        if key not in defined:
            escaped = str(key)[:_MAX_NAME_CHARS].replace("~", "~0").replace("/", "~1")
            found.setdefault((owner[0], f"{owner[3]}/{escaped}"), None)
        else:
            _walk(child, _children(contexts, key, prop=True), depth + 1, found)


def undefined_properties(document: Any, schema: str) -> list[tuple[str, str]]:
    """Return the properties of ``document`` that schema ``schema`` (and what it refers to)
    does not define, as (schema name, pointer from the top of that schema) pairs.

    >>> undefined_properties({"data": [{"id": "CU1", "x_region": "in"}], "has_more": False},
    ...                      "customer_list")
    [('customer_list', '/has_more'), ('customer', '/x_region')]
    """
    found: dict[tuple[str, str], None] = {}
    _walk(document, _roots(schema), 0, found)
    return sorted(found, key=lambda k: (k[0] != schema, k))


# -- the recorder ----------------------------------------------------------------------------------


class ObservationRecorder:
    """Records, for every answer of the run, what the contract does not define.

    Used as a context manager around the run (it observes every client of the process, as the
    HAR recorder does); :meth:`data` is what the JSON report keeps under ``observed``.
    """

    def __init__(self, *, max_observed: int = MAX_OBSERVED) -> None:
        self.max_observed = max_observed
        self._lock = threading.Lock()
        self._kinds: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {
            "properties": {},
            "statuses": {},
            "headers": {},
        }
        self.dropped = 0
        self._observing = contextlib.ExitStack()

    def __enter__(self) -> ObservationRecorder:
        self._observing.enter_context(observe_exchanges(self.record))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._observing.close()

    def record(self, exchange: Exchange, error: TargetError | None = None) -> None:
        """Note what ``exchange``'s answer holds beyond the contract (nothing if unanswered)."""
        operation = _operation_of(exchange.method, exchange.path) if exchange.status else None
        if error is not None or operation is None:
            return  # an undocumented request (a check's deliberate DELETE) has no contract
        found: list[tuple[str, tuple[Any, ...]]] = []
        if exchange.status not in operation.statuses:
            found.append(("statuses", (operation.operation_id, exchange.status)))
        defined = _HTTP_HEADERS | operation.headers.get(exchange.status, frozenset())
        for header in {h.lower() for h in exchange.headers}:
            if header not in defined:
                found.append(("headers", (header[:_MAX_NAME_CHARS],)))
        schema = _SUCCESS_SCHEMA.get(operation.operation_id) if exchange.status < 300 else None
        schema = "error" if exchange.status >= 400 else schema
        body = exchange.json_or_none() if schema and "json" in exchange.content_type else None
        if schema and isinstance(body, (dict, list)):
            found += [("properties", key) for key in undefined_properties(body, schema)]
        self._keep(operation.operation_id, found)

    def _keep(self, operation_id: str, found: list[tuple[str, tuple[Any, ...]]]) -> None:
        with self._lock:
            for kind, key in found:
                entries = self._kinds[kind]
                entry = entries.get(key)
                if entry is None:
                    if len(entries) >= self.max_observed:
                        self.dropped += 1
                        continue
                    entry = entries[key] = {"key": key, "count": 0, "operations": set()}
                entry["count"] += 1
                entry["operations"].add(operation_id)

    def data(self) -> dict[str, Any]:
        """Return the observations as JSON data, sorted, bounded."""
        with self._lock:
            kinds = {kind: list(entries.values()) for kind, entries in self._kinds.items()}
        fields: dict[str, tuple[str, ...]] = {
            "properties": ("schema", "pointer"),
            "statuses": ("operation", "status"),
            "headers": ("header",),
        }
        data: dict[str, Any] = {}
        for kind, entries in kinds.items():
            data[kind] = sorted(
                (
                    {
                        **dict(zip(fields[kind], e["key"], strict=True)),
                        "count": e["count"],
                        "operations": sorted(e["operations"]),
                    }
                    for e in entries
                ),
                key=lambda row: tuple(str(row[f]) for f in fields[kind]),
            )
        data["dropped"] = self.dropped
        # Names a server chose: masked like every other string of the report.
        cleaned: dict[str, Any] = redact_data(data)
        return cleaned


@contextlib.contextmanager
def observing() -> Iterator[ObservationRecorder]:
    """Within the block, record what every answer holds beyond the contract."""
    with ObservationRecorder() as recorder:
        yield recorder
