"""Against the clean mock the suite finds nothing, default and strict; the CLI agrees."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from suite_helpers import run_against

from lotuspay_contract.conformance.cli._main import main


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_smoke_tier_has_zero_findings(clean_mock: str, strict: bool) -> None:
    result = run_against(clean_mock, strict=strict)
    findings = [str(f) for r in result.results for f in r.findings]
    assert findings == []
    assert result.exit_code == 0
    statuses = {r.check.id: r.status for r in result.results}
    assert statuses.pop("CUS-AUTH-004") == "skipped"  # needs a live key
    assert set(statuses.values()) == {"passed"}


def test_live_key_runs_the_separation_check(clean_mock: str) -> None:
    result = run_against(
        clean_mock, ["CUS-AUTH-004", "CUS-SEM-001"], live_key="sk_live_SeParAtIoN0123456789"
    )
    assert [(r.check.id, r.status) for r in result.results] == [
        ("CUS-SEM-001", "passed"),
        ("CUS-AUTH-004", "passed"),
    ]


def test_live_key_refuses_writes_up_front(clean_mock: str) -> None:
    from suite_helpers import settings_for

    from lotuspay_contract.conformance.suite._runner import run_suite, select_checks

    settings = settings_for(clean_mock)
    live = type(settings)(**{**settings.__dict__, "api_key": "sk_live_NoWrItEs0123456789"})
    result = run_suite(live, checks=select_checks(["CUS-RT-001", "CUS-ERR-001"], "smoke"))
    assert result.notices
    assert "--allow-live" in result.notices[0]
    statuses = {r.check.id: (r.status, r.reason) for r in result.results}
    assert statuses["CUS-RT-001"] == ("skipped", "writes refused with a live key")
    assert statuses["CUS-ERR-001"][0] == "passed"


def test_cli_run_embedded_mock_writes_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    code = main(
        [
            "run",
            "--tier",
            "smoke",
            "--seed",
            "7",
            "--checks",
            "lists,transport",
            "--report-json",
            str(report),
            "--junitxml",
            str(junit),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "(embedded mock)" in out
    assert "passed" in out.splitlines()[-1]
    data = json.loads(report.read_text())
    assert data["seed"] == 7
    assert data["tier"] == "smoke"
    assert data["verdict"] == "pass"
    assert data["summary"]["failed"] == 0
    assert {c["id"] for c in data["checks"]} >= {"CUS-LIST-003", "CUS-HTTP-001"}
    xml = junit.read_text()
    assert '<property name="check_id" value="CUS-LIST-003" />' in xml
    assert '<property name="level" value="MUST" />' in xml


def test_cli_fails_with_a_mock_fault(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--checks", "CUS-LIST-001", "--mock-fault", "list_oldest_first"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL   CUS-LIST-001" in out
    assert "Reproduce with:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--checks", "CUS-NOPE-001"], "unknown check CUS-NOPE-001"),
        (["--seed", "x"], "--seed: the seed is a whole number from 0 to 2**63 - 1, got 'x'"),
        (["--base-url", "ftp://x"], "must start with http://"),
        (["--mock-fault", "no_such_fault"], "unknown mock fault no_such_fault"),
    ],
)
def test_cli_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["run", *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err


def test_cli_unreachable_target_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lotuspay_contract.conformance.mock._server import bind_socket

    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on that port now
    monkeypatch.setenv("LOTUSPAY_API_KEY", "sk_test_unreachable0123456789")
    code = main(["run", "--base-url", f"http://127.0.0.1:{port}", "--tier", "smoke"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "target unreachable" in err
    assert "Traceback" not in err


# -- legal variations: what the docs leave free is never a MUST failure ----------------------


def _json_response(status: int, body: object, like: httpx.Response | None = None) -> httpx.Response:
    headers = {k: v for k, v in (like.headers.items() if like else []) if k.lower() not in _SIZED}
    headers["content-type"] = "application/json"
    return httpx.Response(status, headers=headers, content=json.dumps(body).encode())


_SIZED = {"content-length", "content-encoding", "content-type"}


class LegalVariations(httpx.AsyncBaseTransport):
    """Forwards every request to the real mock over loopback, varying what the contract leaves
    free: the PAN taken as ``id`` (``identification`` refused as unknown), creates answered
    201, errors without ``param``, ``metadata: null`` for an empty map, customers of the same second listed in reverse creation
    order, pages numbered from 0, an arbitrary string as id answered 400."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "GET" and "/v1/customers/" in path and "-" in path.rsplit("/", 1)[1]:
            error = {"type": "invalid_request_error", "message": "malformed id"}
            return _json_response(400, {"error": error})
        if request.method == "POST" and path == "/v1/customers":
            body = json.loads(request.content or b"{}") if b"{" in request.content[:1] else None
            if isinstance(body, dict) and "identification" in body:
                error = {
                    "type": "invalid_request_error",
                    "message": "unknown parameter",
                    "param": "identification",
                }
                return _json_response(400, {"error": error})
            if isinstance(body, dict) and "id" in body:
                body["identification"] = body.pop("id")
                request = self._with(request, content=json.dumps(body).encode())
        page = request.url.params.get("page")
        if page is not None and page.lstrip("-").isdigit():  # our page N is the mock's N + 1
            request = self._with(request, url=request.url.copy_set_param("page", int(page) + 1))
        response = await self._inner.handle_async_request(request)
        raw = await response.aread()
        try:
            body = json.loads(raw)
        except ValueError:
            return httpx.Response(response.status_code, headers=response.headers, content=raw)
        status = response.status_code
        if request.method == "POST" and status == 200:
            status = 201
        for each in [body, *(body.get("data") or [] if isinstance(body, dict) else [])]:
            customer = isinstance(each, dict) and each.get("object") == "customer"
            if customer and each.get("metadata") == {}:
                each["metadata"] = None  # null for an empty map [conv]
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            body["error"].pop("param", None)
        if (
            isinstance(body, dict)
            and isinstance(body.get("data"), list)
            and path == "/v1/customers"
        ):
            stamp = {id(c): c.get("created", 0) for c in body["data"]}
            body["data"] = sorted(reversed(body["data"]), key=lambda c: -stamp[id(c)])
        return _json_response(status, body, response)

    @staticmethod
    def _with(request: httpx.Request, **changes: object) -> httpx.Request:
        content = changes.get("content", request.content)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        return httpx.Request(
            request.method,
            changes.get("url", request.url),  # type: ignore[arg-type]
            headers=headers,
            content=content,  # type: ignore[arg-type]
            extensions=request.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_legal_variations_are_never_a_must_failure(clean_mock: str) -> None:
    from suite_helpers import settings_for

    from lotuspay_contract.conformance.suite._runner import run_suite

    checks = [
        "transport",
        "shape",
        "roundtrip",
        "lists",
        "errors",
        "request_rules",
        "CUS-STATE-001",
    ]
    from lotuspay_contract.conformance.suite._runner import select_checks

    result = run_suite(
        settings_for(clean_mock), checks=select_checks(checks, "smoke"), transport=LegalVariations()
    )
    must = [str(f) for r in result.results for f in r.findings if f.level.value == "MUST"]
    assert must == []
    statuses = {r.check.id: r.status for r in result.results}
    assert "error" not in statuses.values(), statuses
    # Each variation is still seen, at its own level.
    assert statuses["CUS-HTTP-002"] == "warned"  # 201 is a success, not the 200 [conv]
    assert statuses["CUS-LIST-003"] == "noted"  # pages from 0 [ours]
    assert statuses["CUS-REQ-001"] == "warned"  # no param [conv]
    assert statuses["CUS-RT-006"] == "passed"  # the PAN taken as id
    assert statuses["CUS-RT-005"] == "warned"  # metadata null [conv]
    assert statuses["CUS-SHAPE-001"] == "warned"  # the strict overlay's metadata.values
