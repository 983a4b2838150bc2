"""Comparing two answers to the same operation: each difference with its rule and level.

The reference's answer says what to look for; the target's is judged against it. A difference
is tied to the rule of ``docs/contract.md`` it concerns and takes that rule's level from its
tags (``level_of_tags``): a MUST difference rests on a [doc] rule. Where the contract fixes
nothing (a bank name, a message, the value of ``param`` of a 404) the difference is reported as
"not decided by the contract" and never fails; what a freedom of the contract allows is
normalised away first (``_normalise``) or accepted here (same-second order, 400 or 404 for an
arbitrary id, 404 or 405 for an undocumented method, a page base of 0).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, TypeAlias

from ..validation import RULE_TAGS, Level, level_of_tags
from ._normalise import SideState
from ._operations import Operation
from ._paths import at as _at
from ._paths import category as _category
from ._paths import documented, join_pointer
from ._paths import label as _label

__all__ = [
    "NOT_DECIDED",
    "Answer",
    "DiffLevel",
    "Difference",
    "Undecided",
    "compare_answers",
    "level_of_rule",
]


class Undecided(str, enum.Enum):
    """The level of a difference no rule of the contract decides: reported, never failing.

    Its own type, not a fourth ``Level``: ``Level`` is what a tag makes binding, and this is
    the absence of a tag. A one-member enum is the typed sentinel (PEP 484).
    """

    NOT_DECIDED = "not decided"

    def __str__(self) -> str:
        return self.value


NOT_DECIDED = Undecided.NOT_DECIDED
#: A difference's level: a contract level, or not decided by the contract.
DiffLevel: TypeAlias = "Level | Undecided"
_ERROR_TYPES = frozenset(
    {
        "api_connection_error",
        "api_error",
        "authentication_error",
        "invalid_request_error",
        "rate_limit_error",
        "validation_error",
    }
)
_PREFIXES = {
    "customer": "customer",
    "bank_account": "bank_account",
    "mandate": "mandate",
    "subscription": "subscription",
}
#: Attributes whose value (not only type) the contract fixes, by rule.
_VALUE_RULES = frozenset(
    {
        "customer.object",
        "bank_account.object",
        "mandate.object",
        "subscription.object",
        "child_list.object",
        "customer_list.object",
        "bank_account_list.object",
        "customer.livemode",
        "bank_account.livemode",
        "bank_account.customer",
        "bank_account.account_last4",
        "customer_list.url",
        "bank_account_list.url",
    }
)
#: Attributes that echo what the request sent: a different value is a round-trip difference.
_ECHOED = frozenset(
    {
        "name",
        "email",
        "mobile",
        "phone",
        "metadata",
        "account_holder_name",
        "account_ifsc",
        "account_type",
    }
)
_RETRIEVES = {"retrieve_customer": "endpoints.retrieve_customer"}
_RETRIEVES["retrieve_bank_account"] = "endpoints.retrieve_bank_account"


def level_of_rule(rule: str | None) -> DiffLevel:
    """The level of a rule id from its tags, or ``NOT_DECIDED`` for no rule."""
    if rule is None or rule not in RULE_TAGS:
        return NOT_DECIDED
    return level_of_tags(RULE_TAGS[rule])


@dataclass(frozen=True)
class Difference:
    """One place where the target's answer differs from the reference's."""

    step: int
    operation: str
    pointer: str
    reference: Any
    target: Any
    rule: str | None
    level: DiffLevel
    summary: str

    @property
    def kind(self) -> str:
        """What makes two differences the same: the rule and the pointer without indices."""
        shape = "/".join("#" if part.isdigit() else part for part in self.pointer.split("/"))
        return f"{self.rule or NOT_DECIDED.value} {shape}"

    def fails(self, strict: bool) -> bool:
        """True for a MUST difference, and for a SHOULD one under ``strict``."""
        return self.level is Level.MUST or (strict and self.level is Level.SHOULD)


@dataclass
class Answer:
    """One side's answer: status, whether it is JSON, the raw and the normalised document."""

    status: int
    is_json: bool
    raw: Any
    document: Any


