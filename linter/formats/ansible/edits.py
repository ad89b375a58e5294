"""Configuration files that tasks write, read by the product's own reader.

- `template`: the source is rendered in the sandbox with the task's variables, and the rendered
  text is read by the reader the destination calls for (`/etc/samba/smb.conf` -> samba). Every
  fact points back at the template line that produced it, and names the variable (and its file)
  that the line used. The template is claimed, so it is not judged again raw.
- `copy` with `content:` (a whole file) or `src:` (a file of the role's files/ folder).
- `lineinfile` (`line:`), `blockinfile` (`block:`), `ini_file` (`section`, `option`, `value`):
  partial edits. They are read as a small file holding only what the task writes, and only facts
  about those lines are kept: a reader's verdict about keys the task did not write (an absent
  `hosts allow`, a compiled-in default) says nothing about the file on the host.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from linter import formats
from linter.classify import classify_by_content, classify_by_name, needs_sniff
from linter.facts import Fact, Listener, Setting
from linter.formats.ansible.frame import describe
from linter.formats.ansible.jinja import RenderError
from linter.formats.ansible.layout import join
from linter.formats.ansible.modules import emit, mapper, text_of
from linter.formats.ansible.values import Var
from linter.formats.compose import is_secret_key
from linter.model import Finding, Origin, ParseError, Severity, SourceFile

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

_SECTION_HINT = re.compile(r"\\?\[([^\]\\]+)\\?\]")


def dest_format(dest: str | None, text: str = "", fallback: str | None = None) -> str | None:
    """The reader a destination path calls for (classified like a file of the scanned tree)."""
    fmt = None
    if dest and "{{" not in dest:
        rel = dest.lstrip("/") or dest
        fmt = classify_by_name(rel)
        if fmt is None and needs_sniff(rel) and text:
            fmt = classify_by_content(rel, text[:65536])
    if fmt is None and fallback:
        fmt = classify_by_name(fallback)
        if fmt is None and needs_sniff(fallback) and text:
            fmt = classify_by_content(fallback, text[:65536])
    return fmt if fmt in formats.FORMATS and fmt != "ansible" else None


def _problem(task: "Task", rule: str, message: str, origin: Origin) -> None:
    task.frame.files.ctx.problems.append(Finding(rule, Severity.MEDIUM, message, origin, rule_class="tool"))


def run_reader(task: "Task", fmt: str, text: str, relpath: str, abspath: str) -> list[Fact] | None:
    """Facts of `text` read as `fmt`, origins still in the synthetic text's lines."""
    source = SourceFile(abspath, relpath, fmt, text)
    module = formats.reader_for(fmt)
    ctx = task.frame.files.ctx
    try:
        if formats.groups_by_dir(fmt):
            return list(module.read_group([source], ctx))
        return list(module.read(source, ctx))
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("nested too deeply")
    except Exception as exc:  # a reader bug costs this file, not the project
        _problem(task, "PG005", f"internal error while reading what this task writes ({type(exc).__name__}: {exc}); "
                 "please report it", task.origin())
        return None


def _abs(task: "Task", relpath: str) -> str:
    root = task.frame.files.ctx.root
    return str(root / relpath)


def _secret_values(variables: list[Var], frame) -> tuple[str, ...]:
    found: list[str] = []
    for var in variables:
        if is_secret_key(var.name):
            value = frame.value(var.name)
            if isinstance(value, (str, int)) and str(value).strip():
                found.append(str(value))
    return tuple(found)


_FOR = re.compile(r"\{%-?\s*for\s+([\w\s,]+?)\s+in\s+(.+?)-?%\}")


_IF = re.compile(r"\{%-?\s*(?:if|elif)\s+(.+?)-?%\}")
_ENDIF = re.compile(r"\{%-?\s*endif\b")


def _template_vars(task: "Task", lines: list[str], number: int) -> list[Var]:
    """Variables a template line uses, including those an enclosing `{% for x in var %}` loops
    over when the line uses `x`, and those of the `{% if %}` conditions around it."""
    line = lines[number - 1]
    found = task.frame.used_vars(line)
    depth = 0
    for previous in reversed(lines[max(0, number - 60):number - 1]):
        depth += len(_ENDIF.findall(previous))
        for condition in _IF.findall(previous):
            if depth == 0:
                found += [v for v in task.frame.used_vars("{{ " + condition + " }}") if v not in found]
            else:
                depth -= 1
        match = _FOR.search(previous)
        if match and any(re.search(rf"\b{re.escape(n.strip())}\b", line) for n in match.group(1).split(",") if n.strip()):
            found += [v for v in task.frame.used_vars("{{ " + match.group(2) + " }}") if v not in found]
            line = previous
    return found


