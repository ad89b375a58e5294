"""One Ansible task in a single normal form, whatever its spelling.

`ansible.builtin.copy:`, `copy:`, `action: copy src=a dest=b`, `local_action:`, free-form
`key=value` arguments, `args:` (module arguments win over it, as in Ansible), all become
`TaskSpec(module="copy", fqcn=..., args={...})` with the line of every argument.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from linter.formats.ansible.yamlfile import YNode, to_python

TASK_KEYWORDS = frozenset({
    "name", "action", "local_action", "args", "become", "become_user", "become_method", "become_flags",
    "become_exe", "when", "loop", "loop_control", "register", "notify", "tags", "vars", "environment",
    "ignore_errors", "ignore_unreachable", "changed_when", "failed_when", "delegate_to", "delegate_facts",
    "run_once", "no_log", "until", "retries", "delay", "check_mode", "diff", "any_errors_fatal", "async",
    "poll", "throttle", "timeout", "collections", "module_defaults", "listen", "debugger", "connection",
    "port", "remote_user", "block", "rescue", "always", "include", "vars_files", "vars_prompt",
})

# Modules whose free-form text is a command line, not `key=value` arguments.
FREE_FORM_MODULES = frozenset({"command", "shell", "raw", "script", "win_command", "win_shell"})


def short_name(module: str) -> str:
    """`community.general.ufw` -> `ufw`; `ansible.legacy.copy` -> `copy`."""
    return module.rsplit(".", 1)[-1] if "." in module else module


def split_args(text: str) -> list[str]:
    """Split free-form arguments on blanks outside quotes and Jinja delimiters (Ansible's
    split_args): `dest=/etc/a content="x y" mode={{ m }}` is three words."""
    words: list[str] = []
    current: list[str] = []
    quote: str | None = None
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        pair = text[i:i + 2]
        if quote is None and pair in ("{{", "{%", "{#"):
            depth += 1
            current.append(pair)
            i += 2
            continue
        if quote is None and depth and pair in ("}}", "%}", "#}"):
            depth -= 1
            current.append(pair)
            i += 2
            continue
        if ch == "\\" and quote and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch in "'\"" and depth == 0:
            if quote is None:
                quote = ch
            elif quote == ch:
                quote = None
            current.append(ch)
        elif ch.isspace() and quote is None and depth == 0:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
        i += 1
    if current:
        words.append("".join(current))
    return words


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("\\" + value[0], value[0])
    return value


def parse_kv(text: str, free_form: bool = False) -> dict[str, object]:
    """`key=value` words; the other words (a command line) become `_raw_params`."""
    args: dict[str, object] = {}
    raw: list[str] = []
    for word in split_args(text):
        key, sep, value = word.partition("=")
        if sep and key.isidentifier() and not (free_form and raw):
            args[key] = _unquote(value)
        else:
            raw.append(word)
    if raw:
        args["_raw_params"] = " ".join(raw)
    return args


@dataclass
class TaskSpec:
    module: str  # short name, lower case
    fqcn: str  # as written
    args: dict[str, object]  # as written (strings not yet templated)
    lines: dict[str, int]  # argument -> line of its value
    line: int  # line of the module key
    node: YNode
    keywords: dict[str, YNode] = field(default_factory=dict)
    nodes: dict[str, YNode] = field(default_factory=dict)  # argument -> its YAML node (mapping form)


def _module_key(node: YNode) -> str | None:
    for key in node.value:
        if key not in TASK_KEYWORDS and not key.startswith("with_"):
            return key
    return None


def _args_of(value: YNode | None, module: str, line: int) -> tuple[dict[str, object], dict[str, int]]:
    if value is None or (value.kind == "scalar" and value.value is None):
        return {}, {}
    if value.kind == "map":
        args = {k: to_python(v, k) for k, v in value.value.items()}
        lines = {k: v.key_line for k, v in value.value.items()}
        return args, lines
    if value.kind == "scalar":
        args = parse_kv(str(value.value), free_form=short_name(module) in FREE_FORM_MODULES)
        return args, {k: value.line for k in args}
    return {"_raw_params": to_python(value)}, {"_raw_params": value.line}


def normalise(node: YNode) -> TaskSpec | None:
    """The module call of a task mapping, or None (a block, an empty task)."""
    if node.kind != "map":
        return None
    keywords = {k: v for k, v in node.value.items() if k in TASK_KEYWORDS or k.startswith("with_")}
    action = node.get("action") or node.get("local_action")
    if action is not None:
        if action.kind == "map":
            module_node = action.get("module")
            module = str(module_node.value) if module_node is not None and module_node.kind == "scalar" else ""
            args, lines = _args_of(action, module, action.line)
            args.pop("module", None)
        else:
            text = str(action.value or "")
            module, _, rest = text.strip().partition(" ")
            args = parse_kv(rest, free_form=short_name(module) in FREE_FORM_MODULES)
            lines = {k: action.line for k in args}
        line = action.key_line
    else:
        key = _module_key(node)
        if key is None:
            return None
        value = node.value[key]
        module = key
        args, lines = _args_of(value, module, value.line)
        line = value.key_line
    if not module:
        return None
    nodes: dict[str, YNode] = {}
    if action is None and node.value[module].kind == "map":
        nodes.update(node.value[module].value)
    elif action is not None and action.kind == "map":
        nodes.update(action.value)
    extra = node.get("args")
    if extra is not None and extra.kind == "map":
        for k, v in extra.value.items():
            if k not in args:
                args[k] = to_python(v, k)
                lines[k] = v.key_line
                nodes[k] = v
    return TaskSpec(short_name(module).lower(), module, args, lines, line, node, keywords, nodes)
