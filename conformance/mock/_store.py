"""SQLite storage of the mock: customers, bank accounts and saved idempotent answers.

One connection guarded by a re-entrant lock: the event loop calls the store synchronously (an
in-memory query takes microseconds, far less than a thread hop), and the lock makes a whole
idempotent create atomic even when several loops or threads share one app. Objects are stored as
compact JSON text without their child lists; reads assemble the answer from that text directly
(parsing and re-serializing a 100-customer page cost more than everything else in the request).
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import sqlite3
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ._errors import ApiError

__all__ = ["EMBEDDED_ITEMS", "IDEMPOTENCY_SECONDS", "Store", "list_text", "new_id"]

#: Saved answers are replayed for 24 hours (spec: idempotency, "at least 24 hours").
IDEMPOTENCY_SECONDS = 24 * 3600
#: A child list embeds the 10 most recent items (spec: child lists).
EMBEDDED_ITEMS = 10

_ALPHABET = string.ascii_uppercase + string.digits
_PLAIN = re.compile(r"[\w/.-]*\Z", re.ASCII)
_random = random.SystemRandom()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    email TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS customers_account ON customers (account, seq);
CREATE INDEX IF NOT EXISTS customers_email ON customers (account, email, seq);
CREATE TABLE IF NOT EXISTS bank_accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    customer TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bank_accounts_customer ON bank_accounts (customer, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL, saved REAL NOT NULL, PRIMARY KEY (account, key));
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY);
"""


def new_id(prefix: str) -> str:
    """Return ``prefix`` and 12 upper-case alphanumerics, the observed LotusPay id format."""
    return prefix + "".join(_random.choices(_ALPHABET, k=12))


def _dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _quote(text: str) -> str:
    # Our URLs are plain paths built from our own ids: they need no escaping, and json.dumps
    # was most of the cost of rendering a page.
    return f'"{text}"' if _PLAIN.match(text) else _dumps(text)


def list_text(url: str, items: list[str], total: int) -> str:
    """A list object (child list or page) as JSON text, from items already in JSON text."""
    return (
        f'{{"object":"list","data":[{",".join(items)}],"total_count":{total},"url":{_quote(url)}}}'
    )


def _with_fields(doc_text: str, fields: str) -> str:
    """Append ``"k":v`` pairs to a stored JSON object's text (never empty: it has an id)."""
    return f"{doc_text[:-1]},{fields}}}"


