"""The Terraform evaluator: every construct and function it resolves, what stays unknown,
cycles and bounds."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.formats.terraform import evaluate_root, ts_backend
from linter.formats.terraform.evaluate import Budget, ModuleEval
from linter.formats.terraform.model import Ref, Unknown, is_known
from linter.formats.terraform.tree import Tree


def module(text: str, inputs: dict | None = None) -> ModuleEval:
    return ModuleEval([ts_backend.parse(text, "main.tf")], "", "", inputs or {}, None, Budget())


def value(expr: str, prelude: str = "", inputs: dict | None = None):
    return module(f"{prelude}\nlocals {{\n  v = {expr}\n}}\n", inputs).local("v")


def resources(tmp_path: Path, files: dict[str, str], folder: str = ""):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    ctx = ReadContext(tmp_path.resolve())
    evaluated = evaluate_root(Tree(ctx), folder)
    return evaluated, ctx


@pytest.mark.parametrize("expr, expected", [
    ('"a-${1 + 2}"', "a-3"),
    ("[1, 2, 3][1]", 2),
    ('{ a = { b = "c" } }.a.b', "c"),
    ("true ? 1 : 2", 1),
    ("!false && (1 < 2 || false)", True),
    ("10 / 4", 2.5),
    ("10 % 4", 2),
    ("-(3 - 5)", 2),
    ('"1" + 1', 2),
    ('1 == "1"', False),
    ("[for x in [1, 2, 3] : x * 2 if x != 2]", [2, 6]),
    ('{ for k, v in { a = 1, b = 2 } : upper(k) => v }', {"A": 1, "B": 2}),
    ('{ for x in ["a", "b", "a"] : x => x... }', {"a": ["a", "a"], "b": ["b"]}),
    ("[{ id = 1 }, { id = 2 }][*].id", [1, 2]),
    ("null[*]", []),
    ('{ id = 3 }[*].id', [3]),
    ('"%{ if true }yes%{ else }no%{ endif }"', "yes"),
    ('"%{ for x in [1, 2] }<${x}>%{ endfor }"', "<1><2>"),
    ("concat([1], [2, 3])", [1, 2, 3]),
    ("flatten([[1, [2]], [], [3]])", [1, 2, 3]),
    ('lookup({ a = 1 }, "b", 5)', 5),
    ('merge({ a = 1 }, { b = 2 }, { a = 3 })', {"a": 3, "b": 2}),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ("tolist([1])", [1]),
    ('tomap({ a = 1 })', {"a": 1}),
    ("tostring(80)", "80"),
    ('tonumber("8042")', 8042),
    ('element(["a", "b"], 3)', "b"),
    ('length("abc")', 3),
    ('keys({ b = 1, a = 2 })', ["a", "b"]),
    ('values({ b = 1, a = 2 })', [2, 1]),
    ('contains(["a"], "a")', True),
    ("distinct([1, 1, 2])", [1, 2]),
    ('join(",", ["a", "b"])', "a,b"),
    ('split(",", "a,b")', ["a", "b"]),
    ('format("%s:%d/%03d", "h", 104, 7)', "h:104/007"),
    ('lower("AB")', "ab"),
    ('upper("ab")', "AB"),
    ('replace("a.b", ".", "-")', "a-b"),
    ('trimspace("  x ")', "x"),
    ('coalesce("", null, "x")', "x"),
    ("coalescelist([], [1])", [1]),
    ('compact(["a", "", null])', ["a"]),
    ("try(local.missing_key.x, 7)", 7),
    ('can({}.missing)', False),
    ("can(1)", True),
    ("range(3)", [0, 1, 2]),
    ("range(1, 7, 2)", [1, 3, 5]),
    ('zipmap(["a"], [1])', {"a": 1}),
    ('jsonencode({ b = [1, true], a = null })', '{"a":null,"b":[1,true]}'),
    ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
    ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
    ('cidrhost("10.0.0.0/24", 5)', "10.0.0.5"),
    ("max(1, 5, 3)", 5),
    ('sensitive("s3cret")', "s3cret"),
    ('index(["a", "b"], "b")', 1),
    ('formatlist("%s:%d", ["a", "b"], 104)', ["a:104", "b:104"]),
    ('trim("?!x!?", "!?")', "x"),
    ('base64encode("orthanc")', "b3J0aGFuYw=="),
    ('base64decode("b3J0aGFuYw==")', "orthanc"),
    ('yamldecode("ports: [104, 11112]\\nopen: true")', {"ports": [104, 11112], "open": True}),
    ('csvdecode("port,cidr\\n104,0.0.0.0/0")', [{"port": "104", "cidr": "0.0.0.0/0"}]),
])
def test_constructs_and_functions(expr, expected):
    assert value(expr) == expected


@pytest.mark.parametrize("expr", [
    "var.nodefault",
    "data.aws_vpc.main.cidr_block",
    'file("secrets.txt")',
    'templatefile("a.tpl", {})',
    'yamldecode("!!python/object/apply:os.system [\'touch PWNED\']")',
    'replace("abc", "/b/", "x")',
    "range(100000000)",
    'join(",", range(100000000))',
    "var.nodefault ? 1 : 2",
    '"prefix-${var.nodefault}"',
    "[for x in var.nodefault : x]",
    '"%{ if var.nodefault }a%{ endif }"',
])
def test_unknowns_stay_unknown(expr):
    assert not is_known(value(expr, 'variable "nodefault" {}'))


def test_unknown_condition_with_equal_branches_is_known():
    assert value('var.x ? "a" : "a"', 'variable "x" {}') == "a"


def test_unknown_elements_do_not_poison_the_whole_list():
    result = value('concat(["0.0.0.0/0"], [var.x])', 'variable "x" {}')
    assert result[0] == "0.0.0.0/0" and not is_known(result[1])


def test_short_circuit_with_unknowns():
    assert value("false && var.x", 'variable "x" {}') is False
    assert value("true || var.x", 'variable "x" {}') is True


def test_variables_defaults_inputs_and_types():
    prelude = 'variable "port" {\n  type = number\n  default = 104\n}\nvariable "open" { type = bool }\n'
    assert value("var.port", prelude) == 104
    assert value("var.port", prelude, {"port": "11112"}) == 11112
    assert value("var.open", prelude, {"open": "true"}) is True
    assert not is_known(value("var.open", prelude))
    typed = 'variable "ports" { type = list(number) }\nvariable "names" { type = set(string) }\n'
    assert value("var.ports", typed, {"ports": ["104", 4242]}) == [104, 4242]
    assert value("var.names", typed, {"names": ["b", "a", "b"]}) == ["a", "b"]
    assert not is_known(value("var.ports", typed, {"ports": ["x"]}))


def test_resource_references_are_refs_with_full_addresses():
    ref = value("aws_security_group.pacs.id", 'resource "aws_security_group" "pacs" {}')
    assert isinstance(ref, Ref) and (ref.address, ref.attribute) == ("aws_security_group.pacs", "id")
    counted = value("aws_instance.n[*].id", 'resource "aws_instance" "n" {\n  count = 2\n}')
    assert [r.address for r in counted] == ["aws_instance.n[0]", "aws_instance.n[1]"]
    keyed = value('aws_instance.m["a"].private_ip', 'resource "aws_instance" "m" {\n  for_each = toset(["a"])\n}')
    assert keyed.address == 'aws_instance.m["a"]' and keyed.attribute == "private_ip"


def test_cyclic_locals_are_unknown_and_end():
    m = module('locals {\n  a = local.b\n  b = local.c\n  c = local.a\n  d = "${local.d}x"\n}\n')
    started = time.monotonic()
    assert not is_known(m.local("a")) and not is_known(m.local("d"))
    assert time.monotonic() - started < 1


def test_long_local_chains_are_bounded():
    lines = [f"  l{i} = local.l{i + 1}" for i in range(3000)] + ['  l3000 = "end"']
    m = module("locals {\n" + "\n".join(lines) + "\n}\n")
    assert not is_known(m.local("l0"))  # deeper than MAX_RESOLVE_DEPTH: unknown, not a crash
    assert m.local("l2990") == "end"


def test_exponential_values_are_bounded():
    lines = ["  l0 = [1, 1]"] + [f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 40)]
    m = module("locals {\n" + "\n".join(lines) + "\n  f = flatten(local.l39)\n  j = jsonencode(local.l39)\n}\n")
    started = time.monotonic()
    assert not is_known(m.local("f"))
    assert time.monotonic() - started < 5


def test_count_for_each_and_dynamic_blocks(tmp_path):
    text = '''
variable "ports" { default = [104, 4242] }
resource "aws_security_group" "sg" {
  count = 2
  name  = "sg-${count.index}"
  dynamic "ingress" {
    for_each = var.ports
    iterator = p
    content {
      from_port   = p.value
      description = "rule ${p.key}"
    }
  }
}
resource "aws_instance" "i" {
  for_each = { a = "t3.micro", b = "t3.large" }
  instance_type = each.value
  tags = { Name = each.key }
}
resource "aws_instance" "off" {
  count = 0
}
resource "aws_instance" "maybe" {
  count = var.unknown_count
  tags  = { n = count.index }
}
variable "unknown_count" {}
'''
    [evaluated], _ = resources(tmp_path, {"main.tf": text})
    by_address = {r.address: r for r in evaluated.resources}
    assert sorted(by_address) == ['aws_instance.i["a"]', 'aws_instance.i["b"]', "aws_instance.maybe",
                                  "aws_security_group.sg[0]", "aws_security_group.sg[1]"]
    sg = by_address["aws_security_group.sg[1]"]
    assert sg.get("name") == "sg-1"
    ingress = sg.body.children("ingress")
    assert [b.get("from_port") for b in ingress] == [104, 4242]
    assert [b.get("description") for b in ingress] == ["rule 0", "rule 1"]
    assert ingress[0].origin_of("from_port").line == 10  # inside the content block
    assert by_address['aws_instance.i["b"]'].get("instance_type") == "t3.large"
    assert not is_known(by_address["aws_instance.maybe"].get("tags")["n"])


def test_dynamic_block_over_unknown_collection_gives_one_unknown_block(tmp_path):
    text = 'variable "rules" {}\nresource "aws_security_group" "sg" {\n  dynamic "ingress" {\n    for_each = var.rules\n    content {\n      from_port = ingress.value.port\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n'
    [evaluated], _ = resources(tmp_path, {"main.tf": text})
    [ingress] = evaluated.resources[0].body.children("ingress")
    assert not is_known(ingress.get("from_port")) and ingress.get("cidr_blocks") == ["0.0.0.0/0"]


def test_tfvars_order_and_var_files(tmp_path):
    files = {
        "main.tf": 'variable "cidr" { default = "10.0.0.0/8" }\nvariable "name" { default = "n" }\nresource "x" "y" {\n  cidr = var.cidr\n  name = var.name\n}\n',
        "terraform.tfvars": 'cidr = "1.1.1.1/32"\nname = "from-terraform-tfvars"\n',
        "a.auto.tfvars": 'cidr = "2.2.2.2/32"\n',
        "b.auto.tfvars.json": '{"cidr": "3.3.3.3/32"}',
    }
    [evaluated], _ = resources(tmp_path, files)
    assert evaluated.resources[0].get("cidr") == "3.3.3.3/32"  # the last auto file in lexical order wins
    assert evaluated.resources[0].get("name") == "from-terraform-tfvars"
    (tmp_path / "prod.tfvars").write_text('cidr = "0.0.0.0/0"\n')
    (tmp_path / "dev.tfvars").write_text('name = "dev"\n')
    variants, _ = resources(tmp_path, {})
    assert [(e.resources[0].get("cidr"), e.resources[0].get("name")) for e in variants] == [
        ("3.3.3.3/32", "dev"), ("0.0.0.0/0", "from-terraform-tfvars")]


def test_attribute_origins_point_at_the_attribute(tmp_path):
    [evaluated], _ = resources(tmp_path, {"main.tf": 'resource "a" "b" {\n  x = 1\n\n  y = "z"\n}\n'})
    body = evaluated.resources[0].body
    assert (body.origin.line, body.origin_of("y").line, body.origin_of("y").column, body.origin_of("absent").line) == (1, 4, 3, 1)
    assert body.origin.path == "main.tf"


def test_json_syntax_dynamic_blocks(tmp_path):
    text = ('{"resource": {"aws_security_group": {"x": {"dynamic": {"ingress": {"for_each": "${[104, 445]}",'
            ' "iterator": "p", "content": {"from_port": "${p.value}", "cidr_blocks": ["0.0.0.0/0"]}}}}}}}')
    [evaluated], _ = resources(tmp_path, {"main.tf.json": text})
    assert [b.get("from_port") for b in evaluated.resources[0].body.children("ingress")] == [104, 445]


def test_override_files_merge_into_the_blocks_they_name(tmp_path):
    files = {
        "main.tf": 'resource "aws_security_group" "sg" {\n  name = "a"\n  description = "kept"\n  ingress {\n    from_port = 22\n  }\n}\n',
        "zz_override.tf": 'resource "aws_security_group" "sg" {\n  name = "b"\n  ingress {\n    from_port = 104\n  }\n}\n',
    }
    [evaluated], _ = resources(tmp_path, files)
    [sg] = evaluated.resources
    assert (sg.get("name"), sg.get("description")) == ("b", "kept")
    assert [b.get("from_port") for b in sg.body.children("ingress")] == [104]
    assert sg.body.origin_of("name").path == "zz_override.tf" and sg.body.origin_of("description").path == "main.tf"
    assert sg.body.children("ingress")[0].origin_of("from_port").path == "zz_override.tf"


def test_file_and_templatefile_read_the_tree_only(tmp_path):
    files = {
        "root/main.tf": 'module "vm" {\n  source = "../modules/vm"\n  service = "orthanc"\n}\n',
        "modules/vm/main.tf": '''variable "service" {}
resource "aws_instance" "vm" {
  user_data = templatefile("${path.module}/init.sh.tpl", { service = var.service, ports = [4242, 8042] })
  tags = {
    raw     = file("${path.module}/motd.txt")
    exists  = fileexists("${path.module}/nope.txt")
    outside = file("../../etc/passwd")
    module  = path.module
  }
}
''',
        "modules/vm/init.sh.tpl": "#!/bin/sh\napt-get install -y ${service}\n%{ for p in ports ~}\nufw allow ${p}\n%{ endfor ~}\necho ${var.nope}\n",
        "modules/vm/motd.txt": "PACS node\n",
    }
    [evaluated], _ = resources(tmp_path, files, folder="root")
    [vm] = evaluated.resources
    assert not is_known(vm.get("user_data"))  # `var.nope` is not among the template's variables
    tags = vm.get("tags")
    assert tags["raw"] == "PACS node\n" and tags["exists"] is False and tags["module"] == "../modules/vm"
    assert not is_known(tags["outside"])
    (tmp_path / "modules/vm/init.sh.tpl").write_text(files["modules/vm/init.sh.tpl"].replace("echo ${var.nope}\n", ""))
    [evaluated], _ = resources(tmp_path, {}, folder="root")
    assert evaluated.resources[0].get("user_data") == "#!/bin/sh\napt-get install -y orthanc\nufw allow 4242\nufw allow 8042\n"
