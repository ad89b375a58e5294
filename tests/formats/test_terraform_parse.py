"""Both HCL back ends: the document model they build, with positions, and how they report
syntax errors."""
from __future__ import annotations

import pytest

from linter.formats.terraform import hcl2_backend, json_syntax, syntax as s, ts_backend

BACKENDS = {"tree-sitter": ts_backend, "hcl2": hcl2_backend}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request):
    return BACKENDS[request.param]


SOURCE = '''# hash comment
// slash comment
/* block
   comment */
resource "aws_security_group" "pacs" {
  name = "pacs" # trailing
  ingress {
    from_port   = 104
    cidr_blocks = ["0.0.0.0/0", var.extra]
  }
  description = <<EOT
line one ${var.name}
EOT
  labels = { "a" = 1, b = local.x }
}
'''


def test_blocks_attributes_and_their_positions(backend):
    doc = backend.parse(SOURCE, "main.tf")
    assert doc.problem is None
    [resource] = doc.body.blocks
    assert (resource.type, resource.labels, resource.line, resource.column) == ("resource", ("aws_security_group", "pacs"), 5, 1)
    name = resource.body.attributes["name"]
    assert (name.line, name.column, name.expr.value) == (6, 3, "pacs")
    [ingress] = resource.body.blocks
    assert (ingress.type, ingress.line, ingress.column) == ("ingress", 7, 3)
    port = ingress.body.attributes["from_port"]
    assert (port.line, port.column, port.expr.value) == (8, 5, 104)
    cidrs = ingress.body.attributes["cidr_blocks"].expr
    assert isinstance(cidrs, s.TupleExpr)
    assert cidrs.items[0].value == "0.0.0.0/0"
    assert isinstance(cidrs.items[1], s.GetAttr) and cidrs.items[1].name == "extra"
    assert resource.body.attributes["description"].line == 11


def test_heredoc_and_interpolation(backend):
    doc = backend.parse(SOURCE, "main.tf")
    heredoc = doc.body.blocks[0].body.attributes["description"].expr
    assert isinstance(heredoc, s.Template)
    assert heredoc.parts[0] == "line one "
    assert isinstance(heredoc.parts[1], s.GetAttr) and heredoc.parts[1].name == "name"
    assert heredoc.parts[2] == "\n"
    assert heredoc.parts[1].line == 12


def test_indented_heredoc_is_dedented(backend):
    doc = backend.parse('a = <<-EOT\n    one\n      two\n    EOT\n', "main.tf")
    assert doc.body.attributes["a"].expr.parts == ("one\n  two\n",)


def test_object_keys_bare_quoted_and_expression(backend):
    doc = backend.parse('o = { a = 1, "b" = 2, (c) = 3 }\n', "main.tf")
    keys = [k for k, _ in doc.body.attributes["o"].expr.items]
    assert [type(k).__name__ for k in keys] == ["Literal", "Literal", "Variable"]
    assert [k.value for k in keys[:2]] == ["a", "b"]


def test_escapes_and_literal_template_openers(backend):
    doc = backend.parse('a = "tab\\there \\"q\\" $${x} %%{y} \\u00e9"\n', "main.tf")
    assert doc.body.attributes["a"].expr.value == 'tab\there "q" ${x} %{y} é'


def test_unicode_columns_count_characters(backend):
    doc = backend.parse('locals {\n  e = "ü"\n  x = "ü${y}"\n}\n', "main.tf")
    locals_ = doc.body.blocks[0].body.attributes
    assert locals_["e"].expr.value == "ü"
    interpolation = locals_["x"].expr.parts[1]
    assert (interpolation.line, interpolation.column) == (3, 11)


def test_operator_precedence(backend):
    expr = backend.parse("a = 1 * 2 + 3 - 4 - 5\n", "main.tf").body.attributes["a"].expr
    # ((1 * 2) + 3) - 4) - 5: python-hcl2 hands over a right-leaning chain; it is re-associated
    assert expr.op == "-" and expr.right.value == 5
    assert expr.left.op == "-" and expr.left.left.op == "+" and expr.left.left.left.op == "*"


def test_splat_index_and_for_expressions(backend):
    attrs = backend.parse(
        'a = x[*].id\nb = y.*.name\nc = z[0]["k"].w\nd = [for k, v in m : v if k != "a"]\ne = { for i in l : i => i... }\n',
        "main.tf").body.attributes
    assert isinstance(attrs["a"].expr, s.Splat) and attrs["a"].expr.each.name == "id"
    assert isinstance(attrs["b"].expr, s.Splat)
    assert isinstance(attrs["c"].expr, s.GetAttr) and attrs["c"].expr.obj.key.value == "k"
    d = attrs["d"].expr
    assert (d.key_var, d.value_var, d.key, d.condition.op) == ("k", "v", None, "!=")
    assert attrs["e"].expr.grouping is True


def test_template_directives(backend):
    expr = backend.parse('a = "%{ if x }yes%{ else }no%{ endif }"\n', "main.tf").body.attributes["a"].expr
    [directive] = expr.parts
    assert isinstance(directive, s.TemplateIf)
    assert directive.then == ("yes",) and directive.otherwise == ("no",)


