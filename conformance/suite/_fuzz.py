"""The fuzz phase: Schemathesis generates requests from the OpenAPI document; our client sends
them (bounded, masked, recorded) and our response checks judge every answer.

Schemathesis is used through its public API only: ``schemathesis.openapi.from_path``,
``operation.as_strategy()``, ``case.as_transport_kwargs()`` and ``schemathesis.check``. The
response checks are also registered as Schemathesis checks (:func:`schemathesis_checks`), so a
project's own Schemathesis tests can run them: ``case.call_and_validate(checks=...)``.
"""

from __future__ import annotations

import functools
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

from ..client import Exchange, TargetError, form_pairs, key_mode
from ..validation import Level
from ._context import RUN_METADATA_KEY, CheckContext, RunSettings, Session
from ._operations import operation_of
from ._parts import run_parts
from ._registry import all_checks

__all__ = ["run_fuzz", "schemathesis_checks"]

_DROPPED_HEADERS = frozenset({"authorization", "user-agent", "accept-encoding", "connection"})
#: Schemathesis is the extra ``[fuzz]``: without it the phase judged nothing, so it says so.
NO_SCHEMATHESIS = "schemathesis is not installed (pip install 'lotuspay-contract[fuzz]')"


def run_fuzz(ctx: CheckContext) -> None:
    """Send the tier's number of generated cases per operation; response checks judge them.

    The check judges every answer itself too: a 5xx (contract: errors.no_5xx), a request that
    gets no answer, and a case generated as valid that is refused (request.valid_accepted) are
    its findings. A run that sent nothing is "not exercised", never a pass; so is a run without
    schemathesis installed (it is the optional extra ``[fuzz]``).
    """
    try:
        import schemathesis
    except ImportError:
        ctx.not_exercised(NO_SCHEMATHESIS)
    from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

    from lotuspay_contract import schemas

    schema = schemathesis.openapi.from_path(schemas.openapi_path())
    # Negative cases (wrong types, missing fields) probe the "4xx, never 5xx" rule too.
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    schema.config.generation.update(modes=modes)  # type: ignore[arg-type]
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    state = _FuzzState()

    def fuzz(operation: Any) -> None:
        @seed(ctx.settings.seed)
        @settings(
            max_examples=ctx.tier.fuzz_examples,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
        )
        @given(operation.as_strategy())
        def send(case: Any) -> None:
            if state.hung is None:  # after a request that got no answer, send no more
                _judge_case(ctx, case, state)

        send()

    # One Hypothesis run per operation: the parts of the check, side by side under --jobs.
    run_parts(ctx, [functools.partial(fuzz, operation) for operation in operations])
    if state.hung is not None:
        failure = ctx.finding(
            f"a generated request got no answer: {state.hung}",
            expected="an answer within the timeouts",
            actual=state.hung.kind,
            rule="request.valid_accepted" if state.hung_valid else "errors.no_5xx",
        )
        failure.request = state.hung.curl
        raise failure
    if state.sent == 0:
        ctx.not_exercised("no generated request was sent")


class _FuzzState:
    """What the fuzz phase saw: requests sent, and the first request that got no answer."""

    def __init__(self) -> None:
        self.sent = 0
        self.hung: TargetError | None = None
        self.hung_valid = False
        self.lock = threading.Lock()  # the operations run side by side under --jobs

    def record(self, hung: TargetError | None = None, valid: bool = False) -> None:
        """Count a request that was answered, or keep the first one that was not."""
        with self.lock:
            if hung is None:
                self.sent += 1
            elif self.hung is None:
                self.hung, self.hung_valid = hung, valid


def _is_positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    mode = getattr(generation, "mode", None)
    return str(getattr(mode, "value", mode)) == "positive"


def _must_accept(case: Any, exchange: Exchange) -> bool:
    """Whether the docs promise success to this valid case: a customer create (every argument
    optional), or a customer list without an email filter (an unknown email is an error)."""
    if exchange.method == "POST" and operation_of(exchange) == "create_customer":
        return True
    if exchange.method == "GET" and operation_of(exchange) == "list_customers":
        return not any(key == "email" for key, _ in exchange.params)
    return False


