"""The Terraform files of the scanned tree, read through the engine's ReadContext: each file
parsed once per scan, folders as modules, local module sources resolved inside the tree, and
which folders are called as modules by which others.

Back end: tree-sitter when it imports, else python-hcl2 (`PACSGUARD_HCL_BACKEND=hcl2` forces
the reference parser, for the differential test and for comparison).
"""
from __future__ import annotations

import os
import posixpath
import re
import weakref
from dataclasses import dataclass, field

from linter.formats.terraform import syntax as s
from linter.formats.terraform.evaluate import ModuleLoader
from linter.model import Finding, Origin, Severity

TF_SUFFIXES = (".tf", ".tf.json")
MAX_TFVARS_VARIANTS = 8
_LOCAL_SOURCE = re.compile(r"""["']?source["']?\s*[=:]\s*"(\.{1,2}/[^"]*|\.{1,2})\"""")
_LOCAL_SOURCE_BYTES = re.compile(_LOCAL_SOURCE.pattern.encode())
_REMOTE_PREFIXES = ("git::", "hg::", "s3::", "gcs::", "http://", "https://", "github.com/", "bitbucket.org/", "git@")


def backend_name() -> str:
    wanted = os.environ.get("PACSGUARD_HCL_BACKEND", "")
    if wanted == "hcl2":
        return "hcl2"
    from linter.formats.terraform import ts_backend
    return "tree-sitter" if ts_backend.available() else "hcl2"


def parse_text(text: str, relpath: str, backend: str | None = None) -> s.Document:
    backend = backend or backend_name()
    name = relpath.lower()
    if backend == "hcl2":
        from linter.formats.terraform import hcl2_backend as module
    else:
        from linter.formats.terraform import ts_backend as module  # type: ignore[no-redef]
    if name.endswith(".json"):
        from linter.formats.terraform import json_syntax
        return json_syntax.parse(text, relpath, module.parse_expression, tfvars=name.endswith(".tfvars.json"))
    return module.parse(text, relpath)


def is_tf(name: str) -> bool:
    return name.endswith(TF_SUFFIXES)


def is_tfvars(name: str) -> bool:
    return name.endswith(".tfvars") or name.endswith(".tfvars.json")


def is_auto_tfvars(name: str) -> bool:
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def is_remote(source: str) -> bool:
    return not (source.startswith("./") or source.startswith("../") or source in (".", ".."))


@dataclass
class TreeState:
    """Per-scan memory of the Terraform reader (one per ReadContext)."""

    docs: dict[str, s.Document] = field(default_factory=dict)
    callers: dict[str, set[str]] | None = None  # module folder -> folders that call it
    callees: dict[str, set[str]] | None = None  # the same graph, caller -> module folders
    tf_files: list[str] | None = None
    tf_file_set: frozenset[str] | None = None
    tf_stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # relpath -> (mtime_ns, size)
    root_facts: dict[str, list] = field(default_factory=dict)  # root folder -> facts of all variants
    emitted: set[tuple[str, str]] = field(default_factory=set)  # (root folder, origin folder)
    noted: set[tuple[str, int]] = field(default_factory=set)  # module source notes given