def _remap(task: "Task", sink: list[Fact], facts: list[Fact], relpath: str, line_map: list[int], template_lines: list[str] | None,
           keep_lines: set[int] | None = None) -> None:
    """Point each fact at the source line that produced it; keep only written lines for edits."""
    out: list[Fact] = []
    for fact in facts:
        line = fact.origin.line
        if keep_lines is not None:
            if line not in keep_lines or isinstance(fact, Listener) or (isinstance(fact, Setting) and not fact.explicit):
                continue
        if fact.origin.path != relpath or not (0 < line <= len(line_map)):
            if keep_lines is None and fact.origin.path != relpath:
                out.append(fact)  # a file the reader loaded itself (an include)
            continue
        mapped = line_map[line - 1]
        detail, secrets = fact.detail, tuple(fact.secrets)
        via = [task.origin()] if relpath != task.path else []
        if template_lines is not None and 0 < mapped <= len(template_lines):
            variables = _template_vars(task, template_lines, mapped)
            detail += describe(variables)
            secrets += _secret_values(variables, task.frame)
            via += [v.origin for v in variables]
        out.append(replace(fact, origin=Origin(relpath, mapped, 1), detail=detail, secrets=secrets,
                           scope=task.frame.scope, derived_from=tuple(dict.fromkeys(via))))
    for fact in out:
        emit(sink, task, fact)


def _read_mapped(task: "Task", sink: list[Fact], fmt: str, text: str, relpath: str, line_map: list[int],
                 template_lines: list[str] | None, keep_lines: set[int] | None = None, what: str = "") -> None:
    try:
        facts = run_reader(task, fmt, text, relpath, _abs(task, relpath))
    except ParseError as exc:
        line = line_map[exc.line - 1] if 0 < exc.line <= len(line_map) else 1
        _problem(task, "PG001", f"{what} cannot be parsed as {formats.FORMATS[fmt].description}: {exc.message}",
                 Origin(relpath, line, 1))
        return
    if facts:
        _remap(task, sink, facts, relpath, line_map, template_lines, keep_lines)


# ---------------------------------------------------------------------------------------------
# template


def find_template(task: "Task", src: str) -> str | None:
    if not src or src.startswith("/") or "\x00" in src:
        return None
    role = task.frame.role_path
    if role and (src == role or src.startswith(role.rstrip("/") + "/")):  # `{{ role_path }}/templates/x.j2`
        candidate = posixpath.normpath(src)
        return candidate if task.frame.files.exists(candidate) else None
    for folder in task.frame.template_dirs:
        candidate = posixpath.normpath(join(folder, src))
        if candidate.startswith(".."):
            continue
        if task.frame.files.exists(candidate):
            return candidate
    return None


@mapper("template")
def template(task: "Task", out: list[Fact]) -> None:
    src, dest = text_of(task.args.get("src")), text_of(task.args.get("dest") or task.args.get("path"))
    if src is None:
        return
    rel = find_template(task, src)
    if rel is None:
        return
    source = task.frame.files.source(rel)
    if source is None:
        return
    fmt = dest_format(dest, source.text, fallback=rel)
    if fmt is None:
        return
    try:
        rendered = task.frame.renderer().render_file(source.text)
    except RenderError as exc:
        _problem(task, "PG001", f"template cannot be rendered safely: {exc.message}", Origin(rel, exc.line or 1, 1))
        _claim(task, rel)
        return
    _read_mapped(task, out, fmt, rendered.text, rel, rendered.line_map, source.lines, what="rendered template")
    _claim(task, rel)


def _claim(task: "Task", rel: str) -> None:
    """After reading: a reader that skips claimed files (Orthanc's) must still read ours."""
    task.frame.files.ctx.claim(rel, f"{task.path}:{task.spec.line}")


# ---------------------------------------------------------------------------------------------
# copy


def _task_lines(task: "Task") -> list[str] | None:
    """The task file's lines: the variables an edited line names are on them."""
    source = task.frame.files.source(task.path)
    return source.lines if source is not None else None


def _content_lines(task: "Task", arg: str, text: str) -> list[int]:
    """Source line of each line of a written block (`content: |` starts on the next line)."""
    node = task.spec.nodes.get(arg)
    raw = task.written(arg)
    first = task.spec.lines.get(arg, task.spec.line)
    if node is None or not isinstance(raw, str):
        return [first] * (text.count("\n") + 1)
    block = node.line != node.key_line or (task.frame.files.source(task.path) is not None and
                                            re.search(r":\s*[|>]", task.frame.files.source(task.path).line_text(node.line) or ""))
    start = node.line + 1 if block else node.line
    count = text.count("\n") + 1
    if raw.rstrip("\n").count("\n") == text.rstrip("\n").count("\n"):
        return [start + i for i in range(count)]
    return [first] * count


