"""Validate recorded traffic (a HAR file) against the contract, offline.

Each entry is matched to an operation of ``schemas/openapi.yaml`` by method and path (any prefix
before ``/v1`` is allowed, so recordings through a gateway match too). The response is checked:
status documented for the operation, JSON content type, body schema and semantic rules. The
request body is checked only when the server accepted it (2xx): a rejected bad request is the
server doing its job, an accepted one is a finding. Entries no operation matches (an unknown path,
or an undocumented method on a documented path) are listed, not failed. Headers are never
printed, and URLs are shown without credentials.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from lotuspay_contract import schemas

from ..errors import LotusPayContractError
from ..redact import redact
from ._json_input import loads_strict
from ._rule_tags import RULE_TAGS, level_of_tags
from ._validator import validate
from ._violation import Level, Violation

__all__ = ["EntryResult", "HarError", "validate_har"]

_METHODS = ("get", "post", "put", "patch", "delete")


class HarError(LotusPayContractError, ValueError):
    """The file is not a HAR document this module can read."""


@dataclass(frozen=True)
class _Operation:
    operation_id: str
    method: str
    pattern: re.Pattern[str]
    request_schema: str | None
    responses: dict[str, str]  # status -> schema name
    query: dict[str, dict[str, Any]]  # documented query parameter -> its schema


@dataclass
class EntryResult:
    """What one HAR entry showed: the matched operation (None: unknown path) and violations."""

    index: int
    method: str
    url: str
    status: int | None
    operation: str | None
    findings: list[tuple[str, Violation]] = field(default_factory=list)  # (part, violation)
    #: Why an entry without an operation was not judged.
    skipped: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "entry": self.index,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "operation": self.operation,
            **({"skipped": self.skipped} if self.operation is None else {}),
            "violations": [{"part": part, **v.to_dict()} for part, v in self.findings],
        }


def _schema_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref", "")
    return ref.rsplit("/", 1)[1] if ref.startswith("#/components/schemas/") else None


def _operations() -> list[_Operation]:
    document = schemas.load_openapi()
    components = document["components"]

    def resolve(node: dict[str, Any], section: str) -> dict[str, Any]:
        ref = node.get("$ref", "")
        found: dict[str, Any] = components[section][ref.rsplit("/", 1)[1]] if ref else node
        return found

    operations = []
    for template, item in document["paths"].items():
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        pattern = re.compile(rf"^(?:/.*)?{regex}/?$")
        for method in _METHODS:
            if method not in item:
                continue
            op = item[method]
            declared = [
                resolve(p, "parameters")
                for p in [*item.get("parameters", ()), *op.get("parameters", ())]
            ]
            query = {p["name"]: p.get("schema", {}) for p in declared if p.get("in") == "query"}
            request = None
            if "requestBody" in op:
                content = resolve(op["requestBody"], "requestBodies")["content"]
                request = _schema_name(content["application/json"]["schema"])
            responses = {}
            for status, response in op["responses"].items():
                body = resolve(response, "responses").get("content", {}).get("application/json")
                if body:
                    responses[status] = _schema_name(body["schema"]) or "error"
            operations.append(
                _Operation(op["operationId"], method.upper(), pattern, request, responses, query)
            )
    return operations


def _match(operations: list[_Operation], method: str, path: str) -> _Operation | None:
    for op in operations:
        if op.method == method and op.pattern.match(path):
            return op
    return None


def _skip_reason(operations: list[_Operation], path: str) -> str:
    """Why no operation matches: the path is not documented, or this method on it is not."""
    if any(op.pattern.match(path) for op in operations):
        return "undocumented method on a documented path"
    return "no documented operation matches"


def _public_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]  # drop user:password@
    return redact(urllib.parse.urlunsplit(parts._replace(netloc=netloc)))


def _finding(
    rule: str, message: str, expected: Any, actual: Any, level: Level = Level.MUST
) -> Violation:
    return Violation(rule, level, "", f"har:{rule}", message, expected, actual)


def _status_level(status: int | None) -> Level:
    """The level of an undocumented status, as CUS-HTTP-002 judges it in a run (contract:
    any 2xx is a success [doc], 200 precisely endpoints.status_200 [conv]; another 4xx still
    tells a client it erred, errors.other_4xx [conv]; anything else breaks errors.statuses)."""
    if status is not None and (200 <= status < 300 or 400 <= status < 500):
        return Level.SHOULD
    return Level.MUST


def _body_text(content: dict[str, Any]) -> str | None:
    text = content.get("text")
    if not isinstance(text, str):
        return None
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return text


def _parse_form(text: str) -> dict[str, Any]:
    """Parse ``a=1&metadata[k]=v`` into ``{"a": "1", "metadata": {"k": "v"}}``."""
    parsed: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        outer, bracket, inner = key.partition("[")
        if bracket and inner.endswith("]"):
            nested = parsed.setdefault(outer, {})
            if isinstance(nested, dict):
                nested[inner[:-1]] = value
        else:
            parsed[key] = value
    return parsed


def _request_body(entry: dict[str, Any]) -> Any:
    post = entry.get("request", {}).get("postData")
    if not isinstance(post, dict):
        return None
    mime = str(post.get("mimeType", ""))
    text = post.get("text")
    if "json" in mime and isinstance(text, str):
        try:
            return loads_strict(text)
        except (ValueError, RecursionError):
            return None  # the server should have said 400; its status is checked instead
    if "x-www-form-urlencoded" in mime:
        if isinstance(text, str):
            return _parse_form(text)
        params = post.get("params") or []
        encoded = urllib.parse.urlencode([(p.get("name", ""), p.get("value", "")) for p in params])
        return _parse_form(encoded)
    return None


def _rule_finding(rule: str, message: str, expected: Any, actual: Any) -> Violation:
    """A finding at the level the contract gives ``rule``, as a run reports it."""
    return Violation(
        rule, level_of_tags(RULE_TAGS[rule]), "", f"har:{rule}", message, expected, actual
    )


def _data(body: Any) -> list[Any]:
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, list) else []


def _integer(value: str) -> int | None:
    """``value`` as an integer: any number of digits (a page far past the end is still a page),
    None when it is not one."""
    return int(value) if re.fullmatch(r"-?\d+", value) else None


def _out_of_range(name: str, value: str, number: int, schema: dict[str, Any]) -> Violation | None:
    """An accepted integer outside its documented bounds: a limit breaks list.limit_range
    [conv]; a page below 1 is list.page_base [ours] (a server may number pages from 0); a page
    past the end is a legal page (list.past_end [doc]: an empty array), so no maximum applies."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if not ((low is not None and number < low) or (high is not None and number > high)):
        return None
    rule = {"limit": "list.limit_range", "page": "list.page_base"}.get(name, "request.wrong_type")
    wanted = f"an integer from {low} to {high}" if high else f"an integer >= {low}"
    return _rule_finding(rule, f"{name}={value!r} was accepted", wanted, value)


