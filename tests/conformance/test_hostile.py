"""A hostile server gets clear failures within bounded time: no crash, no hang.

The server is a raw asyncio socket server on 127.0.0.1 in a background thread (test-only); each
behaviour answers every request the same way.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Iterator

import pytest
from suite_helpers import run_against

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
_CHECKS = [
    "CUS-HTTP-001",
    "CUS-HTTP-002",
    "CUS-HTTP-004",
    "CUS-ERR-001",
    "CUS-LIST-002",
    "CUS-AUTH-001",
    "CUS-LIST-006",
]


async def _read_request(reader: asyncio.StreamReader) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    await asyncio.sleep(3600)


async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await _read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n"
        )
        for _ in range(100000):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.2)


async def drip_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # Every byte arrives within the read timeout, so only a deadline on the whole answer ends it.
    await _read_request(reader)
    for byte in (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + b"x-pad: " + b"a" * 10000
    ):
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def not_json(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    body = b"<html><body>Service Unavailable</body></html>"
    while True:
        await _read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        await writer.drain()


async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    size = 50 * 1024 * 1024
    await _read_request(reader)
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
    await _read_request(reader)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def redirect_loop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 302 Found\r\nlocation: /v1/customers\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()


def _quietly(behaviour: Behaviour) -> Behaviour:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await behaviour(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.transport.abort()

    return handle


@pytest.fixture
def hostile(request: pytest.FixtureRequest) -> Iterator[str]:
    behaviour: Behaviour = request.param
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, asyncio.Server] = {}

    async def start() -> None:
        holder["server"] = await asyncio.start_server(_quietly(behaviour), "127.0.0.1", 0)
        ready.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True
    )
    thread.start()
    assert ready.wait(5)
    port = holder["server"].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"

    async def shutdown() -> None:
        holder["server"].close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


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
