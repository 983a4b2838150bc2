"""SQLite storage of the mock: customers, bank accounts and saved idempotent answers.

One connection per process guarded by a re-entrant lock: the event loop calls the store
synchronously (a query takes microseconds, far less than a thread hop). Objects are stored as
compact JSON text without their child lists; reads assemble answers from that text directly.
"""

from __future__ import annotations

import contextlib
import json
import os
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

#: Each object carries its ordinal within its parent (``n``: 1, 2, ... per account, per customer)
#: and each parent its count, kept by triggers in the same statement as the insert. A page is
#: then a range of ordinals on an index, and ``total_count`` one read, so neither the account's
#: size nor the page number makes a page cost more (no OFFSET, no COUNT(*)). Nothing is ever
#: deleted, so ordinals stay dense.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, customers INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS customers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    n INTEGER NOT NULL, banks INTEGER NOT NULL DEFAULT 0, email TEXT, doc TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS customers_page ON customers (account, n);
CREATE INDEX IF NOT EXISTS customers_email ON customers (account, email, seq);
CREATE TABLE IF NOT EXISTS bank_accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    customer TEXT NOT NULL, n INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS bank_accounts_page ON bank_accounts (customer, n);
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL, saved REAL NOT NULL, PRIMARY KEY (account, key));
CREATE TRIGGER IF NOT EXISTS count_customers AFTER INSERT ON customers BEGIN
    INSERT INTO accounts (id, customers) VALUES (NEW.account, NEW.n)
    ON CONFLICT (id) DO UPDATE SET customers = NEW.n; END;
CREATE TRIGGER IF NOT EXISTS count_bank_accounts AFTER INSERT ON bank_accounts BEGIN
    UPDATE customers SET banks = NEW.n WHERE id = NEW.customer; END;
PRAGMA user_version = 2;
"""

#: Files written before ordinals and counts (user_version 0): add and fill them, once.
_MIGRATE = """
ALTER TABLE accounts ADD COLUMN customers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN banks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bank_accounts ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS customers_account;
DROP INDEX IF EXISTS bank_accounts_customer;
UPDATE customers SET n = r.n FROM (SELECT seq, row_number() OVER (PARTITION BY account
    ORDER BY seq) AS n FROM customers) AS r WHERE customers.seq = r.seq;
UPDATE bank_accounts SET n = r.n FROM (SELECT seq, row_number() OVER (PARTITION BY customer
    ORDER BY seq) AS n FROM bank_accounts) AS r WHERE bank_accounts.seq = r.seq;
