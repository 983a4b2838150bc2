"""Searching for failing differences: the list workout, then Hypothesis' generated sequences,
each failing kind shrunk to the shortest sequence that still shows it."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.errors import Flaky

from ..client import DeadlineReached
from ..errors import LotusPayContractError
from ._generate import list_workout, sequences
from ._operations import Operation
from ._runner import DiffResult, DiffSettings, Finding, _Player, _sides

__all__ = ["run_diff", "search"]


class _Found(LotusPayContractError):
    """A failing difference: fails the Hypothesis example, which is then shrunk."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.difference.kind)
        self.finding = finding


class _ShrinkingDone(BaseException):
    """The tier's shrinking budget is spent: stop Hypothesis, keep the shortest so far."""


def search(
    run: DiffSettings, player: _Player, result: DiffResult, progress: Callable[[str], None] | None
) -> None:
    """Fill ``result`` with the failing differences found, shrunk, and the others seen."""
    _Search(run, player, result, progress).run()


class _Search:
    """Finds failing differences: first on the list workout (every list rule on objects only
    this sequence created), then on generated sequences, one kind per round."""

    def __init__(
        self,
        run: DiffSettings,
        player: _Player,
        result: DiffResult,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.run_settings, self.player, self.result, self.progress = run, player, result, progress
        self.tier = run.tier
        self.found: set[str] = set()
        self.others: dict[str, Finding] = {}
        self.best: list[Finding] = []
        self.calls = 0

    def run(self) -> None:
        self.workout()
        strategy = sequences(max_size=self.tier.max_steps)
        test = settings(
            max_examples=self.run_settings.max_examples or self.tier.max_examples,
            database=None,
            deadline=None,
            phases=(Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,
            print_blob=False,
        )(given(strategy)(self.attempt))
        for round_number in range(self.tier.kinds - len(self.result.failures)):
            self.best.clear()
            self.calls = 0
            with contextlib.suppress(_Found, _ShrinkingDone, Flaky):
                seed(self.run_settings.seed + round_number)(test)()
            if not self.best:
                break
            self.keep(self.best[0])
        self.result.others = [f for k, f in sorted(self.others.items()) if k not in self.found]

    def keep(self, finding: Finding) -> None:
        self.result.failures.append(finding)
        self.found.add(finding.difference.kind)
        if self.progress is not None:
            self.progress(f"found: {finding.difference.kind} in {finding.requests} steps")

    def judge(self, ops: list[Operation]) -> Finding | None:
        """Play ``ops``; note the differences that do not fail; return the first that does."""
        steps = self.player.play(ops)
        self.result.sequences += 1
        failing = None
        for step in steps:
            for difference in step.differences:
                if difference.fails(self.run_settings.strict):
                    if failing is None and difference.kind not in self.found:
                        failing = Finding(difference, steps[: step.number])
                    continue
                known = self.others.get(difference.kind)
                if known is None or step.number < len(known.steps):
                    self.others[difference.kind] = Finding(difference, steps[: step.number])
        return failing

    def workout(self) -> None:
        """Play :func:`list_workout`; shrink each kind it fails with by removing steps."""
        while len(self.result.failures) < self.tier.kinds:
            ops = list_workout()
            failing = self.judge(ops)
            if failing is None:
                return
            self.keep(self.removing(ops, failing))

    def removing(self, ops: list[Operation], failing: Finding) -> Finding:
        """Shrink a failing workout: the failing step alone or after one create, else the
        prefix up to it, without its pauses, then one step at a time, last first, while the
        same kind still fails (the tier's shrinking budget bounds the tries)."""
        kind = failing.difference.kind
        last = failing.steps[-1].op
        cut = next((i + 1 for i, op in enumerate(ops) if op is last), len(ops))
        creates = [op for op in ops if op.kind == "create_customer"][:1]
        tries = [[last], [*creates, last]] if last is not None else []
        for candidate in [*tries, ops[:cut], [op for op in ops[:cut] if op.kind != "pause"]]:
            again = self.judge(candidate)
            if again is not None and again.difference.kind == kind:
                ops, failing = candidate, again
                if candidate in tries:
                    return failing
        for tried, index in enumerate(reversed(range(len(ops)))):
            if tried >= self.tier.shrink_calls or len(ops) <= 1:
                break
            again = self.judge(ops[:index] + ops[index + 1 :])
            if again is not None and again.difference.kind == kind:
                ops, failing = ops[:index] + ops[index + 1 :], again
        return failing

    def attempt(self, ops: list[Operation]) -> None:
        best = self.best
        if best:
            self.calls += 1
            if self.calls > self.tier.shrink_calls or best[0].requests <= 1:
                raise _ShrinkingDone()  # spent, or nothing shorter exists
        failing = self.judge(ops)
        if failing is None:
            return
        if not best:
            self.head_start(ops, failing)
        if not best or failing.requests <= best[0].requests:  # the later, the more shrunk
            best[:] = [failing]
        raise _Found(failing)

    def head_start(self, ops: list[Operation], failing: Finding) -> None:
        """A head start for the shrinker: does the failing step show it alone, or after the
        sequence's first create?"""
        alone = failing.steps[-1].op
        creates = [op for op in ops if op.kind == "create_customer"][:1]
        for candidate in ([alone], [*creates, alone]) if alone is not None else ():
            again = self.judge(candidate)
            if again is not None and again.difference.kind == failing.difference.kind:
                self.best[:] = [again]
                return


def run_diff(
    settings: DiffSettings, *, progress: Callable[[str], None] | None = None
) -> DiffResult:
    """Run the diff; raise :class:`TargetError` when a side does not answer at all.

    >>> result = run_diff(DiffSettings(url, key, ref_url, ref_key))  # doctest: +SKIP
    >>> result.exit_code
    0
    """
    started = time.monotonic()
    result = DiffResult(settings)
    ref, tgt = _sides(settings, started)
    try:
        for side in (ref, tgt):  # unreachable: a usage problem, not a difference
            side.client.request("GET", "/v1/customers", params=[("limit", "1")])
        search(settings, _Player(ref, tgt, secrets.token_hex(3)), result, progress)
    except DeadlineReached:
        result.stopped = "deadline"
    finally:
        ref.client.close()
        tgt.client.close()
        result.requests = {"reference": ref.sent, "target": tgt.sent}
        result.elapsed = time.monotonic() - started
    return result
