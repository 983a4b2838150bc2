"""A hostile server gets clear failures within bounded time: no crash, no hang.

The server is a raw asyncio socket server on 127.0.0.1 in a background thread
(``hostile_server``); each behaviour answers every request the same way.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import always, read_request, serving
from suite_helpers import SECRET_KEY, run_against

_CHECKS = [
    "CUS-HTTP-001",
    "CUS-HTTP-002",
    "CUS-HTTP-004",
    "CUS-ERR-001",
    "CUS-LIST-002",
    "CUS-AUTH-001",
    "CUS-LIST-006",
]


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await asyncio.sleep(3600)


async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n"
        )
        for _ in range(100000):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.2)


async def drip_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # Every byte arrives within the read timeout, so only a deadline on the whole answer ends it.
    await read_request(reader)
    for byte in (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + b"x-pad: " + b"a" * 10000
    ):
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def not_json(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    body = b"<html><body>Service Unavailable</body></html>"
    while True:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        await writer.drain()


async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    size = 50 * 1024 * 1024
    await read_request(reader)
    writer.write(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
        + str(size).encode()
        + b"\r\n\r\n["
    )
    chunk = b"0," * 32768
    for _ in range(size // len(chunk)):
        writer.write(chunk)
        await writer.drain()


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def redirect_loop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await read_request(reader)
        writer.write(b"HTTP/1.1 302 Found\r\nlocation: /v1/customers\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()


@pytest.fixture
def hostile(request: pytest.FixtureRequest) -> Iterator[str]:
    with serving(request.param) as url:
        yield url


@pytest.mark.parametrize(
    ("hostile", "failing", "kind"),
    [
        (hang, "CUS-HTTP-004", "timeout"),
        (drip, "CUS-HTTP-004", "timeout"),
        (drip_headers, "CUS-HTTP-004", "timeout"),
        (huge, "CUS-HTTP-004", "too_large"),
        (reset, "CUS-HTTP-004", "protocol"),
        (not_json, "CUS-HTTP-001", None),
        (redirect_loop, "CUS-HTTP-002", None),
    ],
    indirect=["hostile"],
    ids=["hang", "drip", "drip-headers", "50MB", "reset", "not-json", "redirect-loop"],
)
def test_hostile_server_gets_clear_failures_in_bounded_time(
    hostile: str, failing: str, kind: str | None
) -> None:
    started = time.monotonic()
    result = run_against(hostile, _CHECKS, read_timeout=0.5, deadline=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"the run took {elapsed:.1f} s"
    assert result.exit_code == 1
    verdicts = {r.check.id: r for r in result.results}
    assert verdicts[failing].status == "failed"
    finding = verdicts[failing].findings[0]
    assert "Reproduce with:" in str(finding)
    if kind is not None:
        assert finding.rule == kind
        # After three checks in a row without an answer the run stops instead of waiting more.
        assert result.stopped == "not run: the target stopped answering"


# --- the whole CLI run against a hostile server: bounded, safe output, every report written ----

# JSON escapes of a lone surrogate and of control characters, plus a raw right-to-left override.
_POISON = (
    '{"object": "list", "has_more": false, "url": "/v1/customers", "data": '
    '[{"id": "cus_\\ud800", "name": "\\u001b[2J\\u001b]0;owned\\u0007\\u0000'
    '\u202egnp.exe", "x": "\\udfff\\u009b"}]}'
).encode()
surrogates = always("200 OK", _POISON, {"content-type": "application/json"})
# Retry-After of eleven days: only a cap on the wait and a deadline on the run end it.
always_429 = always(
    "429 Too Many Requests",
    b'{"error": {"type": "rate_limit_error", "message": "slow down"}}',
    {"content-type": "application/json", "retry-after": "999999"},
)


_CLI = (sys.executable, "-m", "lotuspay_contract.conformance.cli", "run")


def _reports(tmp_path: Path) -> tuple[list[str], dict[str, Path]]:
    paths = {
        "json": tmp_path / "r.json",
        "junit": tmp_path / "j.xml",
        "html": tmp_path / "r.html",
    }
    argv = ["--report-json", str(paths["json"]), "--junitxml", str(paths["junit"])]
    return [*argv, "--report-html", str(paths["html"])], paths


def assert_reports_written(paths: dict[str, Path]) -> dict[str, str]:
    """Check every report is there and well-formed; return their texts."""
    texts = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    json.loads(texts["json"])
    ET.fromstring(texts["junit"])
    assert texts["html"].rstrip().endswith("</html>")
    return texts


def _run_cli(url: str, *argv: str) -> tuple[int, str, str, float]:
    env = {**os.environ, "LOTUSPAY_API_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    proc = subprocess.run(
        [*_CLI, "--base-url", url, *argv],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    return (
        proc.returncode,
        proc.stdout.decode("utf-8"),  # strict: the output must be valid UTF-8
        proc.stderr.decode("utf-8"),
        elapsed,
    )


@pytest.mark.parametrize("quiet", [False, True], ids=["findings", "quiet"])
def test_surrogates_and_control_characters_neither_crash_nor_reach_the_terminal(
    tmp_path: Path, quiet: bool
) -> None:
    argv, paths = _reports(tmp_path)
    with serving(surrogates) as url:
        code, out, err, _ = _run_cli(
            url,
            "--checks",
            "CUS-HTTP-001,CUS-LIST-002,CUS-SHAPE-001,CUS-LIST-006",
            "--seed",
            "1",
            "--max-duration",
            "30",
            *argv,
            *(["-q"] if quiet else []),
        )
    assert "Traceback" not in err, err
    assert code == 1, out + err
    texts = assert_reports_written(paths)
    for name, text in {"stdout": out, "stderr": err, **texts}.items():
        for raw in ("\x1b", "\x00", "\x07", "\x9b", "\u202e"):
            assert raw not in text, f"{raw!r} reaches {name}"
    # The poison is shown, spelled out, where a finding quotes it.
    assert "\\ud800" in texts["json"] or "\\\\ud800" in texts["json"]
    if not quiet:
        assert "\\x1b" in out or "\\u001b" in out


def test_a_silent_target_ends_at_the_deadline(tmp_path: Path) -> None:
    # A target that never answers holds the first request until the run's deadline, however
    # fast or slow the machine: the cut does not race the clock (an always-429 target would,
    # since its answers come at once).
    argv, paths = _reports(tmp_path)
    with serving(hang) as url:
        code, out, err, _ = _run_cli(
            url, "--tier", "smoke", "--seed", "1", "--max-duration", "2", *argv
        )
    assert code == 1, out + err
    texts = assert_reports_written(paths)
    report = json.loads(texts["json"])
    assert report["max_duration_seconds"] == 2
    assert report["summary"]["not_run_deadline"] >= 1
    assert report["stopped"] == "not run: deadline"
    assert "not run: deadline" in out
    assert '<skipped message="not run: deadline"' in texts["junit"]
    assert "NOT RUN" in texts["html"]


def test_always_429_with_a_huge_retry_after_fails_no_check(tmp_path: Path) -> None:
    # Retry-After of eleven days: the capped wait and the retry budget end the run (the
    # subprocess timeout guards a hang). Every assertion holds at any machine speed: a check the
    # deadline cuts is skipped, a throttled one not exercised, neither failed.
    argv, paths = _reports(tmp_path)
    with serving(always_429) as url:
        code, out, err, _ = _run_cli(
            url, "--tier", "smoke", "--seed", "1", "--max-duration", "2", *argv
        )
    assert "Traceback" not in err, err
    assert code in (0, 1), out + err  # 1 only if the deadline cut a check
    report = json.loads(assert_reports_written(paths)["json"])
    assert report["summary"]["failed"] == 0, out
    assert report["summary"]["error"] == 0, out
    throttled = [c for c in report["checks"] if (c.get("reason") or "").startswith("rate limited")]
    assert throttled, out
    assert {c["status"] for c in throttled} == {"not_exercised"}
    assert "--rate-limit" in out
    assert any("429" in notice for notice in report["notices"])


def test_sigterm_stops_the_run_and_writes_every_report(tmp_path: Path) -> None:
    argv, paths = _reports(tmp_path)
    env = {**os.environ, "LOTUSPAY_API_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1"}
    with serving(always_429) as url:
        proc = subprocess.Popen(
            [*_CLI, "--base-url", url, "--tier", "standard", "--max-duration", "300", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            assert proc.stdout is not None
            header = proc.stdout.readline()  # printed once the run has started
            assert header.startswith(b"lotuspay-contract run"), header
            time.sleep(0.5)
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
            stop_time = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert stop_time < 10, f"took {stop_time:.1f} s to stop"
    assert proc.returncode == 2, (out + err).decode()
    assert b"Traceback" not in err, err.decode()
    texts = assert_reports_written(paths)
    assert json.loads(texts["json"])["stopped"] == "not run: interrupted"
    for name, text in texts.items():
        assert SECRET_KEY.removeprefix("sk_test_") not in text, name


def test_plugin_survives_surrogates_and_writes_its_reports(pytester: pytest.Pytester) -> None:
    paths = {
        "json": pytester.path / "r.json",
        "junit": pytester.path / "j.xml",
        "html": pytester.path / "r.html",
    }
    with serving(surrogates) as url:
        result = pytester.runpytest(
            "--lotuspay-url",
            url,
            "--lotuspay-key",
            SECRET_KEY,
            "--lotuspay-tier",
            "smoke",
            "--lotuspay-max-duration",
            "1",
            "--lotuspay-report-json",
            str(paths["json"]),
            "--lotuspay-report-html",
            str(paths["html"]),
            "--junitxml",
            str(paths["junit"]),
            "-p",
            "no:randomly",
            "-k",
            "HTTP-001 or LIST-002 or SHAPE or FUZZ or STATE",
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    texts = assert_reports_written(paths)
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    for name, text in {"output": output, **texts}.items():
        for raw in ("\x1b", "\x00", "\u202e"):
            assert raw not in text, f"{raw!r} reaches {name}"


def test_plugin_cuts_at_its_deadline_and_fails_the_session(pytester: pytest.Pytester) -> None:
    # A silent target: the deadline, not the machine's speed, ends the session (see above).
    report = pytester.path / "r.json"
    with serving(hang) as url:
        result = pytester.runpytest(
            "--lotuspay-url",
            url,
            "--lotuspay-key",
            SECRET_KEY,
            "--lotuspay-tier",
            "smoke",
            "--lotuspay-max-duration",
            "0.5",
            "--lotuspay-report-json",
            str(report),
            "-p",
            "no:randomly",
            "-rs",
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*not run: deadline*"])
    assert json.loads(report.read_text())["summary"]["not_run_deadline"] >= 1