INSERT OR IGNORE INTO accounts (id) SELECT DISTINCT account FROM customers;
UPDATE accounts SET customers = (SELECT count(*) FROM customers WHERE account = accounts.id);
UPDATE customers SET banks = (SELECT count(*) FROM bank_accounts WHERE customer = customers.id);
"""

#: One page of customers with their embedded bank accounts (the 10 most recent), one query.
_PAGE = """
SELECT c.id, c.doc, c.banks, b.id, b.doc FROM customers AS c
LEFT JOIN bank_accounts AS b ON c.banks > 0 AND b.customer = c.id AND b.n > c.banks - {embedded}
WHERE {where} ORDER BY c.{order} DESC, b.n DESC
"""


def new_id(prefix: str) -> str:
    """Return ``prefix`` and 12 upper-case alphanumerics, the observed LotusPay id format."""
    # One read of the OS's random source per id (not one per character); bytes from 252 up
    # are dropped so that each of the 36 characters is equally likely.
    while True:
        chars = [_ALPHABET[byte % 36] for byte in os.urandom(24) if byte < 252]
        if len(chars) >= 12:
            return prefix + "".join(chars[:12])


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
            self._db.executescript(f"BEGIN IMMEDIATE; {_MIGRATE} COMMIT;")
        self._db.executescript(_SCHEMA)

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
            # One statement takes the next ordinal and inserts: atomic across processes.
            doc["id"] = self._insert(
                "CU",
                "INSERT INTO customers (id, account, n, email, doc) VALUES (?, ?, "
                "coalesce((SELECT customers FROM accounts WHERE id = ?), 0) + 1, ?, ?)",
                lambda cid: (cid, account, account, doc["email"], _dumps({**doc, "id": cid})),
            )
        base = f"/v1/customers/{doc['id']}"
        return {
            **doc,
            "bank_accounts": _empty_list(f"{base}/bank_accounts"),
            "mandates": _empty_list(f"{base}/mandates"),
            "subscriptions": _empty_list(f"{base}/subscriptions"),
        }

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

    def get_customer(self, account: str, customer_id: str) -> str:
        """Return a customer of ``account`` as JSON text, or raise a 404."""
        sql = _PAGE.format(embedded=EMBEDDED_ITEMS, where="c.id = ? AND c.account = ?", order="n")
        with self._lock:
            rows = self._db.execute(sql, (customer_id, account)).fetchall()
        if not rows:
            raise ApiError(404, f"No such customer: {customer_id}", param="id")
        return _render_customers(rows)[0]

    def list_customers(
        self, account: str, *, limit: int, page: int, email: str | None
    ) -> tuple[list[str], int]:
        """Return one page of customers as JSON texts, newest first, and the total count."""
        skip = (page - 1) * limit
        with self._lock, self._reading():
            if email is None:
                found = self._db.execute(
                    "SELECT customers FROM accounts WHERE id = ?", (account,)
                ).fetchone()
                total = found[0] if found else 0
                if skip >= total:
                    return [], total
                # Newest first: ordinals total - skip down to total - skip - limit + 1.
                where = "c.account = ? AND c.n > ? AND c.n <= ?"
                args: list[Any] = [account, total - skip - limit, total - skip]
                sql = _PAGE.format(embedded=EMBEDDED_ITEMS, where=where, order="n")
            else:
                total = self._db.execute(
                    "SELECT count(*) FROM customers WHERE account = ? AND email = ?",
                    (account, email),
                ).fetchone()[0]
                if total == 0:
                    raise ApiError(404, f"No customer has the email {email!r}.", param="email")
                if skip >= total:
                    return [], total
                where = (
                    "c.seq IN (SELECT seq FROM customers WHERE account = ? AND email = ? "
                    "ORDER BY seq DESC LIMIT ? OFFSET ?)"
                )
                args = [account, email, limit, skip]
                sql = _PAGE.format(embedded=EMBEDDED_ITEMS, where=where, order="seq")
            rows = self._db.execute(sql, args).fetchall()
        return _render_customers(rows), total

    # -- bank accounts --------------------------------------------------------------------------

    def create_bank_account(
        self, account: str, customer_id: str, doc: dict[str, Any]
    ) -> dict[str, Any]:
        """Store a bank account (``doc`` without ``id``) for an existing customer; render it."""
        doc = {**doc, "created": int(self.clock()), "customer": customer_id}
        with self._lock:
            try:
                # Inserts nothing unless the customer is the account's: the check and the
                # insert are one statement.
                doc["id"] = self._insert(
                    "BA",
                    "INSERT INTO bank_accounts (id, account, customer, n, doc) SELECT ?, "
                    "account, id, banks + 1, ? FROM customers WHERE id = ? AND account = ?",
                    lambda bid: (bid, _dumps({**doc, "id": bid}), customer_id, account),
                )
            except LookupError:
                raise ApiError(404, f"No such customer: {customer_id}", param="id") from None
        mandates = _empty_list(f"/v1/bank_accounts/{doc['id']}/mandates")
        return {**doc, "mandates": mandates}

    def get_bank_account(self, account: str, customer_id: str, bank_account_id: str) -> str:
        """Return a bank account of one customer of ``account`` as JSON text, or raise a 404."""
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
        return _render_bank_account(row[1], bank_account_id)

    def list_bank_accounts(
        self, account: str, customer_id: str, *, limit: int, page: int
    ) -> tuple[list[str], int]:
        """Return one page of a customer's bank accounts as JSON texts, newest first, and the
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
        return [_render_bank_account(doc, bid) for bid, doc in rows], total

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


def _empty_list(url: str) -> dict[str, Any]:
    return {"object": "list", "data": [], "total_count": 0, "url": url}


def _render_customers(rows: list[tuple[Any, ...]]) -> list[str]:
    """Customers as JSON texts from ``_PAGE`` rows: one row per embedded bank account (or one
    row with ``None`` when a customer has none), in page order."""
    rendered: list[str] = []
    current: str | None = None
    doc = ""
    total = 0
    embedded: list[str] = []
    for customer_id, customer_doc, banks, bank_id, bank_doc in rows:
        if customer_id != current:
            if current is not None:
                rendered.append(_render_customer(doc, current, embedded, total))
            current, doc, total, embedded = customer_id, customer_doc, banks, []
        if bank_id is not None:
            embedded.append(_render_bank_account(bank_doc, bank_id))
    if current is not None:
        rendered.append(_render_customer(doc, current, embedded, total))
    return rendered


_EMPTY = '{{"object":"list","data":[],"total_count":0,"url":"{url}"}}'


def _render_customer(doc_text: str, customer_id: str, bank_accounts: list[str], total: int) -> str:
    # Ids come from our own rows (``new_id``: upper-case alphanumerics): the URLs need no
    # escaping, and one f-string per customer is most of what a page of 100 costs.
    base = f"/v1/customers/{customer_id}"
    return (
        f'{doc_text[:-1]},"bank_accounts":{{"object":"list","data":[{",".join(bank_accounts)}],'
        f'"total_count":{total},"url":"{base}/bank_accounts"}},'
        f'"mandates":{{"object":"list","data":[],"total_count":0,"url":"{base}/mandates"}},'
        f'"subscriptions":{{"object":"list","data":[],"total_count":0,'
        f'"url":"{base}/subscriptions"}}}}'
    )


def _render_bank_account(doc_text: str, bank_account_id: str) -> str:
    mandates = _EMPTY.format(url=f"/v1/bank_accounts/{bank_account_id}/mandates")
    return f'{doc_text[:-1]},"mandates":{mandates}}}'