def _judge_case(ctx: CheckContext, case: Any, state: _FuzzState) -> None:
    positive = _is_positive(case)
    try:
        exchange = _send_case(ctx, case)
    except TargetError as exc:
        state.record(exc, positive)
        return
    state.record()
    ctx.judge(exchange)  # every answer is judged: 5xx, and refusal of a valid case
    if exchange.status >= 500:
        ctx.report(
            f"a generated request got server error {exchange.status}",
            exchange=exchange,
            expected="< 500",
            actual=exchange.status,
            rule="errors.no_5xx",
        )
    elif (
        positive
        and 400 <= exchange.status < 500
        and exchange.status != 429
        and _must_accept(case, exchange)
    ):
        body = case.body if isinstance(case.body, dict) else {}
        # The PAN's argument name is [ours]: a refusal of a body holding it is only a note.
        rule = "customer_create.pan" if "identification" in body else "request.valid_accepted"
        ctx.report(
            f"a request generated as valid was refused with {exchange.status}",
            exchange=exchange,
            expected="2xx",
            actual=exchange.status,
            rule=rule,
        )


def _send_case(ctx: CheckContext, case: Any) -> Exchange:
    kwargs = case.as_transport_kwargs(base_url=ctx.settings.base_url)
    path = urllib.parse.urlsplit(kwargs["url"]).path
    headers = {
        k: str(v)
        for k, v in (kwargs.get("headers") or {}).items()
        if k.lower() not in _DROPPED_HEADERS and not k.lower().startswith("x-schemathesis")
    }
    params = [(str(k), str(v)) for k, v in _flatten_params(kwargs.get("params") or {})]
    body: dict[str, Any] = {}
    media = getattr(case, "media_type", None)
    if type(case.body).__name__ == "NotSet":  # a negative case without a body
        media = None
    if media == "application/json":
        body["json_body"] = _mark_run(ctx, case, case.body)
    elif media == "application/x-www-form-urlencoded" and isinstance(case.body, dict):
        body["form"] = form_pairs(_mark_run(ctx, case, case.body))
    return ctx.client.request(kwargs["method"], path, params=params, headers=headers, **body)


def _flatten_params(params: dict[str, Any]) -> list[tuple[Any, Any]]:
    pairs: list[tuple[Any, Any]] = []
    for key, value in params.items():
        pairs.extend((key, v) for v in value) if isinstance(value, list) else pairs.append(
            (key, value)
        )
    return pairs


def _mark_run(ctx: CheckContext, case: Any, body: Any) -> Any:
    """Add the run's metadata to generated customer creates, so users can find them."""
    if case.operation.path == "/v1/customers" and isinstance(body, dict):
        metadata = body.get("metadata", {})
        if isinstance(metadata, dict) and len(metadata) < 50:
            return {**body, "metadata": {**metadata, RUN_METADATA_KEY: ctx.settings.run_id}}
    return body


def _exchange_from(response: Any) -> Exchange:
    """Build our record of a Schemathesis response (its request is a requests.PreparedRequest)."""
    import httpx

    request = response.request
    url = urllib.parse.urlsplit(request.url)
    auth = request.headers.get("Authorization", "")
    key = None
    if auth.lower().startswith("basic "):
        import base64

        try:
            key = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
        except (ValueError, UnicodeDecodeError):
            key = None
    headers = httpx.Headers(
        {k: v[0] if isinstance(v, list) else v for k, v in response.headers.items()}
    )
    body = request.body.encode() if isinstance(request.body, str) else request.body
    return Exchange(
        method=request.method,
        url=f"{url.scheme}://{url.netloc}{url.path}",
        path=url.path,
        params=urllib.parse.parse_qsl(url.query),
        request_headers={},
        request_body=body,
        key_mode=key_mode(key),
        masked_key=None,
        status=response.status_code,
        headers=headers,
        content=response.content or b"",
        elapsed=response.elapsed,
    )


@functools.cache
def schemathesis_checks() -> tuple[Callable[..., Any], ...]:
    """Register every response check as a Schemathesis check; return them.

    Each raises our ``CheckFailure`` (an AssertionError) on a MUST finding.

    >>> case.call_and_validate(checks=schemathesis_checks())  # doctest: +SKIP
    """
    import schemathesis

    registered = []
    for check in (c for c in all_checks() if c.kind == "response"):

        def run(ctx: Any, response: Any, case: Any, _check: Any = check) -> bool | None:
            settings = RunSettings("", None, _tiers()["smoke"], 0, "schemathesis")
            session = Session(settings, _NullClient())  # type: ignore[arg-type]
            context = CheckContext(_check, session)
            from ._failure import CheckFailure

            try:
                _check.func(context, _exchange_from(response))
            except CheckFailure as failure:
                context.add(failure)
            for finding in context.findings:
                if finding.level is Level.MUST:
                    raise finding
            return None

        run.__name__ = check.id.lower().replace("-", "_")
        registered.append(schemathesis.check(run))
    return tuple(registered)


def _tiers() -> dict[str, Any]:
    from ._context import TIERS

    return TIERS


class _NullClient:
    """Stands in for a client where a check only judges a response and sends nothing."""

    on_exchange: Any = None
