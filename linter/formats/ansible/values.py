"""Values of Ansible variables as pacsguard knows them.

A variable is either a plain Python value read from YAML (str, int, bool, list, dict, None), or
one of the markers below: a vaulted secret (`!vault`), or a value that cannot be known statically
(a lookup, a fact gathered on the host, a variable defined nowhere in the scanned tree).
Neither marker is ever a finding by itself: unknown is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass

from linter.model import Origin


@dataclass(frozen=True)
class Vaulted:
    """An `!vault` value: a secret that exists, is not blank, and is not in the files."""

    name: str = ""

    def __str__(self) -> str:
        return "{{ %s }}" % (self.name or "vaulted")


@dataclass(frozen=True)
class Unknown:
    """A value that only the managed host or the controller at run time knows."""

    name: str = ""

    def __str__(self) -> str:
        return "{{ %s }}" % (self.name or "unknown")


def is_marker(value: object) -> bool:
    return isinstance(value, (Vaulted, Unknown))


@dataclass(frozen=True)
class Var:
    """One variable definition: its value and where it was written."""

    name: str
    value: object
    origin: Origin
    layer: str  # role defaults, group_vars/all, play vars, ... (for messages)

    @property
    def where(self) -> str:
        return f"{self.origin.path}:{self.origin.line}"
