"""The HTML report: rendering, escaping, masking, the ``report`` command, ``run --report-html``,
the plugin option, and the page in a real headless browser."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract.conformance.cli._main import main
from lotuspay_contract.conformance.report._html import NotAReport, render_html

pytest_plugins = ("pytester",)

#: A distinctive key: every artifact is scanned for its secret part.
SECRET_KEY = "sk_test_Zq8HtMlSeCrEtDoNotLeak77"
SECRET_PART = SECRET_KEY.removeprefix("sk_test_")
HOSTILE = '<script>alert("pwned")</script>'
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def finding(**fields: Any) -> dict[str, Any]:
    base = {
        "check": "CUS-LIST-001",
        "title": "Customers are listed newest first",
        "level": "MUST",
        "message": "the customer created second is listed after the one created first",
        "status": 200,
        "pointer": "/data/0/id",
        "rule": "list.order",
        "expected": ["CU2", "CU1"],
        "actual": ["CU1", "CU2"],
        "seed": 42,
        "request": "curl -X GET 'http://mock/v1/customers?limit=10' -u 'sk_test_****:'",
    }
    return {**base, **fields}


def check(check_id: str, status: str, *failures: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "id": check_id,
        "title": f"title of {check_id}",
        "level": "MUST",
        "family": "lists",
        "clause": f"[doc] clause of {check_id}",
        "status": status,
        "duration_seconds": 0.01,
        "occurrences": 1,
        "reason": None,
        "failures": list(failures),
        **fields,
    }


REPORT: dict[str, Any] = {
    "run_id": "20260101t000000abcdef",
    "target": "http://127.0.0.1:8000 (embedded mock)",
    "key": "sk_test_****",
    "tier": "smoke",
    "seed": 1234567,
    "strict": False,
    "allow_live": False,
    "finished_at": "2026-01-01T00:00:02Z",
    "duration_seconds": 1.5,
    "requests": 99,
    "verdict": "fail",
    "notices": ["no live key: the live/test separation check is skipped (--live-key)"],
    "stopped": None,
    "summary": {"passed": 2, "failed": 1, "warned": 1, "skipped": 1, "total": 5},
    "checks": [
        check("CUS-HTTP-001", "passed"),
        check("CUS-HTTP-002", "passed"),
        check("CUS-LIST-001", "failed", finding(), finding(pointer="/data/1/id")),
        check(
            "CUS-ERR-003",
            "warned",
            finding(check="CUS-ERR-003", level="SHOULD", message="type is api_error for a 404"),
            level="SHOULD",
        ),
        check("CUS-AUTH-004", "skipped", reason="needs --live-key"),
    ],
}


class _Elements(HTMLParser):
    """Collects every element's tag, attributes and text (nested text included)."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        for parent in self._open:  # tags separate words, as a browser's rendering does
            parent["text"] += " "
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data


def elements(html: str, *, tag: str | None = None, cls: str | None = None) -> list[dict[str, Any]]:
    parser = _Elements()
    parser.feed(html)
    return [
        e
        for e in parser.elements
        if (tag is None or e["tag"] == tag)
        and (cls is None or cls in (e["attrs"].get("class") or "").split())
    ]


def by_id(html: str, element_id: str) -> dict[str, Any]:
    (found,) = [e for e in elements(html) if e["attrs"].get("id") == element_id]
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


# --- rendering ------------------------------------------------------------------------------


def test_summary_shows_the_run_and_the_counts() -> None:
    html = render_html(REPORT)
    summary = squash(elements(html, tag="header")[0]["text"])
    assert "FAIL 2 of 5 checks passed, 1 failed, 1 warned." in summary
    for fact in ("Target http://127.0.0.1:8000 (embedded mock)", "Tier smoke", "Seed 1234567"):
        assert fact in summary
    assert "Run id 20260101t000000abcdef Key sk_test_**** Finished 2026-01-01T00:00:02Z" in summary
    assert "Duration 1.5 s Requests 99" in summary
    counts = [squash(e["text"]) for e in elements(html, cls="count")]
    assert counts == [
        "2 passed",
        "1 failed",
        "0 error",
        "1 warned",
        "0 noted",
        "0 not exercised",
        "1 skipped",
    ]
    assert "no live key" in squash(elements(html, cls="notices")[0]["text"])


