"""The HTML audit report in a real browser: Debian's Chromium, headless, driven by Playwright's
Python API (Playwright's own browsers are never downloaded).

Chromium missing fails these tests in CI (`CI` set, or PACSGUARD_REQUIRE_BROWSER=1) and skips
them elsewhere, saying why. `.ci/run` installs it.

What the PDF must look like (A4, print CSS): page 1 is the summary alone (every control of the
policy and the chart, nothing of the scope); the scope, controls, findings and waivers sections
each start at the top of a new page, in that order; every finding is printed between the start of
the findings and the start of the waivers; no page is blank. That fixes the page count as 1 +
the pages each section needs, which the test reads back rather than hard-coding a number that
would change with every rule's remediation text.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from audit_trees import IMG_SHARE, REASON, SCRIPT_CHILD, SCRIPT_DIR, hostile_tree
from conftest import REPO
from linter.audit import build_audit, render_audit
from linter.engine import scan
from linter.policies import load_policies

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CLINIC = REPO / "examples" / "clinic-insecure"


def _browser_problem() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    problem = _browser_problem()
    if problem:
        if os.environ.get("CI") or os.environ.get("PACSGUARD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required here, but {problem}")
        pytest.skip(f"no browser: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened on one report file, with everything the page did recorded."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1100, "height": 900}, java_script_enabled=True)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)
        self.context.route("**/*", self._route)
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


def _write_report(tmp_path: Path, paths: list[str], root: Path, policy: str = "hipaa") -> tuple[Path, object]:
    from linter.rules import load_rules

    result = scan(paths, load_rules(), root=str(root))
    audit = build_audit(paths, result, load_policies()[policy])
    target = tmp_path / "audit.html"
    target.write_text(render_audit("html", audit), encoding="utf-8")
    return target, audit


@pytest.fixture(scope="module")
def clinic(browser, tmp_path_factory):
    report, audit = _write_report(tmp_path_factory.mktemp("clinic"), [str(CLINIC)], REPO)
    visit = Visit(browser, report)
    yield visit, audit
    visit.close()


def test_opens_with_no_console_error_and_no_request(clinic):
    visit, _ = clinic
    assert visit.console == []
    assert visit.blocked == []
    assert visit.requests == [visit.url]
    assert visit.dialogs == []


def test_summary_table_is_visible_on_the_first_screen(clinic):
    visit, audit = clinic
    table = visit.page.locator("#summary-table")
    assert table.is_visible()
    assert table.bounding_box()["y"] < 900
    rows = visit.page.locator("#summary-table tbody tr")
    assert rows.count() == len(audit.controls)
    assert rows.nth(0).locator("td").nth(2).inner_text() == audit.controls[0].status


def test_chart_has_one_bar_per_risk_class(clinic):
    visit, audit = clinic
    bars = visit.page.locator("svg#chart g.bar")
    assert bars.count() == len(audit.classes) == 6
    drawn = [bars.nth(i).get_attribute("data-class") for i in range(bars.count())]
    assert drawn == list(audit.classes)
    for i, cls in enumerate(drawn):
        expected = sum(1 for f in audit.findings if f.rule_class == cls)
        assert int(bars.nth(i).get_attribute("data-count")) == expected
        segments = bars.nth(i).locator("rect.segment")
        width = sum(segments.nth(j).bounding_box()["width"] for j in range(segments.count()))
        assert (width > 0) == (expected > 0)
    assert visit.page.locator("svg#chart").is_visible()


def test_finding_anchor_links_navigate(clinic):
    visit, audit = clinic
    page = visit.page
    control = next(c for c in audit.controls if c.findings)
    target = control.findings[-1]
    page.click(f"#{control.anchor} a[href='#{target}']")
    assert page.evaluate("location.hash") == f"#{target}"
    assert page.evaluate("document.querySelector(':target').id") == target
    box = page.locator(f"#{target}").bounding_box()
    assert 0 <= box["y"] < 900, "the finding is scrolled into view"
    # ... and from the finding back to a control it affects.
    back = audit.finding(target).controls[0]
    page.click(f"#{target} a[href='#{back}']")
    assert page.evaluate("document.querySelector(':target').id") == back
    for finding in audit.findings:
        assert page.locator(f"#{finding.anchor} dd.links a").count() == len(finding.controls) >= 1


def _page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_printed_pdf_has_the_summary_on_page_one_and_sections_on_their_own_pages(clinic):
    visit, audit = clinic
    texts = _page_texts(visit.page.pdf(format="A4", print_background=True))
    assert texts[0].lstrip().startswith("Audit:")
    first = texts[0]
    assert "Summary" in first and all(c.id in first for c in audit.controls)
    assert all(cls in first for cls in audit.classes)
    assert "Tree checksum" not in first and "Remediation" not in first
    starts = {}
    for heading in ("Scope", "Controls", "Findings", "Waivers"):
        pages = [i for i, text in enumerate(texts) if text.lstrip().split("\n", 1)[0].strip() == heading]
        assert len(pages) == 1, f"{heading} starts {pages}"
        starts[heading] = pages[0]
    assert 0 < starts["Scope"] < starts["Controls"] < starts["Findings"] < starts["Waivers"]
    assert all(text.strip() for text in texts), "no blank page"
    # Long paths wrap in print: compare with white space removed.
    findings_text = "".join("".join(texts[starts["Findings"]:starts["Waivers"]]).split())
    for finding in audit.findings:
        assert f"{finding.path}:{finding.line}:{finding.column}" in findings_text
    assert len(texts) >= starts["Waivers"] + 1


@pytest.fixture
def hostile(browser, tmp_path):
    root = hostile_tree(tmp_path / "tree")
    report, audit = _write_report(tmp_path, [str(root)], root)
    visit = Visit(browser, report)
    yield visit, audit
    visit.close()


def test_markup_in_names_and_values_shows_as_text_and_runs_nothing(hostile):
    visit, audit = hostile
    page = visit.page
    assert visit.dialogs == [] and visit.console == [] and visit.blocked == []
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onclick]').length") == 0
    body = page.inner_text("body")
    assert f"{SCRIPT_DIR}/{SCRIPT_CHILD}/etc/samba/smb.conf" in body  # <script>alert(1)</script>/etc/...
    assert IMG_SHARE in body
    assert REASON in body
    # Clicking through the report runs nothing either.
    for link in page.locator("a[href^='#']").all()[:20]:
        link.click()
    assert visit.dialogs == [] and visit.requests == [visit.url]
