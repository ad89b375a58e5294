"""Every rule against its fixtures: each case states, line by line, what must be reported.

tests/fixtures/<RULE>/<case> where <case> (a file or a folder) is named `fail...` or `pass...`.
The findings of a case must equal its markers exactly (missing and extra findings both fail),
a `fail` case must report its rule at least once, a `pass` case never.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import FIXTURES
from expectations import expectations

FIXED_TODAY = dt.date(2026, 6, 1)  # waiver expiry fixtures are written against this date


def _cases():
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in sorted(rule_dir.iterdir()):
            if case.name.startswith(("fail", "pass")) and not case.name.endswith(".expect"):
                yield pytest.param(rule_dir.name, case, id=f"{rule_dir.name}/{case.name}")


def scan_case(case: Path, rules):
    from linter.engine import scan

    root = case if case.is_dir() else case.parent
    return scan([str(case)], rules, root=str(root), today=FIXED_TODAY)


@pytest.mark.parametrize("rule_id,case", list(_cases()))
def test_fixture(rule_id, case, rules):
    assert rule_id in rules, f"fixture folder {rule_id} names no rule"
    result = scan_case(case, rules)
    actual = {(f.origin.path, f.origin.line, f.rule_id) for f in result.active}
    expected = expectations(case)
    missing, extra = sorted(expected - actual), sorted(actual - expected)
    details = {(f.origin.path, f.origin.line, f.rule_id): f.message for f in result.active}
    assert not missing and not extra, (
        f"missing: {missing}\nextra: {[(e, details[e]) for e in extra]}")
    hits = [f for f in result.active if f.rule_id == rule_id]
    if case.name.startswith("fail"):
        assert hits, f"{case.name} should report {rule_id}"
    else:
        assert not hits, f"{case.name} must not report {rule_id}"
    for f in result.active:
        assert f.message and "{" not in f.message, f"unrendered message: {f.message!r}"


# Raised only by a reader bug or by a user rule; tests/test_engine.py produces them instead.
NO_FIXTURE = {"PG005", "PG006"}
# Rules whose documented example is written for a reader that lands on another branch: PG110 and
# PG111 document a Terraform security group (issue 4); their fixtures are Ansible firewall tasks.
NO_SNIPPET_READER = {"PG110", "PG111"}


def test_every_rule_has_failing_and_passing_fixtures(rules):
    missing = []
    for rule_id, rule in rules.items():
        if rule_id in NO_FIXTURE:
            continue
        folder = FIXTURES / rule_id
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        if not any(n.startswith("fail") for n in names):
            missing.append(f"{rule_id}: no fail case")
        if rule.rule_class != "tool" and not any(n.startswith("pass") for n in names):
            missing.append(f"{rule_id}: no pass case")
    assert not missing, "\n".join(missing)


def _snippet_cases(rules):
    for rule_id, rule in rules.items():
        for key in ("example", "use_instead"):
            if rule.docs.get(key) and rule.rule_class != "tool" and rule_id not in NO_FIXTURE | NO_SNIPPET_READER:
                yield rule_id, key


@pytest.mark.parametrize("rule_id,key", list(_snippet_cases(__import__("linter.rules", fromlist=["x"]).load_rules())))
def test_documented_snippets(rule_id, key, rules, tmp_path):
    """The rule's own documentation is tested: its example fires the rule, its fix does not."""
    from linter.engine import scan

    snippet = rules[rule_id].docs[key]
    target = tmp_path / snippet["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(snippet["code"], encoding="utf-8")
    result = scan([str(tmp_path)], rules, root=str(tmp_path), today=FIXED_TODAY)
    hits = [f for f in result.active if f.rule_id == rule_id]
    if key == "example":
        assert hits, f"{rule_id}'s documented example does not trigger it"
    else:
        assert not hits, f"{rule_id}'s documented fix still triggers it: {[h.message for h in hits]}"