def test_a_passing_run_says_pass() -> None:
    passing = {**REPORT, "verdict": "pass", "checks": REPORT["checks"][:2]}
    html = render_html(passing)
    assert squash(elements(html, cls="verdict")[0]["text"]) == "PASS 2 of 2 checks passed."
    assert elements(html, cls="problems") == []
    assert "<title>PASS" in html


def test_every_check_has_a_row_with_id_level_title_clause_and_verdict() -> None:
    html = render_html(REPORT)
    rows = elements(html, tag="tr", cls="check")
    assert len(rows) == len(REPORT["checks"])
    for row, data in zip(rows, REPORT["checks"], strict=True):
        text = squash(row["text"])
        label = {"passed": "pass", "failed": "FAIL", "warned": "warn", "skipped": "skip"}
        assert text.startswith(f"{label[data['status']]} {data['id']} {data['level']} ")
        assert data["title"] in text
        assert data["clause"] in text
    assert "(needs --live-key)" in squash(by_id(html, "check-CUS-AUTH-004")["text"])


def test_failing_and_warned_checks_expand_to_their_findings() -> None:
    html = render_html(REPORT)
    details = elements(html, tag="details")
    assert len(details) == 2  # the failed and the warned check; passes have nothing to open
    failed = squash(by_id(html, "check-CUS-LIST-001")["text"])
    assert "2 findings" in failed
    for shown in (
        "MUST the customer created second is listed after the one created first",
        "HTTP status 200",
        "JSON pointer /data/0/id",
        "JSON pointer /data/1/id",
        "Rule list.order",
        "Seed 42",
        'Expected [ "CU2", "CU1" ]',
        'Actual [ "CU1", "CU2" ]',
        "Reproduce with curl -X GET 'http://mock/v1/customers?limit=10' -u 'sk_test_****:'",
    ):
        assert shown in failed
    warned = squash(by_id(html, "check-CUS-ERR-003")["text"])
    assert "1 finding type is api_error for a 404 SHOULD type is api_error for a 404" in warned
    problems = [squash(e["text"]) for e in elements(html, cls="problems")[0:1]]
    assert "FAIL CUS-LIST-001 title of CUS-LIST-001 (2 findings)" in problems[0]
    assert "warn CUS-ERR-003 title of CUS-ERR-003 (1 finding)" in problems[0]


def test_hostile_values_are_escaped() -> None:
    hostile = copy.deepcopy(REPORT)
    hostile["target"] = HOSTILE
    hostile["checks"][2]["failures"] = [
        finding(
            actual=HOSTILE,
            expected={"html": HOSTILE},
            message='<img src="http://evil.example/x.png" onerror="alert(1)">',
            pointer="/name</code><script>alert(2)</script>",
            request=f"curl 'http://x/?q={HOSTILE}'",
        )
    ]
    hostile["checks"][2]["title"] = HOSTILE
    html = render_html(hostile)
    assert "alert(" in html  # the values are shown...
    assert "<script>alert" not in html  # ...but never as markup
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert len(elements(html, tag="script")) == 1  # only the page's own
    assert elements(html, tag="img") == []
    details = squash(by_id(html, "check-CUS-LIST-001")["text"])
    assert f"Actual {HOSTILE}" in details  # the browser shows the text as sent


def test_no_key_in_the_page_even_if_the_report_holds_one() -> None:
    leaky = copy.deepcopy(REPORT)
    leaky["key"] = SECRET_KEY
    leaky["target"] = f"http://x/?key={SECRET_KEY}"
    leaky["notices"] = [f"used {SECRET_KEY}"]
    leaky["checks"][2]["failures"] = [
        finding(
            message=f"echoed {SECRET_KEY}",
            actual={"auth": SECRET_KEY},
            expected=SECRET_KEY,
            request=f"curl -u '{SECRET_KEY}:' http://x",
        )
    ]
    html = render_html(leaky)
    assert SECRET_PART not in html
    assert html.count("sk_test_****") >= 6


