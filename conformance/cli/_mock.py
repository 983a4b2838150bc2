"""``lotuspay-contract mock`` and ``lotuspay-contract faults``: serve the mock, list its faults."""

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
            "then runs until Ctrl-C or SIGTERM. API keys: HTTP Basic, sk_test_... or sk_live_..."
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
        help="accept only this key (repeatable); default: any well-formed key",
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


def run_mock(args: argparse.Namespace) -> int:
    """Serve the mock in the foreground until interrupted; return the exit status."""
    import uvicorn

    from ..mock._server import ServerLimits, base_url, bind_socket, create_app, uvicorn_config
    from ..redact import mask_key

    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(
            f"lotuspay-contract mock: cannot bind {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 2
    app = create_app(
        api_keys=args.api_keys,
        db_path=args.db,
        faults=args.faults,
        seed_customers=args.seed_customers,
    )
    print(base_url(sock), flush=True)
    keys = (
        ", ".join(mask_key(k) for k in args.api_keys) if args.api_keys else "any sk_test_/sk_live_"
    )
    print(
        f"LotusPay mock: API under {base_url(sock)}/v1; storage {args.db or 'in memory'}; "
        f"keys {keys}; faults {', '.join(args.faults) or 'none'}. Ctrl-C stops.",
        file=sys.stderr,
        flush=True,
    )
    chosen = {
        name: getattr(args, name)
        for name in ("request_timeout", "keep_alive_timeout", "max_header_bytes", "max_connections")
        if getattr(args, name) is not None
    }
    server = uvicorn.Server(
        uvicorn_config(app, args.host, args.port, limits=ServerLimits(**chosen))
    )
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
