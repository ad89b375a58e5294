"""HCL template text shared by the back ends: escapes in quoted strings, `<<-` heredoc
indentation, `~` strip markers, and splitting a template string into literal text,
`${...}` interpolations and `%{ if/for }` directives (for JSON syntax and python-hcl2, which
hand templates over as text).
"""
from __future__ import annotations

import re
from typing import Callable

from linter.formats.terraform.syntax import Expr, Invalid, Template, TemplateFor, TemplateIf, loop_variables

_ESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)', re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _escape(match: re.Match) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        try:
            return chr(int(code[1:], 16))
        except (ValueError, OverflowError):
            return match.group(0)
    return _SIMPLE.get(code, match.group(0))


def literal_text(raw: str, quoted: bool) -> str:
    """A literal part as HCL reads it: `$${` and `%%{` are the literal `${` and `%{`; quoted
    strings also take backslash escapes (heredocs do not)."""
    if quoted and "\\" in raw:
        raw = _ESCAPE.sub(_escape, raw)
    if "$${" in raw or "%%{" in raw:
        raw = raw.replace("$${", "${").replace("%%{", "%{")
    return raw


def heredoc_indent(body: str) -> int:
    """The common leading spaces of a `<<-` heredoc's non-blank lines, which HCL removes."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in body.split("\n") if line.strip()]
    return min(widths) if widths else 0


def dedent_lines(text: str, indent: int, at_line_start: bool) -> str:
    if indent <= 0:
        return text
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i > 0 or at_line_start:
            cut = 0
            while cut < indent and cut < len(line) and line[cut] in " \t":
                cut += 1
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def apply_strip(parts: list, strip_before: set[int], strip_after: set[int]) -> list:
    """`${~ x}` trims the whitespace before the interpolation, `${x ~}` the whitespace after."""
    for i in strip_before:
        if i > 0 and isinstance(parts[i - 1], str):
            parts[i - 1] = parts[i - 1].rstrip()
    for i in strip_after:
        if i + 1 < len(parts) and isinstance(parts[i + 1], str):
            parts[i + 1] = parts[i + 1].lstrip()
    return [p for p in parts if not (isinstance(p, str) and p == "")]


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` that closes an interpolation opened just before `start`, skipping
    nested braces and quoted strings; -1 when it is never closed."""
    depth = 0
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


_FOR_DIRECTIVE = re.compile(r"^for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.*)$", re.S)

ParseExpr = Callable[[str, int, int], Expr]


def _position(text: str, index: int, line: int, column: int) -> tuple[int, int]:
    before = text.count("\n", 0, index)
    if before == 0:
        return line, column + index
    return line + before, index - text.rfind("\n", 0, index)


def split_template(text: str, parse_expr: ParseExpr, line: int, column: int, quoted: bool) -> Template:
    """Parse template text into a `Template`. `line`/`column` is where `text` starts."""
    items: list[tuple] = []
    i, n, start = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch in "$%" and text.startswith("{", i + 1):
            if i > 0 and text[i - 1] == ch and (i < 2 or text[i - 2] != ch):
                i += 2  # `$${` / `%%{`: an escaped opener, kept literal by literal_text
                continue
            if i > start:
                items.append(("lit", text[start:i]))
            close = _closing_brace(text, i + 2)
            if close < 0:
                items.append(("expr", Invalid(*_position(text, i, line, column), "unclosed template sequence")))
                start = i = n
                break
            inner = text[i + 2:close]
            inner_start = i + 2
            strip_left = inner.startswith("~")
            if strip_left:
                inner, inner_start = inner[1:], inner_start + 1
            strip_right = inner.endswith("~")
            if strip_right:
                inner = inner[:-1]
            pos = _position(text, inner_start, line, column)
            if strip_left:
                items.append(("strip_left",))
            if ch == "$":
                items.append(("expr", parse_expr(inner, *pos)))
            else:
                items.append(_directive(inner.strip(), parse_expr, pos))
            if strip_right:
                items.append(("strip_right",))
            i = start = close + 1
            continue
        i += 1
    if n > start:
        items.append(("lit", text[start:n]))
    return fold_directives(items, line, column, quoted)


def _directive(word: str, parse_expr: ParseExpr, pos: tuple[int, int]) -> tuple:
    if word.startswith(("if ", "if\t", "if\n")):
        return ("if", parse_expr(word[3:], *pos), pos)
    if word in ("else", "endif", "endfor"):
        return (word, pos)
    match = _FOR_DIRECTIVE.match(word)
    if match is not None:
        first, second, collection = match.groups()
        key_var, value_var = loop_variables([first, second] if second else [first])
        return ("for", key_var, value_var, parse_expr(collection, *pos), pos)
    return ("expr", Invalid(*pos, f"template directive %{{{word}}} not understood"))


def fold_directives(items: list[tuple], line: int, column: int, quoted: bool) -> Template:
    """Build a `Template` from a flat sequence of template items:
    ("lit", raw text), ("expr", Expr), ("if", Expr, pos), ("else", pos), ("endif", pos),
    ("for", key_var, value_var, Expr, pos), ("endfor", pos), ("strip_left",), ("strip_right",).
    Literal text is decoded here (escapes for quoted strings)."""
    parts: list = []
    stack: list[tuple[str, list, object, set, set]] = []
    strip_before: set[int] = set()
    strip_after: set[int] = set()
    pending_strip_after = False
    for item in items:
        kind = item[0]
        if kind == "strip_left":
            strip_before.add(len(parts))
            continue
        if kind == "strip_right":
            pending_strip_after = True
            continue
        if pending_strip_after:
            strip_after.add(len(parts) - 1)
            pending_strip_after = False
        if kind == "lit":
            parts.append(literal_text(item[1], quoted))
        elif kind == "expr":
            parts.append(item[1])
        elif kind == "if":
            stack.append(("if", parts, TemplateIf(*item[2], item[1], (), ()), strip_before, strip_after))
            parts, strip_before, strip_after = [], set(), set()
        elif kind == "for":
            stack.append(("for", parts, TemplateFor(*item[4], item[1], item[2], item[3], ()), strip_before, strip_after))
            parts, strip_before, strip_after = [], set(), set()
        elif kind == "else" and stack and stack[-1][0] == "if":
            _, outer, node, outer_before, outer_after = stack[-1]
            node.then = tuple(apply_strip(parts, strip_before, strip_after))
            stack[-1] = ("else", outer, node, outer_before, outer_after)
            parts, strip_before, strip_after = [], set(), set()
        elif (kind == "endif" and stack and stack[-1][0] in ("if", "else")) or (
                kind == "endfor" and stack and stack[-1][0] == "for"):
            state, outer, node, outer_before, outer_after = stack.pop()
            done = tuple(apply_strip(parts, strip_before, strip_after))
            if state == "if":
                node.then = done
            elif state == "else":
                node.otherwise = done
            else:
                node.body = done
            parts, strip_before, strip_after = outer, outer_before, outer_after
            parts.append(node)
        else:
            pos = item[-1] if isinstance(item[-1], tuple) else (line, column)
            parts.append(Invalid(*pos, f"template directive {kind} out of place"))
    if pending_strip_after:
        strip_after.add(len(parts) - 1)
    while stack:  # an unclosed directive: what it would produce is not known
        _, outer, node, outer_before, outer_after = stack.pop()
        parts, strip_before, strip_after = outer, outer_before, outer_after
        parts.append(Invalid(node.line, node.column, "unclosed template directive"))
    return Template(line, column, tuple(apply_strip(parts, strip_before, strip_after)))
