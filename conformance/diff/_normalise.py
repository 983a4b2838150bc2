"""Normalising answers: what the contract leaves free is made equal before two answers meet.

- ids: each side's ids become labels by position (``<customer 1>`` is the first customer this
  sequence created, whatever id each side gave it; ``transport.versioning`` leaves the format
  and prefix of ids free). An id found inside a string (a child list's ``url``) is swapped too.
- timestamps: a ``created`` that is a plausible Unix time in seconds becomes ``<time>``
  (``customer.created`` fixes the unit and the range, not the value).
- metadata: values ``""`` are dropped (``request.metadata_unset``: a server may unset the key).
- property order and new properties need no rewriting: objects are compared as mappings and
  only the reference's properties are looked up (``transport.versioning``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EARLIEST", "SideState", "is_time", "label_ids", "normalise"]

#: 2015-01-01T00:00:00Z: ``customer.created`` says no earlier ``created`` is plausible.
EARLIEST = 1_420_070_400
_SKEW = 86_400

_KIND_NAMES = {"customer": "customer", "bank_account": "bank account"}


def is_time(value: Any) -> bool:
    """True for an integer Unix time in seconds between 2015 and now plus a day of skew."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return EARLIEST <= value <= time.time() + _SKEW


@dataclass
class SideState:
    """What one side issued in the current sequence: its ids, their labels, their times."""

    name: str
    #: id -> label, and back.
    labels: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    #: label -> ``created`` as this side answered it (for same-second order).
    created: dict[str, Any] = field(default_factory=dict)
    #: label -> the object (normalised) this side's create answer showed.
    as_created: dict[str, Any] = field(default_factory=dict)
    #: customer label -> labels of its bank accounts, in creation order.
    bank_accounts: dict[str, list[str]] = field(default_factory=dict)
    #: 0, or -1 once this side was seen numbering pages from 0 (``list.page_base``).
    page_offset: int = 0
    #: True once a probe showed the page base (a filtered page matched the reference's).
    page_base_known: bool = False
    #: Every customer id this side issued in the run (the account may hold others too).
    held: set[str] = field(default_factory=set)

    def reset(self) -> None:
        """Forget the sequence's objects (the page base is the server's and stays)."""
        self.labels.clear()
        self.ids.clear()
        self.created.clear()
        self.as_created.clear()
        self.bank_accounts.clear()

    def remember(self, label: str, object_id: str) -> None:
        self.labels[object_id] = label
        self.ids[label] = object_id

    def swap(self, text: str) -> str:
        """Replace this side's ids in ``text`` (a whole id, or a path segment) by labels."""
        if text in self.labels:
            return self.labels[text]
        if "/" in text:
            return "/".join(self.labels.get(part, part) for part in text.split("/"))
        return text


def new_ids(document: Any) -> list[tuple[str, str]]:
    """The ``(object kind, id)`` of the top-level object of a create answer, if it has one."""
    if isinstance(document, dict) and isinstance(document.get("id"), str):
        kind = document.get("object")
        return [(kind if isinstance(kind, str) else "object", document["id"])]
    return []


def label_ids(
    reference: SideState, target: SideState, ref_doc: Any, tgt_doc: Any, counter: dict[str, int]
) -> list[str]:
    """Give the ids the two create answers introduce labels, paired by position.

    An id a side already holds keeps its label (an idempotent replay); a new id on one side
    only gets a label the other side never has, so the difference shows.
    """
    made: list[str] = []
    ref_new = [(k, i) for k, i in new_ids(ref_doc) if i not in reference.labels]
    tgt_new = [(k, i) for k, i in new_ids(tgt_doc) if i not in target.labels]
    for position in range(max(len(ref_new), len(tgt_new))):
        kind = (ref_new if position < len(ref_new) else tgt_new)[position][0]
        name = _KIND_NAMES.get(kind.lower(), kind)
        counter[name] = counter.get(name, 0) + 1
        label = f"<{name} {counter[name]}>"
        if position >= len(ref_new):
            label = f"<{name} {counter[name]}, target only>"
        else:
            reference.remember(label, ref_new[position][1])
        if position < len(tgt_new):
            target.remember(label, tgt_new[position][1])
        made.append(label)
    return made


def normalise(document: Any, side: SideState) -> Any:
    """Return ``document`` with this side's ids as labels, times as ``<time>``, and metadata
    values ``""`` dropped; anything else as it was (so a wrong type or unit still shows)."""
    if isinstance(document, dict):
        out: dict[str, Any] = {}
        for key, value in document.items():
            if key == "created" and is_time(value):
                out[key] = "<time>"
            elif key == "metadata" and isinstance(value, dict):
                out[key] = {k: normalise(v, side) for k, v in value.items() if v != ""}
            else:
                out[key] = normalise(value, side)
        return out
    if isinstance(document, list):
        return [normalise(item, side) for item in document]
    if isinstance(document, str):
        return side.swap(document)
    return document
