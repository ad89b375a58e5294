"""The audit model and its HTML and Markdown drawings, without a browser (see
test_audit_browser.py for the rendered page)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from audit_trees import IMG_SHARE, REASON, hostile_tree
from conftest import REPO
from linter.audit import FAIL, NOT_APPLICABLE, PASS, build_audit, render_audit
from linter.audit.scope import tree_checksum
from linter.cli import main
from linter.engine import scan
from linter.policies import load_policies

CLINIC = REPO / "examples" / "clinic-insecure"


@pytest.fixture(scope="module")
def policies():
    return load_policies()


@pytest.fixture
def hostile(tmp_path, rules):
    root = hostile_tree(tmp_path)
    return root, scan([str(root)], rules, root=str(root))


@pytest.fixture(scope="module")
def clinic(rules, policies):
    result = scan([str(CLINIC)], rules, root=str(REPO))
    return build_audit(["examples/clinic-insecure"], result, policies["hipaa"])


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.tags = set(), [], []
        self.current_article, self.links_by_article = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "article":
            self.current_article = attrs.get("id")
            self.links_by_article[self.current_article] = []
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
            if self.current_article:
                self.links_by_article[self.current_article].append(attrs["href"])


def _parse(document: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(document)
    return parser


def test_statuses_follow_their_definition(clinic, rules):
    formats = {fmt for _, fmt in clinic.scope.files}
    for control in clinic.controls:
        applicable = [r for r in control.rules if not rules[r].applies_to or formats & set(rules[r].applies_to)]
        assert set(control.applicable_rules) == set(applicable)
        if control.findings:
            assert control.status == FAIL
        elif applicable:
            assert control.status == PASS
        else:
            assert control.status == NOT_APPLICABLE
    by_id = {c.id: c for c in clinic.controls}
    assert by_id["164.312(a)(1)"].status == FAIL
    assert by_id["164.312(a)(2)(iv)"].status == NOT_APPLICABLE  # no rule gives evidence for it


def test_a_control_whose_rules_read_no_scanned_format_is_not_applicable(hostile, policies):
    root, result = hostile
    audit = build_audit([str(root)], result, policies["hipaa"])
    by_id = {c.id: c for c in audit.controls}
    # Audit controls are evidenced by Orthanc and dcm4chee settings; this tree is Samba only.
    assert by_id["164.312(b)"].status == NOT_APPLICABLE
    assert by_id["164.312(b)"].reason == "No scanned file is of a format its rules read."
    assert by_id["164.312(a)(1)"].status == FAIL
    # Samba's clear-text password rule read the file and found nothing: a pass, not "not applicable".
    assert by_id["164.312(e)(2)(ii)"].status == PASS


def test_every_finding_links_to_its_controls_and_back(clinic):
    assert clinic.findings
    for finding in clinic.findings:
        assert finding.controls, finding.rule_id
        for anchor in finding.controls:
            assert finding.anchor in clinic.control(anchor).findings
    listed = {a for c in clinic.controls for a in c.findings}
    assert listed == {f.anchor for f in clinic.findings}


def test_findings_carry_remediation_and_masked_snippets(clinic):
    pg401 = [f for f in clinic.findings if f.rule_id == "PG401"]
    assert pg401 and all(f.remedy and f.remedy.code for f in pg401)
    ddns = (CLINIC / "nas" / "etc" / "ddclient.conf").read_text()
    secret = re.search(r"^password='([^']+)'", ddns, re.M).group(1)
    for f in clinic.findings:
        assert secret not in f.snippet and secret not in f.message
        assert "PASSWORD: pacs" not in f.snippet
    assert any(f.snippet == "password='R*****'" for f in clinic.findings)


def test_waivers_in_force_and_expired(hostile, policies):
    root, result = hostile
    audit = build_audit([str(root)], result, policies["hipaa"])
    active = [w for w in audit.waivers if not w.expired]
    expired = [w for w in audit.waivers if w.expired]
    assert len(active) == 1 and active[0].reason == REASON and active[0].until == "2099-12-31"
    assert active[0].findings and audit.finding(active[0].findings[0]).waived_by == active[0].anchor
    assert len(expired) == 1 and expired[0].until == "2020-01-31" and expired[0].rule_ids == ("PG201",)
    back = [audit.finding(a) for a in expired[0].findings]
    assert [(f.rule_id, f.line) for f in back] == [("PG201", 14)]
    # The waived finding does not fail a control on its own, but it is counted.
    assert any(c.waived for c in audit.controls)


def test_the_approver_of_a_waiver_is_reported(hostile, policies):
    root, result = hostile
    result.findings = [replace(f, suppression=replace(f.suppression, approved_by="Dr. <b>Ng</b>, CISO"))
                       if f.suppression else f for f in result.findings]
    audit = build_audit([str(root)], result, policies["hipaa"])
    assert [w.approved_by for w in audit.waivers if not w.expired] == ["Dr. <b>Ng</b>, CISO"]
    page = render_audit("html", audit)
    assert "Dr. &lt;b&gt;Ng&lt;/b&gt;, CISO" in page and "<b>Ng</b>" not in page
    md = render_audit("md", audit)
    assert "&lt;b&gt;Ng&lt;/b&gt;, CISO" in md and "<b>" not in md


def test_scope_checksums(tmp_path, rules, policies):
    (tmp_path / "etc").mkdir()
    conf = tmp_path / "etc" / "vsftpd.conf"
    conf.write_text("anonymous_enable=YES\n")
    audit = build_audit([str(tmp_path)], scan([str(tmp_path)], rules, root=str(tmp_path)), policies["hipaa"])
    line = f"{hashlib.sha256(conf.read_bytes()).hexdigest()}  etc/vsftpd.conf\n"
    assert audit.scope.tree_checksum == hashlib.sha256(line.encode()).hexdigest()
    assert audit.scope.files == (("etc/vsftpd.conf", "vsftpd"),)
    assert audit.scope.files_by_format == (("vsftpd", 1),)
    conf.write_text("anonymous_enable=NO\n")
    assert tree_checksum(str(tmp_path), ["etc/vsftpd.conf"]) != audit.scope.tree_checksum
    fewer = dict(list(rules.items())[:-1])
    other = build_audit([str(tmp_path)], scan([str(tmp_path)], fewer, root=str(tmp_path)), policies["hipaa"])
    assert other.scope.ruleset_digest != audit.scope.ruleset_digest
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", audit.scope.generated)


def test_html_escapes_every_value_from_the_tree(hostile, policies):
    root, result = hostile
    page = render_audit("html", build_audit([str(root)], result, policies["hipaa"]))
    parsed = _parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;/etc/samba/smb.conf" in page
    assert html_escape(IMG_SHARE) in page
    assert html_escape(REASON) in page
    assert "<script" not in page.lower() and "<img" not in page.lower()


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_html_is_self_contained(clinic):
    page = render_audit("html", clinic)
    parsed = _parse(page)
    assert not {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"} & set(parsed.tags)
    assert not re.search(r"""\s(src|srcset|poster|data)=""", page)
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page
    # Every in-page link has a target; the only other links would be none at all.
    assert all(h.startswith("#") for h in parsed.hrefs)
    assert {h[1:] for h in parsed.hrefs} <= parsed.ids


def test_html_findings_link_to_their_controls(clinic):
    parsed = _parse(render_audit("html", clinic))
    for finding in clinic.findings:
        links = {h[1:] for h in parsed.links_by_article[finding.anchor]}
        assert set(finding.controls) <= links
    for control in clinic.controls:
        links = {h[1:] for h in parsed.links_by_article[control.anchor]}
        assert set(control.findings) <= links


def test_markdown_has_the_same_content_and_no_live_markup(hostile, clinic, policies):
    md = render_audit("md", clinic)
    for control in clinic.controls:
        assert f"(#{control.anchor})" in md and f'<a id="{control.anchor}"></a>' in md
    for finding in clinic.findings:
        assert f'<a id="{finding.anchor}"></a>' in md
    root, result = hostile
    md = render_audit("md", build_audit([str(root)], result, policies["hipaa"]))
    assert "<script" not in md.lower() and "<img" not in md.lower()
    assert "&lt;script&gt;alert" in md


def test_report_command(tmp_path, capsys):
    out = tmp_path / "audit.html"
    assert main(["report", str(CLINIC), "--policy", "hipaa", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(["report", str(CLINIC), "--policy", "cis-v8", "-f", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Audit: CIS")
    assert main(["report", str(CLINIC), "--policy", "nope"]) == 2
    assert "unknown policy" in capsys.readouterr().err
    assert main(["report", str(CLINIC)]) == 2  # --policy is required
    assert main(["report", str(tmp_path / "missing"), "--policy", "hipaa"]) == 2


def test_scan_json_and_sarif_carry_controls(capsys):
    assert main(["scan", str(CLINIC), "-f", "json", "--exit-zero"]) == 0
    doc = json.loads(capsys.readouterr().out)
    pg201 = next(f for f in doc["findings"] if f["rule_id"] == "PG201")
    assert "hipaa:164.312(a)(1)" in pg201["controls"] and "nist-800-53:AC-3" in pg201["controls"]
    assert main(["scan", str(CLINIC), "-f", "sarif", "--exit-zero"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "PG201")
    assert "hipaa:164.312(d)" in rule["properties"]["tags"]
    assert all(len(r["properties"]["tags"]) <= 20 for r in run["tool"]["driver"]["rules"])
    result = next(r for r in run["results"] if r["ruleId"] == "PG201")
    assert "cis-v8:3.3" in result["properties"]["tags"]


def test_scan_policy_limits_rules_and_controls(capsys, policies):
    assert main(["scan", str(CLINIC), "-f", "json", "--exit-zero", "--policy", "dicom-ps315"]) == 0
    doc = json.loads(capsys.readouterr().out)
    dicom = policies["dicom-ps315"].rule_ids
    assert doc["findings"] and {f["rule_id"] for f in doc["findings"]} <= dicom
    assert all(c.startswith("dicom-ps315:") for f in doc["findings"] for c in f["controls"])
    assert main(["scan", str(CLINIC), "--policy", "nope"]) == 2
