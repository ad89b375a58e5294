"""The default parser back end: the tree-sitter HCL grammar (tree-sitter-hcl).

tree-sitter parses in C, gives exact positions and recovers from syntax errors, so what parses
around a mistake is still evaluated; the first ERROR or MISSING node is the file's problem.
The tree is converted once into `syntax` nodes. Literal template text is taken from the source
between the grammar's interpolation and directive nodes, because the grammar does not keep
whitespace and newlines of templates in any node.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from linter.formats.terraform import syntax as s
from linter.formats.terraform.templates import apply_strip, dedent_lines, heredoc_indent, literal_text

MAX_BLOCK_DEPTH = 64
_NEWLINE = re.compile(rb"\n")
_POSTFIX = frozenset({"get_attr", "index", "splat"})
_TEMPLATE_PARTS = frozenset({"template_interpolation", "template_directive"})


@lru_cache(maxsize=1)
def _parser():
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def available() -> bool:
    try:
        _parser()
    except Exception:  # missing wheel or an incompatible binding: fall back to python-hcl2
        return False
    return True


class _Converter:
    def __init__(self, data: bytes):
        self.data = data
        self.ascii = data.isascii()
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(data)]
        self.too_deep: s.SyntaxProblem | None = None
        self.heredoc_problem: s.SyntaxProblem | None = None

    # -- positions ---------------------------------------------------------------------------
    def pos(self, node) -> tuple[int, int]:
        """1-based line and column (in characters) of a node, from its byte offset."""
        offset = node.start_byte
        row = bisect_right(self.line_starts, offset) - 1
        begin = self.line_starts[row]
        if self.ascii:
            return row + 1, offset - begin + 1
        return row + 1, len(self.data[begin:offset].decode("utf-8", "replace")) + 1

    def text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def invalid(self, node, reason: str) -> s.Invalid:
        return s.Invalid(*self.pos(node), reason)

    # -- bodies ------------------------------------------------------------------------------
    def body(self, node, depth: int = 0) -> s.Body:
        body = s.Body()
        if node is None:
            return body
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                parts = child.children
                if len(parts) >= 3 and parts[0].type == "identifier":
                    line, col = self.pos(child)
                    body.attributes[self.text(parts[0])] = s.AttributeSyntax(
                        self.text(parts[0]), self.expr(parts[2], 0), line, col)
            elif kind == "block":
                block = self.block(child, depth + 1)
                if block is not None:
                    body.blocks.append(block)
        return body

    def block(self, node, depth: int) -> s.BlockSyntax | None:
        children = node.children
        if not children or children[0].type != "identifier":
            return None
        labels: list[str] = []
        inner = None
        for child in children[1:]:
            kind = child.type
            if kind == "string_lit":
                labels.append(self.string_lit(child))
            elif kind == "identifier":
                labels.append(self.text(child))
            elif kind == "body":
                inner = child
        line, col = self.pos(node)
        if depth > MAX_BLOCK_DEPTH:
            if self.too_deep is None:
                self.too_deep = s.SyntaxProblem(f"blocks nested more than {MAX_BLOCK_DEPTH} deep", line, col)
            inner = None
        return s.BlockSyntax(self.text(children[0]), tuple(labels), self.body(inner, depth), line, col)

    def string_lit(self, node) -> str:
        # a string literal is its quotes around the text: no need to visit its children
        start, end = node.start_byte + 1, node.end_byte - 1
        if end < start or self.data[end:end + 1] != b'"':
            return ""
        return literal_text(self.data[start:end].decode("utf-8", "replace"), quoted=True)

    # -- expressions -------------------------------------------------------------------------
    def expr(self, node, depth: int) -> s.Expr:
        if depth > s.MAX_DEPTH:
            if self.too_deep is None:
                self.too_deep = s.SyntaxProblem(f"expression nested more than {s.MAX_DEPTH} deep", *self.pos(node))
            return self.invalid(node, "nested too deeply")
        kind = node.type
        if kind == "expression":
            return self.term(node.children, depth)
        method = _DISPATCH.get(kind)
        if method is None:
            return self.invalid(node, f"unexpected {kind}")
        return method(self, node, depth)

    def term(self, nodes, depth: int) -> s.Expr:
        """An expression term followed by attribute, index and splat postfixes."""
        if not nodes:
            return s.Invalid(0, 0, "empty expression")
        if nodes[0].type == "(":
            base = self.expr(nodes[1], depth + 1) if len(nodes) > 1 else self.invalid(nodes[0], "empty parentheses")
            rest = nodes[3:]
        else:
            base = self.expr(nodes[0], depth + 1)
            rest = nodes[1:]
        for post in rest:
            base = self.postfix(base, post, depth)
        return base

    def postfix(self, base: s.Expr, node, depth: int) -> s.Expr:
        kind = node.type
        line, col = self.pos(node)
        if kind == "get_attr":
            return s.GetAttr(line, col, base, self.text(node.children[-1]))
        if kind == "index":
            inner = node.children[0]
            if inner.type == "new_index":
                key = inner.children[1] if inner.child_count >= 3 else None
                return s.Index(line, col, base, self.expr(key, depth + 1) if key is not None else self.invalid(node, "empty index"))
            number = self.text(inner)[1:].strip()  # legacy `a.0`
            return s.Index(line, col, base, s.Literal(line, col, int(number) if number.isdigit() else number))
        if kind == "splat":
            inner = node.children[0]
            each: s.Expr = s.SplatItem(line, col)
            for post in inner.children[1:]:
                if post.type in _POSTFIX:
                    each = self.postfix(each, post, depth)
            return s.Splat(line, col, base, each)
        if kind == "ERROR" or not node.is_named:
            return base
        return self.invalid(node, f"unexpected {kind}")

    def _variable_expr(self, node, depth):
        return s.Variable(*self.pos(node), self.text(node))

    def _literal_value(self, node, depth):
        inner = node.child(0)
        kind = inner.type
        line, col = self.pos(node)
        if kind == "numeric_lit":
            return s.Literal(line, col, s.parse_number(self.text(inner)))
        if kind == "bool_lit":
            return s.Literal(line, col, self.text(inner) == "true")
        if kind == "null_lit":
            return s.Literal(line, col, None)
        if kind == "string_lit":
            return s.Literal(line, col, self.string_lit(inner))
        return self.invalid(node, f"unexpected literal {kind}")

    def _template_expr(self, node, depth):
        inner = node.children[0]
        line, col = self.pos(node)
        children = inner.children
        if inner.type == "quoted_template":
            parts = self.template_parts(children[1:-1], children[0].end_byte, children[-1].start_byte, True, 0, depth)
            return s.Template(line, col, tuple(parts))
        # heredoc: <<ID newline body ID
        start_marker = children[0]
        idents = [c for c in children if c.type == "heredoc_identifier"]
        if len(idents) < 2:
            return self.invalid(node, "unterminated heredoc")
        begin = self.data.find(b"\n", idents[0].end_byte)
        if self.data[idents[0].end_byte:begin if begin >= 0 else len(self.data)].strip() and self.heredoc_problem is None:
            # HCL's scanner wants the newline right after `<<ID`; Terraform rejects anything else
            self.heredoc_problem = s.SyntaxProblem("a heredoc's opening line must end after its identifier", line, col)
        begin = idents[0].end_byte if begin < 0 else begin + 1
        end = self.data.rfind(b"\n", begin, idents[-1].start_byte)
        end = begin if end < 0 else end + 1
        indent = 0
        if self.text(start_marker).startswith("<<-"):
            indent = heredoc_indent(self.data[begin:end].decode("utf-8", "replace"))
        inner_parts = [c for c in children if c.type in _TEMPLATE_PARTS and begin <= c.start_byte < end]
        return s.Template(line, col, tuple(self.template_parts(inner_parts, begin, end, False, indent, depth)))

    def template_parts(self, children, begin: int, end: int, quoted: bool, indent: int, depth: int) -> list:
        parts: list = []
        strip_before: set[int] = set()
        strip_after: set[int] = set()
        at = begin
        for child in children:
            kind = child.type
            if kind not in _TEMPLATE_PARTS:
                continue
            if child.start_byte > at:
                self.literal(parts, at, child.start_byte, quoted, indent, begin)
            if kind == "template_interpolation":
                inner = child.children
                if len(inner) > 1 and inner[1].type == "strip_marker":
                    strip_before.add(len(parts))
                if len(inner) > 2 and inner[-2].type == "strip_marker":
                    strip_after.add(len(parts))
                exprs = [c for c in inner if c.type == "expression"]
                parts.append(self.expr(exprs[0], depth + 1) if exprs else self.invalid(child, "empty interpolation"))
            else:
                directive, before, after = self.directive(child.children[0] if child.child_count else child,
                                                          quoted, indent, depth, begin)
                if before:
                    strip_before.add(len(parts))
                if after:
                    strip_after.add(len(parts))
                parts.append(directive)
            at = child.end_byte
        if end > at:
            self.literal(parts, at, end, quoted, indent, begin)
        return apply_strip(parts, strip_before, strip_after)

    def literal(self, parts: list, start: int, end: int, quoted: bool, indent: int, region: int) -> None:
        raw = self.data[start:end].decode("utf-8", "replace")
        if indent:
            raw = dedent_lines(raw, indent, start == region or self.data[start - 1:start] == b"\n")
        parts.append(literal_text(raw, quoted))

    def directive(self, node, quoted: bool, indent: int, depth: int, region: int) -> tuple[s.Expr, bool, bool]:
        """A `%{ if }` / `%{ for }` directive, and whether `~` markers strip the whitespace
        before and after it as a whole; markers inside it trim its own parts."""
        children = node.children
        line, col = self.pos(node)
        if node.type == "template_if" and children:
            intro = children[0]
            cond = [c for c in intro.children if c.type == "expression"]
            condition = self.expr(cond[0], depth + 1) if cond else self.invalid(intro, "empty if")
            else_at = next((i for i, c in enumerate(children) if c.type == "template_else_intro"), None)
            end_node = children[-1]
            then_end = children[else_at].start_byte if else_at is not None else end_node.start_byte
            then = self.template_parts(children[1:else_at], intro.end_byte, then_end, quoted, indent, depth)
            otherwise: list = []
            if else_at is not None:
                otherwise = self.template_parts(children[else_at + 1:-1], children[else_at].end_byte,
                                                end_node.start_byte, quoted, indent, depth)
            before, after_intro = _markers(intro)
            end_left, after = _markers(end_node)
            _trim(then, after_intro, False)
            if else_at is not None:
                else_left, else_right = _markers(children[else_at])
                _trim(then, False, else_left)
                _trim(otherwise, else_right, end_left)
            else:
                _trim(then, False, end_left)
            return s.TemplateIf(line, col, condition, _clean(then), _clean(otherwise)), before, after
        if node.type == "template_for" and children:
            intro = children[0]
            names = [self.text(c) for c in intro.children if c.type == "identifier"]
            coll = [c for c in intro.children if c.type == "expression"]
            if not names or not coll:
                return self.invalid(node, "incomplete for directive"), False, False
            key_var, value_var = s.loop_variables(names)
            body = self.template_parts(children[1:-1], intro.end_byte, children[-1].start_byte, quoted, indent, depth)
            before, after_intro = _markers(intro)
            end_left, after = _markers(children[-1])
            _trim(body, after_intro, end_left)
            return s.TemplateFor(line, col, key_var, value_var, self.expr(coll[0], depth + 1), _clean(body)), before, after
        return self.invalid(node, "template directive not understood"), False, False

    def _collection_value(self, node, depth):
        inner = node.children[0]
        line, col = self.pos(node)
        if inner.type == "tuple":
            return s.TupleExpr(line, col, tuple(self.expr(c, depth + 1) for c in inner.children if c.type == "expression"))
        items = []
        for elem in inner.children:
            if elem.type != "object_elem":
                continue
            key_node = elem.child_by_field_name("key")
            val_node = elem.child_by_field_name("val")
            if key_node is None or val_node is None:
                continue
            items.append((self.object_key(key_node, depth), self.expr(val_node, depth + 1)))
        return s.ObjectExpr(line, col, tuple(items))

    def object_key(self, node, depth: int) -> s.Expr:
        """A bare identifier key is the literal name (`{ a = 1 }`); `(a)` is an expression."""
        children = node.children
        if len(children) == 1 and children[0].type == "variable_expr":
            return s.Literal(*self.pos(node), self.text(children[0]))
        return self.expr(node, depth + 1)

    def _function_call(self, node, depth):
        children = node.children
        name = self.text(children[0])
        args: list[s.Expr] = []
        expand = False
        for child in children[1:]:
            if child.type == "function_arguments":
                for arg in child.children:
                    if arg.type == "expression":
                        args.append(self.expr(arg, depth + 1))
                    elif arg.type == "ellipsis":
                        expand = True
        return s.Call(*self.pos(node), name, tuple(args), expand)

    def _for_expr(self, node, depth):
        inner = node.children[0]
        line, col = self.pos(node)
        intro = None
        exprs = []
        cond = None
        grouping = False
        for child in inner.children:
            kind = child.type
            if kind == "for_intro":
                intro = child
            elif kind == "expression":
                exprs.append(child)
            elif kind == "for_cond":
                found = [c for c in child.children if c.type == "expression"]
                cond = self.expr(found[0], depth + 1) if found else None
            elif kind == "ellipsis":
                grouping = True
        if intro is None or not exprs:
            return self.invalid(node, "incomplete for expression")
        names = [self.text(c) for c in intro.children if c.type == "identifier"]
        coll = [c for c in intro.children if c.type == "expression"]
        if not names or not coll:
            return self.invalid(node, "incomplete for expression")
        key_var, value_var = s.loop_variables(names)
        collection = self.expr(coll[0], depth + 1)
        if inner.type == "for_object_expr":
            if len(exprs) < 2:
                return self.invalid(node, "incomplete for expression")
            return s.ForExpr(line, col, key_var, value_var, collection, self.expr(exprs[0], depth + 1),
                             self.expr(exprs[1], depth + 1), cond, grouping)
        return s.ForExpr(line, col, key_var, value_var, collection, None, self.expr(exprs[0], depth + 1), cond)

    def _conditional(self, node, depth):
        exprs = [c for c in node.children if c.type == "expression"]
        if len(exprs) != 3:
            return self.invalid(node, "incomplete conditional")
        return s.Conditional(*self.pos(node), *(self.expr(e, depth + 1) for e in exprs))

    def _operation(self, node, depth):
        return self.expr(node.children[0], depth + 1)

    def _unary_operation(self, node, depth):
        children = node.children
        return s.Unary(*self.pos(node), self.text(children[0]), self.term(children[1:], depth + 1))

    def _binary_operation(self, node, depth):
        children = node.children
        level = 0
        for i, child in enumerate(children):
            kind = child.type
            if kind == "(":
                level += 1
            elif kind == ")":
                level -= 1
            elif level == 0 and i > 0 and not child.is_named and kind in s.BINARY_OPERATORS:
                return s.Binary(*self.pos(node), kind, self.term(children[:i], depth + 1), self.term(children[i + 1:], depth + 1))
        return self.invalid(node, "binary operation without operator")

    def _ERROR(self, node, depth):
        return self.invalid(node, "syntax error")


_DISPATCH = {name[1:]: getattr(_Converter, name) for name in dir(_Converter)
             if name.startswith("_") and not name.startswith("__") and callable(getattr(_Converter, name))}


def _markers(node) -> tuple[bool, bool]:
    """(`%{~`, `~}`) of a directive's opening or closing sequence."""
    children = node.children
    return (len(children) > 1 and children[1].type == "strip_marker",
            len(children) > 2 and children[-2].type == "strip_marker")


