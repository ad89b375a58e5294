import pytest

from linter.conditions import check_patterns, ConditionError, compile_condition
from linter.facts import Listener, Setting
from linter.model import Origin

O = Origin("x", 1)


def setting(**kw):
    return Setting(origin=O, product="samba", **kw)


def test_strings_compare_case_insensitively_and_lists_mean_one_of():
    cond = compile_condition({"key": "Map To Guest", "value": ["bad user", "bad password"]}, "w")
    assert cond(setting(key="map to guest", value="Bad User"))
    assert not cond(setting(key="map to guest", value="never"))


def test_yaml_booleans_match_boolean_spellings():
    # `value: [yes]` in a YAML 1.1 rule file arrives as [True]
    cond = compile_condition({"value": [True, "ntlmv1-permitted"]}, "w")
    assert cond(setting(value="yes")) and cond(setting(value=True)) and cond(setting(value="ntlmv1-permitted"))
    assert not cond(setting(value="no")) and not cond(setting(value="ntlmv2-only"))


def test_operators_and_combinators():
    fact = Listener(origin=O, product="compose", service="dicom", port=104, exposure="all")
    assert compile_condition({"port": {"ge": 100, "lt": 105}, "not": {"exposure": "local"}}, "w")(fact)
    assert compile_condition({"any": [{"service": "smb"}, {"service": "dicom"}]}, "w")(fact)
    assert compile_condition({"predicate": "sensitive_port"}, "w")(fact)
    assert not compile_condition({"port": {"exists": False}}, "w")(fact)
    assert compile_condition({"detail": {"matches": "^$"}}, "w")(fact)


def test_unknown_field_operator_or_predicate_is_a_load_error():
    with pytest.raises(ConditionError, match="unknown field"):
        compile_condition({"servce": "smb"}, "match.where", Listener.field_names())
    with pytest.raises(ConditionError, match="unknown operator"):
        compile_condition({"port": {"between": [1, 2]}}, "match.where")
    with pytest.raises(ConditionError, match="unknown predicate"):
        compile_condition({"predicate": "nope"}, "match.where")
    with pytest.raises(ConditionError, match="regular expression"):
        check_patterns({"where": {"detail": {"matches": "("}}}, "match")


def test_bad_pattern_in_a_rule_file_is_a_load_error(tmp_path):
    """Patterns compile lazily at scan time, but a broken one still fails when the file is loaded."""
    from pathlib import Path

    import yaml

    from linter.rules import RuleError, load_rules

    document = yaml.safe_load((Path(__file__).resolve().parents[2] / "rules" / "PG510.yaml").read_text())
    document["id"] = "PG590"
    document["match"]["where"] = {"raw": {"matches": "("}}
    (tmp_path / "PG590.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(RuleError, match="regular expression"):
        load_rules([str(tmp_path)])


def test_secret_classification():
    from linter.knowledge import classify_secret

    assert classify_secret("orthanc", "orthanc") == "default"
    assert classify_secret("admin", "") == "blank"
    assert classify_secret("bob", "bob") == "well-known"
    assert classify_secret("u", "changeit") == "well-known"
    assert classify_secret("u", "${DB_PASSWORD}") == "reference"
    assert classify_secret("u", "{{ vault_db_password }}") == "reference"
    # placeholders a sample asks the user to replace are not leaked secrets
    for placeholder in ("your-noip-password", "PutGlobalAPIKeyHere", "enter_password", "xxxxxxxx", "<token>"):
        assert classify_secret("u", placeholder) == "reference", placeholder
    assert classify_secret("u", "Radiology2019!") == "literal"
    assert classify_secret("u", "mypassword") == "literal"
