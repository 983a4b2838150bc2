"""Where a breach happens in a customer: the customer, one child list, one embedded object.

Each helper wraps a change of one object into a mutation of the whole customer. The child list
is drawn among ``bank_accounts``, ``mandates``, ``subscriptions`` and the ``mandates`` list of
an embedded bank account; an embedded object is added when a breach needs one and there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from ._breaches import Mutate
from ._objects import draw_bank_account, draw_mandate, draw_subscription

__all__ = [
    "Change",
    "on_customer",
    "on_filled_list",
    "on_item",
    "on_list",
    "on_named_list",
    "replace_item",
    "replace_list",
]

#: Change one object (the customer, a child list or an embedded object) in place.
Change = Callable[[st.DrawFn, Any], None]


@dataclass
class _Slot:
    """A child list inside the document: ``parent[key]``, and how to draw a new item for it."""

    parent: dict[str, Any]
    key: str
    make: Callable[[], dict[str, Any]]

    @property
    def listing(self) -> dict[str, Any]:
        listing: dict[str, Any] = self.parent[self.key]
        return listing

    def item_index(self, draw: st.DrawFn) -> int:
        """Return the index of an item, adding one first if the list is empty."""
        data: list[Any] = self.listing["data"]
        if not data:
            data.append(self.make())
            self.listing["total_count"] = max(self.listing["total_count"], len(data))
        return int(draw(st.integers(0, len(data) - 1)))


def _customer_slot(draw: st.DrawFn, doc: dict[str, Any], key: str) -> _Slot:
    mode, owner = doc["livemode"], doc["id"]
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "bank_accounts": lambda: draw_bank_account(draw, livemode=mode, customer=owner),
        "mandates": lambda: draw_mandate(draw, livemode=mode),
        "subscriptions": lambda: draw_subscription(draw, livemode=mode),
    }
    return _Slot(doc, key, makers[key])


def _nested_slot(draw: st.DrawFn, doc: dict[str, Any]) -> _Slot:
    """The mandates list of an embedded bank account (one is added if there is none)."""
    accounts = _customer_slot(draw, doc, "bank_accounts")
    account = accounts.listing["data"][accounts.item_index(draw)]
    return _Slot(account, "mandates", lambda: draw_mandate(draw, livemode=doc["livemode"]))


_LIST_KEYS = st.sampled_from(("bank_accounts", "mandates", "subscriptions", "nested"))


def _any_slot(draw: st.DrawFn, doc: dict[str, Any]) -> _Slot:
    key = draw(_LIST_KEYS)
    return _nested_slot(draw, doc) if key == "nested" else _customer_slot(draw, doc, key)


def _mandate_slot(draw: st.DrawFn, doc: dict[str, Any]) -> _Slot:
    return _nested_slot(draw, doc) if draw(st.booleans()) else _customer_slot(draw, doc, "mandates")


def on_customer(change: Change) -> Mutate:
    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        change(draw, doc)
        return doc

    return mutate


def on_list(change: Change) -> Mutate:
    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        change(draw, _any_slot(draw, doc).listing)
        return doc

    return mutate


def replace_list(values: st.SearchStrategy[Any]) -> Mutate:
    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        slot = _any_slot(draw, doc)
        slot.parent[slot.key] = draw(values)
        return doc

    return mutate


def _item_slot(draw: st.DrawFn, doc: dict[str, Any], kind: str) -> _Slot:
    if kind == "mandate":
        return _mandate_slot(draw, doc)
    return _customer_slot(draw, doc, f"{kind}s")


def on_item(kind: str, change: Change) -> Mutate:
    """Change one embedded ``kind`` object, adding one first if there is none."""

    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        slot = _item_slot(draw, doc, kind)
        change(draw, slot.listing["data"][slot.item_index(draw)])
        return doc

    return mutate


def replace_item(kind: str, values: st.SearchStrategy[Any]) -> Mutate:
    """Replace one embedded ``kind`` object by a value drawn from ``values``."""

    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        slot = _item_slot(draw, doc, kind)
        slot.listing["data"][slot.item_index(draw)] = draw(values)
        return doc

    return mutate


def on_named_list(key: str, change: Change) -> Mutate:
    """Like ``on_filled_list`` but on the customer's child list ``key`` (e.g. bank_accounts)."""

    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        slot = _customer_slot(draw, doc, key)
        slot.item_index(draw)
        change(draw, slot.listing)
        return doc

    return mutate


def on_filled_list(change: Change) -> Mutate:
    """Like ``on_list`` but on a list that holds at least one item."""

    def mutate(draw: st.DrawFn, doc: Any) -> Any:
        slot = _any_slot(draw, doc)
        slot.item_index(draw)
        change(draw, slot.listing)
        return doc

    return mutate
