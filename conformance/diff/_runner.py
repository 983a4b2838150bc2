"""Sending generated sequences to both sides and shrinking to the shortest that shows a
difference.

Hypothesis draws a list of operations (``@given(st.lists(operations()))``, seeded); each
sequence goes step by step to the reference and then the target, and each pair of answers is
compared. A failing difference (MUST, or SHOULD under ``strict``) fails the example, and
Hypothesis' own shrinking finds a shorter sequence that still shows one. The run then looks for
another kind of failing difference, up to the tier's number. Every request is bounded by the
client's timeouts and the run's deadline (:class:`DeadlineReached` ends it).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..client import Exchange, LotusPayClient, RateLimit
from ..redact import remember_secret
from ._compare import Answer, Difference, compare_answers, level_of_rule
from ._normalise import label_ids, normalise
from ._operations import PAUSE_SECONDS, Operation
from ._sides import Sequence, Side, View, shown

__all__ = [
    "DIFF_TIERS",
    "DiffResult",
    "DiffSettings",
    "DiffTier",
    "Finding",
    "Step",
    "play_sequence",
]


@dataclass(frozen=True)
class DiffTier:
    """How much a diff run does: sequences generated, steps per sequence, failing kinds looked
    for, shrinking calls allowed per kind, and the default deadline in seconds."""

    name: str
    max_examples: int
    max_steps: int
    kinds: int
    shrink_calls: int
    max_duration: float


DIFF_TIERS = {
    "smoke": DiffTier("smoke", 25, 8, 1, 60, 120.0),
    "standard": DiffTier("standard", 60, 12, 3, 300, 600.0),
    "deep": DiffTier("deep", 200, 20, 6, 600, 1800.0),
}


@dataclass(frozen=True)
class DiffSettings:
    """One diff run: the two sides, the tier, the seed and the verdict's strictness."""

    target_url: str
    target_key: str
    reference_url: str
    reference_key: str
    tier: DiffTier = DIFF_TIERS["standard"]
    seed: int = 0
    strict: bool = False
    max_duration: float | None = None
    rate_limit: float | None = None
    #: Overrides the tier's number of sequences (tests keep runs short with it).
    max_examples: int | None = None


@dataclass
class Step:
    """One operation of a played sequence, with both requests and answers (masked)."""

    number: int
    operation: str
    reference: dict[str, Any] | None
    target: dict[str, Any] | None
    differences: list[Difference] = field(default_factory=list)
    #: The operation itself (not in the reports: ``operation`` shows it).
    op: Operation | None = field(default=None, repr=False, compare=False)


@dataclass
class Finding:
    """A kind of difference and the shortest sequence found that shows it."""

    difference: Difference
    steps: list[Step]

    @property
    def requests(self) -> int:
        return sum(1 for s in self.steps if s.target is not None)


@dataclass
class DiffResult:
    """What a diff run found: failing findings (shrunk), and the other differences seen."""

    settings: DiffSettings
    failures: list[Finding] = field(default_factory=list)
    others: list[Finding] = field(default_factory=list)
    sequences: int = 0
    requests: dict[str, int] = field(default_factory=lambda: {"reference": 0, "target": 0})
    elapsed: float = 0.0
    stopped: str | None = None

    @property
    def exit_code(self) -> int:
        """0 without failing differences, 1 with one (or when the deadline cut the run)."""
        return 1 if self.failures or self.stopped else 0


