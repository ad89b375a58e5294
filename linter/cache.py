"""The user's cache folder: what one run may remember for the next (a validated rule set, a
validated configuration file, which Terraform files call which module).

Everything here is an optimisation: a missing, unreadable or read-only cache only costs the next
run the work again, never a wrong answer, because every entry is keyed by a digest or a stamp
of what it was computed from. `PACSGUARD_NO_CACHE=1` turns it off.
"""
from __future__ import annotations

import marshal
import os
from pathlib import Path


def cache_dir() -> Path | None:
    if os.environ.get("PACSGUARD_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pacsguard"


def _path(name: str) -> Path | None:
    folder = cache_dir()
    return folder / name if folder is not None else None


def load(name: str) -> object | None:
    """A value stored with `store` (plain data: marshal), or None when there is none."""
    path = _path(name)
    if path is None:
        return None
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(name: str, value: object) -> None:
    """Write atomically, so parallel runs never read half a file."""
    path = _path(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(marshal.dumps(value))
        os.replace(temporary, path)
    except (OSError, ValueError):
        pass  # a read-only home, or a value marshal cannot hold: computed again next time


def marked(name: str) -> bool:
    path = _path(name)
    return path is not None and path.exists()


def mark(name: str) -> None:
    """Remember that something keyed by `name` (a digest) was checked."""
    path = _path(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("validated\n", encoding="utf-8")
    except OSError:
        pass
