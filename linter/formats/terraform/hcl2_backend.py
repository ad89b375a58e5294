"""The reference parser back end: python-hcl2's Lark grammar (hcl2.parses_to_tree).

Used when tree-sitter cannot be imported, and by the differential test against tree-sitter.
python-hcl2's dictionary output turns every expression into a `${...}` string and drops
positions, so this back end reads its Lark parse tree instead, whose tokens keep line and
column. Quirks of python-hcl2 8.1.4 handled here:
- binary operators come out as a right-leaning chain without precedence (`1 * 2 + 3` as
  `1 * (2 + 3)`): the chain is flattened and re-associated with HCL's precedence;
- heredocs are one token: their body is split into a template here;
- it stops at the first syntax error (nothing of the file is kept) and has no `~` strip markers.
"""
from __future__ import annotations

from functools import lru_cache

from linter.formats.terraform import syntax as s
from linter.formats.terraform.templates import fold_directives, heredoc_indent, literal_text, split_template

# HCL's operator precedence (hclsyntax spec), higher binds tighter.
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
               "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}


@lru_cache(maxsize=1)
def _hcl2():
    import hcl2
    from lark import Token, Tree

    return hcl2, Token, Tree


def available() -> bool:
    try:
        _hcl2()
    except ImportError:
        return False
    return True


def _pos(node) -> tuple[int, int]:
    _, Token, _ = _hcl2()
    while not isinstance(node, Token):
        meta = getattr(node, "meta", None)
        if meta is not None and not meta.empty:
            return meta.line, meta.column
        if not node.children:
            return 1, 1
        node = node.children[0]
    return node.line or 1, node.column or 1


