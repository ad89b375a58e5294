"""Text from the scanned tree made safe to print in a report, and the order reports list findings in.

File names and values come from files other people wrote. A newline in a file name must not forge a
line in a CI log or a table row, a bidirectional override must not reorder what a reviewer reads,
and a file name that is not valid UTF-8 (Python keeps its bytes as lone surrogates) must not make
the report impossible to write. Each reporter adds its own syntax escaping on top of this.
"""
from __future__ import annotations

import re
from collections import Counter

from linter.model import Finding, Severity

# C0 controls except tab, DEL and C1 controls, lone surrogates, the two non-characters XML forbids,
# line/paragraph separators and bidirectional formatting characters.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                          "\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of an undecodable file name, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """One printable line: every control, separator or reordering character written as `\\xNN` or
    `\\uNNNN`, the way `linter.report.text` shows them."""
    return _UNPRINTABLE.sub(_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """Only the characters UTF-8 cannot encode replaced (for formats that escape the rest)."""
    return _SURROGATE.sub(_escape, text)


def by_position(findings: list[Finding]) -> list[Finding]:
    """File, line, column, rule, message: the same order whatever order the files were found in."""
    return sorted(findings, key=lambda f: f.sort_key)


def worst_first(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by position: what a reader sees first when a consumer caps a list."""
    return sorted(findings, key=lambda f: (-f.severity, *f.sort_key))


def severity_counts(findings: list[Finding]) -> str:
    """`2 critical, 1 medium`: worst first, severities without findings left out."""
    counts = Counter(f.severity for f in findings)
    return ", ".join(f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True))


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def threshold(fail_on: Severity | str | None) -> Severity:
    """The lowest severity that fails a build; `info` never does, whatever the threshold."""
    if fail_on is None:
        return Severity.LOW
    level = fail_on if isinstance(fail_on, Severity) else Severity.parse(fail_on)
    return max(level, Severity.LOW)
