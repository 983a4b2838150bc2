"""``lotuspay-contract diff``: the same generated sequences to a target and a reference."""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
from collections.abc import Iterator

from ._run_options import _bad_key, _base_url, _seconds, _seed

__all__ = ["register"]

ENV_KEY = "LOTUSPAY_API_KEY"
ENV_REFERENCE_KEY = "LOTUSPAY_REFERENCE_API_KEY"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``diff`` sub-command."""
    parser = subparsers.add_parser(
        "diff",
        help="send the same generated request sequences to a server and a reference; "
        "report where their answers differ",
        description=(
            "Differential testing: Hypothesis generates request sequences (create, retrieve "
            "and list customers and bank accounts, bad requests), sends each to the target and "
            "to the reference (default: the embedded mock) and compares the answers after "
            "normalising what the contract leaves free (ids by position, timestamps, "
            "messages, property order, new properties, same-second order, page base, ...). "
            "Each difference names its rule in docs/contract.md and its level; a failing one "
            "is shrunk to the shortest sequence that shows it. Exit 0 without MUST "
            "differences (SHOULD ones fail only with --strict), 1 with one or when the "
            "deadline cut the run, 2 for usage errors or an unreachable side."
        ),
    )
    parser.add_argument("--base-url", type=_base_url, required=True, help="the target's root")
    parser.add_argument(
        "--api-key",
        default=os.environ.get(ENV_KEY),
        help=f"the target's secret key (default: ${ENV_KEY}); never printed",
    )
    parser.add_argument(
        "--reference",
        type=_base_url,
        metavar="URL",
        help="the reference's root (default: start the embedded mock on a free loopback port)",
    )
    parser.add_argument(
        "--reference-key",
        default=os.environ.get(ENV_REFERENCE_KEY),
        help=f"the reference's secret key (default: ${ENV_REFERENCE_KEY}); never printed",
    )
    parser.add_argument(
        "--tier",
        choices=("smoke", "standard", "deep"),
        default="standard",
        help="how many sequences, how long: smoke, standard (default) or deep",
    )
    parser.add_argument(
        "--max-duration",
        type=_seconds,
        metavar="SECONDS",
        help="stop after this long (default per tier: smoke 120, standard 600, deep 1800)",
    )
    parser.add_argument("--seed", type=_seed, help="seed for the sequences (default: random)")
    parser.add_argument("--strict", action="store_true", help="SHOULD differences fail too")
    parser.add_argument("--report-json", metavar="PATH", help="write the JSON report here")
    parser.add_argument("--report-html", metavar="PATH", help="write the HTML report here")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    parser.set_defaults(handler=diff)


def _usage_error(message: str) -> int:
    print(f"lotuspay-contract diff: error: {message}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _reference(args: argparse.Namespace) -> Iterator[tuple[str, str, str]]:
    """Yield the reference's URL, a label and its key; start the embedded mock without one."""
    if args.reference:
        yield args.reference, args.reference, args.reference_key
        return
    from ..mock import running_mock

    with running_mock() as url:
        yield str(url), f"{url} (embedded mock)", url.api_keys[0]


def diff(args: argparse.Namespace) -> int:
    """Run the diff; print the differences; write the reports; return the exit status."""
    from ..client import TargetError
    from ..diff import (
        DIFF_TIERS,
        DiffSettings,
        diff_report_data,
        render_diff_html,
        render_diff_text,
        run_diff,
    )
    from ..redact import mask_key, redact, remember_secret
    from ..report import unwritable

    if not args.api_key:
        return _usage_error(f"no API key for the target: pass --api-key or set {ENV_KEY}")
    if args.reference and not args.reference_key:
        return _usage_error(
            f"no key for the reference: pass --reference-key or set {ENV_REFERENCE_KEY}"
        )
    for name, given in (("--api-key", args.api_key), ("--reference-key", args.reference_key)):
        if (problem := _bad_key(name, given)) is not None:
            return _usage_error(problem)
    for path in (args.report_json, args.report_html):
        if path and (problem := unwritable(path)) is not None:
            return _usage_error(problem)
    remember_secret(args.api_key)
    remember_secret(args.reference_key)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    try:
        with _reference(args) as (ref_url, label, ref_key):
            remember_secret(ref_key)
            settings = DiffSettings(
                target_url=args.base_url,
                target_key=args.api_key,
                reference_url=ref_url,
                reference_key=ref_key,
                tier=DIFF_TIERS[args.tier],
                seed=seed,
                strict=args.strict,
                max_duration=args.max_duration,
            )
            if not args.quiet:
                print(
                    redact(
                        f"lotuspay-contract diff: target {args.base_url}, key "
                        f"{mask_key(args.api_key)}, reference {label}, tier {args.tier}, "
                        f"seed {seed}{', strict' if args.strict else ''}"
                    )
                )
            result = run_diff(settings)
    except TargetError as exc:
        return _usage_error(f"unreachable: {redact(str(exc))}")
    except OSError as exc:
        return _usage_error(f"cannot start the embedded mock: {exc}")
    data = diff_report_data(result)
    try:
        if args.report_json:
            with open(args.report_json, "w", encoding="utf-8") as handle:
                import json

                json.dump(data, handle, ensure_ascii=False, indent=2)
        if args.report_html:
            with open(args.report_html, "w", encoding="utf-8") as handle:
                handle.write(render_diff_html(data))
    except OSError as exc:
        return _usage_error(f"cannot write {exc.filename or 'a report'}: {exc.strerror or exc}")
    print(render_diff_text(result, quiet=args.quiet))
    return result.exit_code
