"""Pages from per-account ordinals and counters: the same answers as OFFSET and COUNT(*) gave,
on a real SQLite file, including one written by the previous schema (migrated on open)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from mock_support import BANK_ACCOUNT

from lotuspay_contract.conformance.mock._errors import ApiError
from lotuspay_contract.conformance.mock._store import Store

BANK = {k: v for k, v in BANK_ACCOUNT.items() if k != "account_number"}


def _ids(page: list[bytes]) -> list[str]:
    return [_id(text) for text in page]


def _id(answer: bytes) -> str:
    made: str = json.loads(answer)["id"]
    return made


def test_pages_are_newest_first_slices_with_the_account_total(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "mock.sqlite3"))
    made = [_id(store.create_customer("a", False, {"name": f"c{i}"})) for i in range(250)]
    store.create_customer("b", False, {"name": "other account"})
    newest = made[::-1]
    for page, expected in ((1, newest[:100]), (2, newest[100:200]), (3, newest[200:])):
        items, total = store.list_customers("a", limit=100, page=page, email=None)
        assert (_ids(items), total) == (expected, 250)
    assert store.list_customers("a", limit=100, page=4, email=None) == ([], 250)
    assert _ids(store.list_customers("a", limit=7, page=3, email=None)[0]) == newest[14:21]
    assert store.list_customers("nobody", limit=10, page=1, email=None) == ([], 0)
    store.close()


def test_embedded_bank_accounts_are_the_ten_most_recent(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "mock.sqlite3"))
    first = _id(store.create_customer("a", False, {"name": "first", "email": "x@example.in"}))
    second = _id(store.create_customer("a", False, {"name": "second", "email": "x@example.in"}))
    banks = [_id(store.create_bank_account("a", first, dict(BANK))) for _ in range(12)]
    with pytest.raises(ApiError):
        store.create_bank_account("b", first, dict(BANK))  # another account's customer
    page, total = store.list_customers("a", limit=10, page=1, email="x@example.in")
    assert total == 2
    assert _ids(page) == [second, first]
    embedded = json.loads(page[1])["bank_accounts"]
    assert embedded["total_count"] == 12
    assert [b["id"] for b in embedded["data"]] == banks[::-1][:10]
    assert json.loads(page[0])["bank_accounts"]["total_count"] == 0
    assert _ids(store.list_bank_accounts("a", first, limit=5, page=3)[0]) == banks[::-1][10:]
    assert store.list_bank_accounts("a", first, limit=5, page=3)[1] == 12
    store.close()


_OLD_SCHEMA = """
CREATE TABLE customers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    email TEXT, doc TEXT NOT NULL);
CREATE INDEX customers_account ON customers (account, seq);
CREATE TABLE bank_accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    customer TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE idempotency (
    account TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL, saved REAL NOT NULL, PRIMARY KEY (account, key));
CREATE TABLE accounts (id TEXT PRIMARY KEY);
"""


def test_a_file_from_the_previous_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_OLD_SCHEMA)
    for i in range(3):
        doc = json.dumps({"id": f"CU{i}", "object": "customer", "name": f"c{i}"})
        db.execute("INSERT INTO customers (id, account, doc) VALUES (?, 'a', ?)", (f"CU{i}", doc))
    bank = json.dumps({"id": "BA0", "object": "bank_account"})
    db.execute("INSERT INTO bank_accounts (id, account, customer, doc) VALUES ('BA0','a','CU1',?)",
               (bank,))  # fmt: skip
    db.execute("INSERT INTO accounts VALUES ('a')")
    db.commit()
    db.close()

    store = Store(str(path))
    items, total = store.list_customers("a", limit=10, page=1, email=None)
    assert (_ids(items), total) == (["CU2", "CU1", "CU0"], 3)
    assert json.loads(items[1])["bank_accounts"]["total_count"] == 1
    made = _id(store.create_customer("a", False, {"name": "new"}))
    assert _ids(store.list_customers("a", limit=2, page=1, email=None)[0]) == [made, "CU2"]
    store.close()


def test_a_version_3_file_loses_its_counter_trigger_and_counts_on(tmp_path: Path) -> None:
    """Version 3 also kept each account's count in ``accounts`` by a trigger on every insert:
    opening such a file drops the trigger, and counts and ordinals carry on from the rows."""
    path = tmp_path / "v3.sqlite3"
    store = Store(str(path))
    made = [_id(store.create_customer("a", False, {"name": f"c{i}"})) for i in range(3)]
    store.close()
    db = sqlite3.connect(path)
    db.executescript(
        """ALTER TABLE accounts ADD COLUMN customers INTEGER NOT NULL DEFAULT 0;
        UPDATE accounts SET customers = 3;
        CREATE TRIGGER count_customers AFTER INSERT ON customers BEGIN
            INSERT INTO accounts (id, customers) VALUES (NEW.account, NEW.n)
            ON CONFLICT (id) DO UPDATE SET customers = NEW.n; END;
        PRAGMA user_version = 3;"""
    )
    db.close()

    store = Store(str(path))
    made.append(_id(store.create_customer("a", False, {"name": "after"})))
    items, total = store.list_customers("a", limit=10, page=1, email=None)
    assert (_ids(items), total) == (made[::-1], 4)
    store.close()
    db = sqlite3.connect(path)
    triggers = [
        name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    ]
    assert (triggers, db.execute("PRAGMA user_version").fetchone()[0]) == (
        ["count_bank_accounts"],
        4,
    )
    db.close()


def test_a_file_without_stored_answers_gets_them_on_open(tmp_path: Path) -> None:
    """Files of user_version 2 kept no ``body``: opening one renders every customer's answer,
    identical to what the store writes for a new file."""
    path = tmp_path / "v2.sqlite3"
    store = Store(str(path))
    plain = _id(store.create_customer("a", False, {"name": "Zoë", "metadata": {"शहर": "पुणे"}}))
    banked = _id(store.create_customer("a", False, {"name": "banked"}))
    for _ in range(11):
        store.create_bank_account("a", banked, dict(BANK))
    before = [store.get_customer("a", plain), store.get_customer("a", banked)]
    store.close()
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE customers DROP COLUMN body")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()

    store = Store(str(path))
    assert [store.get_customer("a", plain), store.get_customer("a", banked)] == before
    assert json.loads(before[1])["bank_accounts"]["total_count"] == 11
    store.close()