@mapper("copy")
def copy(task: "Task", out: list[Fact]) -> None:
    dest = text_of(task.args.get("dest"))
    content = task.args.get("content")
    if content is not None:
        text = content if isinstance(content, str) else None
        if text is None:
            return
        fmt = dest_format(dest, text)
        if fmt is None:
            return
        _read_mapped(task, out, fmt, text, task.path, _content_lines(task, "content", text), _task_lines(task),
                     what="copied content")
        return
    src = text_of(task.args.get("src"))
    if src is None or dest is None or src.startswith("/") or src.endswith("/"):
        return
    role = task.frame.role_path
    folders = [join(role, "files")] if role else []
    folders.append(join(posixpath.dirname(task.path), "files"))
    for folder in folders:
        rel = posixpath.normpath(join(folder, src))
        if rel.startswith("..") or not task.frame.files.exists(rel):
            continue
        source = task.frame.files.source(rel)
        fmt = dest_format(dest, source.text if source else "", fallback=rel)
        if source is None or fmt is None:
            return
        _read_mapped(task, out, fmt, source.text, rel, list(range(1, len(source.lines) + 2)), None, what="copied file")
        _claim(task, rel)
        return


# ---------------------------------------------------------------------------------------------
# partial edits


def _section_hint(task: "Task") -> str | None:
    for key in ("insertafter", "insertbefore"):
        value = text_of(task.args.get(key))
        if value:
            match = _SECTION_HINT.search(value)
            if match:
                return match.group(1)
    return None


def _partial(task: "Task", out: list[Fact], fmt: str, lines: list[tuple[str, int]], section: tuple[str, int] | None) -> None:
    """Read `lines` (text, source line) as a file holding only them; keep facts about them."""
    text_lines = [""]  # line 1 stays empty: facts about absent keys point there and are dropped
    line_map = [task.spec.line]
    if fmt in ("samba", "netatalk", "conquest") and section is None:
        section = ("edited section", task.spec.line)
    if section is not None:
        text_lines.append(f"[{section[0]}]")
        line_map.append(section[1])
    keep: set[int] = set()
    for text, line in lines:
        text_lines.append(text)
        line_map.append(line)
        keep.add(len(text_lines))
    _read_mapped(task, out, fmt, "\n".join(text_lines) + "\n", task.path, line_map, _task_lines(task), keep,
                 what="the edited line")


@mapper("lineinfile")
def lineinfile(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    line = task.args.get("line")
    dest = text_of(task.args.get("path") or task.args.get("dest") or task.args.get("name"))
    if not isinstance(line, str) or "\n" in line.strip():
        return
    fmt = dest_format(dest, line)
    if fmt is None:
        return
    hint = _section_hint(task)
    _partial(task, out, fmt, [(line, task.spec.lines.get("line", task.spec.line))],
             (hint, task.spec.lines.get("insertafter", task.spec.line)) if hint else None)


@mapper("blockinfile")
def blockinfile(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    block = task.args.get("block") if task.args.get("block") is not None else task.args.get("content")
    dest = text_of(task.args.get("path") or task.args.get("dest") or task.args.get("name"))
    if not isinstance(block, str):
        return
    fmt = dest_format(dest, block)
    if fmt is None:
        return
    arg = "block" if "block" in task.args else "content"
    lines = block.rstrip("\n").split("\n")
    mapped = _content_lines(task, arg, "\n".join(lines))
    hint = _section_hint(task)
    # A block that opens its own section needs no synthetic one.
    own_section = bool(lines) and lines[0].strip().startswith("[")
    _partial(task, out, fmt, list(zip(lines, mapped)),
             None if own_section or not hint else (hint, task.spec.lines.get("insertafter", task.spec.line)))


@mapper("ini_file")
def ini_file(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    dest = text_of(task.args.get("path") or task.args.get("dest"))
    option = text_of(task.args.get("option"))
    if option is None:
        return
    value = task.args.get("values") if task.args.get("value") is None else task.args.get("value")
    values = value if isinstance(value, list) else [value]  # `values` (a list) since community.general 3.6
    section = task.args.get("section")
    section_text = text_of(section) if section is not None else None
    if section is not None and section_text is None:
        return  # a templated section: which share it edits is unknown
    line = task.spec.lines.get("value") or task.spec.lines.get("values") or task.spec.lines.get("option", task.spec.line)
    written = [(f"{option} = {v if v is not None else ''}" if not isinstance(v, bool) else f"{option} = {'yes' if v else 'no'}", line)
               for v in values]
    fmt = dest_format(dest, "\n".join(t for t, _ in written))
    if fmt is None:
        return
    _partial(task, out, fmt, written, (section_text, task.spec.lines.get("section", task.spec.line)) if section_text else None)
