"""Data that flows between the pipeline stages: source files, origins and findings.

Every stage takes and returns these frozen dataclasses, so a stage can be read (and tested)
without knowing how the one before it works.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that `>=` compares seriousness. `info` is a note: it never fails a build."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a fact or finding comes from: a path relative to the scan root, 1-based line/column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(slots=True)
class SourceFile:
    """One discovered file: where it is, what format it was classified as, and its text."""

    path: str  # absolute path on disk
    relpath: str  # POSIX path relative to the scan root; what users and reports see
    format: str
    text: str = ""

    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""


@dataclass(frozen=True, slots=True)
class Suppression:
    """An accepted exception: which rule, why, until when, and where it was written."""

    rule_id: str
    reason: str
    origin: Origin | None = None
    until: str | None = None  # ISO date
    kind: str = "inSource"  # SARIF suppression kind: inSource or external
    approved_by: str | None = None  # who accepted the exception (config-file waivers name them)
    source: str = "comment"  # comment (inline waiver), config (configuration-file waiver), baseline


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    origin: Origin
    rule_class: str = ""
    title: str = ""
    snippet: str = ""  # the offending line, secrets already masked
    related: tuple[Origin, ...] = ()
    secrets: tuple[str, ...] = ()  # values that must never appear in any output
    suppression: Suppression | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.origin.path, self.origin.line, self.origin.column, self.rule_id, self.message)


class ParseError(Exception):
    """Raised by a reader when a file does not follow its format's grammar."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(1, int(line or 1))
        self.column = max(1, int(column or 1))
