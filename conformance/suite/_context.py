"""What a check runs with: the run's settings, a recording client, shared fixtures, findings."""

from __future__ import annotations

import random
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from lotuspay_contract import schemas
from lotuspay_contract.strategies import IndianValues

from ..client import Exchange, LotusPayClient, form_pairs
from ..validation import Level, validate
from ._evidence import Evidence, NotExercised
from ._failure import CheckFailure
from ._operations import judges
from ._registry import RULE_TAGS, Check, level_of
from ._unreliable import unreliable_as_findings

__all__ = [
    "RUN_METADATA_KEY",
    "TIERS",
    "CheckContext",
    "NotExercised",
    "RunSettings",
    "Session",
    "Tier",
]

_ACCOUNT_TYPES = [t for t in schemas.load("bank_account")["properties"]["account_type"]["enum"]]

#: Every object the suite creates carries this metadata key, valued with the run id.
RUN_METADATA_KEY = "lotuspay_contract_run"
_MAX_FINDINGS_PER_CHECK = 20


@dataclass(frozen=True)
class Tier:
    """How much a tier does: examples per property, customers to page through, phase sizes."""

    name: str
    examples: int
    page_customers: int
    stateful_examples: int
    stateful_steps: int
    fuzz_examples: int


TIERS: dict[str, Tier] = {
    "smoke": Tier("smoke", 3, 3, 2, 8, 3),
    "standard": Tier("standard", 25, 7, 15, 20, 25),
    "deep": Tier("deep", 200, 25, 100, 50, 200),
}


@dataclass(frozen=True)
class RunSettings:
    """What the user asked for. Keys are held here and nowhere else; never print them."""

    base_url: str
    api_key: str | None
    tier: Tier
    seed: int
    run_id: str
    strict: bool = False
    allow_live: bool = False
    live_key: str | None = field(default=None, repr=False)
    #: A test key of a second account, for the isolation check (CUS-AUTH-003).
    second_key: str | None = field(default=None, repr=False)
    read_timeout: float = 10.0
    deadline: float = 30.0