class _Converter:
    def __init__(self):
        _, self.Token, self.Tree = _hcl2()
        self.too_deep: s.SyntaxProblem | None = None

    def trees(self, node) -> list:
        return [c for c in node.children if isinstance(c, self.Tree) and c.data != "new_line_or_comment"]

    def body(self, node, depth: int = 0) -> s.Body:
        body = s.Body()
        for child in self.trees(node):
            if child.data == "attribute":
                name = self.identifier(child.children[0])
                line, col = _pos(child)
                body.attributes[name] = s.AttributeSyntax(name, self.expr(child.children[-1], 0), line, col)
            elif child.data == "block":
                body.blocks.append(self.block(child, depth + 1))
        return body

    def identifier(self, node) -> str:
        return str(node.children[0]) if isinstance(node, self.Tree) else str(node)

    def block(self, node, depth: int) -> s.BlockSyntax:
        children = node.children
        labels = []
        inner = None
        for child in children[1:]:
            if isinstance(child, self.Tree):
                if child.data == "string":
                    labels.append(self.plain_string(child))
                elif child.data == "identifier":
                    labels.append(self.identifier(child))
                elif child.data == "body":
                    inner = child
        line, col = _pos(node)
        if depth > 64:
            self.too_deep = self.too_deep or s.SyntaxProblem("blocks nested more than 64 deep", line, col)
            inner = None
        body = self.body(inner, depth) if inner is not None else s.Body()
        return s.BlockSyntax(self.identifier(children[0]), tuple(labels), body, line, col)

    def plain_string(self, node) -> str:
        return "".join(literal_text(str(p.children[0]), True) for p in self.trees(node)
                       if p.children and isinstance(p.children[0], self.Token))

    # -- expressions -------------------------------------------------------------------------
    def expr(self, node, depth: int) -> s.Expr:
        line, col = _pos(node)
        if depth > s.MAX_DEPTH:
            self.too_deep = self.too_deep or s.SyntaxProblem(f"expression nested more than {s.MAX_DEPTH} deep", line, col)
            return s.Invalid(line, col, "nested too deeply")
        if isinstance(node, self.Token):
            return self.token(node)
        kind = node.data
        kids = node.children
        trees = self.trees(node)
        if kind == "expr_term":
            if kids and isinstance(kids[0], self.Token) and kids[0] == "(":
                return self.expr(trees[0], depth + 1)
            return self.expr(kids[0], depth + 1)
        if kind == "identifier":
            return s.Variable(line, col, self.identifier(node))
        if kind == "int_lit" or kind == "float_lit":
            return s.Literal(line, col, s.parse_number(str(kids[0])))
        if kind == "literal_value":
            word = str(kids[0])
            return s.Literal(line, col, None if word == "null" else word == "true")
        if kind == "string":
            return self.string(node, line, col, depth)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(str(kids[0]), line, col)
        if kind == "tuple":
            return s.TupleExpr(line, col, tuple(self.expr(t, depth + 1) for t in trees))
        if kind == "object":
            items = []
            for elem in trees:
                if elem.data != "object_elem":
                    continue
                key_node, value_node = self.trees(elem)[0], self.trees(elem)[-1]
                items.append((self.object_key(key_node, depth), self.expr(value_node, depth + 1)))
            return s.ObjectExpr(line, col, tuple(items))
        if kind == "function_call":
            name = self.identifier(kids[0])
            args: list[s.Expr] = []
            expand = False
            for child in trees[1:]:
                if child.data == "arguments":
                    for arg in child.children:
                        if isinstance(arg, self.Tree) and arg.data != "new_line_or_comment":
                            args.append(self.expr(arg, depth + 1))
                        elif str(arg) == "...":
                            expand = True
            return s.Call(line, col, name, tuple(args), expand)
        if kind == "get_attr_expr_term":
            return s.GetAttr(*_pos(trees[1]), self.expr(trees[0], depth + 1), self.identifier(self.trees(trees[1])[0]))
        if kind == "index_expr_term":
            index = trees[1]
            if index.data == "short_index":
                number = str(index.children[-1])
                key: s.Expr = s.Literal(*_pos(index), int(number) if number.isdigit() else number)
            else:
                key = self.expr(self.trees(index)[0], depth + 1)
            return s.Index(*_pos(index), self.expr(trees[0], depth + 1), key)
        if kind in ("full_splat_expr_term", "attr_splat_expr_term"):
            splat = trees[1]
            sline, scol = _pos(splat)
            each: s.Expr = s.SplatItem(sline, scol)
            for post in self.trees(splat):
                each = self.postfix(each, post, depth)
            return s.Splat(sline, scol, self.expr(trees[0], depth + 1), each)
        if kind == "conditional":
            exprs = [self.expr(t, depth + 1) for t in trees]
            return s.Conditional(line, col, *exprs[:3]) if len(exprs) == 3 else s.Invalid(line, col, "conditional")
        if kind == "unary_op":
            return s.Unary(line, col, str(kids[0]), self.expr(trees[0], depth + 1))
        if kind == "binary_op":
            return self.binary(node, depth)
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self.for_expr(node, kind, line, col, depth)
        return s.Invalid(line, col, f"unexpected {kind}")

    def token(self, token) -> s.Expr:
        return s.Literal(token.line or 1, token.column or 1, str(token))

    def postfix(self, base: s.Expr, node, depth: int) -> s.Expr:
        line, col = _pos(node)
        if node.data == "get_attr":
            return s.GetAttr(line, col, base, self.identifier(self.trees(node)[0]))
        if node.data == "short_index":
            number = str(node.children[-1])
            return s.Index(line, col, base, s.Literal(line, col, int(number) if number.isdigit() else number))
        inner = self.trees(node)
        return s.Index(line, col, base, self.expr(inner[0], depth + 1) if inner else s.Invalid(line, col, "index"))

    def object_key(self, node, depth: int) -> s.Expr:
        inner = node.children[0] if node.children else node
        if isinstance(inner, self.Tree) and inner.data == "expr_term" and inner.children and \
                isinstance(inner.children[0], self.Tree) and inner.children[0].data == "identifier":
            return s.Literal(*_pos(inner), self.identifier(inner.children[0]))
        return self.expr(inner, depth + 1)

    def binary(self, node, depth: int) -> s.Expr:
        """Flatten python-hcl2's right-leaning chain, then apply HCL precedence (left-assoc)."""
        operands: list[s.Expr] = []
        operators: list[str] = []
        current = node
        while isinstance(current, self.Tree) and current.data == "binary_op":
            trees = self.trees(current)
            operands.append(self.expr(trees[0], depth + 1))
            term = trees[1]
            term_trees = self.trees(term)
            operators.append(str(term_trees[0].children[0]))
            current = term_trees[1]
        operands.append(self.expr(current, depth + 1))

        def climb(left: s.Expr, min_prec: int) -> s.Expr:
            while operators and _PRECEDENCE.get(operators[0], 0) >= min_prec:
                op = operators.pop(0)
                right = operands.pop(0)
                while operators and _PRECEDENCE.get(operators[0], 0) > _PRECEDENCE.get(op, 0):
                    right = climb(right, _PRECEDENCE.get(operators[0], 0))
                left = s.Binary(left.line, left.column, op, left, right)
            return left

        first = operands.pop(0)
        return climb(first, 0)

    def for_expr(self, node, kind: str, line: int, col: int, depth: int) -> s.Expr:
        trees = self.trees(node)
        intro = trees[0]
        names = [self.identifier(t) for t in self.trees(intro) if t.data == "identifier"]
        coll = [t for t in self.trees(intro) if t.data != "identifier"]
        if not names or not coll:
            return s.Invalid(line, col, "for expression")
        key_var, value_var = s.loop_variables(names)
        rest = trees[1:]
        cond = None
        if rest and rest[-1].data == "for_cond":
            cond = self.expr(self.trees(rest[-1])[0], depth + 1)
            rest = rest[:-1]
        grouping = any(isinstance(c, self.Token) and str(c) == "..." for c in node.children)
        collection = self.expr(coll[0], depth + 1)
        if kind == "for_object_expr":
            if len(rest) < 2:
                return s.Invalid(line, col, "for expression")
            return s.ForExpr(line, col, key_var, value_var, collection, self.expr(rest[0], depth + 1),
                             self.expr(rest[1], depth + 1), cond, grouping)
        return s.ForExpr(line, col, key_var, value_var, collection, None, self.expr(rest[0], depth + 1), cond)

    # -- templates ---------------------------------------------------------------------------
    def string(self, node, line: int, col: int, depth: int) -> s.Expr:
        items: list[tuple] = []
        for part in self.trees(node):
            if not part.children:
                continue
            inner = part.children[0]
            if isinstance(inner, self.Token):
                items.append(("lit", str(inner)))
                continue
            pos = _pos(inner)
            exprs = self.trees(inner)
            kind = inner.data
            if kind == "interpolation":
                items.append(("expr", self.expr(exprs[0], depth + 1) if exprs else s.Invalid(*pos, "empty")))
            elif kind == "template_if_start":
                items.append(("if", self.expr(exprs[0], depth + 1), pos))
            elif kind == "template_else":
                items.append(("else", pos))
            elif kind == "template_endif":
                items.append(("endif", pos))
            elif kind == "template_for_start":
                names = [self.identifier(t) for t in exprs if t.data == "identifier"]
                coll = [t for t in exprs if t.data != "identifier"]
                if names and coll:
                    key_var, value_var = s.loop_variables(names)
                    items.append(("for", key_var, value_var, self.expr(coll[0], depth + 1), pos))
                else:
                    items.append(("expr", s.Invalid(*pos, "for directive")))
            elif kind == "template_endfor":
                items.append(("endfor", pos))
            else:
                items.append(("expr", s.Invalid(*pos, f"unexpected {kind}")))
        template = fold_directives(items, line, col, True)
        if all(isinstance(p, str) for p in template.parts):
            return s.Literal(line, col, "".join(template.parts))
        return template

    def heredoc(self, token: str, line: int, col: int) -> s.Expr:
        token = token.rstrip("\r\n")
        first_newline = token.find("\n")
        last_newline = token.rfind("\n")
        if first_newline < 0 or last_newline <= first_newline:
            return s.Template(line, col, ())
        body = token[first_newline + 1:last_newline + 1]
        if token.startswith("<<-"):
            indent = heredoc_indent(body)
            body = "\n".join(l[min(indent, len(l) - len(l.lstrip(" \t"))):] for l in body.split("\n"))
        return split_template(body, parse_expression, line + 1, 1, False)


