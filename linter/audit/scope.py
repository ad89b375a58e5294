"""The audit's scope: what was scanned, with which rules, and checksums that let an auditor show
later that a report belongs to a given tree and rule set."""
from __future__ import annotations

import datetime as _dt
import hashlib
from collections import Counter
from pathlib import Path

from linter import __version__
from linter.audit.model import Scope


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def tree_checksum(root: str, relpaths: list[str]) -> str:
    """sha256 of the lines `<sha256 of content>  <relpath>` (sha256sum's layout), sorted by path:
    the same tree gives the same value whatever the order the disk lists it in."""
    lines = [f"{_file_digest(Path(root) / rel)}  {rel}\n" for rel in sorted(relpaths)]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def ruleset_digest(rules: dict) -> str:
    digest = hashlib.sha256()
    for rid in sorted(rules):
        digest.update(rid.encode() + b"\0")
        source = rules[rid].source
        digest.update(Path(source).read_bytes() if source and Path(source).is_file() else rid.encode())
    return digest.hexdigest()


def build_scope(paths: list[str], result, now: _dt.datetime | None = None) -> Scope:
    files = tuple(sorted((f.relpath, f.format) for f in result.files))
    moment = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
    return Scope(
        paths=tuple(paths),
        root=str(result.root),
        files=files,
        files_by_format=tuple(sorted(Counter(fmt for _, fmt in files).items())),
        tool_version=__version__,
        ruleset_version=__version__,
        ruleset_digest=ruleset_digest(result.rules),
        rule_count=len(result.rules),
        tree_checksum=tree_checksum(str(result.root), [rel for rel, _ in files]),
        generated=moment.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    )
