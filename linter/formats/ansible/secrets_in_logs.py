"""Secrets a task prints in Ansible's output and logs unless it says `no_log: true` (PG640).

Ansible hides the module arguments its modules declare secret (`user.password`,
`mysql_user.password`...), but not a loop item (`changed: [nas] => (item={... 'password': ...})`),
a command line, a debug message, the text a file edit writes (shown with `--diff`), a
container's environment or an HTTP body. Those are reported when they hold a secret: a variable
or key named like one (`db_password`, `ORTHANC__REGISTERED_USERS`) with a value.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.facts import Fact, Setting
from linter.formats.ansible.modules import emit, text_of
from linter.formats.compose import is_secret_key

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

# Module -> arguments that are printed as written.
PRINTED = {
    "command": ("_raw_params", "cmd", "argv"), "shell": ("_raw_params", "cmd"), "raw": ("_raw_params",),
    "script": ("_raw_params", "cmd"), "debug": ("msg", "var"), "lineinfile": ("line",),
    "blockinfile": ("block", "content"), "copy": ("content",), "ini_file": ("value",),
    "docker_container": ("env", "command"), "uri": ("body",), "expect": ("responses", "command"),
}
_NAMES = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)")
_INLINE = re.compile(r"(?i)\b(password|passwd|secret|token|api_key)\s*[=:]\s*['\"]?[^\s'\"{}]{3,}")


def _secret_name(text: str) -> str | None:
    for name in _NAMES.findall(text):
        last = name.split(".")[-1]
        if is_secret_key(last):
            return name
    match = _INLINE.search(text)
    return match.group(1) if match else None


def _in_value(value: object, written: object) -> str | None:
    if isinstance(written, dict):
        for key, inner in written.items():
            if is_secret_key(str(key)) and inner not in (None, ""):
                return str(key)
            found = _in_value(None, inner)
            if found:
                return found
        return None
    if isinstance(written, list):
        for inner in written:
            found = _in_value(None, inner)
            if found:
                return found
        return None
    if isinstance(written, str):
        return _secret_name(written)
    return None


def _item_secret(item: object) -> str | None:
    if isinstance(item, dict):
        for key, value in item.items():
            if is_secret_key(str(key)) and value not in (None, "") and text_of(value) != "":
                return str(key)
    return None


def _item_reference(task: "Task") -> str | None:
    """A secret field of the loop item that the arguments use (`{{ item.password }}`), when the
    list itself is not known."""
    for value in task.spec.args.values():
        for name in _NAMES.findall(str(value)):
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "item" and is_secret_key(parts[-1]):
                return parts[-1]
    return None


def _secret_argument(task: "Task") -> tuple[str, str] | None:
    """A secret argument that is printed all the same: its value is the loop item (each item is
    printed), or the task turned logging back on with an explicit `no_log: false`."""
    for key, written in task.spec.args.items():
        if not is_secret_key(key) or written in (None, ""):
            continue
        if task.no_log is False:
            return key, key
        if task.looped and re.search(r"\{\{[^}]*\bitem\b", str(written)):
            control = task.spec.keywords.get("loop_control")
            if not (control is not None and control.kind == "map" and control.get("label") is not None):
                return key, key
    return None


def check(task: "Task", out: list[Fact]) -> None:
    if task.no_log is True:
        return
    found: tuple[str, str] | None = None
    for arg in PRINTED.get(task.module, ()):
        name = _in_value(task.args.get(arg), task.written(arg))
        if name:
            found = (arg, name)
            break
    if found is None:
        found = _secret_argument(task)
    if found is None and task.looped:
        item = task.frame.extra.get("item")
        key = _item_secret(item)
        control = task.spec.keywords.get("loop_control")
        labelled = control is not None and control.kind == "map" and control.get("label") is not None
        if key is None:
            key = _item_reference(task)
        if key is not None and not labelled:
            found = (None, f"item.{key}")
    if found is None:
        return
    arg, name = found
    if arg is None:
        where = f"its loop item (`{name}`)"
    elif arg == name and task.no_log is False:
        where = f"`{arg}` (the task sets `no_log: false`)"
    elif arg == name:
        where = f"`{arg}` (its value comes from the loop item)"
    elif arg == "_raw_params":
        where = f"`{name}` in its command line"
    else:
        where = f"`{name}` in `{arg}`"
    emit(out, task, Setting(
        origin=task.origin(arg), product="ansible", key="secret-without-no_log", value=name, raw=name,
        detail=f"`{task.spec.fqcn}` prints {where} in Ansible's output and logs: the task has no `no_log: true`"))
