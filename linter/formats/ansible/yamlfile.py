"""Ansible YAML with line numbers, loaded safely.

PyYAML composes nodes only (the compose reader's `parse_yaml`: aliases followed with a bound,
never a Python object constructed). Tags decide values the way Ansible's loader does: `!vault`
is a vaulted secret, `!unsafe` a string Ansible will not template, any other explicit tag
(`!!python/object`, a custom one) a value pacsguard does not know.
"""
from __future__ import annotations

from linter.formats.compose import YNode, parse_yaml
from linter.formats.ansible.values import Unknown, Vaulted
from linter.knowledge import parse_bool

__all__ = ["YNode", "load", "to_python"]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {"tag:yaml.org,2002:" + t for t in ("seq", "map", "omap", "set", "str", "int", "float", "bool",
                                                    "null", "timestamp", "binary")} | {"!"}
_PLAIN_TAGS = {"", "!", _STR, "tag:yaml.org,2002:timestamp", "!unsafe", "tag:yaml.org,2002:binary"}


def load(text: str) -> YNode | None:
    """The first document, or None when empty. Raises ParseError for invalid YAML."""
    return parse_yaml(text)


class Unsafe(str):
    """A string marked `!unsafe`: Ansible never templates it."""


def _scalar(node: YNode, name: str) -> object:
    tag, text = node.tag, node.value
    if text is None:
        return None
    if tag == "!vault" or tag.endswith(":vault"):
        return Vaulted(name)
    if tag == _BOOL:
        return parse_bool(text)
    if tag == _INT:
        digits = text.replace("_", "")
        for base in (10, 0, 8):
            try:
                return int(digits, base)
            except ValueError:
                continue
        return text
    if tag == _FLOAT:
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    if tag == "!unsafe":
        return Unsafe(text)
    if tag in _PLAIN_TAGS:
        return text
    return Unknown(name or f"value tagged {tag}")


def to_python(node: YNode | None, name: str = "") -> object:
    """Plain values (dict, list, str, int, bool, None) with markers for vault and unknown tags."""
    if node is None:
        return None
    if node.kind == "scalar":
        return _scalar(node, name)
    if node.tag and node.tag not in _STANDARD_TAGS:
        return Unknown(name or f"value tagged {node.tag}")
    if node.kind == "seq":
        return [to_python(child, name) for child in node.value]
    return {key: to_python(child, key) for key, child in node.value.items()}
