"""The raw HCL document model both parser back ends produce: bodies of attributes and blocks
whose values are small expression trees, each node with its 1-based line and column.

Nothing here is evaluated; `evaluate.py` resolves these trees. The node set is HCL's native
expression syntax (hashicorp/hcl hclsyntax spec): literals, templates (with `%{ if }` and
`%{ for }` directives), variables and traversals, splats, tuples, objects, function calls,
operators, conditionals and `for` expressions. A node that could not be read (nested beyond
`MAX_DEPTH`, or a syntax error) is `Invalid` and evaluates to unknown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 96  # expression nesting; real modules stay under 20, 10,000 would exhaust the stack


@dataclass(slots=True)
class Expr:
    line: int
    column: int


@dataclass(slots=True)
class Literal(Expr):
    value: Any  # str, int, float, bool or None


@dataclass(slots=True)
class Invalid(Expr):
    reason: str


@dataclass(slots=True)
class Template(Expr):
    """A quoted string or heredoc: literal strings and expressions (`${...}`) and directives.
    A template that is a single interpolation yields that value unconverted, as in HCL."""

    parts: tuple  # of str | Expr (interpolations, TemplateIf, TemplateFor)


@dataclass(slots=True)
class TemplateIf(Expr):
    condition: Expr
    then: tuple
    otherwise: tuple


@dataclass(slots=True)
class TemplateFor(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple


@dataclass(slots=True)
class Variable(Expr):
    name: str


@dataclass(slots=True)
class GetAttr(Expr):
    obj: Expr
    name: str


@dataclass(slots=True)
class Index(Expr):
    obj: Expr
    key: Expr


@dataclass(slots=True)
class SplatItem(Expr):
    """The element a splat's trailing traversal applies to."""


@dataclass(slots=True)
class Splat(Expr):
    """`source[*].a.b` (or legacy `source.*.a.b`): `each` is `.a.b` applied to `SplatItem`."""

    source: Expr
    each: Expr


@dataclass(slots=True)
class TupleExpr(Expr):
    items: tuple


@dataclass(slots=True)
class ObjectExpr(Expr):
    items: tuple  # of (key Expr, value Expr); a bare identifier key is a Literal string


@dataclass(slots=True)
class Call(Expr):
    name: str
    args: tuple
    expand_final: bool = False  # f(list...)


@dataclass(slots=True)
class Unary(Expr):
    op: str  # "-" or "!"
    operand: Expr


@dataclass(slots=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(slots=True)
class Conditional(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr


@dataclass(slots=True)
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # None for the tuple form `[for ...]`
    value: Expr
    condition: Expr | None
    grouping: bool = False  # `...` after the value in the object form


@dataclass(slots=True)
class AttributeSyntax:
    name: str
    expr: Expr
    line: int
    column: int
    path: str | None = None  # set when merged from another file (override.tf): where it is written


@dataclass(slots=True)
class BlockSyntax:
    type: str
    labels: tuple[str, ...]
    body: "Body"
    line: int
    column: int
    path: str | None = None  # as for AttributeSyntax


@dataclass(slots=True)
class Body:
    attributes: dict[str, AttributeSyntax] = field(default_factory=dict)
    blocks: list[BlockSyntax] = field(default_factory=list)

    def blocks_of(self, type_: str) -> list[BlockSyntax]:
        return [b for b in self.blocks if b.type == type_]


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    line: int
    column: int = 1


@dataclass(slots=True)
class Document:
    """One parsed file. `problem` is the first syntax error; what parsed around it is kept."""

    relpath: str
    body: Body
    problem: SyntaxProblem | None = None


BINARY_OPERATORS = frozenset({"||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"})


def loop_variables(names: list[str]) -> tuple[str | None, str]:
    """`for v in ...` binds the value only; `for k, v in ...` the key (or index) and the value."""
    return (names[0], names[1]) if len(names) > 1 else (None, names[0])


def parse_number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return 0
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value


def shift(expr, lines: int, columns: int):
    """Move positions of a parsed fragment to where it sits in its file."""
    if not lines and not columns:
        return expr
    stack = [expr]
    seen = set()
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, Expr):
            continue
        seen.add(id(node))
        if node.line == 1:
            node.column += columns
        node.line += lines
        for name in node.__slots__:
            value = getattr(node, name)
            if isinstance(value, Expr):
                stack.append(value)
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, Expr):
                        stack.append(item)
                    elif isinstance(item, tuple):
                        stack.extend(x for x in item if isinstance(x, Expr))
    return expr