def _trim(parts: list, leading: bool, trailing: bool) -> None:
    if leading and parts and isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if trailing and parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()


def _clean(parts: list) -> tuple:
    return tuple(p for p in parts if not (isinstance(p, str) and p == ""))


def _first_problem(root):
    """(message, node) of the first ERROR or MISSING node in document order, descending only
    into subtrees that hold an error. The message never quotes the file (it may hold a secret)."""
    node = root
    while True:
        for child in node.children:
            if child.is_missing:
                return f"missing `{child.type}`", child
            if child.type == "ERROR":
                return "unexpected input", child
            if child.has_error:
                node = child
                break
        else:
            if node.type == "ERROR" or node.is_missing:
                return "unexpected input", node
            return None


def parse(text: str, relpath: str) -> s.Document:
    data = text.encode("utf-8", "surrogatepass")
    tree = _parser().parse(data)
    root = tree.root_node
    converter = _Converter(data)
    body_node = next((c for c in root.children if c.type == "body"), None)
    body = converter.body(body_node)
    problem = None
    if root.has_error:
        found = _first_problem(root)
        if found is not None:
            message, node = found
            problem = s.SyntaxProblem(f"HCL syntax error: {message}", *converter.pos(node))
    if problem is None:
        problem = converter.too_deep or converter.heredoc_problem
    return s.Document(relpath, body, problem)


def parse_expression(text: str, line: int = 1, column: int = 1) -> s.Expr:
    """One expression written outside a `.tf` file (a `${...}` of JSON syntax), by parsing
    `x = <text>`; positions are shifted to where the text was written."""
    data = f"x = {text}\n".encode("utf-8", "surrogatepass")
    root = _parser().parse(data).root_node
    body = next((c for c in root.children if c.type == "body"), None)
    if root.has_error or body is None or not body.children or body.children[0].type != "attribute":
        return s.Invalid(line, column, "expression not understood")
    converter = _Converter(data)
    attr = body.children[0]
    expr = converter.expr(attr.children[2], 0)
    return s.shift(expr, line - 1, column - 5)
