"""`terraform show -json` plans: resolved values, mapped back to the .tf lines of the tree."""
from __future__ import annotations

import json

import pytest

from linter.classify import classify_by_content, classify_by_name
from linter.engine import ReadContext
from linter.formats.terraform.model import is_known
from linter.formats.terraform.plan import evaluate_plan
from linter.formats.terraform.tree import Tree
from linter.model import ParseError, SourceFile

MAIN = '''resource "aws_security_group" "pacs" {
  name = "pacs"

  ingress {
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = var.cidrs
  }
}

module "db" {
  source = "./modules/db"
}
'''

DB = '''resource "aws_db_instance" "main" {
  engine              = "postgres"
  publicly_accessible = var.public
}
'''


def plan_document() -> dict:
    return {
        "format_version": "1.2",
        "terraform_version": "1.7.0",
        "planned_values": {"root_module": {
            "resources": [
                {"address": "aws_security_group.pacs", "mode": "managed", "type": "aws_security_group", "name": "pacs",
                 "values": {"name": "pacs", "tags": {"a": "b"}, "ingress": [
                     {"from_port": 104, "to_port": 104, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}},
                {"address": "aws_s3_bucket.nowhere", "mode": "managed", "type": "aws_s3_bucket", "name": "nowhere",
                 "values": {"bucket": "x"}},
            ],
            "child_modules": [{"address": "module.db", "resources": [
                {"address": "module.db.aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
                 "name": "main", "values": {"engine": "postgres", "publicly_accessible": True}}]}],
        }},
        "resource_changes": [
            {"address": "aws_security_group.pacs", "change": {"actions": ["create"], "after_unknown": {"id": True, "arn": True}}},
        ],
    }


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "modules" / "db").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(MAIN)
    (tmp_path / "modules" / "db" / "main.tf").write_text(DB)
    text = json.dumps(plan_document(), indent=2)
    (tmp_path / "plan.json").write_text(text)
    return tmp_path, text


def test_plan_values_are_mapped_to_tf_lines(tree):
    root, text = tree
    evaluated = evaluate_plan(json.loads(text), text, "plan.json", Tree(ReadContext(root.resolve())))
    by_address = {r.address: r for r in evaluated.resources}
    sg = by_address["aws_security_group.pacs"]
    assert sg.from_plan and sg.origin.path == "main.tf" and sg.origin.line == 1
    [ingress] = sg.body.children("ingress")
    assert ingress.get("from_port") == 104 and ingress.origin.line == 4
    assert ingress.origin_of("cidr_blocks").line == 8
    assert sg.body.origin_of("tags").line == 1  # not written in the block: the block's line
    assert not is_known(sg.get("id"))  # known after apply
    db = by_address["module.db.aws_db_instance.main"]
    assert db.module == "module.db"
    assert (db.origin.path, db.body.origin_of("publicly_accessible").line) == ("modules/db/main.tf", 3)
    assert db.get("publicly_accessible") is True


def test_a_resource_without_a_block_points_at_the_plan(tree):
    root, text = tree
    evaluated = evaluate_plan(json.loads(text), text, "plan.json", Tree(ReadContext(root.resolve())))
    bucket = evaluated.by_address("aws_s3_bucket.nowhere")
    assert bucket.origin.path == "plan.json"
    assert text.splitlines()[bucket.origin.line - 1].strip().startswith('"address": "aws_s3_bucket.nowhere"')


def test_resource_changes_only(tree):
    root, _ = tree
    plan = {"format_version": "1.0", "resource_changes": [
        {"address": "aws_security_group.pacs", "mode": "managed", "type": "aws_security_group", "name": "pacs",
         "change": {"actions": ["create"], "after": {"name": "pacs"}, "after_unknown": {}}},
        {"address": "aws_security_group.gone", "mode": "managed", "type": "aws_security_group", "name": "gone",
         "change": {"actions": ["delete"], "after": None}}]}
    text = json.dumps(plan)
    evaluated = evaluate_plan(plan, text, "plan.json", Tree(ReadContext(root.resolve())))
    assert [r.address for r in evaluated.resources] == ["aws_security_group.pacs"]


def test_plan_files_are_sniffed(tree):
    _, text = tree
    assert classify_by_name("plan.json") is None
    assert classify_by_content("plan.json", text) == "terraform_plan"
    assert classify_by_content("package.json", '{"name": "x", "version": "1"}') is None
    assert classify_by_name("infra/main.tf") == "terraform"
    assert classify_by_name("infra/prod.tfvars") == "terraform"
    assert classify_by_name("infra/main.tf.json") == "terraform"
    assert classify_by_name("infra/terraform.tfvars.json") == "terraform"
    assert classify_by_name("infra/main.tf.example") is None


def test_invalid_plan_json_is_a_parse_error(tree):
    root, _ = tree
    from linter.formats.terraform import plan
    with pytest.raises(ParseError):
        plan.read(SourceFile(str(root / "bad.json"), "bad.json", "terraform_plan", '{"format_version": '), ReadContext(root.resolve()))


def test_a_plan_elsewhere_finds_the_only_declaration(tree):
    root, text = tree
    (root / "plans").mkdir()
    (root / "plans" / "plan.json").write_text(text)
    evaluated = evaluate_plan(json.loads(text), text, "plans/plan.json", Tree(ReadContext(root.resolve())))
    assert evaluated.by_address("aws_security_group.pacs").origin.path == "main.tf"
    assert evaluated.by_address("module.db.aws_db_instance.main").origin.path == "modules/db/main.tf"


def test_a_large_one_line_plan_is_mapped_in_one_pass(tmp_path):
    import time

    resources = [{"address": f"aws_security_group.g{i}", "mode": "managed", "type": "aws_security_group",
                  "name": f"g{i}", "values": {"name": f"g{i}", "ingress": []}} for i in range(5000)]
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}
    text = json.dumps(plan)
    started = time.process_time()
    evaluated = evaluate_plan(plan, text, "plan.json", Tree(ReadContext(tmp_path.resolve())))
    assert time.process_time() - started < 5
    last = evaluated.by_address("aws_security_group.g4999")
    assert last.origin.line == 1 and text[last.origin.column - 1:].startswith('"address": "aws_security_group.g4999"')


def test_state_json_is_read_like_a_plan(tree):
    root, _ = tree
    state = {"format_version": "1.0", "terraform_version": "1.7.0", "values": {"root_module": {"resources": [
        {"address": "aws_security_group.pacs", "mode": "managed", "type": "aws_security_group", "name": "pacs",
         "values": {"ingress": [{"from_port": 445, "to_port": 445, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}}]}}}
    text = json.dumps(state)
    assert classify_by_content("state.json", text) == "terraform_plan"
    evaluated = evaluate_plan(state, text, "state.json", Tree(ReadContext(root.resolve())))
    [sg] = evaluated.resources
    assert sg.body.children("ingress")[0].get("from_port") == 445 and sg.origin.path == "main.tf"
