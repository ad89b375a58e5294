"""Evaluate one Ansible project: every play, role, block and task, once per scan.

Plays apply roles to host groups; a role no play uses, and a task file no play reaches, are
still evaluated (with the role's own defaults and vars), because a reviewer reading the role
would judge them too. `when:` is ignored (a conditional exposure is still an exposure), so is
`become:`. Facts are scoped to the play's host group, so that a DDNS client installed on the
same group as a Samba server is related to it (PG301) and one on another group is not.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from linter.facts import Fact
from linter.formats.ansible import modules
from linter.formats.ansible.frame import Frame, RuntimeVars
from linter.formats.ansible.inventory import Group, Inventory, looks_like_yaml_inventory, parse_ini, parse_yaml_inventory
from linter.formats.ansible.layout import Files, ProjectLayout, Role, discover_layout, is_playbook, join, parent
from linter.formats.ansible.tasks import TaskSpec, normalise
from linter.formats.ansible.values import Unknown, Var
from linter.formats.ansible.yamlfile import YNode, to_python
from linter.knowledge import parse_bool
from linter.model import Origin, ParseError

MAX_INCLUDE_DEPTH = 16
MAX_LOOP_ITEMS = 64
OMIT = "__omit_place_holder__"
MAX_VARIANTS = 8  # groups below a play's hosts evaluated with their own variables
INCLUDE_TASKS = frozenset({"include_tasks", "import_tasks", "include"})
INCLUDE_ROLE = frozenset({"include_role", "import_role"})
PLAY_SECTIONS = ("pre_tasks", "tasks", "post_tasks", "handlers")


@dataclass
class Task:
    """A module call ready for the mappers: arguments templated for one loop item."""

    spec: TaskSpec
    args: dict[str, object]
    path: str
    frame: Frame
    no_log: bool | None
    looped: bool

    @property
    def module(self) -> str:
        return self.spec.module

    def origin(self, arg: str | None = None) -> Origin:
        line = self.spec.lines.get(arg, self.spec.line) if arg else self.spec.line
        return Origin(self.path, line)

    def first(self, *names: str) -> tuple[str | None, object]:
        for name in names:
            if name in self.args and self.args[name] is not None:
                return name, self.args[name]
        return None, None

    def vars_of(self, arg: str | None) -> list[Var]:
        if arg is None:
            return []
        return self.frame.used_vars(self.spec.args.get(arg))

    def written(self, arg: str) -> object:
        """The argument as written in the file, before templating."""
        return self.spec.args.get(arg)

    def quoted(self, arg: str) -> str:
        """The argument's text exactly as the file spells it (`no`, not Python's False)."""
        node = self.spec.nodes.get(arg)
        text = str(node.value) if node is not None and node.kind == "scalar" and node.value is not None else str(self.spec.args.get(arg))
        if "{{" in text and not isinstance(self.args.get(arg), (dict, list)):
            return str(self.args.get(arg))
        return text


class Evaluator:
    def __init__(self, ctx, root: str, files: Files):
        self.ctx = ctx
        self.root = root
        self.files = files
        self.layout: ProjectLayout = discover_layout(root, files)
        self.inventory = Inventory()
        self.facts: list[Fact] = []
        self.visited: set[str] = set()
        self.roles_run: set[str] = set()
        self.scopes: dict[str, str] = {}
        self._groups: dict[str, list[str]] | None = None

    # -- entry ---------------------------------------------------------------------------------

    def run(self) -> list[Fact]:
        self._load_inventories()
        plays = self._plays()
        self._assign_scopes(plays)
        for path, play in plays:
            self._run_play(path, play)
        base = self._base_frame("all", self._scope_of("all")).child(RuntimeVars())
        roles = list(self.layout.roles.values())
        if self.layout.standalone_role is not None:
            roles.append(self.layout.standalone_role)
        for role in roles:
            if role.path not in self.roles_run:
                self._run_role(base.child(scope=role.path), role, {}, "main", origin=None)
        for role in roles:
            frame = self._role_frame(base.child(scope=role.path), role, {})
            for sub in ("tasks", "handlers"):
                folder = role.dir(sub)
                for name in self.files.listdir(folder):
                    rel = join(folder, name)
                    if rel not in self.visited and name.endswith((".yml", ".yaml")):
                        self._run_file(frame.child(task_dir=folder), rel, 0)
        return self.facts

    def run_orphan(self, relpath: str) -> list[Fact]:
        """A task list no play or role reached (a playbook-level `tasks/x.yml`)."""
        if relpath in self.visited or not relpath.endswith((".yml", ".yaml")) or relpath in self.layout.inventories:
            return []
        before = len(self.facts)
        node = self.files.yaml(relpath)
        if is_playbook(node):  # a playbook outside the project's top folder and playbooks/
            plays = self._plays([relpath])
            self._assign_scopes(plays, keep=True)
            for path, play in plays:
                self._run_play(path, play)
        elif node is not None and node.kind == "seq" and all(i.kind == "map" for i in node.value):
            base = self._base_frame("all", self._scope_of("all")).child(RuntimeVars())
            self._run_file(base.child(task_dir=parent(relpath), template_dirs=[join(parent(parent(relpath)), "templates"), parent(relpath)]), relpath, 0)
        return self.facts[before:]

    # -- inventory and scopes ------------------------------------------------------------------

    def _load_inventories(self) -> None:
        self.visited.update(self.layout.inventories)
        for rel in self.layout.inventories:
            source = self.files.source(rel)
            if source is None:
                continue
            try:
                if rel.endswith((".yml", ".yaml", ".json")) or source.text.lstrip().startswith(("all:", "---")):
                    node = self.files.yaml(rel)
                    if looks_like_yaml_inventory(node):
                        inv = parse_yaml_inventory(source)
                        if inv is not None:
                            self.inventory.merge(inv)
                    continue
                self.inventory.merge(parse_ini(source))
            except ParseError as exc:
                self.files.problem(rel, f"cannot be parsed as an Ansible inventory: {exc.message}", exc.line)

    def _hosts_of_pattern(self, pattern: str) -> set[str] | None:
        """Hosts a play's `hosts:` names; None for every host (or a pattern only the run knows)."""
        if not pattern or "{{" in pattern or pattern.strip() in ("all", "*", "localhost:all"):
            return None
        hosts: set[str] = set()
        for token in pattern.replace(",", ":").split(":"):
            token = token.strip()
            if not token or token.startswith("!"):
                continue
            token = token.lstrip("&")
            if token in ("all", "*") or "*" in token or "~" in token:
                return None
            if token in self.inventory.groups:
                hosts |= self.inventory.hosts_of(token) or {f"group:{token}"}
            else:
                hosts.add(token)
        return hosts

    def _assign_scopes(self, plays: list[tuple[str, YNode]], keep: bool = False) -> None:
        """Plays whose hosts overlap share a scope; `hosts: all` is the project's scope. With
        `keep`, patterns that already have a scope keep it (a playbook found later)."""
        patterns = sorted({self._pattern(play) for _, play in plays} - (set(self.scopes) if keep else set()))
        owner: dict[str, str] = {}
        sets = {p: self._hosts_of_pattern(p) for p in patterns}
        for p in patterns:
            owner[p] = p
        def find(p: str) -> str:
            while owner[p] != p:
                p = owner[p]
            return p
        for i, a in enumerate(patterns):
            for b in patterns[i + 1:]:
                sa, sb = sets[a], sets[b]
                if sa is not None and sb is not None and sa & sb:
                    owner[find(b)] = find(a)
        for p in patterns:
            if sets[p] is None:
                self.scopes[p] = self.root if self.root != "." else ""
            else:
                label = find(p).replace("/", "_").replace(" ", "")
                self.scopes[p] = join(self.root, "@" + label)

    def _scope_of(self, pattern: str) -> str:
        return self.scopes.get(pattern, self.root if self.root != "." else "")

    @staticmethod
    def _pattern(play: YNode) -> str:
        hosts = play.get("hosts")
        if hosts is None:
            return "all"
        value = to_python(hosts)
        if isinstance(value, list):
            return ":".join(str(v) for v in value)
        return str(value) if value is not None else "all"

    def _group_layers(self, pattern: str) -> list[dict[str, Var]]:
        groups: list[str] = []
        hosts: list[str] = []
        for token in pattern.replace(",", ":").split(":"):
            token = token.strip().lstrip("&")
            if not token or token.startswith("!") or token in ("all", "*"):
                continue
            if token in self.inventory.groups:
                for g in [*self.inventory.parents_of(token), token]:
                    if g not in groups:
                        groups.append(g)
            elif token in self.inventory.host_vars:
                hosts.append(token)
                for g in self.inventory.groups_of_host(token):
                    if g not in groups:
                        groups.append(g)
        layers: list[dict[str, Var]] = []
        layers.append(dict(self.inventory.groups.get("all").vars) if "all" in self.inventory.groups else {})
        for g in groups:
            layers.append(dict(self.inventory.groups[g].vars))
        for folder in self.layout.vars_dirs:
            layers.append(self.files.vars_named(join(folder, "group_vars"), "all", "group_vars/all"))
        for g in groups:
            for folder in self.layout.vars_dirs:
                layers.append(self.files.vars_named(join(folder, "group_vars"), g, f"group_vars/{g}"))
        for h in hosts:
            layers.append(dict(self.inventory.host_vars.get(h, {})))
            for folder in self.layout.vars_dirs:
                layers.append(self.files.vars_named(join(folder, "host_vars"), h, f"host_vars/{h}"))
        return [layer for layer in layers if layer]

    def _base_frame(self, pattern: str, scope: str) -> Frame:
        if self._groups is None:  # the `groups` magic variable, computed once per project
            self._groups = {name: sorted(self.inventory.hosts_of(name)) for name in self.inventory.groups}
        magic = {"groups": self._groups,
                 "inventory_hostname": Unknown("inventory_hostname"), "hostvars": Unknown("hostvars"),
                 "ansible_facts": Unknown("ansible_facts"), "playbook_dir": Unknown("playbook_dir"),
                 "role_path": Unknown("role_path")}
        return Frame(layers=self._group_layers(pattern), scope=scope, hosts=pattern,
                     template_dirs=[join(self.root, "templates"), self.root], files=self.files,
                     task_dir=self.root, extra=magic)

    # -- plays ---------------------------------------------------------------------------------

    def _plays(self, roots: list[str] | None = None) -> list[tuple[str, YNode]]:
        plays: list[tuple[str, YNode]] = []
        seen: set[str] = set()

        def visit(rel: str, depth: int) -> None:
            if rel in seen or depth > MAX_INCLUDE_DEPTH:
                return
            seen.add(rel)
            self.visited.add(rel)
            node = self.files.yaml(rel)
            if node is None or node.kind != "seq":
                return
            for item in node.value:
                if item.kind != "map":
                    continue
                target = item.get("import_playbook") or item.get("ansible.builtin.import_playbook") or item.get("include")
                if target is not None and "hosts" not in item.value:
                    name = str(to_python(target) or "")
                    if name and "{{" not in name and not name.startswith("/"):
                        resolved = posixpath.normpath(join(parent(rel), name))
                        if not resolved.startswith(".."):
                            visit(resolved, depth + 1)
                    continue
                plays.append((rel, item))

        for rel in (self.layout.playbooks if roots is None else roots):
            visit(rel, 0)
        return plays

    def _vars_layer(self, node: YNode | None, path: str, layer: str) -> dict[str, Var]:
        found: dict[str, Var] = {}
        if node is not None and node.kind == "map":
            for key, child in node.value.items():
                found[key] = Var(key, to_python(child, key), Origin(path, child.key_line), layer)
        return found

    def _variants(self, pattern: str) -> list[str]:
        """The play's own view, then one per group below its hosts whose variables differ
        (group_vars/nas can open a share that group_vars/all keeps closed): a finding on some of
        the play's hosts is a finding. At most MAX_VARIANTS, to stay bounded."""
        tokens = [t.strip().lstrip("&") for t in pattern.replace(",", ":").split(":")]
        tokens = [t for t in tokens if t and not t.startswith("!")]
        roots = ["all"] if not tokens or any(t in ("all", "*") for t in tokens) else [t for t in tokens if t in self.inventory.groups]
        below: list[str] = []
        for root in roots:
            stack = [root]
            while stack and len(below) < 200:
                group = stack.pop()
                for child in sorted(self.inventory.groups.get(group, Group(group)).children, reverse=True):
                    if child not in below and child not in roots:
                        below.append(child)
                        stack.append(child)
        with_vars = [g for g in below if self._group_has_vars(g)]
        # hosts of the play with variables of their own (host_vars/, inline inventory vars)
        hosts = sorted({h for root in roots for h in self.inventory.hosts_of(root)})
        own = [h for h in hosts if h not in self.inventory.groups and any(self._own_layers(h))]
        return [pattern] + with_vars[:MAX_VARIANTS] + own[:MAX_VARIANTS]

    def _group_has_vars(self, group: str) -> bool:
        if self.inventory.groups.get(group) is not None and self.inventory.groups[group].vars:
            return True
        return any(self.files.vars_named(join(folder, "group_vars"), group, f"group_vars/{group}")
                   for folder in self.layout.vars_dirs)

    def _run_play(self, path: str, play: YNode) -> None:
        pattern = self._pattern(play)
        variants = self._variants(pattern)
        used = self._run_play_as(path, play, pattern, variants[0])
        for variant in variants[1:]:
            # a group whose variables the play never looked at cannot change what it deploys
            if any(name in layer for layer in self._own_layers(variant) for name in used):
                self._run_play_as(path, play, pattern, variant)

    def _own_layers(self, name: str) -> list[dict[str, Var]]:
        """The variables a group (or a host) adds on its own."""
        if name in self.inventory.groups:
            layers = [self.inventory.groups[name].vars]
            layers += [self.files.vars_named(join(folder, "group_vars"), name, f"group_vars/{name}")
                       for folder in self.layout.vars_dirs]
            return layers
        layers = [{k: v for k, v in self.inventory.host_vars.get(name, {}).items() if not k.startswith("ansible_")}]
        layers += [self.files.vars_named(join(folder, "host_vars"), name, f"host_vars/{name}")
                   for folder in self.layout.vars_dirs]
        return layers

    def _run_play_as(self, path: str, play: YNode, pattern: str, variant: str) -> set[str]:
        """Evaluate one play for the hosts of `variant`; the variable names it looked up."""
        frame = self._base_frame(variant, self._scope_of(pattern))
        frame.hosts = pattern
        folder = parent(path)
        frame = frame.child(self._vars_layer(play.get("vars"), path, "play vars"), task_dir=folder,
                            template_dirs=[join(folder, "templates"), folder])
        vars_files = play.get("vars_files")
        for item in (vars_files.items() if vars_files is not None else []):
            name = frame.render(to_python(item))
            if isinstance(name, str) and name and not name.startswith("/") and "{{" not in name:
                rel = posixpath.normpath(join(folder, name))
                if not rel.startswith(".."):
                    frame = frame.child(self.files.vars_file(rel, "vars_files"))
        frame = frame.child(RuntimeVars())
        no_log = play.get("no_log")
        if no_log is not None:
            frame.no_log = parse_bool(to_python(no_log)) if not isinstance(to_python(no_log), bool) else to_python(no_log)
        modules.module_defaults(play.get("module_defaults"), path, frame, self.facts)
        for section in ("pre_tasks",):
            self._run_list(frame, play.get(section), path, 0)
        roles = play.get("roles")
        for entry in (roles.items() if roles is not None else []):
            self._play_role(frame, entry, path)
        for section in ("tasks", "post_tasks", "handlers"):
            self._run_list(frame, play.get(section), path, 0)
        return frame.used

    def _play_role(self, frame: Frame, entry: YNode, path: str) -> None:
        if entry.kind == "scalar":
            name, params = str(entry.value or ""), {}
        elif entry.kind == "map":
            name_node = entry.get("role") or entry.get("name")
            name = str(to_python(name_node) or "") if name_node is not None else ""
            params = {k: Var(k, to_python(v, k), Origin(path, v.key_line), "role params")
                      for k, v in entry.value.items() if k not in ("role", "name", "tags", "when", "become", "vars")}
            params.update(self._vars_layer(entry.get("vars"), path, "role params"))
        else:
            return
        role = self._find_role(name, parent(path))
        if role is not None:
            self._run_role(frame, role, params, "main", Origin(path, entry.line))

    # -- roles ---------------------------------------------------------------------------------

    def _find_role(self, name: str, near: str) -> Role | None:
        if not name or "{{" in name:
            return None
        if name in self.layout.roles:
            return self.layout.roles[name]
        for folder in (join(near, "roles"), join(self.root, "roles"), near):
            candidate = posixpath.normpath(join(folder, name))
            if candidate.startswith("..") or candidate == ".":
                continue
            if self.files.listdir(join(candidate, "tasks")) or self.files.listdir(join(candidate, "defaults")):
                role = Role(posixpath.basename(candidate), candidate)
                self.layout.roles.setdefault(role.name if role.name not in self.layout.roles else candidate, role)
                return role
        return None

    def _role_frame(self, frame: Frame, role: Role, params: dict[str, Var], defaults_from: str = "main",
                    vars_from: str = "main") -> Frame:
        defaults = self.files.vars_named(role.dir("defaults"), defaults_from, "role defaults")
        role_vars = self.files.vars_named(role.dir("vars"), vars_from, "role vars")
        child = frame.child(role_vars, bottom=defaults, role_path=role.path, task_dir=role.dir("tasks"),
                            template_dirs=[role.dir("templates"), role.path])
        # `{{ role_path }}/templates/x.j2`: the role's folder, as a path of the scanned tree
        child.extra["role_path"] = role.path
        if params:
            child = child.child(params)
        return child

    def _run_role(self, frame: Frame, role: Role, params: dict[str, Var], tasks_from: str, origin: Origin | None,
                  depth: int = 0, defaults_from: str = "main", vars_from: str = "main") -> None:
        if depth > MAX_INCLUDE_DEPTH:
            return
        self.roles_run.add(role.path)
        role_frame = self._role_frame(frame, role, params, defaults_from, vars_from)
        meta = self.files.yaml(self.files.first_existing(role.dir("meta"), ("main",)) or "")
        deps = meta.get("dependencies") if meta is not None and meta.kind == "map" else None
        for dep in (deps.items() if deps is not None else []):
            meta_path = self.files.first_existing(role.dir("meta"), ("main",)) or role.path
            if dep.kind == "scalar":
                dep_role, dep_params = self._find_role(str(dep.value or ""), parent(role.path)), {}
            elif dep.kind == "map":
                name_node = dep.get("role") or dep.get("name")
                dep_role = self._find_role(str(to_python(name_node) or ""), parent(role.path)) if name_node is not None else None
                dep_params = {k: Var(k, to_python(v, k), Origin(meta_path, v.key_line), "role params")
                              for k, v in dep.value.items() if k not in ("role", "name", "tags", "when")}
            else:
                continue
            if dep_role is not None and dep_role.path != role.path:
                self._run_role(frame, dep_role, dep_params, "main", origin, depth + 1)
        for sub, stem in (("tasks", tasks_from), ("handlers", "main")):
            rel = self.files.first_existing(role.dir(sub), (stem,))
            if rel is not None:
                self._run_file(role_frame.child(task_dir=role.dir(sub)), rel, depth + 1)

    # -- tasks ---------------------------------------------------------------------------------

    def _run_file(self, frame: Frame, rel: str, depth: int) -> None:
        if depth > MAX_INCLUDE_DEPTH:
            return
        self.visited.add(rel)
        node = self.files.yaml(rel)
        if node is None:
            return
        self._run_list(frame, node, rel, depth)

    def _run_list(self, frame: Frame, node: YNode | None, path: str, depth: int) -> None:
        if node is None or node.kind != "seq":
            return
        for item in node.value:
            if item.kind == "map":
                self._run_task(frame, item, path, depth)

    def _no_log(self, frame: Frame, node: YNode) -> bool | None:
        flag = node.get("no_log")
        if flag is None:
            return frame.no_log
        value = frame.render(to_python(flag))
        return parse_bool(value) if not isinstance(value, bool) else value

    def _run_task(self, frame: Frame, node: YNode, path: str, depth: int) -> None:
        task_vars = self._vars_layer(node.get("vars"), path, "task vars")
        if any(k in node.value for k in ("block", "rescue", "always")):
            block = frame.child(task_vars, no_log=self._no_log(frame, node))
            for key in ("block", "rescue", "always"):
                self._run_list(block, node.get(key), path, depth)
            return
        spec = normalise(node)
        if spec is None:
            return
        tframe = frame.child(task_vars) if task_vars else frame
        no_log = self._no_log(frame, node)
        if spec.module in INCLUDE_TASKS:
            self._include_tasks(tframe, spec, path, depth)
            return
        if spec.module in INCLUDE_ROLE:
            self._include_role(tframe, spec, path, depth)
            return
        if spec.module in ("set_fact", "include_vars"):
            self._runtime_vars(tframe, spec, path)
            return
        if spec.module in ("meta", "debug", "pause", "fail", "assert", "add_host", "group_by"):
            if spec.module == "debug":
                self._map(Task(spec, spec.args, path, tframe, no_log, False))
            return
        items, looped = self._loop_items(tframe, node)
        loop_control = node.get("loop_control")
        loop_var = "item"
        if loop_control is not None and loop_control.kind == "map" and loop_control.get("loop_var") is not None:
            loop_var = str(to_python(loop_control.get("loop_var")) or "item")
        for item in items:
            iframe = tframe.child() if looped else tframe
            if looped:
                iframe.extra[loop_var] = item
            args = {k: iframe.render(v) for k, v in spec.args.items()}
            # `default(omit)`: Ansible drops the argument, so the module's default applies
            args = {k: v for k, v in args.items() if not (isinstance(v, str) and v.startswith(OMIT))}
            self._map(Task(spec, args, path, iframe, no_log, looped))

    def _runtime_vars(self, frame: Frame, spec: TaskSpec, path: str) -> None:
        """`set_fact` (values templated now, as Ansible does) and `include_vars` of a file named
        literally; both rank above play and role variables for the tasks that follow."""
        runtime = next((layer for layer in reversed(frame.layers) if isinstance(layer, RuntimeVars)), None)
        if runtime is None:
            return
        if spec.module == "set_fact":
            for key, value in spec.args.items():
                if key not in ("cacheable", "_raw_params"):
                    runtime.set(Var(key, frame.render(value), Origin(path, spec.lines.get(key, spec.line)), "set_fact"))
            return
        name = frame.render(spec.args.get("file") or spec.args.get("_raw_params"))
        if not isinstance(name, str) or not name or "{{" in name or name.startswith("/") or spec.args.get("dir"):
            return
        folders = [join(frame.role_path, "vars")] if frame.role_path else []
        folders += [frame.task_dir, parent(path)]
        for folder in folders:
            rel = posixpath.normpath(join(folder, name))
            if not rel.startswith("..") and self.files.exists(rel):
                for var in self.files.vars_file(rel, "include_vars").values():
                    runtime.set(var)
                return

    def _map(self, task: Task) -> None:
        """A mapper bug costs one task (PG005 on its line), not the whole project."""
        try:
            modules.map_task(task, self.facts)
        except RecursionError:
            self.files.problem(task.path, "nested too deeply to evaluate this task", task.spec.line)
        except Exception as exc:  # noqa: BLE001
            self.files.problem(task.path, f"internal error while reading this task ({type(exc).__name__}: {exc}); "
                               "please report it", task.spec.line, rule="PG005")

    def _loop_items(self, frame: Frame, node: YNode) -> tuple[list[object], bool]:
        for key, child in node.value.items():
            if key != "loop" and not key.startswith("with_"):
                continue
            raw = to_python(child)
            value = frame.render(raw)
            if key == "with_dict" and isinstance(value, dict):
                value = [{"key": k, "value": v} for k, v in value.items()]
            if isinstance(value, dict):
                value = [value]
            if key in ("with_items", "with_flattened") and isinstance(value, list):
                flat: list[object] = []
                for v in value:
                    flat.extend(v if isinstance(v, list) else [v])
                value = flat
            if not isinstance(value, list) or not value:
                return [Unknown("item")], True
            return value[:MAX_LOOP_ITEMS], True
        return [None], False

    def _include_tasks(self, frame: Frame, spec: TaskSpec, path: str, depth: int) -> None:
        name = frame.render(spec.args.get("file") or spec.args.get("_raw_params"))
        if not isinstance(name, str) or not name or "{{" in name or name.startswith("/"):
            return
        params = {k: Var(k, v, Origin(path, spec.lines.get(k, spec.line)), "include params")
                  for k, v in spec.args.items() if k not in ("file", "_raw_params", "apply")}
        for folder in (frame.task_dir, parent(path)):
            rel = posixpath.normpath(join(folder, name))
            if rel.startswith(".."):
                continue
            if self.files.exists(rel):
                self._run_file(frame.child(params or None), rel, depth + 1)
                return

    def _include_role(self, frame: Frame, spec: TaskSpec, path: str, depth: int) -> None:
        name = frame.render(spec.args.get("name") or spec.args.get("role"))
        if not isinstance(name, str):
            return
        role = self._find_role(name, parent(path) if frame.role_path is None else parent(frame.role_path))
        if role is None:
            return
        # the task's `vars:` are role params here: above the role's own vars/main.yml
        params = self._vars_layer(spec.keywords.get("vars"), path, "include_role vars")
        tasks_from = frame.render(spec.args.get("tasks_from") or "main")
        self._run_role(frame, role, params, tasks_from if isinstance(tasks_from, str) else "main",
                       Origin(path, spec.line), depth + 1,
                       defaults_from=str(spec.args.get("defaults_from") or "main"),
                       vars_from=str(spec.args.get("vars_from") or "main"))


def prune_package_listeners(facts: list[Fact]) -> list[Fact]:
    """A server package's "listens everywhere" stands only where the project writes no
    configuration for that service on the same hosts: the written file says how it listens."""
    from linter.facts import Listener
    from linter.formats.ansible.packages import PACKAGE_PRODUCT

    configured = {(f.scope, f.service) for f in facts if isinstance(f, Listener) and f.product != PACKAGE_PRODUCT}
    return [f for f in facts if not (isinstance(f, Listener) and f.product == PACKAGE_PRODUCT
                                     and (f.scope, f.service) in configured)]
