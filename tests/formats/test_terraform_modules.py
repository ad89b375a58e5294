"""Local modules: evaluated with their callers' inputs, judged once in that context, whichever
file or folder the scan was given; remote and missing sources are one note each."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from linter.engine import ReadContext, scan
from linter.formats.terraform import evaluate_root, read_group
from linter.formats.terraform.model import Ref, is_known
from linter.formats.terraform.tree import Tree
from linter.rules import load_rules

CALLER = '''variable "cidr" { default = "0.0.0.0/0" }
module "sg" {
  source = "../../modules/sg"
  cidr   = var.cidr
  ports  = [104, 11112]
}
module "many" {
  source   = "../../modules/sg"
  for_each = { a = 4242, b = 8042 }
  cidr     = "10.0.0.0/8"
  ports    = [each.value]
}
module "counted" {
  source = "../../modules/sg"
  count  = 2
  cidr   = "10.${count.index}.0.0/16"
  ports  = []
}
module "remote" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
module "git" {
  source = "git::https://example.com/net.git?ref=v1"
}
module "gone" {
  source = "./nowhere"
}
resource "aws_instance" "pacs" {
  vpc_security_group_ids = [module.sg.group_id]
}
'''

MODULE = '''variable "cidr" {}
variable "ports" { type = list(number) }
resource "aws_security_group" "this" {
  name = "sg"
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.cidr]
    }
  }
}
output "group_id" { value = aws_security_group.this.id }
'''


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "envs" / "prod").mkdir(parents=True)
    (tmp_path / "modules" / "sg").mkdir(parents=True)
    (tmp_path / "modules" / "lonely").mkdir(parents=True)
    (tmp_path / "envs" / "prod" / "main.tf").write_text(CALLER)
    (tmp_path / "modules" / "sg" / "main.tf").write_text(MODULE)
    (tmp_path / "modules" / "lonely" / "main.tf").write_text(
        'variable "cidr" { default = "0.0.0.0/0" }\nresource "aws_security_group" "alone" {\n  ingress {\n    cidr_blocks = [var.cidr]\n    from_port = 445\n    to_port = 445\n    protocol = "tcp"\n  }\n}\n')
    return tmp_path


def test_module_instances_are_addressed_and_get_their_inputs(tree):
    ctx = ReadContext(tree.resolve())
    [evaluated] = evaluate_root(Tree(ctx), "envs/prod")
    by_address = {r.address: r for r in evaluated.resources}
    assert sorted(by_address) == [
        'aws_instance.pacs',
        'module.counted[0].aws_security_group.this', 'module.counted[1].aws_security_group.this',
        'module.many["a"].aws_security_group.this', 'module.many["b"].aws_security_group.this',
        'module.sg.aws_security_group.this']
    sg = by_address["module.sg.aws_security_group.this"]
    assert sg.module == "module.sg"
    assert [b.get("from_port") for b in sg.body.children("ingress")] == [104, 11112]
    assert sg.body.children("ingress")[0].get("cidr_blocks") == ["0.0.0.0/0"]
    assert sg.origin.path == "modules/sg/main.tf"  # origins in the module's own files
    assert sg.body.children("ingress")[0].origin_of("cidr_blocks").line == 11
    assert by_address['module.many["b"].aws_security_group.this'].body.children("ingress")[0].get("from_port") == 8042
    assert by_address["module.counted[1].aws_security_group.this"].body.children("ingress") == []
    [ref] = by_address["aws_instance.pacs"].get("vpc_security_group_ids")
    assert isinstance(ref, Ref) and ref.address == "module.sg.aws_security_group.this" and ref.attribute == "id"


def test_remote_and_missing_sources_are_noted_once(tree):
    ctx = ReadContext(tree.resolve())
    evaluate_root(Tree(ctx), "envs/prod")
    evaluate_root(Tree(ctx), "envs/prod")
    notes = sorted((p.rule_id, p.severity.label, p.origin.line, p.message) for p in ctx.problems)
    assert [(n[0], n[1], n[2]) for n in notes] == [("PG002", "info", 20), ("PG002", "info", 24), ("PG002", "info", 27)]
    assert "remote; not fetched" in notes[0][3] and "not found" in notes[2][3]


def test_callers_and_roots(tree):
    t = Tree(ReadContext(tree.resolve()))
    assert t.top_roots("modules/sg") == ["envs/prod"]
    assert t.top_roots("modules/lonely") == ["modules/lonely"]
    assert t.reachable("envs/prod") == {"envs/prod", "modules/sg"}


def _findings(root: Path, paths: list[str]):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = scan(paths, load_rules())
    finally:
        os.chdir(cwd)
    return sorted((f.rule_id, f.origin.path, f.origin.line) for f in result.findings)


def test_a_called_module_is_judged_in_context_and_once(tree):
    whole = _findings(tree, ["."])
    exposures = [f for f in whole if f[0] != "PG002"]
    # the module's exposure comes from the caller's default; the lonely module is judged alone
    assert ("modules/sg/main.tf", 11) in {(f[1], f[2]) for f in exposures}
    assert ("modules/lonely/main.tf", 4) in {(f[1], f[2]) for f in exposures}
    assert len(whole) == len(set(whole))
    # scanning only the module's file (pre-commit) judges it in its callers' context too
    only_module = _findings(tree, ["modules/sg/main.tf"])
    assert {(f[1], f[2]) for f in only_module if f[0] != "PG002"} == {
        (f[1], f[2]) for f in exposures if f[1] == "modules/sg/main.tf"}
    # scanning the caller reports what it deploys through the module
    only_caller = _findings(tree, ["envs/prod/main.tf"])
    assert ("modules/sg/main.tf", 11) in {(f[1], f[2]) for f in only_caller}


def test_read_group_emits_each_folder_once(tree):
    ctx = ReadContext(tree.resolve())
    from linter.engine import read_source
    sources = [read_source(str(tree / "modules/sg/main.tf"), "modules/sg/main.tf", "terraform", [])]
    callers = [read_source(str(tree / "envs/prod/main.tf"), "envs/prod/main.tf", "terraform", [])]
    first = read_group(sources, ctx)
    second = read_group(callers, ctx)
    again = read_group(sources, ctx)
    assert again == []
    assert all(f.origin.path.startswith("modules/sg") for f in first)
    assert not any(f.origin.path.startswith("modules/sg") for f in second)


def test_module_cycles_end(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.tf").write_text('module "b" {\n  source = "../b"\n}\nresource "x" "a" {}\n')
    (tmp_path / "b" / "main.tf").write_text('module "a" {\n  source = "../a"\n}\nresource "x" "b" {}\n')
    [evaluated] = evaluate_root(Tree(ReadContext(tmp_path.resolve())), "a")
    assert [r.address for r in evaluated.resources] == ["x.a", "module.b.x.b"]


def test_sources_outside_the_tree_are_not_read(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "main.tf").write_text('resource "x" "secret" {}\n')
    (root / "main.tf").write_text('module "o" {\n  source = "../outside"\n}\n')
    ctx = ReadContext(root.resolve())
    [evaluated] = evaluate_root(Tree(ctx), "")
    assert evaluated.resources == []
    assert [p.message for p in ctx.problems] == ["module source '../outside' is outside the scanned tree; not scanned"]


def test_unknown_module_output_is_unknown(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('variable "x" {}\noutput "o" { value = var.x }\n')
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./m"\n}\nresource "r" "r" {\n  v = module.m.o\n}\n')
    [evaluated] = evaluate_root(Tree(ReadContext(tmp_path.resolve())), "")
    assert not is_known(evaluated.by_address("r.r").get("v"))


def test_wrapper_modules_calling_the_root_module(tmp_path):
    """The layout of the popular security-group module: the root module holds the rules table,
    and per-service wrappers in modules/<service> call it with `source = "../../"`."""
    (tmp_path / "modules" / "nfs").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('''
variable "create" { default = true }
variable "ingress_rules" { default = [] }
variable "ingress_cidr_blocks" { default = [] }
variable "rules" {
  default = {
    nfs-tcp = [2049, 2049, "tcp", "NFS/TCP"]
    _       = ["", "", ""]
  }
}
resource "aws_security_group_rule" "ingress_rules" {
  count       = var.create ? length(var.ingress_rules) : 0
  type        = "ingress"
  cidr_blocks = var.ingress_cidr_blocks
  description = var.rules[var.ingress_rules[count.index]][3]
  from_port   = var.rules[var.ingress_rules[count.index]][0]
  to_port     = var.rules[var.ingress_rules[count.index]][1]
  protocol    = var.rules[var.ingress_rules[count.index]][2]
}
''')
    (tmp_path / "modules" / "nfs" / "main.tf").write_text('''
variable "ingress_cidr_blocks" { default = ["0.0.0.0/0"] }
module "sg" {
  source              = "../../"
  ingress_rules       = ["nfs-tcp"]
  ingress_cidr_blocks = var.ingress_cidr_blocks
}
''')
    tree = Tree(ReadContext(tmp_path.resolve()))
    assert tree.top_roots("") == ["modules/nfs"]
    [evaluated] = evaluate_root(tree, "modules/nfs")
    [rule] = evaluated.resources
    assert rule.address == "module.sg.aws_security_group_rule.ingress_rules[0]"
    assert (rule.get("from_port"), rule.get("protocol"), rule.get("cidr_blocks"), rule.get("description")) == (
        2049, "tcp", ["0.0.0.0/0"], "NFS/TCP")
    assert rule.origin.path == "main.tf"
