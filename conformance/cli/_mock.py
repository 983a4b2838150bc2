"""``lotuspay-contract mock``, ``faults`` and ``quirks``: serve the mock, list its faults and its
legal variations."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from ..settings import Settings, SettingsError, resolve_names
from ._options import add_settings_arguments, settings_from_args

__all__ = ["register"]


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
    add_settings_arguments(mock, "mock")
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


def _announce(settings: Settings, url: str, issued: tuple[str, ...]) -> None:
    """Print the URL (stdout, for scripts) and what is served (stderr)."""
    from ..redact import mask_key

    s = settings
    print(url, flush=True)
    # Keys the user chose are theirs: masked. Keys the mock made up are only good against this
    # process and the user needs them, so they are printed whole.
    keys = ", ".join(mask_key(k) for k in issued) if s.mock_api_keys else ", ".join(issued)
    if s.mock_accept_any_key:
        keys = f"any sk_test_/sk_live_ (accept-any-key, not as the contract says; e.g. {keys})"
    workers = f"; {s.mock_workers} workers" if s.mock_workers > 1 else ""
    workers += f"; {s.mock_latency_ms:g} ms latency" if s.mock_latency_ms else ""
    print(
        f"LotusPay mock: API under {url}/v1; storage {s.mock_db or 'in memory'}"
        f"{workers}; keys {keys}; faults {', '.join(s.faults) or 'none'}; "
        f"quirks {', '.join(s.quirks) or 'none'}. Ctrl-C stops.",
        file=sys.stderr,
        flush=True,
    )


def _serve_one(settings: Settings, sock: Any, issued: tuple[str, ...], limits: Any) -> int:
    """Serve from this process until SIGINT or SIGTERM."""
    import uvicorn

    from ..mock import create_app, uvicorn_config

    app = create_app(api_keys=issued, db_path=settings.mock_db, **_app_options(settings))
    server = uvicorn.Server(
        uvicorn_config(app, settings.mock_host, settings.mock_port, limits=limits)
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
    return 0


def _app_options(settings: Settings) -> dict[str, Any]:
    return {
        "accept_any_key": settings.mock_accept_any_key,
        "faults": settings.faults,
        "quirks": settings.quirks,
        "seed_customers": settings.mock_seed_customers,
        "latency_ms": settings.mock_latency_ms,
        "triggers": settings.mock_triggers,
    }


def run_mock(args: argparse.Namespace) -> int:
    """Serve the mock in the foreground until interrupted; return the exit status."""
    from ..mock import (
        FAULTS,
        QUIRKS,
        WORKERS_SUPPORTED,
        ServerLimits,
        base_url,
        bind_socket,
        issue_keys,
        serve_workers,
    )

    settings = settings_from_args("mock", args)
    settings = resolve_names(settings, "mock", faults=list(FAULTS), quirks=list(QUIRKS))
    s = settings
    if s.mock_workers > 1 and not WORKERS_SUPPORTED:
        raise SettingsError(
            "--workers needs os.fork, which this platform lacks (POSIX only); serve with "
            "--workers 1"
        )
    try:
        sock = bind_socket(s.mock_host, s.mock_port, workers=s.mock_workers)
    except OSError as exc:
        print(
            f"lotuspay-contract mock: cannot bind {s.mock_host}:{s.mock_port}: {exc}",
            file=sys.stderr,
        )
        return 2
    # Issued here, before any worker starts, so that every worker accepts the same keys.
    issued = tuple(s.mock_api_keys) if s.mock_api_keys else issue_keys()
    _announce(s, base_url(sock), issued)
    chosen = {
        name: getattr(s, f"mock_{name}")
        for name in ("request_timeout", "keep_alive_timeout", "max_header_bytes", "max_connections")
        if getattr(s, f"mock_{name}") is not None
    }
    limits = ServerLimits(**chosen)
    if s.mock_workers > 1:
        try:
            status = serve_workers(
                sock,
                s.mock_workers,
                db_path=s.mock_db or "",  # given: the settings refuse workers without it
                api_keys=issued,
                limits=limits,
                **_app_options(s),
            )
        finally:
            sock.close()
    else:
        status = _serve_one(s, sock, issued, limits)
    print("LotusPay mock stopped.", file=sys.stderr)
    return status


def run_faults(args: argparse.Namespace) -> int:
    """Print every fault with the rule it breaks and the ids of the checks that catch it."""
    import json

    from ..mock import FAULTS

    if args.format == "json":
        rows = [
            {
                "name": f.name,
                "level": f.level,
                "rule": f.rule,
                "description": f.description,
                "caught_by": list(f.caught_by),
            }
            for f in FAULTS.values()
        ]
        json.dump(rows, sys.stdout, indent=2)
        print()
        return 0
    width = max(len(name) for name in FAULTS)
    for fault in FAULTS.values():
        print(f"{fault.name:<{width}}  {fault.level:<6}  {fault.rule}")
        print(f"{'':<{width}}          {fault.description}")
        print(f"{'':<{width}}          caught by: {', '.join(fault.caught_by)}")
    return 0


def run_quirks(args: argparse.Namespace) -> int:
    """Print every quirk with the contract sentence that allows it."""
    import json

    from ..mock import QUIRKS

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
