"""The JSON Schemas under Ajv 2020 in strict mode: they compile, their examples pass, and Ajv
gives the same verdicts as our validator on a generated corpus.

Our validator compiles in two rules JSON Schema cannot state (``created`` at most now plus one
day; a child list's ``total_count`` never below ``len(data)``), and checks a top-level list's
``total_count`` in Python. It reports those as ``semantic:`` findings; Ajv, reading the files
alone, cannot see them, so the comparison leaves exactly those findings out.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

from artifact_tools import AJV_CHECK, ROOT, SCHEMAS, node, run, shown
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lotuspay_contract import schemas, strategies

# The one import of our validator in these tests (it moves to lotuspay_contract.conformance).
from lotuspay_contract.conformance import validate

CORPUS = ROOT / "tests" / "corpus"
ALL_URIS = {schemas.uri(n, strict=s) for n in schemas.NAMES for s in (False, True)}


def _ajv(*args: str | Path) -> Any:
    return run(node(), AJV_CHECK, *args)


def test_ajv_compiles_every_schema_and_overlay_in_strict_mode() -> None:
    result = _ajv("compile")
    assert result.returncode == 0, shown(result)
    report = json.loads(result.stdout)
    assert report["errors"] == []
    tool_schemas = {p.name for p in SCHEMAS.glob("*.schema.json")}  # the toolkit's own files
    assert tool_schemas == {"baseline.schema.json", "config.schema.json"}
    assert set(report["compiled"]) == ALL_URIS | tool_schemas


def test_ajv_accepts_every_example() -> None:
    result = _ajv("examples")
    assert result.returncode == 0, shown(result)
    checked = json.loads(result.stdout)["checked"]
    shipped = {(c["example"], c["schema"]) for c in checked if c["example"].startswith("examples/")}
    assert shipped == {
        (f"examples/{n}.json", u)
        for n in schemas.NAMES
        for u in (schemas.uri(n), schemas.uri(n, strict=True))
    }
    assert all(c["valid"] for c in checked)


def test_ajv_strict_mode_and_the_vocabulary_reject_bad_annotations(tmp_path: Path) -> None:
    """The registered keywords are checked against schemas/vocabulary/annotations.json, and a
    keyword nobody declared is an error: strict mode is really on."""
    copied = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copied, ignore=shutil.ignore_patterns("*.py", "*.yaml", "__pycache__"))
    mandate = json.loads((copied / "mandate.json").read_text(encoding="utf-8"))
    mandate["x-level"] = "OPTIONAL"
    (copied / "mandate.json").write_text(json.dumps(mandate), encoding="utf-8")
    subscription = json.loads((copied / "subscription.json").read_text(encoding="utf-8"))
    subscription["properties"]["name"]["x-undeclared"] = True
    (copied / "subscription.json").write_text(json.dumps(subscription), encoding="utf-8")

    result = _ajv("--schemas", copied, "compile")
    assert result.returncode == 1, shown(result)
    errors = "\n".join(json.loads(result.stdout)["errors"])
    assert 'keyword "x-level" value is invalid at path "mandate.json"' in errors
    assert 'subscription.json: strict mode: unknown keyword: "x-undeclared"' in errors


# --- agreement with our validator ---------------------------------------------------------------


def _draw(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """Up to ``count`` examples of ``strategy``, the same on every run."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(copy.deepcopy(value))

    collect()
    return drawn


def _documents() -> list[tuple[str, Any]]:
    """A few hundred (schema, document) pairs: valid ones, labelled invalid ones, the corpus."""
    valid = [
        ("customer", strategies.customers(), 40),
        ("customer_list", strategies.customer_lists(max_size=3), 10),
        ("bank_account", strategies.bank_accounts(), 20),
        ("mandate", strategies.mandates(), 20),
        ("subscription", strategies.subscriptions(), 20),
        ("error", strategies.errors(), 15),
        ("error", strategies.errors(envelope=False), 10),
        ("customer_create", strategies.customer_create_params(), 30),
        ("bank_account_create", strategies.bank_account_create_params(), 20),
    ]
    invalid = [
        ("customer", strategies.invalid_customers(), 80),
        ("customer", strategies.invalid_customers(strict=True), 60),
        ("customer_create", strategies.invalid_customer_create_params(strict=True), 40),
        ("bank_account_create", strategies.invalid_bank_account_create_params(strict=True), 40),
    ]
    found = [(name, doc) for name, strategy, n in valid for doc in _draw(strategy, n)]
    found += [(name, case.document) for name, strategy, n in invalid for case in _draw(strategy, n)]
    for path in sorted(CORPUS.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            found += [(group["schema"], case["data"]) for case in group["tests"]]
    return found


def test_ajv_agrees_with_our_validator_except_on_semantic_rules(tmp_path: Path) -> None:
    cases = [(name, strict, doc) for name, doc in _documents() for strict in (False, True)]
    lines = tmp_path / "documents.jsonl"
    lines.write_text(
        "".join(json.dumps({"schema": n, "strict": s, "data": d}) + "\n" for n, s, d in cases),
        encoding="utf-8",
    )
    result = _ajv("verdicts", lines)
    assert result.returncode == 0, shown(result)
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == len(cases), shown(result)

    disagreements = []
    tally = {"valid": 0, "invalid": 0, "semantic only": 0}
    for (name, strict, doc), ajv in zip(cases, verdicts, strict=True):
        found = validate(doc, name, strict=strict)
        stated = [v for v in found if not v.schema_pointer.startswith("semantic:")]
        tally["valid" if not found else "invalid" if stated else "semantic only"] += 1
        if ajv["valid"] != (not stated):
            disagreements.append(
                f"{'strict/' if strict else ''}{name}: ours {[str(v) for v in stated]}, "
                f"Ajv {ajv['errors']}\n  {json.dumps(doc)[:300]}"
            )
    assert disagreements == [], f"{len(disagreements)} of {len(cases)}:\n" + "\n".join(
        disagreements[:10]
    )
    assert tally["valid"] > 100, tally
    assert tally["invalid"] > 100, tally