class Session:
    """State shared by every check of one run: clients, fixtures, response-check findings."""

    def __init__(
        self,
        settings: RunSettings,
        client: LotusPayClient,
        response_checks: Sequence[Check] = (),
        live_client: LotusPayClient | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.live_client = live_client
        self.cache: dict[str, Any] = {}
        self.jobs = 1  # run --jobs: checks, and a long check's parts, run in threads
        self._fixture_locks: dict[str, threading.Lock] = {}
        self._lock = threading.RLock()
        self.response_contexts = {c.id: CheckContext(c, self) for c in response_checks}
        self.exchanges = 0
        self.seen = Evidence()  # every answer of the run: the coverage table's rows
        for each in (client, live_client):
            if each is not None:
                each.on_exchange = self.observe

    def observe(self, exchange: Exchange) -> None:
        """Run every selected response check on ``exchange`` (thread-safe)."""
        with self._lock:
            self.exchanges += 1
            self.seen.add(exchange)
            for ctx in self.response_contexts.values():
                if judges(ctx.check.id, exchange):
                    ctx.judge(exchange)
                try:
                    ctx.check.func(ctx, exchange)
                except CheckFailure as failure:
                    ctx.add(failure)

    def fixture(self, name: str, make: Callable[[], Any]) -> Any:
        """Return the run's ``name`` fixture, made once on first use even by parallel threads
        (others wait for it; one that raises caches nothing: the next caller tries again)."""
        if name in self.cache:
            return self.cache[name]
        with self._lock:
            lock = self._fixture_locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self.cache:
                self.cache[name] = make()
            return self.cache[name]


def _error_field(body: Any, key: str) -> Any:
    inner = body.get("error", body) if isinstance(body, dict) else None
    return inner.get(key) if isinstance(inner, dict) else None


class CheckContext:
    """Handed to a check function: the client, the settings, and ways to report findings."""

    def __init__(self, check: Check, session: Session) -> None:
        self.check = check
        self.session = session
        self.findings: list[CheckFailure] = []
        self._lock = threading.Lock()  # a long check's parts record from several threads
        self._seen: set[tuple[str, str, str, str]] = set()
        self.occurrences = 0
        self.evidence = Evidence()  # what it judged: a pass without any is "not exercised"
        seed = session.settings.seed ^ zlib.crc32(check.id.encode())
        self.rng = random.Random(seed)

    @property
    def client(self) -> LotusPayClient:
        return self.session.client

    @property
    def settings(self) -> RunSettings:
        return self.session.settings

    @property
    def tier(self) -> Tier:
        return self.session.settings.tier

    # -- findings ---------------------------------------------------------------------------

    def finding(
        self,
        message: str,
        *,
        exchange: Exchange | None = None,
        pointer: str = "",
        expected: Any = None,
        actual: Any = None,
        level: Level | None = None,
        rule: str | None = None,
    ) -> CheckFailure:
        """Build a finding at ``level``, else the level of the contract ``rule`` it cites, else
        the check's own level."""
        self.judge(exchange)
        if level is None and rule is not None and rule in RULE_TAGS:
            level = level_of(rule)
        return CheckFailure(
            self.check.id,
            self.check.title,
            level or self.check.level,
            message,
            request=None if exchange is None else exchange.curl,
            pointer=pointer,
            expected=expected,
            actual=actual,
            seed=self.settings.seed,
            rule=rule,
            status=None if exchange is None else exchange.status,
        )

    def judge(self, exchange: Exchange | None) -> None:
        """Count ``exchange`` as an answer this check judged (the judging helpers call it)."""
        with self._lock:
            self.evidence.add(exchange)

    def add(self, failure: CheckFailure) -> None:
        """Record ``failure`` once (deduplicated, capped; a check's first MUST is always kept)."""
        with self._lock:
            self.occurrences += 1
            full = len(self.findings) >= _MAX_FINDINGS_PER_CHECK and (
                failure.level is not Level.MUST or any(f.level is Level.MUST for f in self.findings)
            )
            if failure.signature() in self._seen or full:
                return
            self._seen.add(failure.signature())
            self.findings.append(failure)

    def fail(self, message: str, **kwargs: Any) -> NoReturn:
        """Stop the check with a finding (see :meth:`finding` for the arguments)."""
        raise self.finding(message, **kwargs)

    def not_exercised(self, reason: str) -> NoReturn:
        """Stop the check as "not exercised": it judged nothing, so it must not pass."""
        raise NotExercised(reason)

    def report(self, message: str, **kwargs: Any) -> None:
        """Record a finding and carry on."""
        self.add(self.finding(message, **kwargs))

    def expect(self, condition: bool, message: str, **kwargs: Any) -> None:
        """Fail with ``message`` unless ``condition`` holds."""
        self.judge(kwargs.get("exchange"))
        if not condition:
            self.fail(message, **kwargs)

    # -- reading answers --------------------------------------------------------------------

    def body(self, exchange: Exchange, *statuses: int, what: str) -> Any:
        """Return the JSON body of ``exchange``; fail unless its status is one of ``statuses``.

        200 stands for any 2xx: the docs promise a successful answer, not its precise code
        (200 precisely is a convention, judged by CUS-HTTP-002 at its own level).
        """
        self.judge(exchange)
        success = 200 in statuses and 200 <= exchange.status < 300
        if statuses and exchange.status not in statuses and not success:
            wanted = ["2xx" if s == 200 else str(s) for s in statuses]
            self.fail(
                f"{what}: expected status {' or '.join(wanted)}, got "
                f"{exchange.status}: {exchange.text_excerpt(200)}",
                exchange=exchange,
                expected=list(statuses),
                actual=exchange.status,
            )
        try:
            return exchange.json()
        except ValueError:
            self.fail(
                f"{what}: the body is not JSON: {exchange.text_excerpt(120)!r}",
                exchange=exchange,
                expected="a JSON body",
                actual=exchange.text_excerpt(120),
            )

    def expect_field(
        self, body: Any, key: str, expected: Any, message: str, *, exchange: Exchange
    ) -> None:
        """Fail with ``message`` unless the answer ``body`` has ``key`` equal to ``expected``."""
        actual = body.get(key) if isinstance(body, dict) else body
        self.expect(
            isinstance(body, dict) and actual == expected,
            message,
            exchange=exchange,
            pointer=f"/{key}",
            expected=expected,
            actual=actual,
        )

    def expect_error(
        self,
        exchange: Exchange,
        status: int | tuple[int, ...],
        what: str,
        *,
        param: str | None = None,
        rule: str | None = None,
    ) -> None:
        """Fail unless ``exchange`` is a ``status`` error (one of a tuple) with an error object; a
        wrong status is at ``rule``'s level. An error not naming ``param`` is a request.param
        finding ([conv]: optional in the docs), and the check carries on."""
        wanted = (status,) if isinstance(status, int) else status
        self.expect(
            exchange.status in wanted,
            f"{what} got {exchange.status}, not {' or '.join(map(str, wanted))}",
            exchange=exchange,
            expected=wanted[0] if len(wanted) == 1 else list(wanted),
            actual=exchange.status,
            rule=rule,
        )
        body = self.body(exchange, what=what)
        self.validate(body, "error", exchange)
        if param is not None:
            named = self.error_param(body)
            if named != param:
                self.report(
                    f"{what}: the error does not name {param!r}",
                    exchange=exchange,
                    pointer="/error/param",
                    expected=param,
                    actual=named,
                    rule="request.param",
                )

    def error_param(self, body: Any) -> Any:
        """Return the ``param`` of an error body, enveloped or flat (contract: error.param)."""
        return _error_field(body, "param")

    def error_type(self, body: Any) -> Any:
        """Return the ``type`` of an error body, enveloped or flat."""
        return _error_field(body, "type")

    def validate(self, document: Any, schema: str, exchange: Exchange, *, prefix: str = "") -> bool:
        """Record every rule ``document`` breaks, each at its own level; True if no MUST broke."""
        self.judge(exchange)
        ok = True
        for violation in validate(document, schema, strict=True):
            ok = ok and violation.level is not Level.MUST
            self.report(
                violation.message,
                exchange=exchange,
                pointer=prefix + violation.pointer,
                expected=violation.expected,
                actual=violation.actual,
                level=violation.level,
                rule=violation.rule,
            )
        return ok

    def for_examples(
        self, strategy: Any, test: Callable[[Any], None], *, explicit: Sequence[Any] = ()
    ) -> None:
        """Run ``test`` on the ``explicit`` values, then on examples of a Hypothesis
        ``strategy``: as many as the tier says, from the run's seed. Shrinking (more requests,
        smaller examples) only in the deep tier."""
        from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
        from hypothesis import example as explicit_example

        phases = [Phase.explicit, Phase.generate]
        if self.tier.name == "deep":
            phases.append(Phase.shrink)

        @seed(self.settings.seed ^ zlib.crc32(self.check.id.encode()))
        @settings(
            max_examples=self.tier.examples,
            database=None,
            deadline=None,
            phases=phases,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,
        )
        @given(strategy)
        def run(value: Any) -> None:
            test(value)

        for value in reversed(explicit):
            run = explicit_example(value)(run)
        with unreliable_as_findings(self):  # a replay that passes: the first failure stands
            run()

    # -- making test data -------------------------------------------------------------------

    def run_metadata(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Return metadata that marks an object as made by this run."""
        return {**(extra or {}), RUN_METADATA_KEY: self.settings.run_id}

    def unique_email(self, tag: str) -> str:
        """Return an address no other run or check uses."""
        token = f"{self.rng.getrandbits(40):010x}"
        safe = re.sub(r"[^a-z0-9]+", "-", f"{self.check.id}-{tag}".lower())
        return f"lpc-{self.settings.run_id}-{safe}-{token}@example.in"

    def customer_params(self, tag: str = "c") -> dict[str, Any]:
        """Return realistic create parameters, unique by email: only arguments the docs name
        without doubt, so no PAN (contract: customer_create.pan; CUS-RT-006 sends it)."""
        values = IndianValues(self.rng)
        return {
            "name": values.name(),
            "email": self.unique_email(tag),
            "mobile": values.mobile(),
            "phone": values.phone(),
            "metadata": self.run_metadata({"source": "conformance"}),
        }

    def create_customer(
        self, params: dict[str, Any] | None = None, *, encoding: str = "json"
    ) -> tuple[Exchange, dict[str, Any]]:
        """Create a customer (run metadata added); fail unless the answer is a 2xx object."""
        params = dict(self.customer_params() if params is None else params)
        params["metadata"] = {**params.get("metadata", {}), **self.run_metadata()}
        if encoding == "form":
            exchange = self.client.request("POST", "/v1/customers", form=form_pairs(params))
        else:
            exchange = self.client.request("POST", "/v1/customers", json_body=params)
        body = self.body(exchange, 200, what="create a customer")
        if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
            self.fail("create a customer: the answer has no id", exchange=exchange, actual=body)
        return exchange, body

    def shared_customer(self) -> dict[str, Any]:
        """Return a customer created once per run for checks that only read."""
        found: dict[str, Any] = self.session.fixture("customer", lambda: self.create_customer()[1])
        return found

    def pan(self) -> str:
        """Return a realistic PAN of a person (``IndianValues.pan``)."""
        return IndianValues(self.rng).pan()

    def bank_account_params(self) -> dict[str, str]:
        """Return valid bank account create parameters (contract: bank_account_create)."""
        return IndianValues(self.rng).bank_account_params(_ACCOUNT_TYPES)

    def create_bank_account(
        self, customer_id: str, params: dict[str, str] | None = None
    ) -> tuple[Exchange, dict[str, Any]]:
        """Create a bank account; fail unless the answer is a 2xx object with an id."""
        params = self.bank_account_params() if params is None else params
        exchange = self.client.request(
            "POST", f"/v1/customers/{customer_id}/bank_accounts", json_body=params
        )
        body = self.body(exchange, 200, what="create a bank account")
        if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
            self.fail("create a bank account: the answer has no id", exchange=exchange, actual=body)
        return exchange, body
