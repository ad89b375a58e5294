"""Walk the scanned paths and pick the files pacsguard can read.

Never follows a symbolic link out of the scanned tree, never visits a directory twice (so link
loops end), skips version-control and dependency folders, and leaves unknown files alone.
Files it would read but cannot (too large, binary, unreadable) become notes, so nothing is lost
without a word.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from linter.classify import SNIFF_BYTES, classify_by_content, classify_by_name, needs_sniff

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".terraform", "__pycache__", ".venv", "venv", ".tox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea", ".vscode",
})
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str  # absolute
    relpath: str  # POSIX, relative to the scan root
    format: str


@dataclass(frozen=True, slots=True)
class Skipped:
    relpath: str
    reason: str


@dataclass
class Discovery:
    root: str
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def scan_root(paths: list[str]) -> Path:
    """The directory that report paths are relative to.

    The current directory when every scanned path lies inside it: run from a repository's top,
    paths in every report (and SARIF URIs, which GitHub resolves against the repository) read
    as in the repository. Otherwise the one scanned directory, or the paths' common ancestor."""
    resolved = [Path(p).resolve() for p in paths] or [Path.cwd()]
    cwd = Path.cwd().resolve()
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    if len(resolved) == 1 and resolved[0].is_dir():
        return resolved[0]
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    return common if common.is_dir() else common.parent


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _classify(path: Path, relpath: str) -> str | None:
    fmt = classify_by_name(relpath)
    if fmt is not None or not needs_sniff(relpath):
        return fmt
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    if b"\x00" in head:
        return None
    return classify_by_content(relpath, head.decode("utf-8", "replace"))


def discover(paths: list[str], root: Path | None = None, max_bytes: int = MAX_FILE_BYTES) -> Discovery:
    root = (root or scan_root(paths)).resolve()
    result = Discovery(root=str(root))
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def consider_file(path: Path, relpath: str, explicit: bool) -> None:
        real = path.resolve()
        if path.is_symlink() and not _within(real, root):
            if classify_by_name(relpath):
                result.skipped.append(Skipped(relpath, "symbolic link leaves the scanned tree; not followed"))
            return
        if str(real) in seen_files:
            return
        fmt = _classify(path, relpath)
        if fmt is None:
            return
        seen_files.add(str(real))
        try:
            size = real.stat().st_size
        except OSError as exc:
            result.skipped.append(Skipped(relpath, f"cannot be read: {exc.strerror or exc}"))
            return
        if size > max_bytes:
            result.skipped.append(Skipped(
                relpath, f"is {size // (1024 * 1024)} MiB, over the {max_bytes // (1024 * 1024)} MiB limit; not scanned"))
            return
        result.candidates.append(Candidate(str(real), relpath, fmt))

    def walk(directory: Path) -> None:
        real = directory.resolve()
        if str(real) in seen_dirs:
            result.skipped.append(Skipped(_relpath(directory, root), "directory visited twice (link loop); not followed again"))
            return
        seen_dirs.add(str(real))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append(Skipped(_relpath(directory, root), f"directory cannot be listed: {exc.strerror or exc}"))
            return
        for entry in entries:
            path = Path(entry.path)
            relpath = _relpath(path, root)
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                if entry.name in SKIP_DIRS:
                    continue
                if is_link and not _within(path.resolve(), root):
                    continue
                walk(path)
            elif entry.is_file(follow_symlinks=True) or is_link:
                consider_file(path, relpath, explicit=False)

    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            result.skipped.append(Skipped(raw, "does not exist"))
            continue
        path = Path(os.path.abspath(raw))  # absolute, but links not resolved: they are checked
        if path.is_dir():
            walk(path)
        else:
            consider_file(path, _relpath(path, root), explicit=True)
    result.candidates.sort(key=lambda c: c.relpath)
    return result
