"""Compliance packs map every rule to controls, name only rules that exist, and are what the
builder writes (so a rule added later is mapped by its class once the builder is re-run)."""
from __future__ import annotations

import importlib.util
import json
import sys

import jsonschema
import pytest

from conftest import REPO
from linter.policies import control_tags, load_policies, load_policy
from linter.rules import RuleError

_spec = importlib.util.spec_from_file_location("build_policies", REPO / "scripts" / "build_policies.py")
build_policies = importlib.util.module_from_spec(_spec)
sys.modules["build_policies"] = build_policies  # dataclasses look their module up by name
_spec.loader.exec_module(build_policies)


def _risk_rules(rules):
    return {rid: r for rid, r in rules.items() if r.rule_class != "tool"}


def test_every_rule_is_mapped_by_some_policy(rules):
    tags = control_tags(load_policies(set(rules)))
    assert not [rid for rid in _risk_rules(rules) if not tags.get(rid)]


@pytest.mark.parametrize("policy_id", ["hipaa", "nist-800-53"])
def test_every_rule_has_a_hipaa_and_a_nist_control(rules, policy_id):
    policy = load_policies(set(rules))[policy_id]
    unmapped = [rid for rid in _risk_rules(rules) if not policy.controls_for(rid)]
    assert not unmapped, f"rules with no {policy_id} control: {unmapped}"


def test_tool_rules_are_evidence_for_nothing(rules):
    tags = control_tags(load_policies(set(rules)))
    assert not [rid for rid, r in rules.items() if r.rule_class == "tool" and rid in tags]


def test_policy_files_are_what_the_builder_writes(rules):
    for framework in build_policies.FRAMEWORKS:
        path = build_policies.policy_path(framework)
        assert path.read_text(encoding="utf-8") == build_policies.build(framework, rules), (
            f"{path.name} is out of date: run python scripts/build_policies.py")


def test_a_new_rule_is_mapped_by_its_class(rules):
    import dataclasses

    base = rules["PG201"]
    newcomer = dataclasses.replace(base, id="PG299", applies_to=("orthanc",), tags=())
    with_new = {**rules, "PG299": newcomer}
    for framework in build_policies.FRAMEWORKS:
        mapped = build_policies.mapping(framework, with_new)
        assert any("PG299" in ids for ids in mapped.values()), framework.id


def test_a_class_without_default_controls_stops_the_builder(rules):
    import dataclasses

    odd = dataclasses.replace(rules["PG201"], id="PG298", rule_class="new-class")
    with pytest.raises(build_policies.MappingError, match="new-class"):
        build_policies.mapping(build_policies.HIPAA, {"PG298": odd})


def test_a_policy_naming_a_missing_rule_is_an_error(tmp_path, rules):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nsource: {title: x}\ncontrols:\n"
                   "  - {id: X-1, title: Something, rules: [PG201, PG999]}\n")
    with pytest.raises(RuleError, match="PG999"):
        load_policy(bad, set(rules))


def test_the_schema_rejects_a_control_without_rules(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nsource: {title: x}\ncontrols:\n  - {id: X-1, title: Something}\n")
    with pytest.raises(RuleError, match="rules"):
        load_policy(bad)


def test_shipped_policies_follow_the_schema():
    schema = json.loads((REPO / "linter" / "policy_schema.json").read_text())
    import yaml

    for path in sorted((REPO / "policies").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        jsonschema.validate(doc, schema)
        assert doc["id"] == path.stem, "the file name is what --policy takes"


def test_controls_are_the_documented_ids():
    policies = load_policies()
    assert {"hipaa", "nist-800-53", "cis-v8", "dicom-ps315"} <= set(policies)
    hipaa = [c.id for c in policies["hipaa"].controls]
    assert hipaa == ["164.312(a)(1)", "164.312(a)(2)(i)", "164.312(a)(2)(iv)", "164.312(b)",
                     "164.312(c)(1)", "164.312(d)", "164.312(e)(1)", "164.312(e)(2)(ii)"]
    nist = {c.id for c in policies["nist-800-53"].controls}
    assert {"AC-3", "AC-4", "AC-14", "AC-17", "IA-2", "IA-5", "SC-7", "SC-8", "SC-13", "CM-6", "CM-7"} <= nist
    cis = {c.id for c in policies["cis-v8"].controls}
    assert {"3.10", "4.1", "4.4", "4.7", "12.2"} <= cis
    titles = {c.id: c.title for c in policies["nist-800-53"].controls}
    assert titles["AC-14"] == "Permitted Actions Without Identification or Authentication"


def test_every_policy_control_with_rules_names_existing_rules(rules):
    for policy in load_policies(set(rules)).values():
        assert policy.rule_ids <= set(rules)
