"""Markdown summary for a pull-request or merge-request comment (GitHub-flavoured Markdown).

A headline with the counts by severity, a table of the active findings, most severe first, capped at
`max_rows` rows with an "and N more" line (a comment has a size limit and nobody reads row 400:
the SARIF or JSON report has them all), then the waived findings in a collapsed `<details>` section.

Every cell is text from the scanned tree, so it is escaped: control characters and newlines are
written as `\\xNN` (one row stays one row), `|` and the characters Markdown reads as emphasis, code,
links or math are backslash-escaped, `&`, `<` and `>` become entities (no HTML, no autolink), `@`
is followed by a zero-width space so a file name cannot mention a person or team, and a cell is cut
at `CELL_LIMIT` characters.
"""
from __future__ import annotations

import re

from linter.model import Finding
from linter.report.safe import by_position, plural, severity_counts, visible, worst_first
from linter.report.sarif import HELP_URI

MAX_ROWS = 50
CELL_LIMIT = 500
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~$])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def cell(text: str) -> str:
    text = visible(text)
    if len(text) > CELL_LIMIT:
        text = text[:CELL_LIMIT - 1] + "…"
    text = "".join(_ENTITIES.get(c, c) for c in text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text).replace("@", "@\u200b")


def _rule_link(f: Finding) -> str:
    return f"[{cell(f.rule_id)}]({HELP_URI.format(anchor=f.rule_id.lower())})"


def _location(f: Finding) -> str:
    return cell(f"{f.origin.path}:{f.origin.line}")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header),
            *("| " + " | ".join(row) + " |" for row in rows)]


def _more(total: int, shown: int, noun: str) -> list[str]:
    return [] if total <= shown else ["", f"… and {total - shown} more {noun} (see the full report)."]


def _headline(active: list[Finding], files: int) -> str:
    if not active:
        return f"### pacsguard: no findings in {plural(files, 'file')} scanned"
    return f"### pacsguard: {plural(len(active), 'finding')} ({severity_counts(active)}) in {plural(files, 'file')} scanned"


def _waived_section(waived: list[Finding], max_rows: int) -> list[str]:
    rows = []
    for f in waived[:max_rows]:
        s = f.suppression
        rows.append((f.severity.label, _rule_link(f), _location(f), cell(f.message), cell(s.reason),
                     cell(s.until or ""), cell(s.approved_by or "")))
    return ["", "<details>", f"<summary>{plural(len(waived), 'waived finding')}</summary>", "",
            *_table(("Severity", "Rule", "Location", "Message", "Reason", "Until", "Approved by"), rows),
            *_more(len(waived), max_rows, "waived findings"), "", "</details>"]


def render(result, max_rows: int = MAX_ROWS, **_: object) -> str:
    active = worst_first(result.active)
    waived = by_position([f for f in result.findings if f.suppression is not None])
    lines = [_headline(active, len(result.files))]
    if active:
        rows = [(f.severity.label, _rule_link(f), _location(f), cell(f.message)) for f in active[:max_rows]]
        lines += ["", *_table(("Severity", "Rule", "Location", "Message"), rows),
                  *_more(len(active), max_rows, "findings")]
    if waived:
        lines += _waived_section(waived, max_rows)
    return "\n".join(lines) + "\n"
