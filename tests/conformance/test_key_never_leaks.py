"""No artifact of a run holds the API key, in any form a server could echo it.

Against the mock (with and without faults), and against a server on 127.0.0.1 that echoes the
key it received in every form (raw, cased, split, prefix-stripped, URL-encoded, hex, base64 of
``key:`` and ``key`` in both alphabets, padded or not, inside longer blobs at each alignment),
in bodies and headers: stdout, stderr, the JSON, JUnit and HTML reports are scanned for all of
them, for the CLI ``run`` and for the pytest plugin.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import urllib.parse
from pathlib import Path

import pytest
from hostile_server import answer, read_request, serving
from suite_helpers import SECRET_KEY

from lotuspay_contract.conformance.cli._main import main

SUFFIX = SECRET_KEY.removeprefix("sk_test_")


@pytest.mark.parametrize("fault", [None, "errors_plain_text", "accounts_shared"])
def test_no_artifact_holds_the_key(
    fault: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOTUSPAY_API_KEY", SECRET_KEY)
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    argv = [
        "run",
        "--tier",
        "smoke",
        "--seed",
        "3",
        "--report-json",
        str(report),
        "--junitxml",
        str(junit),
        "--checks",
        "transport,shape,auth,lists,errors",
    ]
    if fault:
        argv += ["--mock-fault", fault]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == (1 if fault else 0)
    artifacts = {
        "stdout": out,
        "stderr": err,
        "json": report.read_text(),
        "junit": junit.read_text(),
    }
    for name, text in artifacts.items():
        assert not leaks(text), f"the key leaks into {name}: {leaks(text)}"
    if fault:
        assert "sk_test_****" in artifacts["json"]  # curl lines are there, masked


# --- every form a server could echo ----------------------------------------------------------


def echo_forms(key: str) -> list[str]:
    """Return the forms of ``key`` an echoing server sends back."""
    suffix = key.removeprefix("sk_test_")
    forms = [
        key,
        key.upper(),
        key.lower(),
        suffix,
        suffix.upper(),
        key.replace("_", "-"),
        key.replace("_", " "),
        f"sk_test {suffix}",
        f"key={suffix}",
        urllib.parse.quote(key + ":", safe=""),
        urllib.parse.quote_plus(f"Basic {key}:"),
        "".join(f"%{b:02X}" for b in key.encode()),
        key.encode().hex(),
    ]
    for data in (key + ":", key, suffix):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(data.encode()).decode()
            forms += [encoded, encoded.rstrip("=")]
            for before in ("a", "ab", "abc"):  # inside a longer blob, at each alignment
                forms.append(encode(f'{{"{before}": "{data}", "n": 1}}'.encode()).decode())
    forms.append("Basic " + base64.b64encode(f"{key}:".encode()).decode())
    return forms


def _base64_inner(data: bytes) -> set[str]:
    """Base64 characters only ``data`` determines, at each alignment, one spare each side."""
    found = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\xff" * offset + data + b"\xff\xff\xff").decode()
        start = (8 * offset + 5) // 6 + 1
        stop = 8 * (offset + len(data)) // 6 - 1
        found |= {encoded[start:stop], encoded[start:stop].translate(str.maketrans("+/", "-_"))}
    return found


_FOLDED = [SUFFIX.lower(), SUFFIX.encode().hex(), "".join(f"%{b:02x}" for b in SUFFIX.encode())]
_BASE64 = set().union(*(_base64_inner(v.encode()) for v in (SUFFIX, SUFFIX.upper())))


def leaks(text: str) -> list[str]:
    """Return the forms of the key found in ``text``."""
    lowered = text.lower()
    return [f for f in _FOLDED if f in lowered] + [f for f in _BASE64 if f in text]


def test_the_scan_sees_every_echoed_form() -> None:
    # The scan must be able to fail: each form the server sends is one it finds.
    for form in echo_forms(SECRET_KEY):
        assert leaks(f"x {form} y"), form


async def echo_the_key(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer each request with the next form of the key it was sent, in body and headers."""
    counter = itertools.count()
    while True:
        head = await read_request(reader)
        auth = ""
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"authorization:"):
                auth = line.split(b":", 1)[1].strip().decode("latin-1")
        try:
            key = base64.b64decode(auth.removeprefix("Basic ")).decode().rstrip(":")
        except (binascii.Error, UnicodeDecodeError):
            key = ""
        forms = echo_forms(key) if key.startswith("sk_test_") else ["no key"]
        n = next(counter)
        form = forms[n % len(forms)]
        headers = {
            "x-echo-authorization": auth or "none",
            "x-echo": form,
            "www-authenticate": f'Basic realm="{form}"',
        }
        if n % 2:
            body = json.dumps(
                {"object": "list", "data": [{"id": form, "name": form}], "has_more": False}
            ).encode()
            headers["content-type"] = f"application/json; echo={form.replace(' ', '+')}"
        else:
            body = f"ECHO {form} ECHO".encode()
            headers["content-type"] = "text/plain"
        writer.write(answer("200 OK", body, headers))
        await writer.drain()


def _scan(artifacts: dict[str, str]) -> None:
    for name, text in artifacts.items():
        assert not leaks(text), f"the key leaks into {name}: {leaks(text)}"


def test_cli_run_against_a_key_echoing_server_leaks_no_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTUSPAY_API_KEY", SECRET_KEY)
    paths = {"json": tmp_path / "r.json", "junit": tmp_path / "j.xml", "html": tmp_path / "r.html"}
    with serving(echo_the_key) as url:
        argv = ["run", "--base-url", url, "--tier", "smoke", "--seed", "3", "--max-duration", "20"]
        for option, name in (("--report-json", "json"), ("--junitxml", "junit")):
            argv += [option, str(paths[name])]
        code = main([*argv, "--report-html", str(paths["html"])])
    out, err = capsys.readouterr()
    assert code == 1
    artifacts = {"stdout": out, "stderr": err}
    artifacts |= {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    assert "ECHO" in artifacts["json"]  # what the server echoed did reach the report
    _scan(artifacts)


def test_plugin_against_a_key_echoing_server_leaks_no_form(pytester: pytest.Pytester) -> None:
    paths = {
        "json": pytester.path / "r.json",
        "junit": pytester.path / "j.xml",
        "html": pytester.path / "r.html",
    }
    with serving(echo_the_key) as url:
        result = pytester.runpytest(
            "--lotuspay-url",
            url,
            "--lotuspay-key",
            SECRET_KEY,
            "--lotuspay-tier",
            "smoke",
            "--lotuspay-seed",
            "3",
            "--lotuspay-max-duration",
            "20",
            "--lotuspay-report-json",
            str(paths["json"]),
            "--lotuspay-report-html",
            str(paths["html"]),
            "--junitxml",
            str(paths["junit"]),
            "-p",
            "no:randomly",
            "-rA",
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    artifacts = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    artifacts |= {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    assert "ECHO" in artifacts["json"]
    _scan(artifacts)
