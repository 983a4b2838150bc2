"""SQLite storage of the mock: customers, bank accounts and saved idempotent answers.

One connection per process guarded by a re-entrant lock: the event loop calls the store
synchronously (a query takes microseconds, far less than a thread hop). Objects are stored as
compact JSON text without their child lists, and each customer also as its whole answer
(``body``, UTF-8 bytes with its embedded child lists), rewritten in the same transaction as a
new bank account: a customer or a page of them is read and answered without rendering.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ._errors import ApiError
from ._render import (
    EMBEDDED_ITEMS,
    dumps,
    list_text,
    render_bank_account,
    render_customer,
    render_new_customer,
)
from ._schema import MIGRATE, SCHEMA

__all__ = ["EMBEDDED_ITEMS", "IDEMPOTENCY_SECONDS", "Store", "list_text", "new_id"]

#: Saved answers are replayed for 24 hours (spec: idempotency, "at least 24 hours").
IDEMPOTENCY_SECONDS = 24 * 3600

_ALPHABET = string.ascii_uppercase + string.digits

#: Customers' answers, newest first: one indexed range (or lookup), no join, no rendering.
_PAGE = "SELECT body FROM customers AS c WHERE {where} ORDER BY c.{order} DESC"
_ONE = _PAGE.format(where="c.id = ? AND c.account = ?", order="n")
_RANGE = _PAGE.format(where="c.account = ? AND c.n > ? AND c.n <= ?", order="n")
_EMAIL = _PAGE.format(
    where="c.seq IN (SELECT seq FROM customers WHERE account = ? AND email = ? "
    "ORDER BY seq DESC LIMIT ? OFFSET ?)",
    order="seq",
)


_STAMP_SPACE = 36**8  # milliseconds: 89 years, then the stamps start again from 0
_TAIL_SPACE = 36**4
#: Base 36 two digits at a time, in ASCII order, so that later stamps sort after earlier ones.
_PAIRS = [a + b for a in sorted(_ALPHABET) for b in sorted(_ALPHABET)]
#: The random part of ids. Not secrets, so not the OS's random source (a system call per id was
#: a twentieth of a create); a private generator, so that a test seeding ``random`` (Hypothesis
#: does) cannot make ids repeat, reseeded in each forked worker so that workers differ.
_RANDOM = random.Random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_RANDOM.seed)


#: An account's customers: ordinals are dense (nothing is deleted), so the count is the highest.
_COUNT = "SELECT max(n) FROM customers WHERE account = ?"


def new_id(prefix: str) -> str:
    """Return ``prefix`` and 12 upper-case alphanumerics, the observed LotusPay id format.

    The first 8 are the clock in milliseconds (base 36), the last 4 random: ids grow with time,
    as UUIDv7's do, so each insert lands at the end of the id index. Random ids landed all over
    it, and inserts grew costlier as the table grew (more again in the server, where
    the request's own work evicts the index from the CPU's caches between inserts). A repeated
    id (two in one millisecond drawing the same 4 characters) is refused by the index, and the
    caller draws again.
    """
    millis = time.time_ns() // 1_000_000 % _STAMP_SPACE
    high, low = divmod(millis, 36**4)
    stamp = _PAIRS[high // 1296] + _PAIRS[high % 1296] + _PAIRS[low // 1296] + _PAIRS[low % 1296]
    tail = _RANDOM.randrange(_TAIL_SPACE)
    return prefix + stamp + _PAIRS[tail // 1296] + _PAIRS[tail % 1296]


def _text(document: Any) -> str:
    return dumps(document).decode("utf-8")


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


class Store:
    """Customers and bank accounts per account, in SQLite (``":memory:"`` or a WAL file).

    Several processes may open one file (``mock --workers N``): every write is one statement or
    one ``BEGIN IMMEDIATE`` transaction, so SQLite serializes them across processes, and a read
    of several statements runs in one read transaction (one snapshot).
    """

    def __init__(self, path: str | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._shared = bool(path)
        self._db = sqlite3.connect(  # timeout: the wait for another process's write lock
            path or ":memory:", check_same_thread=False, isolation_level=None, timeout=30.0
        )
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        old = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'customers' AND NOT EXISTS "
            "(SELECT 1 FROM pragma_table_info('customers') WHERE name = 'n')"
        ).fetchone()
        if old:
            self._db.executescript(f"BEGIN IMMEDIATE; {MIGRATE} COMMIT;")
        self._db.executescript(SCHEMA)
        self._fill_bodies()

    def close(self) -> None:
        """Close the database; a file keeps everything for the next start."""
        with self._lock:
            self._db.close()

    # -- accounts -------------------------------------------------------------------------------

    def open_account(
        self, account: str, livemode: bool = False, seed: Iterable[dict[str, Any]] = ()
    ) -> bool:
        """Record ``account`` with the customers ``seed`` creates; return True the first time.
        One transaction: another process never sees the account half seeded."""
        with self._lock, self._transaction():
            cursor = self._db.execute("INSERT OR IGNORE INTO accounts (id) VALUES (?)", (account,))
            if cursor.rowcount != 1:
                return False
            for params in seed:
                self.create_customer(account, livemode, params)
            return True

    # -- customers ------------------------------------------------------------------------------

    def create_customer(self, account: str, livemode: bool, params: dict[str, Any]) -> bytes:
        """Store a new customer from validated create parameters; return its answer (JSON)."""
        doc: dict[str, Any] = {
            "id": "",
            "object": "customer",
            "created": int(self.clock()),
            "livemode": livemode,
            "metadata": dict(params.get("metadata") or {}),
            "description": None,
            **{f: params.get(f) for f in ("email", "identification", "mobile", "name", "phone")},
        }
        answer = b""

        def row(cid: str) -> tuple[Any, ...]:
            nonlocal answer
            text = dumps({**doc, "id": cid})
            answer = render_new_customer(text, cid)
            return cid, account, account, doc["email"], text.decode("utf-8"), answer

        with self._lock:
            # One statement takes the next ordinal and inserts: atomic across processes.
            self._insert(
                "CU",
                "INSERT INTO customers (id, account, n, email, doc, body) VALUES (?, ?, "
                "coalesce((SELECT max(n) FROM customers WHERE account = ?), 0) + 1, ?, ?, ?)",
                row,
            )
        return answer

    def create_customers(
        self, batch: Sequence[tuple[str, bool, dict[str, Any]]]
    ) -> list[bytes | Exception]:
        """Store several new customers (``(account, livemode, params)``) in one transaction
        (group commit); return each one's answer, or the exception that refused it alone.

        A statement that fails is undone by SQLite alone, so the others still commit. One
        commit instead of one per customer: the journal copies each page the inserts share once.
        """
        answers: list[bytes | Exception] = []
        with self._lock, self._transaction():
            for account, livemode, params in batch:
                try:
                    answers.append(self.create_customer(account, livemode, params))
                except Exception as exc:  # given back to its own request alone
                    answers.append(exc)
        return answers

    def _render_body(self, customer_id: str, doc: str | bytes, banks: int) -> None:
        """Write a customer's whole answer, with its ``EMBEDDED_ITEMS`` newest bank accounts
        (the caller holds the lock, in a transaction when other statements must go with it)."""
        embedded: list[bytes] = []
        if banks:
            embedded = [
                render_bank_account(_bytes(bank_doc), bank_id)
                for bank_id, bank_doc in self._db.execute(
                    "SELECT id, doc FROM bank_accounts WHERE customer = ? AND n > ? "
                    "ORDER BY n DESC",
                    (customer_id, banks - EMBEDDED_ITEMS),
                )
            ]
        body = render_customer(_bytes(doc), customer_id, embedded, banks)
        self._db.execute("UPDATE customers SET body = ? WHERE id = ?", (body, customer_id))

    def _fill_bodies(self) -> None:
        """Files written before ``body`` (user_version 2 and older): add it and fill it, once."""
        has_body = "SELECT 1 FROM pragma_table_info('customers') WHERE name = 'body'"
        if self._db.execute(has_body).fetchone():
            return
        with self._lock, self._transaction():
            if self._db.execute(has_body).fetchone():  # another process got there first
                return
            self._db.execute("ALTER TABLE customers ADD COLUMN body BLOB")
            rows = self._db.execute("SELECT id, doc, banks FROM customers").fetchall()
            for customer_id, doc, banks in rows:
                self._render_body(customer_id, doc, banks)

    def _insert(self, prefix: str, sql: str, row: Callable[[str], tuple[Any, ...]]) -> str:
        while True:  # an id collision (36**12 ids) is astronomically rare: draw again
            object_id = new_id(prefix)
            try:
                cursor = self._db.execute(sql, row(object_id))
            except sqlite3.IntegrityError as exc:
                if ".id" in str(exc):
                    continue
                raise
            if cursor.rowcount != 1:
                raise LookupError(object_id)
            return object_id

    def get_customer(self, account: str, customer_id: str) -> bytes:
        """Return a customer of ``account`` as JSON bytes, or raise a 404."""
        with self._lock:
            row = self._db.execute(_ONE, (customer_id, account)).fetchone()
        if row is None:
            raise ApiError(404, f"No such customer: {customer_id}", param="id")
        body: bytes = row[0]
        return body

    def list_customers(
        self, account: str, *, limit: int, page: int, email: str | None
    ) -> tuple[list[bytes], int]:
        """Return one page of customers as JSON bytes, newest first, and the total count."""
        skip = (page - 1) * limit
        with self._lock, self._reading():
            if email is None:
                total = self._db.execute(_COUNT, (account,)).fetchone()[0] or 0
                if skip >= total:
                    return [], total
                # Newest first: ordinals total - skip down to total - skip - limit + 1.
                args: list[Any] = [account, total - skip - limit, total - skip]
                sql = _RANGE
            else:
                total = self._db.execute(
                    "SELECT count(*) FROM customers WHERE account = ? AND email = ?",
                    (account, email),
                ).fetchone()[0]
                if total == 0:
                    raise ApiError(404, f"No customer has the email {email!r}.", param="email")
                if skip >= total:
                    return [], total
                args = [account, email, limit, skip]
                sql = _EMAIL
            rows = self._db.execute(sql, args).fetchall()
        return [body for (body,) in rows], total

    # -- bank accounts --------------------------------------------------------------------------

    def create_bank_account(self, account: str, customer_id: str, doc: dict[str, Any]) -> bytes:
        """Store a bank account (``doc`` without ``id``) for an existing customer; return its
        answer (JSON)."""
        doc = {**doc, "created": int(self.clock()), "customer": customer_id}
        with self._lock, self._transaction():
            try:
                # Inserts nothing unless the customer is the account's: the check and the
                # insert are one statement.
                doc["id"] = self._insert(
                    "BA",
                    "INSERT INTO bank_accounts (id, account, customer, n, doc) SELECT ?, "
                    "account, id, banks + 1, ? FROM customers WHERE id = ? AND account = ?",
                    lambda bid: (bid, _text({**doc, "id": bid}), customer_id, account),
                )
            except LookupError:
                raise ApiError(404, f"No such customer: {customer_id}", param="id") from None
            # The customer's answer embeds its newest bank accounts: rewritten in the same
            # transaction, so no reader sees the one without the other.
            customer_doc, banks = self._db.execute(
                "SELECT doc, banks FROM customers WHERE id = ?", (customer_id,)
            ).fetchone()
            self._render_body(customer_id, customer_doc, banks)
        return render_bank_account(dumps(doc), doc["id"])

    def get_bank_account(self, account: str, customer_id: str, bank_account_id: str) -> bytes:
        """Return a bank account of one customer of ``account`` as JSON bytes, or raise a 404."""
        with self._lock:
            row = self._db.execute(
                "SELECT c.id, b.doc FROM customers AS c LEFT JOIN bank_accounts AS b "
                "ON b.id = ? AND b.customer = c.id WHERE c.id = ? AND c.account = ?",
                (bank_account_id, customer_id, account),
            ).fetchone()
        if row is None:
            raise ApiError(404, f"No such customer: {customer_id}", param="id")
        if row[1] is None:
            raise ApiError(404, f"No such bank account: {bank_account_id}", param="bank_account")
        return render_bank_account(_bytes(row[1]), bank_account_id)

    def list_bank_accounts(
        self, account: str, customer_id: str, *, limit: int, page: int
    ) -> tuple[list[bytes], int]:
        """Return one page of a customer's bank accounts as JSON bytes, newest first, and the
        total count."""
        skip = (page - 1) * limit
        with self._lock, self._reading():
            found = self._db.execute(
                "SELECT banks FROM customers WHERE id = ? AND account = ?", (customer_id, account)
            ).fetchone()
            if found is None:
                raise ApiError(404, f"No such customer: {customer_id}", param="id")
            total = found[0]
            if skip >= total:
                return [], total
            rows = self._db.execute(
                "SELECT id, doc FROM bank_accounts WHERE customer = ? AND n > ? AND n <= ? "
                "ORDER BY n DESC",
                (customer_id, total - skip - limit, total - skip),
            ).fetchall()
        return [render_bank_account(_bytes(doc), bid) for bid, doc in rows], total

    def require_customer(self, account: str, customer_id: str) -> None:
        """Raise a 404 unless ``customer_id`` is a customer of ``account``."""
        with self._lock:
            found = self._db.execute(
                "SELECT 1 FROM customers WHERE id = ? AND account = ?", (customer_id, account)
            ).fetchone()
        if found is None:
            raise ApiError(404, f"No such customer: {customer_id}", param="id")

    # -- idempotency ----------------------------------------------------------------------------

    def replay_or_run(
        self,
        account: str,
        key: str,
        fingerprint: str,
        run: Callable[[], tuple[int, bytes]],
    ) -> tuple[int, bytes, bool]:
        """Replay the saved answer for ``key`` or run the request once and save its answer.

        Returns ``(status, body, replayed)``. Holding the lock across the run is what makes
        concurrent duplicates create exactly one object (spec: idempotency). The run's writes
        and the saved answer are one SQLite transaction: a crash at any point leaves both or
        neither, so a retry after a crash never creates a second object.
        """
        with self._lock, self._transaction():
            now = self.clock()
            row = self._db.execute(
                "SELECT fingerprint, status, body, saved FROM idempotency "
                "WHERE account = ? AND key = ?",
                (account, key),
            ).fetchone()
            if row is not None and row[3] > now - IDEMPOTENCY_SECONDS:
                if row[0] != fingerprint:
                    raise ApiError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Use a new Idempotency-Key for a new request.",
                    )
                return row[1], _bytes(row[2]), True
            status, body = run()
            self._db.execute(
                "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                (account, key, fingerprint, status, body.decode("utf-8"), now),
            )
            return status, body, False

    @contextlib.contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
        """One write transaction (the caller holds the lock): commit on return, else roll back.
        Inside another, it is part of that one.

        The connection is in autocommit mode, so statements outside this block commit one by
        one. In WAL mode with ``synchronous=NORMAL`` a commit survives the process being killed
        (it is in the OS's page cache); only a power loss may drop the last commits.
        """
        if self._db.in_transaction:
            yield
            return
        self._db.execute(begin)
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _reading(self) -> contextlib.AbstractContextManager[None]:
        """Several reads from one snapshot when other processes may write the file (the caller
        holds the lock); in memory, nobody else writes, so no transaction is needed."""
        return self._transaction("BEGIN") if self._shared else contextlib.nullcontext()