def test_the_page_is_self_contained() -> None:
    hostile = copy.deepcopy(REPORT)
    hostile["checks"][2]["failures"] = [finding(actual='<a href="https://evil.example">x</a>')]
    html = render_html(hostile)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"<link\b|@import|url\(", html, re.IGNORECASE)
    assert not [e for e in elements(html) if "src" in e["attrs"]]


def test_the_csp_pins_the_inline_style_and_script() -> None:
    html = render_html(REPORT)
    (meta,) = [
        e
        for e in elements(html, tag="meta")
        if e["attrs"].get("http-equiv") == "Content-Security-Policy"
    ]
    policy = meta["attrs"]["content"]
    assert policy.startswith("default-src 'none';")
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        (block,) = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy


def test_long_values_and_many_findings_are_cut() -> None:
    big = copy.deepcopy(REPORT)
    big["checks"][2]["failures"] = [finding(actual="x" * 10_000)] + [finding()] * 59
    html = render_html(big)
    assert "x" * 4000 + "… (6000 more characters in the JSON report)" in html
    assert "x" * 4001 not in html
    details = squash(by_id(html, "check-CUS-LIST-001")["text"])
    assert details.startswith("FAIL CUS-LIST-001 MUST title of CUS-LIST-001 [doc] clause")
    assert "60 findings" in details
    assert "… and 10 more findings in the JSON report." in details
    assert len(elements(html, cls="finding")) == 50 + 1  # and the warned check's one


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([1, 2], "a run report is a JSON object, not list"),
        ({"run_id": "x"}, 'a run report has a "checks" list; this document has none'),
        ({"checks": [{"status": "passed"}]}, "check 0 of the report has no id"),
        (
            {"checks": [{"id": "CUS-X-001", "status": "great"}]},
            "check CUS-X-001 has status 'great', not one of passed, failed, error, warned, "
            "noted, not_exercised, skipped, known",
        ),
    ],
)
def test_what_is_not_a_report_is_refused(data: Any, reason: str) -> None:
    with pytest.raises(NotAReport) as info:
        render_html(data)
    assert str(info.value) == reason


def test_not_exercised_checks_and_the_coverage_table_are_shown() -> None:
    evidence = [{"operation": "listCustomers", "status": 200, "answers": 3}]
    report = {
        **REPORT,
        "checks": [
            check("CUS-HTTP-001", "passed", judged=3, evidence=evidence),
            check("CUS-SHAPE-003", "not_exercised", reason="judged no answer", judged=0),
        ],
        "coverage": [
            {"operation": "listCustomers", "status": 200, "answers": 3, "checks": ["CUS-HTTP-001"]},
            {"operation": "undocumented", "status": 405, "answers": 1, "checks": []},
        ],
    }
    html = render_html(report)
    row = by_id(html, "check-CUS-SHAPE-003")
    assert row["attrs"]["class"] == "status-not_exercised"
    assert squash(row["text"]).startswith("not exercised CUS-SHAPE-003 MUST")
    assert "(not exercised: judged no answer)" in squash(row["text"])
    # What a check judged is collapsed: a count, then the list inside <details>.
    assert "judged: 3 answers listCustomers 200 x3" in squash(
        by_id(html, "check-CUS-HTTP-001")["text"]
    )
    summary = squash(elements(html, cls="verdict")[0]["text"])
    assert summary == "FAIL 1 of 2 checks passed, 1 not exercised."
    rows = [squash(r["text"]) for r in elements(html, tag="tr") if "coverage" not in r["attrs"]]
    assert "listCustomers 200 3 CUS-HTTP-001" in rows
    assert "undocumented 405 1 no check" in rows


def test_a_minimal_report_renders() -> None:
    html = render_html({"checks": [{"id": "CUS-X-001", "status": "error"}]})
    assert (
        squash(elements(html, cls="verdict")[0]["text"]) == "FAIL 0 of 1 checks passed, 1 failed."
    )


# --- the report command ---------------------------------------------------------------------


