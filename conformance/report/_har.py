"""A run's traffic as a HAR 1.2 file, for replaying a failure offline (``validate --har``).

:class:`HarRecorder` keeps each exchange as the client hands it over (an append under a lock:
recording costs next to nothing and is safe from any thread, so ``run --jobs`` records every
thread's traffic) and builds the HAR only when it is written, its entries by start time. It
keeps the first :data:`MAX_ENTRIES` exchanges and at most :data:`MAX_BODY_BYTES` of bodies; what
it dropped is said in ``log.comment``.

The key is in the file in no form: the ``Authorization`` header is written masked
(``Basic ****``, its comment naming the key's mode), and each entry, as ASCII JSON text, goes
through :func:`redact`, which masks the run's keys in every encoding a server could echo. Bodies
are written as they came unless they held a key (masked), request bodies up to
:data:`MAX_REQUEST_TEXT` bytes (the entry's comment says when one was cut); an answer that is not
UTF-8 is written in base64, as HAR allows. The HTTP version is httpx's: HTTP/1.1.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import importlib.metadata
import json
import os
import threading
import time
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import httpx

from ..client import Exchange, TargetError, observe_exchanges
from ..redact import redact, redact_data

__all__ = ["MAX_BODY_BYTES", "MAX_ENTRIES", "MAX_REQUEST_TEXT", "HarRecorder", "check_writable"]

MAX_ENTRIES: Final = 20_000
MAX_BODY_BYTES: Final = 256 * 1024 * 1024
#: A request body is written up to this many bytes (CUS-ROB-004 sends 8 MB of filler); answers,
#: which ``validate --har`` judges, are written whole (the client caps them at 5 MB).
MAX_REQUEST_TEXT: Final = 64 * 1024
_HTTP_VERSION: Final = "HTTP/1.1"


def check_writable(path: str | Path) -> None:
    """Raise OSError unless a file can be written at ``path`` (nothing is created)."""
    target = Path(path)
    parent = target.parent
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {target}: it is a directory")
    if not parent.is_dir():
        raise FileNotFoundError(f"cannot write {target}: no directory {parent}")
    if not os.access(target if target.exists() else parent, os.W_OK):
        raise PermissionError(f"cannot write {target}: permission denied")


class HarRecorder:
    """Collects a run's exchanges; :meth:`write` saves them as HAR 1.2.

    Records every exchange of the process between :meth:`start` and :meth:`stop` (or within
    ``with recorder:``); :meth:`record` can also be handed to ``observe_exchanges`` directly.

    >>> with HarRecorder(secrets=[key]) as recorder:  # doctest: +SKIP
    ...     result = run_suite(settings)
    >>> recorder.write("run.har", comment=f"run {settings.run_id}")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        secrets: Iterable[str | None] = (),
        max_entries: int = MAX_ENTRIES,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.secrets = tuple(s for s in secrets if s)
        #: Where the HAR is to be written, when the recorder was made by :meth:`for_path`.
        self.path = ""
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.dropped = 0
        self._body_bytes = 0
        self._kept: list[tuple[Exchange, float, str | None]] = []
        self._lock = threading.Lock()
        self._observing = contextlib.ExitStack()
        self._recording = False

    @classmethod
    def for_path(cls, path: str, secrets: Iterable[str | None]) -> HarRecorder:
        """Return a recorder, recording, whose HAR is to be written at ``path`` (its ``path``).

        Raises OSError, before recording anything, when ``path`` cannot be written.
        """
        check_writable(path)
        recorder = cls(secrets=secrets)
        recorder.path = path
        return recorder.start()

    def start(self) -> HarRecorder:
        """Start recording every exchange of every client of the process; return self."""
        if not self._recording:
            self._observing.enter_context(observe_exchanges(self.record))
            self._recording = True
        return self

    def stop(self) -> None:
        """Stop recording (what was recorded is kept)."""
        self._observing.close()
        self._recording = False

    def __enter__(self) -> HarRecorder:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def record(self, exchange: Exchange, error: TargetError | None = None) -> None:
        """Keep ``exchange`` (ended by ``error`` if it had no answer), unless a cap is reached."""
        finished = time.time()
        size = len(exchange.content) + len(exchange.request_body or b"")
        reason = None if error is None else f"{error.kind}: {error}"
        with self._lock:
            if len(self._kept) >= self.max_entries or self._body_bytes + size > self.max_body_bytes:
                self.dropped += 1
                return
            self._body_bytes += size
            self._kept.append((exchange, finished - exchange.elapsed, reason))

    def __len__(self) -> int:
        return len(self._kept)

    def render(self, comment: str = "") -> str:
        """Return the HAR document of what was recorded so far as JSON text, keys masked."""
        with self._lock:
            kept, dropped = list(self._kept), self.dropped
        # By start time, as HAR orders entries: with run --jobs, exchanges of several threads
        # finish (and are kept) out of the order they started in. Stable: a serial run's order.
        kept.sort(key=lambda each: each[1])
        notes = [comment] if comment else []
        if dropped:
            notes.append(
                f"{dropped} later exchange(s) not recorded: the recording keeps the first "
                f"{self.max_entries} and at most {self.max_body_bytes} bytes of bodies"
            )
        head = {
            "version": "1.2",
            "creator": {"name": "lotuspay-contract", "version": _version()},
            "comment": "; ".join(notes),
        }
        entries = ",\n".join(self._masked(_entry(*each)) for each in kept)
        return f'{{"log": {self._masked(head)[:-1]}, "entries": [\n{entries}\n]}}}}'

    def _masked(self, data: dict[str, Any]) -> str:
        """Return ``data`` as one line of ASCII JSON with the keys masked in every form.

        One redact() of the ASCII text: every character a body may hold is a \\u escape by then,
        so masking leaves each body exactly as it came. An entry at a time: redact's slower
        passes run only on the few entries that look like they hold a key.
        """
        text = json.dumps(data, ensure_ascii=True)
        masked = redact(text, self.secrets)
        if masked != text:
            try:  # a mask may have eaten into an escape (the key's base64 right after a "\n")
                json.loads(masked)
            except ValueError:  # then string by string: always JSON, if less faithful
                masked = json.dumps(redact_data(data, self.secrets))
        return masked

    def write(self, path: str | Path, *, comment: str = "") -> None:
        """Write the HAR document to ``path``."""
        Path(path).write_text(self.render(comment) + "\n", encoding="ascii")

    def write_report(self, report: dict[str, Any], path: str | Path) -> None:
        """Write the HAR to ``path``, saying in its comment which run (``report_data``) it is."""
        comment = (
            f"lotuspay-contract run {report.get('run_id')}: tier {report.get('tier')}, "
            f"seed {report.get('seed')}, target {report.get('target')}"
        )
        self.write(path, comment=comment)


