"""Resource limits: slow, greedy and vanishing clients cannot hold the mock (loopback, bounded).

Each test serves the mock with small limits (:class:`ServerLimits`) so that a deadline passes in
about half a second; waits are bounded by ``WAIT``, far above the limit, so a slow machine
cannot make a test fail, only a limit that does not hold.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator

import pytest
from mock_support import TEST_KEY
from test_bad_input import AUTH, exchange, http

from lotuspay_contract.conformance.mock._server import ServerLimits, running_mock

WAIT = 10.0  # the most any test waits for the server to act
SHORT = ServerLimits(request_timeout=0.5, keep_alive_timeout=0.5, max_header_bytes=4096)


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=WAIT)


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes; the seconds that took."""
    started = time.monotonic()
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - started


def json_error(answer: bytes, status: int) -> dict[str, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), answer[:300]
    assert b"content-type: application/json" in head.lower(), head
    error: dict[str, object] = json.loads(body)["error"]
    return error


@pytest.fixture
def short_mock() -> Iterator[str]:
    with running_mock(limits=SHORT, accept_any_key=True) as url:
        yield url


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logs() -> Iterator[list[logging.LogRecord]]:
    """Records of the mock's and uvicorn's loggers (uvicorn's do not propagate to the root)."""
    handler = Records()
    loggers = [logging.getLogger(n) for n in ("lotuspay_contract.mock", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.records
    for logger in loggers:
        logger.removeHandler(handler)


def test_an_idle_connection_gets_408_and_is_closed(short_mock: str) -> None:
    with connect(short_mock) as sock:
        answer, seconds = read_until_closed(sock)
    assert "did not arrive completely" in str(json_error(answer, 408)["message"])
    assert seconds < WAIT


def test_a_drip_fed_header_gets_408(short_mock: str) -> None:
    with connect(short_mock) as sock:
        sock.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        deadline = time.monotonic() + WAIT
        sock.settimeout(0.1)
        answer = b""
        while time.monotonic() < deadline and not answer:
            try:
                sock.sendall(b"a")
                answer = sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
    json_error(answer, 408)


def test_a_drip_fed_body_gets_408_and_one_log_line(
    short_mock: str, logs: list[logging.LogRecord]
) -> None:
    with connect(short_mock) as sock:
        head = http(body=b"{}", headers=[(b"Content-Length", b"100")], length=False)
        sock.sendall(head[:-2])  # the headers and no body
        answer, _ = read_until_closed(sock)
    json_error(answer, 408)
    _wait_for(lambda: any(r.name == "lotuspay_contract.mock" for r in logs))
    assert [r.exc_info for r in logs] == [None] * len(logs)


def test_an_idle_keep_alive_connection_is_closed(short_mock: str) -> None:
    with connect(short_mock) as sock:
        request = http("GET", "/v1/customers").replace(b"Connection: close", b"X-A: b")
        sock.sendall(request)
        answer, seconds = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert seconds < WAIT


def _keep_alive(method: str = "GET") -> bytes:
    return http(method, "/v1/customers").replace(b"Connection: close", b"X-A: b")


def _answers(sock: socket.socket, count: int) -> list[bytes]:
    """Read ``count`` whole answers (each a JSON body with a Content-Length) from ``sock``."""
    data, answers = b"", []
    while len(answers) < count:
        head, sep, rest = data.partition(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n")
             if line.lower().startswith(b"content-length:")), None)  # fmt: skip
        if sep and length is not None and len(rest) >= length:
            answers.append(head.split(b"\r\n")[0])
            data = rest[length:]
            continue
        chunk = sock.recv(65536)
        assert chunk, (answers, data[:200])
        data += chunk
    return answers


def test_a_steady_keep_alive_client_is_never_cut(short_mock: str) -> None:
    """Requests on one connection for three deadlines in all, each arriving whole: no 408
    (the connection's one timer is set again for each request that begins)."""
    with connect(short_mock) as sock:
        started = time.monotonic()
        sent = 0
        while time.monotonic() - started < 3 * SHORT.request_timeout:
            sock.sendall(_keep_alive())
            sent += 1
            assert _answers(sock, 1) == [b"HTTP/1.1 200 OK"]
            time.sleep(SHORT.request_timeout / 4)
    assert sent >= 6


def test_a_later_request_gets_its_own_time_then_408(short_mock: str) -> None:
    """The deadline runs from each request's first byte, not from the connection's opening."""
    with connect(short_mock) as sock:
        sock.sendall(_keep_alive())
        assert _answers(sock, 1) == [b"HTTP/1.1 200 OK"]
        time.sleep(SHORT.request_timeout * 0.6)  # most of the first timer's time has passed
        sock.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        answer, seconds = read_until_closed(sock)
    json_error(answer, 408)
    assert SHORT.request_timeout * 0.8 < seconds < WAIT


@pytest.mark.parametrize(
    ("second", "status"),
    [
        (b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 5000 + b"\r\n\r\n", 431),
        (b"GET /v1/customers HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
    ],
)
def test_a_later_request_refused_by_the_protocol_gets_its_json_answer(
    short_mock: str, second: bytes, status: int
) -> None:
    with connect(short_mock) as sock:
        sock.sendall(_keep_alive())
        assert _answers(sock, 1) == [b"HTTP/1.1 200 OK"]
        sock.sendall(second)
        answer, _ = read_until_closed(sock)
    json_error(answer, status)


def test_a_huge_unterminated_header_gets_431_early(short_mock: str) -> None:
    """Past the cap the server answers at once: it never waits for the header to end."""
    with connect(short_mock) as sock:
        sock.sendall(b"GET /v1/customers HTTP/1.1\r\nX-Big: ")
        # Past the 4 KB cap and never a line end; then nothing more, so no reset can discard
        # the answer (bytes sent after the server closed would make the kernel reset).
        sock.sendall(b"a" * 6 * 1024)
        answer, _ = read_until_closed(sock)
    assert answer is not None, "no answer to an unterminated header past the cap"
    assert "larger than 4096 bytes" in str(json_error(answer, 431)["message"])


def test_a_large_header_in_one_piece_gets_431(short_mock: str) -> None:
    raw = http("GET", "/v1/customers", headers=[(b"X-Big", b"a" * 5000)])
    answer = exchange(short_mock, raw)
    assert answer is not None
    assert answer.status == 431
    assert answer.headers["content-type"] == "application/json"


def test_beyond_max_connections_a_client_gets_a_json_503() -> None:
    limits = ServerLimits(request_timeout=WAIT, max_connections=4)
    with running_mock(limits=limits, accept_any_key=True) as url:
        idle = [connect(url) for _ in range(4)]
        try:
            time.sleep(0.2)  # let the server accept them
            answer = exchange(url, http("GET", "/v1/customers"))
            assert answer is not None
            assert answer.status == 503
            assert answer.headers["retry-after"] == "1"
            assert "at most 4 connections" in json.loads(answer.body)["error"]["message"]
            # An over-limit connection that sends nothing is answered and closed quickly.
            with connect(url) as extra:
                data, seconds = read_until_closed(extra)
            json_error(data, 503)
            assert seconds < WAIT
            # The admitted connections are still served.
            idle[0].sendall(http("GET", "/v1/customers"))
            served, _ = read_until_closed(idle[0])
            assert served.startswith(b"HTTP/1.1 200 ")
        finally:
            for sock in idle:
                sock.close()
        _wait_for(lambda: (a := exchange(url, http("GET", "/v1/customers"))) and a.status == 200)


def test_disconnects_mid_body_log_one_line_each(
    short_mock: str, logs: list[logging.LogRecord]
) -> None:
    clients = 20
    for _ in range(clients):
        with connect(short_mock) as sock:
            head = http(body=b"{}", headers=[(b"Content-Length", b"1000")], length=False)
            sock.sendall(head[:-2] + b'{"name": "a')
            time.sleep(0.01)  # the app is reading the body
    _wait_for(lambda: sum(r.name == "lotuspay_contract.mock" for r in logs) >= clients)
    mine = [r for r in logs if r.name == "lotuspay_contract.mock"]
    assert len(mine) == clients
    assert all("disconnected before sending the whole body" in r.getMessage() for r in mine)
    assert [r for r in logs if r.exc_info or "Exception" in r.getMessage()] == []
    assert all("\n" not in r.getMessage() for r in logs)
    # The key never appears in the log.
    assert all(TEST_KEY not in r.getMessage() and AUTH.decode() not in r.getMessage() for r in logs)


def test_a_forwarded_for_header_does_not_rename_the_client_in_the_log(
    short_mock: str, logs: list[logging.LogRecord]
) -> None:
    """No proxy stands in front of the mock: the peer is the client, whatever a header says."""
    with connect(short_mock) as sock:
        forwarded = [(b"Content-Length", b"1000"), (b"X-Forwarded-For", b"203.0.113.9")]
        sock.sendall(http(body=b"{}", headers=forwarded, length=False)[:-2] + b'{"name": "a')
        time.sleep(0.01)  # the app is reading the body
    _wait_for(lambda: any(r.name == "lotuspay_contract.mock" for r in logs))
    [line] = [r.getMessage() for r in logs if r.name == "lotuspay_contract.mock"]
    assert line.startswith("127.0.0.1:"), line
    assert "203.0.113.9" not in line


def _wait_for(condition: object) -> None:
    assert callable(condition)
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.02)


def test_the_cli_takes_the_limits() -> None:
    from test_server import cli_mock

    with cli_mock("--request-timeout", "0.5", "--max-header-bytes", "2048") as (url, _):
        with connect(url) as sock:
            answer, _ = read_until_closed(sock)
        json_error(answer, 408)
        big = exchange(url, http("GET", "/v1/customers", headers=[(b"X-Big", b"a" * 3000)]))
        assert big is not None
        assert big.status == 431