def test_report_command_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, page = tmp_path / "run.json", tmp_path / "run.html"
    source.write_text(json.dumps(REPORT), encoding="utf-8")
    assert main(["report", str(source), "--html", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == render_html(REPORT)
    assert capsys.readouterr() == (f"wrote {page}\n", "")


def test_report_command_reads_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "run.html"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(REPORT).encode())))
    assert main(["report", "-", "--html", str(page)]) == 0
    assert "CUS-LIST-001" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot read: No such file or directory"),
        (b"\xff\xfe not utf-8", "cannot read: 'utf-8' codec can't decode byte 0xff*"),
        (b"{not json", "not JSON: Expecting property name enclosed in double quotes*"),
        (b'{"checks": [NaN]}', "not JSON: NaN is not valid JSON"),
        (b"[]", "a run report is a JSON object, not list"),
        (b'{"tests": []}', 'a run report has a "checks" list; this document has none'),
    ],
)
def test_report_command_refuses_bad_input_in_one_line(
    content: bytes | None,
    reason: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, page = tmp_path / "in.json", tmp_path / "out.html"
    if content is not None:
        source.write_bytes(content)
    assert main(["report", str(source), "--html", str(page)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert re.fullmatch(
        re.escape(f"lotuspay-contract report: error: {source}: ")
        + re.escape(reason).replace(r"\*", ".*"),
        err.rstrip("\n"),
    )
    assert not page.exists()


def test_report_command_says_when_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "run.json"
    source.write_text(json.dumps(REPORT), encoding="utf-8")
    target = tmp_path / "missing" / "run.html"
    assert main(["report", str(source), "--html", str(target)]) == 2
    assert capsys.readouterr().err == (  # refused before anything is read or written
        f"lotuspay-contract report: error: cannot write the report {target}: "
        f"the folder {target.parent} does not exist\n"
    )


def test_report_command_needs_an_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "run.json"]) == 2
    assert "nothing to write: give --html, --junitxml or --report-json" in capsys.readouterr().err


# --- run --report-html, end to end against the embedded mock -------------------------------


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, str]:
    """One suite run against the mock with two faults: the JSON and HTML reports, code, output."""
    folder = tmp_path_factory.mktemp("run")
    report, page = folder / "run.json", folder / "run.html"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "lotuspay_contract.conformance.cli",
            "run",
            "--tier",
            "smoke",
            "--seed",
            "7",
            "--checks",
            "transport,shape,semantics,lists",
            "--mock-fault",
            "created_milliseconds",
            "--mock-fault",
            "list_oldest_first",
            "--report-json",
            str(report),
            "--report-html",
            str(page),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LOTUSPAY_API_KEY": SECRET_KEY},
        check=False,
    )
    return report, page, completed.returncode, completed.stdout + completed.stderr


