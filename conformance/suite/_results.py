"""A run's verdicts: one :class:`CheckResult` per check, the :class:`RunResult` of the run, and the
reasons a check ends without running (the deadline, an interrupt, a target that stopped)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..redact import mask_key, redact
from ..validation import Level
from ._context import RunSettings
from ._evidence import coverage_rows
from ._failure import CheckFailure
from ._registry import Check

__all__ = [
    "DEADLINE_REASON",
    "INTERRUPTED_REASON",
    "KEY_REFUSED_STOP",
    "NO_EVIDENCE_REASON",
    "RATE_LIMITED_REASON",
    "STATUSES",
    "TARGET_STOPPED_REASON",
    "TARGET_UNAVAILABLE_STOP",
    "CheckResult",
    "RunResult",
    "gravest_level",
    "status_of",
]

STATUSES: Final = ("passed", "failed", "error", "warned", "noted", "not_exercised", "skipped")
#: The reason of a check that ended without a finding but judged no answer.
NO_EVIDENCE_REASON: Final = "judged no answer"
#: The reason of every check the deadline cut: a distinct outcome, never a pass.
DEADLINE_REASON: Final = "not run: deadline"
INTERRUPTED_REASON: Final = "not run: interrupted"
TARGET_STOPPED_REASON: Final = "not run: the target stopped answering"
#: How the reason of a check throttled past its retries begins (status not exercised).
RATE_LIMITED_REASON: Final = "rate limited"
#: How ``stopped`` begins when an operational problem, not the server's behaviour, ended the
#: run (exit 2, as a usage error: a verdict on the server would be wrong).
KEY_REFUSED_STOP: Final = "key refused"
TARGET_UNAVAILABLE_STOP: Final = "target unavailable"
_OPERATIONAL_STOPS: Final = (KEY_REFUSED_STOP, TARGET_UNAVAILABLE_STOP)


@dataclass
class CheckResult:
    """The verdict on one check."""

    check: Check
    status: str
    findings: list[CheckFailure] = field(default_factory=list)
    duration: float = 0.0
    reason: str | None = None
    occurrences: int = 0
    #: The answers the check judged, by (OpenAPI operation id, status).
    evidence: Counter[tuple[str, int]] = field(default_factory=Counter)

    @property
    def failing(self) -> bool:
        return self.status in ("failed", "error")

    @property
    def level(self) -> Level:
        """The level of the verdict: the gravest level among the findings (the one that set the
        status, :func:`status_of`), else the check's declared level. Every report shows this
        one, so a row never says SHOULD beside a MUST finding."""
        return gravest_level(f.level for f in self.findings) or self.check.level


@dataclass
class RunResult:
    """Every check's verdict, and what the run was."""

    settings: RunSettings
    results: list[CheckResult]
    duration: float
    requests: int
    notices: list[str] = field(default_factory=list)
    stopped: str | None = None
    max_duration: float | None = None
    #: Every answer the run saw, by (OpenAPI operation id, status).
    seen: Counter[tuple[str, int]] = field(default_factory=Counter)
    #: How many answers, retries included, were 429.
    throttled: int = 0

    def coverage(self) -> list[dict[str, Any]]:
        """Return the coverage table: operation x status x the checks that judged it."""
        return coverage_rows(self.seen, ((r.check.id, r.evidence) for r in self.results))

    @property
    def target(self) -> str:
        return redact(self.settings.base_url)

    @property
    def masked_key(self) -> str:
        return mask_key(self.settings.api_key)

    def counts(self) -> dict[str, int]:
        """Return how many checks ended in each status, plus the total."""
        counts = {status: 0 for status in STATUSES}
        for result in self.results:
            counts[result.status] += 1
        counts["total"] = len(self.results)
        return counts

    @property
    def cut(self) -> int:
        """How many checks the deadline cut (not run, or not finished)."""
        return sum(1 for r in self.results if r.reason == DEADLINE_REASON)

    @property
    def operational_stop(self) -> bool:
        """Whether a refused key or an unavailable target stopped the run (no verdict)."""
        return bool(self.stopped) and str(self.stopped).startswith(_OPERATIONAL_STOPS)

    @property
    def throttle_note(self) -> str | None:
        """One line on the 429 answers, when there were any, suggesting ``--rate-limit``."""
        if not self.throttled:
            return None
        limited = sum(1 for r in self.results if (r.reason or "").startswith(RATE_LIMITED_REASON))
        return (
            f"{self.throttled} answer(s) were 429 (rate limited); {limited} check(s) not "
            "exercised for it: pace the run with --rate-limit N (requests per second)"
        )

    @property
    def exit_code(self) -> int:
        """2 when a refused key or an unavailable target stopped the run; else 0 when every
        check ran and none fails, 1 otherwise."""
        if self.operational_stop:
            return 2
        return 1 if self.cut or any(r.failing for r in self.results) else 0


_GRAVEST_FIRST: Final = (Level.MUST, Level.SHOULD, Level.MAY)


def gravest_level(levels: Iterable[Level]) -> Level | None:
    """Return the gravest of ``levels`` (MUST, then SHOULD, then MAY); None for none."""
    found = set(levels)
    return next((level for level in _GRAVEST_FIRST if level in found), None)


def status_of(findings: Sequence[CheckFailure], strict: bool) -> str:
    """Return the status findings at these levels give a check (``strict``: SHOULD fails)."""
    levels = {f.level for f in findings}
    if Level.MUST in levels or (strict and Level.SHOULD in levels):
        return "failed"
    if Level.SHOULD in levels:
        return "warned"
    return "noted" if Level.MAY in levels else "passed"
