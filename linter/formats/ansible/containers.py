"""community.docker.docker_container as the compose reader sees a service.

The task's `image`, `published_ports` (alias `ports`), `network_mode`, `env`, `volumes` and
`command` are written out as a one-service compose document, line by line, and read by the
compose reader, so an Orthanc or dcm4chee container gets exactly the judgement a compose service
gets (published ports on every interface, the image's default users, `ORTHANC__*` variables).
Every fact points back at the task line its compose line came from. `published_ports: all`
publishes whatever the image exposes: unknown, not read.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

from linter.facts import Fact
from linter.formats.ansible.modules import emit, mapper, text_of
from linter.formats.ansible.values import is_marker
from linter.model import Origin, ParseError, SourceFile

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if is_marker(value) or isinstance(value, (list, dict)):
        return json.dumps(str(value) if is_marker(value) else "{{ unknown }}")
    if isinstance(value, bool):
        return json.dumps("true" if value else "false")
    return json.dumps(str(value))


def compose_text(task: "Task") -> tuple[str, list[int]]:
    """A compose document for the task and the task line of each of its lines."""
    lines: list[str] = []
    where: list[int] = []

    def add(text: str, arg: str | None = None, line: int | None = None) -> None:
        lines.append(text)
        where.append(line or task.spec.lines.get(arg, task.spec.line) if arg else (line or task.spec.line))

    name = text_of(task.args.get("name")) or "container"
    add("services:")
    add(f"  {json.dumps(name)}:")
    add(f"    image: {_scalar(task.args.get('image'))}", "image")
    ports_arg, ports = task.first("published_ports", "ports")
    if isinstance(ports, list) and ports:
        add("    ports:", ports_arg)
        node = task.spec.nodes.get(ports_arg) if ports_arg else None
        item_lines = [child.line for child in node.value] if node is not None and node.kind == "seq" else []
        for i, port in enumerate(ports):
            if text_of(port) == "all":
                continue
            add(f"      - {_scalar(port)}", ports_arg, item_lines[i] if i < len(item_lines) else None)
    if task.args.get("network_mode") is not None:
        add(f"    network_mode: {_scalar(task.args.get('network_mode'))}", "network_mode")
    env = task.args.get("env")
    if isinstance(env, dict) and env:
        add("    environment:", "env")
        node = task.spec.nodes.get("env")
        key_lines = {k: v.key_line for k, v in node.value.items()} if node is not None and node.kind == "map" else {}
        for key, value in env.items():
            add(f"      {json.dumps(str(key))}: {_scalar(value)}", "env", key_lines.get(key))
    volumes = task.args.get("volumes")
    if isinstance(volumes, list) and volumes:
        add("    volumes:", "volumes")
        for volume in volumes:
            add(f"      - {_scalar(volume)}", "volumes")
    if task.args.get("command") is not None:
        add(f"    command: {_scalar(task.args.get('command'))}", "command")
    return "\n".join(lines) + "\n", where


@mapper("docker_container")
def docker_container(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "started") in ("absent", "stopped"):
        return
    if text_of(task.args.get("image")) is None:
        return
    from linter.formats import compose

    text, where = compose_text(task)
    name = text_of(task.args.get("name")) or "container"
    ctx = task.frame.files.ctx
    source = SourceFile(str(ctx.root / task.path), task.path, "compose", text)
    try:
        facts = compose.read(source, ctx)
    except ParseError:
        return
    for fact in facts:
        if fact.origin.path != task.path:
            emit(out, task, replace(fact, scope=task.frame.scope))
            continue
        line = where[fact.origin.line - 1] if 0 < fact.origin.line <= len(where) else task.spec.line
        detail = fact.detail.replace("compose service", "container").replace(f"service `{name}`", f"container `{name}`")
        emit(out, task, replace(fact, origin=Origin(task.path, line), scope=task.frame.scope, detail=detail))


def _last_line(node) -> int:
    last = max(node.line, node.key_line)
    if node.kind == "map":
        for child in node.value.values():
            last = max(last, _last_line(child))
    elif node.kind == "seq":
        for child in node.value:
            last = max(last, _last_line(child))
    return last


@mapper("docker_compose", "docker_compose_v2")
def docker_compose(task: "Task", out: list[Fact]) -> None:
    """An inline `definition:` is a compose file written in the task: its own lines are read by
    the compose reader (templated values stay unknown). `project_src` points at a compose file
    of the tree, which the compose reader reads anyway."""
    node = task.spec.nodes.get("definition")
    source = task.frame.files.source(task.path)
    if node is None or node.kind != "map" or source is None or (text_of(task.args.get("state")) or "present") == "absent":
        return
    first, last = node.line, _last_line(node)
    lines = source.lines[first - 1:last]
    if not lines:
        return
    indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    text = "\n".join(l[indent:] for l in lines) + "\n"
    from linter.formats import compose

    ctx = task.frame.files.ctx
    try:
        facts = compose.read(SourceFile(str(ctx.root / task.path), task.path, "compose", text), ctx)
    except ParseError:
        return
    for fact in facts:
        line = first + fact.origin.line - 1 if fact.origin.path == task.path else fact.origin.line
        emit(out, task, replace(fact, origin=Origin(fact.origin.path, line), scope=task.frame.scope))
