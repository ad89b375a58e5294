"""Reporters: each module exposes `render(result, options) -> str`. Imported on demand."""
from __future__ import annotations

import hashlib
import importlib
import re
from collections import Counter

from linter.model import Finding

REPORTERS = {"text": "linter.report.text", "json": "linter.report.json_report", "sarif": "linter.report.sarif",
             "junit": "linter.report.junit", "gitlab": "linter.report.gitlab", "github": "linter.report.github",
             "markdown": "linter.report.markdown"}


def render(fmt: str, result, **options) -> str:
    return importlib.import_module(REPORTERS[fmt]).render(result, **options)


_LINE_REF = re.compile(r":\d+(?=[):,;\s]|$)")


def fingerprints(findings: list[Finding]) -> dict[int, str]:
    """A fingerprint per finding that survives moved lines: rule, file, message (line numbers of
    related places removed, white space folded) and the occurrence number of that same finding in
    that file. The offending line is not used: for a default that applies to a whole file it is
    merely the file's first line."""
    seen: Counter = Counter()
    out: dict[int, str] = {}
    for index in sorted(range(len(findings)), key=lambda i: findings[i].sort_key):
        finding = findings[index]
        content = " ".join(_LINE_REF.sub("", finding.message).split())
        key = (finding.rule_id, finding.origin.path, content)
        seen[key] += 1
        # surrogateescape: an undecodable file name hashes as its bytes instead of raising
        out[index] = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return out
