"""Reads the expectations a fixture states about itself.

In any comment syntax (`#`, `;`, `//`, `/*`, Jinja's `{# ... #}`):
    guest ok = yes   # expect: PG201          -> this line
    # expect: PG201, PG104                    -> the next line with configuration (or a waiver) on it
    # expect-file: PG202                      -> line 1 (a default that applies to the whole file)
Formats that allow no comments use a sidecar `<file>.expect` with lines `LINE: PG123[, PG124]`.
"""
from __future__ import annotations

import re
from pathlib import Path

MARKER = re.compile(r"(?:\{#|#|;|//|/\*|<!--)\s*expect(?P<file>-file)?:\s*(?P<ids>PG\d{3}(?:\s*,\s*PG\d{3})*)")
_COMMENT_ONLY = re.compile(r"^\s*(\{#|#|;|//|/\*|<!--)")  # `{#`: a Jinja comment in a template


def _code_line(line: str) -> bool:
    """A line a marker can point at: configuration, or a waiver comment (PG003/PG004 sit there)."""
    return bool(line.strip()) and (not _COMMENT_ONLY.match(line) or "pacsguard:ignore" in line)


def expectations(case: Path) -> set[tuple[str, int, str]]:
    """(relative path, line, rule id) for every file under `case` (or `case` itself)."""
    root = case if case.is_dir() else case.parent
    files = sorted(p for p in case.rglob("*") if p.is_file()) if case.is_dir() else [case]
    sidecar = case.with_name(case.name + ".expect")
    if case.is_file() and sidecar.is_file():
        files.append(sidecar)
    expected: set[tuple[str, int, str]] = set()
    for path in files:
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".expect":
            target = rel[: -len(".expect")]
            for line in path.read_text(encoding="utf-8").splitlines():
                if ":" in line:
                    number, _, ids = line.partition(":")
                    for rid in re.findall(r"PG\d{3}", ids):
                        expected.add((target, int(number), rid))
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        for index, line in enumerate(lines):
            match = MARKER.search(line)
            if not match:
                continue
            ids = re.findall(r"PG\d{3}", match.group("ids"))
            if match.group("file"):
                number = 1
            elif _code_line(line[: match.start()]):
                number = index + 1
            else:
                number = next((i + 1 for i in range(index + 1, len(lines)) if _code_line(lines[i])), index + 1)
            for rid in ids:
                expected.add((rel, number, rid))
    return expected