class _Player:
    def __init__(self, ref: Side, tgt: Side, run_tag: str) -> None:
        self.ref, self.tgt, self.run_tag = ref, tgt, run_tag
        self.played = 0
        self.sleep: Callable[[float], None] = time.sleep
        self.clock: Callable[[], float] = time.monotonic
        self.paused = False
        self.last_create = -PAUSE_SECONDS
        self.secrets = {k for k in (ref.client.api_key, tgt.client.api_key) if k}

    def play(self, ops: list[Operation]) -> list[Step]:
        """Send ``ops`` to both sides in order; return the steps that sent requests."""
        self.played += 1
        sequence = Sequence(tag=f"{self.run_tag}{self.played}")
        self.paused = False
        self.ref.state.reset()
        self.tgt.state.reset()
        steps: list[Step] = []
        for op in ops:
            step = self.step(len(steps) + 1, op, sequence)
            if step is not None:
                steps.append(step)
        return steps

    def step(self, number: int, op: Operation, sequence: Sequence) -> Step | None:
        if op.kind == "pause":
            self.paused = True  # waited for by the next create only: a pause alone costs nothing
            return Step(number, repr(op), None, None, op=op)
        if op.creates and self.paused:
            self.paused = False
            self.sleep(max(0.0, self.last_create + PAUSE_SECONDS - self.clock()))
        ref_request = op.request(View(self.ref, sequence))
        if ref_request is None:
            return None
        ref_ex, ref_answer = self.ref.send(ref_request)
        tgt_request = op.request(View(self.tgt, sequence))
        shown_ref = shown(ref_ex, ref_answer, self.secrets)
        if tgt_request is None:  # the target lacks an object the reference made: shown before
            return Step(number, repr(op), shown_ref, None, op=op)
        tgt_ex, tgt_answer = self.tgt.send(tgt_request)
        if op.creates:
            self.last_create = self.clock()
        zero_based = self.tgt.state.page_offset
        if op.kind == "list_customers" and None not in (op.arg("page"), op.arg("email")):
            tgt_ex, tgt_answer = self.page_base(op, sequence, ref_answer, tgt_ex, tgt_answer)
        label = self.remember(op, sequence, ref_answer, tgt_answer)
        ref_answer.document = normalise(ref_answer.raw, self.ref.state)  # with the new labels
        tgt_answer.document = normalise(tgt_answer.raw, self.tgt.state)
        differences = compare_answers(
            number, op, ref_answer, tgt_answer, self.ref.state, self.tgt.state, label
        )
        if self.tgt.state.page_offset != zero_based:  # found out just now: say so, once
            page = op.arg("page")
            note = "the target numbers pages from 0"
            level = level_of_rule("list.page_base")
            differences.append(
                Difference(number, repr(op), "/page", page, page - 1, "list.page_base", level, note)
            )
        shown_tgt = shown(tgt_ex, tgt_answer, self.secrets)
        return Step(number, repr(op), shown_ref, shown_tgt, differences, op=op)

    def page_base(
        self, op: Operation, sequence: Sequence, ref: Answer, tgt_ex: Exchange | None, tgt: Answer
    ) -> tuple[Exchange | None, Answer]:
        """Pages numbered from 0 are allowed (``list.page_base``): when page ``p`` differs, the
        target's page ``p - 1`` is asked once; if it matches, the target counts from 0."""
        if self.tgt.state.page_offset or ref.status != 200:
            return tgt_ex, tgt
        if _same_page(ref, tgt):
            self.tgt.state.page_base_known = True
            return tgt_ex, tgt
        if op.arg("page") < 1:
            return tgt_ex, tgt
        self.tgt.state.page_offset = -1
        retry = op.request(View(self.tgt, sequence))
        assert retry is not None
        again_ex, again = self.tgt.send(retry)
        if _same_page(ref, again):
            self.tgt.state.page_base_known = True
            return again_ex, again
        self.tgt.state.page_offset = 0
        return tgt_ex, tgt

    def remember(self, op: Operation, sequence: Sequence, ref: Answer, tgt: Answer) -> str | None:
        """Label the ids a create introduced; return the label the operation is about."""
        if op.creates:
            ref_doc = ref.raw if 200 <= ref.status < 300 else None
            tgt_doc = tgt.raw if 200 <= tgt.status < 300 else None
            labels = label_ids(self.ref.state, self.tgt.state, ref_doc, tgt_doc, sequence.counter)
            for side, answer in ((self.ref, ref), (self.tgt, tgt)):
                if 200 <= answer.status < 300:
                    self.keep(side, answer, op.creates == "customer")
            if labels and ref_doc is not None:
                label = self.ref.state.labels.get(ref_doc.get("id"))
                if label and op.creates == "customer" and label not in sequence.customers:
                    sequence.customers.append(label)
                elif label and op.creates == "bank_account" and sequence.customers:
                    owner = sequence.customers[op.arg("customer") % len(sequence.customers)]
                    owned = sequence.bank_accounts.setdefault(owner, [])
                    owned.append(label) if label not in owned else None
            return None
        customer: int = op.arg("customer", 0)
        if op.kind == "retrieve_customer" and sequence.customers:
            return sequence.customers[customer % len(sequence.customers)]
        if op.kind == "retrieve_bank_account" and sequence.customers:
            owner = sequence.customers[customer % len(sequence.customers)]
            owned = sequence.bank_accounts.get(owner, [])
            account: int = op.arg("account", 0)
            return owned[account % len(owned)] if owned else None
        return None

    @staticmethod
    def keep(side: Side, answer: Answer, customer: bool) -> None:
        raw = answer.raw
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            if customer:
                side.state.held.add(raw["id"])
            label = side.state.labels.get(raw["id"])
            if label is not None:
                side.state.created.setdefault(label, raw.get("created"))
                side.state.as_created.setdefault(label, normalise(raw, side.state))


def _same_page(ref: Answer, tgt: Answer) -> bool:
    if tgt.status != ref.status:
        return False
    ref_data = ref.document.get("data") if isinstance(ref.document, dict) else None
    tgt_data = tgt.document.get("data") if isinstance(tgt.document, dict) else None
    if not (isinstance(ref_data, list) and isinstance(tgt_data, list)):
        return False
    return len(ref_data) == len(tgt_data)


def _sides(settings: DiffSettings, started: float) -> tuple[Side, Side]:
    limit = settings.max_duration
    deadline = started + (limit if limit is not None else settings.tier.max_duration)
    pace = RateLimit(settings.rate_limit) if settings.rate_limit else None
    for key in (settings.target_key, settings.reference_key):
        remember_secret(key)
    ref_client = LotusPayClient(
        settings.reference_url, settings.reference_key, run_deadline=deadline
    )
    tgt_client = LotusPayClient(
        settings.target_url, settings.target_key, run_deadline=deadline, rate_limit=pace
    )
    return Side("reference", ref_client), Side("target", tgt_client)


def play_sequence(settings: DiffSettings, ops: list[Operation]) -> list[Step]:
    """Send one given sequence to both sides; return its steps with their differences.

    >>> steps = play_sequence(settings, [Operation("create_customer")])  # doctest: +SKIP
    """
    ref, tgt = _sides(settings, time.monotonic())
    try:
        return _Player(ref, tgt, secrets.token_hex(3)).play(ops)
    finally:
        ref.client.close()
        tgt.client.close()
