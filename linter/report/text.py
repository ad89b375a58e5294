"""Human-readable report: file:line:column, rule, severity, message, and the offending line."""
from __future__ import annotations

import re
from collections import Counter

from linter.model import Severity

# File names and values come from the scanned tree: a newline or an escape sequence in them must
# not forge lines or colours in a terminal or a CI log.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x9b]")


def _clean(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

_COLOURS = {
    Severity.CRITICAL: "\033[1;31m", Severity.HIGH: "\033[31m", Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m", Severity.INFO: "\033[2m",
}
_RESET = "\033[0m"


def render(result, colour: bool = False, **_: object) -> str:
    lines: list[str] = []
    active = [f for f in result.findings if f.suppression is None]
    for f in active:
        sev = f.severity.label
        if colour:
            sev = f"{_COLOURS[f.severity]}{sev}{_RESET}"
        lines.append(f"{_clean(f.origin.path)}:{f.origin.line}:{f.origin.column}: {f.rule_id} [{sev}] {_clean(f.message)}")
        if f.snippet:
            lines.append(f"    {f.origin.line:>4} | {_clean(f.snippet)}")
        for rel in f.related:
            lines.append(f"         see {_clean(rel.path)}:{rel.line}")
    counts = Counter(f.severity for f in active)
    parts = [f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)]
    in_baseline = sum(1 for f in result.findings if f.suppression is not None and f.suppression.source == "baseline")
    suppressed = len(result.findings) - len(active) - in_baseline
    summary = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    if parts:
        summary += f" ({', '.join(parts)})"
    summary += f" in {len(result.files)} file{'s' if len(result.files) != 1 else ''} scanned"
    if suppressed:
        summary += f"; {suppressed} suppressed by waivers"
    if in_baseline:
        summary += f"; {in_baseline} accepted in the baseline"
    if lines:
        lines.append("")
    lines.append(summary)
    return "\n".join(lines) + "\n"