def test_run_writes_the_html_report(faulty_run: tuple[Path, Path, int, str]) -> None:
    report, page, code, output = faulty_run
    assert code == 1, output
    data = json.loads(report.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    rows = elements(html, tag="tr", cls="check")
    ids = [re.search(r"CUS-[A-Z]+-\d+", r["text"]).group() for r in rows]  # type: ignore[union-attr]
    assert ids == [c["id"] for c in data["checks"]]
    assert squash(elements(html, cls="verdict")[0]["text"]).startswith("FAIL ")
    listing = squash(by_id(html, "check-CUS-LIST-001")["text"])
    assert listing.startswith("FAIL CUS-LIST-001 MUST Customers are listed newest first")
    assert "Reproduce with curl -X GET" in listing
    assert '-u "$LOTUSPAY_API_KEY:"' in listing  # the key by the variable that holds it
    header = squash(elements(html, tag="header")[0]["text"])
    assert "Mock faults created_milliseconds, list_oldest_first Mock quirks none" in header
    assert by_id(html, "check-CUS-HTTP-001")["attrs"]["class"] == "status-passed"
    # No bank account in these families' traffic: its shape check judged nothing, and says so.
    unjudged = by_id(html, "check-CUS-SHAPE-003")
    assert unjudged["attrs"]["class"] == "status-not_exercised"
    assert squash(unjudged["text"]).startswith("not exercised CUS-SHAPE-003")
    assert "judged:" not in unjudged["text"]
    assert re.search(
        r"judged: \d+ answers listCustomers 200 x\d+",
        squash(by_id(html, "check-CUS-SHAPE-002")["text"]),
    )
    coverage = squash(elements(html, tag="table", cls="coverage")[0]["text"])
    assert "listCustomers 200" in coverage
    for text in (html, output, report.read_text(encoding="utf-8")):
        assert SECRET_PART not in text


def test_run_says_when_it_cannot_write_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "run.html"
    code = main(["run", "--checks", "CUS-HTTP-001", "--seed", "1", "--report-html", str(target)])
    assert code == 2
    err = capsys.readouterr().err
    assert err == (
        f"lotuspay-contract run: error: cannot write the report {target}: "
        f"the folder {target.parent} does not exist\n"
    )


def test_plugin_writes_the_html_report(pytester: pytest.Pytester) -> None:
    from lotuspay_contract.conformance.mock import running_mock

    page = pytester.path / "report.html"
    with running_mock(api_keys=[SECRET_KEY], faults=("list_oldest_first",)) as url:
        result = pytester.runpytest(
            "--lotuspay-url",
            url,
            "--lotuspay-key",
            SECRET_KEY,
            "--lotuspay-seed",
            "5",
            "--lotuspay-tier",
            "smoke",
            "--lotuspay-report-html",
            str(page),
            "-p",
            "no:randomly",
            "-k",
            "HTTP or LIST-001",
        )
    from lotuspay_contract.conformance.suite import all_checks

    selected = [c for c in all_checks() if "HTTP" in c.id or c.id == "CUS-LIST-001"]
    result.assert_outcomes(passed=len(selected) - 1, failed=1)
    html = page.read_text(encoding="utf-8")
    assert squash(by_id(html, "check-CUS-LIST-001")["text"]).startswith("FAIL CUS-LIST-001")
    summary = squash(elements(html, tag="header")[0]["text"])
    assert "Seed 5" in summary
    assert "Duration" in summary  # the plugin times the run, from its first check to the end
    assert SECRET_PART not in html


# --- in a real browser -----------------------------------------------------------------------


def _chromium() -> str:
    """Return the chromium executable, or skip saying what is missing."""
    path = os.environ.get("LOTUSPAY_CHROMIUM") or next(
        filter(None, (shutil.which(n) for n in ("chromium", "chromium-browser"))), None
    )
    if not path:
        pytest.skip(
            "no chromium executable (not on PATH, LOTUSPAY_CHROMIUM unset): "
            "install it with `apt-get install chromium` to run the browser test"
        )
    return path


def test_the_page_works_in_a_headless_browser(
    faulty_run: tuple[Path, Path, int, str], tmp_path: Path
) -> None:
    executable = _chromium()
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="no playwright module: pip install 'lotuspay-contract[test]'"
    )
    _, page_path, _, _ = faulty_run
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def on_console(message: Any) -> None:
                if message.type in ("error", "warning"):  # CSP refusals are console errors too
                    problems.append(f"console {message.type}: {message.text}")

            def on_request(request: Any) -> None:
                if not request.url.startswith("file:"):  # the page must fetch nothing
                    problems.append(f"request: {request.url}")

            page.on("console", on_console)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("request", on_request)
            page.goto(page_path.as_uri(), wait_until="load")

            row = page.locator("#check-CUS-LIST-001")
            findings = row.locator(".finding-list")
            curl = row.locator(".curl").first
            assert not findings.is_visible()
            row.locator("details.findings > summary").click()
            findings.wait_for(state="visible", timeout=5000)
            assert curl.is_visible()
            assert "curl -X GET" in curl.inner_text()

            # The little script: its buttons appear and open every check's findings.
            page.get_by_role("button", name="Expand all findings").click()
            opened = page.locator("details.findings[open]").count()
            assert opened == page.locator("details.findings").count() > 1
            # A check that judged nothing reads as such, and the coverage table is on the page.
            unjudged = page.locator("#check-CUS-SHAPE-003 .badge")
            assert unjudged.inner_text() == "not exercised"
            assert page.locator("table.coverage").is_visible()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []


# --- no horizontal overflow on a phone or a laptop (issue 21) ---------------------------------

