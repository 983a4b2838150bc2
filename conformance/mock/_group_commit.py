"""Group commit: the creates that arrive in one turn of the event loop share one transaction.

A create alone is one SQLite transaction: a commit, and in memory a rollback journal that copies
every page the insert touches. Under load, several requests reach their write in the same turn
of the event loop; each waits on a future, and one callback at the end of the turn writes them
all in one transaction (``Store.create_customers``) and only then answers them, so no answer is
sent for a write that is not committed. A lone request waits for nothing: its callback runs in
the very next turn. Measured with ``bench/mock.py`` (16 connections, 6 creates per transaction
on average): server CPU per create fell from 347 to 280 us on a ``--db`` file, and by about 3%
in memory.

Keyed creates do not come here: their write and their saved answer are one transaction of their
own (``Store.replay_or_run``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._store import Store

__all__ = ["GroupCommit"]

_Pending = tuple[str, bool, dict[str, Any], "asyncio.Future[bytes]"]


class GroupCommit:
    """Customer creates of one event-loop turn, written in one transaction of ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # Per event loop: an app called from two loops (two threads) keeps their writes apart.
        self._pending: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}

    async def create_customer(self, account: str, livemode: bool, params: dict[str, Any]) -> bytes:
        """Store a new customer from validated parameters; return its answer once committed."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not under asyncio (an app called from trio): write at once
            return self.store.create_customer(account, livemode, params)
        future: asyncio.Future[bytes] = loop.create_future()
        pending = self._pending.get(loop)
        if pending is None:
            pending = self._pending[loop] = []
            loop.call_soon(self._commit, loop)
        pending.append((account, livemode, params, future))
        return await future

    def _commit(self, loop: asyncio.AbstractEventLoop) -> None:
        pending = self._pending.pop(loop, [])
        try:
            answers = self.store.create_customers([item[:3] for item in pending])
        except Exception as exc:  # the transaction is undone: none of them was written
            for *_, future in pending:
                if not future.done():
                    future.set_exception(RuntimeError(f"the customer was not stored: {exc}"))
            return
        for (*_, future), answer in zip(pending, answers, strict=True):
            if future.done():  # cancelled: stored all the same, as when an answer is lost
                continue
            if isinstance(answer, Exception):
                future.set_exception(answer)
            else:
                future.set_result(answer)
