"""Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`) into the same `syntax` model.

JSON syntax (developer.hashicorp.com/terraform/language/syntax/json): the top-level object's
keys are block types; `resource`/`data` nest type then name, `variable`/`module`/`output`/
`provider` nest one label, `locals` holds attributes. Strings are templates (`${...}`) except
variable defaults and tfvars, which are literal. `"//"` keys are comments. Without provider
schemas a nested block cannot always be told from a map attribute: an array of objects, or an
object holding objects, arrays or non-strings, is read as nested blocks; an object of strings
(`tags`) as a map.
"""
from __future__ import annotations

import json
import re
from typing import Callable

from linter.formats.terraform import syntax as s
from linter.formats.terraform.templates import split_template

MAX_JSON_DEPTH = 200
_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_TWO_LABELS = frozenset({"resource", "data"})
_ONE_LABEL = frozenset({"variable", "module", "output", "provider", "check", "import", "moved", "removed"})
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "dynamic", "content"})


class JsonError(Exception):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class JNode:
    __slots__ = ("value", "line", "column")  # value: dict[str, (key line, key col, JNode)] | list | scalar

    def __init__(self, value, line: int, column: int):
        self.value, self.line, self.column = value, line, column


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def where(self, pos: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, pos) + 1
        return line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def skip(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()

    def value(self, depth: int) -> JNode:
        if depth > MAX_JSON_DEPTH:
            raise JsonError("nested too deeply", *self.where(self.pos))
        self.skip()
        text, pos = self.text, self.pos
        line, col = self.where(pos)
        if pos >= len(text):
            raise JsonError("unexpected end of file", line, col)
        ch = text[pos]
        if ch == "{":
            self.pos += 1
            members: dict = {}
            self.skip()
            if text.startswith("}", self.pos):
                self.pos += 1
                return JNode(members, line, col)
            while True:
                self.skip()
                match = _STRING.match(text, self.pos)
                if match is None:
                    raise JsonError("expected a quoted key", *self.where(self.pos))
                key = json.loads(match.group(0))
                key_line, key_col = self.where(self.pos)
                self.pos = match.end()
                self.skip()
                if not text.startswith(":", self.pos):
                    raise JsonError("expected `:`", *self.where(self.pos))
                self.pos += 1
                node = self.value(depth + 1)
                members[key] = (key_line, key_col, node)
                self.skip()
                if text.startswith(",", self.pos):
                    self.pos += 1
                elif text.startswith("}", self.pos):
                    self.pos += 1
                    return JNode(members, line, col)
                else:
                    raise JsonError("expected `,` or `}`", *self.where(self.pos))
        if ch == "[":
            self.pos += 1
            items: list = []
            self.skip()
            if text.startswith("]", self.pos):
                self.pos += 1
                return JNode(items, line, col)
            while True:
                items.append(self.value(depth + 1))
                self.skip()
                if text.startswith(",", self.pos):
                    self.pos += 1
                elif text.startswith("]", self.pos):
                    self.pos += 1
                    return JNode(items, line, col)
                else:
                    raise JsonError("expected `,` or `]`", *self.where(self.pos))
        if ch == '"':
            match = _STRING.match(text, pos)
            if match is None:
                raise JsonError("invalid string", line, col)
            self.pos = match.end()
            return JNode(json.loads(match.group(0)), line, col)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                self.pos += len(word)
                return JNode(value, line, col)
        match = _NUMBER.match(text, pos)
        if match is None:
            raise JsonError(f"unexpected character {ch!r}", line, col)
        self.pos = match.end()
        return JNode(s.parse_number(match.group(0)), line, col)


def parse_json(text: str) -> JNode:
    reader = _Reader(text)
    node = reader.value(0)
    reader.skip()
    if reader.pos < len(text):
        raise JsonError("text after the top-level value", *reader.where(reader.pos))
    return node


ParseExpr = Callable[[str, int, int], s.Expr]


def _literal(node: JNode) -> s.Expr:
    value = node.value
    if isinstance(value, dict):
        return s.ObjectExpr(node.line, node.column, tuple(
            (s.Literal(kl, kc, k), _literal(v)) for k, (kl, kc, v) in value.items()))
    if isinstance(value, list):
        return s.TupleExpr(node.line, node.column, tuple(_literal(v) for v in value))
    return s.Literal(node.line, node.column, value)


def _expression(node: JNode, parse_expr: ParseExpr) -> s.Expr:
    value = node.value
    if isinstance(value, str):
        if "${" not in value and "%{" not in value:
            return s.Literal(node.line, node.column, value)
        return split_template(value, parse_expr, node.line, node.column + 1, quoted=False)
    if isinstance(value, dict):
        return s.ObjectExpr(node.line, node.column, tuple(
            (s.Literal(kl, kc, k), _expression(v, parse_expr)) for k, (kl, kc, v) in value.items() if k != "//"))
    if isinstance(value, list):
        return s.TupleExpr(node.line, node.column, tuple(_expression(v, parse_expr) for v in value))
    return s.Literal(node.line, node.column, value)


def _is_block(name: str, node: JNode) -> bool:
    value = node.value
    if name in _META_BLOCKS:
        return isinstance(value, (dict, list))
    if isinstance(value, list):
        return bool(value) and all(isinstance(v.value, dict) for v in value)
    if isinstance(value, dict):
        return any(not isinstance(v.value, str) for _, _, v in value.values())
    return False


def _body(node: JNode, parse_expr: ParseExpr, literal: bool = False) -> s.Body:
    body = s.Body()
    if not isinstance(node.value, dict):
        return body
    for name, (line, col, child) in node.value.items():
        if name == "//":
            continue
        if not literal and _is_block(name, child):
            body.blocks.extend(_blocks(name, (), child, line, col, parse_expr, 0))
            continue
        expr = _literal(child) if literal else _expression(child, parse_expr)
        body.attributes[name] = s.AttributeSyntax(name, expr, line, col)
    return body


def _blocks(type_: str, labels: tuple, node: JNode, line: int, col: int, parse_expr: ParseExpr, need: int) -> list[s.BlockSyntax]:
    """Blocks of `type_` written as JSON: `need` more labels are object keys to descend."""
    value = node.value
    if isinstance(value, list):
        found = []
        for item in value:
            found.extend(_blocks(type_, labels, item, item.line, item.column, parse_expr, need))
        return found
    if not isinstance(value, dict):
        return []
    if need > 0:
        found = []
        for key, (kl, kc, child) in value.items():
            if key != "//":
                found.extend(_blocks(type_, labels + (key,), child, kl, kc, parse_expr, need - 1))
        return found
    if type_ == "dynamic" or type_ == "provisioner":
        found = []
        for key, (kl, kc, child) in value.items():
            if key != "//":
                bodies = child.value if isinstance(child.value, list) else [child]
                for inner in bodies:
                    found.append(s.BlockSyntax(type_, labels + (key,), _body(inner, parse_expr), kl, kc))
        return found
    body = _variable_body(node, parse_expr) if type_ == "variable" else _body(node, parse_expr)
    return [s.BlockSyntax(type_, labels, body, line, col)]


def _variable_body(node: JNode, parse_expr: ParseExpr) -> s.Body:
    body = s.Body()
    if not isinstance(node.value, dict):
        return body
    for name, (line, col, child) in node.value.items():
        if name == "default":
            body.attributes[name] = s.AttributeSyntax(name, _literal(child), line, col)
        elif name != "//":
            body.attributes[name] = s.AttributeSyntax(name, _expression(child, parse_expr), line, col)
    return body


def parse(text: str, relpath: str, parse_expr: ParseExpr, tfvars: bool = False) -> s.Document:
    try:
        root = parse_json(text)
    except JsonError as exc:
        return s.Document(relpath, s.Body(), s.SyntaxProblem(f"JSON syntax error: {exc.message}", exc.line, exc.column))
    except RecursionError:
        return s.Document(relpath, s.Body(), s.SyntaxProblem("JSON nested too deeply", 1, 1))
    if not isinstance(root.value, dict):
        return s.Document(relpath, s.Body(), s.SyntaxProblem("the top level is not a JSON object", root.line, root.column))
    if tfvars:
        return s.Document(relpath, _body(root, parse_expr, literal=True))
    body = s.Body()
    for name, (line, col, child) in root.value.items():
        if name == "//":
            continue
        if name == "locals":
            items = child.value if isinstance(child.value, list) else [child]
            for item in items:
                body.blocks.append(s.BlockSyntax("locals", (), _attrs_only(item, parse_expr), line, col))
            continue
        need = 2 if name in _TWO_LABELS else 1 if name in _ONE_LABEL else 0
        body.blocks.extend(_blocks(name, (), child, line, col, parse_expr, need))
    return s.Document(relpath, body)


def _attrs_only(node: JNode, parse_expr: ParseExpr) -> s.Body:
    body = s.Body()
    if isinstance(node.value, dict):
        for name, (line, col, child) in node.value.items():
            if name != "//":
                body.attributes[name] = s.AttributeSyntax(name, _expression(child, parse_expr), line, col)
    return body
