"""Inline waivers, in every format's comment syntax:

    # pacsguard:ignore PG201 -- scanner share is isolated on VLAN 20
    ; pacsguard:ignore PG201,PG202 until=2026-12-31 -- replaced in ticket 1234
    // pacsguard:ignore-file PG401 -- lab instance, never deployed

A waiver on a line with configuration covers that line; on a line of its own it covers the next
line with configuration (and findings reported on the comment's own line, such as a default that
applies to the whole file at line 1); `ignore-file` covers the whole file. A reason after `--` is required:
without one the finding stays and PG003 says why. Past its `until=` date the finding comes back
and PG004 says the waiver expired.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace

from linter.model import Finding, Origin, Severity, Suppression

_COMMENT_START = ("#", ";", "//", "/*", "<!--", "{#", "--")
_WAIVER = re.compile(
    r"(?:#|;|//|/\*|<!--|\{#|--)\s*pacsguard:(?P<kind>ignore-file|ignore)\b(?P<body>[^\n]*)"
)
_IDS = re.compile(r"\bPG\d{3}\b")
_UNTIL = re.compile(r"\buntil=(\S+)")


@dataclass(frozen=True)
class Waiver:
    rule_ids: tuple[str, ...]
    reason: str
    until: str | None
    origin: Origin
    target_line: int | None  # None: whole file


def _is_comment_only(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith(_COMMENT_START)


def parse_waivers(relpath: str, lines: list[str]) -> list[Waiver]:
    waivers = []
    for index, line in enumerate(lines):
        if "pacsguard:" not in line:
            continue
        match = _WAIVER.search(line)
        if not match:
            continue
        body = match.group("body")
        for end in ("*/", "-->", "#}"):
            body = body.split(end)[0]
        ids, _, reason = body.partition("--")
        reason = reason.strip()
        until = _UNTIL.search(ids)
        target: int | None
        if match.group("kind") == "ignore-file":
            target = None
        elif _is_comment_only(line[: match.start()]) :
            target = next((i + 1 for i in range(index + 1, len(lines)) if not _is_comment_only(lines[i])), index + 1)
        else:
            target = index + 1
        waivers.append(Waiver(
            tuple(_IDS.findall(ids)), reason, until.group(1) if until else None,
            Origin(relpath, index + 1, match.start() + 1), target,
        ))
    return waivers


def _expired(until: str, today: _dt.date) -> bool | None:
    try:
        return _dt.date.fromisoformat(until) < today
    except ValueError:
        return None


def apply_waivers(findings: list[Finding], texts: dict[str, list[str]], today: _dt.date | None = None) -> list[Finding]:
    """Mark findings covered by a valid waiver as suppressed; add PG003/PG004 for bad waivers."""
    today = today or _dt.date.today()
    by_file: dict[str, list[Waiver]] = {}
    for path in {f.origin.path for f in findings}:
        lines = texts.get(path)
        if lines:
            by_file[path] = parse_waivers(path, lines)
    out: list[Finding] = []
    problems: dict[tuple, Finding] = {}
    for finding in findings:
        suppression = None
        for waiver in by_file.get(finding.origin.path, ()):
            if finding.rule_id not in waiver.rule_ids:
                continue
            # A waiver covers its target line, and its own line: a finding about an absent key sits
            # on line 1, which is often the comment line the waiver was written on.
            if waiver.target_line is not None and finding.origin.line not in (waiver.target_line, waiver.origin.line):
                continue
            if not waiver.reason:
                problems[(waiver.origin, "PG003")] = Finding(
                    "PG003", Severity.MEDIUM,
                    f"waiver for {', '.join(waiver.rule_ids)} has no reason; add one after '--' (the finding stays)",
                    waiver.origin, rule_class="tool")
                continue
            expired = _expired(waiver.until, today) if waiver.until else False
            if expired is None:
                problems[(waiver.origin, "PG003")] = Finding(
                    "PG003", Severity.MEDIUM,
                    f"waiver date until={waiver.until} is not a YYYY-MM-DD date (the finding stays)",
                    waiver.origin, rule_class="tool")
                continue
            if expired:
                problems[(waiver.origin, "PG004")] = Finding(
                    "PG004", Severity.MEDIUM,
                    f"waiver for {', '.join(waiver.rule_ids)} expired on {waiver.until}: the finding is back ({waiver.reason})",
                    waiver.origin, rule_class="tool")
                continue
            suppression = Suppression(finding.rule_id, waiver.reason, waiver.origin, waiver.until)
            break
        out.append(replace(finding, suppression=suppression) if suppression else finding)
    out.extend(problems.values())
    return out
