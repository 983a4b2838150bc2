"""``lotuspay-contract validate``: check JSON documents against a schema, offline."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from lotuspay_contract import schemas

from ..validation import (
    HarError,
    Level,
    UnreadableInput,
    Violation,
    loads_strict,
    read_json,
    validate,
    validate_har,
)

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
        "files",
        nargs="*",
        metavar="FILE",
        help="JSON file, or JSON lines (one document a line, as `generate` writes); - reads "
        "standard input",
    )
    parser.set_defaults(handler=run, parser=parser)


def _fails(violations: list[Violation], strict: bool) -> bool:
    """The verdict of a run (``status_of``): a MUST breaks, a SHOULD too when strict; a MAY
    is a note, printed but never a failure."""
    return any(v.level is Level.MUST or (strict and v.level is Level.SHOULD) for v in violations)


def _read_raw(name: str) -> bytes:
    try:
        if name == "-":
            return sys.stdin.buffer.read()
        with open(name, "rb") as f:
            return f.read()
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}") from exc


def read_documents(name: str) -> list[tuple[int | None, Any]]:
    """Return the documents of file ``name`` (``-``: standard input) as (line, document) pairs:
    one pair with line None for a JSON file, one per non-blank line for JSON lines.

    A file that is not one JSON document but whose first line is one is read as JSON lines.

    Raises:
        UnreadableInput: the file cannot be read, or is not JSON ("line N: not JSON: ..." for
            a bad line of JSON lines).
    """
    raw = _read_raw(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"cannot read: {exc}") from exc
    try:
        return [(None, loads_strict(text))]
    except ValueError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2 or not _parses(lines[0][1]):
            raise UnreadableInput(f"not JSON: {whole}") from whole
    documents: list[tuple[int | None, Any]] = []
    for number, line in lines:
        try:
            documents.append((number, loads_strict(line)))
        except ValueError as exc:
            raise UnreadableInput(f"line {number}: not JSON: {exc}") from exc
    return documents


def _parses(text: str) -> bool:
    try:
        loads_strict(text)
    except ValueError:
        return False
    return True


def _check_file(
    name: str, args: argparse.Namespace, results: list[dict[str, Any]]
) -> list[Violation] | None:
    """Validate every document of file ``name``; None when it cannot be read."""
    label = "<stdin>" if name == "-" else name
    try:
        documents = read_documents(name)
    except UnreadableInput as exc:
        print(f"lotuspay-contract validate: {label}: {exc}", file=sys.stderr)
        results.append({"file": label, "error": str(exc)})
        return None
    violations: list[Violation] = []
    for line, document in documents:
        found = validate(document, args.schema, strict=args.strict)
        violations.extend(found)
        where = label if line is None else f"{label}:{line}"
        row: dict[str, Any] = {"file": label}
        if line is not None:
            row["line"] = line
        results.append(
            {
                **row,
                "valid": not _fails(found, args.strict),
                "violations": [v.to_dict() for v in found],
            }
        )
        if args.format == "text":
            for v in found:
                print(f"{where}:{v.pointer or '/'}: {v.rule} ({v.level}) {v.message}")
    return violations


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
        found = _check_file(name, args, results)
        if found is None:
            unreadable += 1
        else:
            violations.extend(found)
    if args.format == "json":
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        print()
    checked = sum(1 for r in results if "error" not in r)
    print(
        f"{_count(checked, 'document')} checked against {args.schema}"
        f"{' (strict)' if args.strict else ''}: {_count(len(violations), 'violation')}"
        + (f", {unreadable} unreadable" if unreadable else ""),
        file=sys.stderr,
    )
    if unreadable:
        return 2
    return 1 if _fails(violations, args.strict) else 0


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 entry``, ``2 entries``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


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
                print(f"{where}: skipped, {r.skipped}")
            for part, v in r.findings:
                print(f"{where} {part}:{v.pointer or '/'}: {v.rule} ({v.level}) {v.message}")
    reasons = Counter(r.skipped for r in skipped)
    why = "; ".join(
        reason if len(reasons) == 1 else f"{n}: {reason}" for reason, n in reasons.items()
    )
    print(
        f"{_count(len(results) - len(skipped), 'entry', 'entries')} checked, "
        f"{len(skipped)} skipped{f' ({why})' if why else ''}"
        f"{' (strict)' if args.strict else ''}: {_count(count, 'violation')}",
        file=sys.stderr,
    )
    found = [v for r in results for _, v in r.findings]
    return 1 if _fails(found, args.strict) else 0
