"""Where an Ansible project's parts are: project root, roles, playbooks, inventories, vars files.

Every file is reached through the scan's ReadContext (`listdir`, `load`), never outside the
scanned tree, and each folder is listed once per scan. A file given alone (pre-commit passes only
the changed ones: a template, a defaults file) finds its project by walking up: the nearest
folder with `ansible.cfg`, `roles/`, `site.yml` or `playbooks/`, else one with `group_vars/`,
`host_vars/` or an inventory, else the role (a folder with `tasks/`) the file belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from linter.formats.ansible.values import Var
from linter.formats.ansible.yamlfile import YNode, load, to_python
from linter.model import Finding, Origin, ParseError, Severity, SourceFile

ROLE_DIRS = ("tasks", "handlers", "defaults", "vars", "templates", "files", "meta")
STRONG_MARKERS = frozenset({"ansible.cfg", "roles", "site.yml", "site.yaml", "playbooks"})
WEAK_MARKERS = frozenset({"group_vars", "host_vars", "inventory", "inventories", "hosts", "hosts.ini",
                          "inventory.ini", "inventory.yml", "inventory.yaml", "hosts.yml", "hosts.yaml"})
YAML_SUFFIXES = (".yml", ".yaml", ".json")
INVENTORY_NAMES = ("inventory", "hosts", "inventory.ini", "hosts.ini", "inventory.yml", "inventory.yaml",
                   "hosts.yml", "hosts.yaml")


def join(*parts: str) -> str:
    cleaned = [p for p in parts if p and p != "."]
    return str(PurePosixPath(*cleaned)) if cleaned else "."


def parent(relpath: str) -> str:
    value = str(PurePosixPath(relpath).parent)
    return value if value else "."


class Files:
    """Cached access to the scanned tree; parse errors become PG001 notes, once per file."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._dirs: dict[str, list[str]] = {}
        self._yaml: dict[str, YNode | None] = {}
        self._reported: set[str] = set()
        self._vars: dict[str, dict[str, Var]] = {}
        self._exists: dict[str, bool] = {}

    def exists(self, rel: str) -> bool:
        """A file (not a folder) of the scanned tree; asked once per path."""
        found = self._exists.get(rel)
        if found is None:
            folder, _, name = rel.rpartition("/")
            found = name in self.listdir(folder or ".") and self.ctx.exists(rel)
            self._exists[rel] = found
        return found

    def listdir(self, rel: str) -> list[str]:
        if rel not in self._dirs:
            self._dirs[rel] = self.ctx.listdir(rel) if rel != "." else self.ctx.listdir(".")
        return self._dirs[rel]

    def has(self, folder: str, name: str) -> bool:
        return name in self.listdir(folder)

    def is_dir(self, rel: str) -> bool:
        return bool(self.listdir(rel)) and not self.exists(rel)

    def source(self, rel: str) -> SourceFile | None:
        if rel == "." or not self.exists(rel):
            return None
        return self.ctx.load(rel, None, "ansible")

    def yaml(self, rel: str) -> YNode | None:
        if rel in self._yaml:
            return self._yaml[rel]
        node = None
        source = self.source(rel)
        if source is not None:
            try:
                node = load(source.text)
            except ParseError as exc:
                self.problem(rel, f"cannot be parsed as Ansible YAML: {exc.message}", exc.line, exc.column)
            except RecursionError:
                self.problem(rel, "cannot be parsed as Ansible YAML: nested too deeply")
        self._yaml[rel] = node
        return node

    def problem(self, rel: str, message: str, line: int = 1, column: int = 1, rule: str = "PG001") -> None:
        key = f"{rule}:{rel}:{line}:{message}"
        if key in self._reported:
            return
        self._reported.add(key)
        self.ctx.problems.append(Finding(rule, Severity.MEDIUM, message, Origin(rel, line, column), rule_class="tool"))

    def first_existing(self, folder: str, stems: tuple[str, ...]) -> str | None:
        names = self.listdir(folder)
        for stem in stems:
            for suffix in ("", *YAML_SUFFIXES):
                if stem + suffix in names:
                    candidate = join(folder, stem + suffix)
                    if self.exists(candidate):
                        return candidate
        return None

    def vars_file(self, rel: str, layer: str) -> dict[str, Var]:
        """Variables of one YAML vars file, each with the line of its key."""
        node = self.yaml(rel)
        found: dict[str, Var] = {}
        if node is None or node.kind != "map":
            return found
        for key, child in node.value.items():
            found[key] = Var(key, to_python(child, key), Origin(rel, child.key_line), layer)
        return found

    def vars_named(self, folder: str, name: str, layer: str) -> dict[str, Var]:
        """`<folder>/<name>.yml` (or no suffix, .yaml, .json) or every file of `<folder>/<name>/`.
        Read once per scan (callers copy before changing)."""
        key = f"{folder}\x00{name}\x00{layer}"
        if key not in self._vars:
            self._vars[key] = self._vars_named(folder, name, layer)
        return self._vars[key]

    def _vars_named(self, folder: str, name: str, layer: str) -> dict[str, Var]:
        found: dict[str, Var] = {}
        single = self.first_existing(folder, (name,))
        if single is not None:
            found.update(self.vars_file(single, layer))
        sub = join(folder, name)
        if name in self.listdir(folder) and not self.exists(sub):
            for entry in self.listdir(sub):
                if entry.endswith(YAML_SUFFIXES) or "." not in entry:
                    found.update(self.vars_file(join(sub, entry), layer))
        return found