def _version() -> str:
    try:
        return importlib.metadata.version("lotuspay-contract")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _entry(exchange: Exchange, started: float, error: str | None) -> dict[str, Any]:
    milliseconds = round(exchange.elapsed * 1000, 3)
    when = datetime.datetime.fromtimestamp(started, datetime.timezone.utc)
    entry: dict[str, Any] = {
        "startedDateTime": when.isoformat(timespec="milliseconds"),
        "time": milliseconds,
        "request": _request(exchange),
        "response": _response(exchange, error),
        "cache": {},
        "timings": {"send": 0, "wait": milliseconds, "receive": 0},
    }
    notes = []
    if exchange.attempts > 1:
        notes.append(f"answered at attempt {exchange.attempts} (429/503 retried)")
    if error is not None:
        notes.append(f"no usable answer: {error}")
    if len(exchange.request_body or b"") > MAX_REQUEST_TEXT:
        notes.append(
            f"request body of {len(exchange.request_body or b'')} bytes: first "
            f"{MAX_REQUEST_TEXT} kept"
        )
    if notes:
        entry["comment"] = "; ".join(notes)
    return entry


def _masked_authorization(exchange: Exchange, value: str | None) -> str:
    if value is None:
        return "Basic ****"  # what httpx sent: base64 of "key:"; the mode is in the comment
    scheme, _, rest = value.strip().partition(" ")
    return f"{scheme} ****" if rest else "****"


def _request(exchange: Exchange) -> dict[str, Any]:
    headers = []
    sent_authorization = False
    for name, value in exchange.request_headers.items():
        if name.lower() == "authorization":
            sent_authorization = True
            value = _masked_authorization(exchange, value)
        headers.append({"name": name, "value": value})
    if exchange.masked_key is not None and not sent_authorization:
        mode = f"{exchange.key_mode} mode key" if exchange.key_mode else "key without a mode prefix"
        value = _masked_authorization(exchange, None)
        headers.append({"name": "Authorization", "value": value, "comment": f"masked: {mode}"})
    url = exchange.url
    if exchange.params:
        url += "?" + urllib.parse.urlencode(exchange.params)
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": url,
        "httpVersion": _HTTP_VERSION,
        "cookies": [],
        "headers": headers,
        "queryString": [{"name": k, "value": v} for k, v in exchange.params],
        "headersSize": -1,
        "bodySize": len(exchange.request_body or b""),
    }
    body = exchange.request_body
    if body is not None:
        media = next(
            (v for k, v in exchange.request_headers.items() if k.lower() == "content-type"), ""
        )
        text = body[:MAX_REQUEST_TEXT].decode("utf-8", errors="replace")
        request["postData"] = {"mimeType": media, "text": text}
    return request


def _response(exchange: Exchange, error: str | None) -> dict[str, Any]:
    if error is not None:  # no usable answer (an earlier attempt's 429 is not this one's)
        return {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": error,
        }
    content: dict[str, Any] = {
        "size": len(exchange.content),
        "mimeType": exchange.headers.get("content-type", ""),
    }
    if exchange.content:
        try:
            content["text"] = exchange.content.decode("utf-8")
        except UnicodeDecodeError:
            content["text"] = base64.b64encode(exchange.content).decode("ascii")
            content["encoding"] = "base64"
    return {
        "status": exchange.status,
        "statusText": httpx.codes.get_reason_phrase(exchange.status),
        "httpVersion": _HTTP_VERSION,
        "cookies": [],
        "headers": [{"name": k, "value": v} for k, v in exchange.headers.multi_items()],
        "content": content,
        "redirectURL": exchange.headers.get("location", ""),
        "headersSize": -1,
        # The body as received is unknown when it came compressed: httpx decoded it.
        "bodySize": -1 if "content-encoding" in exchange.headers else len(exchange.content),
    }
