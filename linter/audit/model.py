"""What an audit report says, independent of how it is drawn (HTML, Markdown).

Status of a control, from the scan of the given paths:
- fail: at least one finding of the control's rules remains (not covered by a valid waiver);
- pass: none remains, and at least one scanned file is of a format one of its rules reads;
- not applicable: no scanned file is of a format any of its rules reads (or no rule gives
  evidence for it), so the scan says nothing about it either way. It is not a pass.
A waived finding does not fail its control; the control shows how many findings were waived.
"""
from __future__ import annotations

from dataclasses import dataclass

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "not applicable"


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]  # as given on the command line
    root: str
    files: tuple[tuple[str, str], ...]  # (relpath, format), sorted
    files_by_format: tuple[tuple[str, int], ...]
    tool_version: str
    ruleset_version: str  # the tool version the rule files ship with
    ruleset_digest: str  # sha256 of the rule files' contents, in id order
    rule_count: int
    tree_checksum: str  # sha256 over (path, sha256 of content) of every scanned file
    generated: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Remedy:
    path: str  # the file the example is written for
    code: str


@dataclass(frozen=True)
class AuditFinding:
    anchor: str
    rule_id: str
    title: str
    rule_class: str
    severity: str
    path: str
    line: int
    column: int
    message: str
    snippet: str  # secrets already masked by the engine
    remedy: Remedy | None
    controls: tuple[str, ...]  # control anchors
    waived_by: str | None = None  # waiver anchor, for waived findings


@dataclass(frozen=True)
class ControlResult:
    anchor: str
    id: str
    title: str
    text: str
    status: str
    rules: tuple[str, ...]
    applicable_rules: tuple[str, ...]
    findings: tuple[str, ...]  # anchors of remaining findings
    waived: tuple[str, ...]  # anchors of waived findings
    reason: str  # one sentence: why this status


@dataclass(frozen=True)
class AuditWaiver:
    anchor: str
    rule_ids: tuple[str, ...]
    path: str
    line: int
    reason: str
    approved_by: str | None
    until: str | None
    expired: bool
    findings: tuple[str, ...]  # anchors of the findings it covers (or that came back)


@dataclass(frozen=True)
class Audit:
    policy_id: str
    policy_title: str
    policy_source: dict
    scope: Scope
    controls: tuple[ControlResult, ...]
    findings: tuple[AuditFinding, ...]  # remaining findings, worst first
    waived_findings: tuple[AuditFinding, ...]
    waivers: tuple[AuditWaiver, ...]
    problems: tuple[AuditFinding, ...]  # the scan's own notes: files not parsed or not read
    classes: tuple[str, ...]  # every risk class, in catalogue order (one chart bar each)
    severities: tuple[str, ...]  # worst first

    def count(self, status: str) -> int:
        return sum(1 for c in self.controls if c.status == status)

    def finding(self, anchor: str) -> AuditFinding:
        return next(f for f in (*self.findings, *self.waived_findings) if f.anchor == anchor)

    def control(self, anchor: str) -> ControlResult:
        return next(c for c in self.controls if c.anchor == anchor)