@dataclass
class Role:
    name: str
    path: str

    def dir(self, sub: str) -> str:
        return join(self.path, sub)


@dataclass
class ProjectLayout:
    root: str
    playbooks: list[str] = field(default_factory=list)
    inventories: list[str] = field(default_factory=list)
    vars_dirs: list[str] = field(default_factory=list)  # folders holding group_vars/ and host_vars/
    roles: dict[str, Role] = field(default_factory=dict)
    standalone_role: Role | None = None


def is_role_dir(files: Files, folder: str) -> bool:
    names = set(files.listdir(folder))
    return "tasks" in names and bool(names & {"defaults", "meta", "handlers", "templates", "vars", "files"})


def project_root(relpath: str, files: Files) -> str:
    parts = PurePosixPath(relpath).parts[:-1]
    if "roles" in parts:
        index = len(parts) - 1 - parts[::-1].index("roles")
        if index + 1 < len(parts):
            return join(*parts[:index])
    weak: str | None = None
    role: str | None = None
    for n in range(len(parts), -1, -1):
        folder = join(*parts[:n])
        names = set(files.listdir(folder))
        if names & STRONG_MARKERS:
            return folder
        if weak is None and names & WEAK_MARKERS and not (parts[n:n + 1] and parts[n] in ("group_vars", "host_vars")):
            weak = folder
        if role is None and is_role_dir(files, folder):
            role = folder
    if role is not None:
        return role
    if weak is not None:
        return weak
    folder = join(*parts)
    if parts and parts[-1] in ROLE_DIRS:
        return join(*parts[:-1])
    return folder


def is_playbook(node: YNode | None) -> bool:
    if node is None or node.kind != "seq" or not node.value:
        return False
    for item in node.value:
        if item.kind != "map":
            return False
        keys = set(item.value)
        if not keys & {"hosts", "import_playbook", "ansible.builtin.import_playbook", "include"}:
            return False
    return True


def discover_layout(root: str, files: Files) -> ProjectLayout:
    layout = ProjectLayout(root)
    names = files.listdir(root)
    if is_role_dir(files, root) and "roles" not in names:
        layout.standalone_role = Role(PurePosixPath(root).name if root != "." else "role", root)
    for folder in (root, join(root, "playbooks")):
        for name in files.listdir(folder):
            if name.endswith((".yml", ".yaml")) and name not in INVENTORY_NAMES:
                rel = join(folder, name)
                if files.exists(rel) and is_playbook(files.yaml(rel)):
                    layout.playbooks.append(rel)
    # Inventories, and the folders whose group_vars/ and host_vars/ apply.
    layout.vars_dirs.append(root)
    for name in INVENTORY_NAMES:
        rel = join(root, name)
        if name in names:
            if files.exists(rel):
                layout.inventories.append(rel)
            else:
                _inventory_dir(rel, files, layout)
    if "inventories" in names:
        for env in files.listdir(join(root, "inventories")):
            folder = join(root, "inventories", env)
            if files.exists(folder):
                layout.inventories.append(folder)
            else:
                _inventory_dir(folder, files, layout)
    for folder in {root, *(parent(p) for p in layout.playbooks)}:
        roles_dir = join(folder, "roles")
        for name in files.listdir(roles_dir):
            path = join(roles_dir, name)
            if files.listdir(path) and not files.exists(path):
                layout.roles.setdefault(name, Role(name, path))
    return layout


def _inventory_dir(folder: str, files: Files, layout: ProjectLayout) -> None:
    layout.vars_dirs.append(folder)
    for entry in files.listdir(folder):
        rel = join(folder, entry)
        if entry in ("group_vars", "host_vars") or entry.startswith(".") or entry.endswith((".md", ".txt", ".py", ".sh")):
            continue
        if files.exists(rel):
            layout.inventories.append(rel)
