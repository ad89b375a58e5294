"""Module calls to facts. One small function per module (or family), registered by short name:

    @mapper("ufw")
    def ufw(task, out): ...

`map_task` runs the checks every module shares (`validate_certs`, secrets without `no_log`)
and then the module's own mapper. Adding a module (a cloud one, say) is one function in one of
the mapper modules imported at the bottom of this file.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from linter.facts import Fact, TlsPolicy
from linter.formats.ansible.frame import Frame, describe
from linter.formats.ansible.values import is_marker
from linter.formats.ansible.yamlfile import YNode, to_python
from linter.knowledge import parse_bool
from linter.model import Origin

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

Mapper = Callable[["Task", list[Fact]], None]
MAPPERS: dict[str, list[Mapper]] = {}  # a module may have several (apt: packages installed, signatures)


def mapper(*names: str) -> Callable[[Mapper], Mapper]:
    def register(func: Mapper) -> Mapper:
        for name in names:
            MAPPERS.setdefault(name, []).append(func)
        return func
    return register


_PLACEHOLDER = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")


def readable(detail: str) -> str:
    """Messages show an unresolved `{{ name }}` as `<name>`: it is a value nobody knows yet."""
    return _PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", detail) if "{{" in detail else detail


def emit(out: list[Fact], task: "Task", fact: Fact) -> None:
    if "{{" in fact.detail:
        fact = replace(fact, detail=readable(fact.detail))
    if not fact.derived_from:  # the variables the task's arguments used, for a scan focused on their file
        origins = [v.origin for arg in task.spec.args for v in task.vars_of(arg)]
        if origins:
            fact = replace(fact, derived_from=tuple(dict.fromkeys(origins)))
    out.append(fact if fact.scope else replace(fact, scope=task.frame.scope))


def text_of(value: object) -> str | None:
    """A known scalar as text; None for unknown, vaulted or still-templated values."""
    if value is None or is_marker(value) or isinstance(value, (list, dict)):
        return None
    text = str(value)
    return None if "{{" in text or "{%" in text else text


def flag_of(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    text = text_of(value)
    return parse_bool(text) if text is not None else None


def map_task(task: "Task", out: list[Fact]) -> None:
    _validate_certs(task, out)
    from linter.formats.ansible import secrets_in_logs
    secrets_in_logs.check(task, out)
    for func in MAPPERS.get(task.module, ()):
        func(task, out)


def _validate_certs(task: "Task", out: list[Fact]) -> None:
    for key in ("validate_certs", "validate_cert", "verify_ssl", "ssl_verify", "sslverify"):
        if key not in task.args:
            continue
        if flag_of(task.args[key]) is False:
            emit(out, task, TlsPolicy(
                origin=task.origin(key), product="ansible", service="http", role="client", verify=False,
                detail=f"`{task.spec.fqcn}` sets `{key}: {task.quoted(key)}`: the server's certificate is not "
                       f"checked, so anyone on the path can impersonate it{describe(task.vars_of(key))}"))


def module_defaults(node: YNode | None, path: str, frame: Frame, out: list[Fact]) -> None:
    """`module_defaults:` that turn certificate checks off for every task of a play."""
    if node is None or node.kind != "map":
        return
    for module, body in node.value.items():
        if body is None or body.kind != "map":
            continue
        for key in ("validate_certs", "validate_cert"):
            child = body.get(key)
            if child is None:
                continue
            value = frame.render(to_python(child))
            if flag_of(value) is False:
                out.append(TlsPolicy(
                    origin=Origin(path, child.key_line), product="ansible", service="http", role="client",
                    verify=False, scope=frame.scope,
                    detail=readable(f"`module_defaults` for `{module}` sets `{key}: {child.value}`: no task of this play "
                           "checks the server's certificate unless it says otherwise")))


# The mapper modules register themselves on import.
from linter.formats.ansible import accounts, cloud, containers, edits, firewalls, packages, web  # noqa: E402,F401
