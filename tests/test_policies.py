"""Compliance packs map every rule to a control, and name only rules that exist."""
from linter.policies import load_policies


def test_every_rule_is_mapped_to_a_hipaa_safeguard(rules):
    policies = load_policies(set(rules))
    hipaa = policies["hipaa"]
    unmapped = [rid for rid, rule in rules.items() if rule.rule_class != "tool" and not hipaa.controls_for(rid)]
    assert not unmapped, f"rules with no HIPAA control: {unmapped}"


def test_hipaa_controls_are_the_technical_safeguards():
    ids = [c.id for c in load_policies()["hipaa"].controls]
    assert all(i.startswith("164.312(") for i in ids)
    assert {"164.312(a)(1)", "164.312(d)", "164.312(e)(1)"} <= set(ids)