def test_syntax_error_is_reported_with_its_line(backend):
    doc = backend.parse('a = 1\nb = = 2\n', "main.tf")
    assert doc.problem is not None
    assert doc.problem.line == 2


def test_tree_sitter_keeps_what_parsed_around_an_error():
    doc = ts_backend.parse('resource "a" "b" {\n  x = 1\n  y = 1 +\n}\nresource "c" "d" { z = 3 }\n', "main.tf")
    assert doc.problem is not None and doc.problem.line == 3
    labels = [b.labels for b in doc.body.blocks]
    assert ("c", "d") in labels


def test_unicode_identifiers_with_tree_sitter():
    # HCL identifiers may hold any letter (python-hcl2 8.1.4 rejects them: a PG001 there)
    doc = ts_backend.parse('locals {\n  é = "ü"\n  ü = 1\n}\n', "main.tf")
    locals_ = doc.body.blocks[0].body.attributes
    assert (locals_["é"].line, locals_["é"].column, locals_["ü"].column) == (2, 3, 3)


def test_missing_brace_is_a_problem():
    doc = ts_backend.parse('resource "a" "b" {\n  x = 1\n', "main.tf")
    assert doc.problem is not None


def test_deep_nesting_is_cut_and_reported():
    doc = ts_backend.parse("a = " + "[" * 5000 + "]" * 5000 + "\n", "main.tf")
    assert doc.problem is not None
    assert "deep" in doc.problem.message or "syntax" in doc.problem.message


def test_strip_markers_on_directives():
    text = 'a = <<-EOT\n  x\n  %{~ for p in l ~}\n  p ${p}\n  %{~ endfor ~}\n  y\nEOT\n'
    for module in BACKENDS.values():
        parts = module.parse(text, "main.tf").body.attributes["a"].expr.parts
        assert parts[0] == "x" and isinstance(parts[1], s.TemplateFor) and parts[2] == "y\n"
        assert parts[1].body[0] == "p "


def test_json_syntax_blocks_and_positions():
    text = '{\n  "resource": {\n    "aws_security_group": {\n      "web": {\n        "name": "${var.x}-web",\n        "ingress": [{"from_port": 104}],\n        "tags": {"Name": "w"}\n      }\n    }\n  },\n  "variable": {"x": {"default": "${not_a_template}"}}\n}\n'
    doc = json_syntax.parse(text, "main.tf.json", ts_backend.parse_expression)
    assert doc.problem is None
    resource = next(b for b in doc.body.blocks if b.type == "resource")
    assert resource.labels == ("aws_security_group", "web")
    name = resource.body.attributes["name"]
    assert name.line == 5 and isinstance(name.expr, s.Template)
    assert [b.type for b in resource.body.blocks] == ["ingress"]
    assert "tags" in resource.body.attributes
    variable = next(b for b in doc.body.blocks if b.type == "variable")
    assert variable.body.attributes["default"].expr.value == "${not_a_template}"


def test_json_syntax_error():
    doc = json_syntax.parse('{\n  "resource": [\n', "main.tf.json", ts_backend.parse_expression)
    assert doc.problem is not None and doc.problem.line >= 2


# -- fuzz: every back end returns a document (maybe with a problem), never raises -------------
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_FRAGMENTS = ['resource "a" "b" {', "}", "{", "[", "]", "(", ")", '"', "${", "%{ if x }", "%{ endif }",
              "<<EOT\n", "<<-EOT\n", "\nEOT\n", "a = ", "1", "var.x", ",", "...", "?", ":", "for x in y :",
              "=>", "#", "//", "/*", "*/", "\n", "\\", "[*]", ".*", "~}", "ü", "\x00"]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40))
def test_back_ends_never_raise(pieces):
    from linter.formats.terraform.evaluate import Budget, ModuleEval

    text = "".join(pieces)
    for module in BACKENDS.values():
        doc = module.parse(text, "main.tf")
        evaluated = ModuleEval([doc], "", "", {}, None, Budget(50_000))
        evaluated.resources_out()
        for name in evaluated.locals:
            evaluated.local(name)
    json_syntax.parse(text, "main.tf.json", ts_backend.parse_expression)


def test_python_hcl2_is_the_fallback_without_tree_sitter(monkeypatch):
    from linter.formats.terraform import tree

    monkeypatch.delenv("PACSGUARD_HCL_BACKEND", raising=False)
    monkeypatch.setattr(ts_backend, "available", lambda: False)
    assert tree.backend_name() == "hcl2"
    doc = tree.parse_text('a = "x"\n', "main.tf")
    assert doc.body.attributes["a"].expr.value == "x"


def test_text_after_a_heredoc_opener_is_a_syntax_error(backend):
    # hclsyntax scans `<<ID` followed by a newline only; Terraform rejects a comment there
    doc = backend.parse('a = 1\nb = <<EOT # note\ntext\nEOT\n', "main.tf")
    assert doc.problem is not None and doc.problem.line == 2
