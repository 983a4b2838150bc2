"""Strict JSON input: one behaviour for files, stdin and bodies."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from lotuspay_contract.conformance.validation._json_input import (
    UnreadableInput,
    loads_strict,
    read_json,
)


@pytest.mark.parametrize(
    "text", ["NaN", '{"a": Infinity}', "[-Infinity]", "{", b"\xff", "[" * 100_000]
)
def test_not_json_is_a_value_error(text: str | bytes) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the input
        loads_strict(text)


def test_json_text_and_utf8_bytes_parse() -> None:
    assert (
        loads_strict('{"naam": "आशा"}')
        == loads_strict('{"naam": "आशा"}'.encode())
        == {"naam": "आशा"}
    )


def test_read_json_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnreadableInput, match=r"^cannot read: No such file or directory$"):
        read_json(str(tmp_path / "absent.json"))
    (tmp_path / "nan.json").write_text('{"created": NaN}')
    with pytest.raises(UnreadableInput, match=r"^not JSON: NaN is not valid JSON$"):
        read_json(str(tmp_path / "nan.json"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"ok": true}')))
    assert read_json("-") == {"ok": True}
