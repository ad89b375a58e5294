"""Variables in scope for one task, with Ansible's precedence, and templating against them.

Layers go from lowest to highest precedence (docs.ansible.com, "Understanding variable
precedence"): role defaults < inventory group vars < group_vars/all < group_vars/<group> <
inventory host vars < host_vars/<host> < play vars < play vars_files < role vars < block vars <
task vars < include and role params. A value that is itself a template is rendered on use, as
Ansible does; a cycle or a value nobody defines is unknown, never a finding.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from linter.formats.ansible.jinja import Renderer, RenderError, unknown_of
from linter.formats.ansible.values import Unknown, Var, Vaulted, is_marker
from linter.formats.ansible.yamlfile import Unsafe

MAX_RESOLVE_DEPTH = 12
_EXPR = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_NAME = re.compile(r"(?<![.\w'\"])([A-Za-z_][A-Za-z0-9_]*)")


# Layers whose values outrank `set_fact` and `include_vars` (Ansible's precedence 20 and 21).
_ABOVE_SET_FACT = frozenset({"role params", "include params"})


class RuntimeVars(dict):
    """Variables a play sets as it runs (`set_fact`, `include_vars`), seen by the tasks after.
    `version` changes on every write, so frames drop values they resolved before it."""

    version = 0

    def set(self, var: Var) -> None:
        self[var.name] = var
        self.version += 1


@dataclass
class Frame:
    layers: list[dict[str, Var]]
    scope: str
    hosts: str  # the play's `hosts` pattern, for messages
    template_dirs: list[str]
    files: object  # layout.Files
    role_path: str | None = None
    task_dir: str = "."
    no_log: bool | None = None
    extra: dict[str, object] = field(default_factory=dict)  # loop item, magic variables
    _cache: dict[str, object] = field(default_factory=dict)
    _resolving: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)  # every name looked up, shared by child frames
    _stamp: int = 0

    def child(self, layer: dict[str, Var] | None = None, *, bottom: dict[str, Var] | None = None, **changes) -> "Frame":
        # `is not None`: an empty RuntimeVars is a layer that fills up later
        layers = ([bottom] if bottom else []) + list(self.layers) + ([layer] if layer is not None else [])
        values = dict(layers=layers, scope=self.scope, hosts=self.hosts, template_dirs=self.template_dirs,
                      files=self.files, role_path=self.role_path, task_dir=self.task_dir, no_log=self.no_log,
                      extra=dict(self.extra), used=self.used)
        values.update(changes)
        return Frame(**values)

    # -- lookups -------------------------------------------------------------------------------

    def lookup(self, name: str) -> Var | None:
        """The definition Ansible uses: the nearest layer, except that `set_fact` and
        `include_vars` values (RuntimeVars) outrank role vars, block vars and task vars defined in
        layers opened after them; only role and include parameters outrank those (Ansible's
        variable precedence, levels 15-21)."""
        nearest = None
        for layer in reversed(self.layers):
            if name not in layer:
                continue
            var = layer[name]
            if isinstance(layer, RuntimeVars):
                return var if nearest is None or nearest.layer not in _ABOVE_SET_FACT else nearest
            if nearest is None:
                nearest = var
                if var.layer in _ABOVE_SET_FACT:
                    return var
        return nearest

    def knows(self, name: str) -> bool:
        self.used.add(name)
        return name in self.extra or self.lookup(name) is not None

    def value(self, name: str) -> object:
        """A variable's value with its templates rendered; Unknown when it cannot be known."""
        self.used.add(name)
        if name in self.extra:
            return self.extra[name]
        stamp = sum(layer.version for layer in self.layers if isinstance(layer, RuntimeVars))
        if stamp != self._stamp:
            self._cache.clear()
            self._stamp = stamp
        if name in self._cache:
            return self._cache[name]
        var = self.lookup(name)
        if var is None:
            return Unknown(name)
        if name in self._resolving or len(self._resolving) > MAX_RESOLVE_DEPTH:
            return Unknown(name)
        self._resolving.add(name)
        try:
            result = self.render(var.value)
        finally:
            self._resolving.discard(name)
        if isinstance(result, Vaulted) and not result.name:
            result = Vaulted(name)
        self._cache[name] = result
        return result

    def _jinja_value(self, name: str) -> object:
        value = self.value(name)
        return unknown_of(value, name) if is_marker(value) else value

    # -- templating ----------------------------------------------------------------------------

    def renderer(self) -> Renderer:
        return Renderer(self._jinja_value, self.knows, self.fetch_template)

    def render(self, value: object, extra: dict | None = None) -> object:
        """Templated strings inside `value` rendered (recursively through lists and dicts)."""
        if isinstance(value, Unsafe):
            return str(value)
        if isinstance(value, str):
            if "{{" not in value and "{%" not in value:
                return value
            try:
                return self.renderer().value(value, extra)
            except RenderError:
                return Unknown(value.strip("{} "))
        if isinstance(value, list):
            return [self.render(v, extra) for v in value]
        if isinstance(value, dict):
            return {k: self.render(v, extra) for k, v in value.items()}
        return value

    def fetch_template(self, name: str) -> str | None:
        """An included template, only from this role's or playbook's template folders."""
        if not isinstance(name, str) or name.startswith("/") or "\x00" in name:
            return None
        for folder in self.template_dirs:
            candidate = posixpath.normpath(posixpath.join(folder, name)) if folder != "." else posixpath.normpath(name)
            if candidate.startswith("../") or candidate == ".." or (folder != "." and not candidate.startswith(folder.rstrip("/") + "/")):
                continue
            source = self.files.source(candidate)
            if source is not None:
                return source.text
        return None

    def used_vars(self, text: object) -> list[Var]:
        """Variables a templated string refers to, for messages that name where a value came from."""
        if not isinstance(text, str) or ("{{" not in text and "{%" not in text):
            return []
        found: list[Var] = []
        seen: set[str] = set()
        for match in _EXPR.finditer(text):
            body = match.group(1) or match.group(2) or ""
            body = re.sub(r"'[^']*'|\"[^\"]*\"", "", body)
            for name in _NAME.findall(body):
                if name in seen:
                    continue
                seen.add(name)
                var = self.lookup(name)
                if var is not None:
                    found.append(var)
        return found


def describe(variables: list[Var]) -> str:
    """` (from `smb_guest_ok` in roles/samba/defaults/main.yml:3)`, or empty."""
    if not variables:
        return ""
    parts = [f"`{v.name}` in {v.where}" for v in variables[:3]]
    return " (from " + ", ".join(parts) + ")"
