"""Ansible inventories: INI and YAML, groups, children and inline variables.

INI (ansible.builtin.ini): `[group]` host lines with `key=value` variables, `[group:vars]`,
`[group:children]`. YAML (ansible.builtin.yaml): `all: {hosts, vars, children}` nested.
Values in INI are Python literals when they parse as one, else strings, as Ansible reads them.
"""
from __future__ import annotations

import ast
import shlex
from dataclasses import dataclass, field

from linter.formats.ansible.values import Var
from linter.formats.ansible.yamlfile import YNode, load, to_python
from linter.model import Origin, ParseError, SourceFile


@dataclass
class Group:
    name: str
    hosts: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)
    vars: dict[str, Var] = field(default_factory=dict)


@dataclass
class Inventory:
    groups: dict[str, Group] = field(default_factory=dict)
    host_vars: dict[str, dict[str, Var]] = field(default_factory=dict)

    def group(self, name: str) -> Group:
        if name not in self.groups:
            self.groups[name] = Group(name)
        return self.groups[name]

    def add_host(self, group: str, host: str) -> None:
        self.group(group).hosts.add(host)
        self.host_vars.setdefault(host, {})

    def hosts_of(self, name: str, seen: set[str] | None = None) -> set[str]:
        """Every host of a group, children included."""
        seen = seen if seen is not None else set()
        if name in seen or name not in self.groups:
            return set()
        seen.add(name)
        group = self.groups[name]
        found = set(group.hosts)
        for child in group.children:
            found |= self.hosts_of(child, seen)
        return found

    def parents_of(self, name: str) -> list[str]:
        """Ancestors of a group, farthest first (their variables rank lower)."""
        order: list[str] = []

        def visit(group: str, depth: int) -> None:
            if depth > 50:
                return
            for parent in sorted(self.groups):
                if group in self.groups[parent].children and parent not in order:
                    visit(parent, depth + 1)
                    order.append(parent)

        visit(name, 0)
        return [g for g in order if g != "all"]

    def groups_of_host(self, host: str) -> list[str]:
        return sorted(g for g in self.groups if g != "all" and host in self.hosts_of(g))

    def merge(self, other: "Inventory") -> None:
        for name, group in other.groups.items():
            mine = self.group(name)
            mine.hosts |= group.hosts
            mine.children |= group.children
            mine.vars.update(group.vars)
        for host, values in other.host_vars.items():
            self.host_vars.setdefault(host, {}).update(values)


def _ini_value(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        words = shlex.split(text, comments=True, posix=True)
    except ValueError:
        words = text.split()
    return [tuple(w.split("=", 1)) for w in words if "=" in w]  # type: ignore[misc]


def parse_ini(source: SourceFile) -> Inventory:
    inv = Inventory()
    inv.group("all")
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(source.lines, start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise ParseError("inventory section header without `]`", number)
            name = line[1:-1].strip()
            section, _, kind = name.partition(":")
            kind = kind or "hosts"
            inv.group(section)
            if section != "all":
                inv.group("all").children.add(section)
            continue
        if kind == "vars":
            key, sep, value = line.partition("=")
            if sep:
                inv.group(section).vars[key.strip()] = Var(key.strip(), _ini_value(value.strip()),
                                                           Origin(source.relpath, number), "inventory group vars")
        elif kind == "children":
            inv.group(section).children.add(line.split()[0])
            inv.group(line.split()[0])
        else:
            host, _, rest = line.partition(" ")
            inv.add_host(section, host)
            for key, value in _pairs(rest):
                inv.host_vars[host][key] = Var(key, _ini_value(value), Origin(source.relpath, number), "inventory host vars")
    return inv


def _yaml_group(inv: Inventory, name: str, node: YNode | None, path: str, depth: int = 0) -> None:
    inv.group(name)
    if node is None or node.kind != "map" or depth > 50:
        return
    hosts = node.get("hosts")
    if hosts is not None and hosts.kind == "map":
        for host, body in hosts.value.items():
            inv.add_host(name, host)
            if body is not None and body.kind == "map":
                for key, child in body.value.items():
                    inv.host_vars[host][key] = Var(key, to_python(child, key), Origin(path, child.key_line), "inventory host vars")
    variables = node.get("vars")
    if variables is not None and variables.kind == "map":
        for key, child in variables.value.items():
            inv.group(name).vars[key] = Var(key, to_python(child, key), Origin(path, child.key_line), "inventory group vars")
    children = node.get("children")
    if children is not None and children.kind == "map":
        for child_name, body in children.value.items():
            inv.group(name).children.add(child_name)
            _yaml_group(inv, child_name, body, path, depth + 1)


def parse_yaml_inventory(source: SourceFile) -> Inventory | None:
    root = load(source.text)
    if root is None or root.kind != "map":
        return None
    inv = Inventory()
    inv.group("all")
    for name, body in root.value.items():
        _yaml_group(inv, name, body, source.relpath)
        if name != "all":
            inv.group("all").children.add(name)
    return inv


def looks_like_yaml_inventory(root: YNode | None) -> bool:
    if root is None or root.kind != "map" or not root.value:
        return False
    return all(body is not None and body.kind == "map" and set(body.value) & {"hosts", "children", "vars"}
               for body in root.value.values())