def _query_value_finding(
    name: str, value: str, schema: dict[str, Any], body: Any
) -> Violation | None:
    """What one accepted documented query parameter says (only integers are judged)."""
    if schema.get("type") != "integer":
        return None
    number = _integer(value)
    if number is None:
        return _rule_finding(
            "request.wrong_type", f"{name}={value!r} was accepted", "an integer", value
        )
    outside = _out_of_range(name, value, number, schema)
    if outside is not None or name != "limit" or len(_data(body)) <= number:
        return outside
    return _rule_finding(
        "list.limit",
        f"a page asked with limit={number} holds {len(_data(body))} objects",
        f"at most {number}",
        len(_data(body)),
    )


def _query_findings(entry: dict[str, Any], op: _Operation, body: Any) -> list[Violation]:
    """What an accepted request's query says: parameters the operation does not document
    (request.unknown_parameter), a non-integer where an integer is documented
    (request.wrong_type), a limit outside 1..100 (list.limit_range), a page below 1
    (list.page_base) and a page holding more than the limit asked for (list.limit)."""
    pairs = urllib.parse.parse_qsl(
        urllib.parse.urlsplit(str(entry.get("request", {}).get("url", ""))).query,
        keep_blank_values=True,
    )
    found = []
    for name, value in pairs:
        schema = op.query.get(name)
        if schema is None:
            found.append(
                _rule_finding(
                    "request.unknown_parameter",
                    f"the undocumented query parameter {name!r} was accepted",
                    sorted(op.query),
                    name,
                )
            )
        elif (finding := _query_value_finding(name, value, schema, body)) is not None:
            found.append(finding)
    return found


