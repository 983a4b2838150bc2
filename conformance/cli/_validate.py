"""``lotuspay-contract validate``: check JSON documents against a schema, offline."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lotuspay_contract import schemas

from ..validation import HarError, UnreadableInput, Violation, read_json, validate, validate_har

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help="validate JSON documents against a schema",
        description=(
            "Validate JSON documents against a LotusPay schema. Exit 0 when every document is "
            "valid, 1 when any rule is broken, 2 for usage errors or unreadable files."
        ),
    )
    parser.add_argument("--schema", choices=schemas.NAMES, help="schema name (not with --har)")
    parser.add_argument(
        "--har",
        metavar="FILE",
        help="validate recorded traffic: every request and response of a HAR file",
    )
    parser.add_argument(
        "--strict", action="store_true", help="also check SHOULD and MAY rules (default: MUST only)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="JSON file; - reads standard input"
    )
    parser.set_defaults(handler=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    """Validate every file (or the HAR file); print violations; return the exit status."""
    if args.har:
        if args.schema or args.files:
            args.parser.error(
                "--har takes no --schema and no FILE: the HAR file says what each body is"
            )
        return run_har(args)
    if not args.schema or not args.files:
        args.parser.error("give --schema NAME and at least one FILE (or --har FILE)")
    results: list[dict[str, Any]] = []
    unreadable = 0
    violations: list[Violation] = []
    for name in args.files:
        label = "<stdin>" if name == "-" else name
        try:
            document = read_json(name)
        except UnreadableInput as exc:
            unreadable += 1
            print(f"lotuspay-contract validate: {label}: {exc}", file=sys.stderr)
            results.append({"file": label, "error": str(exc)})
            continue
        found = validate(document, args.schema, strict=args.strict)
        violations.extend(found)
        results.append(
            {"file": label, "valid": not found, "violations": [v.to_dict() for v in found]}
        )
        if args.format == "text":
            for v in found:
                print(f"{label}:{v.pointer or '/'}: {v.rule} ({v.level}) {v.message}")
    if args.format == "json":
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        print()
    checked = len(args.files) - unreadable
    print(
        f"{checked} document(s) checked against {args.schema}"
        f"{' (strict)' if args.strict else ''}: {len(violations)} violation(s)"
        + (f", {unreadable} unreadable" if unreadable else ""),
        file=sys.stderr,
    )
    if unreadable:
        return 2
    return 1 if violations else 0


def run_har(args: argparse.Namespace) -> int:
    """Validate a HAR recording entry by entry, with the same output and exit codes."""
    label = "<stdin>" if args.har == "-" else args.har
    try:
        results = validate_har(read_json(args.har), strict=args.strict)
    except (UnreadableInput, HarError) as exc:
        print(f"lotuspay-contract validate: {label}: {exc}", file=sys.stderr)
        return 2
    skipped = [r for r in results if r.operation is None]
    count = sum(len(r.findings) for r in results)
    if args.format == "json":
        json.dump([r.to_dict() for r in results], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for r in results:
            where = f"{label}#{r.index} {r.method} {r.url}"
            if r.operation is None:
                print(f"{where}: skipped, no documented operation matches")
            for part, v in r.findings:
                print(f"{where} {part}:{v.pointer or '/'}: {v.rule} ({v.level}) {v.message}")
    print(
        f"{len(results) - len(skipped)} entr(ies) checked, {len(skipped)} skipped (unknown path)"
        f"{' (strict)' if args.strict else ''}: {count} violation(s)",
        file=sys.stderr,
    )
    return 1 if count else 0
