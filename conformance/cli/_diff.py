"""``lotuspay-contract diff``: the same generated sequences to a target and a reference."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from typing import Any

from ..settings import Settings
from ._options import add_settings_arguments, settings_from_args, usage_error
from ._run import check_reports, use_cache_dir

__all__ = ["register"]


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
    add_settings_arguments(parser, "diff")
    parser.set_defaults(handler=diff)


@contextlib.contextmanager
def _reference(settings: Settings) -> Iterator[tuple[str, str, str]]:
    """Yield the reference's URL, a label and its key; start the embedded mock without one."""
    if settings.reference:
        yield settings.reference, settings.reference, settings.reference_key or ""
        return
    from ..mock import running_mock

    with running_mock() as url:
        yield str(url), f"{url} (embedded mock)", url.api_keys[0]


def _diff_settings(settings: Settings, ref_url: str, ref_key: str) -> Any:
    from ..diff import DIFF_TIERS, DiffSettings

    return DiffSettings(
        target_url=settings.base_url or "",
        target_key=settings.api_key or "",
        reference_url=ref_url,
        reference_key=ref_key,
        tier=DIFF_TIERS[settings.tier],
        seed=settings.seed or 0,
        strict=settings.strict,
        max_duration=settings.time_limit,
    )


def _write(settings: Settings, result: Any) -> None:
    from ..diff import diff_report_data, render_diff_html

    data = diff_report_data(result)
    if settings.report_json:
        with open(settings.report_json, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
    if settings.report_html:
        with open(settings.report_html, "w", encoding="utf-8") as handle:
            handle.write(render_diff_html(data))


def _compare(settings: Settings) -> Any:
    """Start the reference if needed, print the start line, run the diff."""
    from ..diff import run_diff
    from ..redact import mask_key, redact, remember_secret

    with _reference(settings) as (ref_url, label, ref_key):
        remember_secret(ref_key)
        if not settings.quiet:
            print(
                redact(
                    f"lotuspay-contract diff: target {settings.base_url}, key "
                    f"{mask_key(settings.api_key)}, reference {label}, tier {settings.tier}, "
                    f"seed {settings.seed}{', strict' if settings.strict else ''}"
                )
            )
        return run_diff(_diff_settings(settings, ref_url, ref_key))


def diff(args: argparse.Namespace) -> int:
    """Run the diff; print the differences; write the reports; return the exit status."""
    from ..client import TargetError
    from ..diff import render_diff_text
    from ..redact import redact, remember_secret

    settings = settings_from_args("diff", args)
    check_reports(settings, ("report_json", "report_html"))
    remember_secret(settings.api_key)
    remember_secret(settings.reference_key)
    use_cache_dir(settings)
    try:
        result = _compare(settings)
    except TargetError as exc:
        return usage_error("diff", f"unreachable: {redact(str(exc))}")
    except OSError as exc:
        return usage_error("diff", f"cannot start the embedded mock: {exc}")
    try:
        _write(settings, result)
    except OSError as exc:
        return usage_error(
            "diff", f"cannot write {exc.filename or 'a report'}: {exc.strerror or exc}"
        )
    print(render_diff_text(result, quiet=settings.quiet))
    return int(result.exit_code)