def _response_schema(op: _Operation, status: int | None, result: EntryResult) -> str | None:
    """The schema to judge the response body by; an undocumented status is a finding, and
    only an undocumented success is still judged (as the operation's 200)."""
    schema = op.responses.get(str(status))
    if schema is None and status == 413:  # HTTP's own answer to an oversized body, as in `run`
        schema = "error"
    if schema is not None:
        return schema
    result.findings.append(
        (
            "response",
            _finding(
                "har.status",
                f"status {status} is not documented for {op.operation_id}",
                sorted(op.responses),
                status,
                _status_level(status),
            ),
        )
    )
    if status is None or not 200 <= status < 300 or "200" not in op.responses:
        return None
    return op.responses["200"]  # a success all the same: its body is judged as one


def _json_content(response: dict[str, Any], result: EntryResult) -> bool:
    """Whether the response says it is JSON (responses always are: a finding otherwise)."""
    mime = str(response.get("content", {}).get("mimeType", ""))
    if mime.split(";")[0].strip().endswith("json"):
        return True
    message = f"content type {mime!r} is not JSON: responses are always JSON"
    result.findings.append(
        ("response", _finding("har.content_type", message, "application/json", mime))
    )
    return False


def _json_body(response: dict[str, Any], result: EntryResult) -> tuple[bool, Any]:
    """(True, body) for a recorded JSON body; (False, None) when none was recorded or it is
    not JSON (a finding)."""
    text = _body_text(response.get("content", {}))
    if text is None:
        return False, None
    try:
        return True, loads_strict(text)
    except (ValueError, RecursionError) as exc:
        found = _finding("har.json_body", f"the body is not JSON: {exc}", "JSON", text[:80])
        result.findings.append(("response", found))
        return False, None


def _check_entry(entry: dict[str, Any], op: _Operation, result: EntryResult, strict: bool) -> None:
    status = result.status
    schema = _response_schema(op, status, result)
    response = entry.get("response", {})
    if schema is None or not _json_content(response, result):
        return
    success = status is not None and 200 <= status < 300
    has_body, body = _json_body(response, result)
    if has_body:
        result.findings.extend(("response", v) for v in validate(body, schema, strict=strict))
        if success:
            found = _query_findings(entry, op, body)
            result.findings.extend(
                ("query accepted", v) for v in found if strict or v.level is Level.MUST
            )
    if op.request_schema and success:
        sent = _request_body(entry)
        if sent is not None:
            found = validate(sent, op.request_schema, strict=strict)
            result.findings.extend(("request accepted", v) for v in found)


def validate_har(document: Any, *, strict: bool = False) -> list[EntryResult]:
    """Validate every entry of a parsed HAR document.

    Raises:
        HarError: ``document`` has no ``log.entries`` list.
    """
    entries = document.get("log", {}).get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise HarError("not a HAR file: no log.entries list")
    operations = _operations()
    results = []
    for index, entry in enumerate(entries):
        request = entry.get("request", {}) if isinstance(entry, dict) else {}
        method = str(request.get("method", "")).upper()
        url = str(request.get("url", ""))
        raw_status = entry.get("response", {}).get("status") if isinstance(entry, dict) else None
        status = raw_status if isinstance(raw_status, int) else None
        op = _match(operations, method, urllib.parse.urlsplit(url).path)
        result = EntryResult(
            index, method, _public_url(url), status, op.operation_id if op else None
        )
        if op is None:
            result.skipped = _skip_reason(operations, urllib.parse.urlsplit(url).path)
        if op is not None and status:  # status 0 or none: the recording has no response
            _check_entry(entry, op, result, strict)
        results.append(result)
    return results
