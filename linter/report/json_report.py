"""Stable, versioned JSON. `schema_version` changes only when a field changes meaning or goes."""
from __future__ import annotations

import json
from collections import Counter

from linter import __version__
from linter.report import fingerprints

SCHEMA_VERSION = 1


def render(result, controls: dict[str, tuple[str, ...]] | None = None, **_: object) -> str:
    if controls is None:
        from linter.policies import shipped_control_tags

        controls = shipped_control_tags()
    prints = fingerprints(result.findings)
    findings = []
    for index, f in enumerate(result.findings):
        findings.append({
            "rule_id": f.rule_id,
            "title": f.title,
            "class": f.rule_class,
            "severity": f.severity.label,
            "message": f.message,
            "path": f.origin.path,
            "line": f.origin.line,
            "column": f.origin.column,
            "snippet": f.snippet,
            "related": [{"path": r.path, "line": r.line, "column": r.column} for r in f.related],
            "fingerprint": prints[index],
            "controls": list(controls.get(f.rule_id, ())),  # POLICY:CONTROL, e.g. hipaa:164.312(a)(1)
            "suppressed": None if f.suppression is None else {
                "reason": f.suppression.reason, "until": f.suppression.until, "kind": f.suppression.kind,
                "path": f.suppression.origin.path if f.suppression.origin else None,
                "line": f.suppression.origin.line if f.suppression.origin else None,
            },
        })
    active = [f for f in result.findings if f.suppression is None]
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "pacsguard", "version": __version__},
        "summary": {
            "files_scanned": len(result.files),
            "findings": len(active),
            "suppressed": len(result.findings) - len(active),
            "by_severity": dict(sorted(Counter(f.severity.label for f in active).items())),
            "by_class": dict(sorted(Counter(f.rule_class for f in active).items())),
        },
        "files": [{"path": s.relpath, "format": s.format} for s in result.files],
        "findings": findings,
    }
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
