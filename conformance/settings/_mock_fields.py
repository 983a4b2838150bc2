"""The mock server's settings (``lotuspay-contract mock``), a part of :class:`Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from ._option import MOCK, opt
from ._rules import (
    parse_bool,
    parse_count,
    parse_key,
    parse_milliseconds,
    parse_port,
    parse_positive_count,
    parse_positive_seconds,
    parse_text,
)

__all__ = ["MockSettings"]


@dataclass(frozen=True)
class MockSettings:
    """The options of ``lotuspay-contract mock``; a config file names them ``mock-*``."""

    mock_host: str = opt(
        "127.0.0.1",
        parse_text,
        "address to bind (default: loopback)",
        commands=MOCK,
        flag="--host",
        metavar="HOST",
    )
    mock_port: int = opt(
        12111,
        parse_port,
        "port (default 12111); 0 picks a free one",
        commands=MOCK,
        flag="--port",
        metavar="PORT",
    )
    mock_db: str | None = opt(
        None,
        parse_text,
        "SQLite file that survives restarts (WAL)",
        commands=MOCK,
        flag="--db",
        metavar="PATH",
    )
    mock_api_keys: tuple[str, ...] = opt(
        (),
        parse_key,
        "issue this key (repeatable): only issued keys are accepted; default: "
        "two fresh test keys, printed at start",
        commands=MOCK,
        many="repeat",
        flag="--api-key",
        in_file=False,
        secret=True,
        metavar="KEY",
    )
    mock_accept_any_key: bool = opt(
        False,
        parse_bool,
        "accept any well-formed sk_test_/sk_live_ key as its own account; a "
        "deviation from the contract (a real server answers 401 to a key it never issued)",
        commands=MOCK,
        many="flag",
        flag="--accept-any-key",
    )
    mock_seed_customers: int = opt(
        0,
        parse_count,
        "customers per new account",
        commands=MOCK,
        flag="--seed-customers",
        metavar="N",
    )
    mock_latency_ms: float = opt(
        0.0,
        parse_milliseconds,
        "wait MS milliseconds before each answer, as a slow server "
        "would (other requests are served meanwhile); default 0",
        commands=MOCK,
        flag="--latency-ms",
        metavar="MS",
    )
    mock_workers: int = opt(
        1,
        parse_positive_count,
        "serve from N processes sharing the port and the --db file "
        "(required with N > 1: a memory database is per process); POSIX only (fork); default 1",
        commands=MOCK,
        flag="--workers",
        metavar="N",
    )
    mock_triggers: bool = opt(
        False,
        parse_bool,
        "answer the reserved inputs listed by 'lotuspay-contract triggers' with their errors "
        "(off by default: never on a reference for the suite)",
        commands=MOCK,
        many="flag",
        flag="--triggers",
    )
    mock_request_timeout: float | None = opt(
        None,
        parse_positive_seconds,
        "a request must arrive whole within this of its first byte (default 10; else 408)",
        commands=MOCK,
        flag="--request-timeout",
        metavar="SECONDS",
    )
    mock_keep_alive_timeout: float | None = opt(
        None,
        parse_positive_seconds,
        "close a connection idle this long between requests (default 5)",
        commands=MOCK,
        flag="--keep-alive-timeout",
        metavar="SECONDS",
    )
    mock_max_header_bytes: int | None = opt(
        None,
        parse_positive_count,
        "largest request line and headers (default 65536; else 431)",
        commands=MOCK,
        flag="--max-header-bytes",
        metavar="N",
    )
    mock_max_connections: int | None = opt(
        None,
        parse_positive_count,
        "open connections served at once (default 1000, or half "
        "the open-file limit if lower); a new one beyond gets 503",
        commands=MOCK,
        flag="--max-connections",
        metavar="N",
    )

    #: Option name -> where its value came from ("default", a file path, "LOTUSPAY_SEED",
    #: "--seed", "drawn at random"). Not an option.
