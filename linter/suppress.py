"""Inline waivers, in every format's comment syntax:

    # pacsguard:ignore PG201 -- scanner share is isolated on VLAN 20
    ; pacsguard:ignore PG201,PG202 until=2026-12-31 -- replaced in ticket 1234
    // pacsguard:ignore-file PG401 -- lab instance, never deployed

A waiver on a line with configuration covers that line; on a line of its own it covers the next
line with configuration (and findings reported on the comment's own line, such as a default that
applies to the whole file at line 1); `ignore-file` covers the whole file. The configuration file
can also hold waivers for a path glob (`PathWaiver`), for JSON files and whole folders. A reason after `--` is required:
without one the finding stays and PG003 says why. Past its `until=` date the finding comes back
and PG004 says the waiver expired.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from typing import Callable

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


@dataclass(frozen=True)
class PathWaiver:
    """A waiver from the configuration file, resolved for this scan: `matches(relpath)` says
    whether a file (path relative to the scan root) falls under its glob."""

    rule_ids: tuple[str, ...]
    reason: str
    until: str | None
    approved_by: str | None
    origin: Origin  # the entry in the configuration file
    matches: Callable[[str], bool]


def _problem(rule_id: str, message: str, origin: Origin) -> Finding:
    return Finding(rule_id, Severity.MEDIUM, message, origin, rule_class="tool")


def _verdict(ids: tuple[str, ...], reason: str, until: str | None, origin: Origin, today: _dt.date,
             problems: dict[tuple, Finding]) -> bool:
    """Whether a matching waiver may suppress its finding; records PG003/PG004 when it may not."""
    if not reason:
        problems[(origin, "PG003")] = _problem(
            "PG003", f"waiver for {', '.join(ids)} has no reason; add one (after '--' in a comment, as `reason:` in the configuration file); the finding stays", origin)
        return False
    expired = _expired(until, today) if until else False
    if expired is None:
        problems[(origin, "PG003")] = _problem(
            "PG003", f"waiver date until={until} is not a YYYY-MM-DD date (the finding stays)", origin)
        return False
    if expired:
        problems[(origin, "PG004")] = _problem(
            "PG004", f"waiver for {', '.join(ids)} expired on {until}: the finding is back ({reason})", origin)
        return False
    return True


def apply_waivers(findings: list[Finding], texts: dict[str, list[str]], today: _dt.date | None = None,
                  path_waivers: list[PathWaiver] = (), report_unused: bool = False) -> list[Finding]:
    """Mark findings covered by a valid waiver as suppressed; add PG003/PG004 for bad waivers,
    and PG007 for waivers that cover nothing when `report_unused` is set."""
    today = today or _dt.date.today()
    paths = set(texts) if report_unused else {f.origin.path for f in findings}
    by_file: dict[str, list[Waiver]] = {}
    for path in paths:
        lines = texts.get(path)
        if lines:
            by_file[path] = parse_waivers(path, lines)
    out: list[Finding] = []
    problems: dict[tuple, Finding] = {}
    used: set[Origin] = set()
    for finding in findings:
        suppression = None
        for waiver in by_file.get(finding.origin.path, ()):
            if finding.rule_id not in waiver.rule_ids:
                continue
            # A waiver covers its target line, and its own line: a finding about an absent key sits
            # on line 1, which is often the comment line the waiver was written on.
            if waiver.target_line is not None and finding.origin.line not in (waiver.target_line, waiver.origin.line):
                continue
            used.add(waiver.origin)
            if _verdict(waiver.rule_ids, waiver.reason, waiver.until, waiver.origin, today, problems):
                suppression = Suppression(finding.rule_id, waiver.reason, waiver.origin, waiver.until)
                break
        if suppression is None:
            for waiver in path_waivers:
                if finding.rule_id not in waiver.rule_ids or not waiver.matches(finding.origin.path):
                    continue
                used.add(waiver.origin)
                if _verdict(waiver.rule_ids, waiver.reason, waiver.until, waiver.origin, today, problems):
                    suppression = Suppression(finding.rule_id, waiver.reason, waiver.origin, waiver.until,
                                              kind="external", approved_by=waiver.approved_by,
                                              source="config")
                    break
        out.append(replace(finding, suppression=suppression) if suppression else finding)
    if report_unused:
        inline = [w for ws in by_file.values() for w in ws]
        for waiver in [*inline, *path_waivers]:
            if waiver.origin not in used and waiver.rule_ids:
                problems[(waiver.origin, "PG007")] = Finding(
                    "PG007", Severity.LOW,
                    f"waiver for {', '.join(waiver.rule_ids)} matches no finding; remove it so it cannot hide a future one",
                    waiver.origin, rule_class="tool")
    out.extend(problems.values())
    return out
