"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues with
`description`, `check_name`, `fingerprint`, `severity`, `location.path` and `location.lines.begin`,
the subset of the Code Climate format GitLab reads.

- Severities map one to one, in order: info -> info, low -> minor, medium -> major,
  high -> critical, critical -> blocker.
- `fingerprint` is the SARIF one (`linter.report.fingerprints`: rule, file, message without line
  numbers, occurrence), so a finding keeps its identity across runs and moved lines and GitLab's
  merge-request widget shows only what the change introduced or fixed; it is unique in a report.
- `location.path` is the path relative to the scan root, as in every report: run pacsguard from
  the repository's top so GitLab can link it.
- Waived findings are left out: the widget has no notion of an accepted issue.
"""
from __future__ import annotations

import json

from linter.model import Finding, Severity
from linter.report import fingerprints
from linter.report.safe import encodable

SEVERITY = {Severity.INFO: "info", Severity.LOW: "minor", Severity.MEDIUM: "major",
            Severity.HIGH: "critical", Severity.CRITICAL: "blocker"}


def _issue(f: Finding, fingerprint: str) -> dict:
    return {
        "description": encodable(f"{f.rule_id} {f.message}"),
        "check_name": f.rule_id,
        "fingerprint": fingerprint,
        "severity": SEVERITY[f.severity],
        "location": {"path": encodable(f.origin.path), "lines": {"begin": f.origin.line}},
    }


def render(result, **_: object) -> str:
    findings = result.findings
    prints = fingerprints(findings)
    active = [i for i, f in enumerate(findings) if f.suppression is None]
    issues = [_issue(findings[i], prints[i]) for i in sorted(active, key=lambda i: findings[i].sort_key)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
