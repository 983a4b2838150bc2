"""Figures that cannot drift: the README's counts are generated blocks kept fresh by
``tools/readme_blocks.py`` (checked here), and no docstring or comment of the package states a
measured ratio or time (those belong to the benches, which print them)."""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import sys
import tokenize
from pathlib import Path
from types import ModuleType

import pytest

from lotuspay_contract.conformance.mock import FAULTS, QUIRKS
from lotuspay_contract.conformance.suite import all_checks

ROOT = Path(__file__).resolve().parent.parent


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_blocks", ROOT / "tools/readme_blocks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


blocks = _load_tool()


def test_the_readme_blocks_are_fresh(capsys: pytest.CaptureFixture[str]) -> None:
    assert blocks.main(["--check"]) == 0, capsys.readouterr().err


def test_the_readme_holds_the_count_blocks() -> None:
    names = {m["name"] for m in blocks.BLOCK.finditer(blocks.README.read_text(encoding="utf-8"))}
    assert {"fault-count", "quirk-count", "bad-input-count"} <= names


def test_the_blocks_count_the_catalogues() -> None:
    assert blocks.BLOCKS["fault-count"]() == str(len(FAULTS))
    assert blocks.BLOCKS["quirk-count"]() == str(len(QUIRKS))
    assert blocks.BLOCKS["check-count"]() == str(len(all_checks()))
    assert int(blocks.BLOCKS["bad-input-count"]()) >= 120  # the corpus test's own floor


def test_a_stale_block_fails_the_check_and_write_refreshes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "README.md"
    page.write_text(
        "the <!-- BEGIN generated: fault-count -->1<!-- END generated: fault-count --> bugs\n"
        "<!-- BEGIN generated: quirk-count -->\n0\n<!-- END generated: quirk-count -->\n",
        encoding="utf-8",
    )
    assert blocks.main(["--check", "--file", str(page)]) == 1
    assert "stale generated blocks: fault-count, quirk-count" in capsys.readouterr().err
    assert blocks.main(["--write", "--file", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == (
        f"the <!-- BEGIN generated: fault-count -->{len(FAULTS)}"
        "<!-- END generated: fault-count --> bugs\n"
        f"<!-- BEGIN generated: quirk-count -->\n{len(QUIRKS)}\n"
        "<!-- END generated: quirk-count -->\n"
    )
    assert blocks.main(["--check", "--file", str(page)]) == 0


def test_an_unknown_block_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "README.md"
    page.write_text("<!-- BEGIN generated: speed -->9x<!-- END generated: speed -->", "utf-8")
    assert blocks.main(["--check", "--file", str(page)]) == 2
    assert "unknown generated block 'speed'" in capsys.readouterr().err


# A ratio ("250x slower", "1.5x as much") or a number called measured: machine-dependent
# figures, which drift. Hex formats such as ``{code:02x}`` live in code, not in prose.
_MEASURED = re.compile(
    r"\b\d+(?:[.,]\d+)?x\b|\bmeasured\b[^.]{0,20}?\d+(?:[.,]\d+)?\s?(?:x|ms|s|us|%)(?!\w)",
    re.IGNORECASE,
)


def _prose(path: Path) -> list[tuple[int, str]]:
    """The docstrings and comments of a module, with their line numbers."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc and node.body:
                found.append((node.body[0].lineno, doc))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
    return found


SOURCES = sorted(
    path
    for folder in ("conformance", "strategies", "schemas")
    for path in (ROOT / folder).rglob("*.py")
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_docstring_or_comment_states_a_measured_figure(path: Path) -> None:
    stated = [f"{line}: {m[0]!r}" for line, text in _prose(path) for m in _MEASURED.finditer(text)]
    assert not stated, (
        f"{path.relative_to(ROOT)} states measured figures {stated}: point to the bench"
    )


def test_the_figure_finder_finds_figures() -> None:
    assert _MEASURED.search("pure-Python jsonschema measured 250x slower")
    assert _MEASURED.search("an insert cost 1.5x as much")
    assert _MEASURED.search("import (a measured 160 ms)")
    assert not _MEASURED.search("idle keep-alive connections close after 5 s")
    assert not _MEASURED.search("measured, 3 of 3 deep runs lost the check to it")  # a count