_STATES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class _SourcesCache:
    """The local module sources each `.tf` file names, remembered between runs in the user's
    cache folder (marshal; keyed by the scanned root), valid while a file's mtime and size hold."""

    def __init__(self, root) -> None:
        import hashlib

        from linter import cache

        digest = hashlib.sha256(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        self.name = f"tf-sources-{digest}.marshal"
        loaded = cache.load(self.name)
        self.entries: dict = loaded if isinstance(loaded, dict) else {}
        self.changed = False

    def get(self, rel: str, stamp):
        entry = self.entries.get(rel)
        if entry is None or stamp is None or tuple(entry[0]) != tuple(stamp):
            return None
        return entry[1]

    def put(self, rel: str, stamp, values: tuple[str, ...]) -> None:
        if stamp is not None:
            self.entries[rel] = (tuple(stamp), tuple(values))
            self.changed = True

    def save(self) -> None:
        if self.changed:
            from linter import cache

            cache.store(self.name, self.entries)


# The tree-wide module index (which files exist, which folders call which), built once per scan
# by `prepare` before worker processes fork, so every chunk's context starts from it instead of
# walking and searching the whole tree again.
_PREPARED: dict[str, TreeState] = {}


def prepare(ctx) -> None:
    _PREPARED.clear()
    index = Tree(ctx)
    index.callers()
    _ = index.reachable("")  # builds the callee map too
    _PREPARED[str(ctx.root)] = index.state


def state_of(ctx) -> TreeState:
    state = _STATES.get(ctx)
    if state is None:
        state = TreeState()
        prepared = _PREPARED.get(str(ctx.root))
        if prepared is not None:
            state.tf_files, state.tf_file_set = prepared.tf_files, prepared.tf_file_set
            state.tf_stamps, state.callers, state.callees = prepared.tf_stamps, prepared.callers, prepared.callees
        _STATES[ctx] = state
    return state


def folder_of(relpath: str) -> str:
    folder = posixpath.dirname(relpath)
    return folder


class Tree(ModuleLoader):
    """Files of the scanned tree as Terraform modules."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.state = state_of(ctx)

    # -- files ---------------------------------------------------------------------------------
    def _abs(self, relpath: str) -> str:
        return str(self.ctx.root / relpath) if relpath else str(self.ctx.root)

    def names(self, folder: str) -> list[str]:
        return self.ctx.listdir(self._abs(folder))

    def document(self, relpath: str) -> s.Document | None:
        cached = self.state.docs.get(relpath)
        if cached is not None:
            return cached
        source = self.source(relpath)
        return None if source is None else self.parse_source(source)

    def parse_source(self, source) -> s.Document:
        """Parse a file once per scan; its first syntax problem becomes a PG001 finding."""
        relpath = source.relpath
        cached = self.state.docs.get(relpath)
        if cached is not None:
            return cached
        doc = parse_text(source.text, relpath)
        self.state.docs[relpath] = doc
        if doc.problem is not None:
            self.ctx.problems.append(Finding(
                "PG001", Severity.MEDIUM, f"cannot be parsed as Terraform: {doc.problem.message}",
                Origin(relpath, doc.problem.line, doc.problem.column), rule_class="tool"))
        return doc

    def module_docs(self, folder: str) -> list[s.Document]:
        docs = []
        for name in self.names(folder):
            if is_tf(name.lower()):
                doc = self.document(posixpath.join(folder, name) if folder else name)
                if doc is not None:
                    docs.append(doc)
        return docs

    def tfvars(self, folder: str) -> tuple[list[s.Document], list[s.Document]]:
        """(auto-loaded tfvars in Terraform's order, other tfvars files of the folder)."""
        names = [n for n in self.names(folder) if is_tfvars(n.lower())]
        auto = [n for n in names if n.lower() in ("terraform.tfvars", "terraform.tfvars.json")]
        auto += sorted(n for n in names if n.lower().endswith((".auto.tfvars", ".auto.tfvars.json")))
        others = [n for n in names if n not in auto]
        load = lambda ns: [d for d in (self.document(posixpath.join(folder, n) if folder else n) for n in ns) if d is not None]
        return load(auto), load(others)

    def read_text(self, relpath: str) -> str | None:
        if relpath.startswith("../") or relpath == "..":
            return None
        source = self.ctx.load(self._abs(relpath))
        if source is None or len(source.text) > 1_000_000:
            return None
        return source.text

    def parse_template(self, text: str, relpath: str) -> s.Expr:
        from linter.formats.terraform.templates import split_template
        if backend_name() == "hcl2":
            from linter.formats.terraform.hcl2_backend import parse_expression
        else:
            from linter.formats.terraform.ts_backend import parse_expression  # type: ignore[no-redef]
        return split_template(text, parse_expression, 1, 1, quoted=False)

    # -- modules -------------------------------------------------------------------------------
    def resolve_source(self, caller_folder: str, source: str) -> str | None:
        joined = posixpath.normpath(posixpath.join(caller_folder or ".", source))
        if joined == ".":
            return ""
        if joined.startswith("../") or joined == "..":
            return None
        return joined

    def load_module(self, caller_folder, source, relpath, block):
        attr = block.body.attributes.get("source")
        line = attr.line if attr else block.line
        column = attr.column if attr else block.column
        if is_remote(source):
            self._note(relpath, line, column, f"module source {source!r} is remote; not fetched")
            return None
        folder = self.resolve_source(caller_folder, source)
        docs = self.module_docs(folder) if folder is not None else []
        if folder is None or not docs:
            where = "outside the scanned tree" if folder is None else "not found in the scanned tree"
            self._note(relpath, line, column, f"module source {source!r} is {where}; not scanned")
            return None
        return folder, docs

    def _note(self, relpath: str, line: int, column: int, message: str) -> None:
        key = (relpath, line)
        if key in self.state.noted:
            return
        self.state.noted.add(key)
        self.ctx.problems.append(Finding("PG002", Severity.INFO, message, Origin(relpath, line, column), rule_class="tool"))

    def callers(self) -> dict[str, set[str]]:
        """Module folder -> folders whose module blocks call it with a local source. Built once
        per scan from every `.tf` / `.tf.json` file of the tree by a search of the raw bytes for
        `source = "./..."`, without parsing: a pre-commit run on one module file must find its
        callers in the whole tree. The sources found per file are kept in the user's cache,
        keyed by the file's modification time and size, so the next run reads only what changed
        (1,572 files: 0.5 s parsing the callers, 0.1 s searching, 0.02 s from the cache).
        A local `source` that names a folder holding Terraform files is a module call; the other
        `source` attributes (an S3 object's file, a provisioner's) name files, not such folders."""
        if self.state.callers is not None:
            return self.state.callers
        found: dict[str, set[str]] = {}
        files = self.tf_files()
        folders = {folder_of(rel) for rel in files}
        cache = _SourcesCache(self.ctx.root)
        for rel in files:
            stamp = self.state.tf_stamps.get(rel)
            values = cache.get(rel, stamp)
            if values is None:
                values = self._local_sources(rel)
                cache.put(rel, stamp, values)
            folder = folder_of(rel)
            for value in values:
                target = self.resolve_source(folder, value)
                if target is not None and target != folder and target in folders:
                    found.setdefault(target, set()).add(folder)
        cache.save()
        self.state.callers = found
        return found

    def _local_sources(self, rel: str) -> tuple[str, ...]:
        loaded = self.ctx.loaded.get(rel)
        try:
            if loaded is not None:
                data = loaded.text.encode("utf-8", "surrogatepass")
            else:
                with open(self._abs(rel), "rb") as handle:
                    data = handle.read()
        except OSError:
            return ()
        values = []
        for match in _LOCAL_SOURCE_BYTES.finditer(data):
            line_start = data.rfind(b"\n", 0, match.start()) + 1
            before = data[line_start:match.start()]
            if b"#" in before or b"//" in before:
                continue  # a commented-out module call
            values.append(match.group(1).decode("utf-8", "replace"))
        return tuple(values)

    def tf_files(self) -> list[str]:
        """Every `.tf` / `.tf.json` file of the scanned tree (outside the folders discovery
        skips, not through symbolic links), listed once per scan."""
        if self.state.tf_files is not None:
            return self.state.tf_files
        from linter.discover import MAX_FILE_BYTES, SKIP_DIRS

        files: list[str] = []
        pending = [""]
        while pending and len(files) < 200_000:
            folder = pending.pop()
            try:
                entries = list(os.scandir(self._abs(folder)))
            except OSError:
                continue
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                try:
                    if entry.is_symlink():
                        continue  # discovery decides about links; callers are found in real files
                    if entry.is_dir():
                        if entry.name not in SKIP_DIRS:
                            pending.append(rel)
                    elif is_tf(entry.name.lower()):
                        info = entry.stat()
                        if info.st_size <= MAX_FILE_BYTES:
                            files.append(rel)
                            self.state.tf_stamps[rel] = (info.st_mtime_ns, info.st_size)
                except OSError:
                    continue
        self.state.tf_files = sorted(files)
        return self.state.tf_files

    def source(self, relpath: str):
        """A file of the tree as the engine would read it, once per scan. Files found by
        `tf_files` are regular files inside the root, so they are read directly; anything
        else goes through ctx.load, which checks that it stays inside the tree."""
        loaded = self.ctx.loaded.get(relpath)
        if loaded is not None:
            return loaded
        if relpath in self._walked():
            from linter.engine import read_source
            source = read_source(self._abs(relpath), relpath, "terraform", self.ctx.problems)
            if source is not None:
                self.ctx.loaded[relpath] = source
            return source
        return self.ctx.load(self._abs(relpath), fmt="terraform")

    def _walked(self) -> frozenset[str]:
        if self.state.tf_file_set is None:
            self.state.tf_file_set = frozenset(self.tf_files())
        return self.state.tf_file_set

    def top_roots(self, folder: str) -> list[str]:
        """The folders that are not themselves called and reach `folder` through module calls
        (`folder` itself when nobody calls it)."""
        callers = self.callers()
        roots: set[str] = set()
        stack = [folder]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            above = callers.get(current)
            if not above:
                roots.add(current)
            else:
                stack.extend(above)
        return sorted(roots) or [folder]

    def reachable(self, folder: str) -> set[str]:
        """`folder` and the local module folders it calls, transitively."""
        callees = self.state.callees
        if callees is None:
            callees = {}
            for target, sources in self.callers().items():
                for src in sources:
                    callees.setdefault(src, set()).add(target)
            self.state.callees = callees
        out: set[str] = set()
        stack = [folder]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.add(current)
            stack.extend(callees.get(current, ()))
        return out
