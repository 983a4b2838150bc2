"""``lotuspay-contract mock``, ``faults`` and ``quirks``: serve the mock, list its faults and its
legal variations."""

from __future__ import annotations

import argparse
import signal
import sys

__all__ = ["register"]


def _fault_name(value: str) -> str:
    from ..mock._faults import FAULTS

    if value not in FAULTS:
        raise argparse.ArgumentTypeError(
            f"unknown fault {value!r}; run 'lotuspay-contract faults' to list the valid names."
        )
    return value


def _quirk_name(value: str) -> str:
    from ..mock._quirks import QUIRKS

    if value not in QUIRKS:
        raise argparse.ArgumentTypeError(
            f"unknown quirk {value!r}; run 'lotuspay-contract quirks' to list the valid names."
        )
    return value


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {value!r}.")
    return number


def _positive_seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}.")
    return number


def _milliseconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a number of milliseconds of at least 0, got {value!r}."
        )
    return number


def _positive_count(value: str) -> int:
    number = _count(value)
    if number == 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}.")
    return number


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``mock`` and ``faults`` sub-commands."""
    mock = subparsers.add_parser(
        "mock",
        help="serve the stateful LotusPay mock",
        description=(
            "Serve a stateful mock of the LotusPay Customers API (uvicorn). Prints its base URL, "
            "then runs until Ctrl-C or SIGTERM. API keys: HTTP Basic; the mock issues two test "
            "keys and prints them (or takes --api-key), and refuses any other key with 401"
        ),
    )
    mock.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    mock.add_argument("--port", type=int, default=12111, help="port; 0 picks a free one")
    mock.add_argument("--db", metavar="PATH", help="SQLite file that survives restarts (WAL)")
    mock.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="issue this key (repeatable): only issued keys are accepted; default: two fresh "
        "test keys, printed at start",
    )
    mock.add_argument(
        "--accept-any-key",
        action="store_true",
        help="accept any well-formed sk_test_/sk_live_ key as its own account; a deviation from "
        "the contract (a real server answers 401 to a key it never issued)",
    )
    mock.add_argument(
        "--quirk",
        action="append",
        dest="quirks",
        default=[],
        type=_quirk_name,
        metavar="NAME",
        help="show this legal variation (repeatable); see 'lotuspay-contract quirks'",
    )
    mock.add_argument(
        "--fault",
        action="append",
        dest="faults",
        default=[],
        type=_fault_name,
        metavar="NAME",
        help="simulate this bug (repeatable); see 'lotuspay-contract faults'",
    )
    mock.add_argument(
        "--seed-customers", type=_count, default=0, metavar="N", help="customers per new account"
    )
    mock.add_argument(
        "--latency-ms",
        type=_milliseconds,
        default=0.0,
        metavar="MS",
        help="wait MS milliseconds before each answer, as a slow server would (other requests "
        "are served meanwhile); for benchmarks of slow targets; default 0",
    )
    mock.add_argument(
        "--workers",
        type=_positive_count,
        default=1,
        metavar="N",
        help="serve from N processes sharing the port and the --db file (required with N > 1: "
        "a memory database is per process); POSIX only (fork); default 1",
    )
    mock.add_argument(  # h5
        "--triggers",
        action="store_true",
        help="answer the reserved inputs listed by 'lotuspay-contract triggers' with their "
        "errors (off by default: never on a reference for the suite)",
    )
    limits = mock.add_argument_group(
        "limits", "bounds on slow and greedy clients; the defaults suit any honest client"
    )
    limits.add_argument(
        "--request-timeout",
        type=_positive_seconds,
        metavar="SECONDS",
        help="a request must arrive whole within this of its first byte (default 10; else 408)",
    )
    limits.add_argument(
        "--keep-alive-timeout",
        type=_positive_seconds,
        metavar="SECONDS",
        help="close a connection idle this long between requests (default 5)",
    )
    limits.add_argument(
        "--max-header-bytes",
        type=_positive_count,
        metavar="N",
        help="largest request line and headers (default 65536; else 431)",
    )
    limits.add_argument(
        "--max-connections",
        type=_positive_count,
        metavar="N",
        help="open connections served at once (default 1000, or half the open-file "
        "limit if lower); a new one beyond gets 503",
    )
    mock.set_defaults(handler=run_mock)

    faults = subparsers.add_parser(
        "faults",
        help="list the mock's faults",
        description="List every fault the mock can simulate, with the spec rule it breaks.",
    )
    faults.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    faults.set_defaults(handler=run_faults)

    quirks = subparsers.add_parser(
        "quirks",
        help="list the mock's legal variations",
        description=(
            "List every quirk the mock can show: a way a correct server may differ from the "
            "mock, with the contract sentence that allows it. The suite must pass on each."
        ),
    )
    quirks.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    quirks.set_defaults(handler=run_quirks)


def run_mock(args: argparse.Namespace) -> int:
    """Serve the mock in the foreground until interrupted; return the exit status."""
    import uvicorn

    from ..mock._server import (
        ServerLimits,
        base_url,
        bind_socket,
        create_app,
        issue_keys,
        uvicorn_config,
    )
    from ..mock._workers import WORKERS_SUPPORTED, serve_workers
    from ..redact import mask_key

    if args.workers > 1 and not WORKERS_SUPPORTED:  # h5
        print(
            "lotuspay-contract mock: --workers needs os.fork, which this platform lacks "
            "(POSIX only); serve with --workers 1",
            file=sys.stderr,
        )
        return 2
    if args.workers > 1 and not args.db:
        print(
            "lotuspay-contract mock: --workers needs --db FILE (a memory database is per "
            "process, so workers would not share customers)",
            file=sys.stderr,
        )
        return 2
    try:
        sock = bind_socket(args.host, args.port, workers=args.workers)
    except OSError as exc:
        print(
            f"lotuspay-contract mock: cannot bind {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 2
    options = {
        "accept_any_key": args.accept_any_key,
        "faults": args.faults,
        "quirks": args.quirks,
        "seed_customers": args.seed_customers,
        "latency_ms": args.latency_ms,
        "triggers": args.triggers,
    }
    # Issued here, before any worker starts, so that every worker accepts the same keys.
    issued = tuple(args.api_keys) if args.api_keys else issue_keys()
    print(base_url(sock), flush=True)
    # Keys the user chose are theirs: masked. Keys the mock made up are only good against this
    # process and the user needs them, so they are printed whole.
    keys = ", ".join(mask_key(k) for k in issued) if args.api_keys else ", ".join(issued)
    if args.accept_any_key:
        keys = f"any sk_test_/sk_live_ (accept-any-key, not as the contract says; e.g. {keys})"
    workers = f"; {args.workers} workers" if args.workers > 1 else ""
    workers += f"; {args.latency_ms:g} ms latency" if args.latency_ms else ""
    print(
        f"LotusPay mock: API under {base_url(sock)}/v1; storage {args.db or 'in memory'}"
        f"{workers}; keys {keys}; faults {', '.join(args.faults) or 'none'}; "
        f"quirks {', '.join(args.quirks) or 'none'}. Ctrl-C stops.",
        file=sys.stderr,
        flush=True,
    )
    chosen = {
        name: getattr(args, name)
        for name in ("request_timeout", "keep_alive_timeout", "max_header_bytes", "max_connections")
        if getattr(args, name) is not None
    }
    limits = ServerLimits(**chosen)
    if args.workers > 1:
        try:
            status = serve_workers(
                sock, args.workers, db_path=args.db, api_keys=issued, limits=limits, **options
            )
        finally:
            sock.close()
        print("LotusPay mock stopped.", file=sys.stderr)
        return status
    app = create_app(api_keys=issued, db_path=args.db, **options)
    server = uvicorn.Server(uvicorn_config(app, args.host, args.port, limits=limits))
    stopped_by: list[int] = []
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the handler
    # it found: install one that records it, so a requested stop exits 0 rather than -15.
    previous = {
        sig: signal.signal(sig, lambda number, frame: stopped_by.append(number))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        app.state.store.close()
    print("LotusPay mock stopped.", file=sys.stderr)
    return 0


def run_faults(args: argparse.Namespace) -> int:
    """Print every fault with the rule it breaks."""
    import json

    from ..mock._faults import FAULTS

    if args.format == "json":
        rows = [
            {"name": f.name, "level": f.level, "rule": f.rule, "description": f.description}
            for f in FAULTS.values()
        ]
        json.dump(rows, sys.stdout, indent=2)
        print()
        return 0
    width = max(len(name) for name in FAULTS)
    for fault in FAULTS.values():
        print(f"{fault.name:<{width}}  {fault.level:<6}  {fault.rule}")
        print(f"{'':<{width}}          {fault.description}")
    return 0


def run_quirks(args: argparse.Namespace) -> int:
    """Print every quirk with the contract sentence that allows it."""
    import json

    from ..mock._quirks import QUIRKS

    if args.format == "json":
        rows = [
            {
                "name": q.name,
                "rules": list(q.rules),
                "clause": q.clause,
                "description": q.description,
            }
            for q in QUIRKS.values()
        ]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    width = max(len(name) for name in QUIRKS)
    for quirk in QUIRKS.values():
        print(f"{quirk.name:<{width}}  {quirk.description}")
        print(f"{'':<{width}}  allowed by: {quirk.clause}")
        print(f"{'':<{width}}  rules: {', '.join(f'docs/contract.md#{r}' for r in quirk.rules)}")
    return 0