class Store:
    """Customers and bank accounts per account, in SQLite (``":memory:"`` or a WAL file)."""

    def __init__(self, path: str | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database; a file keeps everything for the next start."""
        with self._lock:
            self._db.close()

    # -- accounts -------------------------------------------------------------------------------

    def open_account(self, account: str) -> bool:
        """Record ``account``; return True the first time it is seen."""
        with self._lock:
            cursor = self._db.execute("INSERT OR IGNORE INTO accounts (id) VALUES (?)", (account,))
            return cursor.rowcount == 1

    # -- customers ------------------------------------------------------------------------------

    def create_customer(
        self, account: str, livemode: bool, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Store a new customer from validated create parameters; return it rendered."""
        doc: dict[str, Any] = {
            "id": "",
            "object": "customer",
            "created": int(self.clock()),
            "livemode": livemode,
            "metadata": dict(params.get("metadata") or {}),
            "description": None,
            **{f: params.get(f) for f in ("email", "identification", "mobile", "name", "phone")},
        }
        with self._lock:
            doc["id"] = self._insert(
                "CU",
                "INSERT INTO customers (id, account, email, doc) VALUES (?, ?, ?, ?)",
                lambda cid: (cid, account, doc["email"], _dumps({**doc, "id": cid})),
            )
        rendered: dict[str, Any] = json.loads(_render_customer(_dumps(doc), doc["id"], [], 0))
        return rendered

    def _insert(self, prefix: str, sql: str, row: Callable[[str], tuple[Any, ...]]) -> str:
        while True:  # an id collision (36**12 ids) is astronomically rare: draw again
            object_id = new_id(prefix)
            try:
                self._db.execute(sql, row(object_id))
            except sqlite3.IntegrityError:
                continue
            return object_id

    def get_customer(self, account: str, customer_id: str) -> str:
        """Return a customer of ``account`` as JSON text, or raise a 404."""
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM customers WHERE id = ? AND account = ?", (customer_id, account)
            ).fetchone()
            if row is None:
                raise ApiError(404, f"No such customer: {customer_id}", param="id")
            items, totals = self._recent_bank_accounts([customer_id])
        return _render_customer(
            row[0], customer_id, items.get(customer_id, []), totals.get(customer_id, 0)
        )

    def list_customers(
        self, account: str, *, limit: int, page: int, email: str | None
    ) -> tuple[list[str], int]:
        """Return one page of customers as JSON texts, newest first, and the total count."""
        where, args = "account = ?", [account]
        if email is not None:
            where, args = "account = ? AND email = ?", [account, email]
        with self._lock:
            total = self._db.execute(
                f"SELECT count(*) FROM customers WHERE {where}", args
            ).fetchone()[0]
            if email is not None and total == 0:
                raise ApiError(404, f"No customer has the email {email!r}.", param="email")
            offset = (page - 1) * limit
            if offset >= total:
                return [], total
            rows = self._db.execute(
                f"SELECT id, doc FROM customers WHERE {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
            items, totals = self._recent_bank_accounts([cid for cid, _ in rows])
        return [
            _render_customer(doc, cid, items.get(cid, []), totals.get(cid, 0)) for cid, doc in rows
        ], total

    # -- bank accounts --------------------------------------------------------------------------

    def create_bank_account(
        self, account: str, customer_id: str, doc: dict[str, Any]
    ) -> dict[str, Any]:
        """Store a bank account (``doc`` without ``id``) for an existing customer; render it."""
        with self._lock:
            self.require_customer(account, customer_id)
            doc = {**doc, "created": int(self.clock()), "customer": customer_id}
            doc["id"] = self._insert(
                "BA",
                "INSERT INTO bank_accounts (id, account, customer, doc) VALUES (?, ?, ?, ?)",
                lambda bid: (bid, account, customer_id, _dumps({**doc, "id": bid})),
            )
        rendered: dict[str, Any] = json.loads(_render_bank_account(_dumps(doc), doc["id"]))
        return rendered

    def get_bank_account(self, account: str, customer_id: str, bank_account_id: str) -> str:
        """Return a bank account of one customer of ``account`` as JSON text, or raise a 404."""
        with self._lock:
            self.require_customer(account, customer_id)
            row = self._db.execute(
                "SELECT doc FROM bank_accounts WHERE id = ? AND customer = ? AND account = ?",
                (bank_account_id, customer_id, account),
            ).fetchone()
        if row is None:
            raise ApiError(404, f"No such bank account: {bank_account_id}", param="bank_account")
        return _render_bank_account(row[0], bank_account_id)

    def list_bank_accounts(
        self, account: str, customer_id: str, *, limit: int, page: int
    ) -> tuple[list[str], int]:
        """Return one page of a customer's bank accounts as JSON texts, newest first, and the
        total count."""
        with self._lock:
            self.require_customer(account, customer_id)
            total = self._db.execute(
                "SELECT count(*) FROM bank_accounts WHERE customer = ?", (customer_id,)
            ).fetchone()[0]
            offset = (page - 1) * limit
            if offset >= total:
                return [], total
            rows = self._db.execute(
                "SELECT id, doc FROM bank_accounts WHERE customer = ? "
                "ORDER BY seq DESC LIMIT ? OFFSET ?",
                (customer_id, limit, offset),
            ).fetchall()
        return [_render_bank_account(doc, bid) for bid, doc in rows], total

    def require_customer(self, account: str, customer_id: str) -> None:
        """Raise a 404 unless ``customer_id`` is a customer of ``account``."""
        found = self._db.execute(
            "SELECT 1 FROM customers WHERE id = ? AND account = ?", (customer_id, account)
        ).fetchone()
        if found is None:
            raise ApiError(404, f"No such customer: {customer_id}", param="id")

    def _recent_bank_accounts(
        self, customer_ids: Iterable[str]
    ) -> tuple[dict[str, list[str]], dict[str, int]]:
        """The embedded bank accounts (10 most recent) and counts of many customers at once."""
        ids = list(customer_ids)
        if not ids:
            return {}, {}
        marks = ",".join("?" * len(ids))
        totals = dict(
            self._db.execute(
                f"SELECT customer, count(*) FROM bank_accounts WHERE customer IN ({marks}) "
                "GROUP BY customer",
                ids,
            ).fetchall()
        )
        items: dict[str, list[str]] = {}
        if totals:
            for customer, bid, doc in self._db.execute(
                f"SELECT customer, id, doc FROM bank_accounts WHERE customer IN ({marks}) "
                "ORDER BY seq DESC",
                ids,
            ):
                embedded = items.setdefault(customer, [])
                if len(embedded) < EMBEDDED_ITEMS:
                    embedded.append(_render_bank_account(doc, bid))
        return items, totals

    # -- idempotency ----------------------------------------------------------------------------

    def replay_or_run(
        self,
        account: str,
        key: str,
        fingerprint: str,
        run: Callable[[], tuple[int, dict[str, Any]]],
    ) -> tuple[int, dict[str, Any], bool]:
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
                return row[1], json.loads(row[2]), True
            status, body = run()
            self._db.execute(
                "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                (account, key, fingerprint, status, json.dumps(body), now),
            )
            return status, body, False

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction (the caller holds the lock): commit on return, else roll back.

        The connection is in autocommit mode, so statements outside this block commit one by
        one. In WAL mode with ``synchronous=NORMAL`` a commit survives the process being killed
        (it is in the OS's page cache); only a power loss may drop the last commits.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _render_customer(doc_text: str, customer_id: str, bank_accounts: list[str], total: int) -> str:
    base = f"/v1/customers/{customer_id}"
    return _with_fields(
        doc_text,
        f'"bank_accounts":{list_text(f"{base}/bank_accounts", bank_accounts, total)},'
        f'"mandates":{list_text(f"{base}/mandates", [], 0)},'
        f'"subscriptions":{list_text(f"{base}/subscriptions", [], 0)}',
    )


def _render_bank_account(doc_text: str, bank_account_id: str) -> str:
    mandates = list_text(f"/v1/bank_accounts/{bank_account_id}/mandates", [], 0)
    return _with_fields(doc_text, f'"mandates":{mandates}')
