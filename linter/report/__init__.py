"""Reporters: each module exposes `render(result, options) -> str`. Imported on demand."""
from __future__ import annotations

import hashlib
import importlib
from collections import Counter

from linter.model import Finding

REPORTERS = {"text": "linter.report.text", "json": "linter.report.json_report", "sarif": "linter.report.sarif"}


def render(fmt: str, result, **options) -> str:
    return importlib.import_module(REPORTERS[fmt]).render(result, **options)


def fingerprints(findings: list[Finding]) -> dict[int, str]:
    """A fingerprint per finding that survives line shifts: rule, file, the offending text with
    white space folded, and the occurrence number of that same text in that file."""
    seen: Counter = Counter()
    out: dict[int, str] = {}
    for index, f in enumerate(sorted(range(len(findings)), key=lambda i: findings[i].sort_key)):
        finding = findings[f]
        content = " ".join(finding.snippet.split()) or finding.message
        key = (finding.rule_id, finding.origin.path, content)
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
        out[f] = digest[:32]
    return out
