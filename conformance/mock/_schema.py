"""The mock's SQLite schema, and the migration of files written before ordinals and counts."""

from __future__ import annotations

__all__ = ["MIGRATE", "SCHEMA"]

#: Each object carries its ordinal within its parent (``n``: 1, 2, ... per account, per customer).
#: Nothing is ever deleted, so ordinals stay dense: an account's customer count is its highest
#: ordinal (one seek on ``customers_page``), a customer's bank-account count is kept in ``banks``
#: by a trigger, and a page is a range of ordinals on an index. So neither the account's size
#: nor the page number makes a page cost more (no OFFSET, no COUNT(*)).
#:
#: Version 4 dropped the trigger that also kept each account's customer count in ``accounts``:
#: writing that row cost a tenth of every insert's time, and the highest ordinal is the count.
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS customers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    n INTEGER NOT NULL, banks INTEGER NOT NULL DEFAULT 0, email TEXT, doc TEXT NOT NULL,
    body BLOB);
CREATE UNIQUE INDEX IF NOT EXISTS customers_page ON customers (account, n);
CREATE INDEX IF NOT EXISTS customers_email ON customers (account, email, seq);
CREATE TABLE IF NOT EXISTS bank_accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
    customer TEXT NOT NULL, n INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS bank_accounts_page ON bank_accounts (customer, n);
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL, saved REAL NOT NULL, PRIMARY KEY (account, key));
DROP TRIGGER IF EXISTS count_customers;
CREATE TRIGGER IF NOT EXISTS count_bank_accounts AFTER INSERT ON bank_accounts BEGIN
    UPDATE customers SET banks = NEW.n WHERE id = NEW.customer; END;
PRAGMA user_version = 4;
"""

#: Files written before ordinals and counts (user_version 0): add and fill them, once.
MIGRATE = """
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
UPDATE customers SET banks = (SELECT count(*) FROM bank_accounts WHERE customer = customers.id);
"""
