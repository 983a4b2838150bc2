"""The corpus of valid and invalid documents (tests/corpus/*.json), one test per case.

Each file follows the JSON-Schema-Test-Suite layout: groups of ``{"description", "schema",
"tests": [...]}``; a case has ``data``, ``valid`` (MUST-level verdict) and ``rules`` (the rule ids
a MUST-level run reports), and optionally ``strict_valid`` / ``strict_rules`` for the strict level.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract import schemas
from lotuspay_contract.conformance import Level, validate

CORPUS = Path(__file__).parent / "corpus"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CORPUS.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            for case in group["tests"]:
                params.append(
                    pytest.param(group["schema"], case, id=f"{path.stem}: {case['description']}")
                )
    return params


CASES = _cases()


def test_corpus_covers_every_schema() -> None:
    assert {p.values[0] for p in CASES} == set(schemas.NAMES)


@pytest.mark.parametrize(("schema", "case"), CASES)
def test_must_level_verdict(schema: str, case: dict[str, Any]) -> None:
    found = validate(case["data"], schema)
    assert all(v.level is Level.MUST for v in found)
    assert {v.rule for v in found} == set(case.get("rules", [])), [str(v) for v in found]
    assert (not found) is case["valid"]


@pytest.mark.parametrize(("schema", "case"), CASES)
def test_strict_level_verdict(schema: str, case: dict[str, Any]) -> None:
    found = validate(case["data"], schema, strict=True)
    strict_valid = case.get("strict_valid", case["valid"])
    expected = set(case.get("rules", [])) | set(case.get("strict_rules", []))
    if strict_valid:
        assert found == [], [str(v) for v in found]
    else:
        assert {v.rule for v in found} == expected, [str(v) for v in found]