def parse(text: str, relpath: str) -> s.Document:
    hcl2, _, _ = _hcl2()
    converter = _Converter()
    try:
        tree = hcl2.parses_to_tree(text)
    except RecursionError:
        return s.Document(relpath, s.Body(), s.SyntaxProblem("nested too deeply to parse", 1, 1))
    except Exception as exc:  # lark's UnexpectedInput and friends
        line = getattr(exc, "line", 1) or 1
        column = getattr(exc, "column", 1) or 1
        return s.Document(relpath, s.Body(), s.SyntaxProblem("HCL syntax error", max(1, line), max(1, column)))
    body_node = next((c for c in tree.children if getattr(c, "data", "") == "body"), None)
    body = converter.body(body_node) if body_node is not None else s.Body()
    return s.Document(relpath, body, converter.too_deep)


def parse_expression(text: str, line: int = 1, column: int = 1) -> s.Expr:
    hcl2, _, _ = _hcl2()
    try:
        tree = hcl2.parses_to_tree(f"x = {text}\n")
    except Exception:
        return s.Invalid(line, column, "expression not understood")
    body_node = next((c for c in tree.children if getattr(c, "data", "") == "body"), None)
    converter = _Converter()
    attrs = [c for c in converter.trees(body_node) if c.data == "attribute"] if body_node is not None else []
    if not attrs:
        return s.Invalid(line, column, "expression not understood")
    return s.shift(converter.expr(attrs[0].children[-1], 0), line - 1, column - 5)
