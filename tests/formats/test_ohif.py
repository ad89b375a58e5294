"""OHIF viewer configuration: JavaScript read as text, never executed."""
from __future__ import annotations

from linter.formats.ohif import blank_comments, read
from linter.model import SourceFile


def facts_of(text: str, name: str = "app-config.js"):
    return read(SourceFile(f"/x/{name}", name, "ohif", text), None)


def test_comments_are_blanked_but_strings_and_positions_kept():
    text = "a: 'http://x//y', // gone\n/* b: 'c'\n */ d: \"/*not*/\""
    cleaned = blank_comments(text)
    assert len(cleaned) == len(text) and cleaned.count("\n") == text.count("\n")
    assert "'http://x//y'" in cleaned and "gone" not in cleaned and "b: 'c'" not in cleaned
    assert '"/*not*/"' in cleaned


def test_one_finding_per_endpoint_points_at_its_first_key():
    facts = facts_of("window.config = {\n qidoRoot: 'http://pacs.lan:8042/dicom-web',\n"
                     " wadoRoot: 'http://pacs.lan:8042/dicom-web',\n"
                     " wadoUriRoot: 'http://other.lan/wado'\n};\n")
    tls = sorted((f.origin.line, f.detail) for f in facts if f.kind == "TlsPolicy")
    assert [line for line, _ in tls] == [2, 4]
    assert "`qidoRoot`, `wadoRoot`" in tls[0][1]


def test_env_fallback_and_templates():
    facts = facts_of("cfg = { qidoRoot: process.env.QIDO || 'http://pacs.lan/rs',\n"
                     " wadoRoot: 'http://${PACS_HOST}/rs' }")
    assert [(f.kind, f.origin.line) for f in facts] == [("TlsPolicy", 1)]


def test_basic_auth_secret_is_listed_for_masking_and_never_in_the_detail():
    facts = facts_of("cfg = { requestOptions: { auth: 'radiology:S3cret-Pw' } }")
    (cred,) = facts
    assert cred.strength == "literal" and cred.user == "radiology"
    assert "S3cret-Pw" in cred.secrets and "S3cret-Pw" not in cred.detail


def test_quoted_keys_and_json_style():
    facts = facts_of('{"dataSources": [{"configuration": {"qidoRoot": "http://198.51.100.7/rs"}}]}')
    assert [f.kind for f in facts] == ["TlsPolicy"]
