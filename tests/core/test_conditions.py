import pytest

from linter.conditions import ConditionError, compile_condition
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
        compile_condition({"detail": {"matches": "("}}, "match.where")


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
