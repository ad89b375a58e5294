"""Reading resolved attribute values the way the cloud providers read them.

The evaluator hands over plain Python values, `Unknown` or `Ref`. These helpers turn them into
the few shapes the mappers need (a string, an int, a bool, a list of strings) and return None
for anything the files do not decide, so a mapper never mistakes an unknown for a value.
"""
from __future__ import annotations

import json
from typing import Any

from linter.formats.terraform.model import Block, Ref, Unknown
from linter.knowledge import parse_bool


def text(value: Any) -> str | None:
    """A known scalar as a string (Terraform converts numbers and bools to strings freely)."""
    if isinstance(value, Unknown) or value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def integer(value: Any) -> int | None:
    if isinstance(value, bool) or isinstance(value, Unknown) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def flag(value: Any) -> bool | None:
    """True/False for a known boolean (or its string spelling), None when unknown."""
    if isinstance(value, Unknown) or value is None:
        return None
    return parse_bool(value)


def strings(value: Any) -> list[str]:
    """The known strings of a list (or of one scalar); unknown items are dropped, so a list that
    mixes a literal CIDR with a variable still shows the literal one."""
    if isinstance(value, Unknown) or value is None:
        return []
    items = value if isinstance(value, (list, tuple, set)) else [value]
    found = []
    for item in items:
        if isinstance(item, (list, tuple)):
            found.extend(strings(item))
            continue
        as_text = text(item)
        if as_text is not None:
            found.append(as_text)
    return found


def refs(value: Any) -> list[Ref]:
    """Every resource reference in a value (a list of security group ids, a nested map)."""
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, (list, tuple, set)):
        return [r for item in value for r in refs(item)]
    if isinstance(value, dict):
        return [r for item in value.values() for r in refs(item)]
    return []


def json_document(value: Any) -> Any:
    """A policy document: already a dict/list (jsonencode evaluated), or a JSON string (heredoc,
    file). None when unknown or not JSON."""
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def all_text(value: Any) -> str:
    """Every known string inside a value, joined: for searching tags, user data, AMI filters."""
    if isinstance(value, dict):
        return " ".join(f"{k} {all_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return " ".join(all_text(v) for v in value)
    return text(value) or ""


def present(block: Block | Any, name: str) -> bool:
    """The attribute is written (or, in a plan, has a value): a plan lists every attribute of a
    resource, with null for the ones the configuration leaves out, and null means "absent"."""
    if isinstance(block, Block):
        attr = block.attributes.get(name)
        return attr is not None and attr.value is not None
    return block.has(name)
