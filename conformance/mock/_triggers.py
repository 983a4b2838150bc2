"""Deterministic triggers for a client's error paths, in the style of Stripe's test values.

A request carrying a reserved input gets a chosen documented error instead of its answer:

- an email at ``@trigger.lotuspay-contract.invalid`` (a create's ``email``, or the ``email``
  filter of the customer list): the local part names the trigger, ``server_error@...``;
- a create's metadata key ``lotuspay_contract_trigger`` whose value names it.

A name ending in ``+once`` (``server_error+once@...``, ``+once-2`` for another one) fires on
the first such request only, per account and per test, so a retry then succeeds. ``.invalid``
is reserved by RFC 2606 and the key by this project: no real input reaches a trigger by
accident. Triggers are off unless asked for (the client fixture, ``mock --triggers``): the mock
serving as the suite's reference never has them.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import parse_qsl

from ._buffered import ASGIApp, Receive, Scope, Send, read_body, replaying, send_error
from ._recording import Recorder

__all__ = [
    "TIMEOUT_HOLD_SECONDS",
    "TRIGGERS",
    "TRIGGER_DOMAIN",
    "TRIGGER_METADATA_KEY",
    "Trigger",
    "TriggerLayer",
    "find_trigger",
]

TRIGGER_DOMAIN = "trigger.lotuspay-contract.invalid"
TRIGGER_METADATA_KEY = "lotuspay_contract_trigger"
#: How long ``timeout`` holds a request before closing it unanswered (sooner if the client
#: goes): longer than a client's read timeout should be, within the suite's own 10 s bound.
TIMEOUT_HOLD_SECONDS = 8.0


@dataclass(frozen=True)
class Trigger:
    """A reserved input's answer: ``status`` (0: no answer at all) and the rule it documents."""

    name: str
    status: int
    rule: str
    description: str
    retry_after: int | None = None


TRIGGERS: MappingProxyType[str, Trigger] = MappingProxyType(
    {
        t.name: t
        for t in (
            Trigger(
                "invalid_param",
                400,
                "request.param",
                "400 invalid_request_error whose param names the field that carried the trigger",
            ),
            Trigger("unauthorized", 401, "transport.auth", "401 authentication_error"),
            Trigger("not_found", 404, "errors.type_by_status", "404 invalid_request_error"),
            Trigger(
                "rate_limited",
                429,
                "transport.rate_limit",
                "429 rate_limit_error with Retry-After: 1",
                retry_after=1,
            ),
            Trigger("server_error", 500, "errors.type_by_status", "500 api_error"),
            Trigger(
                "timeout",
                0,
                "client.limits",
                f"no answer: the request is held up to {TIMEOUT_HOLD_SECONDS:g} s (until the "
                "client gives up), then the connection closes",
            ),
        )
    }
)

_MESSAGES = {
    400: "Invalid value for {param} (trigger {name}).",
    401: "Invalid API key provided (trigger {name}).",
    404: "No such object (trigger {name}).",
    429: "Too many requests: retry later (trigger {name}).",
    500: "An error occurred on our side (trigger {name}).",
}


def _found(value: object) -> tuple[str, str] | None:
    """(trigger name, the whole input) when ``value`` is a trigger email."""
    if not isinstance(value, str) or not value.lower().endswith("@" + TRIGGER_DOMAIN):
        return None
    return value.rpartition("@")[0], value


def _params(scope: Scope, body: bytes) -> dict[str, object]:
    media = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    if media == b"application/x-www-form-urlencoded":
        flat = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        params: dict[str, object] = {k: v for k, v in flat if "[" not in k}
        params["metadata"] = {k[9:-1]: v for k, v in flat if k.startswith("metadata[")}
        return params
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def find_trigger(scope: Scope, body: bytes) -> tuple[str, str, str] | None:
    """(local part, the whole input, the param that carried it) of a request's trigger."""
    if scope["method"] == "GET":
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        emails = [v for k, v in query if k == "email"]
        hit = _found(emails[0]) if emails else None
        return (*hit, "email") if hit else None
    params = _params(scope, body)
    hit = _found(params.get("email"))
    if hit:
        return (*hit, "email")
    metadata = params.get("metadata")
    value = metadata.get(TRIGGER_METADATA_KEY) if isinstance(metadata, dict) else None
    if isinstance(value, str):
        return value, value, f"metadata[{TRIGGER_METADATA_KEY}]"
    return None


class _Triggers:
    def __init__(
        self, app: ASGIApp, recorder: Recorder | None = None, fired: list[str] | None = None
    ) -> None:
        self.app = app
        self.recorder = recorder
        self.generation = -1
        self.spent: set[tuple[bytes, str]] = set()
        #: Names of the triggers that fired, in order: a reference run must leave this empty.
        self.fired = fired if fired is not None else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        trigger = self._due(scope, body)
        if trigger is None:
            await self.app(scope, replaying(body, receive), send)
            return
        name, param = trigger
        self.fired.append(name.name)
        if name.status == 0:
            await _hold(scope, receive)
            return
        headers = {"retry-after": str(name.retry_after)} if name.retry_after else None
        message = _MESSAGES[name.status].format(param=param, name=name.name)
        await send_error(
            send,
            name.status,
            message,
            param=param if name.status == 400 else None,
            headers=headers,
        )

    def _due(self, scope: Scope, body: bytes) -> tuple[Trigger, str] | None:
        found = find_trigger(scope, body)
        if found is None:
            return None
        local, whole, param = found
        name, plus, tag = local.partition("+")
        trigger = TRIGGERS.get(name)
        if trigger is None:
            return None  # an unknown name is an ordinary value: never a surprise answer
        if plus and tag.startswith("once"):
            generation = self.recorder.generation if self.recorder else 0
            if generation != self.generation:
                self.generation, self.spent = generation, set()
            account = dict(scope["headers"]).get(b"authorization", b"")
            if (account, whole) in self.spent:
                return None
            self.spent.add((account, whole))
        return trigger, param


async def _hold(scope: Scope, receive: Receive) -> None:
    """Answer nothing until the client goes or the hold ends; then close the connection."""
    try:
        while True:
            message = await asyncio.wait_for(receive(), TIMEOUT_HOLD_SECONDS)
            if message["type"] == "http.disconnect":
                break
    except TimeoutError:
        pass
    drop = scope.get("extensions", {}).get("lotuspay.drop")
    if drop is not None:
        drop()


#: The ASGI layer: ``_Triggers(app, recorder=..., fired=[...])``, e.g. for ``add_middleware``.
TriggerLayer = _Triggers