WIDTHS = (390, 1280)
_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
}"""


def overflows(page: Any, width: int) -> list[str]:
    """Measure the page at ``width`` with everything collapsed, then with every <details> open:
    what sticks out (the page is wider than the window)."""
    page.set_viewport_size({"width": width, "height": 900})
    found = []
    for opened in (False, True):
        if opened:
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        seen = page.evaluate(_OVERFLOW)
        if seen["scroll"] > seen["client"]:
            found.append(f"{width} px, details open={opened}: {seen}")
    return found


def _browser_pages(paths: list[Path]) -> list[str]:
    executable = _chromium()
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="no playwright module: pip install 'lotuspay-contract[test]'"
    )
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                for width in WIDTHS:
                    page = browser.new_page()
                    page.goto(path.as_uri(), wait_until="load")
                    problems += [f"{path.name}: {p}" for p in overflows(page, width)]
                    page.close()
        finally:
            browser.close()
    return problems


def test_the_run_report_reads_at_390_and_1280_px(
    faulty_run: tuple[Path, Path, int, str], tmp_path: Path
) -> None:
    _, page_path, _, _ = faulty_run
    # And a page made to stretch: a long unbroken value, a long clause, long judged lists.
    wide = copy.deepcopy(REPORT)
    wide["checks"][0]["clause"] = "list.order [doc]; " * 40
    wide["checks"][0]["failures"] = [finding(actual="x" * 3000, pointer="/" + "y" * 300)]
    wide["checks"][0]["evidence"] = [
        {"operation": f"operation{n}WithALongName", "status": 200, "answers": n} for n in range(60)
    ]
    stretched = tmp_path / "wide.html"
    stretched.write_text(render_html(wide), encoding="utf-8")
    assert _browser_pages([page_path, stretched]) == []


def test_the_diff_report_reads_at_390_and_1280_px(tmp_path: Path) -> None:
    from lotuspay_contract.conformance.mock import running_mock

    page = tmp_path / "diff.html"
    with running_mock(api_keys=[SECRET_KEY], faults=["limit_ignored"]) as target:
        code = main(
            [
                "diff",
                "--base-url",
                str(target),
                "--api-key",
                SECRET_KEY,
                "--tier",
                "standard",
                "--seed",
                "3",
                "-q",
                "--report-html",
                str(page),
            ]
        )
    html = page.read_text(encoding="utf-8")
    assert code == 1
    assert "list.limit" in html  # a difference with a long page of bodies to show
    assert SECRET_PART not in html
    assert _browser_pages([page]) == []


def test_the_header_says_faults_quirks_and_shard_and_attention_lists_unjudged_checks() -> None:
    report = {
        **REPORT,
        "mock": {"faults": ["limit_ignored", "created_string"], "quirks": []},
        "shard": {"index": 2, "count": 3},
        "checks": [
            check("CUS-LIST-002", "failed", finding()),
            check("CUS-AUTH-003", "not_exercised", reason="needs a second account's key"),
            check("CUS-HTTP-001", "passed"),
        ],
    }
    html = render_html(report)
    header = squash(elements(html, tag="header")[0]["text"])
    assert "Mock faults limit_ignored, created_string" in header
    assert "Mock quirks none" in header
    assert "Shard 2 of 3" in header
    attention = squash(elements(html, cls="problems")[0]["text"])
    assert "CUS-LIST-002" in attention
    assert "not exercised CUS-AUTH-003 title of CUS-AUTH-003 (needs a second account's key)" in (
        attention
    )
    assert "CUS-HTTP-001" not in attention


def test_a_response_check_that_judged_every_answer_says_so_once() -> None:
    evidence = [{"operation": "listCustomers", "status": 200, "answers": 3}]
    report = {
        **REPORT,
        "checks": [
            check("CUS-HTTP-001", "passed", evidence=evidence),
            check("CUS-RT-001", "passed", evidence=[{**evidence[0], "answers": 1}]),
        ],
        "coverage": [
            {"operation": "listCustomers", "status": 200, "answers": 3, "checks": ["CUS-HTTP-001"]}
        ],
    }
    html = render_html(report)
    assert "judged: every answer of the run (3)" in squash(
        by_id(html, "check-CUS-HTTP-001")["text"]
    )
    assert "judged: 1 answer listCustomers 200 x1" in squash(
        by_id(html, "check-CUS-RT-001")["text"]
    )
