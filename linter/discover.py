"""Walk the scanned paths and pick the files pacsguard can read.

Never follows a symbolic link out of the scanned tree, never visits a directory twice (so link
loops end), skips version-control and dependency folders, and leaves unknown files alone.
Files it would read but cannot (too large, binary, unreadable) become notes, so nothing is lost
without a word.

Files named one by one (a pre-commit hook passes the staged files) are the scan's *focus*: their
context is read too (the other files of a folder-wide format such as Terraform or Orthanc, the
compose projects above an env file), but only findings in the named files, and in what they
deploy through other files (engine.ReadBatch.focus_origins), are reported.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from typing import Callable

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
    # relpaths of the files named on the command line when only files were named; None for a
    # scan of folders, where every finding counts.
    focus: frozenset[str] | None = None


class IgnoreRules:
    """`.gitignore` files met on the way down (and above the root, up to the repository's top),
    plus the configuration's exclude globs, with git's own matching rules (pathspec)."""

    def __init__(self, exclude: Callable[[Path], bool] | None, gitignore: bool):
        self.exclude = exclude
        self.gitignore = gitignore
        self._own: dict[str, object | None] = {}  # folder -> its .gitignore's spec
        self._chain: dict[str, list[tuple[str, object]]] = {}  # folder -> specs that apply in it
        self._is_top: dict[str, bool] = {}

    def _spec(self, folder: str):
        if folder not in self._own:
            spec = None
            ignore_file = os.path.join(folder, ".gitignore")
            if os.path.isfile(ignore_file):
                import pathspec  # deferred: only for trees that have a .gitignore

                try:
                    with open(ignore_file, encoding="utf-8", errors="replace") as handle:
                        spec = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
                except (OSError, ValueError):
                    spec = None
            self._own[folder] = spec
        return self._own[folder]

    def chain(self, folder: str) -> list[tuple[str, object]]:
        """(folder, spec) of every .gitignore that applies to entries of `folder`: its own and its
        ancestors' up to the repository's top; none outside a repository."""
        if folder in self._chain:
            return self._chain[folder]
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")):
            above: list[tuple[str, object]] | None = []
        elif parent == folder:
            above = None  # reached / without finding a repository
        else:
            above = self._chain_or_none(parent)
        if above is None:
            chain: list[tuple[str, object]] = []
            self._is_top[folder] = False
        else:
            spec = self._spec(folder)
            chain = above + ([(folder, spec)] if spec is not None else [])
            self._is_top[folder] = True
        self._chain[folder] = chain
        return chain

    def _chain_or_none(self, folder: str) -> list[tuple[str, object]] | None:
        chain = self.chain(folder)
        return chain if self._is_top.get(folder) else None

    def ignored(self, folder: str, path: str, is_dir: bool) -> bool:
        if self.exclude is not None and self.exclude(Path(path)):
            return True
        if not self.gitignore:
            return False
        for base, spec in self.chain(folder):
            rel = path[len(base) + 1:] + ("/" if is_dir else "")
            if spec.match_file(rel):  # type: ignore[attr-defined]
                return True
        return False


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


def discover(paths: list[str], root: Path | None = None, max_bytes: int = MAX_FILE_BYTES,
             exclude: Callable[[Path], bool] | None = None, gitignore: bool = True,
             group_formats: frozenset[str] = frozenset()) -> Discovery:
    """`exclude` says whether an absolute path is excluded by the configuration; `gitignore`
    whether `.gitignore` files count; `group_formats` are the formats read folder by folder, whose
    siblings a file named on its own needs as context."""
    root = (root or scan_root(paths)).resolve()
    result = Discovery(root=str(root))
    ignore = IgnoreRules(exclude, gitignore)
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def consider_file(path: Path, relpath: str, explicit: bool, real: Path | None = None) -> None:
        linked = real is None and path.is_symlink()
        real = real or path.resolve()
        if linked and not _within(real, root):
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

    def walk(directory: Path, real: str | None = None, rel: str | None = None) -> None:
        # Real paths and relative paths are built while descending: resolving every entry
        # (a stat per path component) cost more than the rest of discovery together.
        real = real or str(directory.resolve())
        rel = _relpath(directory, root) if rel is None else rel
        if real in seen_dirs:
            result.skipped.append(Skipped(rel, "directory visited twice (link loop); not followed again"))
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append(Skipped(rel, f"directory cannot be listed: {exc.strerror or exc}"))
            return
        folder = str(directory)
        for entry in entries:
            relpath = f"{rel}/{entry.name}" if rel and rel != "." else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            if ignore.ignored(folder, entry.path, is_dir):
                continue
            if is_dir:
                if entry.name in SKIP_DIRS:
                    continue
                path = Path(entry.path)
                if is_link:
                    target = path.resolve()
                    if not _within(target, root):
                        continue
                    walk(path, str(target), relpath)
                else:
                    walk(path, f"{real}/{entry.name}", relpath)
            elif is_link:
                consider_file(Path(entry.path), relpath, explicit=False)
            elif entry.is_file(follow_symlinks=False):
                consider_file(Path(entry.path), relpath, explicit=False, real=Path(f"{real}/{entry.name}"))

    named: list[Path] = []
    only_files = True
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            result.skipped.append(Skipped(raw, "does not exist"))
            continue
        path = Path(os.path.abspath(raw))  # absolute, but links not resolved: they are checked
        if path.is_dir():
            only_files = False
            walk(path)
        elif ignore.exclude is not None and ignore.exclude(path):
            continue  # pre-commit passes excluded files too: the configuration still wins
        else:
            named.append(path)
            consider_file(path, _relpath(path, root), explicit=True)
    if only_files and named:
        result.focus = frozenset(_relpath(p, root) for p in named)
        _add_context(named, root, result, consider_file, group_formats)
    result.candidates.sort(key=lambda c: c.relpath)
    return result


def _add_context(named: list[Path], root: Path, result: Discovery, consider_file, group_formats: frozenset[str]) -> None:
    """Files a named file cannot be judged without: the rest of its folder for a folder-wide
    format, and the compose files of its folder and the folders above it (an env file, a mounted
    orthanc.json or smb.conf is read in its compose service's context)."""
    formats_by_dir: dict[Path, set[str]] = {}
    by_path = {c.path: c.format for c in result.candidates}
    for path in named:
        fmt = by_path.get(str(path.resolve()))
        formats_by_dir.setdefault(path.parent, set()).update({fmt} if fmt in group_formats else set())
    folders: set[Path] = set()
    for path in named:
        folder = path.parent
        while _within(folder, root):
            folders.add(folder)
            if folder == root:
                break
            folder = folder.parent
    for folder in sorted(folders):
        try:
            entries = sorted(e.name for e in os.scandir(folder) if e.is_file())
        except OSError:
            continue
        wanted = formats_by_dir.get(folder, set())
        for name in entries:
            sibling = folder / name
            fmt = classify_by_name(_relpath(sibling, root))
            if fmt == "compose" or (wanted and _classify(sibling, _relpath(sibling, root)) in wanted):
                consider_file(sibling, _relpath(sibling, root), explicit=False)