class _Comparison:
    def __init__(self, step: int, op: Operation, ref: SideState, tgt: SideState) -> None:
        self.step, self.op, self.ref, self.tgt = step, op, ref, tgt
        self.found: list[Difference] = []

    def add(self, pointer: str, ref: Any, tgt: Any, rule: str | None, summary: str) -> None:
        level = level_of_rule(rule)
        self.found.append(
            Difference(self.step, repr(self.op), pointer, ref, tgt, rule, level, summary)
        )

    # -- statuses and bodies ------------------------------------------------------------------

    def answers(self, ref: Answer, tgt: Answer) -> None:
        if ref.status != tgt.status and not self.statuses(ref.status, tgt.status):
            return
        if ref.status == 429 or ref.status >= 500:
            return  # not processed, or the reference failed: nothing to compare the body with
        if ref.is_json and not tgt.is_json:
            self.add("", "a JSON body", "not JSON", "transport.json", "the answer is not JSON")
            return
        if not (ref.is_json and tgt.is_json):
            return
        if ref.status >= 400:
            self.error(ref.document, tgt.document)
        elif self.op.kind == "list_customers" and self.op.arg("email") is None:
            self.unfiltered_list(ref.raw, tgt.raw)
        else:
            self.value(ref.document, tgt.document, "", self.top_prefix(ref.document), "")

    def statuses(self, ref: int, tgt: int) -> bool:
        """Judge two different statuses; True when the bodies are still worth comparing."""
        if {ref, tgt} <= self.op.same_statuses:
            return True
        rule: str | None
        if 429 in (ref, tgt):
            rule = None  # any request may be answered 429, unprocessed (transport.rate_limit)
        elif ref >= 500:
            rule = None  # the reference's own failure says nothing of the target
        elif tgt >= 500:
            rule = "errors.no_5xx"
        elif 200 <= ref < 300 and 200 <= tgt < 300:
            rule = "endpoints.status_200"
        elif self.op.kind == "list_customers" and self.filtered:
            if 400 <= ref < 500 and 400 <= tgt < 500:
                rule = None  # "returns an error": which 4xx is not decided by the contract
            elif self.op.arg("unmatched"):
                rule = "list.email_no_match"
            else:
                rule = "list.email_no_match" if ref == 404 else "list.email_filter"
        else:
            rule = self.op.status_rule
        self.add("/status", ref, tgt, rule, f"status {tgt} where the reference answered {ref}")
        return rule is not None and 200 <= ref < 300 and 200 <= tgt < 300

    @property
    def filtered(self) -> bool:
        return self.op.arg("email") is not None or bool(self.op.arg("unmatched"))

    def top_prefix(self, document: Any) -> str:
        if isinstance(document, dict) and document.get("object") == "list":
            return "bank_account_list" if self.op.kind == "list_bank_accounts" else "customer_list"
        return self.prefix_of(document, "customer")

    @staticmethod
    def prefix_of(document: Any, default: str) -> str:
        kind = document.get("object") if isinstance(document, dict) else None
        return _PREFIXES.get(kind, default) if isinstance(kind, str) else default

    def error(self, ref: Any, tgt: Any) -> None:
        ref_error = ref.get("error", ref) if isinstance(ref, dict) else ref
        if not isinstance(tgt, dict):
            self.add("", ref, tgt, "error.shape", "the error answer is not an object")
            return
        tgt_error = tgt.get("error")
        if not isinstance(tgt_error, dict):
            tgt_error = tgt
            if isinstance(ref, dict) and "error" in ref:
                self.add("/error", "an envelope", "flat", "error.envelope", "a flat error")
        if not isinstance(ref_error, dict):
            return
        kind = tgt_error.get("type")
        if kind not in _ERROR_TYPES:
            self.add("/error/type", ref_error.get("type"), kind, "error.type", "error type")
        elif kind != ref_error.get("type"):
            rule = "errors.type_by_status"
            self.add("/error/type", ref_error.get("type"), kind, rule, "another error type")
        if ref_error.get("param") != tgt_error.get("param") and self.op.kind == "bad_request":
            param = tgt_error.get("param")
            self.add("/error/param", ref_error.get("param"), param, "request.param", "param")

    # -- documents ----------------------------------------------------------------------------

    def value(self, ref: Any, tgt: Any, pointer: str, prefix: str, key: str) -> None:
        if isinstance(ref, dict) and isinstance(tgt, dict):
            self.mapping(ref, tgt, pointer, prefix)
        elif isinstance(ref, list) and isinstance(tgt, list):
            self.sequence(ref, tgt, pointer, prefix, key)
        elif _category(ref) != _category(tgt) and None not in (ref, tgt):
            rule = f"{prefix}.{key}" if documented(prefix, key) else None
            if not key and prefix:
                rule = f"{prefix}.shape" if f"{prefix}.shape" in RULE_TAGS else None
            self.add(pointer, ref, tgt, rule, f"{key or 'the answer'} has another type")
        elif ref != tgt:
            self.leaf(ref, tgt, pointer, prefix, key)

    def mapping(self, ref: dict[str, Any], tgt: dict[str, Any], pointer: str, prefix: str) -> None:
        if "object" in ref:
            is_list = ref.get("object") == "list"
            prefix = ("child_list" if pointer else prefix) if is_list else self.prefix_of(ref, "")
        if "id" in ref and "id" in tgt and ref["id"] != tgt["id"]:
            # Another object altogether: its other attributes would only repeat that.
            self.value(ref["id"], tgt["id"], join_pointer(pointer, "id"), prefix, "id")
            return
        for key, ref_value in ref.items():
            where = join_pointer(pointer, key)
            if key not in tgt:
                self.missing(ref_value, where, prefix, key)
            elif key == "total_count" and prefix.endswith("list"):
                self.total_count(ref, tgt, where, prefix)
            elif key == "metadata" and tgt[key] is None:
                rule = "metadata.values" if ref_value == {} else self.echo_rule(where, None)
                self.add(where, ref_value, None, rule, "metadata is null")
            elif key == "metadata" and isinstance(ref_value, dict):
                if ref_value != tgt[key]:
                    rule = self.echo_rule(where, tgt[key])
                    self.add(where, ref_value, tgt[key], rule, "metadata is not what was sent")
            elif key == "data" and prefix.endswith("list") and isinstance(ref_value, list):
                self.page(ref_value, tgt[key], where, prefix)
            else:
                self.value(ref_value, tgt[key], where, prefix, key)

    def missing(self, ref_value: Any, where: str, prefix: str, key: str) -> None:
        # Only a documented attribute is owed: new properties are a freedom (transport.versioning).
        name = (
            f"{prefix}.{key}" if key in ("id", "object", "data", "type") else f"{prefix}.attributes"
        )
        rule = name if name in RULE_TAGS and documented(prefix, key) else None
        self.add(where, ref_value, "(absent)", rule, f"{key} is missing")

    def sequence(self, ref: list[Any], tgt: list[Any], pointer: str, prefix: str, key: str) -> None:
        if len(ref) != len(tgt):
            self.add(pointer, len(ref), len(tgt), None, f"{key} has another length")
            return
        for n, (r, t) in enumerate(zip(ref, tgt, strict=True)):
            self.value(r, t, join_pointer(pointer, str(n)), prefix, key)

    def total_count(
        self, ref: dict[str, Any], tgt: dict[str, Any], where: str, prefix: str
    ) -> None:
        count, data = tgt.get("total_count"), tgt.get("data")
        if count == ref.get("total_count"):
            return
        shown = len(data) if isinstance(data, list) else 0
        if isinstance(count, bool) or not isinstance(count, int) or count < shown:
            rule = f"{prefix}.total_count"
        elif prefix == "child_list":
            rule = "child_list.total_count.all"  # counting only the embedded ones is allowed
        else:
            rule = f"{prefix}.total_count"
        self.add(where, ref.get("total_count"), count, rule, "total_count differs")

    def leaf(self, ref: Any, tgt: Any, pointer: str, prefix: str, key: str) -> None:
        rule: str | None = f"{prefix}.{key}"
        if key == "created":
            summary = "created is not Unix seconds"
        elif key == "id":
            rule = self.id_rule(prefix)
            summary = "another object"
        elif key in _ECHOED:
            rule = self.echo_rule(pointer, tgt)
            summary = f"{key} is not what was sent"
        elif rule == "child_list.url":
            rule, summary = "child_list.url.path", "the list is elsewhere"
        elif rule not in _VALUE_RULES:
            rule, summary = None, f"{key} has another value"
        else:
            summary = f"{key} has another value"
        self.add(pointer, ref, tgt, rule, summary)

    def id_rule(self, prefix: str) -> str | None:
        if self.op.arg("idempotency") is not None and self.op.creates:
            return "transport.idempotency"
        return _RETRIEVES.get(self.op.kind, f"{prefix}.id" if prefix else None)

    def echo_rule(self, pointer: str, tgt: Any) -> str:
        """A retrieve that differs from the target's own create answer breaks "as created"
        [doc]; a value stored otherwise than sent is ``request.stored`` [conv]."""
        retrieve = _RETRIEVES.get(self.op.kind)
        if retrieve is None:
            return "request.stored"
        label = self.current_label
        created = self.tgt.as_created.get(label) if label else None
        if created is None:
            return "request.stored"
        return "request.stored" if _at(created, pointer) == tgt else retrieve

    current_label: str | None = None

    # -- lists --------------------------------------------------------------------------------

    def unfiltered_list(self, ref: Any, tgt: Any) -> None:
        """The account's whole list: other runs' objects may be on it, and the reference's
        account is not the target's, so the page is judged only against what the target is
        known to hold: ``limit`` objects at most, and ``limit`` while more exist."""
        data = tgt.get("data") if isinstance(tgt, dict) else None
        if not isinstance(data, list):
            self.add("/data", "an array", data, "customer_list.data", "no data array")
            return
        limit = self.op.arg("limit")
        ref_data = ref.get("data") if isinstance(ref, dict) else None
        ref_len = len(ref_data) if isinstance(ref_data, list) else 0
        page = self.op.arg("page") or 1
        held = len(self.tgt.held) - (page - 1) * (limit or 100)
        if limit is not None and len(data) > limit:
            self.add("/data", ref_len, len(data), "list.limit", "more objects than limit")
        elif len(data) < min(limit or 100, held):
            # A short page while more objects exist breaks the page size (list.limit [doc]: "a
            # page holds limit objects while more exist"; list.default_limit without one).
            rule: str | None = "list.limit" if limit is not None else "list.default_limit"
            if self.op.arg("page") is not None:
                # Pages may count from 0 (list.page_base [ours]): only a known base decides.
                known = self.tgt.page_base_known or self.tgt.page_offset != 0
                rule = rule if known else None
            size = f"limit={limit}" if limit is not None else "the default 100"
            self.add(
                "/data",
                ref_len,
                len(data),
                rule,
                f"fewer objects than {size} while the target holds more",
            )

    def page(self, ref: list[Any], tgt: Any, pointer: str, prefix: str) -> None:
        if not isinstance(tgt, list):
            self.add(pointer, "an array", tgt, f"{prefix}.data", "data is not an array")
            return
        if len(ref) != len(tgt):
            self.add(
                pointer,
                len(ref),
                len(tgt),
                self.list_rule(len(ref), len(tgt), prefix),
                "another number of objects",
            )
            return
        ref_items = {_label(item): item for item in ref}
        for n, (r, t) in enumerate(zip(ref, tgt, strict=True)):
            where = join_pointer(pointer, str(n))
            r_label, t_label = _label(r), _label(t)
            if r_label == t_label:
                self.value(r, t, where, prefix, "data")
            elif self.tied(r_label, t_label):
                if t_label in ref_items:
                    self.value(ref_items[t_label], t, where, prefix, "data")
            else:
                known = t_label in self.tgt.ids and t_label in self.ref.ids
                moved = known and t_label in ref_items  # the same objects in another order
                rule = "list.order" if moved else self.list_rule(len(ref), len(tgt), prefix, known)
                summary = "another order" if moved else "another object"
                self.add(join_pointer(where, "id"), r_label, t_label, rule, summary)

    def tied(self, a: Any, b: Any) -> bool:
        """Same-second order is free (``list.order``): two objects created in the same second
        on either side may come in any order."""
        for side in (self.ref, self.tgt):
            if a in side.created and b in side.created and side.created[a] == side.created[b]:
                return True
        return False

    def list_rule(self, ref_len: int, tgt_len: int, prefix: str, ours: bool = False) -> str:
        """The rule another page breaks; ``ours``: the target's object is one this sequence
        created (so a paged, filtered list shows another page, not another filter)."""
        op = self.op
        limit = op.arg("limit")
        if limit is not None and tgt_len > limit:
            return "list.limit"
        if op.kind == "list_bank_accounts" or prefix == "child_list":
            return "endpoints.list_bank_accounts" if prefix != "child_list" else "child_list.data"
        if op.arg("page") is not None and ref_len == 0:
            return "list.past_end"
        if op.arg("page") is not None and (ours or tgt_len != ref_len):
            return "list.page"
        if op.arg("email") is not None:
            return "list.email_filter"
        if op.arg("page") is not None:
            return "list.page"
        return "list.limit" if limit is not None else "list.default_limit"


def compare_answers(
    step: int,
    op: Operation,
    ref: Answer,
    tgt: Answer,
    reference: SideState,
    target: SideState,
    label: str | None = None,
) -> list[Difference]:
    """Return the differences of the target's answer from the reference's, in order."""
    comparison = _Comparison(step, op, reference, target)
    comparison.current_label = label
    comparison.answers(ref, tgt)
    return comparison.found
