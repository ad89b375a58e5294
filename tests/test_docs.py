"""docs/rules.md is generated from the rule files; it must not drift from them."""
from conftest import REPO
from linter.docs import reference


def test_rule_reference_is_up_to_date(rules):
    expected = reference(rules)
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run `python -m linter.docs`"
